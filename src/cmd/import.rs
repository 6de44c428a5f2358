//! `verbatim import`: store transcripts made elsewhere (SRT, WebVTT, whisper.cpp or WhisperX
//! JSON, text) as recordings, one line per file, non-zero exit when any file failed.

use std::path::Path;

use anyhow::{anyhow, Context};
use verbatim::import::ImportFormat;
use verbatim::ingest::{collect_transcript_inputs, import_transcript};
use verbatim::model::parse_iso_date;
use verbatim::search::SearchIndex;
use verbatim::store::Store;

use super::ingest::run_batch;
use super::Status;
use crate::cli::ImportArgs;

pub fn run(store_dir: &Path, args: ImportArgs) -> anyhow::Result<Status> {
    let format: Option<ImportFormat> = match args.format.as_deref() {
        None | Some("auto") => None,
        Some(name) => Some(name.parse().map_err(|e: String| anyhow!(e))?),
    };
    let date = args
        .date
        .as_deref()
        .map(|d| parse_iso_date(d).with_context(|| format!("--date {d:?} is not YYYY-MM-DD")))
        .transpose()?;
    let mut store = Store::open(store_dir)
        .with_context(|| format!("opening the evidence store {}", store_dir.display()))?;
    // A run killed between storing a recording and indexing it left the index short.
    SearchIndex::open(store_dir)?.sync(&store)?;
    run_batch(store_dir, collect_transcript_inputs(&args.paths), |path| {
        import_transcript(&mut store, path, format, date)
    })
}
