//! `verbatim bundle`: the selected claims and their evidence written as one zip.

use std::path::Path;

use verbatim::bundle::{self, Inputs};
use verbatim::export::claims as export;
use verbatim::export::csv::Cells;

use super::claims::{load_rules, rules_in_force, selected, ClaimSources};
use super::transcript::open_existing;
use super::Status;
use crate::cli::BundleArgs;

pub fn run(store_dir: &Path, sources: &ClaimSources, args: BundleArgs) -> anyhow::Result<Status> {
    let store = open_existing(store_dir)?;
    let rules = load_rules(store_dir, sources)?;
    let mut claims = selected(&store, &rules, &args.filters, None)?;
    if let Some(wanted) = args.review {
        let log = verbatim::review::read(&store)?;
        let latest = verbatim::review::latest(&log);
        claims.retain(|claim| wanted.keeps(claim, &latest));
    }
    anyhow::ensure!(
        !claims.is_empty(),
        "no claims match: nothing to bundle (see `verbatim claims` with the same filters)"
    );
    let root = match args.root {
        Some(root) => root,
        None => std::env::current_dir()?,
    };
    let inputs = Inputs {
        claims: &claims,
        claims_csv: export::csv(&claims, Cells::Safe)?,
        claims_md: export::markdown(&claims),
        rules: rules_in_force(store_dir, sources)?,
        root: &root,
    };
    let bundle = bundle::build(&store, &inputs)?;
    bundle::write_zip(&args.out, &bundle)?;
    for note in &bundle.notes {
        eprintln!("note: {note}");
    }
    let clips = bundle
        .files
        .iter()
        .filter(|(p, _)| p.starts_with("clips/"))
        .count();
    eprintln!(
        "wrote {}: {} claims, {clips} audio clips, {} files with SHA256SUMS",
        args.out.display(),
        claims.len(),
        bundle.files.len()
    );
    Ok(Status::Success)
}
