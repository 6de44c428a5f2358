//! The data verbatim keeps: recordings with their provenance, transcripts made of segments and
//! words. These types are what the store writes as JSON, so field names are a stable contract.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");

/// Below this speaker confidence a word's attribution is flagged (`uncertain_speaker` on claims).
pub const LOW_SPEAKER_CONFIDENCE: f32 = 0.6;

/// One word as Whisper heard it, with its own timing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Word {
    /// The word as written, with its punctuation, without surrounding spaces.
    pub text: String,
    /// Start, in milliseconds from the beginning of the recording.
    pub start_ms: u64,
    /// End, in milliseconds from the beginning of the recording.
    pub end_ms: u64,
    /// Mean probability of the word's tokens (0..1).
    pub probability: f32,
    /// How sure diarization is that the segment's speaker said this word (0..1); none when
    /// speakers were not attributed by voice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker_confidence: Option<f32>,
}

/// A stretch of time in a recording, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// Start, in milliseconds from the beginning of the recording.
    pub start_ms: u64,
    /// End, in milliseconds from the beginning of the recording.
    pub end_ms: u64,
}

impl Span {
    /// Length in milliseconds.
    pub fn duration_ms(&self) -> u64 {
        self.end_ms.saturating_sub(self.start_ms)
    }

    /// Milliseconds shared with another span.
    pub fn overlap_ms(&self, other: &Span) -> u64 {
        self.end_ms
            .min(other.end_ms)
            .saturating_sub(self.start_ms.max(other.start_ms))
    }
}

/// Why a segment must not be cited as speech as it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SegmentFlag {
    /// Speech was detected here but Whisper gave no words, even on retry: the text is a
    /// placeholder (`[unintelligible 00:41:10-00:41:16]`) so readers know audio is there.
    Gap,
    /// The text repeats itself like a Whisper hallucination loop; kept for review only.
    Repetition,
    /// Whisper wrote text where the voice detector heard no speech; kept for review only.
    OutsideSpeech,
}

/// A stretch of speech: Whisper's segment, or a cue of an imported transcript.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// Position in the transcript, from 0.
    pub index: usize,
    /// Start, in milliseconds from the beginning of the recording.
    pub start_ms: u64,
    /// End, in milliseconds from the beginning of the recording.
    pub end_ms: u64,
    /// The text, trimmed.
    pub text: String,
    /// The speaker's label, where known: the name users gave, else the diarized speaker's id,
    /// else the label an imported transcript came with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
    /// The diarized speaker's stable id in the store (`S3`), which renames and merges follow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker_id: Option<String>,
    /// The words with their timings (empty for imported cues without word timing).
    #[serde(default)]
    pub words: Vec<Word>,
    /// Whisper's probability that the segment holds no speech.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_speech_probability: Option<f32>,
    /// Warnings; a flagged segment is never quoted as speech.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<SegmentFlag>,
    /// The language Whisper transcribed it in (ISO 639-1), when detected per stretch of speech
    /// (`--language auto` with a multilingual model); else the transcript's language holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

impl Segment {
    /// A speech segment spanning `words`, its text their texts joined by spaces (for tests).
    #[cfg(test)]
    pub(crate) fn of_words(index: usize, words: Vec<Word>) -> Segment {
        Segment {
            index,
            start_ms: words.first().map_or(0, |w| w.start_ms),
            end_ms: words.last().map_or(0, |w| w.end_ms),
            text: words
                .iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            speaker: None,
            speaker_id: None,
            words,
            no_speech_probability: None,
            flags: Vec::new(),
            language: None,
        }
    }

    /// True when the segment is speech that may be quoted (no flag).
    pub fn is_speech(&self) -> bool {
        self.flags.is_empty()
    }

    /// The segment's time span.
    pub fn span(&self) -> Span {
        Span {
            start_ms: self.start_ms,
            end_ms: self.end_ms,
        }
    }
}

/// A whole transcript of one recording.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    /// SHA-256 (hex) of the source file this transcript is of.
    pub sha256: String,
    /// The language spoken (ISO 639-1), as detected or given.
    pub language: String,
    /// The segments in time order.
    pub segments: Vec<Segment>,
    /// Voice activity too faint or brief to be sure of speech, in which Whisper heard no
    /// words even on retry: listed so that no possible speech goes unreported, but not
    /// marked as an unintelligible gap. Empty for imports and older transcripts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub faint_activity: Vec<Span>,
}

