//! Audio ingest: a recording file hashed, decoded, transcribed with Whisper, its speech
//! attributed to speakers (by voice or by channel) and stored with its provenance.

use std::fs;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use time::{Date, OffsetDateTime};

use super::commit::commit_batch;
use super::dates::recording_date;
use super::inputs::{absolute, file_name};
use super::speakers::SPEAKERS_LOCK;
use super::{Failure, Outcome, Reach};
use crate::audio::silero::Silero;
use crate::audio::vad::VadConfig;
use crate::audio::{self, DecodedAudio};
use crate::claims::Rules;
use crate::error::{Error, Result};
use crate::hash::sha256_file;
use crate::model::{DiarizationInfo, Recording, Segment, SourceKind, Span, Transcript};
use crate::phase;
use crate::speakers::diarize::{self, DiarizeConfig};
use crate::speakers::encoder::VoiceEncoder;
use crate::speakers::registry::{Registry, GE2E_MATCH, MATCH_THRESHOLD};
use crate::speakers::voice::{VoiceModel, VoiceModelKind};
use crate::speakers::{self};
use crate::store::Store;
use crate::transcribe::{TranscribeOptions, WhisperModel, WordTimes};

/// What an ingest run needs besides the files.
#[derive(Debug, Clone)]
pub struct IngestConfig {
    /// The ggml model file.
    pub model_path: PathBuf,
    /// Transcription options.
    pub options: TranscribeOptions,
    /// A recording date given by the user, overriding every other source.
    pub date: Option<Date>,
    /// Voice activity detection settings; `None` gives Whisper the whole recording.
    pub vad: Option<VadConfig>,
    /// The second voice detector's weights (Silero), which must also hear speech where a gap
    /// marker is written; `None`: gap markers rest on the first detector alone.
    pub gap_check: Option<PathBuf>,
    /// Where word start times come from.
    pub word_times: WordTimes,
    /// How speakers are attributed.
    pub speakers: SpeakerMode,
}

/// How [`Ingester`] attributes speech to speakers.
#[derive(Debug, Clone, PartialEq)]
pub enum SpeakerMode {
    /// Not at all: segments have no speaker.
    Off,
    /// By voice: diarization with the encoder weights at `model_path`.
    Voice {
        /// Resemblyzer's `pretrained.pt`.
        model_path: PathBuf,
        /// Diarization settings.
        config: DiarizeConfig,
        /// The second voice model (ECAPA) and what it settles.
        verifier: VerifierModel,
    },
    /// One speaker per channel of a multi-channel recording (by voice for mono ones).
    Channels {
        /// Resemblyzer's `pretrained.pt` (for the speakers' voice centroids).
        model_path: PathBuf,
        /// Diarization settings for mono recordings.
        config: DiarizeConfig,
    },
}

/// The second voice model's checkpoint (ECAPA) and what it settles ([`diarize::Verifier`]).
#[derive(Debug, Clone, PartialEq)]
pub enum VerifierModel {
    /// Not installed: GE2E alone.
    Off,
    /// The default when installed: whether a recording GE2E splits holds one voice, and which
    /// parts of a centred cluster are different people, by this model.
    OneVoice(VoiceModelKind, PathBuf),
    /// `--voiceprints`: who is one person within and across recordings (ECAPA, whose
    /// voiceprints the store keeps).
    Voiceprints(PathBuf),
}

impl VerifierModel {
    /// The default for `models_dir`: the one-voice check when the ECAPA weights are there,
    /// else a note on stderr that says how to fetch them.
    pub fn default_in(models_dir: &Path) -> Self {
        let path = crate::models::ecapa::weights_path(models_dir);
        if path.exists() {
            return VerifierModel::OneVoice(VoiceModelKind::Ecapa, path);
        }
        eprintln!(
            "note: the second voice model is not in {} (`verbatim models fetch ecapa`): a \
             recording that the first splits is not checked for being one voice",
            models_dir.display()
        );
        VerifierModel::Off
    }

    fn kind(&self) -> Option<VoiceModelKind> {
        match self {
            VerifierModel::Off => None,
            VerifierModel::OneVoice(kind, _) => Some(*kind),
            VerifierModel::Voiceprints(_) => Some(VoiceModelKind::Ecapa),
        }
    }

    fn path(&self) -> Option<&Path> {
        match self {
            VerifierModel::Off => None,
            VerifierModel::OneVoice(_, path) | VerifierModel::Voiceprints(path) => Some(path),
        }
    }
}

/// Ingests files into a store, loading the model only when a file needs transcribing.
pub struct Ingester<'a> {
    store: &'a mut Store,
    config: IngestConfig,
    rules: &'a Rules,
    model: Option<WhisperModel>,
    second_detector: Option<Arc<Silero>>,
    encoder: Option<VoiceEncoder>,
    verifier: Option<VoiceModel>,
    /// The threads diarization runs on: `--threads` of them, as Whisper has (none made when
    /// speakers are off).
    threads: Option<rayon::ThreadPool>,
}

