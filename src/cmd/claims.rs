//! `verbatim claims`, `verbatim timeline` and `verbatim rules`: the claims found in the store,
//! filtered and rendered, and the rules that found them.

use std::path::Path;

use anyhow::Context;
use verbatim::claims::{Claim, ClaimFlag, ClaimSet, Rules, CLAIMS_DIR};
use verbatim::export::claims as export;
use verbatim::export::timeline;
use verbatim::store::Store;
use verbatim::verify::{last_statuses, SourceStatus};

use super::transcript::open_existing;
use super::{date_arg, print, Status};
use crate::cli::{ClaimsArgs, Filters, RulesArgs, TimelineArgs};

/// The file in a store that overrides the built-in rules.
const STORE_RULES: &str = "rules.toml";

/// The rules in force: `--rules FILE`, else the store's `rules.toml`, else the built-in rules.
pub fn load_rules(store_dir: &Path, rules: Option<&Path>) -> anyhow::Result<Rules> {
    let in_store = store_dir.join(STORE_RULES);
    Ok(match rules {
        Some(path) => Rules::load(path)?,
        None if in_store.exists() => Rules::load(&in_store)?,
        None => Rules::builtin(),
    })
}

pub fn run(store_dir: &Path, rules: Option<&Path>, args: ClaimsArgs) -> anyhow::Result<Status> {
    let store = open_existing(store_dir)?;
    let rules = load_rules(store_dir, rules)?;
    if args.rescan {
        let count = verbatim::ingest::rescan(&store, &rules)?;
        eprintln!(
            "rescanned {} recordings with rules {} (sha256:{}): {count} claims",
            store.recordings().len(),
            rules.origin,
            &rules.sha256[..12]
        );
    }
    let claims = selected(&store, &rules, &args.filters)?;
    let text = match args.format.as_str() {
        "table" => export::table(&claims),
        "csv" => export::csv(&claims)?,
        "json" => export::json(&claims),
        "md" | "markdown" => export::markdown(&claims),
        other => anyhow::bail!("unknown --format {other:?} (table, csv, json, md)"),
    };
    print(&text)?;
    Ok(if claims.is_empty() {
        Status::Partial
    } else {
        Status::Success
    })
}

pub fn timeline(
    store_dir: &Path,
    rules: Option<&Path>,
    args: TimelineArgs,
) -> anyhow::Result<Status> {
    let store = open_existing(store_dir)?;
    let rules = load_rules(store_dir, rules)?;
    let claims = selected(&store, &rules, &args.filters)?;
    let rows = timeline::rows(&claims);
    let text = match args.format.as_str() {
        "table" => timeline::table(&rows),
        "csv" => timeline::csv(&rows)?,
        "json" => timeline::json(&rows),
        "svg" => timeline::svg(&rows, &rules),
        "html" => timeline::html(&rows, &rules, "verbatim timeline"),
        other => anyhow::bail!("unknown --format {other:?} (table, csv, json, svg, html)"),
    };
    print(&text)?;
    Ok(if rows.is_empty() {
        Status::Partial
    } else {
        Status::Success
    })
}

pub fn rules(store_dir: &Path, rules: Option<&Path>, args: RulesArgs) -> anyhow::Result<Status> {
    let text = if args.default {
        verbatim::claims::rules::DEFAULT_RULES.to_string()
    } else {
        let in_store = store_dir.join(STORE_RULES);
        let path = rules
            .map(Path::to_path_buf)
            .or_else(|| in_store.exists().then_some(in_store));
        match path {
            Some(path) => {
                Rules::load(&path)?; // refuse to show rules that do not compile
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("reading {}", path.display()))?;
                format!("# rules in force: {}\n{text}", path.display())
            }
            None => format!(
                "# rules in force: built-in\n{}",
                verbatim::claims::rules::DEFAULT_RULES
            ),
        }
    };
    print(&text)?;
    Ok(Status::Success)
}

/// The stored claims that pass the filters, in recording date, recording and time order, with
/// the last verification's findings added as flags. Recordings whose claims are missing (a
/// crash) are extracted on the spot; a warning says when stored claims came from other rules.
fn selected(store: &Store, rules: &Rules, filters: &Filters) -> anyhow::Result<Vec<Claim>> {
    let (from, to) = (
        date_arg(&filters.from, "--from")?,
        date_arg(&filters.to, "--to")?,
    );
    let only = filters
        .recording
        .as_deref()
        .map(|r| store.resolve(r).map(|rec| rec.sha256.clone()))
        .transpose()?;
    if let Some(kind) = &filters.kind {
        if !rules.kinds.iter().any(|k| &k.name == kind) {
            let known: Vec<&str> = rules.kinds.iter().map(|k| k.name.as_str()).collect();
            anyhow::bail!(
                "unknown --kind {kind:?} (the rules in force have: {})",
                known.join(", ")
            );
        }
    }
    let statuses = last_statuses(store)?;
    let mut stale = 0;
    let mut out = Vec::new();
    for recording in store.recordings() {
        if only.as_ref().is_some_and(|sha| sha != &recording.sha256) {
            continue;
        }
        if from.is_some() || to.is_some() {
            let Some(day) = recording.recording_date else {
                continue;
            };
            if from.is_some_and(|f| day < f) || to.is_some_and(|t| day > t) {
                continue;
            }
        }
        let set = match store.derived::<ClaimSet>(CLAIMS_DIR, &recording.sha256)? {
            Some(set) => set,
            None => {
                let transcript = store.transcript(recording)?;
                let set = verbatim::claims::extract(rules, recording, &transcript);
                store.put_derived(CLAIMS_DIR, &recording.sha256, &set)?;
                set
            }
        };
        if set.rules_sha256 != rules.sha256 {
            stale += 1;
        }
        let extra = match statuses.get(&recording.sha256) {
            Some(SourceStatus::Changed { .. }) => Some(ClaimFlag::SourceChanged),
            Some(SourceStatus::Missing { .. }) => Some(ClaimFlag::SourceMissing),
            _ => None,
        };
        for mut claim in set.claims {
            if filters.kind.as_ref().is_some_and(|k| k != &claim.kind) {
                continue;
            }
            if let Some(speaker) = &filters.speaker {
                if !claim
                    .speaker
                    .as_deref()
                    .is_some_and(|s| s.eq_ignore_ascii_case(speaker))
                {
                    continue;
                }
            }
            if let Some(flag) = extra {
                claim.flags.push(flag);
            }
            out.push(claim);
        }
    }
    if stale > 0 {
        eprintln!(
            "note: the claims of {stale} recordings were found with other rules than those in force ({}); run `verbatim claims --rescan` to apply them",
            rules.origin
        );
    }
    out.sort_by(|a, b| {
        (
            a.recording_date.is_none(),
            a.recording_date,
            &a.recording,
            a.start_ms,
        )
            .cmp(&(
                b.recording_date.is_none(),
                b.recording_date,
                &b.recording,
                b.start_ms,
            ))
    });
    Ok(out)
}
