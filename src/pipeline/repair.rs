//! Repair and rebuild: what a crash left half done is finished on the next run (`sync`), and
//! derived data is rebuilt when the rules or the sentence model change (`rescan`).

use super::commit::{put_embeddings, refresh_claims};
use super::speakers::{apply_speaker_jobs, SPEAKERS_LOCK};
use crate::claims::{Rules, CLAIMS_DIR};
use crate::error::Result;
use crate::meaning::encoder::{TextEncoder, WEIGHTS_SHA256};
use crate::meaning::vectors::{SegmentVectors, EMBEDDINGS_DIR};
use crate::search::meaning::vectors_file;
use crate::search::SearchIndex;
use crate::speakers::registry::Registry;
use crate::store::Store;

/// Mends what a crash left half done: finishes pending speaker changes and forgets registry
/// members of recordings that were never stored, extracts the claims of stored recordings that
/// have none (with `rules`), then indexes recordings the index lacks. Returns (claims files
/// written, recordings indexed).
pub fn sync(store: &Store, rules: &Rules) -> Result<(usize, usize)> {
    let registry = Registry::load(store.root())?;
    let unfinished = !registry.pending.is_empty()
        || registry
            .speakers
            .iter()
            .flat_map(|s| &s.members)
            .any(|m| store.find_by_sha256(&m.sha256).is_none());
    if unfinished {
        let _lock = store.lock_named(SPEAKERS_LOCK)?;
        // under the lock no ingest is between naming its speakers and storing its recording,
        // so members of recordings the store lacks are a crash's leftovers
        let fresh = Store::open(store.root())?;
        let mut registry = Registry::load(store.root())?;
        if registry.forget_absent(|sha256| fresh.find_by_sha256(sha256).is_some()) {
            registry.save(store.root())?;
        }
        apply_speaker_jobs(&fresh, rules, &mut registry)?;
    }
    let mut extracted = 0;
    for recording in store.recordings() {
        if !store.has_derived(CLAIMS_DIR, &recording.sha256) {
            let transcript = store.transcript(recording)?;
            refresh_claims(store, rules, recording, &transcript)?;
            extracted += 1;
        }
    }
    if let Some(model) = &rules.meaning {
        sync_embeddings(store, &*model.encoder()?, false)?;
    }
    let indexed = SearchIndex::open(store.root())?.sync(store)?;
    Ok((extracted, indexed))
}

/// Embeds the recordings whose segment embeddings are missing (a crash, or a store made
/// before the model was installed), or every recording with `rebuild`. Returns how many.
pub fn sync_embeddings(store: &Store, encoder: &TextEncoder, rebuild: bool) -> Result<usize> {
    let mut count = 0;
    for recording in store.recordings() {
        let file = vectors_file(&recording.sha256);
        let current = !rebuild
            && store
                .derived_bytes(EMBEDDINGS_DIR, &file)?
                .and_then(|bytes| SegmentVectors::from_bytes(&bytes).ok())
                .is_some_and(|v| v.model_sha256 == WEIGHTS_SHA256);
        if !current {
            put_embeddings(store, encoder, recording, &store.transcript(recording)?)?;
            count += 1;
        }
    }
    Ok(count)
}

/// Extracts every recording's claims again with `rules` and rebuilds the index (whose claim
/// kinds follow the claims). Returns the number of claims.
pub fn rescan(store: &Store, rules: &Rules) -> Result<usize> {
    let mut count = 0;
    for recording in store.recordings() {
        let transcript = store.transcript(recording)?;
        count += refresh_claims(store, rules, recording, &transcript)?
            .claims
            .len();
    }
    if let Some(model) = &rules.meaning {
        sync_embeddings(store, &*model.encoder()?, true)?;
    }
    SearchIndex::recreate(store.root())?.rebuild(store)?;
    Ok(count)
}
