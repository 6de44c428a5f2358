//! Whisper through whisper-rs: loading a ggml model and transcribing 16 kHz mono samples into
//! segments and words. Fetching and converting the models is [`crate::models`]' work.

use std::path::{Path, PathBuf};
use std::rc::Rc;

use whisper_rs::{
    DtwMode, DtwModelPreset, DtwParameters, FullParams, SamplingStrategy, WhisperContext,
    WhisperContextParameters,
};

use crate::audio::vad::Speech;
use crate::error::{Error, Result};
use crate::model::{hms, ModelInfo, Segment, SegmentFlag, Span, TranscribeSettings};
use crate::text::{assemble_words, is_non_speech, is_repetition_loop, normalized_words, RawToken};

pub mod pack;
use pack::Block;

/// How to transcribe.
#[derive(Debug, Clone, PartialEq)]
pub struct TranscribeOptions {
    /// ISO 639-1 language, or `None` to detect it (English-only models always use `en`).
    pub language: Option<String>,
    /// Translate speech to English (multilingual models only).
    pub translate: bool,
    /// Threads for Whisper.
    pub threads: usize,
    /// The characters Chinese speech is written in.
    pub chinese_script: ChineseScript,
    /// Beam width: 1 decodes greedily; more keeps that many candidate texts (Whisper's beam
    /// search, patience 1) at about that many times the decoder's cost.
    pub beam: usize,
}

/// The characters Chinese speech is written in: Whisper writes mainland speech in traditional
/// characters as often as not, so it is converted (OpenCC's tables, through `zhconv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChineseScript {
    /// Simplified characters, as the mainland writes.
    #[default]
    Simplified,
    /// Traditional characters, as Taiwan and Hong Kong write.
    Traditional,
    /// As Whisper wrote it.
    AsSpoken,
}

impl ChineseScript {
    /// `text` in this script.
    pub fn convert(self, text: &str) -> String {
        match self {
            // MediaWiki's zh-Hans table leaves 於 (also a surname) as it is; the mainland
            // standard, and OpenCC's t2s, write the preposition 于
            ChineseScript::Simplified => {
                zhconv::zhconv(text, zhconv::Variant::ZhHans).replace('於', "于")
            }
            ChineseScript::Traditional => zhconv::zhconv(text, zhconv::Variant::ZhHant),
            ChineseScript::AsSpoken => text.to_string(),
        }
    }

    fn name(self) -> &'static str {
        match self {
            ChineseScript::Simplified => "simplified",
            ChineseScript::Traditional => "traditional",
            ChineseScript::AsSpoken => "as-spoken",
        }
    }
}

impl std::str::FromStr for ChineseScript {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "simplified" => Ok(ChineseScript::Simplified),
            "traditional" => Ok(ChineseScript::Traditional),
            "as-spoken" => Ok(ChineseScript::AsSpoken),
            other => Err(format!(
                "unknown Chinese script {other:?} (simplified, traditional, as-spoken)"
            )),
        }
    }
}

impl Default for TranscribeOptions {
    fn default() -> Self {
        Self {
            language: None,
            translate: false,
            threads: default_threads(),
            chinese_script: ChineseScript::default(),
            beam: 1,
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
    /// Voice activity too faint or brief to be sure of speech, in which Whisper heard no
    /// words even on retry (see [`crate::audio::vad::CONFIDENT_SPEECH_MS`]).
    pub faint_activity: Vec<Span>,
}

/// A loaded ggml Whisper model.
pub struct WhisperModel {
    context: WhisperContext,
    info: ModelInfo,
    path: PathBuf,
    /// The DTW alignment-heads preset in use, if any.
    dtw: Option<&'static str>,
    word_times: WordTimes,
}

/// Where a word's start time comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WordTimes {
    /// Whisper's token timestamps (`t0`): on the sample corpus they run early (median -0.32 s).
    Tokens,
    /// DTW over the alignment heads (`t_dtw`): when the model emitted the token, which runs
    /// late (median +0.34 s) because a token is emitted once it has been heard.
    Dtw,
    /// The midpoint of the two, whose opposite biases cancel (median error 0.20 s against
    /// 0.34 s and 0.39 s on the corpus; see README). Falls back to tokens without DTW.
    #[default]
    Blend,
}

impl WordTimes {
    fn token_start(self, data: &whisper_rs::WhisperTokenData, dtw_available: bool) -> i64 {
        let dtw = (dtw_available && data.t_dtw >= 0).then_some(data.t_dtw);
        match (self, dtw) {
            (WordTimes::Dtw, Some(dtw)) => dtw,
            (WordTimes::Blend, Some(dtw)) => (dtw + data.t0) / 2,
            _ => data.t0,
        }
    }

