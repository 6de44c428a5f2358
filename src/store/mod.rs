//! The evidence store on disk: a manifest of recordings with their provenance and one JSON
//! transcript per recording, named by the source's SHA-256.
//!
//! ```text
//! .verbatim/
//!   manifest.json             {"format_version": 1, "recordings": [Recording, ...], "journal": true}
//!   transcripts/<sha256>.json Transcript
//!   claims/<sha256>.json      the claims found in it (derived: rebuilt by `claims --rescan`)
//!   journal.jsonl             every write above, hash-chained (see `crate::journal`)
//!   lock                      held while a writer changes the store
//! ```
//! Every write goes to a temporary file in the same folder, is synced, then renamed over the
//! target, so a crash leaves either the old file or the new one. A transcript is written before
//! the manifest names it: a recording is in the store once, and only once, the manifest says so.

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::files::write_atomic;
use crate::model::{Recording, Transcript};

/// The manifest file inside a store.
pub const MANIFEST_FILE: &str = "manifest.json";
const TRANSCRIPTS: &str = "transcripts";
const LOCK: &str = "lock";
const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    format_version: u32,
    recordings: Vec<Recording>,
    /// The store keeps a journal of its writes ([`crate::journal`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    journal: bool,
}

/// An opened evidence store.
#[derive(Debug)]
pub struct Store {
    root: PathBuf,
    manifest: Manifest,
}

/// The outcome of storing one recording ([`Store::add_many`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Added {
    /// The recording is now in the store.
    New,
    /// The same bytes were already stored (perhaps by another process meanwhile).
    AlreadyPresent(Box<Recording>),
}

impl Store {
    /// Opens the store at `root`, creating it if it does not exist. A manifest that cannot be
    /// parsed is an error: it is never overwritten.
    pub fn open(root: &Path) -> Result<Store> {
        fs::create_dir_all(root.join(TRANSCRIPTS)).map_err(|e| Error::io(root, e))?;
        // A new store, or one written before the journal, gets its journal now. On read-only
        // media this fails: reading goes on, and the first write reports it.
        let _ = crate::journal::start(root);
        let manifest = read_manifest(root)?;
        Ok(Store {
            root: root.to_path_buf(),
            manifest,
        })
    }

    /// Reads the manifest again, for what other processes stored since it was opened.
    pub fn reload(&mut self) -> Result<()> {
        let _lock = self.lock()?;
        self.manifest = read_manifest(&self.root)?;
        Ok(())
    }

    /// The store's folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Every stored recording, in the order they were added.
    pub fn recordings(&self) -> &[Recording] {
        &self.manifest.recordings
    }

    /// The recording whose source has this SHA-256, if stored.
    pub fn find_by_sha256(&self, sha256: &str) -> Option<&Recording> {
        self.manifest.recordings.iter().find(|r| r.sha256 == sha256)
    }

    /// Finds one recording by file name, stem (name without extension), or a prefix of its
    /// SHA-256 (at least 4 hex digits, optionally written `sha256:...`).
    pub fn resolve(&self, query: &str) -> Result<&Recording> {
        let wanted = query.trim();
        let hash = wanted
            .strip_prefix("sha256:")
            .unwrap_or(wanted)
            .to_ascii_lowercase();
        let is_hash_prefix = hash.len() >= 4 && hash.chars().all(|c| c.is_ascii_hexdigit());
        let by_name: Vec<&Recording> = self
            .manifest
            .recordings
            .iter()
            .filter(|r| r.name == wanted || r.stem() == wanted)
            .collect();
        let matches = if by_name.is_empty() && is_hash_prefix {
            self.manifest
                .recordings
                .iter()
                .filter(|r| r.sha256.starts_with(&hash))
                .collect()
        } else {
            by_name
        };
        match matches.as_slice() {
            [] => Err(Error::UnknownRecording(query.to_string())),
            [one] => Ok(one),
            many => Err(Error::AmbiguousRecording {
                name: query.to_string(),
                candidates: many
                    .iter()
                    .map(|r| format!("{} {}", r.short_hash(), r.name))
                    .collect(),
            }),
        }
    }

