//! Opus, the codec of WhatsApp and Telegram voice notes and of browser recordings (WebM), as a
//! symphonia decoder: symphonia 0.5 demuxes Opus from Ogg, Matroska/WebM, MP4 and CAF but has no
//! decoder for it, so the packets go to libopus (the `opus` crate, libopus built from source).
//! Decoding is at 48 kHz, Opus's own rate; the caller resamples to 16 kHz like any other source.

use std::sync::Mutex;

use symphonia::core::audio::{AsAudioBufferRef, AudioBuffer, AudioBufferRef, Channels, Signal};
use symphonia::core::audio::{Layout, SignalSpec};
use symphonia::core::codecs::{
    CodecDescriptor, CodecParameters, CodecRegistry, Decoder, DecoderOptions, FinalizeResult,
    CODEC_TYPE_OPUS,
};
use symphonia::core::errors::{decode_error, unsupported_error, Result};
use symphonia::core::formats::Packet;

/// Opus always decodes at 48 kHz.
const RATE: u32 = 48_000;
/// The longest Opus packet: 120 ms at 48 kHz.
const MAX_FRAMES: usize = 5_760;

/// symphonia's default codecs, and Opus.
pub fn codecs() -> &'static CodecRegistry {
    static REGISTRY: std::sync::OnceLock<CodecRegistry> = std::sync::OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut registry = CodecRegistry::new();
        symphonia::default::register_enabled_codecs(&mut registry);
        registry.register_all::<OpusDecoder>();
        registry
    })
}

/// The stream layout an Opus identification header ("OpusHead", RFC 7845 §5.1) gives.
#[derive(Debug, Clone, PartialEq)]
struct Head {
    channels: usize,
    streams: u8,
    coupled: u8,
    mapping: Vec<u8>,
}

impl Head {
    fn parse(header: &[u8]) -> Option<Head> {
        if header.len() < 19 || &header[..8] != b"OpusHead" {
            return None;
        }
        let channels = usize::from(header[9]);
        if channels == 0 {
            return None;
        }
        match header[18] {
            // mono or stereo, one stream
            0 if channels <= 2 => Some(Head {
                channels,
                streams: 1,
                coupled: u8::from(channels == 2),
                mapping: (0..channels as u8).collect(),
            }),
            0 => None,
            _ => {
                let table = header.get(19..21 + channels)?;
                Some(Head {
                    channels,
                    streams: table[0],
                    coupled: table[1],
                    mapping: table[2..].to_vec(),
                })
            }
        }
    }

    /// When a container gives no header (some Matroska files): mono or stereo by channel count.
    fn plain(channels: usize) -> Option<Head> {
        (1..=2).contains(&channels).then(|| Head {
            channels,
            streams: 1,
            coupled: u8::from(channels == 2),
            mapping: (0..channels as u8).collect(),
        })
    }
}

/// A symphonia [`Decoder`] for Opus over libopus.
pub struct OpusDecoder {
    params: CodecParameters,
    channels: usize,
    // libopus's decoder is Send but not Sync; symphonia's decoders must be both.
    decoder: Mutex<opus::MSDecoder>,
    interleaved: Vec<f32>,
    buf: AudioBuffer<f32>,
}

fn layout(channels: usize) -> Channels {
    match channels {
        1 => Layout::Mono.into_channels(),
        2 => Layout::Stereo.into_channels(),
        n => Channels::from_bits_truncate((1u32 << n.min(32)) - 1),
    }
}