    fn describe(self, heads: Option<&str>) -> String {
        match (self, heads) {
            (WordTimes::Tokens, _) | (_, None) => "token timestamps".into(),
            (WordTimes::Dtw, Some(heads)) => format!("dtw ({heads} alignment heads)"),
            (WordTimes::Blend, Some(heads)) => {
                format!("midpoint of token timestamp and dtw ({heads} alignment heads)")
            }
        }
    }
}

impl std::str::FromStr for WordTimes {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "tokens" => Ok(WordTimes::Tokens),
            "dtw" => Ok(WordTimes::Dtw),
            "blend" => Ok(WordTimes::Blend),
            other => Err(format!(
                "unknown word-time source {other:?} (blend, dtw, tokens)"
            )),
        }
    }
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
    /// Word times come from DTW over the alignment heads of the model's size where whisper.cpp
    /// has a preset for it, else from Whisper's token timestamps.
    pub fn load(path: &Path) -> Result<WhisperModel> {
        Self::load_with(path, WordTimes::default())
    }

    /// As [`Self::load`], choosing where word times come from.
    pub fn load_with(path: &Path, word_times: WordTimes) -> Result<WhisperModel> {
        let ggml = crate::models::convert::validate_ggml(path)?;
        let sha256 = crate::hash::sha256_file(path)?;
        // Routes whisper.cpp's own logging into the `log` facade, which is silent here.
        whisper_rs::install_logging_hooks();
        let path_text = path.to_str().ok_or_else(|| Error::Model {
            path: path.into(),
            reason: "the path is not valid UTF-8".into(),
        })?;
        let preset = dtw_preset(&ggml).filter(|_| word_times != WordTimes::Tokens);
        let mut params = WhisperContextParameters::default();
        if let Some((_, preset)) = &preset {
            params.dtw_parameters(DtwParameters {
                mode: DtwMode::ModelPreset {
                    model_preset: preset.clone(),
                },
                ..DtwParameters::default()
            });
        }
        let context =
            WhisperContext::new_with_params(path_text, params).map_err(|e| Error::Model {
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
            dtw: preset.map(|(name, _)| name),
            word_times,
        })
    }

    /// The model's name and hash, for provenance.
    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    /// Whether this model can do what `options` ask (translation needs a multilingual model).
    pub fn check_options(&self, options: &TranscribeOptions) -> Result<()> {
        if options.translate && !self.is_multilingual() {
            return Err(Error::Usage(format!(
                "--translate needs a multilingual model; {} is English-only",
                self.info.name
            )));
        }
        Ok(())
    }

    /// True for multilingual models (they can detect language and translate).
    fn is_multilingual(&self) -> bool {
        self.context.is_multilingual()
    }

    /// The settings that [`Self::transcribe`] will record for these options.
    pub fn settings(
        &self,
        options: &TranscribeOptions,
        resampler: &str,
        vad: &str,
    ) -> TranscribeSettings {
        TranscribeSettings {
            language: self.language_for(options).to_string(),
            translate: options.translate && self.is_multilingual(),
            threads: options.threads,
            strategy: strategy_name(options.beam),
            resampler: resampler.into(),
            word_times: self.word_times.describe(self.dtw),
            vad: vad.into(),
            chinese_script: self
                .is_multilingual()
                .then(|| options.chinese_script.name().to_string()),
            gap_check: None,
        }
    }

    fn language_for<'a>(&self, options: &'a TranscribeOptions) -> &'a str {
        if !self.is_multilingual() {
            return "en";
        }
        options.language.as_deref().unwrap_or("auto")
    }

    /// Transcribes 16 kHz mono samples. With `speech` (from voice activity detection) only
    /// speech is transcribed, packed into windows and mapped back to true times; a span that
    /// yields no words is retried and otherwise marked as a gap where the detectors are
    /// confident of speech ([`Speech::is_confident`]), or reported as faint activity where
    /// they are not. Without it the whole recording goes
    /// to Whisper in one call. `progress` receives an overall percentage.
    pub fn transcribe(
        &self,
        source: &Path,
        samples: &[f32],
        speech: Option<&Speech>,
        options: &TranscribeOptions,
        progress: Rc<dyn Fn(i32)>,
    ) -> Result<Transcription> {
        self.check_options(options)?;
        let language = self.language_for(options);
        let mut run = Run {
            model: self,
            source,
            samples,
            options,
            language,
            state: self.context.create_state().map_err(|e| Error::Transcribe {
                path: source.into(),
                reason: format!("cannot create a Whisper state: {e}"),
            })?,
        };
        let total_ms = samples_to_ms(samples.len());
        let mut segments = Vec::new();
        let mut faint_activity = Vec::new();
        let detected: Option<String>;
        match speech {
            None => {
                let whole = Block::whole(Span {
                    start_ms: 0,
                    end_ms: total_ms,
                });
                let report = progress.clone();
                let (found, lang) =
                    run.window(&whole, Attempt::First, move |p| report(p), false, None)?;
                segments = found;
                detected = lang;
            }
            Some(found_speech) => {
                let speech = &found_speech.spans[..];
                // speech packed end to end, decoded with context (see `pack`); with
                // `--language auto` on a multilingual model, each stretch's language is
                // detected and each run of one language is decoded in it
                let plan: Vec<(Block, Option<String>)> =
                    if self.is_multilingual() && language == "auto" {
                        run.plan_by_language(speech, total_ms)?
                    } else {
                        pack::pack(speech, total_ms, pack::MAX_BLOCK_MS)
                            .into_iter()
                            .map(|block| (block, None))
                            .collect()
                    };
                let speech_ms: u64 = plan.iter().map(|(b, _)| b.packed_ms()).sum::<u64>().max(1);
                let mut done_ms = 0;
                let mut by_language: Vec<(String, u64)> = Vec::new();
                for (i, (block, block_language)) in plan.iter().enumerate() {
                    let (report, before) = (progress.clone(), done_ms);
                    let share = block.packed_ms();
                    // another language's text is no context for this one
                    let independent = i > 0 && plan[i - 1].1 != *block_language;
                    let (mut found, mut lang) = run.window(
                        block,
                        Attempt::First,
                        move |p| {
                            let overall = (before + share * p.clamp(0, 100) as u64 / 100) * 100;
                            report((overall / speech_ms) as i32)
                        },
                        independent,
                        block_language.as_deref(),
                    )?;
                    // a loop is often seeded by the text decoded before, which whisper.cpp
                    // carries from window to window: decoded again without any, the fewer
                    // words in loops win
                    if looping_words(&found) > 0 {
                        let (again, again_lang) = run.window(
                            block,
                            Attempt::Unprompted,
                            |_| {},
                            true,
                            block_language.as_deref(),
                        )?;
                        if looping_words(&again) < looping_words(&found) {
                            (found, lang) = (again, again_lang);
                        }
                    }
                    done_ms += share;
                    if let Some(lang) = block_language.clone().or(lang) {
                        match by_language.iter_mut().find(|(l, _)| *l == lang) {
                            Some((_, ms)) => *ms += share,
                            None => by_language.push((lang, share)),
                        }
                    }
                    segments.extend(found);
                }
                // the transcript's language: the one most of its speech is in
                detected = by_language
                    .into_iter()
                    .max_by_key(|(_, ms)| *ms)
                    .map(|(lang, _)| lang);
                for span in speech.iter().filter(|s| s.duration_ms() >= MIN_RETRY_MS) {
                    if segments.iter().any(|seg| has_words_in(seg, span)) {
                        continue;
                    }
                    let (found, _) =
                        run.window(&Block::whole(*span), Attempt::Retry, |_| {}, true, None)?;
                    let found: Vec<Segment> = found
                        .into_iter()
                        .filter(|seg| has_words_in(seg, span))
                        .collect();
                    if found.is_empty() && found_speech.is_confident(span, samples) {
                        segments.push(gap_segment(*span));
                    } else if found.is_empty() {
                        // too faint or brief to be sure it is speech: reported, not marked
                        faint_activity.push(*span);
                    } else {
                        segments.extend(found);
                    }
                }
                fit_words_to_speech(&mut segments, speech, pack::KEPT_PAUSE_MS);
                flag_outside_speech(&mut segments, speech);
            }
        }
        flag_repetitions(&mut segments);
        if self.is_multilingual() && options.chinese_script != ChineseScript::AsSpoken {
            for segment in segments.iter_mut() {
                let language = segment.language.as_deref().or(detected.as_deref());
                if language == Some("zh") {
                    segment.text = options.chinese_script.convert(&segment.text);
                    for word in segment.words.iter_mut() {
                        word.text = options.chinese_script.convert(&word.text);
                    }
                }
            }
        }
        segments.sort_by_key(|s| (s.start_ms, s.end_ms));
        for (index, segment) in segments.iter_mut().enumerate() {
            segment.index = index;
        }
        progress(100);
        Ok(Transcription {
            language: detected.unwrap_or_else(|| {
                if language == "auto" {
                    "unknown".into()
                } else {
                    language.into()
                }
            }),
            segments,
            faint_activity,
        })
    }
}

