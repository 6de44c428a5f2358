//! Speaker identity across recordings: `<store>/speakers.json`.
//!
//! Every diarized speaker of every recording is a *member* (recording SHA-256, its number in
//! that recording, its speech time, its GE2E centroid and, when the ECAPA model was there, its
//! voiceprint) of one store-wide *speaker* with a stable id (`S1`, `S2`, ...; never reused) and
//! an optional name. A new recording's speakers are matched to known speakers, best pairs
//! first, one to one: by voiceprint (the speech-weighted mean of the members') at cosine
//! [`MATCH_THRESHOLD`] or more where both sides have one, else by GE2E centroid at
//! [`GE2E_MATCH`] or more; the rest become new speakers. Merged ids are remembered (`merged`),
//! so an id that was merged away still resolves.
//!
//! Renames, merges and split-offs return [`Job`]s: the recordings whose transcripts, claims and
//! index entries must follow. The jobs are saved in the registry file (`pending`) in the same
//! atomic write as the change itself and cleared once done, so the registry and its unfinished
//! work never disagree: a crash part way is finished by the next command that opens the store
//! (see `pipeline::sync`).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::diarize::LocalSpeaker;
use super::encoder::{cosine, normalized, Embedding, EMBEDDING};
use crate::error::{Error, Result};

/// The file under the store root.
pub const REGISTRY_FILE: &str = "speakers.json";
/// A recording's speaker joins a known speaker whose voiceprint is at least this similar
/// (cosine of ECAPA embeddings). On the real-voice development meetings, the same person's
/// voiceprints from different recordings score 0.69 and up and different people 0.48 at most
/// (`examples/diarize_corpus.rs`); this is the middle of that gap, above the bar within one
/// recording ([`crate::speakers::diarize::SAME_PERSON`]) because fusing two people store-wide
/// costs more than leaving one person under two ids.
pub const MATCH_THRESHOLD: f32 = 0.58;
/// Where either side has no voiceprint (stores made before the ECAPA model, or channel
/// speakers): the GE2E centroids must be at least this similar
/// ([`crate::speakers::diarize::SAME_VOICE`]).
pub const GE2E_MATCH: f32 = crate::speakers::diarize::SAME_VOICE;
/// The longest name accepted.
const MAX_NAME_CHARS: usize = 80;

/// One speaker of one recording, as part of a store-wide speaker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    /// The recording.
    pub sha256: String,
    /// Its number in that recording's diarization (or its channel).
    pub local: usize,
    /// Speech attributed to it.
    pub speech_ms: u64,
    /// Its centroid embedding.
    pub centroid: Vec<f32>,
    /// Its ECAPA voiceprint, when that model was there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voiceprint: Option<Vec<f32>>,
}

/// A store-wide speaker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Speaker {
    /// Stable id, `S` and a number.
    pub id: String,
    /// The name a user gave.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its parts in each recording.
    pub members: Vec<Member>,
}

impl Speaker {
    /// What transcripts and exports show: the name, else the id.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }

    /// Total speech in all recordings.
    pub fn speech_ms(&self) -> u64 {
        self.members.iter().map(|m| m.speech_ms).sum()
    }

    /// The recordings it speaks in, by SHA-256, sorted, each once.
    pub fn recordings(&self) -> Vec<&str> {
        let mut shas: Vec<&str> = self.members.iter().map(|m| m.sha256.as_str()).collect();
        shas.sort_unstable();
        shas.dedup();
        shas
    }

    /// The speech-weighted mean of its members' centroids, normalised.
    pub fn centroid(&self) -> Embedding {
        let mut sum = [0f32; EMBEDDING];
        for member in &self.members {
            let weight = member.speech_ms.max(1) as f32;
            for (s, x) in sum.iter_mut().zip(&member.centroid) {
                *s += weight * x;
            }
        }
        normalized(&sum)
    }

