//! Merge: another store's recordings brought into this one, for stores made on different
//! machines (`verbatim merge OTHER_STORE...`).
//!
//! - **Recordings** are matched by SHA-256: one this store has is left as it is; one it lacks
//!   is stored with its transcript and provenance unchanged, and gets its claims (with this
//!   store's rules), segment embeddings and index entries as an import does, in one batch.
//! - **Speakers** are matched by voice: each of the other store's speakers in a new recording
//!   (its registry members there: GE2E centroid, ECAPA voiceprint, speech) is given a
//!   store-wide id here exactly as `ingest` gives one, so the same person keeps one id across
//!   the two stores and two people are never joined below the ingest bar. Names given in the
//!   other store are carried over to speakers that have none here; a name that clashes with
//!   one given here is reported, not forced.
//! - **Second listens** of new recordings are copied.
//! - **Review entries** the log here lacks (same claim, verdict, reviewer, time, note and
//!   hashes) are appended to this store's chain in their order, so both chains stay
//!   verifiable: the other's is checked before anything is merged, and this one is extended
//!   under its lock. The journal records each file written, with the command line.
//!
//! A store whose journal does not match its files, or whose review log is broken, is refused:
//! merging must not launder evidence that was changed outside verbatim. Merging is idempotent:
//! merging the same store again adds nothing. A crash part way leaves what `sync` mends, as an
//! import does, and the rerun completes it.

use std::collections::BTreeMap;
use std::path::Path;

use crate::claims::Rules;
use crate::error::{Error, Result};
use crate::model::{Recording, Transcript};
use crate::relisten::{self, SecondListen, SECOND_LISTEN_DIR};
use crate::review::{self, Review};
use crate::speakers::diarize::LocalSpeaker;
use crate::speakers::registry::{Member, Registry, Speaker, GE2E_MATCH, MATCH_THRESHOLD};
use crate::store::Store;

use super::speakers::{apply_speaker_jobs, SPEAKERS_LOCK};
use super::{commit_batch, rename_speaker, Outcome};

/// What merging one store did.
#[derive(Debug, Default)]
pub struct Merged {
    /// Recordings stored here, in the other store's order.
    pub added: Vec<Recording>,
    /// Recordings this store had already.
    pub present: Vec<Recording>,
    /// Review entries appended to this store's log.
    pub reviews: usize,
    /// Recordings whose second listens were copied.
    pub second_listens: usize,
    /// Names carried over: (speaker id here, name).
    pub named: Vec<(String, String)>,
    /// Names not carried over, and why.
    pub notes: Vec<String>,
}

/// Merges the store at `other_root` into `store` (see the module's notes).
pub fn merge_store(store: &mut Store, rules: &Rules, other_root: &Path) -> Result<Merged> {
    let (other, other_reviews) = open_other(store, other_root)?;
    let other_registry = Registry::load(other_root)?;
    let recordings = other
        .recordings()
        .iter()
        .map(|r| Ok((r.clone(), other.transcript(r)?)))
        .collect::<Result<Vec<_>>>()?;
    let mut merged = merge_recordings(store, rules, recordings, &other_registry)?;
    for recording in &merged.added {
        let listens: Option<BTreeMap<String, SecondListen>> =
            other.derived(SECOND_LISTEN_DIR, &recording.sha256)?;
        if let Some(listens) = listens.filter(|l| !l.is_empty()) {
            relisten::save(store, &recording.sha256, listens)?;
            merged.second_listens += 1;
        }
    }
    merged.reviews = append_reviews(store, &other_reviews)?;
    Ok(merged)
}

/// Stores recordings made elsewhere, each with its transcript, whose speakers are those of
/// `their_registry` (another store's, or a worker's): recordings this store has are left as
/// they are; the others get speaker ids here by voice, as ingest gives them (under the
/// speakers lock, until they are stored), then claims, embeddings and index entries; then
/// names from there are carried to speakers unnamed here.
pub fn merge_recordings(
    store: &mut Store,
    rules: &Rules,
    recordings: Vec<(Recording, Transcript)>,
    their_registry: &Registry,
) -> Result<Merged> {
    let mut merged = Merged::default();
    // names to carry over once the recordings are stored: (id here, name there)
    let mut names: Vec<(String, String)> = Vec::new();
    {
        let _lock = store.lock_named(SPEAKERS_LOCK)?;
        store.reload()?;
        let mut registry = Registry::load(store.root())?;
        apply_speaker_jobs(store, rules, &mut registry)?;
        let mut batch: Vec<(Recording, Transcript)> = Vec::new();
        for (recording, mut transcript) in recordings {
            if let Some(existing) = store.find_by_sha256(&recording.sha256) {
                merged.present.push(existing.clone());
                continue;
            }
            let ids = give_ids(
                &mut registry,
                their_registry,
                &recording.sha256,
                &mut transcript,
            );
            for (id, there) in ids {
                if let Some(name) = their_registry.get(&there).and_then(|s| s.name.clone()) {
                    if !names.iter().any(|(i, _)| *i == id) {
                        names.push((id, name));
                    }
                }
            }
            batch.push((recording, transcript));
        }
        if !batch.is_empty() {
            registry.save(store.root())?;
        }
        for outcome in commit_batch(store, rules, batch)? {
            match outcome {
                Outcome::Added(recording) => merged.added.push(*recording),
                Outcome::AlreadyPresent(recording) => merged.present.push(*recording),
            }
        }
    }
    carry_names(store, rules, names, &mut merged)?;
    Ok(merged)
}