    /// Stores a transcript and its recording. Holds the store's lock, re-reads the manifest so
    /// that concurrent writers never lose each other's work, writes the transcript, then the
    /// manifest. Adding bytes already stored changes nothing.
    #[cfg(test)]
    fn add(&mut self, recording: Recording, transcript: &Transcript) -> Result<Added> {
        let mut added = self.add_many(vec![(recording, transcript)])?;
        Ok(added.pop().expect("one outcome per recording"))
    }

    /// Stores several recordings in one transaction: every transcript is written and synced,
    /// then the manifest once, naming them all. A crash before the manifest is renamed into
    /// place leaves none of them in the store (their transcript files are rewritten by the next
    /// attempt); after it, all of them. Returns one outcome per recording, in order; a recording
    /// whose bytes are stored already, or appear earlier in the same batch, is not added again.
    pub fn add_many(&mut self, batch: Vec<(Recording, &Transcript)>) -> Result<Vec<Added>> {
        let _lock = self.lock()?;
        self.manifest = read_manifest(&self.root)?;
        let mut outcomes = Vec::with_capacity(batch.len());
        let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
        for (recording, transcript) in batch {
            if let Some(existing) = self.find_by_sha256(&recording.sha256) {
                outcomes.push(Added::AlreadyPresent(Box::new(existing.clone())));
                continue;
            }
            let json = serde_json::to_vec(transcript).expect("transcripts always serialize");
            files.push((transcript_relative(&recording.sha256), json));
            self.manifest.recordings.push(recording);
            outcomes.push(Added::New);
        }
        if !files.is_empty() {
            self.manifest.format_version = FORMAT_VERSION;
            self.manifest.journal = true;
            let json =
                serde_json::to_vec_pretty(&self.manifest).expect("manifests always serialize");
            files.push((PathBuf::from(MANIFEST_FILE), json));
            crate::journal::write(&self.root, &files)?;
        }
        Ok(outcomes)
    }

    /// Reads a recording's stored transcript.
    pub fn transcript(&self, recording: &Recording) -> Result<Transcript> {
        let path = self.transcript_path(&recording.sha256);
        let bytes = fs::read(&path).map_err(|e| Error::io(&path, e))?;
        serde_json::from_slice(&bytes).map_err(|e| Error::CorruptStore {
            path,
            reason: e.to_string(),
        })
    }

    /// Replaces a stored recording's transcript (speaker labels changed), atomically.
    pub fn replace_transcript(&self, recording: &Recording, transcript: &Transcript) -> Result<()> {
        let json = serde_json::to_vec(transcript).expect("transcripts always serialize");
        crate::journal::write(
            &self.root,
            &[(transcript_relative(&recording.sha256), json)],
        )
    }

    /// Writes a file derived from a recording (its claims) into `folder`, atomically.
    pub fn put_derived<T: Serialize>(&self, folder: &str, sha256: &str, value: &T) -> Result<()> {
        let json = serde_json::to_vec(value).expect("derived data always serializes");
        let file = Path::new(folder).join(format!("{sha256}.json"));
        crate::journal::write(&self.root, &[(file, json)])
    }

    /// Writes a binary file derived from the recordings (`folder/file`), atomically.
    pub fn put_derived_bytes(&self, folder: &str, file: &str, bytes: &[u8]) -> Result<()> {
        let dir = self.root.join(folder);
        fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        write_atomic(&dir.join(file), bytes)
    }

    /// Reads a binary derived file; `None` when it was never written.
    pub fn derived_bytes(&self, folder: &str, file: &str) -> Result<Option<Vec<u8>>> {
        let path = self.derived_path(folder, file);
        match fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(path, e)),
        }
    }

    /// Where a derived file lives (`<store>/folder/file`).
    pub fn derived_path(&self, folder: &str, file: &str) -> PathBuf {
        self.root.join(folder).join(file)
    }

    /// True when a file derived from a recording has been written.
    pub fn has_derived(&self, folder: &str, sha256: &str) -> bool {
        self.root
            .join(folder)
            .join(format!("{sha256}.json"))
            .is_file()
    }

    /// Reads a file derived from a recording; `None` when it was never written.
    pub fn derived<T: serde::de::DeserializeOwned>(
        &self,
        folder: &str,
        sha256: &str,
    ) -> Result<Option<T>> {
        crate::files::read_json(&self.root.join(folder).join(format!("{sha256}.json")))
    }

    fn transcript_path(&self, sha256: &str) -> PathBuf {
        self.root.join(transcript_relative(sha256))
    }

    fn lock(&self) -> Result<File> {
        self.lock_named(LOCK)
    }

    /// Takes an exclusive lock on the file `name` under the root (created if absent); released
    /// when the returned file is dropped.
    pub fn lock_named(&self, name: &str) -> Result<File> {
        crate::files::lock(&self.root.join(name))
    }
}

