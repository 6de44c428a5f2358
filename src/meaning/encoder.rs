//! The sentence encoder: sentence-transformers all-MiniLM-L6-v2 (BERT, 6 layers, 384-d) run in
//! Rust with candle, tokenised with the `tokenizers` crate from the model's own
//! `tokenizer.json`. An embedding is the mean of the last hidden states over the sentence's
//! tokens, L2-normalised, exactly as sentence-transformers computes it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use rayon::prelude::*;
use tokenizers::Tokenizer;

use crate::error::{Error, Result};

/// Dimensions of an embedding.
pub const DIM: usize = 384;
/// The folder of the model under the models directory.
const MODEL_DIR: &str = "all-MiniLM-L6-v2";
/// The weights file inside it.
pub const WEIGHTS_FILE: &str = "model.safetensors";
/// The tokenizer file inside it.
pub const TOKENIZER_FILE: &str = "tokenizer.json";
/// The configuration file inside it.
pub const CONFIG_FILE: &str = "config.json";
/// SHA-256 of the pinned weights (the same file as sentence-transformers' own).
pub const WEIGHTS_SHA256: &str = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db";
/// SHA-256 of the pinned tokenizer.
pub const TOKENIZER_SHA256: &str =
    "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037";
/// Tokens per sentence at most (sentence-transformers' `max_seq_length` for this model).
const MAX_TOKENS: usize = 256;
/// Sentences per forward pass.
const BATCH: usize = 32;
/// Embeddings remembered by text within one process (segments and sentences often coincide).
const CACHE_LIMIT: usize = 50_000;

/// A unit-length sentence embedding.
pub type Embedding = Vec<f32>;

/// The loaded encoder.
pub struct TextEncoder {
    model: BertModel,
    tokenizer: Tokenizer,
    device: Device,
    dir: PathBuf,
    cache: Mutex<HashMap<String, Embedding>>,
}

impl std::fmt::Debug for TextEncoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextEncoder")
            .field("dir", &self.dir)
            .finish()
    }
}

/// Where the model lives under `models_dir`.
pub fn model_dir(models_dir: &Path) -> PathBuf {
    models_dir.join(MODEL_DIR)
}

impl TextEncoder {
    /// Loads the model from its folder (see [`model_dir`]). A missing or unreadable file is
    /// `Error::Model` naming it.
    pub fn load(dir: &Path) -> Result<TextEncoder> {
        let file = |name: &str| -> Result<PathBuf> {
            let path = dir.join(name);
            if path.is_file() {
                Ok(path)
            } else {
                Err(Error::Model {
                    path,
                    reason: "missing (run `verbatim models fetch minilm`)".into(),
                })
            }
        };
        let weights = file(WEIGHTS_FILE)?;
        let tokenizer_path = file(TOKENIZER_FILE)?;
        let config_path = file(CONFIG_FILE)?;
        let config_text =
            std::fs::read_to_string(&config_path).map_err(|e| Error::io(&config_path, e))?;
        let config: Config = serde_json::from_str(&config_text).map_err(|e| Error::Model {
            path: config_path.clone(),
            reason: format!("not a BERT configuration: {e}"),
        })?;
        let mut tokenizer = Tokenizer::from_file(&tokenizer_path).map_err(|e| Error::Model {
            path: tokenizer_path.clone(),
            reason: format!("not a tokenizer: {e}"),
        })?;
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(Some(tokenizers::TruncationParams {
                max_length: MAX_TOKENS,
                ..Default::default()
            }))
            .map_err(|e| Error::Model {
                path: tokenizer_path.clone(),
                reason: format!("cannot truncate: {e}"),
            })?;
        let device = Device::Cpu;
        let bad_weights = |e: candle_core::Error| Error::Model {
            path: weights.clone(),
            reason: format!("not MiniLM weights in safetensors form: {e}"),
        };
        // Read into memory rather than mapped: a file truncated under us cannot fault later.
        let bytes = std::fs::read(&weights).map_err(|e| Error::io(&weights, e))?;
        let vb = VarBuilder::from_buffered_safetensors(bytes, DType::F32, &device)
            .map_err(bad_weights)?;
        let model = BertModel::load(vb, &config).map_err(bad_weights)?;
        Ok(TextEncoder {
            model,
            tokenizer,
            device,
            dir: dir.to_path_buf(),
            cache: Mutex::new(HashMap::new()),
        })
    }

