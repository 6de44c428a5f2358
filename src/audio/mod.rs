//! Audio in: decode any common container (WAV, MP3, FLAC, Ogg, WebM/MKV, MP4/M4A/MOV/3GP, CAF,
//! AIFF; PCM, MP3, AAC, ALAC, FLAC, Vorbis and Opus) with symphonia, Opus through libopus
//! ([`opus`]), and everything else ffmpeg reads (WMA, AMR, AVI, GSM WAV, ...) through the
//! system's `ffmpeg` ([`ffmpeg`]); downmix to mono and resample to the 16 kHz Whisper needs with
//! rubato, streaming packet by packet so that memory grows only with the 16 kHz output, never
//! with the source. Provenance records which decoder read each file.

pub mod ffmpeg;
pub mod opus;
mod resample;
pub mod silero;
pub mod vad;

use std::fs::File;
use std::io::{ErrorKind, Read};
use std::path::Path;

use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::{
    CodecType, DecoderOptions, CODEC_TYPE_AAC, CODEC_TYPE_NULL, CODEC_TYPE_OPUS,
};
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::{FormatOptions, FormatReader};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::{MetadataOptions, MetadataRevision, StandardTagKey};
use symphonia::core::probe::Hint;
use time::Date;

use crate::error::{Error, Result};
use crate::model::{parse_iso_date, SourceAudio};
pub use resample::Resampler16k;

/// The sample rate Whisper works at.
pub const WHISPER_SAMPLE_RATE: u32 = crate::dsp::SAMPLE_RATE;

/// Recordings shorter than this cannot hold a word and are refused.
const MINIMUM_DURATION_MS: u64 = 100;

/// File extensions treated as recordings when a folder is walked: the audio and video
/// containers recordings arrive in (phones, voice notes, dictaphones, meeting and screen
/// recorders, cameras, broadcast). A file named on the command line is tried whatever its name.
const AUDIO_EXTENSIONS: &[&str] = &[
    // audio
    "wav", "wave", "bwf", "rf64", "w64", "mp3", "mp2", "mpga", "flac", "ogg", "oga", "opus", "spx",
    "m4a", "m4b", "aac", "adts", "aif", "aiff", "aifc", "caf", "wma", "amr", "awb", "3ga", "ac3",
    "eac3", "dts", "au", "snd", "voc", "mka", "weba", "wv", "ape", "tta", "ra", "gsm", "dss",
    "qcp", // video
    "mp4", "m4v", "mov", "qt", "3gp", "3g2", "mkv", "webm", "avi", "wmv", "asf", "flv", "f4v",
    "mpg", "mpeg", "vob", "ts", "mts", "m2ts", "mxf", "ogv", "rm", "rmvb", "dv",
];

/// Decoded audio, ready for Whisper.
#[derive(Debug)]
pub struct DecodedAudio {
    /// Mono samples at 16 kHz in -1..1.
    pub samples: Vec<f32>,
    /// How the source was laid out.
    pub source: SourceAudio,
    /// A creation/recording date found in the container's tags.
    pub tagged_date: Option<Date>,
    /// Each channel on its own at 16 kHz, when asked for ([`decode_file_channels`]) and the
    /// source has more than one; else empty.
    pub channels: Vec<Vec<f32>>,
}

impl DecodedAudio {
    /// Duration of the 16 kHz samples in milliseconds.
    pub fn duration_ms(&self) -> u64 {
        self.samples.len() as u64 * 1000 / u64::from(WHISPER_SAMPLE_RATE)
    }
}

/// True when the path's extension names a container verbatim reads.
pub fn has_audio_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .map(|e| AUDIO_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        .unwrap_or(false)
}

/// Decodes a file to 16 kHz mono. Errors name the file and say what is wrong with it: empty,
/// not audio, truncated header, unsupported codec, or too short to hold speech.
pub fn decode_file(path: &Path) -> Result<DecodedAudio> {
    decode(path, false)
}

/// Like [`decode_file`], also keeping each channel of a multi-channel source on its own (for
/// attributing speakers per channel).
pub fn decode_file_channels(path: &Path) -> Result<DecodedAudio> {
    decode(path, true)
}

fn decode(path: &Path, keep_channels: bool) -> Result<DecodedAudio> {
    let audio = match decode_symphonia(path, keep_channels) {
        Err(error) if ffmpeg_may_read(&error) => decode_ffmpeg(path, keep_channels, error)?,
        other => other?,
    };
    if audio.duration_ms() < MINIMUM_DURATION_MS {
        return Err(Error::TooShort {
            path: path.into(),
            duration_ms: audio.duration_ms(),
            minimum_ms: MINIMUM_DURATION_MS,
        });
    }
    Ok(audio)
}

