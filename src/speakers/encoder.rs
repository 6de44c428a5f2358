//! Resemblyzer's GE2E voice encoder in Rust: a 3-layer LSTM (40 -> 256, 256 hidden) over 160
//! mel frames, the last layer's final hidden state through a 256 x 256 linear layer and ReLU,
//! L2-normalised. Weights are read from the pinned `pretrained.pt` of PyPI Resemblyzer 0.1.4.
//!
//! That file is PyTorch's legacy (pre-1.6) serialisation: pickles, then raw little-endian
//! float32 storages. Rather than interpret pickles, the loader checks the file's SHA-256
//! against the pinned one and reads the 14 tensors the encoder uses at their byte offsets
//! (found once from the pickles; `tests/data/speakers/README.md`), checking each storage's
//! element count on the way. Any other file is refused.
//!
//! Windows are embedded in batches: each layer's input projection for all frames and windows is
//! one matrix product, and every time step one more for the recurrent part (matrixmultiply's
//! sgemm), so a batch of 32 windows costs little more than a few single ones.

use std::path::Path;

use matrixmultiply::sgemm;

use super::mel::{MelFrame, MelFrontEnd, N_MELS};
#[cfg(test)]
use super::mel::{HOP, SAMPLE_RATE};
use crate::error::{Error, Result};

/// Hidden units per LSTM layer.
pub const HIDDEN: usize = 256;
/// Size of an embedding.
pub const EMBEDDING: usize = 256;
/// Frames in one partial window (1.6 s).
pub const PARTIAL_FRAMES: usize = 160;
const GATES: usize = 4 * HIDDEN;
const LAYERS: usize = 3;

/// SHA-256 of `resemblyzer/pretrained.pt` in the Resemblyzer 0.1.4 wheel.
pub const WEIGHTS_SHA256: &str = "39373b86598fa3da9fcddee6142382efe09777e8d37dc9c0561f41f0070f134e";
/// Its size in bytes.
const WEIGHTS_SIZE: u64 = 17_090_379;
/// The name recorded in provenance.
pub const MODEL_NAME: &str = "resemblyzer-0.1.4 GE2E";

/// A voice embedding: 256 floats of unit length.
pub type Embedding = [f32; EMBEDDING];

/// Byte offsets in `pretrained.pt` of (a storage's element count, its data): (count_at,
/// expected count).
const STORAGES: [(usize, i64); 3] = [(269_875, 1_357_824), (7_723, 65_536), (6_691, 256)];

/// (byte offset, element count) of each used tensor: per layer weight_ih, weight_hh, bias_ih,
/// bias_hh; then linear.weight, linear.bias.
const LSTM_TENSORS: [[(usize, usize); 4]; LAYERS] = [
    [
        (269_883, GATES * N_MELS),
        (433_723, GATES * HIDDEN),
        (5_676_603, GATES),
        (5_680_699, GATES),
    ],
    [
        (1_482_299, GATES * HIDDEN),
        (2_530_875, GATES * HIDDEN),
        (5_684_795, GATES),
        (5_688_891, GATES),
    ],
    [
        (3_579_451, GATES * HIDDEN),
        (4_628_027, GATES * HIDDEN),
        (5_692_987, GATES),
        (5_697_083, GATES),
    ],
];
const LINEAR_WEIGHT: (usize, usize) = (7_731, EMBEDDING * HIDDEN);
const LINEAR_BIAS: (usize, usize) = (6_699, EMBEDDING);

struct Layer {
    /// [1024][input] row-major (PyTorch's layout).
    weight_ih: Vec<f32>,
    /// [1024][256] row-major.
    weight_hh: Vec<f32>,
    /// bias_ih + bias_hh.
    bias: Vec<f32>,
    input: usize,
}

/// The loaded encoder.
pub struct VoiceEncoder {
    layers: Vec<Layer>,
    linear_weight: Vec<f32>,
    linear_bias: Vec<f32>,
    front: MelFrontEnd,
    sha256: String,
}

