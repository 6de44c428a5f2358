//! Scoring a transcript against ground-truth lines: lines dropped, lines on time, first-word
//! timing error, word recall. Shared by the integration tests and the bench binary
//! (`#[path]`-included), so the figures README reports are the ones the tests assert.

#![allow(dead_code)]

use serde_json::Value;

/// Lower-case words without punctuation, for comparing spoken text.
pub fn normalize_words(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == '-')
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric() || *c == '\'')
                .collect::<String>()
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// The words of a transcript's speech segments (flagged segments excluded), normalized, with
/// their start and end in ms.
pub fn heard_words(doc: &Value) -> Vec<(String, u64, u64)> {
    doc["transcript"]["segments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s.get("flags").is_none())
        .flat_map(|s| s["words"].as_array().unwrap().iter())
        .flat_map(|w| {
            let (start, end) = (
                w["start_ms"].as_u64().unwrap(),
                w["end_ms"].as_u64().unwrap(),
            );
            normalize_words(w["text"].as_str().unwrap())
                .into_iter()
                .map(move |text| (text, start, end))
        })
        .collect()
}

/// How well a transcript matches ground-truth lines.
#[derive(Debug, Default)]
pub struct Score {
    pub lines: usize,
    /// Lines in whose time span no word was heard and no gap was marked: lost speech.
    /// (Misheard words count against word recall, not here.)
    pub dropped: Vec<String>,
    /// Lines whose heard start is within 1.0 s of the truth.
    pub on_time: usize,
    pub late: Vec<String>,
    /// |first word's heard start - line start| for lines whose first word was heard.
    pub first_word_errors_ms: Vec<u64>,
    pub words_total: usize,
    pub words_found: usize,
}

impl Score {
    pub fn on_time_share(&self) -> f64 {
        self.on_time as f64 / self.lines as f64
    }
    pub fn median_first_word_error_ms(&self) -> u64 {
        let mut errors = self.first_word_errors_ms.clone();
        errors.sort_unstable();
        errors.get(errors.len() / 2).copied().unwrap_or(u64::MAX)
    }
    pub fn word_recall(&self) -> f64 {
        self.words_found as f64 / self.words_total as f64
    }
    pub fn summary(&self) -> String {
        format!(
            "{} lines, {} dropped, {:.1}% start within 1.0 s, median first-word error {} ms, word recall {:.3}",
            self.lines,
            self.dropped.len(),
            100.0 * self.on_time_share(),
            self.median_first_word_error_ms(),
            self.word_recall()
        )
    }
}

/// Scores a transcript (`transcript --format json`) against truth lines. A line's heard start is
/// the earliest heard word, within 1 s before its start to its end, that matches one of its
/// first three words (tiny.en mishears some first words of synthetic speech).
pub fn score(doc: &Value, lines: &[Value]) -> Score {
    let heard = heard_words(doc);
    let gaps: Vec<(u64, u64)> = doc["transcript"]["segments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| {
            s["flags"]
                .as_array()
                .is_some_and(|f| f.contains(&Value::from("gap")))
        })
        .map(|s| {
            (
                s["start_ms"].as_u64().unwrap(),
                s["end_ms"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut score = Score::default();
    for line in lines {
        score.lines += 1;
        let (start, end) = (
            line["start_ms"].as_u64().unwrap(),
            line["end_ms"].as_u64().unwrap(),
        );
        let text = line["text"].as_str().unwrap();
        let spoken = normalize_words(text);
        let window: Vec<&(String, u64, u64)> = heard
            .iter()
            .filter(|w| w.1 + 1_000 >= start && w.1 <= end)
            .collect();
        let found = spoken
            .iter()
            .filter(|word| window.iter().any(|w| &w.0 == *word))
            .count();
        score.words_total += spoken.len();
        score.words_found += found;
        let gap = gaps.iter().any(|g| g.0 < end && g.1 > start);
        let any_heard = heard.iter().any(|w| w.1 >= start && w.1 < end);
        if !any_heard && !gap {
            score.dropped.push(format!("@{start} {text:?}"));
        }
        if let Some(first) = window
            .iter()
            .filter(|w| w.0 == spoken[0])
            .map(|w| w.1.abs_diff(start))
            .min()
        {
            score.first_word_errors_ms.push(first);
        }
        let heard_start = window
            .iter()
            .filter(|w| spoken.iter().take(3).any(|s| *s == w.0))
            .map(|w| w.1)
            .min();
        match heard_start {
            Some(at) if at.abs_diff(start) <= 1_000 => score.on_time += 1,
            other => score
                .late
                .push(format!("@{start} {text:?} heard at {other:?}")),
        }
    }
    score
}
