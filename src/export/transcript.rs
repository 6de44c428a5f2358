//! Transcripts as plain text with `[hh:mm:ss]` stamps, SubRip, WebVTT or JSON. The text and
//! JSON forms open with the provenance a reader needs to cite the recording.

use std::fmt::Write;
use std::str::FromStr;

use serde::Serialize;

use crate::model::{hms, Recording, Segment, SegmentFlag, SourceKind, Transcript};

/// The formats `verbatim transcript` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TranscriptFormat {
    /// `[hh:mm:ss] Speaker: text` lines under a `#` provenance header.
    Txt,
    /// SubRip subtitles.
    Srt,
    /// WebVTT subtitles, speakers as `<v Name>` voice tags.
    Vtt,
    /// The stored recording and transcript as one JSON object.
    Json,
}

impl FromStr for TranscriptFormat {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        match text.to_ascii_lowercase().as_str() {
            "txt" | "text" => Ok(Self::Txt),
            "srt" => Ok(Self::Srt),
            "vtt" | "webvtt" => Ok(Self::Vtt),
            "json" => Ok(Self::Json),
            other => Err(format!(
                "unknown transcript format {other:?} (txt, srt, vtt, json)"
            )),
        }
    }
}

/// Renders a transcript in the given format.
pub fn render_transcript(
    format: TranscriptFormat,
    recording: &Recording,
    transcript: &Transcript,
) -> String {
    match format {
        TranscriptFormat::Txt => txt(recording, transcript),
        TranscriptFormat::Srt => subtitles(transcript, false),
        TranscriptFormat::Vtt => subtitles(transcript, true),
        TranscriptFormat::Json => {
            #[derive(Serialize)]
            struct Document<'a> {
                recording: &'a Recording,
                transcript: &'a Transcript,
            }
            let mut json = serde_json::to_string_pretty(&Document {
                recording,
                transcript,
            })
            .expect("stored data always serializes");
            json.push('\n');
            json
        }
    }
}

