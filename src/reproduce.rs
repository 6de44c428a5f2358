//! Reproducing a transcript: a recording transcribed again from its source with the model and
//! the settings its provenance records, and compared word for word with the stored transcript
//! (`verbatim verify --reproduce`).
//!
//! The recorded settings are strings written for people (`greedy`, `earshot 1.2, threshold
//! 0.5/0.35, …`); [`Recipe::from_settings`] reads them back, and refuses what it cannot read
//! rather than guessing. The model is found by its SHA-256, not by its name: a file called
//! `ggml-tiny.en.bin` with other bytes would not reproduce anything.
//!
//! Whisper is run as at ingest, on the recorded number of threads: whisper.cpp's sampling
//! (temperature fallback) draws from a generator seeded afresh for each run, so the same
//! weights, samples, settings and thread count give the same words on the same build. A
//! different thread count (`--threads`) may change floating-point sums and so, rarely, a word
//! or a time; the comparison says which.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use regex::Regex;
use serde::Serialize;
use similar::{capture_diff_slices, Algorithm, DiffOp};

use crate::audio::silero::Silero;
use crate::audio::vad::{Speech, VadConfig};
use crate::error::{Error, Result};
use crate::hash::sha256_file;
use crate::model::{Recording, TranscribeSettings, Transcript, Word};
use crate::transcribe::{ChineseScript, TranscribeOptions, Transcription, WordTimes, MAX_BEAM};

/// How a recording was transcribed, read back from its recorded settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Recipe {
    /// The transcription options (language, translation, threads, beam, script).
    pub options: TranscribeOptions,
    /// Voice activity detection, or `None` when Whisper heard the whole recording.
    pub vad: Option<VadConfig>,
    /// Where word times came from.
    pub word_times: WordTimes,
    /// Whether the second voice detector (Silero) confirmed gap markers.
    pub gap_check: bool,
}

impl Recipe {
    /// The recipe of `settings`, or an error naming the setting that cannot be read back.
    pub fn from_settings(settings: &TranscribeSettings) -> std::result::Result<Recipe, String> {
        let beam = match settings.strategy.as_str() {
            "greedy" => 1,
            other => other
                .strip_prefix("beam search, width ")
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|n| (2..=MAX_BEAM).contains(n))
                .ok_or_else(|| format!("unknown decoding strategy {other:?}"))?,
        };
        let vad = match settings.vad.as_str() {
            "off" => None,
            described => Some(
                VadConfig::from_description(described)
                    .ok_or_else(|| format!("unknown voice activity settings {described:?}"))?,
            ),
        };
        let word_times = match settings.word_times.as_str() {
            "token timestamps" => WordTimes::Tokens,
            w if w.starts_with("dtw (") => WordTimes::Dtw,
            w if w.starts_with("midpoint of token timestamp and dtw") => WordTimes::Blend,
            other => return Err(format!("unknown word-time source {other:?}")),
        };
        let chinese_script = match &settings.chinese_script {
            None => ChineseScript::default(),
            Some(script) => script.parse()?,
        };
        if settings.threads == 0 {
            return Err("no thread count recorded".into());
        }
        Ok(Recipe {
            options: TranscribeOptions {
                language: Some(settings.language.clone()).filter(|l| l != "auto"),
                translate: settings.translate,
                threads: settings.threads,
                chinese_script,
                beam,
            },
            vad,
            word_times,
            gap_check: settings.gap_check.is_some(),
        })
    }
}

impl VadConfig {
    /// The settings [`VadConfig::describe`] wrote, read back.
    pub fn from_description(text: &str) -> Option<VadConfig> {
        let pattern = Regex::new(
            r"^earshot 1\.2, threshold ([0-9.]+)/([0-9.]+), min speech ([0-9]+) ms, min silence ([0-9]+) ms, pad ([0-9]+) ms$",
        )
        .expect("a valid pattern");
        let caps = pattern.captures(text)?;
        Some(VadConfig {
            threshold: caps[1].parse().ok()?,
            release: caps[2].parse().ok()?,
            min_speech_ms: caps[3].parse().ok()?,
            min_silence_ms: caps[4].parse().ok()?,
            pad_ms: caps[5].parse().ok()?,
        })
    }
}

