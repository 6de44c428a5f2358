//! Append-only, hash-chained logs: one JSON entry a line, each holding the SHA-256 of the entry
//! before it (`prev_sha256`) and its own (`sha256`, over the entry with that field empty), so
//! an edited, removed or reordered entry breaks the chain at its line. A head file beside the
//! log records the count and the last entry's hash after each append, so that entries removed
//! from the end are seen too. Appends hold a lock file, so writers working at once lose
//! nothing. A broken log is reported and never rewritten: nothing is appended to it.
//!
//! The review log ([`crate::review`]) and the store's journal ([`crate::journal`]) are such
//! logs.

use std::io::Write;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::hash::sha256_hex;

/// `prev_sha256` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An entry of a chained log: it carries its own links.
pub trait Linked: Serialize + DeserializeOwned + Clone {
    /// The previous entry's hash ([`GENESIS`] for the first).
    fn prev_sha256(&self) -> &str;
    /// This entry's hash.
    fn sha256(&self) -> &str;
    /// Sets both links.
    fn set_links(&mut self, prev_sha256: String, sha256: String);

    /// The hash this entry should carry: over its JSON with `sha256` empty.
    fn own_hash(&self) -> String {
        let mut blank = self.clone();
        blank.set_links(self.prev_sha256().to_string(), String::new());
        sha256_hex(
            serde_json::to_string(&blank)
                .expect("log entries always serialize")
                .as_bytes(),
        )
    }
}

/// Implements [`Linked`] for a struct with `prev_sha256: String` and `sha256: String` fields.
#[macro_export]
macro_rules! linked_by_fields {
    ($entry:ty) => {
        impl $crate::chain::Linked for $entry {
            fn prev_sha256(&self) -> &str {
                &self.prev_sha256
            }
            fn sha256(&self) -> &str {
                &self.sha256
            }
            fn set_links(&mut self, prev_sha256: String, sha256: String) {
                self.prev_sha256 = prev_sha256;
                self.sha256 = sha256;
            }
        }
    };
}

/// Where a chained log lives in a folder: its file, head file and lock file.
#[derive(Debug, Clone, Copy)]
pub struct Log {
    /// The log (`name.jsonl`).
    pub file: &'static str,
    /// The count and last hash, written after each append.
    pub head: &'static str,
    /// Held while appending.
    pub lock: &'static str,
    /// What an entry is, for messages ("review entry").
    pub entry: &'static str,
    /// Whether each append first checks the whole chain (a small log written by people),
    /// rather than the last entry against the head file (a log written by every command, whose
    /// whole chain `verify` checks).
    pub check_all_on_append: bool,
}

/// Where and why a log's chain breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// The log's file name.
    pub file: &'static str,
    /// The line (from 1) where the chain breaks.
    pub line: usize,
    /// What is wrong there.
    pub reason: String,
}

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} line {}: {}", self.file, self.line, self.reason)
    }
}

/// The head file: how long the log was after the last append, and its last hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Head {
    pub(crate) count: usize,
    pub(crate) sha256: String,
}