/// Whisper's decoding strategy for a beam width (1: greedy).
fn sampling(beam: usize) -> SamplingStrategy {
    match beam {
        // best_of: candidates sampled when a window falls back to a raised temperature
        // (Whisper's and faster-whisper's default, 5)
        0 | 1 => SamplingStrategy::Greedy { best_of: 5 },
        n => SamplingStrategy::BeamSearch {
            beam_size: n.min(MAX_BEAM) as i32,
            patience: -1.0,
        },
    }
}

/// The strategy as recorded in a transcript's settings.
fn strategy_name(beam: usize) -> String {
    match beam {
        0 | 1 => "greedy".into(),
        n => format!("beam search, width {}", n.min(MAX_BEAM)),
    }
}

/// whisper.cpp keeps at most this many decoders.
pub const MAX_BEAM: usize = 8;

/// Speech spans shorter than this are not retried or marked as gaps when no word is heard.
const MIN_RETRY_MS: u64 = 400;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Attempt {
    /// Greedy decoding.
    First,
    /// Sampling at a raised temperature, for speech the first pass heard nothing in.
    Retry,
    /// Greedy decoding with no text as context at all, not even the block's own earlier
    /// windows' (faster-whisper's `condition_on_previous_text=False`), for a block whose first
    /// pass fell into a loop.
    Unprompted,
}