    /// The folder the model was loaded from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Embeds each text; the result is in the order given.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Embedding>> {
        Ok(self
            .embed_features(texts)?
            .into_iter()
            .map(|mut v| {
                v.truncate(DIM);
                v
            })
            .collect())
    }

    /// Each text's embedding (mean pooling, the sentence-transformers one) followed by its
    /// max-pooled hidden state, also unit length: `2 × DIM` values, for the claim classifier.
    pub fn embed_features(&self, texts: &[&str]) -> Result<Vec<Embedding>> {
        let mut out: Vec<Option<Embedding>> = {
            let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            texts.iter().map(|t| cache.get(*t).cloned()).collect()
        };
        let mut missing: Vec<usize> = (0..texts.len()).filter(|&i| out[i].is_none()).collect();
        if !missing.is_empty() {
            let encodings = self
                .tokenizer
                .encode_batch(missing.iter().map(|&i| texts[i]).collect::<Vec<_>>(), true)
                .map_err(|e| self.fail(format!("tokenizing: {e}")))?;
            let mut ids: Vec<(usize, Vec<u32>)> = missing
                .iter()
                .zip(encodings)
                .map(|(&i, encoding)| (i, encoding.get_ids().to_vec()))
                .collect();
            // Similar lengths together: less padding per batch.
            ids.sort_by_key(|(_, ids)| ids.len());
            // Batches run side by side: the matrix products use every core on their own,
            // but the element-wise work between them (GELU, softmax, layer norm) is serial.
            let vectors: Vec<Vec<Embedding>> = ids
                .par_chunks(BATCH)
                .map(|batch| self.forward(batch).map_err(|e| self.fail(e.to_string())))
                .collect::<Result<_>>()?;
            for (batch, vectors) in ids.chunks(BATCH).zip(vectors) {
                for ((i, _), vector) in batch.iter().zip(vectors) {
                    out[*i] = Some(vector);
                }
            }
            let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            if cache.len() + missing.len() > CACHE_LIMIT {
                cache.clear();
            }
            for i in missing.drain(..) {
                if let Some(vector) = &out[i] {
                    cache.insert(texts[i].to_string(), vector.clone());
                }
            }
        }
        Ok(out
            .into_iter()
            .map(|v| v.expect("every text embedded"))
            .collect())
    }

    /// Embeds one text.
    pub fn embed_one(&self, text: &str) -> Result<Embedding> {
        Ok(self.embed(&[text])?.remove(0))
    }

    fn fail(&self, reason: String) -> Error {
        Error::Model {
            path: self.dir.clone(),
            reason,
        }
    }

    /// One padded batch through BERT, then masked mean pooling and L2 normalisation.
    fn forward(&self, batch: &[(usize, Vec<u32>)]) -> candle_core::Result<Vec<Embedding>> {
        let length = batch
            .iter()
            .map(|(_, ids)| ids.len())
            .max()
            .unwrap_or(0)
            .max(1);
        let mut input = vec![0u32; batch.len() * length];
        let mut mask = vec![0u32; batch.len() * length];
        for (row, (_, ids)) in batch.iter().enumerate() {
            input[row * length..row * length + ids.len()].copy_from_slice(ids);
            mask[row * length..row * length + ids.len()].fill(1);
        }
        let shape = (batch.len(), length);
        let input = Tensor::from_vec(input, shape, &self.device)?;
        let mask = Tensor::from_vec(mask, shape, &self.device)?;
        let types = input.zeros_like()?;
        let hidden = self.model.forward(&input, &types, Some(&mask))?;
        let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
        let summed = hidden.broadcast_mul(&mask)?.sum(1)?;
        let counts = mask.sum(1)?;
        let mean = summed.broadcast_div(&counts)?;
        // padding pushed far below any real activation before the maximum
        let masked = hidden.broadcast_add(&((mask - 1.0)? * 1e4)?)?;
        let max = masked.max(1)?;
        let means: Vec<Vec<f32>> = mean.to_vec2()?;
        let maxes: Vec<Vec<f32>> = max.to_vec2()?;
        Ok(means
            .into_iter()
            .zip(maxes)
            .map(|(mean, max)| {
                let mut v = normalised(mean);
                v.extend(normalised(max));
                v
            })
            .collect())
    }
}

/// `v` scaled to unit length (a zero vector stays zero).
pub fn normalised(mut v: Vec<f32>) -> Vec<f32> {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
    v
}

/// Dot product (the cosine of two unit vectors).
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}
