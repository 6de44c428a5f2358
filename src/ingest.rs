//! The ingest pipeline: hash, decode, transcribe, store. One file's failure is reported and the
//! batch carries on; a recording reaches the store whole or not at all.

use std::fs;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::OnceLock;

use regex::Regex;
use time::{Date, OffsetDateTime};

use crate::audio::vad::VadConfig;
use crate::audio::{self, DecodedAudio};
use crate::claims::{self, ClaimSet, Rules, CLAIMS_DIR};
use crate::error::{Error, Result};
use crate::hash::sha256_file;
use crate::hash::sha256_hex;
use crate::import::{self, ImportFormat};
use crate::meaning::encoder::{TextEncoder, WEIGHTS_SHA256};
use crate::meaning::vectors::{SegmentVectors, EMBEDDINGS_DIR};
use crate::model::{
    parse_iso_date, DateSource, DiarizationInfo, Recording, Segment, SourceKind, Span, Transcript,
};
use crate::phase;
use crate::search::meaning::vectors_file;
use crate::search::SearchIndex;
use crate::speakers::diarize::{self, DiarizeConfig};
use crate::speakers::encoder::VoiceEncoder;
use crate::speakers::registry::{Job, Registry, MATCH_THRESHOLD};
use crate::speakers::{self};
use crate::store::{Added, Store};
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
    },
    /// One speaker per channel of a multi-channel recording (by voice for mono ones).
    Channels {
        /// Resemblyzer's `pretrained.pt` (for the speakers' voice centroids).
        model_path: PathBuf,
        /// Diarization settings for mono recordings.
        config: DiarizeConfig,
    },
}

/// One input, as found on the command line or in a folder.
#[derive(Debug)]
pub enum Input {
    /// A file to ingest.
    File(PathBuf),
    /// A file passed over, with the reason (a folder's non-audio file).
    Skipped(PathBuf, String),
    /// An input that cannot be ingested at all (missing path, empty folder).
    Failed(PathBuf, Error),
}

/// What happened to one file.
#[derive(Debug)]
pub enum Outcome {
    /// Transcribed and stored.
    Added(Box<Recording>),
    /// These bytes were stored already; nothing changed.
    AlreadyPresent(Box<Recording>),
}

/// Expands paths into inputs: files as given (whatever their extension), folders walked in
/// name order for files with an audio extension.
pub fn collect_inputs(paths: &[PathBuf]) -> Vec<Input> {
    collect_matching(paths, audio::has_audio_extension, "audio")
}

/// Transcript file extensions `verbatim import` picks up in folders.
pub const TRANSCRIPT_EXTENSIONS: &[&str] = &["srt", "vtt", "json", "txt", "md"];

/// As [`collect_inputs`], for transcript files.
pub fn collect_transcript_inputs(paths: &[PathBuf]) -> Vec<Input> {
    collect_matching(
        paths,
        |path| {
            path.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| TRANSCRIPT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        },
        "transcript",
    )
}

fn collect_matching(paths: &[PathBuf], wanted: fn(&Path) -> bool, what: &str) -> Vec<Input> {
    let mut inputs = Vec::new();
    for path in paths {
        match fs::metadata(path) {
            Err(e) => inputs.push(Input::Failed(path.clone(), Error::io(path, e))),
            Ok(meta) if meta.is_dir() => {
                let before = inputs.len();
                walk(path, wanted, what, &mut inputs);
                let found = inputs[before..].iter().any(|i| matches!(i, Input::File(_)));
                if !found {
                    inputs.push(Input::Failed(
                        path.clone(),
                        Error::Invalid(format!(
                            "{}: no {what} files in this folder",
                            path.display()
                        )),
                    ));
                }
            }
            Ok(_) => inputs.push(Input::File(path.clone())),
        }
    }
    inputs
}