fn txt(recording: &Recording, transcript: &Transcript) -> String {
    let mut out = String::new();
    let date = recording
        .recording_date
        .map_or_else(|| "unknown".to_string(), |d| d.to_string());
    let _ = writeln!(out, "# recording: {}", recording.name);
    let _ = writeln!(out, "# sha256: {}", recording.sha256);
    let _ = writeln!(out, "# recorded: {date}");
    match (&recording.model, &recording.source) {
        (Some(model), _) => {
            let _ = writeln!(out, "# model: {} sha256:{}", model.name, model.sha256);
        }
        (None, SourceKind::ImportedTranscript { format, .. }) => {
            let _ = writeln!(out, "# imported: {format} transcript");
        }
        (None, SourceKind::Audio) => {}
    }
    if !transcript.faint_activity.is_empty() {
        let spans: Vec<String> = transcript
            .faint_activity
            .iter()
            .map(|s| {
                format!(
                    "{} ({:.1} s)",
                    hms(s.start_ms),
                    s.duration_ms() as f64 / 1000.0
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "# faint activity, no words heard, not marked as gaps: {}",
            spans.join(", ")
        );
    }
    for segment in &transcript.segments {
        let warning = match segment.flags.as_slice() {
            [] | [SegmentFlag::Gap] => String::new(),
            flags => format!("(flagged {}, not speech) ", flag_names(flags)),
        };
        let _ = writeln!(
            out,
            "[{}] {warning}{}",
            hms(segment.start_ms),
            spoken(segment)
        );
    }
    out
}

fn flag_names(flags: &[SegmentFlag]) -> String {
    flags
        .iter()
        .map(|f| match f {
            SegmentFlag::Gap => "gap",
            SegmentFlag::Repetition => "repetition",
            SegmentFlag::OutsideSpeech => "outside speech",
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Subtitles carry speech and marked gaps; text flagged as not speech stays out.
fn subtitle_segments(transcript: &Transcript) -> impl Iterator<Item = &Segment> {
    transcript
        .segments
        .iter()
        .filter(|s| s.is_speech() || s.flags == [SegmentFlag::Gap])
}

fn spoken(segment: &Segment) -> String {
    match &segment.speaker {
        Some(speaker) => format!("{speaker}: {}", segment.text),
        None => segment.text.clone(),
    }
}

fn subtitles(transcript: &Transcript, vtt: bool) -> String {
    let mut out = String::new();
    if vtt {
        out.push_str("WEBVTT\n\n");
    }
    for (number, segment) in subtitle_segments(transcript).enumerate() {
        let (start, end) = (
            cue_time(segment.start_ms, vtt),
            cue_time(segment.end_ms, vtt),
        );
        if !vtt {
            let _ = writeln!(out, "{}", number + 1);
        }
        let _ = writeln!(out, "{start} --> {end}");
        let text = if vtt {
            match &segment.speaker {
                Some(speaker) => {
                    format!("<v {}>{}", escape_vtt(speaker), escape_vtt(&segment.text))
                }
                None => escape_vtt(&segment.text),
            }
        } else {
            spoken(segment)
        };
        let _ = writeln!(out, "{text}\n");
    }
    out
}

/// `hh:mm:ss,mmm` (SRT) or `hh:mm:ss.mmm` (VTT).
fn cue_time(ms: u64, vtt: bool) -> String {
    let separator = if vtt { '.' } else { ',' };
    format!("{}{separator}{:03}", hms(ms), ms % 1000)
}

fn escape_vtt(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(start_ms: u64, end_ms: u64, text: &str, speaker: Option<&str>) -> Segment {
        Segment {
            index: 0,
            start_ms,
            end_ms,
            text: text.into(),
            speaker: speaker.map(Into::into),
            speaker_id: None,
            words: vec![],
            no_speech_probability: None,
            flags: vec![],
            language: None,
        }
    }

    fn transcript() -> Transcript {
        Transcript {
            sha256: "ab".into(),
            language: "en".into(),
            segments: vec![
                segment(1_500, 4_250, "You can see everything.", None),
                segment(3_723_004, 3_725_000, "A <b> & c", Some("Security Lead")),
            ],
            faint_activity: Vec::new(),
        }
    }

    #[test]
    fn srt_cues_are_numbered_with_comma_milliseconds() {
        assert_eq!(
            subtitles(&transcript(), false),
            "1\n00:00:01,500 --> 00:00:04,250\nYou can see everything.\n\n\
             2\n01:02:03,004 --> 01:02:05,000\nSecurity Lead: A <b> & c\n\n"
        );
    }

    #[test]
    fn vtt_uses_voice_tags_and_escapes_markup() {
        assert_eq!(
            subtitles(&transcript(), true),
            "WEBVTT\n\n00:00:01.500 --> 00:00:04.250\nYou can see everything.\n\n\
             01:02:03.004 --> 01:02:05.000\n<v Security Lead>A &lt;b&gt; &amp; c\n\n"
        );
    }

    #[test]
    fn flagged_text_is_marked_in_txt_and_left_out_of_subtitles() {
        let mut t = transcript();
        t.segments[1].flags = vec![SegmentFlag::Repetition];
        t.segments.push(Segment {
            flags: vec![SegmentFlag::Gap],
            ..segment(
                5_000_000,
                5_006_000,
                "[unintelligible 01:23:20-01:23:26]",
                None,
            )
        });
        let srt = subtitles(&t, false);
        assert!(!srt.contains("A <b> & c"), "{srt}");
        assert!(
            srt.contains("2\n01:23:20,000 --> 01:23:26,000\n[unintelligible"),
            "{srt}"
        );
        let rec = crate::model::sample_recording("x.wav", "ab");
        let text = txt(&rec, &t);
        assert!(
            text.contains("[01:02:03] (flagged repetition, not speech) Security Lead: A <b> & c\n"),
            "{text}"
        );
        assert!(
            text.contains("[01:23:20] [unintelligible 01:23:20-01:23:26]\n"),
            "{text}"
        );
    }

    #[test]
    fn faint_activity_is_listed_in_the_txt_header() {
        let mut t = transcript();
        let rec = crate::model::sample_recording("x.wav", "ab");
        assert!(!txt(&rec, &t).contains("faint activity"));
        t.faint_activity = vec![crate::model::Span {
            start_ms: 61_000,
            end_ms: 61_456,
        }];
        let text = txt(&rec, &t);
        assert!(
            text.contains(
                "# faint activity, no words heard, not marked as gaps: 00:01:01 (0.5 s)\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn formats_parse_by_name() {
        assert_eq!("SRT".parse::<TranscriptFormat>(), Ok(TranscriptFormat::Srt));
        assert_eq!(
            "webvtt".parse::<TranscriptFormat>(),
            Ok(TranscriptFormat::Vtt)
        );
        assert!("docx".parse::<TranscriptFormat>().is_err());
    }
}
