//! `verbatim list`: the recordings in the store with their provenance.

use std::fmt::Write;
use std::path::Path;

use verbatim::model::hms;

use super::transcript::open_existing;
use super::{print, Status};
use crate::cli::{ListArgs, TableFormat};

pub fn run(store_dir: &Path, args: ListArgs) -> anyhow::Result<Status> {
    let store = open_existing(store_dir)?;
    let recordings = store.recordings();
    let text = match args.format {
        TableFormat::Json => serde_json::to_string_pretty(recordings)? + "\n",
        TableFormat::Table => {
            let mut out = String::new();
            let _ = writeln!(
                out,
                "{:<12}  {:<10}  {:>8}  {:>8}  {:<8}  name",
                "sha256", "date", "duration", "segments", "model"
            );
            for r in recordings {
                let date = r
                    .recording_date
                    .map_or_else(|| "unknown".to_string(), |d| d.to_string());
                let _ = writeln!(
                    out,
                    "{:<12}  {:<10}  {:>8}  {:>8}  {:<8}  {}",
                    r.short_hash(),
                    date,
                    hms(r.duration_ms),
                    r.segment_count,
                    r.model.as_ref().map_or("imported", |m| m.name.as_str()),
                    r.name
                );
            }
            out
        }
    };
    print(&text)?;
    Ok(Status::Success)
}