/// The ggml model with SHA-256 `sha256` in `models_dir`: the file its name suggests
/// (`ggml-<name>.bin`) first, then any other `.bin` file there.
pub fn find_model(models_dir: &Path, name: &str, sha256: &str) -> Result<PathBuf> {
    let named = models_dir.join(format!("ggml-{name}.bin"));
    let mut candidates = vec![named.clone()];
    if let Ok(entries) = std::fs::read_dir(models_dir) {
        let mut others: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "bin") && *p != named)
            .collect();
        others.sort();
        candidates.extend(others);
    }
    for path in candidates.iter().filter(|p| p.is_file()) {
        if sha256_file(path)? == sha256 {
            return Ok(path.clone());
        }
    }
    Err(Error::Input(format!(
        "the model it was transcribed with ({name}, sha256 {}) is not in {}: without the same \
         weights nothing can be reproduced",
        &sha256[..sha256.len().min(12)],
        models_dir.display()
    )))
}

/// The speech spans Whisper heard at ingest, detected again as recorded (`second`: the
/// Silero detector, which the recipe needs when it confirmed gap markers).
pub fn speech(samples: &[f32], recipe: &Recipe, second: Option<Arc<Silero>>) -> Option<Speech> {
    recipe
        .vad
        .map(|vad| Speech::detect(samples, &vad).with_second_detector(second))
}

/// One place where the stored words and the reproduced ones differ.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WordChange {
    /// Where, in milliseconds into the recording (the first word's start on either side).
    pub at_ms: u64,
    /// The stored words there (empty when the reproduction added words).
    pub stored: String,
    /// The reproduced words there (empty when it dropped words).
    pub reproduced: String,
}

/// A stored transcript against its reproduction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// Words in the stored transcript.
    pub stored_words: usize,
    /// Words in the reproduction.
    pub reproduced_words: usize,
    /// Where the words differ, in time order.
    pub changes: Vec<WordChange>,
    /// Words equal in text whose start or end moved.
    pub moved_words: usize,
    /// The largest move of a start or end among them, in milliseconds.
    pub max_move_ms: u64,
    /// Words equal in text and time whose probability differs.
    pub probability_differs: usize,
    /// True when the language differs.
    pub language_differs: bool,
}

impl Comparison {
    /// True when every word, time and probability is the same.
    pub fn identical(&self) -> bool {
        self.changes.is_empty()
            && self.moved_words == 0
            && self.probability_differs == 0
            && !self.language_differs
    }
}

/// Every word of a transcript's segments, in order (segments split at speaker changes hold
/// the same words as before they were split).
fn all_words(segments: &[crate::model::Segment]) -> Vec<&Word> {
    segments.iter().flat_map(|s| &s.words).collect()
}

/// Compares `stored` with `reproduced` word for word: the texts by an edit script (Myers'
/// diff), then the times and probabilities of the words that match.
pub fn compare(stored: &Transcript, reproduced: &Transcription) -> Comparison {
    let old = all_words(&stored.segments);
    let new = all_words(&reproduced.segments);
    let old_text: Vec<&str> = old.iter().map(|w| w.text.as_str()).collect();
    let new_text: Vec<&str> = new.iter().map(|w| w.text.as_str()).collect();
    let mut comparison = Comparison {
        stored_words: old.len(),
        reproduced_words: new.len(),
        changes: Vec::new(),
        moved_words: 0,
        max_move_ms: 0,
        probability_differs: 0,
        language_differs: stored.language != reproduced.language,
    };
    let join = |words: &[&Word]| {
        words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    for op in capture_diff_slices(Algorithm::Myers, &old_text, &new_text) {
        match op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => {
                for (a, b) in old[old_index..old_index + len]
                    .iter()
                    .zip(&new[new_index..new_index + len])
                {
                    let moved = a
                        .start_ms
                        .abs_diff(b.start_ms)
                        .max(a.end_ms.abs_diff(b.end_ms));
                    if moved > 0 {
                        comparison.moved_words += 1;
                        comparison.max_move_ms = comparison.max_move_ms.max(moved);
                    } else if a.probability.to_bits() != b.probability.to_bits() {
                        comparison.probability_differs += 1;
                    }
                }
            }
            DiffOp::Delete {
                old_index,
                old_len,
                new_index: _,
            } => comparison.changes.push(WordChange {
                at_ms: old[old_index].start_ms,
                stored: join(&old[old_index..old_index + old_len]),
                reproduced: String::new(),
            }),
            DiffOp::Insert {
                old_index: _,
                new_index,
                new_len,
            } => comparison.changes.push(WordChange {
                at_ms: new[new_index].start_ms,
                stored: String::new(),
                reproduced: join(&new[new_index..new_index + new_len]),
            }),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => comparison.changes.push(WordChange {
                at_ms: old[old_index].start_ms.min(new[new_index].start_ms),
                stored: join(&old[old_index..old_index + old_len]),
                reproduced: join(&new[new_index..new_index + new_len]),
            }),
        }
    }
    comparison
}

