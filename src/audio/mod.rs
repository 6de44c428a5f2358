//! Audio in: decode any common container (WAV, MP3, FLAC, OGG/Vorbis, M4A/AAC) with symphonia,
//! downmix to mono and resample to the 16 kHz Whisper needs with rubato, streaming packet by
//! packet so that memory grows only with the 16 kHz output, never with the source.

mod resample;
pub mod vad;

use std::fs::File;
use std::io::ErrorKind;
use std::path::Path;

use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::{DecoderOptions, CODEC_TYPE_NULL};
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

/// File extensions treated as audio when a folder is walked.
const AUDIO_EXTENSIONS: &[&str] = &[
    "wav", "wave", "mp3", "flac", "ogg", "oga", "opus", "m4a", "mp4", "aac", "aif", "aiff", "caf",
    "mkv", "webm",
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
    let audio = DecodedAudio {
        samples,
        source,
        tagged_date,
        channels,
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
    let codec_name = symphonia::default::get_codecs()
        .get_codec(params.codec)
        .map(|d| d.short_name.to_string());
    let mut decoder = symphonia::default::get_codecs()
        .make(&params, &DecoderOptions::default())
        .map_err(|e| Error::UnsupportedCodec {
            path: path.into(),
            codec: codec_name
                .clone()
                .unwrap_or_else(|| format!("codec id {}: {e}", params.codec)),
        })?;

    let mut sample_rate = params.sample_rate.unwrap_or(0);
    let mut channels = params.channels.map(|c| c.count()).unwrap_or(0);
    let mut resampler: Option<Resampler16k> = None;
    // with keep_channels and 2+ channels: one resampler and output per channel
    let mut channel_resamplers: Vec<Resampler16k> = Vec::new();
    let mut channel_outputs: Vec<Vec<f32>> = Vec::new();
    let mut channel_buffer = Vec::new();
    let mut buffer: Option<SampleBuffer<f32>> = None;
    let mut mono = Vec::new();
    let mut output = Vec::new();
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
        if resampler.is_none() {
            sample_rate = spec.rate;
            channels = spec.channels.count();
            let make = || {
                Resampler16k::new(sample_rate).map_err(|reason| Error::Decode {
                    path: path.into(),
                    reason,
                })
            };
            resampler = Some(make()?);
            if keep_channels && channels > 1 {
                for _ in 0..channels {
                    channel_resamplers.push(make()?);
                    channel_outputs.push(Vec::new());
                }
            }
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
        mono.clear();
        mono.extend(
            interleaved
                .chunks_exact(channel_count)
                .map(|frame| frame.iter().sum::<f32>() / channel_count as f32),
        );
        resampler
            .as_mut()
            .expect("resampler was just made")
            .push(&mono, &mut output);
        if channel_resamplers.len() == channel_count {
            for (c, (r, out)) in channel_resamplers
                .iter_mut()
                .zip(channel_outputs.iter_mut())
                .enumerate()
            {
                channel_buffer.clear();
                channel_buffer.extend(interleaved.iter().skip(c).step_by(channel_count));
                r.push(&channel_buffer, out);
            }
        }
    }
    let Some(mut resampler) = resampler else {
        return Err(Error::Decode {
            path: path.into(),
            reason: if truncated {
                "the file ends before its first audio frame".into()
            } else {
                "no audio frames in the file".into()
            },
        });
    };
    resampler.finish(&mut output);
    for (r, out) in channel_resamplers
        .iter_mut()
        .zip(channel_outputs.iter_mut())
    {
        r.finish(out);
        out.resize(output.len(), 0.0);
    }
    if let Some(expected) = params.n_frames {
        if frames_decoded + 1 < expected {
            truncated = true;
        }
    }
    let source = SourceAudio {
        codec: codec_name.unwrap_or_else(|| "unknown".into()),
        sample_rate,
        channels: channels as u16,
        truncated,
    };
    Ok((output, channel_outputs, source))
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
    }
}
