//! Claims as a quote table: plain text for a terminal, CSV, JSON and Markdown. Every row carries
//! its citation (recording, times, speaker, source hash) so that a reader can check it against
//! the audio.

use serde::Serialize;

use crate::claims::Claim;
use crate::error::Result;
use crate::model::hms;

use super::csv::{Cells, Table};

/// A claim as exported: the claim's fields plus its citation and readable times.
#[derive(Debug, Serialize)]
pub struct Row<'a> {
    /// The claim.
    #[serde(flatten)]
    pub claim: &'a Claim,
    /// `hh:mm:ss` of the start.
    pub start: String,
    /// `hh:mm:ss` of the end.
    pub end: String,
    /// The citation.
    pub citation: String,
}

fn row(claim: &Claim) -> Row<'_> {
    Row {
        claim,
        start: hms(claim.start_ms),
        end: hms(claim.end_ms),
        citation: claim.citation(),
    }
}

fn dates(claim: &Claim) -> String {
    claim
        .dates
        .iter()
        .map(|d| d.describe())
        .collect::<Vec<_>>()
        .join("; ")
}

/// `agrees (base)`, `differs (base): "home" -> "phone"`, or empty.
fn second_listen(claim: &Claim) -> String {
    claim.second_listen.as_ref().map_or_else(String::new, |l| {
        if l.agrees {
            format!("agrees ({})", l.model)
        } else {
            let edits: Vec<String> = l.differences.iter().map(ToString::to_string).collect();
            format!("differs ({}): {}", l.model, edits.join(", "))
        }
    })
}

fn review(claim: &Claim) -> String {
    claim
        .review
        .as_ref()
        .map_or_else(|| "unreviewed".to_string(), |r| r.summary())
}

fn flags(claim: &Claim) -> String {
    claim
        .flags
        .iter()
        .map(|f| f.name())
        .collect::<Vec<_>>()
        .join(";")
}

/// A JSON array of claims (field names documented in README).
pub fn json(claims: &[Claim]) -> String {
    let rows: Vec<Row> = claims.iter().map(row).collect();
    serde_json::to_string_pretty(&rows).expect("claims always serialize") + "\n"
}

/// CSV with a header row; `cells` says whether formula-like cells are neutralised.
pub fn csv(claims: &[Claim], cells: Cells) -> Result<String> {
    let mut out = Table::new(
        &[
            "id",
            "kind",
            "speaker",
            "recording",
            "recording_date",
            "start",
            "end",
            "quote",
            "actor",
            "data",
            "place",
            "dates",
            "flags",
            "citation",
            "sha256",
            "rule",
            "found_by",
            "score",
            "review",
            "reviewed_by",
            "second_listen",
        ],
        cells,
    )?;
    for claim in claims {
        let date = claim
            .recording_date
            .map(|d| d.to_string())
            .unwrap_or_default();
        out.row([
            claim.id.as_str(),
            &claim.kind,
            claim.speaker.as_deref().unwrap_or(""),
            &claim.recording,
            &date,
            &hms(claim.start_ms),
            &hms(claim.end_ms),
            &claim.quote,
            claim.actor.as_deref().unwrap_or(""),
            claim.data.as_deref().unwrap_or(""),
            claim.place.as_deref().unwrap_or(""),
            &dates(claim),
            &flags(claim),
            &claim.citation(),
            &claim.sha256,
            &claim.rule,
            claim.found_by.name(),
            &claim.score.map(|s| format!("{s:.3}")).unwrap_or_default(),
            claim.review.as_ref().map_or("", |r| r.status.as_str()),
            claim.review.as_ref().map_or("", |r| r.by.as_str()),
            &second_listen(claim),
        ])?;
    }
    out.finish()
}

/// A Markdown table; `|` and line breaks inside fields are escaped.
pub fn markdown(claims: &[Claim]) -> String {
    let cell = |text: &str| {
        text.replace('\\', "\\\\")
            .replace('|', "\\|")
            .replace(['\n', '\r'], " ")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut out = String::from("| kind | quote | speaker | dates | flags | review | citation |\n");
    out.push_str("|---|---|---|---|---|---|---|\n");
    for claim in claims {
        out.push_str(&format!(
            "| {} | \"{}\" | {} | {} | {} | {} | {} |\n",
            cell(&claim.kind),
            cell(&claim.quote),
            cell(claim.speaker.as_deref().unwrap_or("unknown")),
            cell(&dates(claim)),
            cell(&flags(claim)),
            cell(&review(claim)),
            cell(&claim.citation()),
        ));
    }
    out
}

/// A plain-text listing for a terminal: one block per claim.
pub fn table(claims: &[Claim]) -> String {
    let mut out = String::new();
    for claim in claims {
        // a model's claim shows its score: `[access 0.83]`
        let score = claim.score.map(|s| format!(" {s:.2}")).unwrap_or_default();
        out.push_str(&format!(
            "[{}{score}] {} \"{}\"\n    {}\n",
            claim.kind,
            claim.speaker.as_deref().unwrap_or("unknown speaker"),
            claim.quote,
            claim.citation()
        ));
        if !claim.dates.is_empty() {
            out.push_str(&format!("    dates: {}\n", dates(claim)));
        }
        if !claim.flags.is_empty() {
            out.push_str(&format!("    flags: {}\n", flags(claim)));
        }
        if let Some(r) = &claim.review {
            out.push_str(&format!("    review: {}", r.summary()));
            if !r.note.is_empty() {
                out.push_str(&format!(": {}", r.note));
            }
            out.push('\n');
        }
        if claim.second_listen.is_some() {
            out.push_str(&format!("    second listen: {}\n", second_listen(claim)));
        }
    }
    out
}
