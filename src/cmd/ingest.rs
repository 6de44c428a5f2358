//! `verbatim ingest`: transcribe files and folders into the store, one line per file, a
//! progress bar on a terminal, and a non-zero exit when any file failed.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use verbatim::audio::vad::VadConfig;
use verbatim::model::{hms, DateSource, Recording, SourceKind};
use verbatim::pipeline::{
    collect_inputs, Failure, IngestConfig, Ingester, Input, Outcome, SpeakerMode, VerifierModel,
};
use verbatim::speakers::diarize::DiarizeConfig;
use verbatim::store::Store;
use verbatim::transcribe::{default_threads, TranscribeOptions};

use super::outln;
use super::Status;
use crate::cli::IngestArgs;

pub fn run(
    store_dir: &Path,
    sources: &super::claims::ClaimSources,
    args: IngestArgs,
) -> anyhow::Result<Status> {
    let models_dir = sources.models_dir.as_path();
    let config = IngestConfig {
        model_path: resolve_model(models_dir, &args.model)?,
        options: TranscribeOptions {
            language: (args.language != "auto").then(|| args.language.clone()),
            translate: args.translate,
            threads: args.threads.unwrap_or_else(default_threads).max(1),
            chinese_script: args.chinese_script,
            beam: usize::from(args.beam),
        },
        date: args.date,
        vad: (!args.no_vad).then(VadConfig::default),
        gap_check: (!args.no_vad).then(|| gap_check(models_dir)).flatten(),
        word_times: args.word_times,
        speakers: speaker_mode(models_dir, &args)?,
    };
    let mut store = Store::open(store_dir)
        .with_context(|| format!("opening the evidence store {}", store_dir.display()))?;
    let rules = super::claims::load_rules(store_dir, sources)?;
    super::claims::prepare_model(&rules)?;
    // A run killed between storing a recording and indexing it left claims or index short.
    verbatim::pipeline::sync(&store, &rules)?;
    let mut ingester = Ingester::new(&mut store, config, &rules);
    let mut report = BatchReport::default();
    for input in collect_inputs(&args.paths) {
        let Some(path) = report.input(input) else {
            continue;
        };
        let bar = progress_bar(&path);
        let reporter = bar.clone();
        let outcome = ingester.ingest_file(
            &path,
            Rc::new(move |percent| reporter.set_position(percent.clamp(0, 100) as u64)),
        );
        bar.finish_and_clear();
        match outcome {
            Err(Failure::Batch(error)) => return Err(error.into()),
            outcome => report.outcome(&path, outcome.map_err(Failure::into_error)),
        }
    }
    Ok(report.finish(store_dir))
}

fn speaker_mode(models_dir: &Path, args: &IngestArgs) -> anyhow::Result<SpeakerMode> {
    let model_path = verbatim::models::resemblyzer::weights_path(models_dir);
    let defaults = DiarizeConfig::default();
    let config = DiarizeConfig {
        speakers: args.speakers.map(usize::from),
        min_speakers: args.min_speakers.map_or(defaults.min_speakers, usize::from),
        max_speakers: args.max_speakers.map_or(
            defaults
                .max_speakers
                .max(args.min_speakers.map_or(1, usize::from)),
            usize::from,
        ),
        ..defaults
    };
    if config.min_speakers > config.max_speakers {
        return Err(verbatim::error::Error::Usage(format!(
            "--min-speakers {} is more than --max-speakers {}",
            config.min_speakers, config.max_speakers
        ))
        .into());
    }
    Ok(if args.no_speakers {
        SpeakerMode::Off
    } else if args.channels {
        SpeakerMode::Channels { model_path, config }
    } else {
        SpeakerMode::Voice {
            model_path,
            config,
            verifier: if args.voiceprints {
                VerifierModel::Voiceprints(verbatim::models::ecapa::weights_path(models_dir))
            } else {
                VerifierModel::default_in(models_dir)
            },
        }
    })
}

/// A batch's progress line: stdout trouble never stops a batch (a closed pipe is dropped
/// quietly by [`super::print`]; any other error there must not cost the remaining inputs).
macro_rules! report_line {
    ($($arg:tt)*) => {
        if let Err(e) = outln!($($arg)*) {
            eprintln!("warning: writing to stdout: {e}");
        }
    };
}

/// The lines and counts of a batch of inputs: one line per input (failures on stderr) and a
/// summary; a failed input does not stop the batch.
#[derive(Debug, Default)]
pub(super) struct BatchReport {
    added: usize,
    present: usize,
    skipped: usize,
    failed: usize,
}