impl VoiceEncoder {
    /// Loads the pinned Resemblyzer weights from `path`.
    pub fn load(path: &Path) -> Result<VoiceEncoder> {
        let bad = |reason: String| Error::Model {
            path: path.to_path_buf(),
            reason,
        };
        let bytes = std::fs::read(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => bad(
                "voice model not found; run `verbatim models fetch resemblyzer` (or ingest with \
                 --no-speakers)"
                    .into(),
            ),
            _ => Error::io(path, e),
        })?;
        if bytes.len() as u64 != WEIGHTS_SIZE {
            return Err(bad(format!(
                "{} bytes, but Resemblyzer 0.1.4's pretrained.pt has {WEIGHTS_SIZE}; fetch it \
                 again with `verbatim models fetch resemblyzer`",
                bytes.len()
            )));
        }
        let sha256 = crate::hash::sha256_hex(&bytes);
        if sha256 != WEIGHTS_SHA256 {
            return Err(bad(format!(
                "SHA-256 {sha256} is not that of Resemblyzer 0.1.4's pretrained.pt \
                 ({WEIGHTS_SHA256}); only that file is supported"
            )));
        }
        for (count_at, expected) in STORAGES {
            let count = i64::from_le_bytes(bytes[count_at..count_at + 8].try_into().unwrap());
            if count != expected {
                return Err(bad(format!(
                    "storage at byte {count_at} holds {count} values, not {expected}"
                )));
            }
        }
        let read = |(offset, count): (usize, usize)| -> Vec<f32> {
            bytes[offset..offset + 4 * count]
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes(b.try_into().unwrap()))
                .collect()
        };
        let layers = LSTM_TENSORS
            .iter()
            .enumerate()
            .map(|(l, tensors)| {
                let bias_ih = read(tensors[2]);
                let bias_hh = read(tensors[3]);
                Layer {
                    weight_ih: read(tensors[0]),
                    weight_hh: read(tensors[1]),
                    bias: bias_ih.iter().zip(&bias_hh).map(|(a, b)| a + b).collect(),
                    input: if l == 0 { N_MELS } else { HIDDEN },
                }
            })
            .collect();
        Ok(VoiceEncoder {
            layers,
            linear_weight: read(LINEAR_WEIGHT),
            linear_bias: read(LINEAR_BIAS),
            front: MelFrontEnd::new(),
            sha256,
        })
    }

    /// SHA-256 of the weights file.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// The mel front end.
    pub fn front_end(&self) -> &MelFrontEnd {
        &self.front
    }

    /// Embeds windows of mel frames, all of the same length (160 frames for the model's
    /// partials; shorter windows work and are less reliable). Returns, per window, the ReLU
    /// output before normalisation.
    fn forward_raw(&self, windows: &[&[MelFrame]]) -> Vec<[f32; EMBEDDING]> {
        let batch = windows.len();
        let Some(steps) = windows.first().map(|w| w.len()) else {
            return Vec::new();
        };
        assert!(
            windows.iter().all(|w| w.len() == steps),
            "windows in one batch must have the same length"
        );
        // layer input, time-major: [steps][batch][input]
        let mut input: Vec<f32> = Vec::with_capacity(steps * batch * N_MELS);
        for t in 0..steps {
            for window in windows {
                input.extend_from_slice(&window[t]);
            }
        }
        let mut gates = vec![0f32; steps * batch * GATES];
        let mut output = vec![0f32; steps * batch * HIDDEN];
        let mut cell = vec![0f32; batch * HIDDEN];
        for layer in &self.layers {
            let rows = steps * batch;
            for row in gates.chunks_exact_mut(GATES) {
                row.copy_from_slice(&layer.bias);
            }
            // gates[rows][1024] += input[rows][in] x weight_ih^T
            unsafe {
                sgemm(
                    rows,
                    layer.input,
                    GATES,
                    1.0,
                    input.as_ptr(),
                    layer.input as isize,
                    1,
                    layer.weight_ih.as_ptr(),
                    1,
                    layer.input as isize,
                    1.0,
                    gates.as_mut_ptr(),
                    GATES as isize,
                    1,
                );
            }
            cell.fill(0.0);
            for t in 0..steps {
                let (done, rest) = output.split_at_mut(t * batch * HIDDEN);
                let hidden_now = &mut rest[..batch * HIDDEN];
                let step_gates = &mut gates[t * batch * GATES..(t + 1) * batch * GATES];
                if t > 0 {
                    let hidden_before = &done[(t - 1) * batch * HIDDEN..];
                    // step_gates[batch][1024] += h[batch][256] x weight_hh^T
                    unsafe {
                        sgemm(
                            batch,
                            HIDDEN,
                            GATES,
                            1.0,
                            hidden_before.as_ptr(),
                            HIDDEN as isize,
                            1,
                            layer.weight_hh.as_ptr(),
                            1,
                            HIDDEN as isize,
                            1.0,
                            step_gates.as_mut_ptr(),
                            GATES as isize,
                            1,
                        );
                    }
                }
                for b in 0..batch {
                    let g = &step_gates[b * GATES..(b + 1) * GATES];
                    let c = &mut cell[b * HIDDEN..(b + 1) * HIDDEN];
                    let h = &mut hidden_now[b * HIDDEN..(b + 1) * HIDDEN];
                    crate::dsp::lstm_cell(g, c, h);
                }
            }
            std::mem::swap(&mut input, &mut output);
            output.resize(steps * batch * HIDDEN, 0.0);
        }
        // `input` now holds the last layer's hidden states; take the final step's
        let last = &input[(steps - 1) * batch * HIDDEN..steps * batch * HIDDEN];
        (0..batch)
            .map(|b| {
                let h = &last[b * HIDDEN..(b + 1) * HIDDEN];
                let mut e = [0f32; EMBEDDING];
                for (k, value) in e.iter_mut().enumerate() {
                    let row = &self.linear_weight[k * HIDDEN..(k + 1) * HIDDEN];
                    let dot: f32 = row.iter().zip(h).map(|(w, x)| w * x).sum();
                    *value = (dot + self.linear_bias[k]).max(0.0);
                }
                e
            })
            .collect()
    }

    /// Embeds windows: `forward_raw`, L2-normalised.
    pub fn embed_windows(&self, windows: &[&[MelFrame]]) -> Vec<Embedding> {
        self.forward_raw(windows)
            .into_iter()
            .map(|raw| normalized(&raw))
            .collect()
    }

    /// Resemblyzer's `embed_utterance(wav)` (rate 1.3, min_coverage 0.75) on 16 kHz samples
    /// that have already been preprocessed: partial windows of 160 frames every 77 frames,
    /// each embedded, their mean normalised. Returns the embedding and the partials' sample
    /// ranges.
    #[cfg(test)]
    fn embed_utterance(&self, samples: &[f32]) -> (Embedding, Vec<(usize, usize)>) {
        let slices = partial_slices(samples.len());
        let end = slices.last().map_or(0, |s| s.1);
        let mut padded = samples.to_vec();
        if end > padded.len() {
            padded.resize(end, 0.0);
        }
        let mel = self.front.mel(&padded);
        let windows: Vec<&[MelFrame]> = slices
            .iter()
            .map(|&(start, _)| &mel[start / HOP..start / HOP + PARTIAL_FRAMES])
            .collect();
        let partials = self.embed_windows(&windows);
        (mean_embedding(&partials), slices)
    }
}

