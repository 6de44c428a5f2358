//! Resemblyzer's front end, exactly: librosa 0.11 `melspectrogram(n_fft=400, hop_length=160,
//! n_mels=40)` at 16 kHz (periodic Hann window, `center=True` with zero padding, power 2, Slaney
//! mel scale and area normalisation, linear power, no log), and `normalize_volume(-30 dBFS,
//! increase_only)`. `tests/data/speakers/README.md` derives every constant; the unit tests
//! compare with the values the Python package computed.

use std::sync::Arc;

use realfft::{RealFftPlanner, RealToComplex};

/// Samples per second the encoder expects.
pub const SAMPLE_RATE: usize = crate::dsp::SAMPLE_RATE as usize;
/// Mel channels.
pub const N_MELS: usize = 40;
/// FFT length and window length (25 ms).
pub const N_FFT: usize = 400;
/// Hop between frames (10 ms).
pub const HOP: usize = 160;
const N_BINS: usize = N_FFT / 2 + 1;

/// One 10 ms frame of the mel spectrogram.
pub type MelFrame = [f32; N_MELS];

/// Computes mel spectrograms; holds the window, the filterbank and the FFT plan.
pub struct MelFrontEnd {
    window: Vec<f64>,
    /// [N_MELS][N_BINS], row-major, float32 as librosa stores it.
    filters: Vec<f32>,
    /// For each band, the first and one-past-last nonzero bin.
    band_bins: Vec<(usize, usize)>,
    fft: Arc<dyn RealToComplex<f64>>,
}

impl Default for MelFrontEnd {
    fn default() -> Self {
        Self::new()
    }
}

impl MelFrontEnd {
    /// Builds the window, filterbank and FFT plan.
    pub fn new() -> MelFrontEnd {
        let window = (0..N_FFT)
            .map(|n| 0.5 - 0.5 * (2.0 * std::f64::consts::PI * n as f64 / N_FFT as f64).cos())
            .collect();
        // librosa's `filters.mel(sr=16000, n_fft=400, n_mels=40)` (Slaney), as float32
        let filters = crate::dsp::mel_filters(crate::dsp::SAMPLE_RATE, N_FFT, N_MELS);
        let band_bins = (0..N_MELS)
            .map(|m| {
                let row = &filters[m * N_BINS..(m + 1) * N_BINS];
                let first = row.iter().position(|&w| w != 0.0).unwrap_or(0);
                let last = row.iter().rposition(|&w| w != 0.0).map_or(0, |i| i + 1);
                (first, last.max(first))
            })
            .collect();
        let fft = RealFftPlanner::<f64>::new().plan_fft_forward(N_FFT);
        MelFrontEnd {
            window,
            filters,
            band_bins,
            fft,
        }
    }

    /// The filterbank, 40 rows of 201, row-major.
    pub fn filters(&self) -> &[f32] {
        &self.filters
    }

    /// The mel spectrogram of 16 kHz samples: `1 + len / 160` frames.
    pub fn mel(&self, samples: &[f32]) -> Vec<MelFrame> {
        let n_frames = 1 + samples.len() / HOP;
        let pad = N_FFT / 2;
        let mut input = self.fft.make_input_vec();
        let mut spectrum = self.fft.make_output_vec();
        let mut scratch = self.fft.make_scratch_vec();
        let mut power = [0f32; N_BINS];
        let mut frames = Vec::with_capacity(n_frames);
        for t in 0..n_frames {
            // frame t covers padded[160 t .. 160 t + 400], padded = 200 zeros + samples + zeros
            for (n, slot) in input.iter_mut().enumerate() {
                let index = (t * HOP + n).checked_sub(pad);
                let sample = index.and_then(|i| samples.get(i)).copied().unwrap_or(0.0);
                *slot = f64::from(sample) * self.window[n];
            }
            self.fft
                .process_with_scratch(&mut input, &mut spectrum, &mut scratch)
                .expect("buffers come from the plan, so their lengths match");
            for (p, c) in power.iter_mut().zip(&spectrum) {
                // librosa stores the STFT as complex64, then takes |S|^2 in float32
                let (re, im) = (c.re as f32, c.im as f32);
                *p = re * re + im * im;
            }
            let mut frame = [0f32; N_MELS];
            for (m, value) in frame.iter_mut().enumerate() {
                let (first, last) = self.band_bins[m];
                let row = &self.filters[m * N_BINS..(m + 1) * N_BINS];
                *value = (first..last).map(|k| row[k] * power[k]).sum();
            }
            frames.push(frame);
        }
        frames
    }
}

