//! Meaning: a real sentence-embedding model ([`encoder`], all-MiniLM-L6-v2 in candle) beside
//! the claim rules. It finds claims the rules miss ([`classifier`], taught by example sentences
//! users can edit) and ranks segments by similarity to a question ([`vectors`]).

pub mod classifier;
pub mod encoder;
pub mod vectors;

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use classifier::{Classifier, Examples};
use encoder::TextEncoder;

use crate::error::Result;
use crate::hash::sha256_hex;

/// The folder, beside the model's weights, of classifiers already trained (by examples).
const CLASSIFIERS_DIR: &str = "classifiers";

/// The encoder with the classifier its examples taught.
#[derive(Debug)]
pub struct ClaimModel {
    /// The sentence encoder.
    pub encoder: Arc<TextEncoder>,
    /// The trained heads.
    pub classifier: Classifier,
}

impl ClaimModel {
    /// The classifier taught by `examples`, from the cache beside the model when an earlier
    /// run trained it (training is deterministic, so the cache holds exactly what training
    /// would give), else trained now and cached. A cache that cannot be written is skipped.
    pub fn cached(encoder: Arc<TextEncoder>, examples: &Examples) -> Result<ClaimModel> {
        let key = sha256_hex(
            format!(
                "{}\n{}\n{}",
                examples.sha256,
                encoder::WEIGHTS_SHA256,
                classifier::VERSION
            )
            .as_bytes(),
        );
        let path = encoder
            .dir()
            .join(CLASSIFIERS_DIR)
            .join(format!("{key}.json"));
        let cached = std::fs::read(&path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Classifier>(&bytes).ok());
        if let Some(classifier) = cached {
            return Ok(ClaimModel {
                encoder,
                classifier,
            });
        }
        let model = ClaimModel::train(encoder, examples)?;
        let json = serde_json::to_vec(&model.classifier).expect("a classifier serializes");
        let _ = std::fs::create_dir_all(path.parent().expect("a folder"));
        let temp = path.with_extension(format!("{}.tmp", std::process::id()));
        if std::fs::write(&temp, json).is_ok() {
            let _ = std::fs::rename(&temp, &path);
        }
        let _ = std::fs::remove_file(&temp);
        Ok(model)
    }

    /// Embeds the examples and trains the classifier on them.
    pub fn train(encoder: Arc<TextEncoder>, examples: &Examples) -> Result<ClaimModel> {
        let labelled = examples.labelled();
        let texts: Vec<&str> = labelled.iter().map(|(text, _)| *text).collect();
        let embeddings = encoder.embed_features(&texts)?;
        Ok(ClaimModel {
            classifier: Classifier::train(examples, &embeddings),
            encoder,
        })
    }
}

/// A [`ClaimModel`] loaded and trained on first use, so that commands which only read stored
/// claims never pay for it. A failure is not remembered: each use reports it afresh.
pub struct LazyClaimModel {
    dir: PathBuf,
    /// The examples it is taught with.
    pub examples: Examples,
    model: OnceLock<Arc<ClaimModel>>,
    encoder: OnceLock<Arc<TextEncoder>>,
}

impl std::fmt::Debug for LazyClaimModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LazyClaimModel")
            .field("dir", &self.dir)
            .field("examples", &self.examples.origin)
            .finish()
    }
}

impl LazyClaimModel {
    /// The model in `dir` (see [`encoder::model_dir`]), to be taught with `examples`.
    pub fn new(dir: &Path, examples: Examples) -> LazyClaimModel {
        LazyClaimModel {
            dir: dir.to_path_buf(),
            examples,
            model: OnceLock::new(),
            encoder: OnceLock::new(),
        }
    }

    /// The same, sharing an encoder already loaded (its cache of embeddings too).
    pub fn with_encoder(encoder: Arc<TextEncoder>, examples: Examples) -> LazyClaimModel {
        let model = LazyClaimModel::new(encoder.dir(), examples);
        let _ = model.encoder.set(encoder);
        model
    }

    /// The encoder alone, loaded on first use.
    pub fn encoder(&self) -> Result<Arc<TextEncoder>> {
        if let Some(encoder) = self.encoder.get() {
            return Ok(encoder.clone());
        }
        let encoder = Arc::new(TextEncoder::load(&self.dir)?);
        Ok(self.encoder.get_or_init(|| encoder).clone())
    }

    /// The trained model, loaded and trained (or read from the cache) on first use.
    pub fn get(&self) -> Result<Arc<ClaimModel>> {
        if let Some(model) = self.model.get() {
            return Ok(model.clone());
        }
        let model = Arc::new(ClaimModel::cached(self.encoder()?, &self.examples)?);
        Ok(self.model.get_or_init(|| model).clone())
    }
}