/// One transcription of one recording: the model, its state and the options.
struct Run<'a> {
    model: &'a WhisperModel,
    source: &'a Path,
    samples: &'a [f32],
    options: &'a TranscribeOptions,
    language: &'a str,
    state: whisper_rs::WhisperState,
}

impl Run<'_> {
    /// Transcribes the stretches of `block` as one stream; every time is mapped back to the
    /// recording's. `independent`: without the text decoded before as context.
    fn window(
        &mut self,
        block: &Block,
        attempt: Attempt,
        progress: impl FnMut(i32) + 'static,
        independent: bool,
        language: Option<&str>,
    ) -> Result<(Vec<Segment>, Option<String>)> {
        let fail = |reason: String| Error::Transcribe {
            path: self.source.into(),
            reason,
        };
        let window = block.source_span();
        let beam = if attempt == Attempt::Retry {
            1
        } else {
            self.options.beam
        };
        let mut params = FullParams::new(sampling(beam));
        params.set_n_threads(self.options.threads.max(1) as i32);
        params.set_language(Some(language.unwrap_or(self.language)));
        params.set_translate(self.options.translate);
        params.set_token_timestamps(true);
        params.set_no_context(independent);
        params.set_print_special(false);
        params.set_print_progress(false);
        params.set_print_realtime(false);
        params.set_print_timestamps(false);
        if attempt == Attempt::Unprompted {
            params.set_no_context(true);
            params.set_n_max_text_ctx(0);
        }
        if attempt == Attempt::Retry {
            params.set_temperature(0.4);
            params.set_temperature_inc(0.0);
        }
        params.set_progress_callback_safe(progress);
        // One stretch is a slice of the recording; several are copied end to end.
        let packed;
        let mut audio: &[f32] = match block.pieces.as_slice() {
            [one] => {
                let from = ms_to_samples(one.source.start_ms).min(self.samples.len());
                let to = ms_to_samples(one.source.end_ms).clamp(from, self.samples.len());
                &self.samples[from..to]
            }
            _ => {
                packed = block.samples(self.samples, u64::from(RATE));
                &packed
            }
        };
        // Whisper needs at least a second of input; pad short windows with silence.
        let mut padded;
        if audio.len() < MIN_WINDOW_SAMPLES {
            padded = audio.to_vec();
            padded.resize(MIN_WINDOW_SAMPLES, 0.0);
            audio = &padded;
        }
        self.state.full(params, audio).map_err(|e| {
            fail(format!(
                "whisper.cpp failed at {}: {e}",
                hms(window.start_ms)
            ))
        })?;
        let detected =
            whisper_rs::get_lang_str(self.state.full_lang_id_from_state()).map(str::to_string);
        let end_of_text = self.model.context.token_eot();
        let mut segments = Vec::new();
        for segment in self.state.as_iter() {
            let text = segment
                .to_str_lossy()
                .map_err(|e| fail(format!("segment text: {e}")))?
                .trim()
                .to_string();
            if is_non_speech(&text) {
                continue;
            }
            let tokens: Vec<RawToken> = (0..segment.n_tokens())
                .filter_map(|i| segment.get_token(i))
                .filter(|token| token.token_id() < end_of_text)
                .map(|token| {
                    let data = token.token_data();
                    let start = self
                        .model
                        .word_times
                        .token_start(&data, self.model.dtw.is_some());
                    let (start_ms, end_ms) = block.span_ms(
                        centiseconds_to_ms(start),
                        centiseconds_to_ms(data.t1.max(start)),
                    );
                    RawToken {
                        bytes: token.to_bytes().unwrap_or_default().to_vec(),
                        start_ms,
                        end_ms,
                        probability: data.p,
                    }
                })
                .collect();
            let (start_ms, end_ms) = block.span_ms(
                centiseconds_to_ms(segment.start_timestamp()),
                centiseconds_to_ms(segment.end_timestamp()),
            );
            let words = assemble_words(&tokens, window.start_ms, window.end_ms);
            // A segment spans its words, so that segment and word times agree.
            let (start_ms, end_ms) = match (words.first(), words.last()) {
                (Some(first), Some(last)) => (first.start_ms, last.end_ms.max(first.start_ms)),
                _ => (start_ms, end_ms),
            };
            segments.push(Segment {
                index: 0,
                start_ms,
                end_ms,
                text,
                speaker: None,
                speaker_id: None,
                words,
                no_speech_probability: Some(segment.no_speech_probability()),
                flags: Vec::new(),
                language: language.map(str::to_string),
            });
        }
        Ok((segments, detected))
    }

    /// The recording's speech as blocks, each in one language: every speech span of at least
    /// [`MIN_DETECT_MS`] gets the language Whisper detects in its first 30 s; shorter ones take
    /// the language before them (or after, at the start); each run of spans in one language is
    /// packed on its own (spans widened into their pauses as [`pack::stretches`] does, so that
    /// no block holds another language's audio). Detection costs one encoder pass per span,
    /// which `--language` saves.
    fn plan_by_language(
        &mut self,
        speech: &[Span],
        total_ms: u64,
    ) -> Result<Vec<(Block, Option<String>)>> {
        let widened = pack::widened(speech, total_ms);
        let threads = self.options.threads.max(1);
        let mut languages: Vec<Option<String>> = Vec::with_capacity(speech.len());
        for span in speech {
            if span.duration_ms() < MIN_DETECT_MS {
                languages.push(None);
                continue;
            }
            let from = ms_to_samples(span.start_ms).min(self.samples.len());
            let to = ms_to_samples(span.end_ms.min(span.start_ms + 30_000))
                .clamp(from, self.samples.len());
            let fail = |e: whisper_rs::WhisperError| Error::Transcribe {
                path: self.source.into(),
                reason: format!("language detection failed at {}: {e}", hms(span.start_ms)),
            };
            self.state
                .pcm_to_mel(&self.samples[from..to], threads)
                .map_err(fail)?;
            let (id, _) = self.state.lang_detect(0, threads).map_err(fail)?;
            languages.push(whisper_rs::get_lang_str(id).map(str::to_string));
        }
        fill_languages(&mut languages);
        let mut plan = Vec::new();
        let mut run_start = 0;
        for i in 1..=speech.len() {
            if i == speech.len() || languages[i] != languages[run_start] {
                let stretches = pack::join(&widened[run_start..i]);
                for block in pack::blocks(&stretches, pack::MAX_BLOCK_MS) {
                    plan.push((block, languages[run_start].clone()));
                }
                run_start = i;
            }
        }
        Ok(plan)
    }
}

