//! `verbatim verify`: re-hash every source file against the manifest, print what changed or
//! went missing, keep the result for the claims exports, check the review log's hash chain and
//! every stored file against the store's journal, and exit 1 on any mismatch or break. With
//! `--reproduce`, transcribe recordings again as their provenance records and compare.

use std::path::Path;

use serde_json::json;
use verbatim::journal::{self, FileStatus};
use verbatim::store::Store;
use verbatim::verify::{record, verify, SourceStatus};

use super::claims::ClaimSources;
use super::transcript::open_existing;
use super::{print, Status};
use crate::cli::{TableFormat, VerifyArgs};

pub fn run(store_dir: &Path, sources: &ClaimSources, args: VerifyArgs) -> anyhow::Result<Status> {
    let store = open_existing(store_dir)?;
    let root = match args.root.clone() {
        Some(root) => root,
        None => std::env::current_dir()?,
    };
    // the recordings to transcribe again, named before any work so that a typo fails at once
    let to_reproduce = match &args.reproduce {
        None => None,
        Some(names) if names.is_empty() => Some(store.recordings().iter().collect()),
        Some(names) => Some(
            names
                .iter()
                .map(|name| store.resolve(name))
                .collect::<Result<Vec<_>, _>>()?,
        ),
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
    let journal = journal_lines(&store)?;
    let reproductions = match to_reproduce {
        Some(recordings) => Some(super::reproduce::run(
            &store,
            &recordings,
            &root,
            &sources.models_dir,
            args.threads,
        )?),
        None => None,
    };
    let text = match (args.format, &reproductions) {
        (TableFormat::Json, None) => serde_json::to_string_pretty(&json!(checks))? + "\n",
        (TableFormat::Json, Some(reproductions)) => {
            serde_json::to_string_pretty(&json!({
                "sources": checks,
                "reproduced": reproductions,
            }))? + "\n"
        }
        (TableFormat::Table, _) => {
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
            out.push_str(&journal.text);
            if let Some(reproductions) = &reproductions {
                out.push_str(&super::reproduce::table(reproductions));
            }
            out
        }
    };
    print(&text)?;
    let broken_log = matches!(reviews, Some(Err(_)));
    if let (TableFormat::Json, Some(Err(line))) = (args.format, &reviews) {
        eprint!("{line}");
    }
    if args.format == TableFormat::Json && !journal.clean {
        eprint!("{}", journal.text);
    }
    let unreproduced = reproductions
        .as_ref()
        .is_some_and(|r| r.iter().any(|r| !r.reproduced()));
    Ok(if bad > 0 || broken_log || !journal.clean || unreproduced {
        Status::Partial
    } else {
        Status::Success
    })
}

/// The journal's check, as lines: each stored file that differs from what verbatim last wrote,
/// then a summary.
struct JournalLines {
    text: String,
    clean: bool,
}

fn journal_lines(store: &Store) -> anyhow::Result<JournalLines> {
    let report = journal::check(store.root())?;
    // a file's recording, by the SHA-256 in its name
    let owner = |path: &str| -> String {
        let stem = Path::new(path).file_stem().map(|s| s.to_string_lossy());
        stem.and_then(|sha| store.find_by_sha256(&sha))
            .map(|r| format!(" ({})", r.name))
            .unwrap_or_default()
    };
    let mut text = String::new();
    for file in &report.files {
        let path = &file.path;
        let line = match &file.status {
            FileStatus::Ok => continue,
            FileStatus::Changed {
                recorded_sha256,
                actual_sha256,
            } => format!(
                "CHANGED  {path}{}: changed outside verbatim: sha256 is now {}, the journal \
                 recorded {}\n",
                owner(path),
                &actual_sha256[..12],
                &recorded_sha256[..12]
            ),
            FileStatus::Missing { recorded_sha256 } => format!(
                "MISSING  {path}{}: verbatim wrote it (sha256 {}) but it is gone\n",
                owner(path),
                &recorded_sha256[..12]
            ),
            FileStatus::NotJournaled { actual_sha256 } => format!(
                "CHANGED  {path}{}: written outside verbatim: not in the journal (sha256 {})\n",
                owner(path),
                &actual_sha256[..12]
            ),
            FileStatus::Unrecorded {
                actual_sha256,
                by,
                at,
                ..
            } => format!(
                "note     {path}{}: written by `{by}` ({at}), which stopped before recording \
                 the write as made; its bytes are the ones it announced (sha256 {})\n",
                owner(path),
                actual_sha256.get(..12).unwrap_or(actual_sha256)
            ),
        };
        text.push_str(&line);
    }
    let bad = report
        .files
        .iter()
        .filter(|f| !f.status.is_vouched())
        .count();
    match &report.broken {
        Some(broken) => text.push_str(&format!("BROKEN   journal  {broken}\n")),
        None if report.entries == 0 => {}
        None => text.push_str(&format!(
            "{}journal  {} entries, {} stored files, {bad} changed outside verbatim\n",
            if bad == 0 { "ok       " } else { "CHANGED  " },
            report.entries,
            report.files.len()
        )),
    }
    if let Some((reason, at)) = &report.started {
        if reason == journal::STARTED_AS_FOUND {
            text.push_str(&format!(
                "note     the journal was started {at} from the store as found: files written \
                 before then are vouched for only from then on\n"
            ));
        }
    }
    Ok(JournalLines {
        clean: report.is_clean(),
        text,
    })
}
