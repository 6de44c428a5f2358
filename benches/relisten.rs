//! Second listen (`verbatim-bench relisten [STORE]`): the corpus ingested with tiny.en, every
//! claim listened to again with base, the time per claim, and how the flags meet the truth: of
//! the claims whose quote differs in substance from the truth line, the share flagged
//! `second_listen_differs`, and of those that match it, the share flagged.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use serde_json::Value;

use super::AudioSetup;

pub fn relisten_bench(setup: &AudioSetup, store: Option<&Path>) -> anyhow::Result<()> {
    let base = setup.root.join("models/ggml-base.bin");
    if !base.exists() {
        println!("second listen: skipped, run `verbatim models fetch base` first");
        return Ok(());
    }
    let fresh = setup.out.join("relisten-store");
    let store = match store {
        Some(store) => store.to_path_buf(),
        None => {
            let _ = std::fs::remove_dir_all(&fresh);
            let status = Command::new(&setup.verbatim)
                .args(["--store"])
                .arg(&fresh)
                .arg("ingest")
                .arg(setup.root.join("corpus"))
                .current_dir(&setup.root)
                .output()?;
            anyhow::ensure!(status.status.success(), "ingest of the corpus failed");
            fresh
        }
    };
    let started = Instant::now();
    let run = Command::new(&setup.verbatim)
        .arg("--store")
        .arg(&store)
        .args(["relisten", "--all", "--format", "json", "--threads"])
        .arg(setup.threads.to_string())
        .current_dir(&setup.root)
        .output()?;
    let wall = started.elapsed().as_secs_f64();
    anyhow::ensure!(
        run.status.code().is_some_and(|c| c <= 1),
        "relisten failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let rows: Value = serde_json::from_slice(&run.stdout)?;
    let rows = rows.as_array().cloned().unwrap_or_default();
    let truth: Value = serde_json::from_str(&std::fs::read_to_string(
        setup.root.join("corpus/truth.json"),
    )?)?;
    let claims: Value = serde_json::from_slice(
        &Command::new(&setup.verbatim)
            .arg("--store")
            .arg(&store)
            .args(["claims", "--format", "json"])
            .current_dir(&setup.root)
            .output()?
            .stdout,
    )?;
    // [quote differs from the truth][flagged]
    let mut counts = [[0usize; 2]; 2];
    let mut listed = Vec::new();
    for row in &rows {
        let Some(listen) = row.get("second_listen") else {
            continue;
        };
        let id = row["claim_id"].as_str().unwrap_or_default();
        let Some(claim) = claims
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["id"] == id)
        else {
            continue;
        };
        let said = truth_text(&truth, claim);
        let quote = claim["quote"].as_str().unwrap_or_default();
        let truth_words: Vec<(String, f32)> = said
            .split_whitespace()
            .map(|w| (w.to_string(), 1.0))
            .collect();
        let differs = !verbatim::relisten::differences(quote, &truth_words)
            .0
            .is_empty();
        let flagged = listen["agrees"] == false;
        let unsure = listen["unsure"].as_array().map_or(0, Vec::len);
        counts[usize::from(differs)][usize::from(flagged)] += 1;
        listed.push(format!(
            "  {}  {}  ({unsure} unsure)  quote: {quote}\n      truth: {said}\n      base:  {}",
            if differs {
                "quote≠truth"
            } else {
                "quote=truth"
            },
            if flagged { "FLAGGED" } else { "agrees " },
            listen["text"].as_str().unwrap_or_default()
        ));
    }
    let listened: usize = counts.iter().flatten().sum();
    println!(
        "second listen (base, beam 5, ±{} ms) of {listened} corpus claims: {wall:.1} s, {:.2} s a claim",
        verbatim::relisten::MARGIN_MS,
        wall / listened.max(1) as f64
    );
    let share = |row: [usize; 2]| {
        format!(
            "{}/{} flagged ({:.0}%)",
            row[1],
            row[0] + row[1],
            100.0 * row[1] as f64 / (row[0] + row[1]).max(1) as f64
        )
    };
    println!(
        "  quotes that differ from the truth: {}; quotes that match it: {}",
        share(counts[1]),
        share(counts[0])
    );
    if std::env::var_os("VERBATIM_BENCH_DETAIL").is_some() {
        println!("{}", listed.join("\n"));
    }
    Ok(())
}

/// The truth's words over a claim's time (lines overlapping it, half a second either way).
fn truth_text(truth: &Value, claim: &Value) -> String {
    let (start, end) = (
        claim["start_ms"].as_u64().unwrap_or(0),
        claim["end_ms"].as_u64().unwrap_or(0),
    );
    truth["recordings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["file"] == claim["recording"])
        .flat_map(|r| r["lines"].as_array().cloned().unwrap_or_default())
        .filter(|l| {
            l["start_ms"].as_u64().unwrap_or(0) < end + 500
                && l["end_ms"].as_u64().unwrap_or(0) + 500 > start
        })
        .map(|l| l["text"].as_str().unwrap_or_default().to_string())
        .collect::<Vec<_>>()
        .join(" ")
}