/// Speech spans shorter than this are too short to tell their language by.
const MIN_DETECT_MS: u64 = 1_000;

/// Each undetected language becomes the one before it, or at the start the first one after.
fn fill_languages(languages: &mut [Option<String>]) {
    let mut last: Option<String> = None;
    for language in languages.iter_mut() {
        match language {
            Some(l) => last = Some(l.clone()),
            None => language.clone_from(&last),
        }
    }
    let first = languages.iter().find_map(Clone::clone);
    for language in languages.iter_mut().take_while(|l| l.is_none()) {
        language.clone_from(&first);
    }
}

/// 1.1 s: Whisper needs at least a second of input, so shorter windows are padded to this.
const MIN_WINDOW_SAMPLES: usize = RATE as usize * 11 / 10;
const RATE: u32 = crate::dsp::SAMPLE_RATE;

fn samples_to_ms(samples: usize) -> u64 {
    samples as u64 * 1000 / u64::from(RATE)
}

fn ms_to_samples(ms: u64) -> usize {
    (ms * u64::from(RATE) / 1000) as usize
}

fn has_words_in(segment: &Segment, span: &Span) -> bool {
    segment.words.iter().any(|w| {
        let word = Span {
            start_ms: w.start_ms,
            end_ms: w.end_ms.max(w.start_ms + 1),
        };
        word.overlap_ms(span) > 0
    })
}

