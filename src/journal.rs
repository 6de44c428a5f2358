//! The store's chain of custody: every file verbatim writes into a store (the manifest, each
//! transcript, each claims file, the speaker registry, the review log) is recorded in an
//! append-only, hash-chained journal (`<store>/journal.jsonl`, a [`chain`](crate::chain) log)
//! with the SHA-256 of what was written and why: the command line that wrote it. `verify`
//! compares every such file with the journal's last hash for it, so a file changed outside
//! verbatim is reported, as is a journal that was edited, cut short or deleted.
//!
//! The search index and the meaning embeddings are not journaled: they are rebuilt from the
//! transcripts and only rank what is found. `verify.json` (the last verification) is not
//! evidence either.
//!
//! Each record hashes the files as they are on disk while holding the journal's lock, so
//! writers working at once leave the journal holding what the disk holds. A write through
//! [`write`] is announced first (an `intent` entry with the hashes the files are about to
//! have), then made, then recorded: a process stopped between the write and its record leaves
//! files holding the bytes it announced, which [`check`] reports as [`FileStatus::Unrecorded`]
//! (written by verbatim, its record cut short) rather than as changed outside verbatim.
//!
//! A store written by a version of verbatim without a journal gets one started from its current
//! state, and its first entry says so; from then on the manifest says the store keeps a
//! journal, so a deleted journal is reported rather than started afresh.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::chain::{Broken, Log};
use crate::error::{Error, Result};
use crate::hash::{sha256_file, sha256_hex};

/// The journal, in the store's folder.
pub const JOURNAL_FILE: &str = "journal.jsonl";
const LOG: Log = Log {
    file: JOURNAL_FILE,
    head: "journal.head.json",
    lock: "journal.lock",
    entry: "journal entry",
    check_all_on_append: false,
};
/// The manifest's field saying the store keeps a journal.
pub const MANIFEST_FLAG: &str = "journal";
/// The first entry's reason in a new store.
pub const STARTED_NEW: &str = "journal started with a new store";
/// The first entry's reason in a store written before the journal existed.
pub const STARTED_AS_FOUND: &str = "journal started from the store as found: it was written by a \
     version of verbatim without a journal, so these files were taken as they were";

/// A file written, as the journal records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Written {
    /// Its path inside the store, with `/` between folders.
    pub path: String,
    /// The SHA-256 of its bytes after the write; `None` when it was removed.
    pub sha256: Option<String>,
}

/// One entry: the files one write left.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Why: the command line that wrote them (or how the journal started).
    pub reason: String,
    /// When (UTC).
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The files and their hashes.
    pub files: Vec<Written>,
    /// True for an announcement made before the files were written: the hashes they are about
    /// to have. The write is recorded in an entry of its own once made.
    #[serde(default, skip_serializing_if = "is_false")]
    pub intent: bool,
    /// The previous entry's `sha256`.
    pub prev_sha256: String,
    /// SHA-256 of this entry's JSON with this field empty.
    pub sha256: String,
}

crate::linked_by_fields!(Entry);

fn is_false(b: &bool) -> bool {
    !*b
}

static REASON: OnceLock<String> = OnceLock::new();

/// Sets the reason recorded with every write of this process: the `verbatim` binary gives its
/// command line. The first call wins.
pub fn set_reason(reason: String) {
    let _ = REASON.set(reason);
}

fn reason() -> String {
    REASON
        .get()
        .cloned()
        .unwrap_or_else(|| format!("verbatim {} library", crate::VERSION))
}

/// Reads the manifest's journal flag and recordings, without the store's types (the store
/// calls in here).
fn manifest(root: &Path) -> Result<Option<serde_json::Value>> {
    crate::files::read_json(&root.join(crate::store::MANIFEST_FILE))
}

fn flagged(manifest: &serde_json::Value) -> bool {
    manifest.get(MANIFEST_FLAG) == Some(&serde_json::Value::Bool(true))
}

