//! The second voice model: ECAPA-TDNN ([`super::ecapa`]) or CAM++ ([`super::campplus`]), with
//! the similarity bars [`super::diarize`] uses for each. The two models' cosines are on
//! different scales, so each has its own bars, chosen on the development data (see each
//! model's [`Bars`]).

use std::collections::HashMap;
use std::path::Path;

use candle_core::Tensor;

use super::campplus::{self, CamPlus};
use super::ecapa::{self, Ecapa};
use crate::error::{Error, Result};

/// The tensors of a pinned PyTorch checkpoint at `path`, read with candle after its SHA-256 is
/// checked. `what` names the model and file in errors; `fetch` is the name `verbatim models
/// fetch` takes.
pub(crate) fn read_checkpoint(
    path: &Path,
    sha256: &str,
    what: &str,
    fetch: &str,
) -> Result<HashMap<String, Tensor>> {
    let bad = |reason: String| Error::Model {
        path: path.to_path_buf(),
        reason,
    };
    let bytes = std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => bad(format!(
            "{what} not found; run `verbatim models fetch {fetch}` (or ingest with --no-speakers)"
        )),
        _ => Error::io(path, e),
    })?;
    let actual = crate::hash::sha256_hex(&bytes);
    if actual != sha256 {
        return Err(bad(format!(
            "SHA-256 {actual} is not that of {what} ({sha256}); fetch it again with `verbatim \
             models fetch {fetch}`"
        )));
    }
    drop(bytes);
    let tensors = candle_core::pickle::read_all(path)
        .map_err(|e| bad(format!("not a readable PyTorch checkpoint: {e}")))?;
    Ok(tensors.into_iter().collect())
}

/// `samples` repeated to at least `min` samples (silence when empty), as both models embed.
pub(crate) fn repeated_to(samples: &[f32], min: usize) -> Vec<f32> {
    let mut input = samples.to_vec();
    while input.len() < min {
        if samples.is_empty() {
            input.resize(min, 0.0);
        } else {
            input.extend_from_slice(&samples[..samples.len().min(min - input.len())]);
        }
    }
    input
}

/// Frame-major `[n][bins]` features less each bin's mean over the `n` frames, mel-major
/// `[bins][n]`: the sentence mean normalisation both models' front ends end with.
pub(crate) fn mean_normalised(frames: &[f32], n: usize, bins: usize) -> Vec<f32> {
    let mut out = vec![0f32; n * bins];
    for m in 0..bins {
        let mean = (0..n).map(|t| frames[t * bins + m] as f64).sum::<f64>() / n as f64;
        for t in 0..n {
            out[m * n + t] = frames[t * bins + m] - mean as f32;
        }
    }
    out
}

/// The cosine bars of one voice model (the voiceprints normalised).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bars {
    /// Clusters at least this alike are one person, within a recording, under
    /// `--voiceprints`.
    pub same_person: f32,
    /// Parts of one centred cluster less alike than this are different people.
    pub apart: f32,
    /// A recording split in two whose clusters are at least this alike holds one voice.
    pub one_voice: f32,
    /// The cost gate under `one_voice`, on a quick listen to a few seconds of each cluster.
    pub quick_one_voice: f32,
}

/// A loaded second voice model.
pub enum VoiceModel {
    /// SpeechBrain's ECAPA-TDNN.
    Ecapa(Ecapa),
    /// 3D-Speaker's CAM++.
    CamPlus(CamPlus),
}

/// Which second voice model, by the name users type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VoiceModelKind {
    /// SpeechBrain's ECAPA-TDNN.
    Ecapa,
    /// 3D-Speaker's CAM++.
    CamPlus,
}

impl VoiceModelKind {
    /// The name `models fetch` and `--voice-model` take.
    pub fn name(self) -> &'static str {
        match self {
            VoiceModelKind::Ecapa => crate::models::ecapa::NAME,
            VoiceModelKind::CamPlus => crate::models::campplus::NAME,
        }
    }

    /// Where its weights live under `models_dir`.
    pub fn weights_path(self, models_dir: &std::path::Path) -> std::path::PathBuf {
        match self {
            VoiceModelKind::Ecapa => crate::models::ecapa::weights_path(models_dir),
            VoiceModelKind::CamPlus => crate::models::campplus::weights_path(models_dir),
        }
    }

    /// Loads the model from `path`.
    pub fn load(self, path: &std::path::Path) -> crate::error::Result<VoiceModel> {
        Ok(match self {
            VoiceModelKind::Ecapa => VoiceModel::Ecapa(Ecapa::load(path)?),
            VoiceModelKind::CamPlus => VoiceModel::CamPlus(CamPlus::load(path)?),
        })
    }
}

