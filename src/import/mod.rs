//! Reading transcripts made elsewhere (SubRip, WebVTT, whisper.cpp and WhisperX JSON, plain
//! text) into verbatim's [`Segment`]s, so they can be stored and searched like its own.
//! Parsers are pure functions of the text: they report the 1-based line where a file goes
//! wrong and never panic, whatever the input.

pub mod encoding;
mod json;
mod subtitles;
mod text;

use std::path::Path;
use std::str::FromStr;
use std::sync::LazyLock;

use regex::Regex;

use crate::error::{Error, Result};
use crate::model::Segment;

/// The formats `verbatim import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// SubRip: numbered cues, `00:00:01,000 --> 00:00:02,000`, `Speaker: text` prefixes.
    Srt,
    /// WebVTT: `WEBVTT` header, cues with optional identifiers and settings, `<v Speaker>` tags.
    Vtt,
    /// whisper.cpp's `-oj` / `-ojf` output: `{"transcription": [...]}`, times in ms, tokens.
    WhisperCppJson,
    /// WhisperX's JSON: `{"segments": [...]}`, times in seconds, aligned words and speakers.
    WhisperXJson,
    /// Plain text: `[hh:mm:ss] Name: text`, `Name: text` or bare lines; `#` lines are comments.
    Text,
}

impl ImportFormat {
    /// The name recorded in provenance.
    pub fn name(self) -> &'static str {
        match self {
            Self::Srt => "srt",
            Self::Vtt => "vtt",
            Self::WhisperCppJson => "whisper.cpp",
            Self::WhisperXJson => "whisperx",
            Self::Text => "text",
        }
    }
}

impl FromStr for ImportFormat {
    type Err = String;
    fn from_str(text: &str) -> std::result::Result<Self, String> {
        match text.to_ascii_lowercase().as_str() {
            "srt" => Ok(Self::Srt),
            "vtt" | "webvtt" => Ok(Self::Vtt),
            "whisper.cpp" | "whisper-cpp" | "whispercpp" => Ok(Self::WhisperCppJson),
            "whisperx" => Ok(Self::WhisperXJson),
            "txt" | "text" | "md" => Ok(Self::Text),
            other => Err(format!(
                "unknown import format {other:?} (srt, vtt, whisper.cpp, whisperx, txt)"
            )),
        }
    }
}

/// Detects a transcript's format from its extension and, for `.json` (or an unknown
/// extension), its content: `.srt`, `.vtt`, `.txt`/`.md` (text), and JSON with a
/// `transcription` array (whisper.cpp `-oj`/`-ojf`) or a `segments` array (WhisperX).
/// Without a known extension, a `WEBVTT` header, a first SRT cue or a JSON object decide.
/// `path` also names the file in errors.
pub fn detect_format(path: &Path, text: &str) -> Result<ImportFormat> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("srt") => return Ok(ImportFormat::Srt),
        Some("vtt") => return Ok(ImportFormat::Vtt),
        Some("txt" | "text" | "md" | "markdown") => return Ok(ImportFormat::Text),
        Some("json") => {
            return json::detect(without_bom(text)).map_err(|p| p.into_error(path, text))
        }
        _ => {}
    }
    let content = without_bom(text).trim_start();
    if subtitles::is_vtt_header(content.lines().next().unwrap_or("")) {
        Ok(ImportFormat::Vtt)
    } else if content.starts_with('{') {
        json::detect(without_bom(text)).map_err(|p| p.into_error(path, text))
    } else if subtitles::starts_like_srt(content) {
        Ok(ImportFormat::Srt)
    } else {
        Err(Problem::new(
            1,
            "not a transcript format verbatim imports (.srt, .vtt, .txt, .md, whisper.cpp or \
             WhisperX .json)",
        )
        .into_error(path, text))
    }
}