/// Resemblyzer's `normalize_volume(wav, -30, increase_only=True)`: raises quiet audio to
/// -30 dBFS (RMS in int16 units of 32767), never lowers loud audio. Returns the gain applied.
pub fn normalize_volume(samples: &mut [f32]) -> f32 {
    const TARGET_DBFS: f32 = -30.0;
    if samples.is_empty() {
        return 1.0;
    }
    let mean_square = samples
        .iter()
        .map(|&s| f64::from(s * 32767.0).powi(2))
        .sum::<f64>()
        / samples.len() as f64;
    let rms = mean_square.sqrt() as f32;
    if rms <= 0.0 {
        return 1.0;
    }
    let dbfs = 20.0 * (rms / 32767.0).log10();
    let change = TARGET_DBFS - dbfs;
    if change < 0.0 {
        return 1.0;
    }
    let gain = 10f32.powf(change / 20.0);
    for sample in samples.iter_mut() {
        *sample *= gain;
    }
    gain
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::speakers::reference::{reference, sha256_f32, wav_s16};

    #[test]
    fn filterbank_matches_librosa() {
        let reference = reference();
        let front = MelFrontEnd::new();
        let bands = reference["front_end_constants"]["mel_filterbank"]["bands"]
            .as_array()
            .unwrap();
        assert_eq!(bands.len(), N_MELS);
        let mut worst = 0f32;
        for (m, band) in bands.iter().enumerate() {
            let first = band["first_bin"].as_u64().unwrap() as usize;
            let weights: Vec<f32> = serde_json::from_value(band["weights"].clone()).unwrap();
            let row = &front.filters()[m * N_BINS..(m + 1) * N_BINS];
            assert_eq!(
                front.band_bins[m],
                (first, first + weights.len()),
                "band {m}"
            );
            for (i, &w) in weights.iter().enumerate() {
                worst = worst.max((row[first + i] - w).abs() / w.abs().max(1e-6));
            }
        }
        assert!(worst < 1e-5, "largest relative error {worst}");
        // usually bit-exact; the hash says whether it is
        let exact = sha256_f32(front.filters())
            == reference["front_end_constants"]["mel_filterbank"]["sha256_f32le"];
        eprintln!("filterbank bit-exact: {exact}");
    }

    fn assert_mel_matches(mel: &[MelFrame], expected: &serde_json::Value) {
        let shape: Vec<usize> = serde_json::from_value(expected["shape"].clone()).unwrap();
        assert_eq!(vec![mel.len(), N_MELS], shape);
        let sums: Vec<f64> = serde_json::from_value(expected["frame_sums_f64"].clone()).unwrap();
        let max = expected["max"].as_f64().unwrap();
        for (t, (frame, want)) in mel.iter().zip(&sums).enumerate() {
            let got: f64 = frame.iter().map(|&v| f64::from(v)).sum();
            assert!(
                (got - want).abs() <= 1e-4 * want.abs().max(1e-3 * max),
                "frame {t}: sum {got} against {want}"
            );
        }
        let frames: Vec<Vec<f32>> =
            serde_json::from_value(expected["frames_200_to_203"].clone()).unwrap();
        for (i, want) in frames.iter().enumerate() {
            for (m, &w) in want.iter().enumerate() {
                let got = mel[200 + i][m];
                assert!(
                    (got - w).abs() <= 1e-4 * (w.abs() + 1e-3),
                    "frame {} mel {m}: {got} against {w}",
                    200 + i
                );
            }
        }
    }

    #[test]
    fn mel_matches_librosa_on_the_synthetic_input() {
        let reference = reference();
        let samples = wav_s16("tests/data/speakers/synthetic_3s.wav");
        assert_eq!(samples.len(), 48_000);
        let mel = MelFrontEnd::new().mel(&samples);
        assert_mel_matches(&mel, &reference["synthetic"]["mel"]);
    }

    #[test]
    fn mel_matches_librosa_on_preprocessed_jfk() {
        let reference = reference();
        let samples = crate::speakers::reference::jfk_preprocessed(&reference);
        assert_eq!(samples.len(), 163_200);
        let mel = MelFrontEnd::new().mel(&samples);
        assert_mel_matches(&mel, &reference["jfk"]["mel"]);
    }

    #[test]
    fn quiet_audio_is_raised_to_minus_30_dbfs_and_loud_audio_left_alone() {
        let reference = reference();
        let expected = &reference["quiet_jfk_normalize_volume"];
        let mut quiet: Vec<f32> = wav_s16("tests/data/jfk.wav")
            .iter()
            .map(|&s| s * (1.0f32 / 64.0))
            .collect();
        let gain = normalize_volume(&mut quiet);
        let want = expected["gain_f32"].as_f64().unwrap() as f32;
        assert!(
            (gain - want).abs() < 1e-5 * want,
            "gain {gain} against {want}"
        );
        let energy: f64 = quiet.iter().map(|&s| f64::from(s).powi(2)).sum();
        let want = expected["output_sum_of_squares_f64"].as_f64().unwrap();
        assert!(
            (energy - want).abs() < 1e-4 * want,
            "{energy} against {want}"
        );

        let mut loud = wav_s16("tests/data/jfk.wav");
        let before = loud.clone();
        assert_eq!(normalize_volume(&mut loud), 1.0);
        assert_eq!(loud, before);
    }
}
