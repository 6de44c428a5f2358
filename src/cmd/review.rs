//! `verbatim review` and `verbatim reviews`: a fact-checker's verdict on a claim, appended to
//! the store's hash-chained review log, and the log read back.

use std::path::Path;

use serde_json::json;
use time::format_description::well_known::Rfc3339;
use verbatim::claims::Claim;
use verbatim::export::csv::{Cells, Table};
use verbatim::review::{self, Review};
use verbatim::select;
use verbatim::store::Store;

use super::claims::{load_rules, ClaimSources};
use super::transcript::open_existing;
use super::{print, Status};
use crate::cli::{ReviewArgs, ReviewsArgs, ReviewsFormat};

/// Every stored claim, as `claims` shows them.
pub(super) fn all_claims(
    store: &Store,
    store_dir: &Path,
    sources: &ClaimSources,
) -> anyhow::Result<Vec<Claim>> {
    let rules = load_rules(store_dir, sources)?;
    Ok(select::claims(store, &rules, &select::Filter::default())?.claims)
}

pub fn review(
    store_dir: &Path,
    sources: &ClaimSources,
    args: ReviewArgs,
) -> anyhow::Result<Status> {
    let wanted = args.claim.trim();
    anyhow::ensure!(
        !wanted.is_empty(),
        "give the claim's id (see `verbatim claims`)"
    );
    anyhow::ensure!(
        !args.by.trim().is_empty(),
        "--by is empty: say who reviewed"
    );
    let store = open_existing(store_dir)?;
    let claims = all_claims(&store, store_dir, sources)?;
    let claim = find_claim(&claims, wanted)?;
    let entry = review::append(&store, claim, args.status, args.by.trim(), &args.note)?;
    print(&format!(
        "{} {}  {}  by {}  (review log entry sha256:{})\n",
        entry.status.name(),
        &claim.id[..claim.id.len().min(12)],
        claim.citation(),
        entry.by,
        &entry.sha256[..12]
    ))?;
    Ok(Status::Success)
}

/// The one claim whose id starts with `wanted`.
pub(super) fn find_claim<'a>(claims: &'a [Claim], wanted: &str) -> anyhow::Result<&'a Claim> {
    let matching: Vec<&Claim> = claims.iter().filter(|c| c.id.starts_with(wanted)).collect();
    match matching.as_slice() {
        [one] => Ok(one),
        [] => anyhow::bail!("no claim has the id `{wanted}` (see `verbatim claims`)"),
        many => anyhow::bail!(
            "`{wanted}` starts the ids of {} claims; give more of the id",
            many.len()
        ),
    }
}

pub fn reviews(
    store_dir: &Path,
    sources: &ClaimSources,
    args: ReviewsArgs,
) -> anyhow::Result<Status> {
    let store = open_existing(store_dir)?;
    let log = review::read(&store)?;
    let claims = all_claims(&store, store_dir, sources)?;
    let shown: Vec<&Review> = if args.history {
        log.iter().collect()
    } else {
        review::latest(&log)
    };
    // what each entry's claim is now: its state, quote and citation
    let rows: Vec<(&Review, &'static str, Option<&Claim>)> = shown
        .into_iter()
        .map(|r| {
            let claim = claims.iter().find(|c| c.id == r.claim_id);
            let state = match claim {
                None => "claim gone",
                Some(c) if r.is_stale(c) => "stale",
                Some(_) => "current",
            };
            (r, state, claim)
        })
        .collect();
    let text = match args.format {
        ReviewsFormat::Json => {
            let rows: Vec<_> = rows
                .iter()
                .map(|(r, state, claim)| {
                    json!({
                        "review": r,
                        "state": state,
                        "quote": claim.map(|c| c.quote.clone()),
                        "citation": claim.map(Claim::citation),
                    })
                })
                .collect();
            serde_json::to_string_pretty(&rows)? + "\n"
        }
        ReviewsFormat::Csv => {
            let mut table = Table::new(
                &[
                    "claim_id",
                    "status",
                    "state",
                    "by",
                    "at",
                    "note",
                    "quote",
                    "citation",
                    "entry_sha256",
                ],
                Cells::Safe,
            )?;
            for (r, state, claim) in &rows {
                let at = r.at.format(&Rfc3339).unwrap_or_default();
                let quote = claim.map(|c| c.quote.clone()).unwrap_or_default();
                let citation = claim.map(Claim::citation).unwrap_or_default();
                table.row([
                    r.claim_id.as_str(),
                    r.status.name(),
                    state,
                    r.by.as_str(),
                    at.as_str(),
                    r.note.as_str(),
                    quote.as_str(),
                    citation.as_str(),
                    r.sha256.as_str(),
                ])?;
            }
            table.finish()?
        }
        ReviewsFormat::Table => {
            let mut out = String::new();
            for (r, state, claim) in &rows {
                let state = if *state == "current" {
                    String::new()
                } else {
                    format!(" ({state})")
                };
                out.push_str(&format!(
                    "{}  {}{state}  {}  {}  {}\n",
                    &r.claim_id[..r.claim_id.len().min(12)],
                    r.status.name(),
                    r.by,
                    r.at.date(),
                    claim.map(Claim::citation).unwrap_or_default()
                ));
                if !r.note.is_empty() {
                    out.push_str(&format!("    note: {}\n", r.note));
                }
            }
            out.push_str(&format!("{} reviews\n", rows.len()));
            out
        }
    };
    print(&text)?;
    Ok(Status::Success)
}
