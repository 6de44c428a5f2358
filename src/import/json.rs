//! JSON transcripts from other Whisper tools: whisper.cpp's `-oj`/`-ojf` output (times in ms,
//! sub-word tokens) and WhisperX's (times in seconds, aligned words, diarized speakers).
//! Problems are reported at serde_json's line; checks that span two fields (an end before its
//! start) run while the object is read, so they point at it too.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use super::{segment, ImportFormat, Problem};
use crate::model::{Segment, Word};
use crate::text::{assemble_words, RawToken};

/// Tells whisper.cpp from WhisperX by the top-level key (`transcription` or `segments`).
pub(super) fn detect(text: &str) -> Result<ImportFormat, Problem> {
    // A map, not a derived struct: serde would also take an array for a struct.
    let keys: BTreeMap<String, IgnoredAny> = serde_json::from_str(text).map_err(json_problem)?;
    match (
        keys.contains_key("transcription"),
        keys.contains_key("segments"),
    ) {
        (true, _) => Ok(ImportFormat::WhisperCppJson),
        (false, true) => Ok(ImportFormat::WhisperXJson),
        (false, false) => Err(Problem::new(
            text.lines().count(),
            "a JSON object with neither `transcription` (whisper.cpp -oj) nor `segments` \
             (WhisperX): not a transcript verbatim imports",
        )),
    }
}

/// serde_json's error at its line, with the column (WhisperX writes all of its JSON on one
/// line).
fn json_problem(error: serde_json::Error) -> Problem {
    let message = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    let message = message.strip_suffix(&suffix).unwrap_or(&message);
    let reason = if error.line() == 0 {
        message.to_string()
    } else {
        format!("{message} (column {})", error.column())
    };
    Problem::new(error.line(), reason)
}

// whisper.cpp -------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(expecting = "a whisper.cpp JSON transcript (an object with `transcription`)")]
struct CppDocument {
    transcription: Vec<CppSegment>,
}

#[derive(Deserialize)]
struct CppSegment {
    #[serde(deserialize_with = "ordered_offsets")]
    offsets: Offsets,
    text: String,
    #[serde(default)]
    tokens: Vec<CppToken>,
    /// `0`, `1` or `?` with `--diarize` on stereo input.
    #[serde(default)]
    speaker: Option<String>,
}

/// Milliseconds from the start of the recording.
#[derive(Debug, Clone, Copy, Deserialize)]
struct Offsets {
    from: u64,
    to: u64,
}

#[derive(Deserialize)]
struct CppToken {
    text: String,
    /// Absent when whisper.cpp had no token timestamps.
    #[serde(default)]
    offsets: Option<Offsets>,
    #[serde(default)]
    p: Option<f32>,
}

fn ordered_offsets<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Offsets, D::Error> {
    let offsets = Offsets::deserialize(deserializer)?;
    if offsets.to < offsets.from {
        return Err(de::Error::custom(format!(
            "segment ends before it starts (offsets from {} ms to {} ms)",
            offsets.from, offsets.to
        )));
    }
    Ok(offsets)
}

/// Parses whisper.cpp JSON: `transcription[]` with `offsets.from`/`to` (ms) and `text`; with
/// `-ojf`, words are built from `tokens[]` as verbatim builds its own (a token starting with a
/// space starts a word; special tokens such as `[_BEG_]`, `[_TT_123]`, `<|endoftext|>` are
/// skipped; a word's probability is the mean of its tokens' `p`, 0 where `p` is missing). A
/// token without offsets takes the end of the token before it. A `speaker` (`--diarize`) is
/// kept unless it is `?`; `speaker_turn_next` and the rest are ignored.
pub(super) fn parse_whisper_cpp(text: &str) -> Result<Vec<Segment>, Problem> {
    let document: CppDocument = serde_json::from_str(text).map_err(json_problem)?;
    Ok(document
        .transcription
        .into_iter()
        .filter_map(|cpp| {
            let text = cpp.text.trim().to_string();
            if text.is_empty() {
                return None;
            }
            let Offsets { from, to } = cpp.offsets;
            let speaker = cpp
                .speaker
                .filter(|s| !s.trim().is_empty() && s.trim() != "?");
            let mut tokens = Vec::new();
            let mut previous_end = from;
            for token in cpp
                .tokens
                .into_iter()
                .filter(|t| !is_special_token(&t.text))
            {
                let offsets = token.offsets.unwrap_or(Offsets {
                    from: previous_end,
                    to: previous_end,
                });
                previous_end = offsets.to;
                tokens.push(RawToken {
                    bytes: token.text.into_bytes(),
                    start_ms: offsets.from,
                    end_ms: offsets.to,
                    probability: token.p.unwrap_or(0.0),
                });
            }
            let mut segment = segment(from, to, text, speaker);
            segment.words = assemble_words(&tokens, from, to);
            Some(segment)
        })
        .collect())
}

