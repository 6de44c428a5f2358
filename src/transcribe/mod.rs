//! Whisper through whisper-rs: loading a ggml model and transcribing 16 kHz mono samples into
//! segments and words. Fetching and converting the models is [`crate::models`]' work.

use std::path::{Path, PathBuf};
use std::rc::Rc;

use whisper_rs::{
    DtwMode, DtwModelPreset, DtwParameters, FullParams, SamplingStrategy, WhisperContext,
    WhisperContextParameters,
};

use crate::error::{Error, Result};
use crate::model::{hms, ModelInfo, Segment, SegmentFlag, Span, TranscribeSettings};
use crate::text::{assemble_words, is_non_speech, is_repetition_loop, normalized_words, RawToken};

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
            strategy: "greedy".into(),
            resampler: resampler.into(),
            word_times: self.word_times.describe(self.dtw),
            vad: vad.into(),
        }
    }

    fn language_for<'a>(&self, options: &'a TranscribeOptions) -> &'a str {
        if !self.is_multilingual() {
            return "en";
        }
        options.language.as_deref().unwrap_or("auto")
    }

    /// Transcribes 16 kHz mono samples. With `speech` spans (from voice activity detection)
    /// only speech is transcribed, window by window at its true offset; a span that yields no
    /// words is retried and otherwise marked as a gap. Without them the whole recording goes
    /// to Whisper in one call. `progress` receives an overall percentage.
    pub fn transcribe(
        &self,
        source: &Path,
        samples: &[f32],
        speech: Option<&[Span]>,
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
        let mut detected = None;
        match speech {
            None => {
                let whole = Span {
                    start_ms: 0,
                    end_ms: total_ms,
                };
                let report = progress.clone();
                let (found, lang) = run.window(whole, Attempt::First, move |p| report(p), false)?;
                segments = found;
                detected = lang;
            }
            Some(speech) => {
                let windows = plan_windows(speech, MAX_WINDOW_MS, MAX_GAP_MS);
                let speech_ms: u64 = windows.iter().map(Span::duration_ms).sum::<u64>().max(1);
                let mut done_ms = 0;
                for window in windows {
                    let (report, before) = (progress.clone(), done_ms);
                    let share = window.duration_ms();
                    let (found, lang) = run.window(
                        window,
                        Attempt::First,
                        move |p| {
                            let overall = (before + share * p.clamp(0, 100) as u64 / 100) * 100;
                            report((overall / speech_ms) as i32)
                        },
                        true,
                    )?;
                    done_ms += share;
                    detected = detected.or(lang);
                    segments.extend(found);
                }
                for span in speech.iter().filter(|s| s.duration_ms() >= MIN_RETRY_MS) {
                    if segments.iter().any(|seg| has_words_in(seg, span)) {
                        continue;
                    }
                    let (found, _) = run.window(*span, Attempt::Retry, |_| {}, true)?;
                    let found: Vec<Segment> = found
                        .into_iter()
                        .filter(|seg| has_words_in(seg, span))
                        .collect();
                    if found.is_empty() {
                        segments.push(gap_segment(*span));
                    } else {
                        segments.extend(found);
                    }
                }
                flag_outside_speech(&mut segments, speech);
            }
        }
        flag_repetitions(&mut segments);
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
        })
    }
}

/// Longest audio given to Whisper at once (its context is 30 s).
const MAX_WINDOW_MS: u64 = 28_000;
/// Longest silence kept inside one window; longer pauses start a new window.
const MAX_GAP_MS: u64 = 3_000;
/// Speech spans shorter than this are not retried or marked as gaps when no word is heard.
const MIN_RETRY_MS: u64 = 400;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Attempt {
    /// Greedy decoding.
    First,
    /// Sampling at a raised temperature, for speech the first pass heard nothing in.
    Retry,
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
    /// Transcribes `window` of the samples; every time is shifted by the window's start.
    fn window(
        &mut self,
        window: Span,
        attempt: Attempt,
        progress: impl FnMut(i32) + 'static,
        independent: bool,
    ) -> Result<(Vec<Segment>, Option<String>)> {
        let fail = |reason: String| Error::Transcribe {
            path: self.source.into(),
            reason,
        };
        let from = ms_to_samples(window.start_ms).min(self.samples.len());
        let to = ms_to_samples(window.end_ms).clamp(from, self.samples.len());
        let mut params = FullParams::new(SamplingStrategy::Greedy { best_of: 1 });
        params.set_n_threads(self.options.threads.max(1) as i32);
        params.set_language(Some(self.language));
        params.set_translate(self.options.translate);
        params.set_token_timestamps(true);
        params.set_no_context(independent);
        params.set_print_special(false);
        params.set_print_progress(false);
        params.set_print_realtime(false);
        params.set_print_timestamps(false);
        if attempt == Attempt::Retry {
            params.set_temperature(0.4);
            params.set_temperature_inc(0.0);
        }
        params.set_progress_callback_safe(progress);
        // Whisper needs at least a second of input; pad short windows with silence.
        let mut padded;
        let mut audio = &self.samples[from..to];
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
        let language =
            whisper_rs::get_lang_str(self.state.full_lang_id_from_state()).map(str::to_string);
        let offset = window.start_ms;
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
                    RawToken {
                        bytes: token.to_bytes().unwrap_or_default().to_vec(),
                        start_ms: offset + centiseconds_to_ms(start),
                        end_ms: offset + centiseconds_to_ms(data.t1.max(start)),
                        probability: data.p,
                    }
                })
                .collect();
            let start_ms =
                (offset + centiseconds_to_ms(segment.start_timestamp())).min(window.end_ms);
            let end_ms = (offset + centiseconds_to_ms(segment.end_timestamp()))
                .clamp(start_ms, window.end_ms.max(start_ms));
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
            });
        }
        Ok((segments, language))
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

