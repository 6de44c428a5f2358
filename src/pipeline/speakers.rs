//! Speaker changes carried into everything derived: a rename, merge or split-off edits the
//! registry, then every affected transcript, its claims and its index entries, under one lock,
//! resumable after a crash.

use super::commit::refresh_claims;
use crate::claims::{ClaimSet, Rules};
use crate::error::Result;
use crate::model::{Recording, Transcript};
use crate::search::SearchIndex;
use crate::speakers::registry::{Job, Registry};
use crate::store::Store;

/// The lock that serialises changes to the speaker registry and their propagation.
pub const SPEAKERS_LOCK: &str = "speakers.lock";

/// Makes stored recordings follow the registry: each pending job's transcript gets its speaker
/// ids rewritten and its labels refreshed, its claims are extracted again, and the recordings
/// are indexed again in one commit; then the registry is saved without the jobs. Call with the
/// speakers lock held. Returns the recordings changed.
pub fn apply_speaker_jobs(store: &Store, rules: &Rules, registry: &mut Registry) -> Result<usize> {
    if registry.pending.is_empty() {
        return Ok(0);
    }
    // the manifest as it is now, under the lock: another process may have stored recordings
    // since `store` was opened
    let store = &Store::open(store.root())?;
    let mut updated = Vec::new();
    for job in &registry.pending {
        let Some(recording) = store.find_by_sha256(&job.sha256) else {
            continue;
        };
        let mut transcript = store.transcript(recording)?;
        for segment in &mut transcript.segments {
            let Some(id) = segment.speaker_id.as_mut() else {
                continue;
            };
            if let Some((_, new)) = job.rewrite.iter().find(|(old, _)| old == id) {
                *id = new.clone();
            }
            if let Some(speaker) = registry.get(id) {
                *id = speaker.id.clone();
            }
            segment.speaker = Some(registry.label(id));
        }
        store.replace_transcript(recording, &transcript)?;
        let claims = refresh_claims(store, rules, recording, &transcript)?;
        updated.push((recording, transcript, claims));
    }
    let batch: Vec<(&Recording, &Transcript, Option<&ClaimSet>)> =
        updated.iter().map(|(r, t, c)| (*r, t, Some(c))).collect();
    SearchIndex::open(store.root())?.put_many(&batch)?;
    registry.pending.clear();
    registry.save(store.root())?;
    Ok(updated.len())
}

/// Changes the speaker registry and carries the change into transcripts, claims and the index,
/// all under the speakers lock: jobs a crash left are finished first, then `change` edits the
/// registry and returns its outcome and [`Job`]s, the registry is saved with the jobs as
/// `pending` (one atomic write), and the jobs run ([`apply_speaker_jobs`]). Every rename, merge
/// and split-off goes through here. Returns `change`'s outcome and the recordings updated.
pub fn change_speakers<T>(
    store: &Store,
    rules: &Rules,
    change: impl FnOnce(&mut Registry) -> Result<(T, Vec<Job>)>,
) -> Result<(T, usize)> {
    let _lock = store.lock_named(SPEAKERS_LOCK)?;
    let mut registry = Registry::load(store.root())?;
    apply_speaker_jobs(store, rules, &mut registry)?;
    let (outcome, jobs) = change(&mut registry)?;
    registry.pending = jobs;
    registry.save(store.root())?;
    let updated = apply_speaker_jobs(store, rules, &mut registry)?;
    Ok((outcome, updated))
}

/// What [`rename_speaker`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renamed {
    /// The speaker's id (an id merged away resolves to the speaker it joined).
    pub id: String,
    /// The name it has now (trimmed).
    pub name: String,
    /// The recordings whose transcripts, claims and index entries now show the name.
    pub recordings: usize,
}

/// Names the speaker `speaker` (an id such as `S3`, or its current name) `name`, everywhere:
/// the registry, then transcripts, claims and the index. The name is validated by
/// [`Registry::rename`] (1 to 80 characters, no control characters, not shaped like an id,
/// no other speaker's name); a refusal is `Error::Usage` and changes nothing. `verbatim
/// speakers rename` and the web page's form both call this.
pub fn rename_speaker(store: &Store, rules: &Rules, speaker: &str, name: &str) -> Result<Renamed> {
    let ((id, name), recordings) = change_speakers(store, rules, |registry| {
        let id = registry.find(speaker)?.id.clone();
        let jobs = registry.rename(speaker, name)?;
        Ok(((id.clone(), registry.label(&id)), jobs))
    })?;
    Ok(Renamed {
        id,
        name,
        recordings,
    })
}