impl Decoder for OpusDecoder {
    fn try_new(params: &CodecParameters, _: &DecoderOptions) -> Result<Self> {
        if params.codec != CODEC_TYPE_OPUS {
            return unsupported_error("opus: not an Opus stream");
        }
        let head = match params.extra_data.as_deref() {
            Some(header) => Head::parse(header),
            None => Head::plain(params.channels.map_or(0, |c| c.count())),
        };
        let Some(head) = head else {
            return unsupported_error("opus: unreadable OpusHead header");
        };
        let decoder = match opus::MSDecoder::new(RATE, head.streams, head.coupled, &head.mapping) {
            Ok(decoder) => decoder,
            Err(_) => return unsupported_error("opus: libopus refused the stream layout"),
        };
        let channels = layout(head.channels);
        let mut params = params.clone();
        params.with_sample_rate(RATE).with_channels(channels);
        Ok(OpusDecoder {
            params,
            channels: head.channels,
            decoder: Mutex::new(decoder),
            interleaved: vec![0.0; MAX_FRAMES * head.channels],
            buf: AudioBuffer::new(MAX_FRAMES as u64, SignalSpec::new(RATE, channels)),
        })
    }

    fn supported_codecs() -> &'static [CodecDescriptor] {
        const DESCRIPTORS: &[CodecDescriptor] = &[CodecDescriptor {
            codec: CODEC_TYPE_OPUS,
            short_name: "opus",
            long_name: "Opus (libopus)",
            inst_func: |params, options| Ok(Box::new(OpusDecoder::try_new(params, options)?)),
        }];
        DESCRIPTORS
    }

    fn reset(&mut self) {
        // a fresh decoder state: the layout was accepted once, so it is accepted again
        if let Some(head) = self.params.extra_data.as_deref().and_then(Head::parse) {
            if let Ok(decoder) =
                opus::MSDecoder::new(RATE, head.streams, head.coupled, &head.mapping)
            {
                self.decoder = Mutex::new(decoder);
            }
        }
    }

    fn codec_params(&self) -> &CodecParameters {
        &self.params
    }

    fn decode(&mut self, packet: &Packet) -> Result<AudioBufferRef<'_>> {
        self.buf.clear();
        let decoded = {
            let mut decoder = match self.decoder.lock() {
                Ok(decoder) => decoder,
                Err(poisoned) => poisoned.into_inner(),
            };
            decoder.decode_float(&packet.data, &mut self.interleaved, false)
        };
        let frames = match decoded {
            Ok(frames) => frames.min(MAX_FRAMES),
            Err(_) => return decode_error("opus: a damaged packet"),
        };
        self.buf.render_reserved(Some(frames));
        for c in 0..self.channels {
            let plane = self.buf.chan_mut(c);
            for (i, sample) in plane.iter_mut().enumerate() {
                *sample = self.interleaved[i * self.channels + c];
            }
        }
        self.buf
            .trim(packet.trim_start() as usize, packet.trim_end() as usize);
        Ok(self.buf.as_audio_buffer_ref())
    }

    fn finalize(&mut self) -> FinalizeResult {
        FinalizeResult::default()
    }

    fn last_decoded(&self) -> AudioBufferRef<'_> {
        self.buf.as_audio_buffer_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opus_heads_are_read_for_mono_stereo_and_surround() {
        let mut mono = b"OpusHead".to_vec();
        mono.extend_from_slice(&[1, 1, 0x38, 0x01, 0x80, 0xbb, 0, 0, 0, 0, 0]);
        assert_eq!(
            Head::parse(&mono),
            Some(Head {
                channels: 1,
                streams: 1,
                coupled: 0,
                mapping: vec![0]
            })
        );
        let mut surround = b"OpusHead".to_vec();
        surround.extend_from_slice(&[1, 6, 0, 0, 0x80, 0xbb, 0, 0, 0, 0, 1, 4, 2]);
        surround.extend_from_slice(&[0, 4, 1, 2, 3, 5]);
        let head = Head::parse(&surround).unwrap();
        assert_eq!((head.channels, head.streams, head.coupled), (6, 4, 2));
        assert_eq!(head.mapping, [0, 4, 1, 2, 3, 5]);
        // family 0 cannot carry more than two channels; a cut header is refused
        surround[18] = 0;
        assert_eq!(Head::parse(&surround), None);
        assert_eq!(Head::parse(&mono[..12]), None);
        assert_eq!(Head::parse(b"OggS and more bytes here"), None);
    }
}
