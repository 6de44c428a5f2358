//! Signal processing shared by the stages: the sample rate every model here takes, the
//! Slaney mel filterbank both Whisper's front end (80 or 128 mels, written into converted ggml
//! files) and the voice encoder's (40 mels) are built from, and the activations and LSTM cell
//! step the small networks run in plain Rust share (the voice encoder, Silero, the claim
//! classifier).

/// The sample rate of the audio Whisper, the voice detector and the voice encoder take.
pub const SAMPLE_RATE: u32 = 16_000;

/// librosa.filters.mel(sr, n_fft, n_mels) with htk=False, norm="slaney", row-major
/// `[n_mels][n_fft/2+1]`.
///
/// The arithmetic follows librosa's order of operations (including its rounding of the
/// triangles to f32 before the Slaney normalisation), so the values match librosa 0.11 bit for
/// bit (checked for 80 and 128 mels).
pub fn mel_filters(sample_rate: u32, n_fft: usize, n_mels: usize) -> Vec<f32> {
    let n_bins = n_fft / 2 + 1;
    // np.fft.rfftfreq(n_fft, 1/sr)
    let bin_width = 1.0 / (n_fft as f64 * (1.0 / f64::from(sample_rate)));
    let fft_freqs: Vec<f64> = (0..n_bins).map(|k| k as f64 * bin_width).collect();
    // mel_frequencies(n_mels + 2, fmin = 0, fmax = sr / 2): np.linspace in mel, back to Hz.
    let n_points = n_mels + 2;
    let min_mel = hz_to_mel(0.0);
    let max_mel = hz_to_mel(f64::from(sample_rate) / 2.0);
    let step = (max_mel - min_mel) / (n_points - 1) as f64;
    let mel_freqs: Vec<f64> = (0..n_points)
        .map(|i| {
            let mel = if i == n_points - 1 {
                max_mel
            } else {
                i as f64 * step + min_mel
            };
            mel_to_hz(mel)
        })
        .collect();

    let mut weights = vec![0f32; n_mels * n_bins];
    for (i, row) in weights.chunks_exact_mut(n_bins).enumerate() {
        let lower_width = mel_freqs[i + 1] - mel_freqs[i];
        let upper_width = mel_freqs[i + 2] - mel_freqs[i + 1];
        let enorm = 2.0 / (mel_freqs[i + 2] - mel_freqs[i]);
        for (weight, &freq) in row.iter_mut().zip(&fft_freqs) {
            let lower = -(mel_freqs[i] - freq) / lower_width;
            let upper = (mel_freqs[i + 2] - freq) / upper_width;
            // As np.maximum(0, x), which keeps x (even -0.0) unless 0 is greater.
            let triangle = lower.min(upper);
            let triangle = if 0.0 > triangle { 0.0 } else { triangle as f32 };
            *weight = (f64::from(triangle) * enorm) as f32;
        }
    }
    weights
}

/// Slaney's mel scale (librosa `hz_to_mel`, htk=False).
fn hz_to_mel(hz: f64) -> f64 {
    const F_SP: f64 = 200.0 / 3.0;
    const MIN_LOG_HZ: f64 = 1000.0;
    let min_log_mel = MIN_LOG_HZ / F_SP;
    if hz >= MIN_LOG_HZ {
        min_log_mel + (hz / MIN_LOG_HZ).ln() / (6.4f64.ln() / 27.0)
    } else {
        hz / F_SP
    }
}

/// The inverse of [`hz_to_mel`] (librosa `mel_to_hz`, htk=False).
fn mel_to_hz(mel: f64) -> f64 {
    const F_SP: f64 = 200.0 / 3.0;
    const MIN_LOG_HZ: f64 = 1000.0;
    let min_log_mel = MIN_LOG_HZ / F_SP;
    if mel >= min_log_mel {
        MIN_LOG_HZ * ((6.4f64.ln() / 27.0) * (mel - min_log_mel)).exp()
    } else {
        F_SP * mel
    }
}

/// The logistic function.
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// tanh through one `exp` (libm's `tanhf` costs several times more; an LSTM calls it twice per
/// unit and step): `1 - 2 / (e^(2x) + 1)`, exact to float rounding, saturating cleanly.
pub fn tanh(x: f32) -> f32 {
    1.0 - 2.0 / ((2.0 * x).exp() + 1.0)
}

/// One step of an LSTM cell after its gate pre-activations `gates` (4 × units, PyTorch's order:
/// input, forget, cell, output) are summed: updates the cell state `c` and the output `h`.
pub fn lstm_cell(gates: &[f32], c: &mut [f32], h: &mut [f32]) {
    let units = c.len();
    for j in 0..units {
        let input = sigmoid(gates[j]);
        let forget = sigmoid(gates[units + j]);
        let cell = tanh(gates[2 * units + j]);
        let output = sigmoid(gates[3 * units + j]);
        c[j] = forget * c[j] + input * cell;
        h[j] = output * tanh(c[j]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mel_filters_match_librosa() {
        let filters = mel_filters(16_000, 400, 80);
        assert_eq!(filters.len(), 80 * 201);
        // librosa 0.11.0: librosa.filters.mel(sr=16000, n_fft=400, n_mels=80)
        let references = [
            (0, 1, 0.024862595),
            (0, 2, 0.0),
            (1, 2, 0.022871772),
            (5, 5, 0.009954109),
            (5, 6, 0.014908484),
            (13, 13, 0.025880683),
            (30, 29, 0.015856037),
            (40, 43, 0.014735566),
            (60, 93, 0.006591093),
            (79, 186, 0.00036674167),
            (79, 192, 0.0031647119),
            (79, 199, 0.000448759),
            (79, 200, 0.0),
        ];
        for (row, col, expected) in references {
            // Bit for bit, as librosa computes them (checked on the whole 80x201 and 128x201).
            assert_eq!(filters[row * 201 + col], expected, "[{row}][{col}]");
        }
        // librosa's first value is -0.0 (np.maximum keeps the negative zero of the ramp).
        assert_eq!(filters[0].to_bits(), (-0f32).to_bits());
        let row_sum = |row: usize| filters[row * 201..(row + 1) * 201].iter().sum::<f32>();
        assert!((row_sum(0) - 0.024862595).abs() < 1e-8);
        assert!((row_sum(40) - 0.02666486).abs() < 1e-8);
        assert!((filters.iter().sum::<f32>() - 1.9990242).abs() < 1e-5);
        assert_eq!(filters.iter().filter(|&&v| v > 0.0).count(), 391);
        assert_eq!(mel_filters(16_000, 400, 128).len(), 128 * 201);
    }

    #[test]
    fn tanh_through_exp_matches_libm() {
        for i in -2000..=2000 {
            let x = i as f32 / 100.0;
            assert!((tanh(x) - x.tanh()).abs() < 2e-7, "{x}");
        }
        assert_eq!(tanh(100.0), 1.0);
        assert_eq!(tanh(-100.0), -1.0);
    }
}