impl<'a> Ingester<'a> {
    /// An ingester writing into `store`.
    pub fn new(store: &'a mut Store, config: IngestConfig, rules: &'a Rules) -> Self {
        // only when speakers are attributed; when the pool cannot be made, diarization runs on
        // rayon's global pool instead
        let threads = (config.speakers != SpeakerMode::Off)
            .then(|| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(config.options.threads.max(1))
                    .thread_name(|i| format!("verbatim-diarize-{i}"))
                    .build()
                    .ok()
            })
            .flatten();
        Self {
            store,
            config,
            rules,
            model: None,
            second_detector: None,
            encoder: None,
            verifier: None,
            threads,
        }
    }

    /// Ingests one file: hashes it, decodes and transcribes it, attributes its speakers and
    /// stores it with its claims, embeddings and index entries. A file that cannot be used is
    /// [`Failure::File`]; a model that cannot be loaded or a store that cannot be written is
    /// [`Failure::Batch`].
    pub fn ingest_file(
        &mut self,
        path: &Path,
        progress: Rc<dyn Fn(i32)>,
    ) -> Result<Outcome, Failure> {
        let size_bytes = fs::metadata(path)
            .map_err(|e| Error::io(path, e))
            .or_file()?
            .len();
        if size_bytes == 0 {
            return Err(Failure::File(Error::EmptyFile { path: path.into() }));
        }
        let sha256 = sha256_file(path).or_file()?;
        if let Some(existing) = self.store.find_by_sha256(&sha256) {
            return Ok(Outcome::AlreadyPresent(Box::new(existing.clone())));
        }
        let per_channel = matches!(self.config.speakers, SpeakerMode::Channels { .. });
        let decoded = if per_channel {
            audio::decode_file_channels(path)
        } else {
            audio::decode_file(path)
        }
        .or_file()?;
        if self.model.is_none() {
            let model = WhisperModel::load_with(&self.config.model_path, self.config.word_times)
                .or_batch()?;
            model.check_options(&self.config.options).or_batch()?;
            self.model = Some(model);
        }
        if self.second_detector.is_none() {
            if let (Some(_), Some(path)) = (self.config.vad, &self.config.gap_check) {
                self.second_detector = Some(Arc::new(Silero::load(path).or_batch()?));
            }
        }
        let model = self.model.as_ref().expect("model was just loaded");
        let speech = self.config.vad.map(|vad| {
            audio::vad::Speech::detect(&decoded.samples, &vad)
                .with_second_detector(self.second_detector.clone())
        });
        let transcription = model
            .transcribe(
                path,
                &decoded.samples,
                speech.as_ref(),
                &self.config.options,
                progress,
            )
            .or_file()?;
        let vad = self
            .config
            .vad
            .map_or_else(|| "off".to_string(), |v| v.describe());
        let (recording_date, date_source) = recording_date(self.config.date, path, &decoded);
        let mut settings = model.settings(&self.config.options, &resampler_name(&decoded), &vad);
        settings.gap_check = speech
            .as_ref()
            .and_then(|s| s.second_detector())
            .map(|_| crate::audio::silero::describe());
        let model_info = model.info().clone();
        let mut segments = transcription.segments;
        let diarized = self
            .diarize(&decoded, speech.map(|s| s.spans), &segments)
            .or_batch()?;
        // From giving the speakers store-wide ids until the recording is stored, the registry
        // is locked: a rename meanwhile would miss this recording, and a crash leaves members
        // that `sync` can tell from an ingest still under way.
        let _speakers_lock = match &diarized {
            Some(_) => Some(self.store.lock_named(SPEAKERS_LOCK).or_batch()?),
            None => None,
        };
        self.store.reload().or_batch()?;
        if let Some(existing) = self.store.find_by_sha256(&sha256) {
            return Ok(Outcome::AlreadyPresent(Box::new(existing.clone())));
        }
        let diarization = match diarized {
            Some(diarized) => Some(
                self.name_speakers(&sha256, diarized, &mut segments)
                    .or_batch()?,
            ),
            None => None,
        };
        let recording = Recording {
            name: file_name(path),
            source_path: absolute(path),
            size_bytes,
            sha256: sha256.clone(),
            recording_date,
            date_source,
            duration_ms: decoded.duration_ms(),
            settings: Some(settings),
            source: SourceKind::Audio,
            audio: Some(decoded.source),
            model: Some(model_info),
            verbatim_version: crate::VERSION.into(),
            ingested_at: OffsetDateTime::now_utc(),
            segment_count: segments.len(),
            diarization,
            transcribed_by: None,
        };
        let transcript = Transcript {
            sha256,
            language: transcription.language,
            segments,
            faint_activity: transcription.faint_activity,
        };
        let mut outcomes =
            commit_batch(self.store, self.rules, vec![(recording, transcript)]).or_batch()?;
        Ok(outcomes.pop().expect("one outcome per recording"))
    }
}

/// A recording's speakers as diarization found them, before they have store-wide ids.
struct Diarized {
    /// The segments, split where the speaker changes, with each one's local speaker.
    segments: Vec<(Segment, Option<usize>)>,
    speakers: Vec<speakers::diarize::LocalSpeaker>,
    info: DiarizationInfo,
}