/// `[_BEG_]`, `[_TT_123]`, `[_SOT_]`, `<|endoftext|>`, `<|0.00|>`: not text.
fn is_special_token(text: &str) -> bool {
    let bracketed = |open: &str, close: &str| text.starts_with(open) && text.ends_with(close);
    (bracketed("[_", "]") && text.len() > 3) || (bracketed("<|", "|>") && text.len() >= 4)
}

// WhisperX ----------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(expecting = "a WhisperX JSON transcript (an object with `segments`)")]
struct XDocument {
    segments: Vec<XSegment>,
}

/// A WhisperX segment: `start`, `end` (s), `text`, optional `speaker` and `words`.
struct XSegment {
    start_ms: u64,
    end_ms: u64,
    text: String,
    speaker: Option<String>,
    words: Vec<XWord>,
}

/// A WhisperX word: `word`, and where alignment succeeded `start`, `end`, `score`; `speaker`
/// after diarization.
struct XWord {
    text: String,
    start_ms: Option<u64>,
    end_ms: Option<u64>,
    score: Option<f32>,
    speaker: Option<String>,
}

/// Fields of a segment or a word, read by one visitor so that both check their times alike.
#[derive(Default)]
struct XFields {
    text: Option<String>,
    start_ms: Option<u64>,
    end_ms: Option<u64>,
    score: Option<f32>,
    speaker: Option<String>,
    words: Vec<XWord>,
}

struct XVisitor {
    /// `segment` or `word`.
    kind: &'static str,
}

impl XVisitor {
    fn is_segment(&self) -> bool {
        self.kind == "segment"
    }
}

impl<'de> Visitor<'de> for XVisitor {
    type Value = XFields;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        write!(formatter, "a WhisperX {} object", self.kind)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<XFields, A::Error> {
        let mut fields = XFields::default();
        let text_key = if self.is_segment() { "text" } else { "word" };
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "start" => fields.start_ms = map.next_value::<Option<Seconds>>()?.map(|s| s.0),
                "end" => fields.end_ms = map.next_value::<Option<Seconds>>()?.map(|s| s.0),
                "score" => fields.score = map.next_value()?,
                "speaker" => fields.speaker = map.next_value()?,
                "words" if self.is_segment() => fields.words = map.next_value()?,
                key if key == text_key => fields.text = Some(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            if let (Some(start), Some(end)) = (fields.start_ms, fields.end_ms) {
                if end < start {
                    return Err(de::Error::custom(format!(
                        "{} ends before it starts (start {} s, end {} s)",
                        self.kind,
                        seconds(start),
                        seconds(end)
                    )));
                }
            }
        }
        if fields.text.is_none() {
            return Err(de::Error::missing_field(text_key));
        }
        if self.is_segment() {
            if fields.start_ms.is_none() {
                return Err(de::Error::missing_field("start"));
            }
            if fields.end_ms.is_none() {
                return Err(de::Error::missing_field("end"));
            }
        }
        Ok(fields)
    }
}

