//! `verbatim claims`, `verbatim timeline` and `verbatim rules`: the claims found in the store,
//! filtered and rendered, and the rules that found them.

use std::path::{Path, PathBuf};

use anyhow::Context;
use verbatim::claims::{Claim, Rules};
use verbatim::export::claims as export;
use verbatim::export::csv::Cells;
use verbatim::export::timeline;
use verbatim::select;
use verbatim::store::Store;

use super::transcript::open_existing;
use super::{filter, print, Status};
use crate::cli::{ClaimsArgs, ClaimsFormat, Filters, RulesArgs, TimelineArgs, TimelineFormat};

/// Where the claim rules, examples and the meaning model come from (global options).
#[derive(Debug, Clone)]
pub struct ClaimSources {
    /// `--rules`.
    pub rules: Option<PathBuf>,
    /// `--examples`.
    pub examples: Option<PathBuf>,
    /// `--models-dir`.
    pub models_dir: PathBuf,
}

/// The rules in force (`--rules FILE`, else the store's `rules.toml`, else the built-in
/// rules), with the meaning model beside them when it is installed.
pub fn load_rules(store_dir: &Path, sources: &ClaimSources) -> anyhow::Result<Rules> {
    Ok(select::claim_rules(
        store_dir,
        sources.rules.as_deref(),
        sources.examples.as_deref(),
        &sources.models_dir,
    )?)
}

/// Before a command extracts claims: loads the sentence model (and its classifier), so that a
/// corrupt model or examples file stops the command before anything is stored; or says on
/// stderr that claims will come from the rules alone.
pub fn prepare_model(rules: &Rules) -> anyhow::Result<()> {
    match &rules.meaning {
        Some(model) => {
            model.get()?;
        }
        None => eprintln!(
            "note: the sentence model is not installed, so claims come from the rules alone; \
             `verbatim models fetch minilm` adds it (then `verbatim claims --rescan`)"
        ),
    }
    Ok(())
}

pub fn run(store_dir: &Path, sources: &ClaimSources, args: ClaimsArgs) -> anyhow::Result<Status> {
    let store = open_existing(store_dir)?;
    let rules = load_rules(store_dir, sources)?;
    if args.rescan {
        prepare_model(&rules)?;
        let count = verbatim::pipeline::rescan(&store, &rules)?;
        eprintln!(
            "rescanned {} recordings with rules {} (sha256:{}): {count} claims",
            store.recordings().len(),
            rules.origin,
            &rules.sha256[..12]
        );
    }
    let mut claims = selected(&store, &rules, &args.filters, args.min_score)?;
    if let Some(wanted) = args.review {
        let log = verbatim::review::read(&store)?;
        let latest = verbatim::review::latest(&log);
        claims.retain(|claim| wanted.keeps(claim, &latest));
    }
    let text = match args.format {
        ClaimsFormat::Table => export::table(&claims),
        ClaimsFormat::Csv => export::csv(&claims, Cells::from_flag(args.csv_raw))?,
        ClaimsFormat::Json => export::json(&claims),
        ClaimsFormat::Md => export::markdown(&claims),
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
    sources: &ClaimSources,
    args: TimelineArgs,
) -> anyhow::Result<Status> {
    let store = open_existing(store_dir)?;
    let rules = load_rules(store_dir, sources)?;
    let claims = selected(&store, &rules, &args.filters, args.min_score)?;
    let rows = timeline::rows(&claims);
    let text = match args.format {
        TimelineFormat::Table => timeline::table(&rows),
        TimelineFormat::Csv => timeline::csv(&rows, Cells::from_flag(args.csv_raw))?,
        TimelineFormat::Json => timeline::json(&rows),
        TimelineFormat::Svg => timeline::svg(&rows, &rules),
        TimelineFormat::Html => timeline::html(&rows, &rules, "verbatim timeline"),
    };
    print(&text)?;
    Ok(if rows.is_empty() {
        Status::Partial
    } else {
        Status::Success
    })
}

pub fn rules(store_dir: &Path, sources: &ClaimSources, args: RulesArgs) -> anyhow::Result<Status> {
    let text = if args.default {
        verbatim::claims::rules::DEFAULT_RULES.to_string()
    } else {
        rules_in_force(store_dir, sources)?
    };
    print(&text)?;
    Ok(Status::Success)
}

/// The rules in force as text, headed by where they come from.
pub fn rules_in_force(store_dir: &Path, sources: &ClaimSources) -> anyhow::Result<String> {
    let rules = sources.rules.as_deref();
    let text = {
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
    Ok(text)
}

/// The stored claims that pass the filters (see [`verbatim::select::claims`]); a note on stderr
/// says when some were found with other rules than those in force.
pub fn selected(
    store: &Store,
    rules: &Rules,
    filters: &Filters,
    min_score: Option<f32>,
) -> anyhow::Result<Vec<Claim>> {
    if let Some(score) = min_score {
        anyhow::ensure!(
            (0.0..=1.0).contains(&score),
            "--min-score {score} is not between 0 and 1"
        );
    }
    let filter = select::Filter {
        min_score,
        ..filter(filters)?
    };
    let selection = select::claims(store, rules, &filter)?;
    if selection.stale_recordings > 0 {
        eprintln!(
            "note: the claims of {} recordings were found with other rules than those in force ({}); run `verbatim claims --rescan` to apply them",
            selection.stale_recordings, rules.origin
        );
    }
    Ok(selection.claims)
}