/// Checks that `other_root` is a store, not this one, whose review log is intact and whose
/// files are as verbatim wrote them; opens it and reads its reviews.
fn open_other(store: &Store, other_root: &Path) -> Result<(Store, Vec<Review>)> {
    let shown = other_root.display();
    if !other_root.join(crate::store::MANIFEST_FILE).is_file() {
        return Err(Error::Input(format!(
            "{shown}: not a verbatim store (no {})",
            crate::store::MANIFEST_FILE
        )));
    }
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same(store.root(), other_root) {
        return Err(Error::Usage(format!(
            "{shown} is the store being merged into"
        )));
    }
    let other = Store::open(other_root)?;
    // the review log first: a break there is named by its line
    let reviews = review::read(&other).map_err(|e| {
        Error::Input(format!(
            "{shown}: its review log cannot be merged: {e}; nothing was merged"
        ))
    })?;
    let report = crate::journal::check(other_root)?;
    if let Some(broken) = &report.broken {
        return Err(Error::Input(format!(
            "{shown}: its journal is broken ({broken}); `verbatim --store {shown} verify` \
             reports it; nothing was merged"
        )));
    }
    if let Some(file) = report.files.iter().find(|f| !f.status.is_vouched()) {
        return Err(Error::Input(format!(
            "{shown}: {} is not as verbatim last wrote it ({}); `verbatim --store {shown} \
             verify` reports it; nothing was merged",
            file.path,
            match file.status {
                crate::journal::FileStatus::Changed { .. } => "changed",
                crate::journal::FileStatus::Missing { .. } => "missing",
                crate::journal::FileStatus::NotJournaled { .. } => "never journaled",
                crate::journal::FileStatus::Ok | crate::journal::FileStatus::Unrecorded { .. } => {
                    "ok"
                }
            }
        )));
    }
    Ok((other, reviews))
}

/// Gives the speakers of one of the other store's recordings ids in `registry`, by voice, and
/// rewrites its transcript's speakers to them. The other store's speakers in that recording
/// are matched as wholes: members a user merged there stay together. Returns (id here, id
/// there) for each.
fn give_ids(
    registry: &mut Registry,
    other_registry: &Registry,
    sha256: &str,
    transcript: &mut Transcript,
) -> Vec<(String, String)> {
    // the other store's speakers in this recording, in the order of their first local number
    let mut groups: Vec<(&Speaker, Vec<&Member>)> = other_registry
        .speakers
        .iter()
        .filter_map(|speaker| {
            let members: Vec<&Member> = speaker
                .members
                .iter()
                .filter(|m| m.sha256 == sha256)
                .collect();
            (!members.is_empty()).then_some((speaker, members))
        })
        .collect();
    groups.sort_by_key(|(_, members)| members.iter().map(|m| m.local).min());
    let locals: Vec<LocalSpeaker> = groups
        .iter()
        .map(|(_, members)| {
            let part = Speaker {
                id: String::new(),
                name: None,
                members: members.iter().map(|m| (*m).clone()).collect(),
            };
            LocalSpeaker {
                centroid: part.centroid(),
                speech_ms: part.speech_ms(),
                voiceprint: part.voiceprint(),
            }
        })
        .collect();
    let ids = if locals.is_empty() {
        Vec::new()
    } else {
        registry.assign(sha256, &locals, MATCH_THRESHOLD, GE2E_MATCH)
    };
    let pairs: Vec<(String, String)> = ids
        .into_iter()
        .zip(&groups)
        .map(|(here, (speaker, _))| (here, speaker.id.clone()))
        .collect();
    for segment in &mut transcript.segments {
        let Some(there) = segment.speaker_id.as_deref() else {
            continue;
        };
        // an id merged away in the other store resolves to the speaker it joined
        let there = other_registry.get(there).map_or(there, |s| s.id.as_str());
        match pairs.iter().find(|(_, t)| t == there) {
            Some((here, _)) => {
                segment.speaker = Some(registry.label(here));
                segment.speaker_id = Some(here.clone());
            }
            // an id with no voice behind it there would name someone else here: the label
            // stays as text, the identity goes
            None => segment.speaker_id = None,
        }
    }
    pairs
}

