//! SubRip and WebVTT cues. Both are blocks of a timing line and text lines, separated by blank
//! lines; SRT numbers its cues and writes speakers as `Name: text`, WebVTT opens with a header,
//! has comment and style blocks, cue settings, and `<v Name>` voice tags with `&amp;` escapes.

use std::sync::LazyLock;

use regex::Regex;

use super::{found, parse_timestamp, segment, split_speaker, Problem, TimestampError};
use crate::model::Segment;

/// The two subtitle formats, where they differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dialect {
    Srt,
    Vtt,
}

impl Dialect {
    fn timing_example(self) -> &'static str {
        match self {
            Dialect::Srt => "`00:00:01,000 --> 00:00:02,000`",
            Dialect::Vtt => "`00:00:01.000 --> 00:00:02.000`",
        }
    }
}

/// One cue: its times and its text lines, untouched.
struct Cue<'a> {
    start_ms: u64,
    end_ms: u64,
    lines: Vec<&'a str>,
}

/// Parses SubRip. Accepted: cue numbers (optional), `hh:mm:ss,mmm --> hh:mm:ss,mmm` with `,`
/// or `.` and with or without hours (anything after the end time, like SRT coordinates, is
/// ignored), text lines joined with a space, a `Speaker: text` prefix as the speaker, and a
/// missing blank line before a numbered cue. Markup (`<i>`) is kept as text: verbatim's own SRT
/// writes text unescaped.
pub(super) fn parse_srt(text: &str) -> Result<Vec<Segment>, Problem> {
    let cues = read_cues(&trimmed_lines(text), Dialect::Srt)?;
    Ok(cues
        .into_iter()
        .filter_map(|cue| {
            let (speaker, text) = split_speaker(&cue.lines.join(" "));
            (!text.is_empty()).then(|| segment(cue.start_ms, cue.end_ms, text, speaker))
        })
        .collect())
}

/// Parses WebVTT. Required: the `WEBVTT` first line. Accepted: header lines up to the first
/// blank line, `NOTE`/`STYLE`/`REGION` blocks (skipped), cue identifiers, timings with or
/// without hours followed by cue settings, text lines joined with a space. The first voice tag
/// (`<v Name>`, `<v.class Name>`) names the speaker; all tags (`<i>`, `<c.x>`, `<00:00:01.000>`)
/// are removed, then `&amp; &lt; &gt; &quot; &apos; &#nn;` are decoded and `&nbsp;` becomes a
/// space. `Name: text` prefixes are left in the text: WebVTT has voice tags for speakers.
pub(super) fn parse_vtt(text: &str) -> Result<Vec<Segment>, Problem> {
    let lines = trimmed_lines(text);
    let first = lines.first().map_or("", |&(_, line)| line);
    if !is_vtt_header(first) {
        return Err(Problem::new(
            1,
            format!(
                "expected the `WEBVTT` header a WebVTT file begins with, found {}",
                found(first)
            ),
        ));
    }
    // Header lines run to the first blank line; a timing line means the blank line is missing.
    let body = lines
        .iter()
        .skip(1)
        .position(|&(_, line)| line.is_empty() || line.contains("-->"))
        .map_or(lines.len(), |position| position + 1);
    let cues = read_cues(&lines[body..], Dialect::Vtt)?;
    Ok(cues
        .into_iter()
        .filter_map(|cue| {
            let raw = cue.lines.join(" ");
            let speaker = VOICE
                .captures(&raw)
                .and_then(|c| c.get(1))
                .map(|name| decode_entities(name.as_str()).trim().to_string())
                .filter(|name| !name.is_empty());
            let text = decode_entities(&TAG.replace_all(&raw, ""))
                .trim()
                .to_string();
            (!text.is_empty()).then(|| segment(cue.start_ms, cue.end_ms, text, speaker))
        })
        .collect())
}

static VOICE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<v(?:\.[^\s>]*)?[ \t]+([^>]*)>").expect("valid regex"));
static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<[^>]*>").expect("valid regex"));

/// True for a WebVTT file's first line: `WEBVTT`, alone or followed by a space and a title.
pub(super) fn is_vtt_header(line: &str) -> bool {
    line.strip_prefix("WEBVTT")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
}

/// True when the text opens with an SRT cue (a number and a timing line, or a timing line).
pub(super) fn starts_like_srt(text: &str) -> bool {
    let mut lines = text.lines().map(str::trim).filter(|line| !line.is_empty());
    match lines.next() {
        Some(first) if is_cue_number(first) => lines.next().is_some_and(is_timing),
        Some(first) => is_timing(first),
        None => false,
    }
}

/// Every line with its 1-based number, trimmed (which also drops a CRLF's `\r`).
fn trimmed_lines(text: &str) -> Vec<(usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim()))
        .collect()
}