/// Whether symphonia's failure is one that ffmpeg may get past: a container or codec it does not
/// know, or a stream it could not start. An empty, missing or unreadable file is not.
fn ffmpeg_may_read(error: &Error) -> bool {
    matches!(
        error,
        Error::NotAudio { .. } | Error::UnsupportedCodec { .. } | Error::Decode { .. }
    )
}

/// The fallback through ffmpeg, after symphonia failed with `first`. Without ffmpeg: `first`,
/// worded for what the file is when its bytes say (a WMA, an AVI, ...), and how to get ffmpeg.
fn decode_ffmpeg(path: &Path, keep_channels: bool, first: Error) -> Result<DecodedAudio> {
    let sniffed = sniff(path);
    let Some(ffmpeg) = ffmpeg::find() else {
        let what = match (&first, sniffed) {
            (Error::UnsupportedCodec { codec, .. }, _) => format!("unsupported codec ({codec})"),
            (_, Some(kind)) => kind.to_string(),
            _ => return Err(first),
        };
        return Err(Error::NeedsFfmpeg {
            path: path.into(),
            what,
        });
    };
    let info = match ffmpeg.probe(path) {
        Ok(info) => info,
        // neither could read it: symphonia's reason is the more exact one
        Err(_) => return Err(first),
    };
    let mut sink = Sink::new(path, info.sample_rate, info.channels, keep_channels)?;
    let truncated = ffmpeg.stream(path, &info, |chunk| {
        sink.push(chunk, info.channels);
        Ok(())
    })?;
    let (samples, channels) = sink.finish();
    Ok(DecodedAudio {
        samples,
        source: SourceAudio {
            codec: info.codec,
            sample_rate: info.sample_rate,
            channels: info.channels as u16,
            truncated,
            decoder: ffmpeg.version.clone(),
        },
        tagged_date: info
            .date
            .as_deref()
            .and_then(|d| d.get(..10))
            .and_then(parse_iso_date),
        channels,
    })
}

/// What a file is, from its first bytes, for the containers only ffmpeg reads.
fn sniff(path: &Path) -> Option<&'static str> {
    let mut head = [0u8; 16];
    let n = File::open(path).and_then(|mut f| f.read(&mut head)).ok()?;
    let head = &head[..n];
    const ASF: [u8; 8] = [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11];
    if head.starts_with(&ASF) {
        Some("a Windows Media (ASF: WMA/WMV) file")
    } else if head.starts_with(b"#!AMR") {
        Some("an AMR voice recording")
    } else if head.starts_with(b"RIFF") && head.get(8..12) == Some(b"AVI ") {
        Some("an AVI video")
    } else if head.starts_with(b"FLV") {
        Some("a Flash video (FLV)")
    } else if head.starts_with(b".RMF") {
        Some("a RealMedia file")
    } else if head.starts_with(&[0, 0, 1, 0xba]) {
        Some("an MPEG program stream")
    } else if head.starts_with(&[0x0b, 0x77]) {
        Some("an AC-3 (Dolby Digital) stream")
    } else {
        None
    }
}

fn decode_symphonia(path: &Path, keep_channels: bool) -> Result<DecodedAudio> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let size = file.metadata().map_err(|e| Error::io(path, e))?.len();
    if size == 0 {
        return Err(Error::EmptyFile { path: path.into() });
    }
    let stream = MediaSourceStream::new(Box::new(file), Default::default());
    let mut hint = Hint::new();
    if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
        hint.with_extension(ext);
    }
    let format_options = FormatOptions {
        enable_gapless: true,
        ..Default::default()
    };
    let mut probed = symphonia::default::get_probe()
        .format(&hint, stream, &format_options, &MetadataOptions::default())
        .map_err(|e| probe_error(path, e))?;

    // Tags may sit before the container (ID3v2) or inside it.
    let mut tagged_date = probed
        .metadata
        .get()
        .as_ref()
        .and_then(|m| m.current().and_then(date_from_tags));
    let mut format = probed.format;
    if tagged_date.is_none() {
        tagged_date = format.metadata().current().and_then(date_from_tags);
    }
    let (samples, channels, source) = decode_track(path, format.as_mut(), keep_channels)?;
    Ok(DecodedAudio {
        samples,
        source,
        tagged_date,
        channels,
    })
}

