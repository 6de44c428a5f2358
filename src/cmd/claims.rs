//! `verbatim claims`, `verbatim timeline` and `verbatim rules`: the claims found in the store,
//! filtered and rendered, and the rules that found them.

use std::path::Path;

use anyhow::Context;
use verbatim::claims::{Claim, Rules};
use verbatim::export::claims as export;
use verbatim::export::timeline;
use verbatim::select;
use verbatim::store::Store;

use super::transcript::open_existing;
use super::{filter, print, Status};
use crate::cli::{ClaimsArgs, Filters, RulesArgs, TimelineArgs};

/// The rules in force: `--rules FILE`, else the store's `rules.toml`, else the built-in rules.
pub fn load_rules(store_dir: &Path, rules: Option<&Path>) -> anyhow::Result<Rules> {
    Ok(select::rules_in_force(store_dir, rules)?)
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
        let in_store = store_dir.join(select::STORE_RULES);
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

/// The stored claims that pass the filters (see [`verbatim::select::claims`]); a note on stderr
/// says when some were found with other rules than those in force.
fn selected(store: &Store, rules: &Rules, filters: &Filters) -> anyhow::Result<Vec<Claim>> {
    let selection = select::claims(store, rules, &filter(filters)?)?;
    if selection.stale_recordings > 0 {
        eprintln!(
            "note: the claims of {} recordings were found with other rules than those in force ({}); run `verbatim claims --rescan` to apply them",
            selection.stale_recordings, rules.origin
        );
    }
    Ok(selection.claims)
}