fn read_cues<'a>(lines: &[(usize, &'a str)], dialect: Dialect) -> Result<Vec<Cue<'a>>, Problem> {
    let mut cues = Vec::new();
    let mut i = 0;
    while let Some(&(number, line)) = lines.get(i) {
        if line.is_empty() {
            i += 1;
            continue;
        }
        if dialect == Dialect::Vtt && is_vtt_block(line) {
            i += lines[i..]
                .iter()
                .position(|&(_, line)| line.is_empty())
                .unwrap_or(lines.len() - i);
            continue;
        }
        let has_identifier = match dialect {
            Dialect::Srt => is_cue_number(line),
            Dialect::Vtt => !line.contains("-->"),
        };
        let timing_at = i + usize::from(has_identifier);
        let (timing_number, timing_line) =
            lines.get(timing_at).copied().unwrap_or((number + 1, ""));
        let (start_ms, end_ms) = parse_timing(timing_line, dialect)
            .map_err(|reason| Problem::new(timing_number, reason))?;
        i = timing_at + 1;
        let mut text = Vec::new();
        while let Some(&(_, line)) = lines.get(i) {
            if line.is_empty() || starts_cue(lines, i, dialect) {
                break;
            }
            text.push(line);
            i += 1;
        }
        cues.push(Cue {
            start_ms,
            end_ms,
            lines: text,
        });
    }
    Ok(cues)
}

/// True when line `i`, inside a cue's text, is really the start of the next cue (the blank
/// line before it is missing). A WebVTT cue's text never contains `-->`.
fn starts_cue(lines: &[(usize, &str)], i: usize, dialect: Dialect) -> bool {
    let line = lines[i].1;
    match dialect {
        Dialect::Vtt => line.contains("-->"),
        Dialect::Srt => {
            is_timing(line)
                || (is_cue_number(line)
                    && lines.get(i + 1).is_some_and(|&(_, next)| is_timing(next)))
        }
    }
}

/// `NOTE`, `STYLE` and `REGION` blocks hold no cue.
fn is_vtt_block(line: &str) -> bool {
    ["NOTE", "STYLE", "REGION"].iter().any(|keyword| {
        line.strip_prefix(keyword)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
    })
}

fn is_cue_number(line: &str) -> bool {
    !line.is_empty() && line.bytes().all(|b| b.is_ascii_digit())
}

fn is_timing(line: &str) -> bool {
    line.contains("-->") && parse_timing(line, Dialect::Srt).is_ok()
}

/// `start --> end [settings]` into milliseconds.
fn parse_timing(line: &str, dialect: Dialect) -> Result<(u64, u64), String> {
    let expected = || {
        format!(
            "expected a cue timing line {}, found {}",
            dialect.timing_example(),
            found(line)
        )
    };
    let (left, right) = line.split_once("-->").ok_or_else(expected)?;
    let start_text = left.trim();
    let end_text = right.split_whitespace().next().unwrap_or("");
    let time = |text: &str| {
        parse_timestamp(text).map_err(|error| match error {
            TimestampError::NotATimestamp => expected(),
            TimestampError::OutOfRange => format!("unknown timestamp {text}"),
        })
    };
    let (start_ms, end_ms) = (time(start_text)?, time(end_text)?);
    if end_ms < start_ms {
        return Err(format!(
            "cue ends before it starts ({start_text} --> {end_text})"
        ));
    }
    Ok((start_ms, end_ms))
}

