//! `verbatim quote`: check a quote, or every quotation of a draft, against the transcripts.

use std::path::Path;

use anyhow::Context;
use serde_json::json;
use verbatim::model::{Recording, Transcript};
use verbatim::quote::{docx_text, find, quotations, words, QuoteMatch, MAX_QUOTE_WORDS};

use super::transcript::open_existing;
use super::{print, Status};
use crate::cli::{QuoteArgs, TableFormat};

pub fn run(store_dir: &Path, args: QuoteArgs) -> anyhow::Result<Status> {
    if !(args.threshold > 0.0 && args.threshold <= 1.0) {
        anyhow::bail!(
            "--threshold {} is out of range: give a similarity above 0 and at most 1",
            args.threshold
        );
    }
    let quotes = match (&args.text, &args.draft) {
        (Some(text), _) => {
            if words(text).is_empty() {
                anyhow::bail!("the quote is empty: give the words to look for");
            }
            vec![text.clone()]
        }
        (None, Some(draft)) => {
            let quotes = quotations(&read_draft(draft)?);
            if quotes.is_empty() {
                anyhow::bail!(
                    "{}: no quotations found (text of two words or more between double quotes)",
                    draft.display()
                );
            }
            quotes
        }
        (None, None) => anyhow::bail!("give a quote, or --draft FILE"),
    };
    for (n, quote) in quotes.iter().enumerate() {
        let count = words(quote).len();
        if count > MAX_QUOTE_WORDS {
            let which = match &args.draft {
                Some(draft) => format!("{}: quotation {}", draft.display(), n + 1),
                None => "the quote".to_string(),
            };
            anyhow::bail!(
                "{which} has {count} words; at most {MAX_QUOTE_WORDS} are checked at once: \
                 split it into shorter quotes"
            );
        }
    }
    let store = open_existing(store_dir)?;
    let recordings: Vec<&Recording> = match &args.recording {
        Some(name) => vec![store.resolve(name)?],
        None => store.recordings().iter().collect(),
    };
    let transcripts: Vec<Transcript> = recordings
        .iter()
        .map(|r| {
            store
                .transcript(r)
                .with_context(|| format!("reading the transcript of {}", r.name))
        })
        .collect::<anyhow::Result<_>>()?;
    let pairs: Vec<(&Recording, &Transcript)> =
        recordings.iter().copied().zip(transcripts.iter()).collect();
    let results: Vec<(String, Vec<QuoteMatch>)> = quotes
        .into_iter()
        .map(|quote| {
            let found = find(&quote, &pairs, args.threshold);
            (quote, found)
        })
        .collect();
    let all_exact = results
        .iter()
        .all(|(_, found)| found.first().is_some_and(|m| m.exact));
    let text = match (args.draft.is_some(), args.format) {
        (false, TableFormat::Json) => serde_json::to_string_pretty(&results[0].1)? + "\n",
        (false, TableFormat::Table) => matches_table(&results[0].1, args.threshold),
        (true, TableFormat::Json) => {
            let rows: Vec<_> = results
                .iter()
                .map(|(quote, found)| {
                    json!({
                        "quote": quote,
                        "status": status(found),
                        "matches": found,
                    })
                })
                .collect();
            serde_json::to_string_pretty(&rows)? + "\n"
        }
        (true, TableFormat::Table) => draft_table(&results, args.threshold),
    };
    print(&text)?;
    Ok(if all_exact {
        Status::Success
    } else {
        Status::Partial
    })
}

/// The text of a draft: a .docx's body, or the file as UTF-8 text.
fn read_draft(path: &Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let is_docx = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("docx"));
    if is_docx {
        return docx_text(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()));
    }
    String::from_utf8(bytes).map_err(|_| {
        anyhow::anyhow!(
            "{}: not UTF-8 text (save the draft as UTF-8 .txt or .md, or give the .docx)",
            path.display()
        )
    })
}

/// `found`, `changed` or `not found`, from the best match.
fn status(found: &[QuoteMatch]) -> &'static str {
    match found.first() {
        Some(m) if m.exact => "found",
        Some(_) => "changed",
        None => "not found",
    }
}

fn diff_text(m: &QuoteMatch) -> String {
    m.diff
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn matches_table(found: &[QuoteMatch], threshold: f64) -> String {
    if found.is_empty() {
        return format!("not found: no stretch of any transcript reaches similarity {threshold}\n");
    }
    let mut out = String::new();
    for m in found {
        let kind = if m.exact { "exact" } else { "approximate" };
        out.push_str(&format!(
            "{kind:<11}  {:.3}  {}\n",
            m.similarity, m.citation
        ));
        out.push_str(&format!("  said: {}\n", m.text));
        if !m.diff.is_empty() {
            out.push_str(&format!("  diff: {}\n", diff_text(m)));
        }
    }
    out
}

fn draft_table(results: &[(String, Vec<QuoteMatch>)], threshold: f64) -> String {
    let mut out = String::new();
    let (mut exact, mut changed, mut missing) = (0, 0, 0);
    for (n, (quote, found)) in results.iter().enumerate() {
        let status = status(found);
        match status {
            "found" => exact += 1,
            "changed" => changed += 1,
            _ => missing += 1,
        }
        out.push_str(&format!("{:>3}. {status:<9}  \"{quote}\"\n", n + 1));
        if let Some(best) = found.first() {
            out.push_str(&format!("     {:.3}  {}\n", best.similarity, best.citation));
            if !best.exact {
                out.push_str(&format!("     said: {}\n", best.text));
                out.push_str(&format!("     diff: {}\n", diff_text(best)));
            }
        }
    }
    out.push_str(&format!(
        "{} quotations: {exact} found, {changed} changed, {missing} not found (threshold {threshold})\n",
        results.len()
    ));
    out
}