/// Gives speakers that have no name here the name they had in the other store, where no other
/// speaker here has it; anything else is a note.
fn carry_names(
    store: &Store,
    rules: &Rules,
    names: Vec<(String, String)>,
    merged: &mut Merged,
) -> Result<()> {
    for (id, name) in names {
        let registry = Registry::load(store.root())?;
        let Some(speaker) = registry.get(&id) else {
            continue;
        };
        match &speaker.name {
            Some(here) if *here == name => {}
            Some(here) => merged.notes.push(format!(
                "{} is named {here:?} here and {name:?} in the merged store: kept {here:?}",
                speaker.id
            )),
            None => match rename_speaker(store, rules, &speaker.id, &name) {
                Ok(renamed) => merged.named.push((renamed.id, renamed.name)),
                Err(Error::Usage(why)) => merged.notes.push(format!(
                    "{} was not named {name:?} as in the merged store: {why}",
                    speaker.id
                )),
                Err(error) => return Err(error),
            },
        }
    }
    Ok(())
}

/// Appends to this store's review log the entries of `theirs` it lacks, in order. Returns how
/// many.
fn append_reviews(store: &Store, theirs: &[Review]) -> Result<usize> {
    if theirs.is_empty() {
        return Ok(0);
    }
    let ours = review::read(store)?;
    let mut appended = 0;
    for entry in theirs {
        if ours.iter().any(|o| review::same_verdict(o, entry)) {
            continue;
        }
        review::append_copy(store, entry)?;
        appended += 1;
    }
    Ok(appended)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Segment;
    use crate::speakers::encoder::EMBEDDING;

    /// A unit vector along axis `axis`: voices on different axes are unalike.
    fn voice(axis: usize) -> Vec<f32> {
        let mut v = vec![0.0; EMBEDDING];
        v[axis] = 1.0;
        v
    }

    fn member(sha256: &str, local: usize, axis: usize) -> Member {
        Member {
            sha256: sha256.into(),
            local,
            speech_ms: 5_000,
            centroid: voice(axis),
            voiceprint: None,
        }
    }

    fn said_by(index: usize, id: &str) -> Segment {
        let mut segment = Segment::of_words(index, Vec::new());
        segment.speaker_id = Some(id.into());
        segment.speaker = Some(id.into());
        segment
    }

    #[test]
    fn the_other_stores_speakers_are_matched_by_voice_and_kept_whole() {
        // there: S7 holds two local speakers of recording "r" (a user merged them), S9 one
        let there = Registry {
            speakers: vec![
                Speaker {
                    id: "S7".into(),
                    name: Some("Ana".into()),
                    members: vec![member("r", 0, 1), member("r", 2, 1), member("q", 0, 1)],
                },
                Speaker {
                    id: "S9".into(),
                    name: None,
                    members: vec![member("r", 1, 2)],
                },
            ],
            merged: BTreeMap::from([("S8".to_string(), "S7".to_string())]),
            next_id: 10,
            pending: Vec::new(),
        };
        // here: one known speaker with S9's voice
        let mut here = Registry::default();
        let known = here.assign(
            "p",
            &[LocalSpeaker {
                centroid: voice(2).try_into().unwrap(),
                speech_ms: 9_000,
                voiceprint: None,
            }],
            MATCH_THRESHOLD,
            GE2E_MATCH,
        );
        let mut transcript = Transcript {
            sha256: "r".into(),
            language: "en".into(),
            segments: vec![said_by(0, "S7"), said_by(1, "S9"), said_by(2, "S8")],
            faint_activity: Vec::new(),
        };
        let pairs = give_ids(&mut here, &there, "r", &mut transcript);
        // S7 became one new speaker here; S9 joined the known voice
        assert_eq!(pairs.len(), 2, "{pairs:?}");
        let new_id = pairs.iter().find(|(_, t)| t == "S7").unwrap().0.clone();
        assert_ne!(new_id, known[0]);
        assert_eq!(pairs.iter().find(|(_, t)| t == "S9").unwrap().0, known[0]);
        let ids: Vec<&str> = transcript
            .segments
            .iter()
            .map(|s| s.speaker_id.as_deref().unwrap())
            .collect();
        // an id merged away there (S8) follows the speaker it joined
        assert_eq!(ids, [new_id.as_str(), known[0].as_str(), new_id.as_str()]);
        assert_eq!(here.get(&new_id).unwrap().members.len(), 1);
        // an id without voices there keeps its label as text but not the id, which here
        // could be someone else's
        let mut plain = Transcript {
            sha256: "s".into(),
            language: "en".into(),
            segments: vec![said_by(0, "S1")],
            faint_activity: Vec::new(),
        };
        assert!(give_ids(&mut here, &there, "s", &mut plain).is_empty());
        assert_eq!(plain.segments[0].speaker_id, None);
        assert_eq!(plain.segments[0].speaker.as_deref(), Some("S1"));
    }
}
