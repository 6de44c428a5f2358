//! `verbatim import`: store transcripts made elsewhere (SRT, WebVTT, whisper.cpp or WhisperX
//! JSON, text) as recordings, one line per file, non-zero exit when any file failed.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use verbatim::claims::Rules;
use verbatim::pipeline::{
    collect_transcript_inputs, commit_batch, prepare_import, ImportOptions, Input, Outcome,
    Prepared,
};
use verbatim::store::Store;

use super::ingest::BatchReport;
use super::Status;
use crate::cli::ImportArgs;

pub fn run(
    store_dir: &Path,
    sources: &super::claims::ClaimSources,
    args: ImportArgs,
) -> anyhow::Result<Status> {
    let options = ImportOptions {
        format: args.format.0,
        date: args.date,
        encoding: args.encoding,
    };
    let mut store = Store::open(store_dir)
        .with_context(|| format!("opening the evidence store {}", store_dir.display()))?;
    let rules = super::claims::load_rules(store_dir, sources)?;
    super::claims::prepare_model(&rules)?;
    // A run killed between storing a recording and indexing it left claims or index short.
    verbatim::pipeline::sync(&store, &rules)?;
    let mut report = BatchReport::default();
    let mut batch = PendingBatch::default();
    for input in collect_transcript_inputs(&args.paths) {
        match input {
            Input::File(path) => {
                let prepared = prepare_import(&store, &path, options);
                batch.push(path, prepared);
                if batch.is_full() {
                    batch.commit(&mut store, &rules, &mut report)?;
                }
            }
            other => {
                // Keep the lines in input order: report what is pending first.
                batch.commit(&mut store, &rules, &mut report)?;
                report.input(other);
            }
        }
    }
    batch.commit(&mut store, &rules, &mut report)?;
    Ok(report.finish(store_dir))
}

/// Imported files waiting to be stored together: one store transaction and one index commit
/// per batch instead of per file, which is what makes importing thousands of files fast. A
/// batch is committed when it is large or old enough, so a recording is reported `added` only
/// once it is durable, and a crash loses at most the pending batch (the rerun redoes it).
#[derive(Default)]
struct PendingBatch {
    files: Vec<(PathBuf, verbatim::Result<Prepared>)>,
    segments: usize,
    since: Option<Instant>,
}

impl PendingBatch {
    const MAX_SEGMENTS: usize = 100_000;
    const MAX_FILES: usize = 1_000;
    const MAX_WAIT: Duration = Duration::from_secs(5);

    fn push(&mut self, path: PathBuf, prepared: verbatim::Result<Prepared>) {
        if let Ok(Prepared::New(_, transcript)) = &prepared {
            self.segments += transcript.segments.len();
        }
        self.since.get_or_insert_with(Instant::now);
        self.files.push((path, prepared));
    }

    fn is_full(&self) -> bool {
        self.segments >= Self::MAX_SEGMENTS
            || self.files.len() >= Self::MAX_FILES
            || self.since.is_some_and(|t| t.elapsed() >= Self::MAX_WAIT)
    }

    /// Stores and indexes the pending recordings, then reports every pending file in order.
    fn commit(
        &mut self,
        store: &mut Store,
        rules: &Rules,
        report: &mut BatchReport,
    ) -> anyhow::Result<()> {
        let files = std::mem::take(&mut self.files);
        self.segments = 0;
        self.since = None;
        let mut new = Vec::new();
        let mut slots = Vec::with_capacity(files.len());
        for (path, prepared) in files {
            slots.push(match prepared {
                Ok(Prepared::New(recording, transcript)) => {
                    new.push((*recording, transcript));
                    (path, None)
                }
                Ok(Prepared::Present(existing)) => {
                    (path, Some(Ok(Outcome::AlreadyPresent(existing))))
                }
                Err(error) => (path, Some(Err(error))),
            });
        }
        let mut committed = commit_batch(store, rules, new)?.into_iter();
        for (path, outcome) in slots {
            let outcome = outcome
                .unwrap_or_else(|| Ok(committed.next().expect("one outcome per new recording")));
            report.outcome(&path, outcome);
        }
        Ok(())
    }
}
