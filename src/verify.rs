//! Provenance checks: re-hash every source file the manifest names and compare with the
//! SHA-256 recorded at ingest. The last results are kept in `<store>/verify.json` so that every
//! claims export can mark quotes whose source has changed or gone.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::{Error, Result};
use crate::files::write_atomic;
use crate::hash::sha256_file;
use crate::store::Store;

/// The file in the store holding the last verification.
pub const VERIFY_FILE: &str = "verify.json";

/// What re-hashing one source found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum SourceStatus {
    /// The file is there and has the recorded SHA-256.
    Ok,
    /// The file is there but its bytes changed.
    Changed {
        /// The SHA-256 it has now.
        actual_sha256: String,
    },
    /// The file cannot be read.
    Missing {
        /// Why (the operating system's words).
        reason: String,
    },
}

/// One recording's check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    /// The recording's name.
    pub name: String,
    /// The SHA-256 recorded at ingest.
    pub sha256: String,
    /// The path re-hashed.
    pub path: PathBuf,
    /// What was found.
    #[serde(flatten)]
    pub status: SourceStatus,
}

#[derive(Debug, Serialize, Deserialize)]
struct Record {
    #[serde(with = "time::serde::rfc3339")]
    checked_at: OffsetDateTime,
    checks: Vec<Check>,
}

/// Re-hashes every source in the manifest. Relative source paths are resolved against `root`.
pub fn verify(store: &Store, root: &Path) -> Vec<Check> {
    store
        .recordings()
        .iter()
        .map(|recording| {
            let path = root.join(&recording.source_path);
            let status = match sha256_file(&path) {
                Ok(sha256) if sha256 == recording.sha256 => SourceStatus::Ok,
                Ok(sha256) => SourceStatus::Changed {
                    actual_sha256: sha256,
                },
                Err(e) => SourceStatus::Missing {
                    reason: match e {
                        Error::Io { source, .. } => source.to_string(),
                        other => other.to_string(),
                    },
                },
            };
            Check {
                name: recording.name.clone(),
                sha256: recording.sha256.clone(),
                path,
                status,
            }
        })
        .collect()
}

/// Keeps the checks as the store's last verification.
pub fn record(store: &Store, checks: &[Check]) -> Result<()> {
    let record = Record {
        checked_at: OffsetDateTime::now_utc(),
        checks: checks.to_vec(),
    };
    let json = serde_json::to_vec_pretty(&record).expect("checks always serialize");
    write_atomic(&store.root().join(VERIFY_FILE), &json)
}

/// The last verification's status per recording SHA-256 (empty when never verified).
pub fn last_statuses(store: &Store) -> Result<BTreeMap<String, SourceStatus>> {
    let path = store.root().join(VERIFY_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(Error::io(path, e)),
    };
    let record: Record = serde_json::from_slice(&bytes).map_err(|e| Error::CorruptStore {
        path,
        reason: e.to_string(),
    })?;
    Ok(record
        .checks
        .into_iter()
        .map(|c| (c.sha256, c.status))
        .collect())
}
