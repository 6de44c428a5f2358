//! Silero VAD, the second voice detector: a gap marker (speech Whisper heard nothing in) is
//! written only where it also hears speech (see [`super::vad::Speech::is_confident`]).
//!
//! The weights are `silero_vad_16k.safetensors` from the PyPI wheel `silero-vad==6.2.3` (MIT),
//! which its authors ship for their tinygrad port (`silero_vad/tinygrad_model.py` in the same
//! wheel); `verbatim models fetch silero` pins both. That port is the reference this follows,
//! and its outputs are checked against it (`tests/data/silero_reference.json`,
//! `scripts/silero_reference.py`). The network, per 32 ms chunk (512 samples at 16 kHz, with
//! the 64 samples before it as context):
//! - the 576 samples padded by reflection with 64 more, then a fixed STFT as a convolution
//!   (258 filters of 256 samples, stride 128: the real and imaginary parts of 129 bins, over 4
//!   frames), and their magnitudes;
//! - four convolutions of kernel 3, padding 1 (129→128, 128→64 stride 2, 64→64 stride 2,
//!   64→128), each followed by ReLU, down to one 128-vector;
//! - an LSTM cell of 128 units, whose state runs from chunk to chunk;
//! - ReLU, a 1×1 convolution to one value, and a sigmoid: the chunk's speech probability.
//!
//! It is small (about 0.7 M multiply-adds a chunk, 20 M a second of audio): it runs only over
//! the few stretches a gap marker is considered for.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use candle_core::{DType, Device, Tensor};

use crate::dsp::{lstm_cell, sigmoid};
use crate::error::{Error, Result};

/// SHA-256 of `silero_vad/data/silero_vad_16k.safetensors` in `silero-vad==6.2.3`.
pub const WEIGHTS_SHA256: &str = "c59271c284ae9c8335d795d60e0bfdb71aaaceec578d9bd9ffc1b8153c319ea1";
/// How provenance names the model.
pub const MODEL_NAME: &str = "silero-vad 6.2.3 (silero_vad_16k.safetensors)";
/// Samples per chunk (32 ms at 16 kHz): one probability each.
pub const CHUNK: usize = 512;
/// Milliseconds per chunk.
pub const CHUNK_MS: u64 = 32;
/// Samples of the chunk before that each chunk is given as context.
const CONTEXT: usize = 64;
/// The STFT: 256-sample frames every 128 samples, 129 bins.
const N_FFT: usize = 256;
const STRIDE: usize = 128;
const BINS: usize = N_FFT / 2 + 1;
const HIDDEN: usize = 128;

/// A convolution of kernel 3 and padding 1.
struct Conv {
    /// `[out][in][3]`, flat.
    weight: Vec<f32>,
    bias: Vec<f32>,
    inputs: usize,
    outputs: usize,
    stride: usize,
}

impl Conv {
    /// `x` is `[inputs][len]`, flat; returns `[outputs][out_len]` after ReLU, and `out_len`.
    fn forward_relu(&self, x: &[f32], len: usize) -> (Vec<f32>, usize) {
        let out_len = (len + 2 - 3) / self.stride + 1;
        let mut y = vec![0f32; self.outputs * out_len];
        for o in 0..self.outputs {
            let w = &self.weight[o * self.inputs * 3..(o + 1) * self.inputs * 3];
            for t in 0..out_len {
                let mut sum = self.bias[o];
                for (i, wi) in w.chunks_exact(3).enumerate() {
                    let row = &x[i * len..(i + 1) * len];
                    for (k, wk) in wi.iter().enumerate() {
                        // input position t*stride + k - 1 (padding 1 either side)
                        if let Some(&v) = (t * self.stride + k)
                            .checked_sub(1)
                            .and_then(|p| row.get(p))
                        {
                            sum += wk * v;
                        }
                    }
                }
                y[o * out_len + t] = sum.max(0.0);
            }
        }
        (y, out_len)
    }
}

/// The loaded model.
pub struct Silero {
    /// `[258][256]`: the real then the imaginary filters.
    stft: Vec<f32>,
    convs: [Conv; 4],
    /// `[512][128]` each; gates in PyTorch's order (input, forget, cell, output).
    w_ih: Vec<f32>,
    w_hh: Vec<f32>,
    /// `bias_ih + bias_hh`.
    bias: Vec<f32>,
    out_weight: Vec<f32>,
    out_bias: f32,
}