/// `v / ||v||`; a zero vector stays zero.
pub fn normalized(v: &[f32; EMBEDDING]) -> Embedding {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    let mut out = *v;
    if norm > 0.0 {
        for x in out.iter_mut() {
            *x /= norm;
        }
    }
    out
}

/// The normalised mean of embeddings.
pub fn mean_embedding(embeddings: &[Embedding]) -> Embedding {
    let mut sum = [0f32; EMBEDDING];
    for e in embeddings {
        for (s, x) in sum.iter_mut().zip(e) {
            *s += x;
        }
    }
    normalized(&sum)
}

/// Cosine similarity of two unit vectors.
pub fn cosine(a: &Embedding, b: &Embedding) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Resemblyzer's `compute_partial_slices(n, rate=1.3, min_coverage=0.75)`, as sample ranges.
#[cfg(test)]
fn partial_slices(n_samples: usize) -> Vec<(usize, usize)> {
    let n_frames = (n_samples + 1).div_ceil(HOP);
    let frame_step = ((SAMPLE_RATE as f64 / 1.3) / HOP as f64).round() as usize;
    let steps = (n_frames + frame_step + 1)
        .saturating_sub(PARTIAL_FRAMES)
        .max(1);
    let mut slices: Vec<(usize, usize)> = (0..steps)
        .step_by(frame_step)
        .map(|i| (i * HOP, (i + PARTIAL_FRAMES) * HOP))
        .collect();
    if let Some(&(start, _)) = slices.last() {
        let coverage = (n_samples as f64 - start as f64) / (PARTIAL_FRAMES * HOP) as f64;
        if coverage < 0.75 && slices.len() > 1 {
            slices.pop();
        }
    }
    slices
}