/// A placeholder for speech Whisper could not transcribe, so the reader knows audio is there.
fn gap_segment(span: Span) -> Segment {
    Segment {
        index: 0,
        start_ms: span.start_ms,
        end_ms: span.end_ms,
        text: format!(
            "[unintelligible {}-{}]",
            hms(span.start_ms),
            hms(span.end_ms)
        ),
        speaker: None,
        speaker_id: None,
        words: Vec::new(),
        no_speech_probability: None,
        flags: vec![SegmentFlag::Gap],
        language: None,
    }
}

/// Keeps each word inside the speech it belongs to. Packed decoding hears up to
/// [`pack::KEPT_PAUSE_MS`] of each pause, and Whisper's times drift into it: a sentence's first
/// word starts in the pause before it, its last word ends where the next piece of speech starts
/// (across the pause, or across a minute of silence the packing left out). A word starting
/// inside a speech span ends no later than that span; a word starting in a pause, within `reach_ms`
/// of speech, is moved into the speech on its side of the pause's middle. Words further from
/// speech are left where they are, to be flagged as outside speech. A segment then spans its
/// words.
fn fit_words_to_speech(segments: &mut [Segment], speech: &[Span], reach_ms: u64) {
    for segment in segments.iter_mut() {
        for word in segment.words.iter_mut() {
            let i = speech.partition_point(|s| s.start_ms <= word.start_ms);
            let (before, after) = (i.checked_sub(1).map(|i| speech[i]), speech.get(i).copied());
            let span = match before {
                Some(span) if word.start_ms < span.end_ms => span,
                _ => {
                    // the nearer side of the pause (the speech before it on a tie)
                    let sides = [
                        before.map(|s| (s, word.start_ms - s.end_ms)),
                        after.map(|s| (s, s.start_ms - word.start_ms)),
                    ];
                    match sides.into_iter().flatten().min_by_key(|&(_, gap)| gap) {
                        Some((span, gap)) if gap <= reach_ms => span,
                        _ => continue,
                    }
                }
            };
            word.start_ms = word.start_ms.clamp(span.start_ms, span.end_ms);
            word.end_ms = word.end_ms.clamp(word.start_ms, span.end_ms);
        }
        if let (Some(first), Some(last)) = (segment.words.first(), segment.words.last()) {
            segment.start_ms = first.start_ms;
            segment.end_ms = last.end_ms.max(first.start_ms);
        }
    }
}

/// Flags segments none of whose words falls in detected speech.
fn flag_outside_speech(segments: &mut [Segment], speech: &[Span]) {
    for segment in segments.iter_mut().filter(|s| !s.words.is_empty()) {
        if !speech.iter().any(|span| has_words_in(segment, span)) {
            segment.flags.push(SegmentFlag::OutsideSpeech);
        }
    }
}