impl fmt::Debug for Silero {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MODEL_NAME)
    }
}

impl Silero {
    /// Loads the pinned weights from `path`.
    pub fn load(path: &Path) -> Result<Silero> {
        let bad = |reason: String| Error::Model {
            path: path.to_path_buf(),
            reason,
        };
        let bytes = std::fs::read(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                bad("Silero voice detector not found; run `verbatim models fetch silero`".into())
            }
            _ => Error::io(path, e),
        })?;
        let sha256 = crate::hash::sha256_hex(&bytes);
        if sha256 != WEIGHTS_SHA256 {
            return Err(bad(format!(
                "SHA-256 {sha256} is not that of silero-vad 6.2.3's silero_vad_16k.safetensors \
                 ({WEIGHTS_SHA256}); fetch it again with `verbatim models fetch silero`"
            )));
        }
        let tensors: HashMap<String, Tensor> =
            candle_core::safetensors::load_buffer(&bytes, &Device::Cpu)
                .map_err(|e| bad(format!("not a readable safetensors file: {e}")))?;
        let get = |name: &str, len: usize| -> Result<Vec<f32>> {
            let values = tensors
                .get(name)
                .ok_or_else(|| bad(format!("tensor {name} missing")))?
                .to_dtype(DType::F32)
                .and_then(|t| t.flatten_all())
                .and_then(|t| t.to_vec1::<f32>())
                .map_err(|e| bad(format!("tensor {name}: {e}")))?;
            if values.len() != len {
                return Err(bad(format!(
                    "tensor {name} holds {} values, not {len}",
                    values.len()
                )));
            }
            Ok(values)
        };
        let conv = |name: &str, inputs: usize, outputs: usize, stride: usize| -> Result<Conv> {
            Ok(Conv {
                weight: get(&format!("{name}.weight"), outputs * inputs * 3)?,
                bias: get(&format!("{name}.bias"), outputs)?,
                inputs,
                outputs,
                stride,
            })
        };
        let bias_ih = get("lstm_cell.bias_ih", 4 * HIDDEN)?;
        let bias_hh = get("lstm_cell.bias_hh", 4 * HIDDEN)?;
        Ok(Silero {
            stft: get("stft_conv.weight", 2 * BINS * N_FFT)?,
            convs: [
                conv("conv1", BINS, 128, 1)?,
                conv("conv2", 128, 64, 2)?,
                conv("conv3", 64, 64, 2)?,
                conv("conv4", 64, HIDDEN, 1)?,
            ],
            w_ih: get("lstm_cell.weight_ih", 4 * HIDDEN * HIDDEN)?,
            w_hh: get("lstm_cell.weight_hh", 4 * HIDDEN * HIDDEN)?,
            bias: bias_ih.iter().zip(&bias_hh).map(|(a, b)| a + b).collect(),
            out_weight: get("final_conv.weight", HIDDEN)?,
            out_bias: get("final_conv.bias", 1)?[0],
        })
    }

    /// One speech probability per [`CHUNK`] of 16 kHz mono `samples` (the last chunk padded
    /// with silence), from a fresh state, as the reference's streaming loop gives them.
    pub fn probabilities(&self, samples: &[f32]) -> Vec<f32> {
        let mut state = State::default();
        let mut input = vec![0f32; CONTEXT + CHUNK];
        samples
            .chunks(CHUNK)
            .map(|chunk| {
                // the context is the last 64 samples of the chunk before (zeros at the start)
                input.copy_within(CHUNK.., 0);
                input[CONTEXT..].fill(0.0);
                input[CONTEXT..CONTEXT + chunk.len()].copy_from_slice(chunk);
                self.step(&input, &mut state)
            })
            .collect()
    }

    /// The probability of one chunk with its context (576 samples).
    fn step(&self, input: &[f32], state: &mut State) -> f32 {
        // reflection padding on the right: ... a b c | b a ...
        let n = input.len();
        let mut padded = Vec::with_capacity(n + CONTEXT);
        padded.extend_from_slice(input);
        padded.extend((0..CONTEXT).map(|i| input[n - 2 - i]));
        let frames = (padded.len() - N_FFT) / STRIDE + 1;
        let mut magnitude = vec![0f32; BINS * frames];
        for t in 0..frames {
            let frame = &padded[t * STRIDE..t * STRIDE + N_FFT];
            for bin in 0..BINS {
                let dot = |filter: usize| -> f32 {
                    self.stft[filter * N_FFT..(filter + 1) * N_FFT]
                        .iter()
                        .zip(frame)
                        .map(|(w, x)| w * x)
                        .sum()
                };
                let (re, im) = (dot(bin), dot(BINS + bin));
                magnitude[bin * frames + t] = (re * re + im * im).sqrt();
            }
        }
        let (mut x, mut len) = (magnitude, frames);
        for conv in &self.convs {
            (x, len) = conv.forward_relu(&x, len);
        }
        debug_assert_eq!(len, 1, "four frames come down to one");
        let mut gates = self.bias.clone();
        for (g, gate) in gates.iter_mut().enumerate() {
            let wi = &self.w_ih[g * HIDDEN..(g + 1) * HIDDEN];
            let wh = &self.w_hh[g * HIDDEN..(g + 1) * HIDDEN];
            *gate += wi.iter().zip(&x).map(|(w, v)| w * v).sum::<f32>()
                + wh.iter().zip(&state.h).map(|(w, v)| w * v).sum::<f32>();
        }
        lstm_cell(&gates, &mut state.c, &mut state.h);
        let logit = self.out_bias
            + self
                .out_weight
                .iter()
                .zip(&state.h)
                .map(|(w, h)| w * h.max(0.0))
                .sum::<f32>();
        sigmoid(logit)
    }
}