impl Log {
    /// Reads and checks entries against each other and against `head` (when known).
    pub(crate) fn check_bytes<T: Linked>(
        &self,
        bytes: &[u8],
        head: Option<&Head>,
    ) -> std::result::Result<Vec<T>, Broken> {
        let broken = |line: usize, reason: String| Broken {
            file: self.file,
            line,
            reason,
        };
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let line = 1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            broken(line, "not UTF-8 text".into())
        })?;
        let mut entries: Vec<T> = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let number = index + 1;
            let entry: T = serde_json::from_str(line)
                .map_err(|e| broken(number, format!("not a {} ({e})", self.entry)))?;
            if entry.own_hash() != entry.sha256() {
                return Err(broken(
                    number,
                    "the entry was changed after it was written (its sha256 does not match)".into(),
                ));
            }
            let expected = entries.last().map_or(GENESIS, |e| e.sha256());
            if entry.prev_sha256() != expected {
                return Err(broken(
                    number,
                    "the chain is broken here: an entry before it was removed, reordered or \
                     replaced"
                        .into(),
                ));
            }
            entries.push(entry);
        }
        if let Some(head) = head {
            match head.count.checked_sub(1).map(|i| entries.get(i)) {
                Some(None) => {
                    return Err(broken(
                        entries.len() + 1,
                        format!(
                            "the log ends after {} entries but {} were written: entries were \
                             removed from its end",
                            entries.len(),
                            head.count
                        ),
                    ))
                }
                Some(Some(last)) if last.sha256() != head.sha256 => {
                    return Err(broken(
                        head.count,
                        "the entry differs from the one last written here".into(),
                    ))
                }
                _ => {}
            }
        }
        Ok(entries)
    }

    fn head(&self, dir: &Path) -> Result<Option<Head>> {
        crate::files::read_json(&dir.join(self.head))
    }

    /// Whether the log or its head file exists in `dir`.
    pub fn exists(&self, dir: &Path) -> bool {
        dir.join(self.file).exists() || dir.join(self.head).exists()
    }

    /// The log's entries in order, checked; an empty list when there is no log yet. `Err(Ok)`
    /// is a broken chain; `Err(Err)` a file that cannot be read.
    pub fn check<T: Linked>(&self, dir: &Path) -> Result<std::result::Result<Vec<T>, Broken>> {
        let path = dir.join(self.file);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(Error::io(&path, e)),
        };
        Ok(self.check_bytes(&bytes, self.head(dir)?.as_ref()))
    }

    /// The log's entries, or an error naming the broken line.
    pub fn read<T: Linked>(&self, dir: &Path) -> Result<Vec<T>> {
        self.check(dir)?.map_err(|broken| Error::CorruptStore {
            path: dir.join(self.file),
            reason: format!("{broken}; the log is left as it is"),
        })
    }

    /// Without [`Log::check_all_on_append`]: the count and last hash, when the head file and
    /// the log's last entry agree (then nothing else need be read); `None` to read it all.
    fn tail<T: Linked>(&self, dir: &Path) -> Result<Option<(usize, String)>> {
        if self.check_all_on_append {
            return Ok(None);
        }
        let Some(head) = self.head(dir)? else {
            return Ok(None);
        };
        let path = dir.join(self.file);
        let last = last_line(&path).map_err(|e| Error::io(&path, e))?;
        let intact = last.is_some_and(|line| {
            serde_json::from_str::<T>(&line)
                .is_ok_and(|entry| entry.sha256() == head.sha256 && entry.own_hash() == head.sha256)
        });
        Ok(intact.then_some((head.count, head.sha256)))
    }

    /// Appends the entry `make` builds, under the lock, to an intact log; links it to the last
    /// one and returns it as written.
    pub fn append<T: Linked>(&self, dir: &Path, make: impl FnOnce() -> Result<T>) -> Result<T> {
        self.append_inner(dir, make, None::<fn(&[u8]) -> Result<()>>)
    }

    /// [`Log::append`], calling `announce` with the log's bytes as they will be after the
    /// append (under the log's lock, before anything is written): the store's journal is told
    /// what the log is about to hold.
    pub fn append_announced<T: Linked>(
        &self,
        dir: &Path,
        make: impl FnOnce() -> Result<T>,
        announce: impl FnOnce(&[u8]) -> Result<()>,
    ) -> Result<T> {
        self.append_inner(dir, make, Some(announce))
    }

    fn append_inner<T: Linked>(
        &self,
        dir: &Path,
        make: impl FnOnce() -> Result<T>,
        announce: Option<impl FnOnce(&[u8]) -> Result<()>>,
    ) -> Result<T> {
        let _lock = crate::files::lock(&dir.join(self.lock))?;
        let (count, prev) = match self.tail::<T>(dir)? {
            Some(tail) => tail,
            None => {
                let entries: Vec<T> = self.read(dir)?;
                let prev = entries
                    .last()
                    .map_or_else(|| GENESIS.to_string(), |e| e.sha256().to_string());
                (entries.len(), prev)
            }
        };
        let mut entry = make()?;
        entry.set_links(prev.clone(), String::new());
        let own = entry.own_hash();
        entry.set_links(prev, own);
        let path = dir.join(self.file);
        let mut line = serde_json::to_string(&entry).expect("log entries always serialize");
        line.push('\n');
        if let Some(announce) = announce {
            let mut after = match std::fs::read(&path) {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
                Err(e) => return Err(Error::io(&path, e)),
            };
            after.extend_from_slice(line.as_bytes());
            announce(&after)?;
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        file.write_all(line.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| Error::io(&path, e))?;
        let head = Head {
            count: count + 1,
            sha256: entry.sha256().to_string(),
        };
        crate::files::write_atomic(
            &dir.join(self.head),
            &serde_json::to_vec(&head).expect("a head always serializes"),
        )?;
        Ok(entry)
    }
}