/// Flags repetition loops: a segment repeating itself, or the same text three or more times
/// running, every one of them. The first of such a run is no surer than its repeats: on speech
/// tiny.en cannot follow (another language, a cut-off word), the text of a line before it is
/// carried on by the prompt and written over each stretch in turn, starting at the first.
fn flag_repetitions(segments: &mut [Segment]) {
    let mut start = 0;
    while start < segments.len() {
        let mut end = start + 1;
        while end < segments.len() && same_words(&segments[end].text, &segments[start].text) {
            end += 1;
        }
        let run = end - start;
        for segment in &mut segments[start..end] {
            if (run >= 3 || is_repetition_loop(&segment.text))
                && !segment.flags.contains(&SegmentFlag::Repetition)
            {
                segment.flags.push(SegmentFlag::Repetition);
            }
        }
        start = end;
    }
}

/// Words in the segments [`flag_repetitions`] would flag.
fn looping_words(segments: &[Segment]) -> usize {
    let mut flagged = segments.to_vec();
    flag_repetitions(&mut flagged);
    flagged
        .iter()
        .filter(|s| s.flags.contains(&SegmentFlag::Repetition))
        .map(|s| s.words.len())
        .sum()
}

fn same_words(a: &str, b: &str) -> bool {
    normalized_words(a) == normalized_words(b)
}

fn centiseconds_to_ms(value: i64) -> u64 {
    value.max(0) as u64 * 10
}

/// whisper.cpp's alignment-heads preset for a model of this shape, if it has one.
fn dtw_preset(ggml: &crate::models::convert::GgmlInfo) -> Option<(&'static str, DtwModelPreset)> {
    use DtwModelPreset::*;
    Some(
        match (ggml.n_audio_state, ggml.n_text_layer, ggml.multilingual) {
            (384, 4, false) => ("tiny.en", TinyEn),
            (384, 4, true) => ("tiny", Tiny),
            (512, 6, false) => ("base.en", BaseEn),
            (512, 6, true) => ("base", Base),
            (768, 12, false) => ("small.en", SmallEn),
            (768, 12, true) => ("small", Small),
            (1024, 24, false) => ("medium.en", MediumEn),
            (1024, 24, true) => ("medium", Medium),
            // large-v1/v2/v3 share a shape but not their heads: no guess.
            _ => return None,
        },
    )
}