/// Parses a transcript file's text into segments: times in ms, speakers kept, words where the
/// format has them (whisper.cpp tokens, WhisperX words), `index` from 0 in file order. Cues or
/// lines with no text are left out. `path` only names the file in errors, which are
/// [`Error::Malformed`] with the 1-based line of the problem (serde_json's line for JSON).
pub fn parse(path: &Path, text: &str, format: ImportFormat) -> Result<Vec<Segment>> {
    let content = without_bom(text);
    let parsed = match format {
        ImportFormat::Srt => subtitles::parse_srt(content),
        ImportFormat::Vtt => subtitles::parse_vtt(content),
        ImportFormat::WhisperCppJson => json::parse_whisper_cpp(content),
        ImportFormat::WhisperXJson => json::parse_whisperx(content),
        ImportFormat::Text => text::parse_text(content),
    };
    let mut segments = parsed.map_err(|p| p.into_error(path, text))?;
    for (index, segment) in segments.iter_mut().enumerate() {
        segment.index = index;
    }
    Ok(segments)
}

/// What a parser found wrong, before the path is known.
#[derive(Debug, Clone, PartialEq)]
struct Problem {
    /// 1-based line.
    line: usize,
    reason: String,
}

impl Problem {
    fn new(line: usize, reason: impl Into<String>) -> Self {
        Problem {
            line,
            reason: reason.into(),
        }
    }

    /// The error naming the file; the line is kept within the file (an error "after the last
    /// line", as at the end of a truncated file, points at the last line).
    fn into_error(self, path: &Path, text: &str) -> Error {
        let last_line = text.lines().count().max(1);
        Error::Malformed {
            path: path.to_path_buf(),
            line: self.line.clamp(1, last_line),
            reason: self.reason,
        }
    }
}

fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// A segment with no words, flags or index yet.
fn segment(start_ms: u64, end_ms: u64, text: String, speaker: Option<String>) -> Segment {
    Segment {
        index: 0,
        start_ms,
        end_ms,
        text,
        speaker,
        speaker_id: None,
        words: Vec::new(),
        no_speech_probability: None,
        flags: Vec::new(),
        language: None,
    }
}

/// Why a string is not a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TimestampError {
    /// It does not look like `hh:mm:ss.mmm` at all.
    NotATimestamp,
    /// It looks like one, but minutes or seconds run past 59, or the hours past any recording.
    OutOfRange,
}

/// Parses `hh:mm:ss`, `mm:ss`, each with optional `.mmm` or `,mmm` (1 to 9 fraction digits,
/// read to the millisecond), into milliseconds. Hours may have any number of digits.
fn parse_timestamp(text: &str) -> std::result::Result<u64, TimestampError> {
    static TIMESTAMP: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,9}))?$").expect("valid regex")
    });
    let captures = TIMESTAMP
        .captures(text)
        .ok_or(TimestampError::NotATimestamp)?;
    let number = |i: usize| -> std::result::Result<u64, TimestampError> {
        captures.get(i).map_or(Ok(0), |m| {
            m.as_str().parse().map_err(|_| TimestampError::OutOfRange)
        })
    };
    let (hours, minutes, seconds) = (number(1)?, number(2)?, number(3)?);
    if minutes > 59 || seconds > 59 {
        return Err(TimestampError::OutOfRange);
    }
    let millis = captures.get(4).map_or(0, |fraction| {
        let digits: String = fraction
            .as_str()
            .chars()
            .chain("00".chars())
            .take(3)
            .collect();
        digits.parse::<u64>().unwrap_or(0)
    });
    hours
        .checked_mul(3_600_000)
        .and_then(|ms| ms.checked_add(minutes * 60_000 + seconds * 1000 + millis))
        .ok_or(TimestampError::OutOfRange)
}

/// Splits a `Speaker: text` prefix (or `[Speaker]: text`) off a line. A speaker is one to four
/// words, the first starting with a capital letter, before the first colon, followed by a
/// space and some text. Anything else is all text (`10:30 works`, `the plan: go`).
fn split_speaker(line: &str) -> (Option<String>, String) {
    static SPEAKER: LazyLock<Regex> = LazyLock::new(|| {
        let name = r"\p{Lu}[\p{L}\p{N}_.'’-]*(?: [\p{L}\p{N}_.'’-]+){0,3}";
        Regex::new(&format!(r"^(?:\[({name})\]|({name})):\s+(\S.*)$")).expect("valid regex")
    });
    let line = line.trim();
    match SPEAKER.captures(line) {
        Some(captures) => {
            let name = captures.get(1).or_else(|| captures.get(2));
            let text = captures.get(3).map_or("", |m| m.as_str());
            (name.map(|m| m.as_str().to_string()), text.to_string())
        }
        None => (None, line.to_string()),
    }
}