/// Why a recording cannot be reproduced before any audio is heard: an imported transcript, or
/// provenance without a model or settings.
pub fn cannot_reproduce(recording: &Recording) -> Option<String> {
    if let crate::model::SourceKind::ImportedTranscript { format, .. } = &recording.source {
        return Some(format!(
            "imported from a {format} transcript: there is no transcription to reproduce"
        ));
    }
    if recording.model.is_none() || recording.settings.is_none() {
        return Some("its provenance records no model or settings".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Segment;

    fn settings(strategy: &str, vad: &str, word_times: &str) -> TranscribeSettings {
        TranscribeSettings {
            language: "en".into(),
            translate: false,
            threads: 2,
            strategy: strategy.into(),
            resampler: "none".into(),
            word_times: word_times.into(),
            vad: vad.into(),
            chinese_script: None,
            gap_check: None,
        }
    }

    #[test]
    fn recorded_settings_read_back_as_written() {
        let vad = VadConfig {
            threshold: 0.45,
            release: 0.3,
            min_speech_ms: 250,
            min_silence_ms: 500,
            pad_ms: 120,
        };
        let recipe = Recipe::from_settings(&settings(
            "beam search, width 5",
            &vad.describe(),
            "midpoint of token timestamp and dtw (tiny.en alignment heads)",
        ))
        .unwrap();
        assert_eq!(recipe.vad, Some(vad));
        assert_eq!(recipe.options.beam, 5);
        assert_eq!(recipe.options.threads, 2);
        assert_eq!(recipe.options.language.as_deref(), Some("en"));
        assert_eq!(recipe.word_times, WordTimes::Blend);
        let greedy = Recipe::from_settings(&settings("greedy", "off", "token timestamps")).unwrap();
        assert_eq!((greedy.options.beam, greedy.vad), (1, None));
        assert_eq!(greedy.word_times, WordTimes::Tokens);
    }

    #[test]
    fn settings_that_cannot_be_read_back_are_named() {
        let error = Recipe::from_settings(&settings("nucleus", "off", "token timestamps"));
        assert_eq!(error.unwrap_err(), "unknown decoding strategy \"nucleus\"");
        let error = Recipe::from_settings(&settings("greedy", "silero 5", "token timestamps"));
        assert!(error.unwrap_err().contains("silero 5"));
        let error = Recipe::from_settings(&settings("greedy", "off", "whatever"));
        assert!(error.unwrap_err().contains("whatever"));
    }

    fn word(text: &str, start_ms: u64, probability: f32) -> Word {
        Word {
            text: text.into(),
            start_ms,
            end_ms: start_ms + 300,
            probability,
            speaker_confidence: None,
        }
    }

    fn segments(words: Vec<Word>) -> Vec<Segment> {
        vec![Segment::of_words(0, words)]
    }

    #[test]
    fn a_changed_word_and_a_moved_word_are_told_apart() {
        let stored = Transcript {
            sha256: "a".into(),
            language: "en".into(),
            segments: segments(vec![
                word("you", 0, 0.9),
                word("can", 300, 0.9),
                word("see", 600, 0.9),
                word("everything.", 900, 0.9),
            ]),
            faint_activity: Vec::new(),
        };
        let same = Transcription {
            language: "en".into(),
            segments: stored.segments.clone(),
            faint_activity: Vec::new(),
        };
        assert!(compare(&stored, &same).identical());
        let other = Transcription {
            language: "en".into(),
            segments: segments(vec![
                word("you", 0, 0.9),
                word("can't", 300, 0.9),
                word("see", 640, 0.9),
                word("everything.", 900, 0.8),
            ]),
            faint_activity: Vec::new(),
        };
        let comparison = compare(&stored, &other);
        assert_eq!(
            comparison.changes,
            vec![WordChange {
                at_ms: 300,
                stored: "can".into(),
                reproduced: "can't".into()
            }]
        );
        assert_eq!((comparison.moved_words, comparison.max_move_ms), (1, 40));
        assert_eq!(comparison.probability_differs, 1);
        assert!(!comparison.identical());
    }
}
