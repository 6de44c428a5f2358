//! `verbatim transcript`: print one stored transcript as TXT, SRT, VTT or JSON.

use std::path::Path;

use anyhow::Context;
use verbatim::export::render_transcript;
use verbatim::store::Store;

use super::{print, Status};
use crate::cli::TranscriptArgs;

pub fn run(store_dir: &Path, args: TranscriptArgs) -> anyhow::Result<Status> {
    let format = args.format;
    let store = open_existing(store_dir)?;
    let recording = store.resolve(&args.recording)?;
    let transcript = store
        .transcript(recording)
        .with_context(|| format!("reading the transcript of {}", recording.name))?;
    print(&render_transcript(format, recording, &transcript))?;
    Ok(Status::Success)
}

/// Opens a store that must already exist (reading commands never create one).
pub fn open_existing(store_dir: &Path) -> anyhow::Result<Store> {
    if !store_dir.join("manifest.json").exists() {
        anyhow::bail!(
            "no evidence store at {} (run `verbatim ingest` first, or pass --store)",
            store_dir.display()
        );
    }
    Ok(Store::open(store_dir)?)
}