/// `ggml-tiny.en.bin` -> `tiny.en`; any other file -> its stem.
fn model_name(path: &Path) -> String {
    let file = path.file_name().and_then(|n| n.to_str()).unwrap_or("model");
    let stem = file.strip_suffix(".bin").unwrap_or(file);
    stem.strip_prefix("ggml-").unwrap_or(stem).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start_ms: u64, end_ms: u64) -> Span {
        Span { start_ms, end_ms }
    }

    fn said(start_ms: u64, text: &str) -> Segment {
        Segment {
            index: 0,
            start_ms,
            end_ms: start_ms + 1_000,
            text: text.into(),
            speaker: None,
            speaker_id: None,
            words: vec![crate::model::Word {
                text: text.into(),
                start_ms,
                end_ms: start_ms + 500,
                probability: 0.9,
                speaker_confidence: None,
            }],
            no_speech_probability: None,
            flags: vec![],
            language: None,
        }
    }

    #[test]
    fn text_outside_speech_and_loops_are_flagged() {
        let mut segments = vec![
            said(1_000, "We keep it in Virginia."),
            said(9_000, "Thank you."),
            said(10_000, "Thank you."),
            said(11_000, "Thank you."),
            said(12_000, "Thank you, everyone."),
            said(13_000, "Thank you, everyone."),
        ];
        flag_outside_speech(&mut segments, &[span(0, 2_000), span(8_500, 14_000)]);
        flag_repetitions(&mut segments);
        let flags: Vec<&[SegmentFlag]> = segments.iter().map(|s| s.flags.as_slice()).collect();
        // a run of three is flagged from its first; two alike are not a run
        let repeated = &[SegmentFlag::Repetition][..];
        assert_eq!(
            flags,
            [&[][..], repeated, repeated, repeated, &[][..], &[][..]]
        );
        let mut stray = vec![said(5_000, "music")];
        flag_outside_speech(&mut stray, &[span(0, 2_000)]);
        assert_eq!(stray[0].flags, [SegmentFlag::OutsideSpeech]);
    }

    #[test]
    fn words_in_loops_are_counted_without_flagging_the_segments() {
        let mut segments = vec![said(0, "Hello there.")];
        for at in [1_000, 2_000, 3_000] {
            segments.push(said(at, "He was a young man."));
        }
        segments.push(said(4_000, "Goodbye."));
        let again = segments[2].words[0].clone();
        segments[2].words.push(again);
        // one word in each repeat, two in the second
        assert_eq!(looping_words(&segments), 4);
        assert!(segments.iter().all(|s| s.flags.is_empty()));
        assert_eq!(looping_words(&segments[..3]), 0);
    }

    #[test]
    fn a_word_is_kept_inside_the_speech_it_belongs_to() {
        let speech = [span(0, 2_000), span(3_000, 5_000)];
        let fitted = |start_ms: u64, end_ms: u64, reach_ms: u64, speech: &[Span]| {
            let mut segments = vec![said(start_ms, "data.")];
            segments[0].words[0].end_ms = end_ms;
            fit_words_to_speech(&mut segments, speech, reach_ms);
            let word = &segments[0].words[0];
            assert_eq!(
                (segments[0].start_ms, segments[0].end_ms),
                (word.start_ms, word.end_ms)
            );
            (word.start_ms, word.end_ms)
        };
        // ends with the span it starts in, not across the pause (or a left-out silence)
        assert_eq!(fitted(1_000, 3_400, 1_500, &speech), (1_000, 2_000));
        assert_eq!(fitted(1_000, 60_000, 1_500, &speech), (1_000, 2_000));
        // inside its span: left alone
        assert_eq!(fitted(3_500, 4_000, 1_500, &speech), (3_500, 4_000));
        // in a pause: moved into the speech on its side of the pause's middle
        assert_eq!(fitted(2_200, 2_700, 1_500, &speech), (2_000, 2_000));
        assert_eq!(fitted(2_800, 3_300, 1_500, &speech), (3_000, 3_300));
        assert_eq!(fitted(2_900, 2_950, 1_500, &speech), (3_000, 3_000));
        // after the last span, and before the first
        assert_eq!(fitted(5_600, 6_000, 1_500, &speech), (5_000, 5_000));
        assert_eq!(
            fitted(200, 900, 1_500, &[span(1_000, 2_000)]),
            (1_000, 1_000)
        );
        // further from speech than the reach: left for the outside-speech flag
        assert_eq!(fitted(9_000, 9_500, 1_500, &speech), (9_000, 9_500));
        assert_eq!(fitted(9_000, 9_500, 1_500, &[]), (9_000, 9_500));
    }

    #[test]
    fn chinese_comes_out_in_the_script_asked_for() {
        // the first AISHELL-1 test sentence, as Whisper wrote it in traditional characters
        let heard = "甚至出現交易幾乎停滯的情況";
        assert_eq!(
            ChineseScript::Simplified.convert(heard),
            "甚至出现交易几乎停滞的情况"
        );
        assert_eq!(
            ChineseScript::Traditional.convert("一二线城市虽然也处于调整中"),
            "一二線城市雖然也處於調整中"
        );
        assert_eq!(
            ChineseScript::Simplified.convert("一二線城市雖然也處於調整中"),
            "一二线城市虽然也处于调整中"
        );
        assert_eq!(ChineseScript::AsSpoken.convert(heard), heard);
        assert_eq!("as-spoken".parse(), Ok(ChineseScript::AsSpoken));
        assert!("hanzi".parse::<ChineseScript>().is_err());
    }

    #[test]
    fn short_stretches_take_the_language_around_them() {
        let mut languages = vec![None, Some("zh".into()), None, Some("es".into()), None];
        fill_languages(&mut languages);
        let filled: Vec<&str> = languages.iter().map(|l| l.as_deref().unwrap()).collect();
        assert_eq!(filled, ["zh", "zh", "zh", "es", "es"]);
        let mut none: Vec<Option<String>> = vec![None, None];
        fill_languages(&mut none);
        assert_eq!(none, [None, None]);
    }

    #[test]
    fn gaps_name_their_times() {
        let gap = gap_segment(span(2_470_000, 2_476_000));
        assert_eq!(gap.text, "[unintelligible 00:41:10-00:41:16]");
        assert_eq!(gap.flags, [SegmentFlag::Gap]);
        assert!(gap.words.is_empty());
    }

    #[test]
    fn model_names_come_from_ggml_file_names() {
        assert_eq!(model_name(Path::new("models/ggml-tiny.en.bin")), "tiny.en");
        assert_eq!(model_name(Path::new("/x/ggml-base.bin")), "base");
        assert_eq!(model_name(Path::new("custom.bin")), "custom");
    }
}