    /// The speech-weighted mean of its members' voiceprints, normalised; None when no member
    /// has one.
    pub fn voiceprint(&self) -> Option<Vec<f32>> {
        let mut sum: Option<Vec<f32>> = None;
        for member in &self.members {
            let Some(print) = &member.voiceprint else {
                continue;
            };
            let weight = member.speech_ms.max(1) as f32;
            let sum = sum.get_or_insert_with(|| vec![0f32; print.len()]);
            for (s, x) in sum.iter_mut().zip(print) {
                *s += weight * x;
            }
        }
        sum.map(|mut v| {
            let norm = v
                .iter()
                .map(|x| x * x)
                .sum::<f32>()
                .sqrt()
                .max(f32::MIN_POSITIVE);
            v.iter_mut().for_each(|x| *x /= norm);
            v
        })
    }
}

/// The registry file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Registry {
    /// Every speaker, in id order.
    pub speakers: Vec<Speaker>,
    /// Ids merged into another: old id -> the id it joined.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub merged: BTreeMap<String, String>,
    /// The number of the next new id.
    pub next_id: u32,
    /// Recordings still to be brought in line with this registry (see the module doc).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending: Vec<Job>,
}

/// One recording whose stored data must follow a registry change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    /// The recording.
    pub sha256: String,
    /// Speaker ids to replace in its transcript (old, new).
    #[serde(default)]
    pub rewrite: Vec<(String, String)>,
}

impl Registry {
    /// Reads the store's registry; an absent file is an empty registry.
    pub fn load(store_root: &Path) -> Result<Registry> {
        let path = store_root.join(REGISTRY_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => {
                let mut registry: Registry =
                    serde_json::from_slice(&bytes).map_err(|e| Error::CorruptStore {
                        path: path.clone(),
                        reason: e.to_string(),
                    })?;
                registry
                    .check()
                    .map_err(|reason| Error::CorruptStore { path, reason })?;
                Ok(registry)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Registry {
                next_id: 1,
                ..Registry::default()
            }),
            Err(e) => Err(Error::io(path, e)),
        }
    }

    /// Refuses what would fuse two identities (an id twice, a merged id still live) and raises
    /// `next_id` above every id in use, so a new speaker never takes an old id.
    fn check(&mut self) -> std::result::Result<(), String> {
        let mut seen = std::collections::BTreeSet::new();
        for speaker in &self.speakers {
            if !seen.insert(speaker.id.as_str()) {
                return Err(format!("speaker id {} appears twice", speaker.id));
            }
        }
        if let Some(id) = self.merged.keys().find(|id| seen.contains(id.as_str())) {
            return Err(format!("{id} is both a speaker and merged into another"));
        }
        let highest = seen
            .iter()
            .copied()
            .chain(self.merged.keys().map(String::as_str))
            .filter_map(|id| id.strip_prefix('S')?.parse::<u32>().ok())
            .max()
            .unwrap_or(0);
        self.next_id = self.next_id.max(highest.saturating_add(1));
        Ok(())
    }

    /// Forgets the members of recordings that `stored` says are not in the store (an ingest
    /// that saved the registry and then crashed before storing its recording), and the unnamed
    /// speakers left without members. Returns true if anything changed.
    pub fn forget_absent(&mut self, stored: impl Fn(&str) -> bool) -> bool {
        let before = self.clone();
        for speaker in &mut self.speakers {
            speaker.members.retain(|m| stored(&m.sha256));
        }
        self.speakers
            .retain(|s| !s.members.is_empty() || s.name.is_some());
        self.pending.retain(|job| stored(&job.sha256));
        *self != before
    }

    /// Writes the registry atomically.
    pub fn save(&self, store_root: &Path) -> Result<()> {
        let json = serde_json::to_vec_pretty(self).expect("the registry always serializes");
        crate::journal::write(store_root, &[(REGISTRY_FILE, json)])
    }

    /// The speaker an id resolves to, following merges.
    pub fn get(&self, id: &str) -> Option<&Speaker> {
        let mut id = id;
        for _ in 0..=self.merged.len() {
            if let Some(speaker) = self.speakers.iter().find(|s| s.id == id) {
                return Some(speaker);
            }
            id = self.merged.get(id)?;
        }
        None
    }

