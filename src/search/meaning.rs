//! Search by meaning: every stored segment embedding (see [`crate::meaning::vectors`]) scored
//! against the query's embedding, best first, with the same filters as keyword search. The
//! recording and date filters prune whole recordings before scoring; speaker and claim kind
//! are checked on the best candidates, from their transcripts and claims, until enough hits
//! pass.

use std::collections::HashMap;

use super::{from_days_string, Hit, SearchQuery};
use crate::claims::{ClaimSet, FoundBy, CLAIMS_DIR, DEFAULT_MIN_SCORE};
use crate::error::{Error, Result};
use crate::meaning::encoder::{TextEncoder, WEIGHTS_SHA256};
use crate::meaning::vectors::{SegmentVectors, EMBEDDINGS_DIR};
use crate::model::{Recording, Transcript};
use crate::store::Store;

/// The name of a recording's embeddings file.
pub fn vectors_file(sha256: &str) -> String {
    format!("{sha256}.{}", crate::meaning::vectors::EXTENSION)
}

/// The segment embeddings of the store's recordings that a query's recording and date
/// filters allow, loaded once; a server keeps it and searches it many times.
#[derive(Debug, Default)]
pub struct MeaningIndex {
    recordings: Vec<(Recording, SegmentVectors)>,
    /// Recordings whose embeddings are missing or were made by other weights.
    pub missing: usize,
}

impl MeaningIndex {
    /// Reads the embeddings of every recording `query`'s recording and date filters allow.
    pub fn load(store: &Store, query: &SearchQuery) -> Result<MeaningIndex> {
        let mut index = MeaningIndex::default();
        for recording in store.recordings() {
            if !allowed(recording, query) {
                continue;
            }
            let file = vectors_file(&recording.sha256);
            match store.derived_bytes(EMBEDDINGS_DIR, &file)? {
                Some(bytes) => {
                    let vectors = SegmentVectors::from_bytes(&bytes).map_err(|reason| {
                        Error::CorruptStore {
                            path: store.derived_path(EMBEDDINGS_DIR, &file),
                            reason,
                        }
                    })?;
                    if vectors.model_sha256 == WEIGHTS_SHA256 {
                        index.recordings.push((recording.clone(), vectors));
                    } else {
                        index.missing += 1;
                    }
                }
                None => index.missing += 1,
            }
        }
        Ok(index)
    }

    /// Segments held.
    pub fn len(&self) -> usize {
        self.recordings.iter().map(|(_, v)| v.len()).sum()
    }

    /// True when no segment is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The segments most similar in meaning to `query.text`, best first, that pass the
    /// query's filters. Each hit's `score` and `similarity` are the cosine (−1 to 1).
    pub fn search(
        &self,
        store: &Store,
        encoder: &TextEncoder,
        query: &SearchQuery,
    ) -> Result<Vec<Hit>> {
        if query.text.trim().is_empty() {
            return Err(Error::Usage("empty query".into()));
        }
        let wanted = encoder.embed_one(&query.text)?;
        let mut candidates: Vec<(f32, usize, usize)> = Vec::with_capacity(self.len());
        for (r, (recording, vectors)) in self.recordings.iter().enumerate() {
            if !allowed(recording, query) {
                continue;
            }
            for (row, coarse) in vectors.coarse_similarities(&wanted).into_iter().enumerate() {
                candidates.push((coarse, r, row));
            }
        }
        // The best by the coarse score, scored again exactly, first; the rest after them in
        // coarse order, for when filters turn the best away.
        let order = |a: &(f32, usize, usize), b: &(f32, usize, usize)| {
            b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2))
        };
        let best = (query.limit.max(1) * 8).max(64).min(candidates.len());
        if best < candidates.len() {
            candidates.select_nth_unstable_by(best, order);
        }
        for candidate in candidates[..best].iter_mut() {
            candidate.0 = self.recordings[candidate.1]
                .1
                .similarity(candidate.2, &wanted);
        }
        candidates[..best].sort_unstable_by(order);
        let mut tail_sorted = false;
        let mut transcripts: HashMap<usize, Transcript> = HashMap::new();
        let mut kinds: HashMap<usize, Vec<(usize, usize, String)>> = HashMap::new();
        let mut hits = Vec::new();
        for at in 0..candidates.len() {
            if hits.len() >= query.limit.max(1) {
                break;
            }
            if at == best && !tail_sorted {
                candidates[best..].sort_unstable_by(order);
                tail_sorted = true;
            }
            let (_, r, row) = candidates[at];
            let (recording, vectors) = &self.recordings[r];
            let segment_index = vectors.segments[row] as usize;
            let transcript = match transcripts.entry(r) {
                std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
                std::collections::hash_map::Entry::Vacant(entry) => {
                    entry.insert(store.transcript(recording)?)
                }
            };
            let Some(segment) = transcript
                .segments
                .iter()
                .find(|s| s.index == segment_index)
            else {
                continue;
            };
            if let Some(speaker) = &query.speaker {
                if !segment
                    .speaker
                    .as_deref()
                    .is_some_and(|s| s.eq_ignore_ascii_case(speaker))
                {
                    continue;
                }
            }
            if let Some(kind) = &query.kind {
                let claimed = match kinds.entry(r) {
                    std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
                    std::collections::hash_map::Entry::Vacant(entry) => {
                        entry.insert(claimed_segments(store, recording)?)
                    }
                };
                let quoted = claimed.iter().any(|(first, last, k)| {
                    k.eq_ignore_ascii_case(kind) && (*first..=*last).contains(&segment_index)
                });
                if !quoted {
                    continue;
                }
            }
            let similarity = vectors.similarity(row, &wanted);
            hits.push(Hit {
                recording: recording.name.clone(),
                sha256: recording.sha256.clone(),
                recording_date: from_days_string(recording.recording_date),
                speaker: segment.speaker.clone(),
                segment: segment.index,
                start_ms: segment.start_ms,
                end_ms: segment.end_ms,
                text: segment.text.clone(),
                highlights: Vec::new(),
                score: similarity,
                similarity: Some(similarity),
            });
        }
        Ok(hits)
    }
}

fn allowed(recording: &Recording, query: &SearchQuery) -> bool {
    if query
        .recording_sha256
        .as_ref()
        .is_some_and(|sha| sha != &recording.sha256)
    {
        return false;
    }
    if query.from.is_none() && query.to.is_none() {
        return true;
    }
    recording.recording_date.is_some_and(|day| {
        query.from.is_none_or(|from| day >= from) && query.to.is_none_or(|to| day <= to)
    })
}

/// (first segment, last segment, kind) of each shown claim of a recording.
fn claimed_segments(store: &Store, recording: &Recording) -> Result<Vec<(usize, usize, String)>> {
    let set: Option<ClaimSet> = store.derived(CLAIMS_DIR, &recording.sha256)?;
    Ok(set
        .map(|set| set.claims)
        .unwrap_or_default()
        .into_iter()
        .filter(|c| c.found_by == FoundBy::Rule || c.score.unwrap_or(0.0) >= DEFAULT_MIN_SCORE)
        .map(|c| (c.segments[0], c.segments[1], c.kind))
        .collect())
}