fn probe_error(path: &Path, error: SymphoniaError) -> Error {
    let reason = match error {
        SymphoniaError::IoError(e) if e.kind() == ErrorKind::UnexpectedEof => {
            "truncated header: the file ends before its audio starts".to_string()
        }
        SymphoniaError::Unsupported(what) if what.contains("no suitable format reader") => {
            "no known container format found in its bytes".to_string()
        }
        SymphoniaError::Unsupported(what) if names_a_codec(what) => {
            return Error::UnsupportedCodec {
                path: path.into(),
                codec: what.to_string(),
            }
        }
        other => other.to_string(),
    };
    Error::NotAudio {
        path: path.into(),
        reason,
    }
}

/// Mono (and, when kept, each channel) resampled to 16 kHz as interleaved chunks arrive.
struct Sink {
    resampler: Resampler16k,
    channel_resamplers: Vec<Resampler16k>,
    output: Vec<f32>,
    channel_outputs: Vec<Vec<f32>>,
    mono: Vec<f32>,
    channel_buffer: Vec<f32>,
}

impl Sink {
    /// For `channels` channels at `sample_rate`, keeping each channel when `keep_channels` and
    /// there are 2+.
    fn new(path: &Path, sample_rate: u32, channels: usize, keep_channels: bool) -> Result<Sink> {
        let make = || {
            Resampler16k::new(sample_rate).map_err(|reason| Error::Decode {
                path: path.into(),
                reason,
            })
        };
        let per_channel = if keep_channels && channels > 1 {
            channels
        } else {
            0
        };
        Ok(Sink {
            resampler: make()?,
            channel_resamplers: (0..per_channel).map(|_| make()).collect::<Result<_>>()?,
            output: Vec::new(),
            channel_outputs: vec![Vec::new(); per_channel],
            mono: Vec::new(),
            channel_buffer: Vec::new(),
        })
    }

    fn push(&mut self, interleaved: &[f32], channel_count: usize) {
        let channel_count = channel_count.max(1);
        self.mono.clear();
        self.mono.extend(
            interleaved
                .chunks_exact(channel_count)
                .map(|frame| frame.iter().sum::<f32>() / channel_count as f32),
        );
        self.resampler.push(&self.mono, &mut self.output);
        if self.channel_resamplers.len() == channel_count {
            for (c, (r, out)) in self
                .channel_resamplers
                .iter_mut()
                .zip(self.channel_outputs.iter_mut())
                .enumerate()
            {
                self.channel_buffer.clear();
                self.channel_buffer
                    .extend(interleaved.iter().skip(c).step_by(channel_count));
                r.push(&self.channel_buffer, out);
            }
        }
    }

    /// The 16 kHz mono samples and the channels kept (each as long as the mono).
    fn finish(mut self) -> (Vec<f32>, Vec<Vec<f32>>) {
        self.resampler.finish(&mut self.output);
        for (r, out) in self
            .channel_resamplers
            .iter_mut()
            .zip(self.channel_outputs.iter_mut())
        {
            r.finish(out);
            out.resize(self.output.len(), 0.0);
        }
        (self.output, self.channel_outputs)
    }
}

/// "symphonia 0.5", with libopus's version for Opus: for provenance.
fn symphonia_decoder(codec: CodecType) -> String {
    if codec == CODEC_TYPE_OPUS {
        format!("symphonia 0.5 + {}", ::opus::version())
    } else {
        "symphonia 0.5".into()
    }
}