/// Walks a folder depth-first in name order (walkdir), following symbolic links with walkdir's
/// loop check, and skipping hidden files and folders: each file is an input, or skipped by its
/// extension; an unreadable entry or a link loop is a failed input that names its path.
fn walk(dir: &Path, wanted: fn(&Path) -> bool, what: &str, inputs: &mut Vec<Input>) {
    let hidden = |entry: &walkdir::DirEntry| {
        entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with('.')
    };
    let entries = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !hidden(e));
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                let error = match e.loop_ancestor() {
                    Some(ancestor) => Error::Invalid(format!(
                        "{}: a symbolic link loop back to {}; not followed",
                        path.display(),
                        ancestor.display()
                    )),
                    None => Error::io(
                        &path,
                        e.into_io_error()
                            .unwrap_or_else(|| std::io::Error::other("unreadable folder entry")),
                    ),
                };
                inputs.push(Input::Failed(path, error));
                continue;
            }
        };
        if entry.file_type().is_dir() {
            continue;
        }
        let path = entry.into_path();
        if wanted(&path) {
            inputs.push(Input::File(path));
        } else {
            let article = if what.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            inputs.push(Input::Skipped(
                path,
                format!("not {article} {what} file extension"),
            ));
        }
    }
}

/// Ingests files into a store, loading the model only when a file needs transcribing.
pub struct Ingester<'a> {
    store: &'a mut Store,
    config: IngestConfig,
    rules: &'a Rules,
    model: Option<WhisperModel>,
    encoder: Option<VoiceEncoder>,
}

impl<'a> Ingester<'a> {
    /// An ingester writing into `store`.
    pub fn new(store: &'a mut Store, config: IngestConfig, rules: &'a Rules) -> Self {
        Self {
            store,
            config,
            rules,
            model: None,
            encoder: None,
        }
    }