impl Ingester<'_> {
    /// Diarizes (or splits by channel), gives each word its speaker and splits segments at
    /// changes. None when speakers are off. The only error is the voice model failing to load.
    fn diarize(
        &mut self,
        decoded: &DecodedAudio,
        speech: Option<Vec<Span>>,
        segments: &[Segment],
    ) -> Result<Option<Diarized>> {
        let (model_path, config, per_channel, verifier_model) = match &self.config.speakers {
            SpeakerMode::Off => return Ok(None),
            SpeakerMode::Voice {
                model_path,
                config,
                verifier,
            } => (model_path, config, false, verifier),
            SpeakerMode::Channels { model_path, config } => {
                (model_path, config, true, &VerifierModel::Off)
            }
        };
        if self.encoder.is_none() {
            self.encoder = Some(VoiceEncoder::load(model_path)?);
        }
        if let Some(path) = verifier_model.path() {
            let kind = verifier_model
                .kind()
                .expect("a model with a path has a kind");
            if self.verifier.as_ref().map(VoiceModel::kind) != Some(kind) {
                self.verifier = Some(kind.load(path)?);
            }
        }
        let encoder = self.encoder.as_ref().expect("encoder was just loaded");
        let verifier = match (verifier_model, self.verifier.as_ref()) {
            (VerifierModel::OneVoice(..), Some(model)) => diarize::Verifier::OneVoice(model),
            (VerifierModel::Voiceprints(_), Some(model)) => diarize::Verifier::Voiceprints(model),
            _ => diarize::Verifier::Off,
        };
        let speech = speech
            .unwrap_or_else(|| audio::vad::speech_spans(&decoded.samples, &VadConfig::default()));
        let speech_ms: u64 = speech.iter().map(|s| s.end_ms - s.start_ms).sum();
        let run = || {
            if per_channel && decoded.channels.len() > 1 {
                (
                    diarize::by_channels(encoder, &decoded.channels, &speech, config),
                    format!(
                        "one speaker per channel ({} channels)",
                        decoded.channels.len()
                    ),
                )
            } else {
                let method = match verifier {
                    diarize::Verifier::Voiceprints(model) => {
                        format!("{}; voiceprints: {}", config.describe(), model.name())
                    }
                    diarize::Verifier::OneVoice(model) => format!(
                        "{}; what centring joined is split where voiceprints are under {}, and \
                         two voices found are one voice when their voiceprints reach {}: {}",
                        config.describe(),
                        model.bars().apart,
                        model.bars().one_voice,
                        model.name()
                    ),
                    diarize::Verifier::Off => config.describe(),
                };
                (
                    diarize::diarize(encoder, verifier, &decoded.samples, &speech, config),
                    method,
                )
            }
        };
        let verifier_used = !matches!(verifier, diarize::Verifier::Off) && !per_channel;
        let (diarization, method) = match &self.threads {
            Some(pool) => pool.install(run),
            None => run(),
        };
        let note = if per_channel && decoded.channels.len() < 2 {
            Some("--channels on a mono file: speakers were told apart by voice".to_string())
        } else {
            config.note(speech_ms, diarization.speakers.len())
        };
        Ok(Some(Diarized {
            segments: diarize::attribute(segments, &diarization),
            info: DiarizationInfo {
                model: speakers::encoder::MODEL_NAME.into(),
                model_sha256: encoder.sha256().into(),
                voiceprint_model: self
                    .verifier
                    .as_ref()
                    .filter(|_| verifier_used)
                    .map(|m| m.name().into()),
                voiceprint_sha256: self
                    .verifier
                    .as_ref()
                    .filter(|_| verifier_used)
                    .map(|m| m.sha256().into()),
                method,
                speakers: diarization.speakers.len(),
                note,
            },
            speakers: diarization.speakers,
        }))
    }

    /// Gives a recording's speakers store-wide ids and labels from the registry (matching
    /// known voices) and saves it. Call with the speakers lock held.
    fn name_speakers(
        &self,
        sha256: &str,
        diarized: Diarized,
        segments: &mut Vec<Segment>,
    ) -> Result<DiarizationInfo> {
        let store_root = self.store.root();
        let mut registry = Registry::load(store_root)?;
        let ids = registry.assign(sha256, &diarized.speakers, MATCH_THRESHOLD, GE2E_MATCH);
        registry.save(store_root)?;
        phase::reached(phase::SPEAKERS_NAMED);
        *segments = diarized
            .segments
            .into_iter()
            .map(|(mut segment, local)| {
                if let Some(local) = local {
                    segment.speaker = Some(registry.label(&ids[local]));
                    segment.speaker_id = Some(ids[local].clone());
                }
                segment
            })
            .collect();
        Ok(diarized.info)
    }
}

fn resampler_name(decoded: &DecodedAudio) -> String {
    if decoded.source.sample_rate == audio::WHISPER_SAMPLE_RATE {
        "none (16 kHz source), channels averaged".into()
    } else {
        format!(
            "rubato FftFixedIn {} Hz -> 16000 Hz, channels averaged",
            decoded.source.sample_rate
        )
    }
}