/// Where a recording's date came from, in order of precedence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateSource {
    /// Given on the command line (`--date`).
    Argument,
    /// An ISO date (YYYY-MM-DD) in the file name.
    FileName,
    /// The container's creation-date tag.
    ContainerTag,
    /// No date could be found; never guessed from the file's mtime.
    Unknown,
}

/// The Whisper model a transcript was made with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    /// The model's name (`tiny.en`, `base`, or the file stem).
    pub name: String,
    /// SHA-256 (hex) of the ggml model file.
    pub sha256: String,
}

/// How the audio was decoded, as found in the source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceAudio {
    /// The codec, as symphonia names it.
    pub codec: String,
    /// The source's sample rate in Hz.
    pub sample_rate: u32,
    /// The source's channel count.
    pub channels: u16,
    /// True when the stream ended early (a truncated file); what was decoded is kept.
    #[serde(default)]
    pub truncated: bool,
    /// What decoded it: "symphonia 0.5", "symphonia 0.5 + libopus 1.5.2" or "ffmpeg 6.1.1-...";
    /// empty in transcripts stored before this was recorded, and for imported transcripts.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub decoder: String,
}

/// The settings a transcript was made with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TranscribeSettings {
    /// Language asked for (`auto` to detect).
    pub language: String,
    /// Whether speech was translated to English.
    pub translate: bool,
    /// Threads Whisper used.
    pub threads: usize,
    /// Decoding strategy, e.g. `greedy`.
    pub strategy: String,
    /// The sample rate fed to Whisper (always 16000) and the resampler used.
    pub resampler: String,
    /// Where word times come from (`dtw (...)` or `token timestamps`).
    #[serde(default)]
    pub word_times: String,
    /// The voice activity detector and its settings, or `off`.
    #[serde(default)]
    pub vad: String,
    /// The characters Chinese speech was written in (`simplified`, `traditional`, `as-spoken`);
    /// absent for English-only models and transcripts made before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chinese_script: Option<String>,
    /// The second voice detector that confirmed the speech under each gap marker, when one
    /// did (absent before it was used, and with `--no-vad`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gap_check: Option<String>,
}

/// What a recording's transcript was made from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum SourceKind {
    /// Audio transcribed by verbatim.
    #[default]
    Audio,
    /// A transcript made elsewhere and imported; the hash is of the transcript file.
    ImportedTranscript {
        /// The format it was read as (`srt`, `vtt`, `whisper.cpp`, `whisperx`, `text`).
        format: String,
        /// The text encoding it was read in, when not plain UTF-8 (`UTF-16LE`, `windows-1252`,
        /// ...): a byte-order mark, `--encoding`, or the Windows-1252 fallback said so.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        encoding: Option<String>,
    },
}

/// One recording in the evidence store, with everything needed to cite it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recording {
    /// The file name the recording was ingested under (e.g. `2021-09-14 standup.wav`).
    pub name: String,
    /// The path it was read from, as given.
    pub source_path: String,
    /// Audio transcribed here, or a transcript imported.
    #[serde(default)]
    pub source: SourceKind,
    /// Size of the source in bytes.
    pub size_bytes: u64,
    /// SHA-256 (hex) of the source file's bytes: the recording's identity.
    pub sha256: String,
    /// The recording date, where known.
    #[serde(with = "iso_date::option")]
    pub recording_date: Option<Date>,
    /// Where the recording date came from.
    pub date_source: DateSource,
    /// Duration of the decoded audio in milliseconds.
    pub duration_ms: u64,
    /// How the source's audio was laid out (none for imported transcripts).
    pub audio: Option<SourceAudio>,
    /// The model used (none for imported transcripts).
    pub model: Option<ModelInfo>,
    /// The transcription settings (none for imported transcripts).
    pub settings: Option<TranscribeSettings>,
    /// The verbatim version that ingested it.
    pub verbatim_version: String,
    /// When it was ingested (UTC).
    #[serde(with = "time::serde::rfc3339")]
    pub ingested_at: OffsetDateTime,
    /// Number of segments in the stored transcript.
    pub segment_count: usize,
    /// How speakers were attributed (none: not by voice, e.g. an imported transcript).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diarization: Option<DiarizationInfo>,
    /// The machine and process that transcribed it (`host:pid`), when a `verbatim worker` did
    /// (none: this machine's `ingest`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcribed_by: Option<String>,
}