/// Decodes character references in one pass (`&amp;lt;` is `&lt;`, not `<`); unknown ones
/// stay as written.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let decoded = after
            .find(';')
            .filter(|&end| end <= 10)
            .and_then(|end| Some((entity(&after[..end])?, end)));
        match decoded {
            Some((replacement, end)) => {
                out.push_str(&replacement);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<String> {
    let named = match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "nbsp" => " ",
        "lrm" | "rlm" => "",
        _ => {
            let code = name.strip_prefix('#')?;
            let value = match code.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => code.parse().ok()?,
            };
            return char::from_u32(value).map(String::from);
        }
    };
    Some(named.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cues(segments: &[Segment]) -> Vec<(u64, u64, &str, Option<&str>)> {
        segments
            .iter()
            .map(|s| (s.start_ms, s.end_ms, s.text.as_str(), s.speaker.as_deref()))
            .collect()
    }

    #[test]
    fn srt_cues_with_speakers_multiline_text_and_loose_timings() {
        let srt = "1\r\n00:00:01,500 --> 00:00:04,250\r\nAlice: You can see\r\neverything.\r\n\r\n\
                   2\n00:05.000 --> 00:07.125 X1:10 X2:20\nthe plan: lower case.\n\
                   3\n01:02:03.004-->01:02:05.000\n<i>A</i> & b\n\n\n";
        let segments = parse_srt(srt).unwrap();
        assert_eq!(
            cues(&segments),
            [
                (1_500, 4_250, "You can see everything.", Some("Alice")),
                (5_000, 7_125, "the plan: lower case.", None),
                (3_723_004, 3_725_000, "<i>A</i> & b", None),
            ]
        );
    }

    #[test]
    fn srt_cues_without_numbers_or_text() {
        let srt = "00:00:01,000 --> 00:00:02,000\nfirst\n00:00:02,000 --> 00:00:03,000\n\n\
                   7\n00:00:04,000 --> 00:00:05,000\nlast\n";
        let segments = parse_srt(srt).unwrap();
        assert_eq!(
            cues(&segments),
            [(1_000, 2_000, "first", None), (4_000, 5_000, "last", None)]
        );
    }

    #[test]
    fn srt_errors_point_at_the_line() {
        let error = |text: &str| parse_srt(text).unwrap_err();
        let problem =
            error("1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:00:03,000 to 00:00:04,000\n");
        assert_eq!(problem.line, 6);
        assert_eq!(
            problem.reason,
            "expected a cue timing line `00:00:01,000 --> 00:00:02,000`, found \"00:00:03,000 to 00:00:04,000\""
        );
        let problem = error("1\n00:00:05,000 --> 00:00:04,000\nx\n");
        assert_eq!(
            (problem.line, problem.reason.as_str()),
            (
                2,
                "cue ends before it starts (00:00:05,000 --> 00:00:04,000)"
            )
        );
        let problem = error("\n\n1\n00:61:00,000 --> 01:00:00,000\nx\n");
        assert_eq!(
            (problem.line, problem.reason.as_str()),
            (4, "unknown timestamp 00:61:00,000")
        );
        let problem = error("just some words\n");
        assert_eq!(problem.line, 1);
        let problem = error("1\n00:00:01,000 --> 00:00:02,000\nx\n\n2\n");
        assert_eq!(
            (problem.line, problem.reason.ends_with("found nothing")),
            (6, true)
        );
    }

    #[test]
    fn vtt_voices_tags_entities_notes_and_settings() {
        let vtt = "WEBVTT - meeting\nKind: captions\n\nNOTE a comment\nspanning lines\n\n\
                   STYLE\n::cue { color: red }\n\n\
                   intro\n00:01.000 --> 00:04.000 align:start position:10%\n\
                   <v.loud Security Lead>A &lt;b&gt; &amp;amp; <i>c</i></v>\n\n\
                   00:00:05.000 --> 00:00:06.500\n<c.yellow>Hello</c> <00:00:05.500>there&nbsp;&#233;&#x21;\n\
                   second line\n\n\
                   3\n00:00:07.000 --> 00:00:08.000\nQ&A: x < y\n";
        let segments = parse_vtt(vtt).unwrap();
        assert_eq!(
            cues(&segments),
            [
                (1_000, 4_000, "A <b> &amp; c", Some("Security Lead")),
                (5_000, 6_500, "Hello there é! second line", None),
                (7_000, 8_000, "Q&A: x < y", None),
            ]
        );
    }

    #[test]
    fn vtt_needs_its_header_and_timings() {
        let problem = parse_vtt("1\n00:00:01.000 --> 00:00:02.000\nx\n").unwrap_err();
        assert_eq!(problem.line, 1);
        assert!(
            problem.reason.starts_with("expected the `WEBVTT` header"),
            "{}",
            problem.reason
        );
        assert_eq!(parse_vtt("").unwrap_err().line, 1);
        assert_eq!(parse_vtt("WEBVTTX\n").unwrap_err().line, 1);
        let problem = parse_vtt("WEBVTT\n\nid\nnot a timing\nx\n").unwrap_err();
        assert_eq!(problem.line, 4);
        assert!(problem.reason.contains("`00:00:01.000 --> 00:00:02.000`"));
        assert_eq!(
            parse_vtt("WEBVTT\n\n00:00:01.000 --> 00:00:00.000\nx\n")
                .unwrap_err()
                .line,
            3
        );
        assert!(parse_vtt("WEBVTT\n").unwrap().is_empty());
        assert_eq!(
            cues(&parse_vtt("WEBVTT\n00:00:01.000 --> 00:00:02.000\nno blank line\n").unwrap()),
            [(1_000, 2_000, "no blank line", None)]
        );
    }

    #[test]
    fn entities_decode_once_and_leave_unknown_ones() {
        assert_eq!(
            decode_entities("&amp;lt; &foo; & &#60;&#x3E; &#xD800;"),
            "&lt; &foo; & <> &#xD800;"
        );
        assert_eq!(decode_entities("&&amp;&"), "&&&");
    }
}
