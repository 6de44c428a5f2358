//! Scoring speaker attribution against the corpus truth: each word against the truth line that
//! says it around its midpoint, after mapping every found speaker to the truth speaker it most
//! often coincides with. Shared by the integration tests and the bench binary (`#[path]`).

#![allow(dead_code)]

use std::collections::HashMap;

use serde_json::Value;

/// One transcribed word with its attribution.
#[derive(Debug, Clone)]
pub struct SpokenWord {
    /// The word's midpoint.
    pub mid_ms: u64,
    /// Its segment's store-wide speaker id ("" when none).
    pub id: String,
    /// Its segment's speaker label ("" when none).
    pub label: String,
    pub confidence: f64,
    pub text: String,
}

/// Every word of a transcript (`transcript --format json`), in order.
pub fn words(transcript: &Value) -> Vec<SpokenWord> {
    let mut out = Vec::new();
    for segment in transcript["transcript"]["segments"].as_array().unwrap() {
        for word in segment["words"].as_array().unwrap() {
            let mid = (word["start_ms"].as_u64().unwrap() + word["end_ms"].as_u64().unwrap()) / 2;
            out.push(SpokenWord {
                mid_ms: mid,
                id: segment["speaker_id"].as_str().unwrap_or("").to_string(),
                label: segment["speaker"].as_str().unwrap_or("").to_string(),
                confidence: word["speaker_confidence"].as_f64().unwrap_or(0.0),
                text: word["text"].as_str().unwrap().to_string(),
            });
        }
    }
    out
}

fn normalized(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric() || *c == '\'')
        .flat_map(char::to_lowercase)
        .collect()
}

fn line_has_word(line: &Value, word: &str) -> bool {
    let word = normalized(word);
    !word.is_empty()
        && line["text"]
            .as_str()
            .unwrap()
            .split_whitespace()
            .any(|w| normalized(w) == word)
}

/// How far `ms` is from a line's span (0 inside it).
fn distance(line: &Value, ms: u64) -> u64 {
    let (start, end) = (
        line["start_ms"].as_u64().unwrap(),
        line["end_ms"].as_u64().unwrap(),
    );
    start.saturating_sub(ms).max(ms.saturating_sub(end))
}

/// The truth speaker of a word: of the lines within 1 s of its midpoint that have the word,
/// the nearest (word times near a turn are off by a few hundred ms, and a word belongs to the
/// line that says it), else the line within 300 ms; None between lines.
pub fn truth_speaker<'a>(lines: &'a [Value], word: &SpokenWord) -> Option<&'a str> {
    let ms = word.mid_ms;
    lines
        .iter()
        .filter(|l| distance(l, ms) <= 1_000 && line_has_word(l, &word.text))
        .min_by_key(|l| distance(l, ms))
        .or_else(|| lines.iter().find(|l| distance(l, ms) <= 300))
        .map(|l| l["speaker"].as_str().unwrap())
}

/// Word attribution accuracy after mapping each found speaker to the truth speaker it most
/// often coincides with, and the mapping.
pub fn accuracy(transcript: &Value, lines: &[Value]) -> (f64, usize, HashMap<String, String>) {
    let mut votes: HashMap<(String, String), usize> = HashMap::new();
    let mut pairs = Vec::new();
    for word in words(transcript) {
        if let Some(truth) = truth_speaker(lines, &word) {
            *votes
                .entry((word.id.clone(), truth.to_string()))
                .or_default() += 1;
            pairs.push((word.id, truth.to_string()));
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
