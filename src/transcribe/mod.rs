//! Whisper through whisper-rs: loading a ggml model, transcribing 16 kHz mono samples into
//! segments and words, and obtaining models ([`fetch`]) by converting CTranslate2 weights
//! ([`convert`]).

pub mod convert;
pub mod fetch;
mod filter;
mod words;

use std::path::{Path, PathBuf};

use whisper_rs::{FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters};

use crate::error::{Error, Result};
use crate::model::{ModelInfo, Segment, TranscribeSettings};
pub use filter::is_non_speech;
pub use words::{assemble_words, RawToken};

/// How to transcribe.
#[derive(Debug, Clone, PartialEq)]
pub struct TranscribeOptions {
    /// ISO 639-1 language, or `None` to detect it (English-only models always use `en`).
    pub language: Option<String>,
    /// Translate speech to English (multilingual models only).
    pub translate: bool,
    /// Threads for Whisper.
    pub threads: usize,
}

impl Default for TranscribeOptions {
    fn default() -> Self {
        Self {
            language: None,
            translate: false,
            threads: default_threads(),
        }
    }
}

/// The cores available to this process, the default thread count.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// What Whisper heard in one recording.
#[derive(Debug, Clone, PartialEq)]
pub struct Transcription {
    /// The language used or detected.
    pub language: String,
    /// Segments with their words, in time order.
    pub segments: Vec<Segment>,
}

/// A loaded ggml Whisper model.
pub struct WhisperModel {
    context: WhisperContext,
    info: ModelInfo,
    path: PathBuf,
}

impl std::fmt::Debug for WhisperModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WhisperModel")
            .field("info", &self.info)
            .field("path", &self.path)
            .finish()
    }
}

impl WhisperModel {
    /// Loads a ggml model after checking its structure, so that a corrupt or truncated file
    /// gives a clear error instead of reaching whisper.cpp. Its SHA-256 is computed here.
    pub fn load(path: &Path) -> Result<WhisperModel> {
        convert::validate_ggml(path)?;
        let sha256 = fetch::sha256_file(path)?;
        // Routes whisper.cpp's own logging into the `log` facade, which is silent here.
        whisper_rs::install_logging_hooks();
        let path_text = path.to_str().ok_or_else(|| Error::Model {
            path: path.into(),
            reason: "the path is not valid UTF-8".into(),
        })?;
        let context =
            WhisperContext::new_with_params(path_text, WhisperContextParameters::default())
                .map_err(|e| Error::Model {
                    path: path.into(),
                    reason: format!("whisper.cpp could not load it: {e}"),
                })?;
        Ok(WhisperModel {
            context,
            info: ModelInfo {
                name: model_name(path),
                sha256,
            },
            path: path.to_path_buf(),
        })
    }

    /// The model's name and hash, for provenance.
    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    /// True for multilingual models (they can detect language and translate).
    pub fn is_multilingual(&self) -> bool {
        self.context.is_multilingual()
    }

    /// The settings that [`Self::transcribe`] will record for these options.
    pub fn settings(&self, options: &TranscribeOptions, resampler: &str) -> TranscribeSettings {
        TranscribeSettings {
            language: self.language_for(options).to_string(),
            translate: options.translate && self.is_multilingual(),
            threads: options.threads,
            strategy: "greedy".into(),
            resampler: resampler.into(),
        }
    }

    fn language_for<'a>(&self, options: &'a TranscribeOptions) -> &'a str {
        if !self.is_multilingual() {
            return "en";
        }
        options.language.as_deref().unwrap_or("auto")
    }

    /// Transcribes 16 kHz mono samples. `progress` receives whisper.cpp's percentage.
    pub fn transcribe(
        &self,
        source: &Path,
        samples: &[f32],
        options: &TranscribeOptions,
        progress: impl FnMut(i32) + 'static,
    ) -> Result<Transcription> {
        let fail = |reason: String| Error::Transcribe {
            path: source.into(),
            reason,
        };
        if options.translate && !self.is_multilingual() {
            return Err(Error::Invalid(format!(
                "--translate needs a multilingual model; {} is English-only",
                self.info.name
            )));
        }
        let language = self.language_for(options);
        let mut params = FullParams::new(SamplingStrategy::Greedy { best_of: 1 });
        params.set_n_threads(options.threads.max(1) as i32);
        params.set_language(Some(language));
        params.set_translate(options.translate);
        params.set_token_timestamps(true);
        params.set_print_special(false);
        params.set_print_progress(false);
        params.set_print_realtime(false);
        params.set_print_timestamps(false);
        params.set_progress_callback_safe(progress);

        let mut state = self
            .context
            .create_state()
            .map_err(|e| fail(format!("cannot create a Whisper state: {e}")))?;
        state
            .full(params, samples)
            .map_err(|e| fail(format!("whisper.cpp failed: {e}")))?;

        let detected = whisper_rs::get_lang_str(state.full_lang_id_from_state())
            .unwrap_or(if language == "auto" {
                "unknown"
            } else {
                language
            })
            .to_string();
        let end_of_text = self.context.token_eot();
        let mut segments = Vec::new();
        for segment in state.as_iter() {
            let text = segment
                .to_str_lossy()
                .map_err(|e| fail(format!("segment text: {e}")))?
                .trim()
                .to_string();
            let tokens: Vec<RawToken> = (0..segment.n_tokens())
                .filter_map(|i| segment.get_token(i))
                .filter(|token| token.token_id() < end_of_text)
                .map(|token| {
                    let data = token.token_data();
                    RawToken {
                        bytes: token.to_bytes().unwrap_or_default().to_vec(),
                        start_ms: centiseconds_to_ms(data.t0),
                        end_ms: centiseconds_to_ms(data.t1),
                        probability: data.p,
                    }
                })
                .collect();
            let start_ms = centiseconds_to_ms(segment.start_timestamp());
            let end_ms = centiseconds_to_ms(segment.end_timestamp()).max(start_ms);
            if is_non_speech(&text) {
                continue;
            }
            segments.push(Segment {
                index: segments.len(),
                start_ms,
                end_ms,
                text,
                speaker: None,
                words: assemble_words(&tokens, start_ms, end_ms),
                no_speech_probability: Some(segment.no_speech_probability()),
            });
        }
        Ok(Transcription {
            language: detected,
            segments,
        })
    }
}

fn centiseconds_to_ms(value: i64) -> u64 {
    value.max(0) as u64 * 10
}

/// `ggml-tiny.en.bin` -> `tiny.en`; any other file -> its stem.
pub fn model_name(path: &Path) -> String {
    let file = path.file_name().and_then(|n| n.to_str()).unwrap_or("model");
    let stem = file.strip_suffix(".bin").unwrap_or(file);
    stem.strip_prefix("ggml-").unwrap_or(stem).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_names_come_from_ggml_file_names() {
        assert_eq!(model_name(Path::new("models/ggml-tiny.en.bin")), "tiny.en");
        assert_eq!(model_name(Path::new("/x/ggml-base.bin")), "base");
        assert_eq!(model_name(Path::new("custom.bin")), "custom");
    }
}