    /// The label to show for an id (the id itself when unknown).
    pub fn label(&self, id: &str) -> String {
        self.get(id)
            .map_or_else(|| id.to_string(), |s| s.label().to_string())
    }

    /// Finds a speaker by id (`S3`, any case) or by its exact name.
    pub fn find(&self, query: &str) -> Result<&Speaker> {
        let query = query.trim();
        if let Some(speaker) = self.get(&query.to_ascii_uppercase()) {
            return Ok(speaker);
        }
        self.speakers
            .iter()
            .find(|s| s.name.as_deref() == Some(query))
            .or_else(|| {
                self.speakers
                    .iter()
                    .find(|s| s.name.as_deref().is_some_and(|name| same_name(name, query)))
            })
            .ok_or_else(|| {
                Error::Usage(format!(
                    "no speaker {query:?}; `verbatim speakers list` shows ids and names"
                ))
            })
    }

    /// Gives a recording's diarized speakers store-wide ids: each is matched to the most
    /// similar known speaker (one to one, best margins over the bar first) or becomes a new
    /// speaker. Where both have a voiceprint, its cosine must reach `voiceprint_threshold`;
    /// else the GE2E centroids' must reach `centroid_threshold`. Members this recording had (an
    /// earlier, interrupted attempt) are replaced. Returns the id of each local speaker.
    pub fn assign(
        &mut self,
        sha256: &str,
        locals: &[LocalSpeaker],
        voiceprint_threshold: f32,
        centroid_threshold: f32,
    ) -> Vec<String> {
        for speaker in &mut self.speakers {
            speaker.members.retain(|m| m.sha256 != sha256);
        }
        let known: Vec<(usize, Embedding, Option<Vec<f32>>)> = self
            .speakers
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.members.is_empty())
            .map(|(i, s)| (i, s.centroid(), s.voiceprint()))
            .collect();
        let mut pairs: Vec<(f32, usize, usize)> = Vec::new();
        for (l, local) in locals.iter().enumerate() {
            for (k, centroid, print) in &known {
                let margin = match (&local.voiceprint, print) {
                    (Some(a), Some(b)) => {
                        crate::speakers::ecapa::cosine(a, b) - voiceprint_threshold
                    }
                    _ => cosine(&local.centroid, centroid) - centroid_threshold,
                };
                if margin >= 0.0 {
                    pairs.push((margin, l, *k));
                }
            }
        }
        pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut chosen: Vec<Option<usize>> = vec![None; locals.len()];
        let mut taken = vec![false; self.speakers.len()];
        for (_, l, k) in pairs {
            if chosen[l].is_none() && !taken[k] {
                chosen[l] = Some(k);
                taken[k] = true;
            }
        }
        locals
            .iter()
            .enumerate()
            .map(|(l, local)| {
                let member = Member {
                    sha256: sha256.to_string(),
                    local: l,
                    speech_ms: local.speech_ms,
                    centroid: local.centroid.to_vec(),
                    voiceprint: local.voiceprint.clone(),
                };
                let k = chosen[l].unwrap_or_else(|| self.new_speaker());
                self.speakers[k].members.push(member);
                self.speakers[k].id.clone()
            })
            .collect()
    }

    fn new_speaker(&mut self) -> usize {
        let id = format!("S{}", self.next_id.max(1));
        self.next_id = self.next_id.max(1) + 1;
        self.speakers.push(Speaker {
            id,
            name: None,
            members: Vec::new(),
        });
        self.speakers.len() - 1
    }

    fn index_of(&self, query: &str) -> Result<usize> {
        let id = self.find(query)?.id.clone();
        Ok(self
            .speakers
            .iter()
            .position(|s| s.id == id)
            .expect("found above"))
    }

    fn recordings_of(&self, index: usize) -> Vec<String> {
        self.speakers[index]
            .recordings()
            .into_iter()
            .map(str::to_string)
            .collect()
    }

    /// Names a speaker. The name must be 1 to 80 characters without control or invisible
    /// characters, must not look like an id (`S12`) and must not be another speaker's name (in
    /// any case).
    pub fn rename(&mut self, query: &str, name: &str) -> Result<Vec<Job>> {
        let index = self.index_of(query)?;
        let name = validate_name(name)?;
        if let Some(other) = self.speakers.iter().find(|s| {
            s.name.as_deref().is_some_and(|n| same_name(n, &name))
                && s.id != self.speakers[index].id
        }) {
            return Err(Error::Usage(format!(
                "{} is already named {name:?}; to make them one speaker, use `verbatim speakers \
                 merge {} {}`",
                other.id, other.id, self.speakers[index].id
            )));
        }
        self.speakers[index].name = Some(name);
        Ok(self
            .recordings_of(index)
            .into_iter()
            .map(|sha256| Job {
                sha256,
                rewrite: Vec::new(),
            })
            .collect())
    }

    /// Merges `other` into `into` (one person split in two). `into` keeps its id, and its name
    /// (or takes `other`'s if it had none).
    pub fn merge(&mut self, into: &str, other: &str) -> Result<Vec<Job>> {
        let keep = self.index_of(into)?;
        let gone = self.index_of(other)?;
        if keep == gone {
            return Err(Error::Usage(format!(
                "{into:?} and {other:?} are the same speaker"
            )));
        }
        let removed = self.speakers.remove(gone);
        let keep = if gone < keep { keep - 1 } else { keep };
        let keep_id = self.speakers[keep].id.clone();
        if self.speakers[keep].name.is_none() {
            self.speakers[keep].name = removed.name.clone();
        }
        let mut jobs: Vec<Job> = self
            .recordings_of(keep)
            .into_iter()
            .map(|sha256| Job {
                sha256,
                rewrite: Vec::new(),
            })
            .collect();
        for member in &removed.members {
            if let Some(job) = jobs.iter_mut().find(|j| j.sha256 == member.sha256) {
                job.rewrite = vec![(removed.id.clone(), keep_id.clone())];
            } else {
                jobs.push(Job {
                    sha256: member.sha256.clone(),
                    rewrite: vec![(removed.id.clone(), keep_id.clone())],
                });
            }
        }
        self.speakers[keep].members.extend(removed.members);
        for target in self.merged.values_mut() {
            if *target == removed.id {
                *target = keep_id.clone();
            }
        }
        self.merged.insert(removed.id, keep_id);
        jobs.sort_by(|a, b| a.sha256.cmp(&b.sha256));
        jobs.dedup_by(|a, b| a.sha256 == b.sha256);
        Ok(jobs)
    }

    /// Splits one recording's part of a speaker off into a new speaker (a wrong match across
    /// recordings). Returns the new id and the job.
    pub fn split_off(&mut self, query: &str, sha256: &str) -> Result<(String, Vec<Job>)> {
        let index = self.index_of(query)?;
        let old_id = self.speakers[index].id.clone();
        let (part, rest): (Vec<Member>, Vec<Member>) = self.speakers[index]
            .members
            .clone()
            .into_iter()
            .partition(|m| m.sha256 == sha256);
        if part.is_empty() {
            return Err(Error::Usage(format!(
                "{old_id} does not speak in that recording"
            )));
        }
        if rest.is_empty() {
            return Err(Error::Usage(format!(
                "{old_id} speaks only in that recording; there is nothing to split off"
            )));
        }
        self.speakers[index].members = rest;
        let new = self.new_speaker();
        self.speakers[new].members = part;
        let new_id = self.speakers[new].id.clone();
        let job = Job {
            sha256: sha256.to_string(),
            rewrite: vec![(old_id, new_id.clone())],
        };
        Ok((new_id, vec![job]))
    }
}