/// Decodes the first audio track, downmixing and resampling as packets arrive.
fn decode_track(
    path: &Path,
    format: &mut dyn FormatReader,
    keep_channels: bool,
) -> Result<(Vec<f32>, Vec<Vec<f32>>, SourceAudio)> {
    let track = format
        .tracks()
        .iter()
        .find(|t| t.codec_params.codec != CODEC_TYPE_NULL)
        .ok_or_else(|| Error::NotAudio {
            path: path.into(),
            reason: "the container holds no audio track".into(),
        })?;
    let track_id = track.id;
    let params = track.codec_params.clone();
    let codec_name = opus::codecs()
        .get_codec(params.codec)
        .map(|d| d.short_name.to_string());
    let mut decoder = opus::codecs()
        .make(&params, &DecoderOptions::default())
        .map_err(|e| Error::UnsupportedCodec {
            path: path.into(),
            codec: codec_name
                .clone()
                .or_else(|| codec_in_words(params.codec).map(str::to_string))
                .unwrap_or_else(|| format!("codec id {}: {e}", params.codec)),
        })?;

    let mut sample_rate = params.sample_rate.unwrap_or(0);
    let mut channels = params.channels.map(|c| c.count()).unwrap_or(0);
    let mut sink: Option<Sink> = None;
    let mut buffer: Option<SampleBuffer<f32>> = None;
    let mut truncated = false;
    let mut frames_decoded: u64 = 0;
    let mut bad_packets = 0usize;

    loop {
        let packet = match format.next_packet() {
            Ok(packet) => packet,
            Err(SymphoniaError::IoError(e)) if e.kind() == ErrorKind::UnexpectedEof => break,
            Err(SymphoniaError::ResetRequired) => break,
            Err(e) => {
                // A damaged container part-way: keep what was decoded, mark it.
                truncated = true;
                if frames_decoded == 0 {
                    return Err(Error::Decode {
                        path: path.into(),
                        reason: e.to_string(),
                    });
                }
                break;
            }
        };
        if packet.track_id() != track_id {
            continue;
        }
        let decoded = match decoder.decode(&packet) {
            Ok(decoded) => decoded,
            Err(SymphoniaError::DecodeError(_)) => {
                // A corrupt frame is skipped, as every player does; many in a row is fatal.
                bad_packets += 1;
                if bad_packets > 100 && frames_decoded == 0 {
                    return Err(Error::Decode {
                        path: path.into(),
                        reason: "no decodable audio frame in the first 100 packets".into(),
                    });
                }
                continue;
            }
            Err(SymphoniaError::IoError(_)) => {
                truncated = true;
                break;
            }
            Err(e) => {
                return Err(Error::Decode {
                    path: path.into(),
                    reason: format!("at {} ms: {e}", frames_to_ms(frames_decoded, sample_rate)),
                })
            }
        };
        let spec = *decoded.spec();
        if decoded.frames() == 0 {
            continue;
        }
        if sink.is_none() {
            sample_rate = spec.rate;
            channels = spec.channels.count();
            sink = Some(Sink::new(path, sample_rate, channels, keep_channels)?);
        }
        let needed = decoded.capacity() as u64;
        if buffer.as_ref().map(|b| b.capacity() as u64) < Some(needed) {
            buffer = Some(SampleBuffer::new(needed, spec));
        }
        let buf = buffer.as_mut().expect("buffer was just made");
        buf.copy_interleaved_ref(decoded);
        let interleaved = buf.samples();
        let channel_count = spec.channels.count().max(1);
        frames_decoded += (interleaved.len() / channel_count) as u64;
        sink.as_mut()
            .expect("sink was just made")
            .push(interleaved, channel_count);
    }
    let Some(sink) = sink else {
        return Err(Error::Decode {
            path: path.into(),
            reason: if truncated {
                "the file ends before its first audio frame".into()
            } else {
                "no audio frames in the file".into()
            },
        });
    };
    let (output, channel_outputs) = sink.finish();
    // raw ADTS AAC states no length: symphonia estimates one from the file's size and the first
    // frame, which a whole VBR file can fall short of, and a cut file matches
    let stated = params
        .n_frames
        .filter(|_| !(params.codec == CODEC_TYPE_AAC && is_adts(path)));
    if let Some(expected) = stated {
        if frames_decoded + short_by_allowed(expected) < expected {
            truncated = true;
        }
    }
    let source = SourceAudio {
        codec: codec_name.unwrap_or_else(|| "unknown".into()),
        sample_rate,
        channels: channels as u16,
        truncated,
        decoder: symphonia_decoder(params.codec),
    };
    Ok((output, channel_outputs, source))
}

/// Whether the file is raw ADTS AAC (an `.aac` file): by its name, or an ADTS sync word first.
fn is_adts(path: &Path) -> bool {
    let named = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("aac") || e.eq_ignore_ascii_case("adts"));
    let mut head = [0u8; 2];
    let synced = File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok()
        && head[0] == 0xff
        && head[1] & 0xf6 == 0xf0;
    named || synced
}

/// How many frames short of a container's stated length a whole file may still decode: one
/// frame, plus slack for lengths that are estimates rather than counts (an MP3 without a Xing
/// header, gapless trims): 0.5% of the length, at most 8,192 frames (0.2 s at 44.1 kHz). A file
/// short by more than that is truncated.
fn short_by_allowed(expected: u64) -> u64 {
    1 + (expected / 200).min(8_192)
}

