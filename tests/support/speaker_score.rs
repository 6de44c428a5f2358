//! Scoring speaker attribution against the corpus truth: each word (by its midpoint) against
//! the truth line around it, after mapping every found speaker to the truth speaker it most
//! often coincides with. Shared by the integration tests and the bench binary (`#[path]`).

#![allow(dead_code)]

use std::collections::HashMap;

use serde_json::Value;

/// (word midpoint, speaker id, speaker label, confidence) of every word.
pub fn words(transcript: &Value) -> Vec<(u64, String, String, f64)> {
    let mut out = Vec::new();
    for segment in transcript["transcript"]["segments"].as_array().unwrap() {
        for word in segment["words"].as_array().unwrap() {
            let mid = (word["start_ms"].as_u64().unwrap() + word["end_ms"].as_u64().unwrap()) / 2;
            out.push((
                mid,
                segment["speaker_id"].as_str().unwrap_or("").to_string(),
                segment["speaker"].as_str().unwrap_or("").to_string(),
                word["speaker_confidence"].as_f64().unwrap_or(0.0),
            ));
        }
    }
    out
}

/// The truth speaker of a moment: the line whose span (widened by 300 ms) holds it.
pub fn truth_speaker(lines: &[Value], ms: u64) -> Option<&str> {
    lines
        .iter()
        .find(|l| {
            l["start_ms"].as_u64().unwrap().saturating_sub(300) <= ms
                && ms <= l["end_ms"].as_u64().unwrap() + 300
        })
        .map(|l| l["speaker"].as_str().unwrap())
}

/// Word attribution accuracy after mapping each found speaker to the truth speaker it most
/// often coincides with, and the mapping.
pub fn accuracy(transcript: &Value, lines: &[Value]) -> (f64, usize, HashMap<String, String>) {
    let mut votes: HashMap<(String, String), usize> = HashMap::new();
    let mut pairs = Vec::new();
    for (mid, id, _, _) in words(transcript) {
        if let Some(truth) = truth_speaker(lines, mid) {
            *votes.entry((id.clone(), truth.to_string())).or_default() += 1;
            pairs.push((id, truth.to_string()));
        }
    }
    let mut mapping: HashMap<String, (String, usize)> = HashMap::new();
    for ((id, truth), n) in votes {
        let best = mapping.entry(id).or_insert((truth.clone(), 0));
        if n > best.1 {
            *best = (truth, n);
        }
    }
    let right = pairs
        .iter()
        .filter(|(id, truth)| mapping.get(id).is_some_and(|m| &m.0 == truth))
        .count();
    (
        right as f64 / pairs.len() as f64,
        pairs.len(),
        mapping.into_iter().map(|(k, v)| (k, v.0)).collect(),
    )
}