/// How a recording's speakers were attributed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiarizationInfo {
    /// The voice model (`resemblyzer-0.1.4 GE2E`).
    pub model: String,
    /// SHA-256 of its weights file.
    pub model_sha256: String,
    /// The second voice model that settled who is one person: with `--voiceprints`, which
    /// clusters are one person; by default (when installed), whether the recording holds one
    /// voice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voiceprint_model: Option<String>,
    /// SHA-256 of its weights file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voiceprint_sha256: Option<String>,
    /// The method and its settings, or `channels` for one speaker per channel.
    pub method: String,
    /// Speakers found.
    pub speakers: usize,
    /// What the user should know about how the settings met this recording (`--speakers 30`
    /// on a short clip, `--channels` on a mono file), printed on the ingest line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Recording {
    /// The first 12 hex digits of the source hash, enough to name a recording.
    pub fn short_hash(&self) -> &str {
        &self.sha256[..self.sha256.len().min(12)]
    }

    /// The file name without its extension.
    pub fn stem(&self) -> &str {
        std::path::Path::new(&self.name)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or(&self.name)
    }
}

/// Formats milliseconds as `hh:mm:ss`.
pub fn hms(ms: u64) -> String {
    let secs = ms / 1000;
    format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

/// Parses `YYYY-MM-DD` into a date.
pub fn parse_iso_date(text: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text, format).ok()
}

impl crate::sentence::TimedWord for &Word {
    fn text(&self) -> &str {
        self.text.trim()
    }
    fn start_ms(&self) -> u64 {
        self.start_ms
    }
    fn end_ms(&self) -> u64 {
        self.end_ms
    }
}

impl Recording {
    /// A stand-in recording for sentences that come with no recording (labelled sentences
    /// scored by [`crate::claims::kinds_of`]): an imported, undated transcript.
    pub fn labelled_sentences() -> Recording {
        Recording {
            name: "labelled sentences".into(),
            source_path: String::new(),
            size_bytes: 0,
            sha256: "0".repeat(64),
            recording_date: None,
            date_source: DateSource::Unknown,
            duration_ms: 0,
            source: SourceKind::ImportedTranscript {
                format: "text".into(),
                encoding: None,
            },
            audio: None,
            model: None,
            settings: None,
            verbatim_version: crate::VERSION.into(),
            ingested_at: time::OffsetDateTime::UNIX_EPOCH,
            segment_count: 0,
            diarization: None,
            transcribed_by: None,
        }
    }
}

/// A recording with fixed provenance, for unit tests.
#[cfg(test)]
pub(crate) fn sample_recording(name: &str, sha256: &str) -> Recording {
    Recording {
        name: name.into(),
        source_path: format!("in/{name}"),
        size_bytes: 10,
        sha256: sha256.into(),
        recording_date: None,
        date_source: DateSource::Unknown,
        duration_ms: 1000,
        source: SourceKind::Audio,
        audio: Some(SourceAudio {
            codec: "pcm_s16le".into(),
            sample_rate: 16000,
            channels: 1,
            truncated: false,
            decoder: "symphonia 0.5".into(),
        }),
        model: Some(ModelInfo {
            name: "tiny.en".into(),
            sha256: "00".into(),
        }),
        settings: Some(TranscribeSettings {
            language: "en".into(),
            translate: false,
            threads: 2,
            strategy: "greedy".into(),
            resampler: "none".into(),
            word_times: "token timestamps".into(),
            vad: "off".into(),
            chinese_script: None,
            gap_check: None,
        }),
        verbatim_version: crate::VERSION.into(),
        ingested_at: time::OffsetDateTime::UNIX_EPOCH,
        segment_count: 0,
        diarization: None,
        transcribed_by: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hms_formats_hours_minutes_seconds() {
        assert_eq!(hms(0), "00:00:00");
        assert_eq!(hms(83_999), "00:01:23");
        assert_eq!(hms(36_000_000 + 61_000), "10:01:01");
    }

    #[test]
    fn iso_dates_parse_and_reject_nonsense() {
        assert_eq!(
            parse_iso_date("2021-09-14"),
            Some(time::macros::date!(2021 - 09 - 14))
        );
        assert_eq!(parse_iso_date("2021-13-01"), None);
        assert_eq!(parse_iso_date("14/09/2021"), None);
    }
}