/// The files the journal vouches for, as they should exist now: the manifest, the registry,
/// the review log, and each recording's transcript and derived files.
fn tracked(root: &Path, manifest: Option<&serde_json::Value>) -> Vec<String> {
    let mut paths = vec![
        crate::store::MANIFEST_FILE.to_string(),
        crate::speakers::registry::REGISTRY_FILE.to_string(),
        crate::review::REVIEWS_FILE.to_string(),
    ];
    let hashes = manifest
        .and_then(|m| m.get("recordings"))
        .and_then(|r| r.as_array())
        .into_iter()
        .flatten()
        .filter_map(|r| r.get("sha256").and_then(|s| s.as_str()));
    for sha256 in hashes {
        for folder in TRACKED_FOLDERS {
            paths.push(format!("{folder}/{sha256}.json"));
        }
    }
    paths.retain(|p| root.join(p).is_file());
    paths
}

/// The folders of per-recording files the journal covers.
pub const TRACKED_FOLDERS: [&str; 3] = ["transcripts", crate::claims::CLAIMS_DIR, "second-listen"];

fn hash(root: &Path, path: &str) -> Result<Written> {
    let full = root.join(path);
    let sha256 = match sha256_file(&full) {
        Ok(sha256) => Some(sha256),
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    Ok(Written {
        path: path.to_string(),
        sha256,
    })
}

/// Starts the journal of a store that has none: empty for a new store; for a store written
/// before the journal, an entry taking every tracked file as found, after flagging the
/// manifest. Does nothing when the journal exists, or when the manifest says there should be
/// one (then [`check`] reports it missing and [`record`] refuses).
pub fn start(root: &Path) -> Result<()> {
    if LOG.exists(root) {
        return Ok(());
    }
    let manifest = manifest(root)?;
    let reason = match &manifest {
        Some(m) if flagged(m) => return Ok(()),
        Some(m) => {
            let mut m = m.clone();
            m[MANIFEST_FLAG] = serde_json::Value::Bool(true);
            let json = serde_json::to_vec_pretty(&m).expect("a manifest always serializes");
            crate::files::write_atomic(&root.join(crate::store::MANIFEST_FILE), &json)?;
            STARTED_AS_FOUND
        }
        None => STARTED_NEW,
    };
    let paths = tracked(root, manifest.as_ref());
    append(root, reason.to_string(), &paths)
}

fn append(root: &Path, reason: String, paths: &[String]) -> Result<()> {
    append_entry(root, reason, false, || {
        paths.iter().map(|p| hash(root, p)).collect()
    })
}

fn append_entry(
    root: &Path,
    reason: String,
    intent: bool,
    files: impl FnOnce() -> Result<Vec<Written>>,
) -> Result<()> {
    LOG.append(root, || {
        Ok(Entry {
            reason,
            at: OffsetDateTime::now_utc(),
            files: files()?,
            intent,
            prev_sha256: String::new(),
            sha256: String::new(),
        })
    })
    .map(drop)
}

/// Starts the journal if the store has none yet, and refuses a store whose journal was
/// deleted.
fn open(root: &Path) -> Result<()> {
    start(root)?;
    if !LOG.exists(root) {
        return Err(Error::CorruptStore {
            path: root.join(JOURNAL_FILE),
            reason: "the store's journal is missing although its manifest says it keeps one \
                     (was it deleted?); `verbatim verify` reports it"
                .into(),
        });
    }
    Ok(())
}

/// A path relative to the store's root, with `/` between folders.
fn relative(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Records that this process wrote (or removed) `paths`, relative to the store's root. The
/// files are hashed as they are now, under the journal's lock.
pub fn record<P: AsRef<Path>>(root: &Path, paths: &[P]) -> Result<()> {
    open(root)?;
    let paths: Vec<String> = paths.iter().map(|p| relative(p.as_ref())).collect();
    append(root, reason(), &paths)
}

/// Announces that this process is about to write `files` (paths relative to the store's root,
/// with the bytes each will hold): an intent entry with their SHA-256s. See [`write`].
pub fn announce<P: AsRef<Path>, B: AsRef<[u8]>>(root: &Path, files: &[(P, B)]) -> Result<()> {
    open(root)?;
    append_entry(root, reason(), true, || {
        Ok(files
            .iter()
            .map(|(path, bytes)| Written {
                path: relative(path.as_ref()),
                sha256: Some(sha256_hex(bytes.as_ref())),
            })
            .collect())
    })
}

/// Writes `files` (paths relative to the store's root, with their bytes) into the store, each
/// atomically and in order, as one journaled write: the hashes they are about to have are
/// announced, then the files are written, then recorded as they are on disk.
pub fn write<P: AsRef<Path>, B: AsRef<[u8]>>(root: &Path, files: &[(P, B)]) -> Result<()> {
    announce(root, files)?;
    let reason = reason();
    for (path, bytes) in files {
        let full = root.join(path);
        if let Some(dir) = full.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        crate::files::write_atomic(&full, bytes.as_ref())?;
    }
    let paths: Vec<String> = files.iter().map(|(p, _)| relative(p.as_ref())).collect();
    append(root, reason, &paths)
}

/// What one tracked file's check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum FileStatus {
    /// It has the hash the journal last recorded.
    Ok,
    /// Its bytes differ from what verbatim last wrote.
    Changed {
        /// The journal's last hash for it.
        recorded_sha256: String,
        /// Its hash now.
        actual_sha256: String,
    },
    /// The journal recorded it but it is gone.
    Missing {
        /// The journal's last hash for it.
        recorded_sha256: String,
    },
    /// It exists but verbatim never recorded writing it.
    NotJournaled {
        /// Its hash now.
        actual_sha256: String,
    },
    /// Its bytes are the ones a write announced, but the process stopped before recording the
    /// write as made: written by verbatim, its record cut short.
    Unrecorded {
        /// The journal's last recorded hash for it, if any.
        recorded_sha256: Option<String>,
        /// Its hash now, as announced.
        actual_sha256: String,
        /// The command line that announced it.
        by: String,
        /// When (UTC, RFC 3339).
        at: String,
    },
}

impl FileStatus {
    /// Whether the file holds bytes verbatim wrote: as recorded, or as announced by a write
    /// whose record was cut short.
    pub fn is_vouched(&self) -> bool {
        matches!(self, FileStatus::Ok | FileStatus::Unrecorded { .. })
    }
}

/// One file's check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileCheck {
    /// Its path inside the store.
    pub path: String,
    /// What was found.
    #[serde(flatten)]
    pub status: FileStatus,
}