/// The encoder for tests, loaded from `VERBATIM_MODELS` or the repository's `models/`
/// (fetched by `make model`). Tests that call it live in modules named `with_voice_model`,
/// which `make test-fast` skips.
#[cfg(test)]
pub(crate) fn test_encoder() -> VoiceEncoder {
    let path = crate::models::test_dir().join(crate::models::resemblyzer::WEIGHTS_FILE);
    VoiceEncoder::load(&path).unwrap_or_else(|e| {
        panic!("{e} (run `make model` or `verbatim models fetch resemblyzer` first)")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::speakers::reference::{floats, jfk_preprocessed, reference, wav_s16};

    fn assert_close(got: &[f32], want: &[f32], what: &str) {
        assert_eq!(got.len(), want.len(), "{what}: length");
        let worst = got
            .iter()
            .zip(want)
            .map(|(g, w)| (g - w).abs())
            .fold(0f32, f32::max);
        let dot: f32 = got.iter().zip(want).map(|(g, w)| g * w).sum();
        let norms: f32 = got.iter().map(|g| g * g).sum::<f32>().sqrt()
            * want.iter().map(|w| w * w).sum::<f32>().sqrt();
        let cos = dot / norms;
        eprintln!("{what}: cosine {cos:.7}, max abs diff {worst:.2e}");
        assert!(cos > 0.9999, "{what}: cosine {cos}");
        assert!(worst < 1e-4, "{what}: max abs diff {worst}");
    }

    #[test]
    fn partial_slices_match_resemblyzer() {
        let reference = reference();
        for (n, key) in [(163_200usize, "jfk"), (48_000, "synthetic")] {
            let want: Vec<(usize, usize)> =
                serde_json::from_value(reference[key]["embed_utterance"]["wav_slices"].clone())
                    .unwrap();
            assert_eq!(partial_slices(n), want, "{key}");
        }
        assert_eq!(partial_slices(100), vec![(0, 25_600)]);
    }

    #[test]
    fn a_file_that_is_not_the_pinned_weights_is_refused_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pretrained.pt");
        std::fs::write(&path, b"not a model").unwrap();
        let message = VoiceEncoder::load(&path).err().unwrap().to_string();
        assert!(message.contains("pretrained.pt"), "{message}");
        assert!(message.contains("17090379"), "{message}");
        let missing = VoiceEncoder::load(&dir.path().join("absent.pt"))
            .err()
            .unwrap()
            .to_string();
        assert!(missing.contains("models fetch resemblyzer"), "{missing}");
    }

    /// Needs the real voice model: `make test-fast` skips these.
    mod with_voice_model {
        use super::*;

        #[test]
        fn one_window_matches_pytorch() {
            let reference = reference();
            let encoder = test_encoder();
            let mel = encoder.front_end().mel(&jfk_preprocessed(&reference));
            let expected = &reference["jfk"]["first_partial_forward"];
            let raw = encoder.forward_raw(&[&mel[0..PARTIAL_FRAMES]]);
            assert_close(
                &raw[0],
                &floats(&expected["raw_relu_output_before_l2"]),
                "jfk window 0 raw",
            );
            let embedding = encoder.embed_windows(&[&mel[0..PARTIAL_FRAMES]]);
            assert_close(
                &embedding[0],
                &floats(&expected["embedding"]),
                "jfk window 0",
            );
        }

        #[test]
        fn embed_utterance_matches_resemblyzer_on_jfk() {
            let reference = reference();
            let encoder = test_encoder();
            let expected = &reference["jfk"]["embed_utterance"];
            let (embedding, slices) = encoder.embed_utterance(&jfk_preprocessed(&reference));
            assert_eq!(slices.len(), 12);
            assert_close(&embedding, &floats(&expected["embedding"]), "jfk utterance");
        }

        #[test]
        fn embed_utterance_matches_resemblyzer_on_the_padded_synthetic_input() {
            let reference = reference();
            let encoder = test_encoder();
            let expected = &reference["synthetic"]["embed_utterance"];
            let samples = wav_s16("tests/data/speakers/synthetic_3s.wav");
            let (embedding, slices) = encoder.embed_utterance(&samples);
            assert_eq!(slices.len(), 3);
            let partials: Vec<Vec<f32>> =
                serde_json::from_value(expected["partial_embeddings"].clone()).unwrap();
            let mel = encoder.front_end().mel(&{
                let mut padded = samples.clone();
                padded.resize(50_240, 0.0);
                padded
            });
            let windows: Vec<&[MelFrame]> = slices
                .iter()
                .map(|&(s, _)| &mel[s / HOP..s / HOP + PARTIAL_FRAMES])
                .collect();
            // the batch of three gives each window the same result as alone
            for (i, got) in encoder.embed_windows(&windows).iter().enumerate() {
                assert_close(got, &partials[i], &format!("synthetic partial {i}"));
            }
            assert_close(
                &embedding,
                &floats(&expected["embedding"]),
                "synthetic utterance",
            );
        }
    }
}
