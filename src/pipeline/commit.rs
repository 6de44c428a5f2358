//! Commit: new recordings stored in one transaction, then their claims (the one place claims
//! are written) and segment embeddings, then one index commit. Each step logs its phase, so
//! the crash tests can kill between any two.

use super::Outcome;
use crate::claims::{self, ClaimSet, Rules, CLAIMS_DIR};
use crate::error::Result;
use crate::meaning::encoder::{TextEncoder, WEIGHTS_SHA256};
use crate::meaning::vectors::{SegmentVectors, EMBEDDINGS_DIR};
use crate::model::{Recording, Transcript};
use crate::phase;
use crate::search::meaning::vectors_file;
use crate::search::SearchIndex;
use crate::store::{Added, Store};

/// Stores a batch of new recordings in one store transaction, extracts and stores their
/// claims, then indexes them in one index commit. Returns one outcome per recording, in order.
/// A crash part way leaves recordings without claims or not indexed, which [`sync`](super::sync) mends on
/// the next run.
pub fn commit_batch(
    store: &mut Store,
    rules: &Rules,
    batch: Vec<(Recording, Transcript)>,
) -> Result<Vec<Outcome>> {
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    let added = store.add_many(batch.iter().map(|(r, t)| (r.clone(), t)).collect())?;
    phase::reached(phase::STORED);
    let mut new = Vec::new();
    for ((recording, transcript), added) in batch.iter().zip(&added) {
        if *added == Added::New {
            let claims = refresh_claims(store, rules, recording, transcript)?;
            phase::reached(phase::CLAIMS_STORED);
            if let Some(model) = &rules.meaning {
                put_embeddings(store, &*model.encoder()?, recording, transcript)?;
                phase::reached(phase::EMBEDDED);
            }
            new.push((recording, transcript, claims));
        }
    }
    let new: Vec<(&Recording, &Transcript, Option<&ClaimSet>)> =
        new.iter().map(|(r, t, c)| (*r, *t, Some(c))).collect();
    SearchIndex::open(store.root())?.put_many(&new)?;
    phase::reached(phase::INDEXED);
    Ok(batch
        .into_iter()
        .zip(added)
        .map(|((recording, _), added)| match added {
            Added::New => Outcome::Added(Box::new(recording)),
            Added::AlreadyPresent(existing) => Outcome::AlreadyPresent(existing),
        })
        .collect())
}

/// Extracts a recording's claims with `rules` and stores them (replacing any): the one place
/// claims are written, whether a recording was just stored, its speakers renamed, the rules
/// changed (`claims --rescan`) or a crash left them missing.
pub fn refresh_claims(
    store: &Store,
    rules: &Rules,
    recording: &Recording,
    transcript: &Transcript,
) -> Result<ClaimSet> {
    let claims = claims::extract(rules, recording, transcript)?;
    store.put_derived(CLAIMS_DIR, &recording.sha256, &claims)?;
    Ok(claims)
}

/// Embeds a recording's speech segments with the sentence model and stores them, for search
/// by meaning.
pub fn put_embeddings(
    store: &Store,
    encoder: &TextEncoder,
    recording: &Recording,
    transcript: &Transcript,
) -> Result<()> {
    let speech: Vec<&crate::model::Segment> = transcript
        .segments
        .iter()
        .filter(|s| s.is_speech())
        .collect();
    let texts: Vec<&str> = speech.iter().map(|s| s.text.as_str()).collect();
    let vectors = encoder.embed(&texts)?;
    let rows: Vec<(usize, Vec<f32>)> = speech.iter().map(|s| s.index).zip(vectors).collect();
    let vectors = SegmentVectors::new(WEIGHTS_SHA256, &rows);
    store.put_derived_bytes(
        EMBEDDINGS_DIR,
        &vectors_file(&recording.sha256),
        &vectors.to_bytes(),
    )
}