/// Checks a speaker name and returns it trimmed.
pub fn validate_name(name: &str) -> Result<String> {
    let name = name.trim();
    let problem = if name.is_empty() {
        Some("is empty".to_string())
    } else if name.chars().count() > MAX_NAME_CHARS {
        Some(format!("is longer than {MAX_NAME_CHARS} characters"))
    } else if name.chars().any(char::is_control) {
        Some("contains control characters".into())
    } else if name.contains(char::REPLACEMENT_CHARACTER) {
        Some("contains U+FFFD, the mark of bytes that were not UTF-8".into())
    } else if name.chars().any(is_invisible) {
        Some("contains invisible or direction-changing characters".into())
    } else if looks_like_id(name) {
        Some("looks like a speaker id (S and a number)".into())
    } else {
        None
    };
    match problem {
        Some(problem) => Err(Error::Usage(format!("speaker name {name:?} {problem}"))),
        None => Ok(name.to_string()),
    }
}

/// Names compare without regard to case: "ada" is the name "Ada".
fn same_name(a: &str, b: &str) -> bool {
    a.to_lowercase() == b.to_lowercase()
}

/// Zero-width and bidirectional formatting characters, which make a name read as another.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

fn looks_like_id(text: &str) -> bool {
    let mut chars = text.chars();
    matches!(chars.next(), Some('S' | 's'))
        && !text[1..].is_empty()
        && text[1..].chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(axis: usize, speech_ms: u64) -> LocalSpeaker {
        let mut e = [0f32; EMBEDDING];
        e[axis] = 1.0;
        e[axis + 1] = 0.1;
        LocalSpeaker {
            centroid: normalized(&e),
            speech_ms,
            voiceprint: None,
        }
    }

    /// A local speaker with GE2E centroid on `axis` and a voiceprint on `print_axis`.
    fn printed(axis: usize, print_axis: usize, speech_ms: u64) -> LocalSpeaker {
        let mut print = vec![0f32; 192];
        print[print_axis] = 1.0;
        LocalSpeaker {
            voiceprint: Some(print),
            ..local(axis, speech_ms)
        }
    }

    #[test]
    fn voiceprints_decide_where_both_sides_have_one() {
        let mut r = registry();
        assert_eq!(
            r.assign(
                "aaa",
                &[printed(0, 0, 5000), printed(10, 1, 3000)],
                0.58,
                0.85
            ),
            vec!["S1", "S2"]
        );
        // GE2E alike (axis 0) but another voiceprint: a new person; GE2E unlike (axis 30) but
        // the same voiceprint as S2: S2
        let ids = r.assign(
            "bbb",
            &[printed(0, 2, 4000), printed(30, 1, 2000)],
            0.58,
            0.85,
        );
        assert_eq!(ids, vec!["S3", "S2"]);
        // a speaker without a voiceprint falls back on the GE2E centroid (S2's is 0.83 alike)
        let ids = r.assign("ccc", &[local(10, 1000)], 0.58, 0.8);
        assert_eq!(ids, vec!["S2"]);
        assert_eq!(r.get("S2").unwrap().members.len(), 3);
        assert!(r.get("S2").unwrap().voiceprint().is_some());
        // stored and read back with the voiceprints
        let dir = tempfile::tempdir().unwrap();
        r.save(dir.path()).unwrap();
        assert_eq!(Registry::load(dir.path()).unwrap(), r);
    }

    fn registry() -> Registry {
        Registry {
            next_id: 1,
            ..Registry::default()
        }
    }

    #[test]
    fn the_same_voice_in_a_later_recording_keeps_its_id_and_name() {
        let mut r = registry();
        assert_eq!(
            r.assign("aaa", &[local(0, 5000), local(10, 3000)], 0.5, 0.85),
            ["S1", "S2"]
        );
        r.rename("s2", "Security Lead").unwrap();
        // a new voice and the second voice again, in the other order
        let ids = r.assign("bbb", &[local(20, 4000), local(10, 2000)], 0.5, 0.85);
        assert_eq!(ids, ["S3", "S2"]);
        assert_eq!(r.label("S2"), "Security Lead");
        assert_eq!(r.get("S2").unwrap().speech_ms(), 5000);
        // assigning the same recording again replaces its members
        r.assign("bbb", &[local(20, 4000), local(10, 2000)], 0.5, 0.85);
        assert_eq!(r.get("S2").unwrap().members.len(), 2);
    }

    #[test]
    fn merge_and_split_off_return_the_recordings_to_rewrite() {
        let mut r = registry();
        r.assign("aaa", &[local(0, 5000), local(10, 3000)], 0.5, 0.85);
        r.assign("bbb", &[local(30, 5000)], 0.5, 0.85);
        r.rename("S3", "Legal Counsel").unwrap();
        let jobs = r.merge("S1", "Legal Counsel").unwrap();
        assert_eq!(jobs.len(), 2);
        assert_eq!(jobs[1].sha256, "bbb");
        assert_eq!(jobs[1].rewrite, [("S3".to_string(), "S1".to_string())]);
        assert_eq!(r.label("S1"), "Legal Counsel");
        assert_eq!(r.label("S3"), "Legal Counsel");
        assert_eq!(r.find("s3").unwrap().id, "S1");
        let (new_id, jobs) = r.split_off("S1", "bbb").unwrap();
        assert_eq!(new_id, "S4");
        assert_eq!(jobs[0].rewrite, [("S1".to_string(), "S4".to_string())]);
        assert!(r.split_off("S4", "bbb").is_err());
        assert!(r.merge("S1", "S1").is_err());
    }

    #[test]
    fn names_are_validated() {
        let mut r = registry();
        r.assign("aaa", &[local(0, 5000), local(10, 3000)], 0.5, 0.85);
        for bad in [
            "",
            "  ",
            "S7",
            "a\u{7}b",
            &"x".repeat(81),
            "Ada\u{202E}kcab",
            "A\u{200B}da",
        ] {
            assert!(r.rename("S1", bad).is_err(), "{bad:?}");
        }
        r.rename("S1", "  Ada  ").unwrap();
        assert_eq!(r.label("S1"), "Ada");
        let taken = r.rename("S2", "Ada").unwrap_err().to_string();
        assert!(taken.contains("merge"), "{taken}");
        let taken = r.rename("S2", "ADA").unwrap_err().to_string();
        assert!(taken.contains("already named"), "{taken}");
        assert_eq!(r.find("ada").unwrap().id, "S1");
        assert!(r.find("nobody").is_err());
        assert_eq!(r.rename("S1", "Sam").unwrap()[0].sha256, "aaa");
        assert_eq!(r.rename("S1", "Zoë Ünal").unwrap()[0].sha256, "aaa");
    }

    #[test]
    fn a_registry_file_that_would_fuse_two_speakers_is_refused_and_next_id_kept_ahead() {
        let dir = tempfile::tempdir().unwrap();
        let mut r = registry();
        r.assign("aaa", &[local(0, 5000), local(10, 3000)], 0.5, 0.85);
        r.next_id = 1; // as a hand edit might leave it
        r.save(dir.path()).unwrap();
        let mut loaded = Registry::load(dir.path()).unwrap();
        assert_eq!(loaded.next_id, 3);
        assert_eq!(
            loaded.assign("bbb", &[local(20, 4000)], 0.5, 0.85),
            vec!["S3"]
        );

        r.speakers[1].id = "S1".into();
        r.save(dir.path()).unwrap();
        let error = Registry::load(dir.path()).unwrap_err().to_string();
        assert!(error.contains("S1 appears twice"), "{error}");
        assert!(error.contains("speakers.json"), "{error}");
    }

    #[test]
    fn members_of_recordings_not_in_the_store_are_forgotten() {
        let mut r = registry();
        r.assign("aaa", &[local(0, 5000)], 0.5, 0.85);
        r.assign("bbb", &[local(0, 4000), local(10, 3000)], 0.5, 0.85);
        r.rename("S1", "Ada").unwrap();
        r.pending = vec![Job {
            sha256: "bbb".into(),
            rewrite: Vec::new(),
        }];
        assert!(r.forget_absent(|sha256| sha256 == "aaa"));
        assert_eq!(r.speakers.len(), 1);
        assert_eq!(r.speakers[0].recordings(), vec!["aaa"]);
        assert!(r.pending.is_empty());
        assert!(!r.forget_absent(|sha256| sha256 == "aaa"));
        // a named speaker keeps its name even with no recording left
        assert!(r.forget_absent(|_| false));
        assert_eq!(r.label("S1"), "Ada");
    }
}