/// The last non-empty line of a file, read from its end; `None` for a missing or empty file.
fn last_line(path: &Path) -> std::io::Result<Option<String>> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let len = file.metadata()?.len();
    let mut chunk = 4096u64;
    loop {
        let start = len.saturating_sub(chunk);
        file.seek(SeekFrom::Start(start))?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)?;
        let text = String::from_utf8_lossy(&bytes);
        let trimmed = text.trim_end_matches('\n');
        match trimmed.rfind('\n') {
            Some(at) => return Ok(Some(trimmed[at + 1..].to_string())),
            None if start == 0 => {
                return Ok((!trimmed.is_empty()).then(|| trimmed.to_string()));
            }
            None => chunk *= 4,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Note {
        text: String,
        prev_sha256: String,
        sha256: String,
    }

    crate::linked_by_fields!(Note);

    const LOG: Log = Log {
        file: "notes.jsonl",
        head: "notes.head.json",
        lock: "notes.lock",
        entry: "note",
        check_all_on_append: true,
    };

    fn note(text: &str, prev: &str) -> Note {
        let mut note = Note {
            text: text.into(),
            prev_sha256: prev.into(),
            sha256: String::new(),
        };
        note.sha256 = note.own_hash();
        note
    }

    fn log(entries: &[Note]) -> Vec<u8> {
        entries
            .iter()
            .map(|e| serde_json::to_string(e).unwrap() + "\n")
            .collect::<String>()
            .into_bytes()
    }

    fn chain() -> Vec<Note> {
        let a = note("a", GENESIS);
        let b = note("b", &a.sha256);
        let c = note("c", &b.sha256);
        vec![a, b, c]
    }

    fn head(entries: &[Note]) -> Head {
        Head {
            count: entries.len(),
            sha256: entries.last().unwrap().sha256.clone(),
        }
    }

    #[test]
    fn an_intact_chain_reads_back() {
        let entries = chain();
        let read: Vec<Note> = LOG
            .check_bytes(&log(&entries), Some(&head(&entries)))
            .unwrap();
        assert_eq!(read, entries);
        assert_eq!(LOG.check_bytes::<Note>(b"", None).unwrap(), []);
    }

    #[test]
    fn an_edited_removed_or_swapped_entry_names_its_line() {
        let entries = chain();
        let line = |bytes: &[u8], head: Option<&Head>| {
            LOG.check_bytes::<Note>(bytes, head).unwrap_err().line
        };
        // one byte of the second entry
        let edited = String::from_utf8(log(&entries)).unwrap().replacen(
            "\"text\":\"b\"",
            "\"text\":\"x\"",
            1,
        );
        assert_eq!(line(edited.as_bytes(), None), 2);
        // the middle entry removed
        assert_eq!(
            line(&log(&[entries[0].clone(), entries[2].clone()]), None),
            2
        );
        // two entries swapped
        let swapped = [entries[1].clone(), entries[0].clone(), entries[2].clone()];
        assert_eq!(line(&log(&swapped), None), 1);
        // the last entry removed: only the head knows
        let broken = LOG
            .check_bytes::<Note>(&log(&entries[..2]), Some(&head(&entries)))
            .unwrap_err();
        assert_eq!(broken.line, 3);
        assert!(broken.reason.contains("removed"), "{broken}");
        assert!(broken.to_string().starts_with("notes.jsonl line 3: "));
        // not JSON, not UTF-8
        assert_eq!(line(b"{\n", None), 1);
        assert_eq!(line(b"\n\xff", None), 2);
    }

    #[test]
    fn appends_link_entries_and_a_broken_log_is_never_appended_to() {
        let dir = tempfile::tempdir().unwrap();
        for text in ["a", "b"] {
            LOG.append(dir.path(), || Ok(note(text, ""))).unwrap();
        }
        let read: Vec<Note> = LOG.read(dir.path()).unwrap();
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].prev_sha256, GENESIS);
        assert_eq!(read[1].prev_sha256, read[0].sha256);
        let path = dir.path().join(LOG.file);
        let bytes = std::fs::read(&path).unwrap();
        let tampered = String::from_utf8(bytes)
            .unwrap()
            .replacen("\"a\"", "\"z\"", 1);
        std::fs::write(&path, &tampered).unwrap();
        let error = LOG.append(dir.path(), || Ok(note("c", ""))).unwrap_err();
        assert!(error.to_string().contains("notes.jsonl line 1"), "{error}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), tampered);
    }

    #[test]
    fn a_log_checked_at_its_end_appends_past_an_old_edit_but_not_a_new_one() {
        let dir = tempfile::tempdir().unwrap();
        let log = Log {
            check_all_on_append: false,
            ..LOG
        };
        for text in ["a", "b", "c"] {
            log.append(dir.path(), || Ok(note(text, ""))).unwrap();
        }
        let path = dir.path().join(LOG.file);
        let edit = |from: &str, to: &str| {
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
        };
        // an edit in the middle is left for `check` to find
        edit("\"b\"", "\"x\"");
        log.append(dir.path(), || Ok(note("d", ""))).unwrap();
        assert_eq!(log.check::<Note>(dir.path()).unwrap().unwrap_err().line, 2);
        // an edit of the last entry is seen at once: the whole log is read, and refused
        edit("\"d\"", "\"y\"");
        assert!(log.append(dir.path(), || Ok(note("e", ""))).is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 4);
    }
}
