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
    report("corpus claims", "a claim", wall, counts, &listed);
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

/// Second listen on the development meetings of real voices (`verbatim-bench relisten-dev
/// [STORE]`): the English meetings of `tests/data/asr/dev_english.json` ingested with tiny.en
/// (defaults, no speakers), each truth line taken as a quote (tiny.en's words over its time)
/// and listened to again with base, beam 5; the share flagged among the quotes that differ from
/// the truth line and among those that match it, as on the corpus.
pub fn relisten_dev_bench(setup: &AudioSetup, store: Option<&Path>) -> anyhow::Result<()> {
    let base = setup.root.join("models/ggml-base.bin");
    let truth: Value = serde_json::from_str(&std::fs::read_to_string(
        setup.root.join("tests/data/asr/dev_english.json"),
    )?)?;
    let audio = setup.root.join("real-voices/asr-meetings");
    let recordings = truth["recordings"].as_array().cloned().unwrap_or_default();
    let files: Vec<std::path::PathBuf> = recordings
        .iter()
        .map(|r| audio.join(r["file"].as_str().unwrap_or_default()))
        .collect();
    if !base.exists() || files.iter().any(|f| !f.exists()) {
        println!(
            "second listen, development meetings: skipped (needs models/ggml-base.bin and \
             real-voices/asr-meetings, see the asr bench)"
        );
        return Ok(());
    }
    let fresh = setup.out.join("relisten-dev-store");
    let store = match store {
        Some(store) => store.to_path_buf(),
        None => {
            let _ = std::fs::remove_dir_all(&fresh);
            let status = Command::new(&setup.verbatim)
                .arg("--store")
                .arg(&fresh)
                .args(["ingest", "--no-speakers", "--threads"])
                .arg(setup.threads.to_string())
                .args(&files)
                .current_dir(&setup.root)
                .output()?;
            anyhow::ensure!(status.status.success(), "ingest of the dev meetings failed");
            fresh
        }
    };
    let model = verbatim::transcribe::WhisperModel::load_with(
        &base,
        verbatim::transcribe::WordTimes::Tokens,
    )?;
    let options = verbatim::transcribe::TranscribeOptions {
        language: Some("en".into()),
        threads: setup.threads,
        beam: 5,
        ..Default::default()
    };
    // [quote differs from the truth][flagged]
    let mut counts = [[0usize; 2]; 2];
    let mut listed = Vec::new();
    let started = Instant::now();
    for (recording, file) in recordings.iter().zip(&files) {
        let name = recording["file"].as_str().unwrap_or_default();
        let output = Command::new(&setup.verbatim)
            .arg("--store")
            .arg(&store)
            .args(["transcript", name, "--format", "json"])
            .output()?;
        anyhow::ensure!(output.status.success(), "verbatim transcript {name} failed");
        let doc: Value = serde_json::from_slice(&output.stdout)?;
        let words: Vec<(u64, u64, String)> = doc["transcript"]["segments"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|s| s["words"].as_array().cloned().unwrap_or_default())
            .map(|w| {
                (
                    w["start_ms"].as_u64().unwrap_or(0),
                    w["end_ms"].as_u64().unwrap_or(0),
                    w["text"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        let samples = verbatim::audio::decode_file(file)?.samples;
        for line in recording["lines"].as_array().into_iter().flatten() {
            let (start, end) = (
                line["start_ms"].as_u64().unwrap_or(0),
                line["end_ms"].as_u64().unwrap_or(0),
            );
            // tiny.en's words whose middle lies in the line (a quarter second either way)
            let quote: Vec<&str> = words
                .iter()
                .filter(|(s, e, _)| {
                    let middle = (s + e) / 2;
                    middle + 250 >= start && middle <= end + 250
                })
                .map(|(_, _, w)| w.trim())
                .collect();
            if quote.is_empty() {
                continue;
            }
            let quote = quote.join(" ");
            let said = line["text"].as_str().unwrap_or_default();
            let truth_words: Vec<(String, f32)> = said
                .split_whitespace()
                .map(|w| (w.to_string(), 1.0))
                .collect();
            let differs = !verbatim::relisten::differences(&quote, &truth_words)
                .0
                .is_empty();
            let listen = verbatim::relisten::listen_to(
                &model,
                file,
                &samples,
                &quote,
                (start, end),
                &options,
            )?;
            counts[usize::from(differs)][usize::from(!listen.agrees)] += 1;
            listed.push(format!(
                "  {}  {}  quote: {quote}\n      truth: {said}\n      base:  {}",
                if differs {
                    "quote≠truth"
                } else {
                    "quote=truth"
                },
                if listen.agrees { "agrees " } else { "FLAGGED" },
                listen.text
            ));
        }
    }
    let wall = started.elapsed().as_secs_f64();
    report(
        "lines of the English development meetings (real voices)",
        "a line",
        wall,
        counts,
        &listed,
    );
    Ok(())
}

/// Prints a second-listen run's time and its flags against the truth (`counts`: [quote differs
/// from the truth][flagged]), and with `VERBATIM_BENCH_DETAIL` each quote.
fn report(what: &str, each: &str, wall: f64, counts: [[usize; 2]; 2], listed: &[String]) {
    let share = |row: [usize; 2]| {
        format!(
            "{}/{} flagged ({:.0}%)",
            row[1],
            row[0] + row[1],
            100.0 * row[1] as f64 / (row[0] + row[1]).max(1) as f64
        )
    };
    let listened: usize = counts.iter().flatten().sum();
    println!(
        "second listen (base, beam 5, ±{} ms) of {listened} {what}: {wall:.1} s, {:.2} s {each}",
        verbatim::relisten::MARGIN_MS,
        wall / listened.max(1) as f64
    );
    println!(
        "  quotes that differ from the truth: {}; quotes that match it: {}",
        share(counts[1]),
        share(counts[0])
    );
    if std::env::var_os("VERBATIM_BENCH_DETAIL").is_some() {
        println!("{}", listed.join("\n"));
    }
}