impl<'de> Deserialize<'de> for XSegment {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let fields = deserializer.deserialize_map(XVisitor { kind: "segment" })?;
        Ok(XSegment {
            start_ms: fields.start_ms.unwrap_or(0),
            end_ms: fields.end_ms.unwrap_or(0),
            text: fields.text.unwrap_or_default(),
            speaker: fields.speaker,
            words: fields.words,
        })
    }
}

impl<'de> Deserialize<'de> for XWord {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let fields = deserializer.deserialize_map(XVisitor { kind: "word" })?;
        Ok(XWord {
            text: fields.text.unwrap_or_default(),
            start_ms: fields.start_ms,
            end_ms: fields.end_ms,
            score: fields.score,
            speaker: fields.speaker,
        })
    }
}

/// A time in seconds (a JSON number) as milliseconds; negative or absurd times are errors.
struct Seconds(u64);

/// 2^53 ms (285 000 years): every millisecond below it is exact in an f64.
const MAX_MS: f64 = 9_007_199_254_740_992.0;

impl<'de> Deserialize<'de> for Seconds {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SecondsVisitor;
        impl Visitor<'_> for SecondsVisitor {
            type Value = Seconds;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("a time in seconds (a number)")
            }
            fn visit_f64<E: de::Error>(self, value: f64) -> Result<Seconds, E> {
                let ms = (value * 1000.0).round();
                if !(0.0..=MAX_MS).contains(&ms) {
                    return Err(E::custom(format!("time {value} s is out of range")));
                }
                Ok(Seconds(ms as u64))
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Seconds, E> {
                self.visit_f64(value as f64)
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Seconds, E> {
                self.visit_f64(value as f64)
            }
        }
        deserializer.deserialize_f64(SecondsVisitor)
    }
}

