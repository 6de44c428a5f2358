//! `verbatim models fetch resemblyzer`: the voice encoder's weights come from the PyPI wheel
//! `Resemblyzer==0.1.4` (pinned by SHA-256, downloaded with pip into `<models_dir>/cache` like
//! the Whisper wheels), from which `resemblyzer/pretrained.pt` is extracted and checked against
//! its own pinned SHA-256.

use std::path::{Path, PathBuf};

use super::fetch::{fetch_pinned_member, Fetched, Wheel};
use crate::error::Result;
use crate::speakers::encoder::{VoiceEncoder, WEIGHTS_SHA256};

/// The file name of the weights under the models directory.
pub const WEIGHTS_FILE: &str = "resemblyzer-0.1.4-pretrained.pt";

/// The name users type in `models fetch`.
pub const NAME: &str = "resemblyzer";

const WHEEL: Wheel = Wheel {
    target: &[],
    package: "Resemblyzer",
    version: "0.1.4",
    file_name: "Resemblyzer-0.1.4-py3-none-any.whl",
    sha256: "8f12eb2f1a9982d32e8db7856de754709b59c93a77bcf0ff536584b619a9dd1f",
    members: &[("resemblyzer/pretrained.pt", "pretrained.pt")],
};

/// Where the weights live under `models_dir`.
pub fn weights_path(models_dir: &Path) -> PathBuf {
    models_dir.join(WEIGHTS_FILE)
}

/// Puts the pinned weights under `models_dir` unless a valid copy is there.
pub fn fetch(models_dir: &Path) -> Result<Fetched> {
    fetch_pinned_member(
        &WHEEL,
        models_dir,
        &weights_path(models_dir),
        WEIGHTS_SHA256,
        |path| VoiceEncoder::load(path).map(drop),
    )
}