/// How provenance records the check (`settings.gap_check`).
pub fn describe() -> String {
    format!(
        "{MODEL_NAME}, sha256 {WEIGHTS_SHA256}: a gap marker needs {} ms at or above {}",
        super::vad::CONFIDENT_SPEECH_MS,
        super::vad::SECOND_THRESHOLD
    )
}

/// The LSTM cell's state, carried from chunk to chunk.
struct State {
    h: Vec<f32>,
    c: Vec<f32>,
}

impl Default for State {
    fn default() -> Self {
        State {
            h: vec![0.0; HIDDEN],
            c: vec![0.0; HIDDEN],
        }
    }
}

/// The model for tests (see [`crate::models::test_dir`]).
#[cfg(test)]
pub(crate) fn test_model() -> Silero {
    let path = crate::models::silero::weights_path(&crate::models::test_dir());
    Silero::load(&path).unwrap_or_else(|e| {
        panic!("{e} (run `make model` or `verbatim models fetch silero` first)")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_is_not_the_pinned_model_is_refused_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("silero.safetensors");
        std::fs::write(&path, b"not a model").unwrap();
        let message = Silero::load(&path).err().unwrap().to_string();
        assert!(message.contains("silero.safetensors"), "{message}");
        assert!(message.contains("SHA-256"), "{message}");
        let missing = Silero::load(&dir.path().join("absent.safetensors"))
            .err()
            .unwrap()
            .to_string();
        assert!(missing.contains("models fetch silero"), "{missing}");
    }

    /// Needs the real model: `make test-fast` skips these.
    mod with_voice_model {
        use super::*;

        #[test]
        fn probabilities_match_the_reference_port_on_jfk() {
            let path = concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/data/silero_reference.json"
            );
            let reference: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            let want: Vec<f32> =
                serde_json::from_value(reference["jfk_probabilities"].clone()).unwrap();
            let samples = crate::speakers::reference::wav_s16("tests/data/jfk.wav");
            let model = test_model();
            let got = model.probabilities(&samples);
            assert_eq!(got.len(), want.len());
            let worst = got
                .iter()
                .zip(&want)
                .map(|(g, w)| (g - w).abs())
                .fold(0f32, f32::max);
            assert!(worst < 1e-4, "max difference {worst}");
            // and it hears JFK: most of the 11 s is speech, the first chunks are not
            let speech = got.iter().filter(|&&p| p >= 0.5).count();
            assert!(
                speech > got.len() / 2 && got[0] < 0.5,
                "{speech} of {}",
                got.len()
            );
        }
    }
}