    /// Ingests one file. `Ok(Err(_))` is this file's failure (the batch goes on); `Err(_)` is
    /// fatal for the batch (the model cannot be loaded, the store cannot be written).
    pub fn ingest_file(
        &mut self,
        path: &Path,
        progress: Rc<dyn Fn(i32)>,
    ) -> Result<Result<Outcome>> {
        let size_bytes = match fs::metadata(path) {
            Ok(meta) => meta.len(),
            Err(e) => return Ok(Err(Error::io(path, e))),
        };
        if size_bytes == 0 {
            return Ok(Err(Error::EmptyFile { path: path.into() }));
        }
        let sha256 = match sha256_file(path) {
            Ok(hash) => hash,
            Err(e) => return Ok(Err(e)),
        };
        if let Some(existing) = self.store.find_by_sha256(&sha256) {
            return Ok(Ok(Outcome::AlreadyPresent(Box::new(existing.clone()))));
        }
        let per_channel = matches!(self.config.speakers, SpeakerMode::Channels { .. });
        let decoded = match if per_channel {
            audio::decode_file_channels(path)
        } else {
            audio::decode_file(path)
        } {
            Ok(decoded) => decoded,
            Err(e) => return Ok(Err(e)),
        };
        if self.model.is_none() {
            self.model = Some(WhisperModel::load_with(
                &self.config.model_path,
                self.config.word_times,
            )?);
        }
        let model = self.model.as_ref().expect("model was just loaded");
        let speech = self
            .config
            .vad
            .map(|vad| audio::vad::speech_spans(&decoded.samples, &vad));
        let transcription = match model.transcribe(
            path,
            &decoded.samples,
            speech.as_deref(),
            &self.config.options,
            progress,
        ) {
            Ok(t) => t,
            Err(e @ Error::Invalid(_)) => return Err(e),
            Err(e) => return Ok(Err(e)),
        };
        let vad = self
            .config
            .vad
            .map_or_else(|| "off".to_string(), |v| v.describe());
        let (recording_date, date_source) = recording_date(self.config.date, path, &decoded);
        let settings = model.settings(&self.config.options, &resampler_name(&decoded), &vad);
        let model_info = model.info().clone();
        let mut segments = transcription.segments;
        let diarized = match self.diarize(&decoded, speech, &segments) {
            Ok(diarized) => diarized,
            Err(e @ (Error::Model { .. } | Error::CorruptStore { .. } | Error::Io { .. })) => {
                return Err(e)
            }
            Err(e) => return Ok(Err(e)),
        };
        // From giving the speakers store-wide ids until the recording is stored, the registry
        // is locked: a rename meanwhile would miss this recording, and a crash leaves members
        // that `sync` can tell from an ingest still under way.
        let _speakers_lock = match &diarized {
            Some(_) => Some(self.store.lock_named(SPEAKERS_LOCK)?),
            None => None,
        };
        self.store.reload()?;
        if let Some(existing) = self.store.find_by_sha256(&sha256) {
            return Ok(Ok(Outcome::AlreadyPresent(Box::new(existing.clone()))));
        }
        let diarization = match diarized {
            Some(diarized) => Some(self.name_speakers(&sha256, diarized, &mut segments)?),
            None => None,
        };
        let recording = Recording {
            name: path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into(),
            ),
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
        };
        let transcript = Transcript {
            sha256,
            language: transcription.language,
            segments,
        };
        let mut outcomes = commit_batch(self.store, self.rules, vec![(recording, transcript)])?;
        Ok(Ok(outcomes.pop().expect("one outcome per recording")))
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
    /// changes. None when speakers are off.
    fn diarize(
        &mut self,
        decoded: &DecodedAudio,
        speech: Option<Vec<Span>>,
        segments: &[Segment],
    ) -> Result<Option<Diarized>> {
        let (model_path, config, per_channel) = match &self.config.speakers {
            SpeakerMode::Off => return Ok(None),
            SpeakerMode::Voice { model_path, config } => (model_path, config, false),
            SpeakerMode::Channels { model_path, config } => (model_path, config, true),
        };
        if self.encoder.is_none() {
            self.encoder = Some(VoiceEncoder::load(model_path)?);
        }
        let encoder = self.encoder.as_ref().expect("encoder was just loaded");
        let speech = speech
            .unwrap_or_else(|| audio::vad::speech_spans(&decoded.samples, &VadConfig::default()));
        let (diarization, method) = if per_channel && decoded.channels.len() > 1 {
            (
                diarize::by_channels(encoder, &decoded.channels, &speech, config),
                format!(
                    "one speaker per channel ({} channels)",
                    decoded.channels.len()
                ),
            )
        } else {
            (
                diarize::diarize(encoder, &decoded.samples, &speech, config),
                config.describe(),
            )
        };
        Ok(Some(Diarized {
            segments: diarize::attribute(segments, &diarization),
            info: DiarizationInfo {
                model: speakers::encoder::MODEL_NAME.into(),
                model_sha256: encoder.sha256().into(),
                method,
                speakers: diarization.speakers.len(),
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
        let ids = registry.assign(sha256, &diarized.speakers, MATCH_THRESHOLD);
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

/// The lock that serialises changes to the speaker registry and their propagation.
pub const SPEAKERS_LOCK: &str = "speakers.lock";

/// Makes stored recordings follow the registry: each pending job's transcript gets its speaker
/// ids rewritten and its labels refreshed, its claims are extracted again, and the recordings
/// are indexed again in one commit; then the registry is saved without the jobs. Call with the
/// speakers lock held. Returns the recordings changed.
pub fn apply_speaker_jobs(store: &Store, rules: &Rules, registry: &mut Registry) -> Result<usize> {
    if registry.pending.is_empty() {
        return Ok(0);
    }
    // the manifest as it is now, under the lock: another process may have stored recordings
    // since `store` was opened
    let store = &Store::open(store.root())?;
    let mut updated = Vec::new();
    for job in &registry.pending {
        let Some(recording) = store.find_by_sha256(&job.sha256) else {
            continue;
        };
        let mut transcript = store.transcript(recording)?;
        for segment in &mut transcript.segments {
            let Some(id) = segment.speaker_id.as_mut() else {
                continue;
            };
            if let Some((_, new)) = job.rewrite.iter().find(|(old, _)| old == id) {
                *id = new.clone();
            }
            if let Some(speaker) = registry.get(id) {
                *id = speaker.id.clone();
            }
            segment.speaker = Some(registry.label(id));
        }
        store.replace_transcript(recording, &transcript)?;
        let claims = refresh_claims(store, rules, recording, &transcript)?;
        updated.push((recording, transcript, claims));
    }
    let batch: Vec<(&Recording, &Transcript, Option<&ClaimSet>)> =
        updated.iter().map(|(r, t, c)| (*r, t, Some(c))).collect();
    SearchIndex::open(store.root())?.put_many(&batch)?;
    registry.pending.clear();
    registry.save(store.root())?;
    Ok(updated.len())
}

/// Changes the speaker registry and carries the change into transcripts, claims and the index,
/// all under the speakers lock: jobs a crash left are finished first, then `change` edits the
/// registry and returns its outcome and [`Job`]s, the registry is saved with the jobs as
/// `pending` (one atomic write), and the jobs run ([`apply_speaker_jobs`]). Every rename, merge
/// and split-off goes through here. Returns `change`'s outcome and the recordings updated.
pub fn change_speakers<T>(
    store: &Store,
    rules: &Rules,
    change: impl FnOnce(&mut Registry) -> Result<(T, Vec<Job>)>,
) -> Result<(T, usize)> {
    let _lock = store.lock_named(SPEAKERS_LOCK)?;
    let mut registry = Registry::load(store.root())?;
    apply_speaker_jobs(store, rules, &mut registry)?;
    let (outcome, jobs) = change(&mut registry)?;
    registry.pending = jobs;
    registry.save(store.root())?;
    let updated = apply_speaker_jobs(store, rules, &mut registry)?;
    Ok((outcome, updated))
}

/// What [`rename_speaker`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renamed {
    /// The speaker's id (an id merged away resolves to the speaker it joined).
    pub id: String,
    /// The name it has now (trimmed).
    pub name: String,
    /// The recordings whose transcripts, claims and index entries now show the name.
    pub recordings: usize,
}

/// Names the speaker `speaker` (an id such as `S3`, or its current name) `name`, everywhere:
/// the registry, then transcripts, claims and the index. The name is validated by
/// [`Registry::rename`] (1 to 80 characters, no control characters, not shaped like an id,
/// no other speaker's name); a refusal is `Error::Invalid` and changes nothing. `verbatim
/// speakers rename` and the web page's form both call this.
pub fn rename_speaker(store: &Store, rules: &Rules, speaker: &str, name: &str) -> Result<Renamed> {
    let ((id, name), recordings) = change_speakers(store, rules, |registry| {
        let id = registry.find(speaker)?.id.clone();
        let jobs = registry.rename(speaker, name)?;
        Ok(((id.clone(), registry.label(&id)), jobs))
    })?;
    Ok(Renamed {
        id,
        name,
        recordings,
    })
}

/// Stores a batch of new recordings in one store transaction, extracts and stores their
/// claims, then indexes them in one index commit. Returns one outcome per recording, in order.
/// A crash part way leaves recordings without claims or not indexed, which [`sync`] mends on
/// the next run.
pub fn commit_batch(
    store: &mut Store,
    rules: &Rules,
    batch: Vec<(Recording, Transcript)>,
) -> Result<Vec<Outcome>> {
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    let added = store.add_many(batch.iter().map(|(r, t)| (r.clone(), t)).collect())?;
    phase::reached(phase::STORED);
    let mut new = Vec::new();
    for ((recording, transcript), added) in batch.iter().zip(&added) {
        if *added == Added::New {
            let claims = refresh_claims(store, rules, recording, transcript)?;
            phase::reached(phase::CLAIMS_STORED);
            if let Some(model) = &rules.meaning {
                put_embeddings(store, &*model.encoder()?, recording, transcript)?;
                phase::reached(phase::EMBEDDED);
            }
            new.push((recording, transcript, claims));
        }
    }
    let new: Vec<(&Recording, &Transcript, Option<&ClaimSet>)> =
        new.iter().map(|(r, t, c)| (*r, *t, Some(c))).collect();
    SearchIndex::open(store.root())?.put_many(&new)?;
    phase::reached(phase::INDEXED);
    Ok(batch
        .into_iter()
        .zip(added)
        .map(|((recording, _), added)| match added {
            Added::New => Outcome::Added(Box::new(recording)),
            Added::AlreadyPresent(existing) => Outcome::AlreadyPresent(existing),
        })
        .collect())
}

/// A transcript file read and parsed, ready for [`commit_batch`].
#[derive(Debug)]
pub enum Prepared {
    /// A recording not in the store yet.
    New(Box<Recording>, Transcript),
    /// These bytes are stored already.
    Present(Box<Recording>),
}

/// Extracts a recording's claims with `rules` and stores them (replacing any): the one place
/// claims are written, whether a recording was just stored, its speakers renamed, the rules
/// changed (`claims --rescan`) or a crash left them missing.
pub fn refresh_claims(
    store: &Store,
    rules: &Rules,
    recording: &Recording,
    transcript: &Transcript,
) -> Result<ClaimSet> {
    let claims = claims::extract(rules, recording, transcript)?;
    store.put_derived(CLAIMS_DIR, &recording.sha256, &claims)?;
    Ok(claims)
}

/// Mends what a crash left half done: finishes pending speaker changes and forgets registry
/// members of recordings that were never stored, extracts the claims of stored recordings that
/// have none (with `rules`), then indexes recordings the index lacks. Returns (claims files
/// written, recordings indexed).
pub fn sync(store: &Store, rules: &Rules) -> Result<(usize, usize)> {
    let registry = Registry::load(store.root())?;
    let unfinished = !registry.pending.is_empty()
        || registry
            .speakers
            .iter()
            .flat_map(|s| &s.members)
            .any(|m| store.find_by_sha256(&m.sha256).is_none());
    if unfinished {
        let _lock = store.lock_named(SPEAKERS_LOCK)?;
        // under the lock no ingest is between naming its speakers and storing its recording,
        // so members of recordings the store lacks are a crash's leftovers
        let fresh = Store::open(store.root())?;
        let mut registry = Registry::load(store.root())?;
        if registry.forget_absent(|sha256| fresh.find_by_sha256(sha256).is_some()) {
            registry.save(store.root())?;
        }
        apply_speaker_jobs(&fresh, rules, &mut registry)?;
    }
    let mut extracted = 0;
    for recording in store.recordings() {
        if !store.has_derived(CLAIMS_DIR, &recording.sha256) {
            let transcript = store.transcript(recording)?;
            refresh_claims(store, rules, recording, &transcript)?;
            extracted += 1;
        }
    }
    if let Some(model) = &rules.meaning {
        sync_embeddings(store, &*model.encoder()?, false)?;
    }
    let indexed = SearchIndex::open(store.root())?.sync(store)?;
    Ok((extracted, indexed))
}

/// Embeds a recording's speech segments with the sentence model and stores them, for search
/// by meaning.
pub fn put_embeddings(
    store: &Store,
    encoder: &TextEncoder,
    recording: &Recording,
    transcript: &Transcript,
) -> Result<()> {
    let speech: Vec<&crate::model::Segment> = transcript
        .segments
        .iter()
        .filter(|s| s.is_speech())
        .collect();
    let texts: Vec<&str> = speech.iter().map(|s| s.text.as_str()).collect();
    let vectors = encoder.embed(&texts)?;
    let rows: Vec<(usize, Vec<f32>)> = speech.iter().map(|s| s.index).zip(vectors).collect();
    let vectors = SegmentVectors::new(WEIGHTS_SHA256, &rows);
    store.put_derived_bytes(
        EMBEDDINGS_DIR,
        &vectors_file(&recording.sha256),
        &vectors.to_bytes(),
    )
}

/// Embeds the recordings whose segment embeddings are missing (a crash, or a store made
/// before the model was installed), or every recording with `rebuild`. Returns how many.
pub fn sync_embeddings(store: &Store, encoder: &TextEncoder, rebuild: bool) -> Result<usize> {
    let mut count = 0;
    for recording in store.recordings() {
        let file = vectors_file(&recording.sha256);
        let current = !rebuild
            && store
                .derived_bytes(EMBEDDINGS_DIR, &file)?
                .and_then(|bytes| SegmentVectors::from_bytes(&bytes).ok())
                .is_some_and(|v| v.model_sha256 == WEIGHTS_SHA256);
        if !current {
            put_embeddings(store, encoder, recording, &store.transcript(recording)?)?;
            count += 1;
        }
    }
    Ok(count)
}

/// Extracts every recording's claims again with `rules` and rebuilds the index (whose claim
/// kinds follow the claims). Returns the number of claims.
pub fn rescan(store: &Store, rules: &Rules) -> Result<usize> {
    let mut count = 0;
    for recording in store.recordings() {
        let transcript = store.transcript(recording)?;
        count += refresh_claims(store, rules, recording, &transcript)?
            .claims
            .len();
    }
    if let Some(model) = &rules.meaning {
        sync_embeddings(store, &*model.encoder()?, true)?;
    }
    SearchIndex::recreate(store.root())?.rebuild(store)?;
    Ok(count)
}

/// Transcript files larger than this are refused rather than read into memory.
pub const MAX_TRANSCRIPT_BYTES: u64 = 256 * 1024 * 1024;

/// How a transcript file is read for import.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// The format, else detected from the extension and content.
    pub format: Option<ImportFormat>,
    /// The recording date, else an ISO date in the file name, else unknown.
    pub date: Option<Date>,
    /// The text encoding, else a byte-order mark's, else UTF-8, else Windows-1252.
    pub encoding: Option<import::encoding::TextEncoding>,
}

/// Reads and parses a transcript made elsewhere for import, without storing it
/// ([`commit_batch`] stores it). Its identity is the SHA-256 of the transcript file: the same
/// bytes again are [`Prepared::Present`]. An error is this file's failure.
pub fn prepare_import(store: &Store, path: &Path, options: ImportOptions) -> Result<Prepared> {
    let ImportOptions {
        format,
        date,
        encoding,
    } = options;
    let size = fs::metadata(path).map_err(|e| Error::io(path, e))?.len();
    if size == 0 {
        return Err(Error::EmptyFile { path: path.into() });
    }
    if size > MAX_TRANSCRIPT_BYTES {
        return Err(Error::Invalid(format!(
            "{}: {size} bytes is more than the {MAX_TRANSCRIPT_BYTES} a transcript may have",
            path.display()
        )));
    }
    let bytes = fs::read(path).map_err(|e| Error::io(path, e))?;
    let sha256 = sha256_hex(&bytes);
    if let Some(existing) = store.find_by_sha256(&sha256) {
        return Ok(Prepared::Present(Box::new(existing.clone())));
    }
    let size_bytes = bytes.len() as u64;
    let decoded = import::encoding::decode(&bytes, encoding).map_err(|e| Error::Malformed {
        path: path.into(),
        line: bytes[..e.offset].iter().filter(|b| **b == b'\n').count() + 1,
        reason: e.reason,
    })?;
    let text = decoded.text;
    let encoding =
        (decoded.how != import::encoding::How::Plain).then(|| decoded.encoding.name().to_string());
    let format = match format {
        Some(format) => format,
        None => import::detect_format(path, &text)?,
    };
    let segments = import::parse(path, &text, format)?;
    let name = file_name(path);
    let (recording_date, date_source) = match (date, date_in_name(&name)) {
        (Some(date), _) => (Some(date), DateSource::Argument),
        (None, Some(date)) => (Some(date), DateSource::FileName),
        (None, None) => (None, DateSource::Unknown),
    };
    let recording = Recording {
        name,
        source_path: absolute(path),
        source: SourceKind::ImportedTranscript {
            format: format.name().into(),
            encoding,
        },
        size_bytes,
        sha256: sha256.clone(),
        recording_date,
        date_source,
        duration_ms: segments.iter().map(|s| s.end_ms).max().unwrap_or(0),
        audio: None,
        model: None,
        settings: None,
        verbatim_version: crate::VERSION.into(),
        ingested_at: OffsetDateTime::now_utc(),
        segment_count: segments.len(),
        diarization: None,
    };
    let transcript = Transcript {
        sha256,
        language: "unknown".into(),
        segments,
    };
    Ok(Prepared::New(Box::new(recording), transcript))
}

/// The path as an absolute path (without resolving links), so that `verify` finds the source
/// from any folder.
fn absolute(path: &Path) -> String {
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into(),
    )
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

/// The recording date and its source: `--date`, else an ISO date in the file name, else the
/// container's date tag, else unknown. Never the file's modification time.
pub fn recording_date(
    argument: Option<Date>,
    path: &Path,
    decoded: &DecodedAudio,
) -> (Option<Date>, DateSource) {
    if let Some(date) = argument {
        return (Some(date), DateSource::Argument);
    }
    if let Some(date) = path
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(date_in_name)
    {
        return (Some(date), DateSource::FileName);
    }
    if let Some(date) = decoded.tagged_date {
        return (Some(date), DateSource::ContainerTag);
    }
    (None, DateSource::Unknown)
}

/// The first valid `YYYY-MM-DD` in a file name.
pub fn date_in_name(name: &str) -> Option<Date> {
    static ISO: OnceLock<Regex> = OnceLock::new();
    let iso = ISO
        .get_or_init(|| Regex::new(r"(?:^|\D)(\d{4}-\d{2}-\d{2})(?:\D|$)").expect("valid regex"));
    iso.captures_iter(name)
        .find_map(|c| parse_iso_date(c.get(1)?.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn dates_in_file_names() {
        assert_eq!(
            date_in_name("2021-09-14 security standup.wav"),
            Some(date!(2021 - 09 - 14))
        );
        assert_eq!(
            date_in_name("interview 2021-12-02.m4a"),
            Some(date!(2021 - 12 - 02))
        );
        assert_eq!(
            date_in_name("call_2022-01-11_final.ogg"),
            Some(date!(2022 - 01 - 11))
        );
        assert_eq!(date_in_name("2021-13-45 bad.wav"), None);
        assert_eq!(date_in_name("12021-09-14.wav"), None);
        assert_eq!(date_in_name("board call.ogg"), None);
    }

    #[test]
    fn missing_paths_and_empty_folders_fail_and_other_files_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.wav"), b"x").unwrap();
        fs::write(dir.path().join("notes.txt"), b"x").unwrap();
        fs::write(dir.path().join(".hidden.wav"), b"x").unwrap();
        let empty = dir.path().join("empty");
        fs::create_dir(&empty).unwrap();
        let missing = dir.path().join("missing.mp3");
        let inputs = collect_inputs(&[dir.path().to_path_buf(), missing.clone()]);
        let summary: Vec<String> = inputs
            .iter()
            .map(|i| match i {
                Input::File(p) => format!("file {}", p.file_name().unwrap().to_string_lossy()),
                Input::Skipped(p, _) => {
                    format!("skip {}", p.file_name().unwrap().to_string_lossy())
                }
                Input::Failed(p, _) => format!("fail {}", p.file_name().unwrap().to_string_lossy()),
            })
            .collect();
        assert_eq!(
            summary,
            ["file a.wav", "skip notes.txt", "fail missing.mp3"]
        );
    }
}
