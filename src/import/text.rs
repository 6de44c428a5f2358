//! Plain-text transcripts: one segment per line, `[hh:mm:ss] Name: text`, `Name: text` or bare
//! text, with `#` comment lines (verbatim's own TXT export opens with `# recording: ...`).

use std::sync::LazyLock;

use regex::Regex;

use super::{parse_timestamp, segment, split_speaker, Problem};
use crate::model::Segment;

/// Parses plain text. Each non-empty line that is not a `#` comment is one segment. A line may
/// open with a stamp: `[hh:mm:ss]`, `[mm:ss]`, optionally with `.mmm`; a stamp alone on its line
/// sets the time of the lines after it. A bracket of digits and colons that is not a valid time
/// (`[00:99:00]`) is an error; other brackets (`[laughter]`, `[1]`) are text.
///
/// Times where the file has none: a segment without a stamp starts where the one before it
/// started (or at 0); every segment ends where the next later-starting one starts, or at its
/// own start when none follows. So only start times come from the file, end times are
/// estimates, and unstamped text gives zero-length segments.
pub(super) fn parse_text(text: &str) -> Result<Vec<Segment>, Problem> {
    static STAMP: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\[([0-9:.,]*:[0-9:.,]*)\]\s*(.*)$").expect("valid regex"));
    let mut segments: Vec<Segment> = Vec::new();
    let mut start_ms = 0;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let rest = match STAMP.captures(line) {
            Some(captures) => {
                let stamp = captures.get(1).map_or("", |m| m.as_str());
                start_ms = parse_timestamp(stamp)
                    .map_err(|_| Problem::new(i + 1, format!("unknown timestamp [{stamp}]")))?;
                captures.get(2).map_or("", |m| m.as_str())
            }
            None => line,
        };
        let (speaker, text) = split_speaker(rest);
        if !text.is_empty() {
            segments.push(segment(start_ms, start_ms, text, speaker));
        }
    }
    // Ends, from the back: the next segment's start when later, or its end when it starts at
    // the same time (a run of unstamped lines shares the end of the run).
    for i in (0..segments.len()).rev() {
        let start = segments[i].start_ms;
        segments[i].end_ms = match segments.get(i + 1) {
            Some(next) if next.start_ms > start => next.start_ms,
            Some(next) if next.start_ms == start => next.end_ms,
            _ => start,
        };
    }
    Ok(segments)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(segments: &[Segment]) -> Vec<(u64, u64, &str, Option<&str>)> {
        segments
            .iter()
            .map(|s| (s.start_ms, s.end_ms, s.text.as_str(), s.speaker.as_deref()))
            .collect()
    }

    #[test]
    fn stamps_speakers_comments_and_estimated_ends() {
        let text = "# recording: x.wav\n# sha256: ab\n\n[00:00:01] Alice: Hello there.\n\
                    and a second line\n[00:00:04.250] [laughter] right\n\n\
                    [01:00] Bob: later: on\n[1] footnote\n[00:02:00]\nunder a lone stamp\n";
        assert_eq!(
            lines(&parse_text(text).unwrap()),
            [
                (1_000, 4_250, "Hello there.", Some("Alice")),
                (1_000, 4_250, "and a second line", None),
                (4_250, 60_000, "[laughter] right", None),
                (60_000, 120_000, "later: on", Some("Bob")),
                (60_000, 120_000, "[1] footnote", None),
                (120_000, 120_000, "under a lone stamp", None),
            ]
        );
    }

    #[test]
    fn text_without_stamps_starts_at_zero() {
        assert_eq!(
            lines(&parse_text("Hello.\r\nMr Smith: Goodbye.\r\n").unwrap()),
            [(0, 0, "Hello.", None), (0, 0, "Goodbye.", Some("Mr Smith"))]
        );
        assert!(parse_text("").unwrap().is_empty());
        assert!(parse_text("# only\n\n").unwrap().is_empty());
    }

    #[test]
    fn verbatim_flag_prefixes_stay_text() {
        let segments =
            parse_text("[01:02:03] (flagged repetition, not speech) Security Lead: A <b> & c\n")
                .unwrap();
        assert_eq!(
            lines(&segments),
            [(
                3_723_000,
                3_723_000,
                "(flagged repetition, not speech) Security Lead: A <b> & c",
                None
            )]
        );
    }

    #[test]
    fn impossible_stamps_are_errors_on_their_line() {
        let problem = parse_text("# x\n[00:00:01] a\n[00:99:00] b\n").unwrap_err();
        assert_eq!(problem, Problem::new(3, "unknown timestamp [00:99:00]"));
        assert_eq!(parse_text("[1:2:3:4] x").unwrap_err().line, 1);
        assert_eq!(
            parse_text("\n[99999999999999999999:00:00] x")
                .unwrap_err()
                .line,
            2
        );
        assert_eq!(parse_text("[:] x").unwrap_err().line, 1);
    }
}
