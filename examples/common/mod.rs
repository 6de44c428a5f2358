//! What the examples that assemble development meetings from real clips share
//! (`dev_meetings`, `asr_meetings`): the sample rate, the seeded source of chance, levelling a
//! clip, and writing a meeting's audio.

use std::path::Path;

/// Whisper's sample rate, in which the meetings are built.
pub const RATE: u64 = 16_000;

/// xorshift64*: the meetings' only source of chance.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn between_ms(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }
}

/// `samples` scaled to an RMS of 0.1, clipped to -1..1.
pub fn level(samples: &mut [f32]) {
    let rms = (samples.iter().map(|s| s * s).sum::<f32>() / samples.len() as f32).sqrt();
    let gain = 0.1 / rms.max(1e-6);
    samples
        .iter_mut()
        .for_each(|s| *s = (*s * gain).clamp(-1.0, 1.0));
}

/// 16 kHz mono 16-bit WAV.
pub fn write_wav(path: &Path, samples: &[f32]) -> Result<(), Box<dyn std::error::Error>> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: RATE as u32,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(path, spec)?;
    for s in samples {
        writer.write_sample((s.clamp(-1.0, 1.0) * 32767.0) as i16)?;
    }
    writer.finalize()?;
    Ok(())
}