/// Codecs symphonia names but does not decode, in words.
fn codec_in_words(codec: CodecType) -> Option<&'static str> {
    use symphonia::core::codecs::*;
    Some(match codec {
        CODEC_TYPE_OPUS => "Opus",
        CODEC_TYPE_WAVPACK => "WavPack",
        CODEC_TYPE_MONKEYS_AUDIO => "Monkey's Audio",
        CODEC_TYPE_TTA => "True Audio",
        CODEC_TYPE_SPEEX => "Speex",
        CODEC_TYPE_MUSEPACK => "Musepack",
        CODEC_TYPE_EAC3 => "E-AC-3 (Dolby Digital Plus)",
        CODEC_TYPE_AC4 => "AC-4",
        CODEC_TYPE_DCA => "DTS",
        CODEC_TYPE_ATRAC1 | CODEC_TYPE_ATRAC3 | CODEC_TYPE_ATRAC3PLUS | CODEC_TYPE_ATRAC9 => {
            "ATRAC (Sony)"
        }
        CODEC_TYPE_WMA => "Windows Media Audio",
        CODEC_TYPE_ADPCM_G722 => "G.722",
        CODEC_TYPE_ADPCM_G726 | CODEC_TYPE_ADPCM_G726LE => "G.726",
        _ => return None,
    })
}

/// Whether symphonia's "unsupported" message is about the codec inside a known container
/// (rather than bytes that only look like the container).
fn names_a_codec(message: &str) -> bool {
    [
        "codec",
        "wave format",
        "format tag",
        "sample format",
        "bits per",
    ]
    .iter()
    .any(|needle| message.contains(needle))
}

fn frames_to_ms(frames: u64, sample_rate: u32) -> u64 {
    if sample_rate == 0 {
        0
    } else {
        frames * 1000 / u64::from(sample_rate)
    }
}

/// The first tag that holds an ISO date (creation, recording or plain date).
fn date_from_tags(revision: &MetadataRevision) -> Option<Date> {
    revision.tags().iter().find_map(|tag| {
        let dated = matches!(
            tag.std_key,
            Some(StandardTagKey::Date) | Some(StandardTagKey::OriginalDate)
        ) || tag.key.eq_ignore_ascii_case("creation_time")
            || tag.key.eq_ignore_ascii_case("date");
        if !dated {
            return None;
        }
        let text = tag.value.to_string();
        text.get(..10).and_then(parse_iso_date)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audio_extensions_are_case_insensitive() {
        assert!(has_audio_extension(Path::new("a/2021-09-14 standup.WAV")));
        assert!(has_audio_extension(Path::new("call.m4a")));
        assert!(!has_audio_extension(Path::new("notes.txt")));
        assert!(!has_audio_extension(Path::new("no_extension")));
        // what leaks arrive as: voice notes, phone and camera video, Windows recorders
        for name in [
            "a.mov", "a.3gp", "a.wma", "a.avi", "a.mkv", "a.webm", "a.opus", "a.amr", "a.MP4",
        ] {
            assert!(has_audio_extension(Path::new(name)), "{name}");
        }
        for name in ["a.pdf", "a.docx", "a.jpg", "a.srt"] {
            assert!(!has_audio_extension(Path::new(name)), "{name}");
        }
    }

    #[test]
    fn containers_only_ffmpeg_reads_are_named_by_their_first_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, bytes: &[u8]| {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            path
        };
        let asf = [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11, 0xa6, 0xd9];
        assert_eq!(
            sniff(&write("call.bin", &asf)),
            Some("a Windows Media (ASF: WMA/WMV) file")
        );
        assert_eq!(
            sniff(&write("memo", b"#!AMR\n\x3c")),
            Some("an AMR voice recording")
        );
        assert_eq!(
            sniff(&write("clip", b"RIFF\x00\x10\x00\x00AVI LIST")),
            Some("an AVI video")
        );
        assert_eq!(
            sniff(&write("x.wav", b"RIFF\x00\x10\x00\x00WAVEfmt ")),
            None
        );
        assert_eq!(sniff(&write("empty", b"")), None);
        // raw ADTS AAC is known by its sync word whatever its name
        assert!(is_adts(&write("voice.m4a", &[0xff, 0xf1, 0x50, 0x80])));
        assert!(is_adts(&write("voice.aac", b"ID3")));
        assert!(!is_adts(&write("voice.mp3", &[0xff, 0xfb, 0x90, 0x64])));
    }
}