/// What [`check`] found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Entries in the journal.
    pub entries: usize,
    /// How the journal began: its first entry's reason and time.
    pub started: Option<(String, String)>,
    /// Where the chain breaks (then no file is compared), or why the journal is missing.
    pub broken: Option<String>,
    /// Every tracked file, and every file the journal recorded that is gone.
    pub files: Vec<FileCheck>,
}

impl Report {
    /// Whether anything is wrong.
    pub fn is_clean(&self) -> bool {
        self.broken.is_none() && self.files.iter().all(|f| f.status.is_vouched())
    }
}

/// Checks the journal's chain, then every tracked file against the journal's last hash for it.
/// A store without a journal that is not flagged as keeping one reports no entries and no
/// files (it is started on its next write).
pub fn check(root: &Path) -> Result<Report> {
    let manifest = manifest(root)?;
    let mut report = Report {
        entries: 0,
        started: None,
        broken: None,
        files: Vec::new(),
    };
    if !LOG.exists(root) {
        if manifest.as_ref().is_some_and(flagged) {
            report.broken = Some(format!(
                "{JOURNAL_FILE} is missing although the manifest says this store keeps one"
            ));
        }
        return Ok(report);
    }
    let entries: Vec<Entry> = match LOG.check(root)? {
        Ok(entries) => entries,
        Err(broken) => {
            report.broken = Some(Broken::to_string(&broken));
            return Ok(report);
        }
    };
    report.entries = entries.len();
    report.started = entries.first().map(|e| {
        let at =
            e.at.format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default();
        (e.reason.clone(), at)
    });
    let mut last: BTreeMap<String, Option<String>> = BTreeMap::new();
    // hashes announced since a path's last record: (hash, command line, time)
    let mut announced: BTreeMap<String, Vec<(String, String, String)>> = BTreeMap::new();
    for entry in entries {
        let at = entry
            .at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        for written in entry.files {
            if entry.intent {
                if let Some(sha256) = written.sha256 {
                    announced.entry(written.path).or_default().push((
                        sha256,
                        entry.reason.clone(),
                        at.clone(),
                    ));
                }
            } else {
                announced.remove(&written.path);
                last.insert(written.path, written.sha256);
            }
        }
    }
    let mut paths = tracked(root, manifest.as_ref());
    paths.extend(
        last.keys()
            .filter(|p| !paths.contains(p))
            .cloned()
            .collect::<Vec<_>>(),
    );
    for path in paths {
        let actual = hash(root, &path)?.sha256;
        let recorded = last.get(&path).cloned().flatten();
        let announcement = actual.as_ref().and_then(|actual| {
            announced
                .get(&path)
                .into_iter()
                .flatten()
                .rev()
                .find(|(sha256, _, _)| sha256 == actual)
        });
        let status = match (recorded, actual) {
            (Some(recorded), Some(actual)) if recorded == actual => FileStatus::Ok,
            (recorded_sha256, Some(actual_sha256)) if announcement.is_some() => {
                let (_, by, at) = announcement.cloned().unwrap_or_default();
                FileStatus::Unrecorded {
                    recorded_sha256,
                    actual_sha256,
                    by,
                    at,
                }
            }
            (Some(recorded_sha256), Some(actual_sha256)) => FileStatus::Changed {
                recorded_sha256,
                actual_sha256,
            },
            (Some(recorded_sha256), None) => FileStatus::Missing { recorded_sha256 },
            (None, Some(actual_sha256)) => FileStatus::NotJournaled { actual_sha256 },
            (None, None) => continue,
        };
        report.files.push(FileCheck { path, status });
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_file(root: &Path, path: &str, text: &str) {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }

    const SHA: &str = "ab12";

    fn manifest_text(flag: bool) -> String {
        let flag = if flag { ",\"journal\":true" } else { "" };
        format!("{{\"format_version\":1,\"recordings\":[{{\"sha256\":\"{SHA}\"}}]{flag}}}")
    }

    fn statuses(root: &Path) -> Vec<(String, &'static str)> {
        check(root)
            .unwrap()
            .files
            .into_iter()
            .map(|f| {
                let status = match f.status {
                    FileStatus::Ok => "ok",
                    FileStatus::Changed { .. } => "changed",
                    FileStatus::Missing { .. } => "missing",
                    FileStatus::NotJournaled { .. } => "not journaled",
                    FileStatus::Unrecorded { .. } => "unrecorded",
                };
                (f.path, status)
            })
            .collect()
    }

    #[test]
    fn recorded_writes_verify_and_an_outside_edit_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        start(root).unwrap();
        write_file(
            root,
            "transcripts/ab12.json",
            "{\"text\":\"you can see everything\"}",
        );
        write_file(root, "manifest.json", &manifest_text(true));
        record(root, &["transcripts/ab12.json", "manifest.json"]).unwrap();
        let report = check(root).unwrap();
        assert!(report.is_clean(), "{report:?}");
        assert_eq!(report.entries, 2);
        assert_eq!(report.started.unwrap().0, STARTED_NEW);

        write_file(
            root,
            "transcripts/ab12.json",
            "{\"text\":\"you can see nothing\"}",
        );
        write_file(root, "claims/ab12.json", "[]");
        assert_eq!(
            statuses(root),
            [
                ("manifest.json".to_string(), "ok"),
                ("transcripts/ab12.json".to_string(), "changed"),
                ("claims/ab12.json".to_string(), "not journaled"),
            ]
        );
        std::fs::remove_file(root.join("transcripts/ab12.json")).unwrap();
        assert!(statuses(root).contains(&("transcripts/ab12.json".into(), "missing")));
    }

    #[test]
    fn an_old_store_gets_a_journal_started_as_found_and_a_deleted_journal_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write_file(root, "manifest.json", &manifest_text(false));
        write_file(root, "transcripts/ab12.json", "{}");
        assert_eq!(check(root).unwrap().entries, 0);
        start(root).unwrap();
        let report = check(root).unwrap();
        assert!(report.is_clean(), "{report:?}");
        assert_eq!(report.started.unwrap().0, STARTED_AS_FOUND);
        assert_eq!(report.files.len(), 2);
        let manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(root.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(manifest["journal"], true);

        std::fs::remove_file(root.join(JOURNAL_FILE)).unwrap();
        std::fs::remove_file(root.join(LOG.head)).unwrap();
        start(root).unwrap();
        assert!(!LOG.exists(root), "a deleted journal is not started afresh");
        assert!(check(root).unwrap().broken.unwrap().contains("missing"));
        let refused = record(root, &["manifest.json"]).unwrap_err();
        assert!(
            refused.to_string().contains("journal is missing"),
            "{refused}"
        );
    }

    #[test]
    fn a_write_stopped_before_its_record_is_told_from_an_outside_edit() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        start(root).unwrap();
        let manifest = manifest_text(true);
        write(
            root,
            &[
                (
                    "transcripts/ab12.json",
                    "{\"text\":\"you can see everything\"}",
                ),
                ("manifest.json", manifest.as_str()),
            ],
        )
        .unwrap();
        let report = check(root).unwrap();
        assert!(report.is_clean(), "{report:?}");
        // announcement, then record
        assert_eq!(report.entries, 3);
        assert_eq!(statuses(root).len(), 2);
        assert!(statuses(root).iter().all(|(_, s)| *s == "ok"));

        // a later write announced, made, and its process stopped before the record
        let said = "{\"text\":\"you can see everything in China\"}";
        append_entry(root, "verbatim speakers rename S1 Ana".into(), true, || {
            Ok(vec![Written {
                path: "transcripts/ab12.json".into(),
                sha256: Some(sha256_hex(said.as_bytes())),
            }])
        })
        .unwrap();
        let before = statuses(root);
        assert!(
            before.iter().all(|(_, s)| *s == "ok"),
            "announced, not yet written: {before:?}"
        );
        write_file(root, "transcripts/ab12.json", said);
        let report = check(root).unwrap();
        assert!(report.is_clean(), "{report:?}");
        let status = &report
            .files
            .iter()
            .find(|f| f.path == "transcripts/ab12.json")
            .unwrap()
            .status;
        let FileStatus::Unrecorded {
            by,
            recorded_sha256,
            ..
        } = status
        else {
            panic!("{status:?}");
        };
        assert_eq!(by, "verbatim speakers rename S1 Ana");
        assert!(recorded_sha256.is_some());

        // other bytes than those announced are an outside edit
        write_file(
            root,
            "transcripts/ab12.json",
            "{\"text\":\"you can see nothing\"}",
        );
        assert!(statuses(root).contains(&("transcripts/ab12.json".into(), "changed")));
        assert!(!check(root).unwrap().is_clean());

        // once a later write is recorded, the old announcement vouches for nothing
        write(root, &[("transcripts/ab12.json", "{}")]).unwrap();
        write_file(root, "transcripts/ab12.json", said);
        assert!(statuses(root).contains(&("transcripts/ab12.json".into(), "changed")));
    }
}