/// A short, printable rendering of what was found where something else was expected.
fn found(line: &str) -> String {
    const LIMIT: usize = 60;
    if line.trim().is_empty() {
        return "nothing".to_string();
    }
    let mut shown: String = line.chars().take(LIMIT).collect();
    if line.chars().nth(LIMIT).is_some() {
        shown.push('…');
    }
    format!("{shown:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn malformed(result: Result<impl std::fmt::Debug>) -> (usize, String) {
        match result {
            Err(Error::Malformed { line, reason, .. }) => (line, reason),
            other => panic!("expected a Malformed error, got {other:?}"),
        }
    }

    #[test]
    fn timestamps_accept_hours_comma_dot_and_short_forms() {
        assert_eq!(parse_timestamp("01:02:03,004"), Ok(3_723_004));
        assert_eq!(parse_timestamp("01:02:03.004"), Ok(3_723_004));
        assert_eq!(parse_timestamp("02:03.5"), Ok(123_500));
        assert_eq!(parse_timestamp("00:00:07"), Ok(7_000));
        assert_eq!(parse_timestamp("123:00:00.000"), Ok(442_800_000));
        assert_eq!(parse_timestamp("00:00:01.123456"), Ok(1_123));
    }

    #[test]
    fn timestamps_reject_nonsense_and_out_of_range() {
        assert_eq!(
            parse_timestamp("00:61:00,000"),
            Err(TimestampError::OutOfRange)
        );
        assert_eq!(parse_timestamp("00:00:60"), Err(TimestampError::OutOfRange));
        assert_eq!(
            parse_timestamp("99999999999999999999999:00:00,000"),
            Err(TimestampError::OutOfRange)
        );
        assert_eq!(
            parse_timestamp("9999999999999999:00:00,000"),
            Err(TimestampError::OutOfRange)
        );
        for text in [
            "",
            "1",
            "a:b:c",
            "00:00:00,",
            "00:000:00",
            "-1:00:00",
            "1:2:3:4",
        ] {
            assert_eq!(
                parse_timestamp(text),
                Err(TimestampError::NotATimestamp),
                "{text}"
            );
        }
    }

    #[test]
    fn speakers_are_capitalised_names_of_up_to_four_words() {
        let split = |line: &str| {
            let (speaker, text) = split_speaker(line);
            (speaker.as_deref().map(str::to_string), text)
        };
        assert_eq!(split("Alice: hi"), (Some("Alice".into()), "hi".into()));
        assert_eq!(
            split("Security Lead: A <b> & c"),
            (Some("Security Lead".into()), "A <b> & c".into())
        );
        assert_eq!(
            split("[SPEAKER_00]: well: yes"),
            (Some("SPEAKER_00".into()), "well: yes".into())
        );
        assert_eq!(
            split("Dr. Jean-Luc Picard: engage"),
            (Some("Dr. Jean-Luc Picard".into()), "engage".into())
        );
        for plain in [
            "the plan: go",
            "10:30 works",
            "[unintelligible 01:23:20-01:23:26]",
            "(flagged repetition, not speech) Security Lead: A",
            "Alice:",
            "Alice:no space",
            "One two three four five: too long",
        ] {
            assert_eq!(split(plain), (None, plain.into()), "{plain}");
        }
    }

    #[test]
    fn formats_are_detected_by_extension_then_content() {
        let detect = |name: &str, text: &str| detect_format(Path::new(name), text).unwrap();
        assert_eq!(detect("a.SRT", ""), ImportFormat::Srt);
        assert_eq!(detect("a.vtt", "no header"), ImportFormat::Vtt);
        assert_eq!(detect("a.txt", "{}"), ImportFormat::Text);
        assert_eq!(detect("a.md", ""), ImportFormat::Text);
        assert_eq!(
            detect("a.json", r#"{"result": {}, "transcription": []}"#),
            ImportFormat::WhisperCppJson
        );
        assert_eq!(
            detect("a.json", r#"{"segments": [], "word_segments": []}"#),
            ImportFormat::WhisperXJson
        );
        assert_eq!(detect("a", "\u{feff}WEBVTT - x\n"), ImportFormat::Vtt);
        assert_eq!(
            detect("a.sub", "1\n00:00:01,000 --> 00:00:02,000\nhi\n"),
            ImportFormat::Srt
        );
        assert_eq!(
            detect("a", r#" {"segments": []}"#),
            ImportFormat::WhisperXJson
        );
    }

    #[test]
    fn undetectable_files_are_errors_with_a_line() {
        let path = Path::new("notes.docx");
        assert_eq!(malformed(detect_format(path, "hello\nworld")).0, 1);
        let (line, reason) = malformed(detect_format(
            Path::new("x.json"),
            "{\n  \"recording\": {},\n  \"transcript\": {}\n}\n",
        ));
        assert_eq!(line, 4);
        assert!(
            reason.contains("whisper.cpp") && reason.contains("WhisperX"),
            "{reason}"
        );
        let (line, _) = malformed(detect_format(Path::new("x.json"), "{\n\"a\": [1,\n"));
        assert_eq!(line, 2);
        assert_eq!(malformed(detect_format(Path::new("x.json"), "")).0, 1);
        assert_eq!(malformed(detect_format(Path::new("x.json"), "[1, 2]")).0, 1);
    }

    #[test]
    fn formats_parse_by_name() {
        assert_eq!("SRT".parse(), Ok(ImportFormat::Srt));
        assert_eq!("webvtt".parse(), Ok(ImportFormat::Vtt));
        assert_eq!("whisper.cpp".parse(), Ok(ImportFormat::WhisperCppJson));
        assert_eq!("WhisperX".parse(), Ok(ImportFormat::WhisperXJson));
        assert_eq!("text".parse(), Ok(ImportFormat::Text));
        assert!("docx".parse::<ImportFormat>().is_err());
    }

    #[test]
    fn indexes_count_from_zero_and_errors_name_the_file() {
        let srt = "1\n00:00:01,000 --> 00:00:02,000\na\n\n2\n00:00:03,000 --> 00:00:04,000\nb\n";
        let segments = parse(Path::new("x.srt"), srt, ImportFormat::Srt).unwrap();
        assert_eq!(segments.iter().map(|s| s.index).collect::<Vec<_>>(), [0, 1]);
        let with_bom = format!("\u{feff}{srt}");
        assert_eq!(
            parse(Path::new("x.srt"), &with_bom, ImportFormat::Srt).unwrap(),
            segments
        );
        let error = parse(Path::new("dir/x.srt"), "1\nnope\n", ImportFormat::Srt).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("dir/x.srt:2: expected a cue timing line"),
            "{error}"
        );
    }

    #[test]
    fn no_input_makes_any_parser_panic() {
        let long_number = format!("{}:00:00,000 --> 1:00:00,000\nx\n", "9".repeat(400));
        let binary: String = (0u8..=255).map(char::from).cycle().take(5000).collect();
        let inputs = [
            String::new(),
            "\u{feff}".to_string(),
            "\n\n\r\n".to_string(),
            binary,
            String::from_utf8_lossy(&[0xff, 0xfe, 0x00, 0x57, 0x00]).into_owned(),
            long_number,
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v".to_string(),
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n&#99999999999; &#x110000; &#; &".to_string(),
            "1\n00:00:01,000 -->".to_string(),
            "[99999999999999999999:00:00] x\n[1:".to_string(),
            r#"{"transcription": [{"offsets": {"from": 1e300, "to": -1}, "text": 5}]}"#.to_string(),
            r#"{"segments": [{"start": 1e300, "end": 1e301, "text": "x", "words": [{}]}]}"#
                .to_string(),
            r#"{"segments": [{"start": 0, "end": 1, "text": "x", "words": [{"word": "a", "start": 2e19}]}]}"#
                .to_string(),
            "{".repeat(10_000),
            "[".repeat(10_000),
        ];
        let formats = [
            ImportFormat::Srt,
            ImportFormat::Vtt,
            ImportFormat::WhisperCppJson,
            ImportFormat::WhisperXJson,
            ImportFormat::Text,
        ];
        for input in &inputs {
            let _ = detect_format(Path::new("x"), input);
            let _ = detect_format(Path::new("x.json"), input);
            for format in formats {
                for cut in [input.len() / 3, input.len() / 2, input.len()] {
                    let prefix: String = input.chars().take(cut).collect();
                    if let Err(Error::Malformed { line, .. }) =
                        parse(Path::new("x"), &prefix, format)
                    {
                        assert!(line >= 1 && line <= prefix.lines().count().max(1));
                    }
                }
            }
        }
    }

    type Summary<'a> = (u64, u64, &'a str, Option<&'a str>, usize);

    fn summary(segments: &[Segment]) -> Vec<Summary<'_>> {
        segments
            .iter()
            .map(|s| {
                (
                    s.start_ms,
                    s.end_ms,
                    s.text.as_str(),
                    s.speaker.as_deref(),
                    s.words.len(),
                )
            })
            .collect()
    }

    fn fixture_path(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/import")
            .join(name)
    }

    /// Detects and parses a fixture as `verbatim import` will.
    fn import(name: &str) -> Result<(ImportFormat, Vec<Segment>)> {
        let path = fixture_path(name);
        let text = std::fs::read_to_string(&path).expect("fixture is readable");
        let format = detect_format(&path, &text)?;
        Ok((format, parse(&path, &text, format)?))
    }

    #[test]
    fn srt_fixture() {
        let (format, segments) = import("meeting.srt").unwrap();
        assert_eq!(format, ImportFormat::Srt);
        assert_eq!(
            summary(&segments),
            [
                (
                    1_000,
                    4_500,
                    "Good morning, everyone. Let's start with the budget.",
                    Some("Alice Moreau"),
                    0
                ),
                (
                    5_200,
                    9_800,
                    "The Q3 numbers are in: revenue is up twelve percent.",
                    Some("Bob"),
                    0
                ),
                (10_000, 12_250, "[laughter]", None, 0),
                (
                    13_000,
                    15_500,
                    "Great. <i>Really</i> great.",
                    Some("Alice Moreau"),
                    0
                ),
                (16_000, 18_000, "so we agreed: ship it on Friday.", None, 0),
            ]
        );
        assert_eq!(segments[4].index, 4);
    }

    #[test]
    fn vtt_fixture() {
        let (format, segments) = import("meeting.vtt").unwrap();
        assert_eq!(format, ImportFormat::Vtt);
        assert_eq!(
            summary(&segments),
            [
                (
                    1_000,
                    4_500,
                    "Good morning, everyone. Let's start with the budget.",
                    Some("Alice Moreau"),
                    0
                ),
                (
                    5_200,
                    9_800,
                    "The Q3 numbers are in: R&D is <5%> over.",
                    Some("Bob"),
                    0
                ),
                (10_000, 12_250, "[laughter]", None, 0),
                (
                    13_000,
                    15_500,
                    "Great. Really great.",
                    Some("Alice Moreau"),
                    0
                ),
            ]
        );
    }

    #[test]
    fn whisper_cpp_fixture() {
        let (format, segments) = import("whispercpp.json").unwrap();
        assert_eq!(format, ImportFormat::WhisperCppJson);
        assert_eq!(
            summary(&segments),
            [
                (0, 3_200, "And so my fellow Americans,", None, 5),
                (
                    3_200,
                    7_600,
                    "ask not what your country can do for you.",
                    None,
                    9
                ),
            ]
        );
        let last = segments[0].words.last().unwrap();
        assert_eq!(
            (last.text.as_str(), last.start_ms, last.end_ms),
            ("Americans,", 1_560, 3_200)
        );
        assert!(
            (last.probability - 0.87).abs() < 1e-6,
            "{}",
            last.probability
        );
        let words: Vec<&str> = segments[1].words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(
            words,
            ["ask", "not", "what", "your", "country", "can", "do", "for", "you."]
        );
    }

    #[test]
    fn whisperx_fixture() {
        let (format, segments) = import("whisperx.json").unwrap();
        assert_eq!(format, ImportFormat::WhisperXJson);
        assert_eq!(
            summary(&segments),
            [
                (510, 3_974, "Good morning, everyone.", Some("SPEAKER_00"), 3),
                (
                    4_200,
                    7_500,
                    "The budget is 2,000 over.",
                    Some("SPEAKER_01"),
                    5
                ),
                (8_000, 9_250, "Thanks.", None, 0),
            ]
        );
        let unaligned = &segments[1].words[3];
        assert_eq!(
            (
                unaligned.text.as_str(),
                unaligned.start_ms,
                unaligned.end_ms,
                unaligned.probability
            ),
            ("2,000", 5_100, 6_300, 0.0)
        );
    }

    #[test]
    fn text_fixture() {
        let (format, segments) = import("notes.txt").unwrap();
        assert_eq!(format, ImportFormat::Text);
        assert_eq!(
            summary(&segments),
            [
                (
                    1_000,
                    5_000,
                    "Good morning, everyone.",
                    Some("Alice Moreau"),
                    0
                ),
                (
                    5_000,
                    70_000,
                    "The Q3 numbers are in: revenue is up.",
                    Some("Bob"),
                    0
                ),
                (
                    5_000,
                    70_000,
                    "A second line without a stamp.",
                    Some("Bob"),
                    0
                ),
                (
                    70_000,
                    3_723_000,
                    "(flagged repetition, not speech) Bob: thank you thank you",
                    None,
                    0
                ),
                (
                    3_723_000,
                    3_723_000,
                    "[unintelligible 01:02:03-01:02:09]",
                    None,
                    0
                ),
                (3_723_000, 3_723_000, "plain closing remark", None, 0),
            ]
        );
    }

    #[test]
    fn malformed_fixtures_report_their_line() {
        let cases = [
            (
                "bad.srt",
                6,
                "expected a cue timing line `00:00:01,000 --> 00:00:02,000`, found \
                 \"00:00:04,000 -> 00:00:06,000\"",
            ),
            ("bad.vtt", 1, "expected the `WEBVTT` header"),
            ("bad-whispercpp.json", 8, "EOF while parsing"),
            (
                "bad-whisperx.json",
                6,
                "invalid type: string \"4.75\", expected a time in seconds",
            ),
            ("bad.txt", 3, "unknown timestamp [00:99:00]"),
        ];
        for (name, expected_line, expected_reason) in cases {
            let (line, reason) = malformed(import(name));
            assert_eq!(line, expected_line, "{name}: {reason}");
            assert!(reason.starts_with(expected_reason), "{name}: {reason}");
            let error = import(name).unwrap_err().to_string();
            assert!(
                error.contains(&format!("{name}:{expected_line}: ")),
                "{error}"
            );
        }
    }

    /// verbatim's own exports parse back to the same starts, texts and speakers (and ends for
    /// subtitles; TXT stamps are whole seconds).
    #[test]
    fn verbatim_exports_round_trip() {
        use crate::export::{render_transcript, TranscriptFormat};
        use crate::model::{SegmentFlag, Transcript};

        let exported = |start_ms, end_ms, text: &str, speaker: Option<&str>| {
            segment(start_ms, end_ms, text.into(), speaker.map(Into::into))
        };
        let mut gap = exported(
            5_000_000,
            5_006_000,
            "[unintelligible 01:23:20-01:23:26]",
            None,
        );
        gap.flags = vec![SegmentFlag::Gap];
        let mut segments = vec![
            exported(1_500, 4_250, "You can see everything.", None),
            exported(3_723_004, 3_725_000, "A <b> & c", Some("Security Lead")),
            exported(
                3_725_000,
                3_727_999,
                "Tom &amp; \"Jerry\" <i>x</i> &lt;3 & 10:30 works",
                Some("Dr. O'Brien"),
            ),
            exported(3_728_000, 3_729_000, "Café, naïve — déjà vu.", Some("Zoë")),
            exported(3_729_000, 3_729_000, "x", Some("SPEAKER_00")),
            gap,
            exported(
                360_000_001,
                360_001_000,
                "Past a hundred hours.",
                Some("Speaker 2"),
            ),
        ];
        for (index, segment) in segments.iter_mut().enumerate() {
            segment.index = index;
        }
        let transcript = Transcript {
            sha256: "ab".into(),
            language: "en".into(),
            segments: segments.clone(),
            faint_activity: Vec::new(),
        };
        let recording = crate::model::sample_recording("x.wav", "ab");
        let key = |s: &Segment, whole_seconds: bool| {
            let start_ms = if whole_seconds {
                s.start_ms / 1000 * 1000
            } else {
                s.start_ms
            };
            (start_ms, s.text.clone(), s.speaker.clone())
        };
        for (format, name) in [
            (TranscriptFormat::Srt, "x.srt"),
            (TranscriptFormat::Vtt, "x.vtt"),
            (TranscriptFormat::Txt, "x.txt"),
        ] {
            let rendered = render_transcript(format, &recording, &transcript);
            let path = Path::new(name);
            let import_format = detect_format(path, &rendered).unwrap();
            let parsed =
                parse(path, &rendered, import_format).unwrap_or_else(|e| panic!("{e}\n{rendered}"));
            let txt = format == TranscriptFormat::Txt;
            assert_eq!(
                parsed.iter().map(|s| key(s, false)).collect::<Vec<_>>(),
                segments.iter().map(|s| key(s, txt)).collect::<Vec<_>>(),
                "{rendered}"
            );
            if !txt {
                let ends = |s: &[Segment]| s.iter().map(|s| s.end_ms).collect::<Vec<_>>();
                assert_eq!(ends(&parsed), ends(&segments), "{rendered}");
            }
            let indexes: Vec<usize> = parsed.iter().map(|s| s.index).collect();
            assert_eq!(indexes, (0..segments.len()).collect::<Vec<_>>());
        }
    }

    #[test]
    fn flagged_segments_come_back_from_txt_as_text() {
        use crate::export::{render_transcript, TranscriptFormat};
        use crate::model::{Recording, SegmentFlag, Transcript};
        let mut flagged = segment(
            2_000,
            3_000,
            "thank you thank you".into(),
            Some("Bob".into()),
        );
        flagged.flags = vec![SegmentFlag::Repetition, SegmentFlag::OutsideSpeech];
        let transcript = Transcript {
            sha256: "ab".into(),
            language: "en".into(),
            segments: vec![flagged],
            faint_activity: Vec::new(),
        };
        let recording: Recording = serde_json::from_value(serde_json::json!({
            "name": "x.wav", "source_path": "x.wav", "size_bytes": 1, "sha256": "ab",
            "recording_date": null, "date_source": "unknown", "duration_ms": 1,
            "audio": {"codec": "pcm", "sample_rate": 16000, "channels": 1},
            "model": {"name": "tiny.en", "sha256": "cd"},
            "settings": {"language": "en", "translate": false, "threads": 1,
                         "strategy": "greedy", "resampler": "none"},
            "verbatim_version": "0", "ingested_at": "2021-09-14T10:00:00Z", "segment_count": 1
        }))
        .unwrap();
        let rendered = render_transcript(TranscriptFormat::Txt, &recording, &transcript);
        let parsed = parse(Path::new("x.txt"), &rendered, ImportFormat::Text).unwrap();
        assert_eq!(
            summary(&parsed),
            [(
                2_000,
                2_000,
                "(flagged repetition, outside speech, not speech) Bob: thank you thank you",
                None,
                0
            )]
        );
    }

    #[test]
    fn truncated_and_mangled_fixtures_never_panic() {
        let formats = [
            ImportFormat::Srt,
            ImportFormat::Vtt,
            ImportFormat::WhisperCppJson,
            ImportFormat::WhisperXJson,
            ImportFormat::Text,
        ];
        for name in [
            "meeting.srt",
            "meeting.vtt",
            "whispercpp.json",
            "whisperx.json",
            "notes.txt",
        ] {
            let text = std::fs::read_to_string(fixture_path(name)).unwrap();
            let chars: Vec<char> = text.chars().collect();
            for cut in (0..chars.len()).step_by(5) {
                let truncated: String = chars[..cut].iter().collect();
                let mut mangled = chars.clone();
                mangled[cut] = ['\n', ':', '>', '}', '9', '\u{0}'][cut % 6];
                let mangled: String = mangled.into_iter().collect();
                for input in [&truncated, &mangled] {
                    let _ = detect_format(Path::new(name), input);
                    for format in formats {
                        if let Err(Error::Malformed { line, .. }) =
                            parse(Path::new(name), input, format)
                        {
                            assert!(line >= 1 && line <= input.lines().count().max(1));
                        }
                    }
                }
            }
        }
    }
}
