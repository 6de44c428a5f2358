//! `verbatim models fetch silero`: the Silero voice detector's 16 kHz weights
//! (`silero_vad_16k.safetensors`, MIT), shipped in the PyPI wheel `silero-vad==6.2.3`; the wheel
//! is pinned by SHA-256, downloaded with pip into `<models_dir>/cache` like the other wheels,
//! and the weights are extracted and checked against their own pinned SHA-256. Ingest uses them
//! to confirm the speech under a gap marker ([`crate::audio::silero`]).

use std::path::{Path, PathBuf};

use super::fetch::{fetch_pinned_member, Fetched, Wheel};
use crate::audio::silero::{Silero, WEIGHTS_SHA256};
use crate::error::Result;

/// The file name of the weights under the models directory.
pub const WEIGHTS_FILE: &str = "silero-vad-6.2.3-16k.safetensors";

/// The name users type in `models fetch`.
pub const NAME: &str = "silero";

const WHEEL: Wheel = Wheel {
    target: &[],
    package: "silero-vad",
    version: "6.2.3",
    file_name: "silero_vad-6.2.3-py3-none-any.whl",
    sha256: "7b7f5436cfcb02fae583a05b512ea96467fd449fe54cb49a5e4f06c51a1e43b8",
    members: &[(
        "silero_vad/data/silero_vad_16k.safetensors",
        "silero_vad_16k.safetensors",
    )],
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
        |path| Silero::load(path).map(drop),
    )
}
