//! `verbatim speakers`: list the store's speakers; rename, merge and split them off, with the
//! change carried into transcripts, claims and the index.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;
use verbatim::model::{hms, Transcript};
use verbatim::pipeline::{change_speakers, rename_speaker};
use verbatim::speakers::registry::Registry;
use verbatim::store::Store;

use super::outln;
use super::Status;
use crate::cli::{SpeakersCommand, TableFormat};

pub fn run(
    store_dir: &Path,
    sources: &super::claims::ClaimSources,
    command: SpeakersCommand,
) -> anyhow::Result<Status> {
    let store = super::transcript::open_existing(store_dir)?;
    let rules = super::claims::load_rules(store_dir, sources)?;
    verbatim::pipeline::sync(&store, &rules)?;
    if let SpeakersCommand::List { format } = command {
        return list(&store, format);
    }
    let (message, changed) = match command {
        SpeakersCommand::List { .. } => unreachable!("handled above"),
        SpeakersCommand::Rename { speaker, name } => {
            let renamed = rename_speaker(&store, &rules, &speaker, &name)?;
            (
                format!("renamed {} to {:?}", renamed.id, renamed.name),
                renamed.recordings,
            )
        }
        SpeakersCommand::Merge { speaker, other } => change_speakers(&store, &rules, |registry| {
            let keep = registry.find(&speaker)?.id.clone();
            let gone = registry.find(&other)?.id.clone();
            let jobs = registry.merge(&speaker, &other)?;
            let message = format!("merged {gone} into {keep} ({})", registry.label(&keep));
            Ok((message, jobs))
        })?,
        SpeakersCommand::SplitOff { speaker, recording } => {
            let recording = store.resolve(&recording)?.clone();
            change_speakers(&store, &rules, |registry| {
                let old = registry.find(&speaker)?.id.clone();
                let (new, jobs) = registry.split_off(&speaker, &recording.sha256)?;
                let message = format!("split {old}'s part in {:?} off as {new}", recording.name);
                Ok((message, jobs))
            })?
        }
    };
    outln!("{message}; {changed} recordings updated (transcripts, claims, index)")?;
    Ok(Status::Success)
}

#[derive(Serialize)]
struct Row {
    id: String,
    name: Option<String>,
    label: String,
    speech_ms: u64,
    recordings: Vec<String>,
    sample: Option<String>,
    /// The mean of the voice model's confidence over the speaker's words (0..1): low when
    /// their turns are short, overlap others or sound like another voice. None when no word
    /// carries one.
    confidence: Option<f32>,
}

fn list(store: &Store, format: TableFormat) -> anyhow::Result<Status> {
    let registry = Registry::load(store.root())?;
    let mut transcripts: HashMap<String, Transcript> = HashMap::new();
    let mut rows = Vec::new();
    for speaker in &registry.speakers {
        let mut recordings = Vec::new();
        let mut sample: Option<String> = None;
        let (mut confidence_sum, mut words) = (0f64, 0usize);
        for member in &speaker.members {
            let Some(recording) = store.find_by_sha256(&member.sha256) else {
                continue;
            };
            recordings.push(recording.name.clone());
            if !transcripts.contains_key(&member.sha256) {
                transcripts.insert(member.sha256.clone(), store.transcript(recording)?);
            }
            let theirs = || {
                transcripts[&member.sha256]
                    .segments
                    .iter()
                    .filter(|s| s.speaker_id.as_deref() == Some(&speaker.id) && s.is_speech())
            };
            for confidence in theirs()
                .flat_map(|s| &s.words)
                .filter_map(|w| w.speaker_confidence)
            {
                confidence_sum += f64::from(confidence);
                words += 1;
            }
            let longest = theirs().max_by_key(|s| s.text.len());
            if let Some(segment) = longest {
                if sample.as_ref().is_none_or(|t| segment.text.len() > t.len()) {
                    sample = Some(segment.text.clone());
                }
            }
        }
        rows.push(Row {
            id: speaker.id.clone(),
            name: speaker.name.clone(),
            label: speaker.label().to_string(),
            speech_ms: speaker.speech_ms(),
            recordings,
            sample,
            confidence: (words > 0)
                .then(|| ((confidence_sum / words as f64) * 1000.0).round() as f32 / 1000.0),
        });
    }
    if format == TableFormat::Json {
        outln!("{}", serde_json::to_string_pretty(&rows)?)?;
        return Ok(Status::Success);
    }
    if rows.is_empty() {
        outln!("no speakers yet: `verbatim ingest` finds them in recordings")?;
        return Ok(Status::Success);
    }
    outln!(
        "{:<5} {:<24} {:>9} {:>4} {:>5}  sample",
        "id",
        "name",
        "talk",
        "recs",
        "conf"
    )?;
    for row in rows {
        let sample = row.sample.as_deref().unwrap_or("");
        let sample: String = if sample.chars().count() > 60 {
            format!("{}...", sample.chars().take(57).collect::<String>())
        } else {
            sample.to_string()
        };
        let confidence = row
            .confidence
            .map_or_else(|| "-".to_string(), |c| format!("{c:.2}"));
        outln!(
            "{:<5} {:<24} {:>9} {:>4} {confidence:>5}  {sample:?}",
            row.id,
            row.name.as_deref().unwrap_or("-"),
            hms(row.speech_ms),
            row.recordings.len()
        )?;
    }
    Ok(Status::Success)
}