impl BatchReport {
    /// Reports a skipped or failed input; returns the path of an input to process.
    pub(super) fn input(&mut self, input: Input) -> Option<PathBuf> {
        match input {
            Input::File(path) => Some(path),
            Input::Skipped(path, reason) => {
                report_line!("skipped  {}: {reason}", path.display());
                self.skipped += 1;
                None
            }
            Input::Failed(_, error) => {
                eprintln!("failed   {error}");
                self.failed += 1;
                None
            }
        }
    }

    /// Reports what happened to one processed input.
    pub(super) fn outcome(&mut self, path: &Path, outcome: verbatim::Result<Outcome>) {
        match outcome {
            Ok(Outcome::Added(recording)) => {
                report_line!("added    {}", describe(&recording));
                self.added += 1;
            }
            Ok(Outcome::AlreadyPresent(existing)) => {
                report_line!(
                    "present  {}: already stored as {:?} (sha256:{}), nothing to do",
                    path.display(),
                    existing.name,
                    existing.short_hash()
                );
                self.present += 1;
            }
            Err(error) => {
                eprintln!("failed   {error}");
                self.failed += 1;
            }
        }
    }

    /// Prints the summary; the status is partial when any input failed.
    pub(super) fn finish(self, store_dir: &Path) -> Status {
        report_line!(
            "{} added, {} already present, {} skipped, {} failed; store {}",
            self.added,
            self.present,
            self.skipped,
            self.failed,
            store_dir.display()
        );
        if self.failed > 0 {
            Status::Partial
        } else {
            Status::Success
        }
    }
}

fn describe(r: &Recording) -> String {
    let date = match (r.recording_date, r.date_source) {
        (Some(date), DateSource::Argument) => format!("{date} (--date)"),
        (Some(date), DateSource::FileName) => format!("{date} (file name)"),
        (Some(date), DateSource::ContainerTag) => format!("{date} (container tag)"),
        _ => "date unknown".to_string(),
    };
    let truncated = if r.audio.as_ref().is_some_and(|a| a.truncated) {
        "  WARNING: source truncated, decoded what was there"
    } else {
        ""
    };
    let encoding = match &r.source {
        SourceKind::ImportedTranscript {
            encoding: Some(encoding),
            ..
        } if !encoding.starts_with("UTF") => {
            format!("  note: not UTF-8, read as {encoding} (--encoding sets another)")
        }
        SourceKind::ImportedTranscript {
            encoding: Some(encoding),
            ..
        } => format!(", {encoding} text"),
        _ => String::new(),
    };
    let speakers = r.diarization.as_ref().map_or_else(String::new, |d| {
        let count = match d.speakers {
            1 => ", 1 speaker".to_string(),
            n => format!(", {n} speakers"),
        };
        match &d.note {
            Some(note) => format!("{count}  note: {note}"),
            None => count,
        }
    });
    format!(
        "{}  sha256:{}  {}  {}  {} segments{speakers}{encoding}{truncated}",
        r.name,
        r.short_hash(),
        hms(r.duration_ms),
        date,
        r.segment_count
    )
}

fn progress_bar(path: &Path) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(100);
    bar.set_style(
        ProgressStyle::with_template("{prefix:.bold} [{bar:30}] {pos:>3}% {elapsed}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_prefix(
        path.file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
    );
    bar
}

/// A model name (`tiny.en`) in the models folder, or a path to a ggml file.
pub fn resolve_model(models_dir: &Path, model: &str) -> anyhow::Result<PathBuf> {
    let as_path = Path::new(model);
    let path = if model.ends_with(".bin") || as_path.components().count() > 1 {
        as_path.to_path_buf()
    } else {
        models_dir.join(format!("ggml-{model}.bin"))
    };
    if !path.exists() {
        let how = match model.strip_suffix("-q8_0") {
            Some(base) => format!("`verbatim models quantize {base}` writes it"),
            None => format!("run `verbatim models fetch {model}`, or pass --model PATH"),
        };
        anyhow::bail!("model {model:?} not found at {} ({how})", path.display());
    }
    Ok(path)
}

/// The Silero weights that confirm gap markers, when fetched; without them a note says that
/// gap markers rest on one voice detector.
pub(crate) fn gap_check(models_dir: &Path) -> Option<PathBuf> {
    let path = verbatim::models::silero::weights_path(models_dir);
    if path.exists() {
        return Some(path);
    }
    eprintln!(
        "note: the second voice detector is not in {} (`verbatim models fetch silero`): gap \
         markers rest on the first detector alone",
        models_dir.display()
    );
    None
}