/// Groups speech spans into windows of at most `max_ms`, starting a new window after a pause
/// longer than `max_gap_ms`; a span longer than `max_ms` is cut into pieces.
fn plan_windows(speech: &[Span], max_ms: u64, max_gap_ms: u64) -> Vec<Span> {
    let mut windows: Vec<Span> = Vec::new();
    for span in speech {
        let mut start = span.start_ms;
        while start < span.end_ms {
            let piece = Span {
                start_ms: start,
                end_ms: span.end_ms.min(start + max_ms),
            };
            start = piece.end_ms;
            match windows.last_mut() {
                Some(last)
                    if piece.start_ms.saturating_sub(last.end_ms) <= max_gap_ms
                        && piece.end_ms - last.start_ms <= max_ms =>
                {
                    last.end_ms = piece.end_ms
                }
                _ => windows.push(piece),
            }
        }
    }
    windows
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

/// Flags repetition loops: a segment repeating itself, or the same text three times running.
fn flag_repetitions(segments: &mut [Segment]) {
    for i in 0..segments.len() {
        let repeated_run = i >= 2
            && same_words(&segments[i].text, &segments[i - 1].text)
            && same_words(&segments[i].text, &segments[i - 2].text);
        if (repeated_run || is_repetition_loop(&segments[i].text))
            && !segments[i].flags.contains(&SegmentFlag::Repetition)
        {
            segments[i].flags.push(SegmentFlag::Repetition);
        }
    }
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

    #[test]
    fn windows_group_close_speech_and_split_at_long_pauses_and_length() {
        let speech = [span(0, 5_000), span(6_000, 10_000), span(20_000, 22_000)];
        assert_eq!(
            plan_windows(&speech, 28_000, 3_000),
            [span(0, 10_000), span(20_000, 22_000)]
        );
        // A 70 s monologue becomes 28 + 28 + 14 s windows.
        assert_eq!(
            plan_windows(&[span(1_000, 71_000)], 28_000, 3_000),
            [
                span(1_000, 29_000),
                span(29_000, 57_000),
                span(57_000, 71_000)
            ]
        );
        // Grouping never makes a window longer than the maximum.
        let many: Vec<Span> = (0..10)
            .map(|i| span(i * 5_000, i * 5_000 + 4_000))
            .collect();
        assert!(plan_windows(&many, 28_000, 3_000)
            .iter()
            .all(|w| w.duration_ms() <= 28_000));
        assert!(plan_windows(&[], 28_000, 3_000).is_empty());
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
        }
    }

    #[test]
    fn text_outside_speech_and_loops_are_flagged() {
        let mut segments = vec![
            said(1_000, "We keep it in Virginia."),
            said(9_000, "Thank you."),
            said(10_000, "Thank you."),
            said(11_000, "Thank you."),
        ];
        flag_outside_speech(&mut segments, &[span(0, 2_000), span(8_500, 12_000)]);
        flag_repetitions(&mut segments);
        let flags: Vec<&[SegmentFlag]> = segments.iter().map(|s| s.flags.as_slice()).collect();
        assert_eq!(
            flags,
            [&[][..], &[][..], &[][..], &[SegmentFlag::Repetition][..]]
        );
        let mut stray = vec![said(5_000, "music")];
        flag_outside_speech(&mut stray, &[span(0, 2_000)]);
        assert_eq!(stray[0].flags, [SegmentFlag::OutsideSpeech]);
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
