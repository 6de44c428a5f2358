//! Crash safety: `verbatim ingest` and `verbatim import` killed with SIGKILL at logged phases
//! leave a store and an index that open, hold only whole recordings, and reach a clean run's
//! state when the same command runs again.

use std::io::{BufRead, BufReader};
use std::process::Command;

use serde_json::Value;

use crate::{models_dir, repo, Workdir};

fn inputs() -> Vec<String> {
    [
        "tests/data/jfk.wav",
        "corpus/untitled memo.wav",
        "corpus/board call.ogg",
        "corpus/interview 2021-12-02.m4a",
    ]
    .iter()
    .map(|p| repo().join(p).to_str().unwrap().to_string())
    .collect()
}

/// Recording names with their segment counts, every hit for a common word, and how many
/// recordings have their segment embeddings (search by meaning) stored.
fn state(work: &Workdir) -> (Vec<(String, u64)>, usize, usize) {
    let listed = work.run(&["list", "--format", "json"]).json();
    let mut recordings: Vec<(String, u64)> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap().to_string(),
                r["segment_count"].as_u64().unwrap(),
            )
        })
        .collect();
    recordings.sort();
    let hits = work.run(&[
        "search", "the OR a", "--format", "json", "--limit", "1000000",
    ]);
    let count = if hits.code() == 1 {
        0
    } else {
        hits.json().as_array().unwrap().len()
    };
    let embedded = listed
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            let sha = r["sha256"].as_str().unwrap();
            work.store()
                .join("embeddings")
                .join(format!("{sha}.vec"))
                .is_file()
        })
        .count();
    (recordings, count, embedded)
}

fn ingest_args() -> Vec<String> {
    let mut args = vec!["ingest".to_string()];
    args.extend(inputs());
    args
}

#[test]
fn sigkill_during_ingest_then_rerun_equals_a_clean_run() {
    let args = ingest_args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    kill_and_rerun(
        &args,
        &[
            ("speakers-named", 1),
            ("stored", 1),
            ("claims-stored", 2),
            ("embedded", 3),
            ("indexed", 2),
            ("speakers-named", 4),
        ],
        4,
    );
}

/// Runs `args` to the end in a clean store, then, in a fresh store each time, kills the same
/// command with SIGKILL at each logged phase (`(name, n)`: the n-th time the work reaches
/// `name`; see `src/phase.rs`, which holds the process still there), checks what was left, and
/// that a rerun reaches the clean run's state.
fn kill_and_rerun(args: &[&str], kill_at: &[(&str, usize)], recordings: usize) {
    let clean = Workdir::new();
    clean.run(args).ok();
    let expected = state(&clean);
    assert_eq!(expected.0.len(), recordings);
    assert!(expected.1 > 0);

    for &(phase, n) in kill_at {
        let moment = format!("{phase} #{n}");
        let work = Workdir::new();
        let mut child = Command::new(env!("CARGO_BIN_EXE_verbatim"))
            .args(args)
            .env("VERBATIM_STORE", work.store())
            .env("VERBATIM_MODELS", models_dir())
            .env("VERBATIM_THREADS", "1")
            .env("VERBATIM_HALT_AT", format!("{phase}:{n}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = BufReader::new(child.stderr.take().unwrap());
        let mut log = Vec::new();
        for line in stderr.lines() {
            let line = line.unwrap();
            let halted = line == "phase halted";
            log.push(line);
            if halted {
                break;
            }
        }
        assert_eq!(
            log.last().map(String::as_str),
            Some("phase halted"),
            "the work never reached {moment}:\n{}",
            log.join("\n")
        );
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();

        // Whatever was stored is whole: every listed recording has its transcript and is indexed.
        if work.store().join("manifest.json").exists() {
            let (stored, _, _) = state(&work);
            for (name, segments) in stored.iter().take(20) {
                let expected_segments = expected.0.iter().find(|r| &r.0 == name).unwrap().1;
                assert_eq!(
                    *segments, expected_segments,
                    "{name} after a kill at {moment}"
                );
                let doc = work.run(&["transcript", name, "--format", "json"]).json();
                assert_eq!(
                    doc["transcript"]["segments"].as_array().unwrap().len() as u64,
                    expected_segments
                );
            }
        }
        // The same command again completes the work, with no duplicates.
        work.run(args).ok();
        assert_eq!(
            state(&work),
            expected,
            "after a kill at {moment} and a rerun"
        );
        let manifest: Value = work.manifest();
        assert_eq!(manifest["recordings"].as_array().unwrap().len(), recordings);
    }
}

/// Tests that need no model, no transcription and no browser: `make test-fast` runs them.
mod fast {
    use super::*;

    #[test]
    fn sigkill_during_a_bulk_import_then_rerun_equals_a_clean_run() {
        // 2,500 transcripts of 40 lines: the import stores them in several batches.
        let sources = tempfile::tempdir().unwrap();
        for file in 0..2_500 {
            let mut text = String::new();
            for line in 0..40 {
                let seconds = line * 5;
                text.push_str(&format!(
                    "[00:{:02}:{:02}] Speaker {}: file {file} line {line} the data stays here\n",
                    seconds / 60,
                    seconds % 60,
                    line % 3
                ));
            }
            std::fs::write(
                sources
                    .path()
                    .join(format!("2021-10-{:02} call {file:04}.txt", file % 28 + 1)),
                text,
            )
            .unwrap();
        }
        let folder = sources.path().to_str().unwrap();
        // Without the sentence model: embedding 100,000 distinct lines would take minutes, and the
        // store's batches are what this test is about (the ingest test above runs with the model,
        // so a kill between claims and embeddings is mended there).
        let no_models = tempfile::tempdir().unwrap();
        let no_models = no_models.path().to_str().unwrap();
        kill_and_rerun(
            &["--models-dir", no_models, "import", folder],
            &[
                ("stored", 1),
                ("claims-stored", 1_500),
                ("indexed", 1),
                ("stored", 3),
            ],
            2_500,
        );
    }
}
