//! `verbatim relisten`: each chosen claim's audio transcribed again by a second model, compared
//! with the quote, and stored as derived data; prints one line a claim.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use serde_json::json;
use verbatim::claims::Claim;
use verbatim::relisten::{self, SecondListen};
use verbatim::transcribe::{default_threads, TranscribeOptions, WhisperModel, WordTimes};

use super::claims::ClaimSources;
use super::review::{all_claims, find_claim};
use super::transcript::open_existing;
use super::{print, Status};
use crate::cli::{RelistenArgs, TableFormat};

pub fn run(store_dir: &Path, sources: &ClaimSources, args: RelistenArgs) -> anyhow::Result<Status> {
    let store = open_existing(store_dir)?;
    let claims = all_claims(&store, store_dir, sources)?;
    let chosen: Vec<&Claim> = if args.all {
        claims.iter().collect()
    } else {
        let mut chosen = Vec::new();
        for wanted in &args.claims {
            let claim = find_claim(&claims, wanted.trim())?;
            if !chosen.iter().any(|c: &&Claim| c.id == claim.id) {
                chosen.push(claim);
            }
        }
        chosen
    };
    let root = match args.root {
        Some(root) => root,
        None => std::env::current_dir()?,
    };
    let model_path = super::ingest::resolve_model(&sources.models_dir, &args.model)?;
    // word times are not needed: only the words are compared
    let model = WhisperModel::load_with(&model_path, WordTimes::Tokens)
        .with_context(|| format!("loading the second model {}", model_path.display()))?;
    let mut by_recording: BTreeMap<&str, Vec<&Claim>> = BTreeMap::new();
    for claim in &chosen {
        by_recording.entry(&claim.sha256).or_default().push(claim);
    }
    let mut rows: Vec<(&Claim, Result<SecondListen, String>)> = Vec::new();
    for (sha256, claims) in by_recording {
        let recording = store
            .find_by_sha256(sha256)
            .context("a claim names a recording the manifest does not")?;
        let samples = match relisten::source_samples(recording, &root) {
            Ok(samples) => samples,
            Err(error) => {
                rows.extend(claims.into_iter().map(|c| (c, Err(error.to_string()))));
                continue;
            }
        };
        let options = TranscribeOptions {
            language: recording
                .settings
                .as_ref()
                .map(|s| s.language.clone())
                .filter(|l| l != "auto"),
            threads: args.threads.unwrap_or_else(default_threads).max(1),
            beam: usize::from(args.beam),
            ..TranscribeOptions::default()
        };
        let source = root.join(&recording.source_path);
        let mut found = BTreeMap::new();
        for claim in claims {
            let result = relisten::listen(&model, &source, &samples, claim, &options);
            if let Ok(listen) = &result {
                found.insert(claim.id.clone(), listen.clone());
            }
            rows.push((claim, result.map_err(|e| e.to_string())));
        }
        relisten::save(&store, sha256, found)?;
    }
    rows.sort_by_key(|(claim, _)| chosen.iter().position(|c| c.id == claim.id));
    let text = match args.format {
        TableFormat::Json => {
            let rows: Vec<_> = rows
                .iter()
                .map(|(claim, result)| match result {
                    Ok(listen) => json!({
                        "claim_id": claim.id,
                        "citation": claim.citation(),
                        "quote": claim.quote,
                        "second_listen": listen,
                        "second_listen_differs": !listen.agrees,
                    }),
                    Err(error) => json!({
                        "claim_id": claim.id,
                        "citation": claim.citation(),
                        "quote": claim.quote,
                        "error": error,
                    }),
                })
                .collect();
            serde_json::to_string_pretty(&rows)? + "\n"
        }
        TableFormat::Table => rows
            .iter()
            .map(|(claim, result)| {
                let id = &claim.id[..claim.id.len().min(12)];
                match result {
                    Ok(listen) if listen.agrees => format!("agrees   {id}  {}\n", claim.quote),
                    Ok(listen) => format!(
                        "DIFFERS  {id}  {}\n         {} heard: {}\n         differences: {}\n",
                        claim.quote,
                        listen.model,
                        listen.text,
                        listen
                            .differences
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    Err(error) => format!("SKIPPED  {id}  {error}\n"),
                }
            })
            .collect(),
    };
    print(&text)?;
    let differs = rows
        .iter()
        .filter(|(_, r)| r.as_ref().is_ok_and(|l| !l.agrees))
        .count();
    let skipped = rows.iter().filter(|(_, r)| r.is_err()).count();
    eprintln!(
        "{} claims listened to again with {}: {} agree, {differs} differ, {skipped} skipped",
        rows.len() - skipped,
        model.info().name,
        rows.len() - skipped - differs
    );
    Ok(if differs > 0 || skipped > 0 {
        Status::Partial
    } else {
        Status::Success
    })
}
