//! `verbatim verify`: re-hash every source file against the manifest, print what changed or
//! went missing, keep the result for the claims exports, check the review log's hash chain,
//! and exit 1 on any mismatch or break.

use std::path::Path;

use serde_json::json;
use verbatim::verify::{record, verify, SourceStatus};

use super::transcript::open_existing;
use super::{print, Status};
use crate::cli::{TableFormat, VerifyArgs};

pub fn run(store_dir: &Path, args: VerifyArgs) -> anyhow::Result<Status> {
    let store = open_existing(store_dir)?;
    let root = match args.root {
        Some(root) => root,
        None => std::env::current_dir()?,
    };
    let checks = verify(&store, &root);
    record(&store, &checks)?;
    let bad = checks
        .iter()
        .filter(|c| c.status != SourceStatus::Ok)
        .count();
    // the review log's chain (see `verbatim::review`)
    let reviews = match verbatim::review::check(&store)? {
        Ok(entries) if entries.is_empty() => None,
        Ok(entries) => Some(Ok(format!(
            "ok       review log  {} entries, chain intact\n",
            entries.len()
        ))),
        Err(broken) => Some(Err(format!("BROKEN   review log  {broken}\n"))),
    };
    let text = match args.format {
        TableFormat::Json => serde_json::to_string_pretty(&json!(checks))? + "\n",
        TableFormat::Table => {
            let mut out = String::new();
            for check in &checks {
                let short = &check.sha256[..12];
                let line = match &check.status {
                    SourceStatus::Ok => format!("ok       {}  sha256:{short}\n", check.name),
                    SourceStatus::Changed { actual_sha256 } => format!(
                        "CHANGED  {}  {}: sha256 is now {} (recorded {short})\n",
                        check.name,
                        check.path.display(),
                        &actual_sha256[..12]
                    ),
                    SourceStatus::Missing { reason } => format!(
                        "MISSING  {}  {}: {reason}\n",
                        check.name,
                        check.path.display()
                    ),
                };
                out.push_str(&line);
            }
            out.push_str(&format!(
                "{} sources, {} ok, {bad} changed or missing\n",
                checks.len(),
                checks.len() - bad
            ));
            if let Some(Ok(line) | Err(line)) = &reviews {
                out.push_str(line);
            }
            out
        }
    };
    print(&text)?;
    let broken_log = matches!(reviews, Some(Err(_)));
    if let (TableFormat::Json, Some(Err(line))) = (args.format, &reviews) {
        eprint!("{line}");
    }
    Ok(if bad > 0 || broken_log {
        Status::Partial
    } else {
        Status::Success
    })
}
