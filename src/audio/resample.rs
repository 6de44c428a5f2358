//! Streaming conversion of mono samples at any rate to 16 kHz with rubato's FFT resampler,
//! trimming the resampler's delay so that sample `n` of the output is at `n / 16000` s of the
//! source: timestamps downstream depend on it.

use rubato::{FftFixedIn, Resampler};

use super::WHISPER_SAMPLE_RATE;

const CHUNK_FRAMES: usize = 1024;

/// Resamples a mono stream to 16 kHz, chunk by chunk.
pub struct Resampler16k {
    inner: Option<FftFixedIn<f32>>,
    pending: Vec<f32>,
    input_rate: u32,
    frames_in: u64,
    frames_out: u64,
    delay_left: usize,
    scratch: Vec<Vec<f32>>,
}

impl Resampler16k {
    /// A resampler from `input_rate` Hz; a 16 kHz input passes through untouched.
    pub fn new(input_rate: u32) -> Result<Self, String> {
        if input_rate == 0 {
            return Err("the stream declares a sample rate of 0 Hz".into());
        }
        let inner = if input_rate == WHISPER_SAMPLE_RATE {
            None
        } else {
            Some(
                FftFixedIn::<f32>::new(
                    input_rate as usize,
                    WHISPER_SAMPLE_RATE as usize,
                    CHUNK_FRAMES,
                    2,
                    1,
                )
                .map_err(|e| format!("cannot resample from {input_rate} Hz: {e}"))?,
            )
        };
        let delay_left = inner.as_ref().map_or(0, |r| r.output_delay());
        let scratch = inner
            .as_ref()
            .map_or_else(Vec::new, |r| r.output_buffer_allocate(true));
        Ok(Self {
            inner,
            pending: Vec::with_capacity(CHUNK_FRAMES * 2),
            input_rate,
            frames_in: 0,
            frames_out: 0,
            delay_left,
            scratch,
        })
    }

    /// Feeds source samples; appends whatever 16 kHz output is ready to `output`.
    pub fn push(&mut self, samples: &[f32], output: &mut Vec<f32>) {
        self.frames_in += samples.len() as u64;
        let Some(inner) = self.inner.as_mut() else {
            output.extend_from_slice(samples);
            return;
        };
        self.pending.extend_from_slice(samples);
        let mut consumed = 0;
        while self.pending.len() - consumed >= inner.input_frames_next() {
            let needed = inner.input_frames_next();
            let chunk = [&self.pending[consumed..consumed + needed]];
            let (used, produced) = inner
                .process_into_buffer(&chunk, &mut self.scratch, None)
                .expect("buffers are sized by the resampler itself");
            consumed += used;
            Self::emit(
                &self.scratch[0][..produced],
                &mut self.delay_left,
                &mut self.frames_out,
                output,
            );
        }
        self.pending.drain(..consumed);
    }

    /// Flushes the tail; the total output is exactly the source duration at 16 kHz.
    pub fn finish(&mut self, output: &mut Vec<f32>) {
        let expected =
            (self.frames_in * u64::from(WHISPER_SAMPLE_RATE)).div_ceil(u64::from(self.input_rate));
        let Some(inner) = self.inner.as_mut() else {
            return;
        };
        let mut tail = std::mem::take(&mut self.pending);
        while self.frames_out < expected {
            let input: Option<&[Vec<f32>]> = None;
            let produced = if tail.is_empty() {
                inner.process_partial_into_buffer(input, &mut self.scratch, None)
            } else {
                let chunk = [std::mem::take(&mut tail)];
                inner.process_partial_into_buffer(Some(&chunk), &mut self.scratch, None)
            }
            .expect("buffers are sized by the resampler itself")
            .1;
            if produced == 0 {
                break;
            }
            let wanted = (expected - self.frames_out) as usize + self.delay_left;
            let take = produced.min(wanted);
            Self::emit(
                &self.scratch[0][..take],
                &mut self.delay_left,
                &mut self.frames_out,
                output,
            );
        }
    }

    fn emit(chunk: &[f32], delay_left: &mut usize, frames_out: &mut u64, output: &mut Vec<f32>) {
        let skip = (*delay_left).min(chunk.len());
        *delay_left -= skip;
        output.extend_from_slice(&chunk[skip..]);
        *frames_out += (chunk.len() - skip) as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(rate: u32, hz: f32, seconds: f32) -> Vec<f32> {
        let n = (rate as f32 * seconds) as usize;
        (0..n)
            .map(|i| (2.0 * std::f32::consts::PI * hz * i as f32 / rate as f32).sin() * 0.5)
            .collect()
    }

    fn resample_all(rate: u32, input: &[f32], piece: usize) -> Vec<f32> {
        let mut resampler = Resampler16k::new(rate).unwrap();
        let mut out = Vec::new();
        for chunk in input.chunks(piece) {
            resampler.push(chunk, &mut out);
        }
        resampler.finish(&mut out);
        out
    }

    #[test]
    fn output_length_matches_source_duration() {
        for rate in [8_000, 22_050, 44_100, 48_000] {
            let input = sine(rate, 440.0, 2.5);
            let out = resample_all(rate, &input, 777);
            let expected = (input.len() as u64 * 16_000).div_ceil(u64::from(rate)) as usize;
            assert_eq!(out.len(), expected, "rate {rate}");
        }
    }

    #[test]
    fn sixteen_khz_passes_through() {
        let input = sine(16_000, 300.0, 0.5);
        assert_eq!(resample_all(16_000, &input, 100), input);
    }

    #[test]
    fn delay_is_trimmed_so_an_onset_keeps_its_time() {
        // Silence for 1.0 s, then a tone: after resampling the tone must still start at 1.0 s.
        let rate = 44_100;
        let mut input = vec![0.0; rate as usize];
        input.extend(sine(rate, 440.0, 1.0));
        let out = resample_all(rate, &input, 4096);
        let onset = out.iter().position(|s| s.abs() > 0.1).unwrap();
        let onset_ms = onset as f64 / 16.0;
        assert!((onset_ms - 1000.0).abs() < 5.0, "onset at {onset_ms} ms");
    }

    #[test]
    fn frequency_is_preserved() {
        let out = resample_all(48_000, &sine(48_000, 440.0, 1.0), 1000);
        let crossings = out.windows(2).filter(|w| w[0] <= 0.0 && w[1] > 0.0).count();
        assert!((438..=442).contains(&crossings), "{crossings} cycles");
    }

    #[test]
    fn zero_rate_is_refused() {
        assert!(Resampler16k::new(0).is_err());
    }
}