/// A transcript's path inside the store.
fn transcript_relative(sha256: &str) -> PathBuf {
    Path::new(TRANSCRIPTS).join(format!("{sha256}.json"))
}

fn read_manifest(root: &Path) -> Result<Manifest> {
    let path = root.join(MANIFEST_FILE);
    match fs::read(&path) {
        Ok(bytes) => {
            let manifest: Manifest =
                serde_json::from_slice(&bytes).map_err(|e| Error::CorruptStore {
                    path: path.clone(),
                    reason: e.to_string(),
                })?;
            if manifest.format_version > FORMAT_VERSION {
                return Err(Error::CorruptStore {
                    path,
                    reason: format!(
                        "format version {} is newer than this verbatim understands ({FORMAT_VERSION})",
                        manifest.format_version
                    ),
                });
            }
            Ok(manifest)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Manifest {
            format_version: FORMAT_VERSION,
            recordings: Vec::new(),
            journal: false,
        }),
        Err(e) => Err(Error::io(path, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recording(name: &str, sha256: &str) -> Recording {
        crate::model::sample_recording(name, sha256)
    }

    fn transcript(sha256: &str) -> Transcript {
        Transcript {
            sha256: sha256.into(),
            language: "en".into(),
            segments: vec![],
            faint_activity: Vec::new(),
        }
    }

    #[test]
    fn added_recordings_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let rec = recording("2021-09-14 standup.wav", "abcdef0123");
        assert_eq!(
            store.add(rec.clone(), &transcript("abcdef0123")).unwrap(),
            Added::New
        );
        let again = store.add(rec.clone(), &transcript("abcdef0123")).unwrap();
        assert_eq!(again, Added::AlreadyPresent(Box::new(rec.clone())));
        let reopened = Store::open(dir.path()).unwrap();
        assert_eq!(reopened.recordings(), std::slice::from_ref(&rec));
        assert_eq!(reopened.transcript(&rec).unwrap(), transcript("abcdef0123"));
    }

    #[test]
    fn resolve_by_name_stem_and_hash_prefix() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        store
            .add(recording("a call.mp3", "aaaa1111"), &transcript("aaaa1111"))
            .unwrap();
        store
            .add(recording("b.wav", "bbbb2222"), &transcript("bbbb2222"))
            .unwrap();
        store
            .add(recording("b.wav", "bbbb3333"), &transcript("bbbb3333"))
            .unwrap();
        assert_eq!(store.resolve("a call.mp3").unwrap().sha256, "aaaa1111");
        assert_eq!(store.resolve("a call").unwrap().sha256, "aaaa1111");
        assert_eq!(store.resolve("sha256:AAAA").unwrap().sha256, "aaaa1111");
        assert_eq!(store.resolve("bbbb3").unwrap().sha256, "bbbb3333");
        match store.resolve("b") {
            Err(Error::AmbiguousRecording { candidates, .. }) => assert_eq!(candidates.len(), 2),
            other => panic!("expected ambiguity, got {other:?}"),
        }
        assert!(matches!(
            store.resolve("zzz"),
            Err(Error::UnknownRecording(_))
        ));
        // Too short to be a hash prefix.
        assert!(matches!(
            store.resolve("aaa"),
            Err(Error::UnknownRecording(_))
        ));
    }

    #[test]
    fn corrupt_manifest_is_reported_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join(MANIFEST_FILE),
            b"{\"format_version\": 1, \"recor",
        )
        .unwrap();
        let err = Store::open(dir.path()).unwrap_err();
        assert!(err.to_string().contains("manifest.json"), "{err}");
        assert_eq!(
            fs::read(dir.path().join(MANIFEST_FILE)).unwrap(),
            b"{\"format_version\": 1, \"recor"
        );
    }
}