fn seconds(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// Parses WhisperX JSON: `segments[]` with `start`/`end` in seconds, `text`, optional
/// `speaker` and `words[]` (`word`, optional `start`/`end`/`score`/`speaker`); `word_segments`
/// and other keys are ignored. A segment without a `speaker` takes its first word's. A word
/// WhisperX could not align (numbers, symbols) has no times: it starts where the word before
/// it ended (or the segment starts) and ends where the next timed word starts (or the segment
/// ends); without a score its probability is 0, so it never passes for a confident word.
/// Word times are clamped to their segment, as verbatim's own are.
pub(super) fn parse_whisperx(text: &str) -> Result<Vec<Segment>, Problem> {
    let document: XDocument = serde_json::from_str(text).map_err(json_problem)?;
    Ok(document
        .segments
        .into_iter()
        .filter_map(|x| {
            let text = x.text.trim().to_string();
            if text.is_empty() {
                return None;
            }
            let speaker = x
                .speaker
                .or_else(|| x.words.iter().find_map(|w| w.speaker.clone()))
                .filter(|s| !s.trim().is_empty());
            let words = whisperx_words(&x.words, x.start_ms, x.end_ms);
            let mut segment = segment(x.start_ms, x.end_ms, text, speaker);
            segment.words = words;
            Some(segment)
        })
        .collect())
}

fn whisperx_words(words: &[XWord], segment_start_ms: u64, segment_end_ms: u64) -> Vec<Word> {
    let clamp = |ms: u64| ms.clamp(segment_start_ms, segment_end_ms);
    // The start of the next word that has one, for each word, from the back.
    let mut next_start = vec![segment_end_ms; words.len()];
    for i in (0..words.len().saturating_sub(1)).rev() {
        next_start[i] = words[i + 1].start_ms.unwrap_or(next_start[i + 1]);
    }
    let mut previous_end = segment_start_ms;
    let mut out = Vec::with_capacity(words.len());
    for (word, next_start) in words.iter().zip(next_start) {
        let start_ms = clamp(word.start_ms.unwrap_or(previous_end));
        let end_ms = clamp(word.end_ms.unwrap_or(next_start)).max(start_ms);
        previous_end = end_ms;
        let text = word.text.trim();
        if !text.is_empty() {
            out.push(Word {
                text: text.to_string(),
                start_ms,
                end_ms,
                probability: word.score.unwrap_or(0.0),
                speaker_confidence: None,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whisper_cpp_segments_and_words_from_tokens() {
        let json = r#"{
  "result": {"language": "en"},
  "transcription": [
    {
      "timestamps": {"from": "00:00:00,000", "to": "00:00:02,000"},
      "offsets": {"from": 0, "to": 2000},
      "text": " And so, Americans.",
      "tokens": [
        {"text": "[_BEG_]", "offsets": {"from": 0, "to": 0}, "id": 50364, "p": 0.9},
        {"text": " And", "offsets": {"from": 0, "to": 300}, "p": 0.5},
        {"text": " so", "offsets": {"from": 300, "to": 500}, "p": 1.0},
        {"text": ",", "p": 0.75},
        {"text": " Amer", "offsets": {"from": 600, "to": 900}, "p": 0.25},
        {"text": "icans.", "offsets": {"from": 900, "to": 2500}, "p": 0.75},
        {"text": "[_TT_100]", "offsets": {"from": 2000, "to": 2000}, "p": 0.1},
        {"text": "<|endoftext|>", "p": 0.1}
      ],
      "speaker": "1",
      "speaker_turn_next": false
    },
    {"offsets": {"from": 2000, "to": 2000}, "text": "   ", "speaker": "?"},
    {"offsets": {"from": 2000, "to": 3000}, "text": " Plain.", "speaker": "?"}
  ]
}"#;
        let segments = parse_whisper_cpp(json).unwrap();
        assert_eq!(segments.len(), 2);
        let first = &segments[0];
        assert_eq!(
            (
                first.start_ms,
                first.end_ms,
                first.text.as_str(),
                first.speaker.as_deref()
            ),
            (0, 2000, "And so, Americans.", Some("1"))
        );
        let words: Vec<(&str, u64, u64, f32)> = first
            .words
            .iter()
            .map(|w| (w.text.as_str(), w.start_ms, w.end_ms, w.probability))
            .collect();
        assert_eq!(
            words,
            [
                ("And", 0, 300, 0.5),
                ("so,", 300, 500, 0.875),
                ("Americans.", 600, 2000, 0.5)
            ]
        );
        assert_eq!(
            (
                segments[1].text.as_str(),
                segments[1].speaker.as_deref(),
                segments[1].words.len()
            ),
            ("Plain.", None, 0)
        );
    }

    #[test]
    fn whisper_cpp_errors_carry_serde_lines() {
        let problem = parse_whisper_cpp(
            "{\n\"transcription\": [\n{\"offsets\": {\"from\": 5,\n\"to\": 4},\n\"text\": \"x\"}]}",
        )
        .unwrap_err();
        assert_eq!(problem.line, 4);
        assert!(
            problem
                .reason
                .starts_with("segment ends before it starts (offsets from 5 ms to 4 ms)"),
            "{}",
            problem.reason
        );
        let problem = parse_whisper_cpp(
            "{\"transcription\": [{\"offsets\": {\"from\": -5, \"to\": 4}, \"text\": \"x\"}]}",
        )
        .unwrap_err();
        assert_eq!(problem.line, 1);
        assert!(
            problem.reason.contains("-5") && problem.reason.contains("(column "),
            "{}",
            problem.reason
        );
        let problem = parse_whisper_cpp("{\n\"segments\": []\n}").unwrap_err();
        assert_eq!(
            (problem.line, problem.reason.as_str()),
            (3, "missing field `transcription` (column 1)")
        );
    }

    #[test]
    fn special_tokens() {
        for special in [
            "[_BEG_]",
            "[_TT_123]",
            "[_SOT_]",
            "<|endoftext|>",
            "<|0.00|>",
        ] {
            assert!(is_special_token(special), "{special}");
        }
        for text in [" [", "[_", "[_]", " [_BEG_]", "<|", " <b>", "[BLANK_AUDIO]"] {
            assert!(!is_special_token(text), "{text}");
        }
    }

    #[test]
    fn whisperx_segments_words_and_speakers() {
        let json = r#"{"segments": [
            {"start": 0.031, "end": 2.5, "text": " It cost 2014 dollars.", "avg_logprob": -0.2,
             "words": [
                {"word": "It", "start": 0.031, "end": 0.2, "score": 0.9, "speaker": "SPEAKER_01"},
                {"word": "cost", "start": 0.25, "end": 0.5, "score": 0.8},
                {"word": "2014"},
                {"word": "dollars.", "start": 1.0, "end": 2.6, "score": 0.7}
             ]},
            {"start": 3, "end": 4, "text": "Hi.", "speaker": "SPEAKER_00", "words": []},
            {"start": 4, "end": 4.5, "text": " "}
        ], "word_segments": [], "language": "en"}"#;
        let segments = parse_whisperx(json).unwrap();
        assert_eq!(segments.len(), 2);
        let first = &segments[0];
        assert_eq!(
            (
                first.start_ms,
                first.end_ms,
                first.text.as_str(),
                first.speaker.as_deref()
            ),
            (31, 2500, "It cost 2014 dollars.", Some("SPEAKER_01"))
        );
        let words: Vec<(&str, u64, u64, f32)> = first
            .words
            .iter()
            .map(|w| (w.text.as_str(), w.start_ms, w.end_ms, w.probability))
            .collect();
        assert_eq!(
            words,
            [
                ("It", 31, 200, 0.9),
                ("cost", 250, 500, 0.8),
                ("2014", 500, 1000, 0.0),
                ("dollars.", 1000, 2500, 0.7)
            ]
        );
        assert_eq!(
            (
                segments[1].start_ms,
                segments[1].end_ms,
                segments[1].speaker.as_deref()
            ),
            (3000, 4000, Some("SPEAKER_00"))
        );
    }

    #[test]
    fn whisperx_errors_point_at_the_field() {
        let problem =
            parse_whisperx("{\"segments\": [\n{\"start\": 2.0,\n\"end\": 1.5,\n\"text\": \"x\"}]}")
                .unwrap_err();
        assert_eq!(
            (problem.line, problem.reason.as_str()),
            (
                3,
                "segment ends before it starts (start 2.000 s, end 1.500 s) (column 10)"
            )
        );
        let problem = parse_whisperx(
            "{\"segments\": [\n{\"start\": 1,\n\"end\": \"4.5\",\n\"text\": \"x\"}]}",
        )
        .unwrap_err();
        assert_eq!(problem.line, 3);
        assert!(
            problem
                .reason
                .starts_with("invalid type: string \"4.5\", expected a time in seconds"),
            "{}",
            problem.reason
        );
        let problem =
            parse_whisperx("{\"segments\": [\n{\"start\": -1,\n\"end\": 2, \"text\": \"x\"}]}")
                .unwrap_err();
        assert_eq!(problem.line, 2);
        assert!(
            problem.reason.starts_with("time -1 s is out of range"),
            "{}",
            problem.reason
        );
        let problem =
            parse_whisperx("{\"segments\": [{\"start\": 1e300, \"end\": 2, \"text\": \"x\"}]}")
                .unwrap_err();
        assert!(
            problem.reason.contains("out of range"),
            "{}",
            problem.reason
        );
        let problem =
            parse_whisperx("{\"segments\": [\n{\"start\": 1,\n\"text\": \"x\"\n}]}").unwrap_err();
        assert_eq!(
            (problem.line, problem.reason.as_str()),
            (4, "missing field `end` (column 1)")
        );
        let problem = parse_whisperx("{\"segments\": [{\"start\": 0, \"end\": 2, \"text\": \"x\", \"words\": [{\"start\": 1}]}]}").unwrap_err();
        assert!(
            problem.reason.starts_with("missing field `word`"),
            "{}",
            problem.reason
        );
        let problem = parse_whisperx("{\"segments\": [{\"start\": 0, \"end\": 2, \"text\": \"x\", \"words\": [{\"word\": \"a\", \"end\": 1, \"start\": 1.5}]}]}").unwrap_err();
        assert!(
            problem.reason.starts_with("word ends before it starts"),
            "{}",
            problem.reason
        );
    }
}
