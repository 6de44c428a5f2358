//! `verbatim models fetch resemblyzer`: the voice encoder's weights come from the PyPI wheel
//! `Resemblyzer==0.1.4` (pinned by SHA-256, downloaded with pip into `<models_dir>/cache` like
//! the Whisper wheels), from which `resemblyzer/pretrained.pt` is extracted and checked against
//! its own pinned SHA-256.

use std::path::{Path, PathBuf};

use super::fetch::{extract_members, obtain_wheel, Fetched, Wheel};
use crate::error::{Error, Result};
use crate::hash::sha256_file;
use crate::speakers::encoder::{VoiceEncoder, WEIGHTS_SHA256};

/// The file name of the weights under the models directory.
pub const WEIGHTS_FILE: &str = "resemblyzer-0.1.4-pretrained.pt";

/// The name users type in `models fetch`.
pub const NAME: &str = "resemblyzer";

const WHEEL: Wheel = Wheel {
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
    let path = weights_path(models_dir);
    if path.exists() && VoiceEncoder::load(&path).is_ok() {
        return Ok(Fetched {
            sha256: WEIGHTS_SHA256.into(),
            path,
            already_present: true,
        });
    }
    let cache = models_dir.join("cache");
    std::fs::create_dir_all(&cache).map_err(|e| Error::io(&cache, e))?;
    let wheel = obtain_wheel(&WHEEL, &cache, &path, "python3")?;
    let staging = models_dir.join(format!(".fetch-{NAME}-{}", std::process::id()));
    std::fs::create_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
    let result = extract_members(&wheel, WHEEL.members, &staging).and_then(|()| {
        let extracted = staging.join("pretrained.pt");
        let sha256 = sha256_file(&extracted)?;
        if sha256 != WEIGHTS_SHA256 {
            return Err(Error::Model {
                path: wheel.clone(),
                reason: format!(
                    "its pretrained.pt has SHA-256 {sha256}, not the pinned {WEIGHTS_SHA256}"
                ),
            });
        }
        std::fs::rename(&extracted, &path).map_err(|e| Error::io(&path, e))
    });
    let _ = std::fs::remove_dir_all(&staging);
    result?;
    VoiceEncoder::load(&path)?;
    Ok(Fetched {
        sha256: WEIGHTS_SHA256.into(),
        path,
        already_present: false,
    })
}
