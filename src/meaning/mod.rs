//! Meaning: a real sentence-embedding model ([`encoder`], all-MiniLM-L6-v2 in candle) beside
//! the claim rules. It finds claims the rules miss ([`classifier`], taught by example sentences
//! users can edit) and ranks segments by similarity to a question ([`vectors`]).

pub mod classifier;
pub mod encoder;
pub mod fetch;
pub mod vectors;

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use classifier::{Classifier, Examples};
use encoder::TextEncoder;

use crate::error::{Error, Result};

/// The encoder with the classifier its examples taught.
#[derive(Debug)]
pub struct ClaimModel {
    /// The sentence encoder.
    pub encoder: Arc<TextEncoder>,
    /// The trained heads.
    pub classifier: Classifier,
}

impl ClaimModel {
    /// Embeds the examples and trains the classifier on them.
    pub fn train(encoder: Arc<TextEncoder>, examples: &Examples) -> Result<ClaimModel> {
        let labelled = examples.labelled();
        let texts: Vec<&str> = labelled.iter().map(|(text, _)| *text).collect();
        let embeddings = encoder.embed(&texts)?;
        Ok(ClaimModel {
            classifier: Classifier::train(examples, &embeddings),
            encoder,
        })
    }
}

/// A [`ClaimModel`] loaded and trained on first use, so that commands which only read stored
/// claims never pay for it.
pub struct LazyClaimModel {
    dir: PathBuf,
    /// The examples it is taught with.
    pub examples: Examples,
    cell: OnceLock<std::result::Result<Arc<ClaimModel>, String>>,
    encoder: OnceLock<std::result::Result<Arc<TextEncoder>, String>>,
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
            cell: OnceLock::new(),
            encoder: OnceLock::new(),
        }
    }

    /// The encoder alone, loaded on first use.
    pub fn encoder(&self) -> Result<Arc<TextEncoder>> {
        self.encoder
            .get_or_init(|| {
                TextEncoder::load(&self.dir)
                    .map(Arc::new)
                    .map_err(|e| e.to_string())
            })
            .clone()
            .map_err(|reason| self.failed(reason))
    }

    /// The trained model, loaded and trained on first use.
    pub fn get(&self) -> Result<Arc<ClaimModel>> {
        self.cell
            .get_or_init(|| {
                let encoder = self.encoder().map_err(|e| e.to_string())?;
                ClaimModel::train(encoder, &self.examples)
                    .map(Arc::new)
                    .map_err(|e| e.to_string())
            })
            .clone()
            .map_err(|reason| self.failed(reason))
    }

    fn failed(&self, reason: String) -> Error {
        // the message already names the file
        Error::Model {
            path: self.dir.clone(),
            reason: format!("cannot be used: {reason}"),
        }
    }
}