impl std::str::FromStr for VoiceModelKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "ecapa" => Ok(VoiceModelKind::Ecapa),
            "campplus" => Ok(VoiceModelKind::CamPlus),
            other => Err(format!("unknown voice model {other:?}: ecapa or campplus")),
        }
    }
}

impl VoiceModel {
    /// The model's embedding of 16 kHz mono samples, not normalised.
    pub fn embed(&self, samples: &[f32]) -> Vec<f32> {
        match self {
            VoiceModel::Ecapa(m) => m.embed(samples),
            VoiceModel::CamPlus(m) => m.embed(samples),
        }
    }

    /// The shortest input the model embeds as it is.
    pub fn min_samples(&self) -> usize {
        match self {
            VoiceModel::Ecapa(_) => ecapa::MIN_SAMPLES,
            VoiceModel::CamPlus(_) => campplus::MIN_SAMPLES,
        }
    }

    /// Which model it is.
    pub fn kind(&self) -> VoiceModelKind {
        match self {
            VoiceModel::Ecapa(_) => VoiceModelKind::Ecapa,
            VoiceModel::CamPlus(_) => VoiceModelKind::CamPlus,
        }
    }

    /// How provenance names the model.
    pub fn name(&self) -> &'static str {
        match self {
            VoiceModel::Ecapa(_) => ecapa::MODEL_NAME,
            VoiceModel::CamPlus(_) => campplus::MODEL_NAME,
        }
    }

    /// The SHA-256 of its weights.
    pub fn sha256(&self) -> &'static str {
        match self {
            VoiceModel::Ecapa(_) => ecapa::WEIGHTS_SHA256,
            VoiceModel::CamPlus(_) => campplus::WEIGHTS_SHA256,
        }
    }

    /// Its bars.
    pub fn bars(&self) -> Bars {
        match self {
            VoiceModel::Ecapa(_) => ECAPA_BARS,
            VoiceModel::CamPlus(_) => CAMPLUS_BARS,
        }
    }
}

/// ECAPA's bars (see the constants in [`super::diarize`]).
pub const ECAPA_BARS: Bars = Bars {
    same_person: super::diarize::SAME_PERSON,
    apart: super::diarize::APART,
    one_voice: super::diarize::ONE_VOICE,
    quick_one_voice: super::diarize::QUICK_ONE_VOICE,
};

/// CAM++'s bars: ECAPA's values, which fall in the same gaps on the development meetings
/// (`examples/diarize_corpus` with `DIARIZE_VOICE=campplus`). Parts of one person in a centred
/// cluster scored 0.525 to 0.954 and different people's parts 0.108 to 0.261 ([`Bars::apart`]
/// 0.4); of the recordings split in two, two people scored 0.303 (0.211 in the room versions)
/// and one person's two sessions 0.411 ([`Bars::one_voice`] 0.58 leaves that one split, where
/// ECAPA's 0.604 joins it); across recordings, different people's clusters reached 0.396 (dry)
/// and 0.469 (rooms, clusters holding one person mostly). So CAM++ is not the default.
pub const CAMPLUS_BARS: Bars = Bars {
    same_person: 0.5,
    apart: 0.4,
    one_voice: 0.58,
    quick_one_voice: 0.35,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_input_is_repeated_and_features_lose_each_bins_mean() {
        assert_eq!(repeated_to(&[1.0, 2.0], 5), vec![1.0, 2.0, 1.0, 2.0, 1.0]);
        assert_eq!(repeated_to(&[], 3), vec![0.0; 3]);
        assert_eq!(repeated_to(&[1.0, 2.0, 3.0], 2), vec![1.0, 2.0, 3.0]);
        // two frames of two bins: [1, 10], [3, 20]
        let out = mean_normalised(&[1.0, 10.0, 3.0, 20.0], 2, 2);
        assert_eq!(out, vec![-1.0, 1.0, -5.0, 5.0]);
    }

    #[test]
    fn voice_models_are_named_as_models_fetch_names_them() {
        for kind in [VoiceModelKind::Ecapa, VoiceModelKind::CamPlus] {
            assert_eq!(kind.name().parse::<VoiceModelKind>(), Ok(kind));
        }
        let err = "xvector".parse::<VoiceModelKind>().unwrap_err();
        assert!(err.contains("ecapa or campplus"), "{err}");
        let dir = std::path::Path::new("/m");
        assert!(VoiceModelKind::CamPlus
            .weights_path(dir)
            .ends_with("campplus_cn_en_common.pt"));
    }
}
