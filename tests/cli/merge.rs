//! `verbatim merge`: the corpus split across two stores and merged equals one store made of
//! all of it (recordings, segments, words, claims, search hits, speakers), merging twice
//! changes nothing, reviews keep verifiable chains, and stores that cannot be trusted or are
//! not stores are refused with their names.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::Workdir;

/// Recordings, claims and search hits (see [`contents`]).
pub(crate) type Contents = (Vec<Value>, Vec<Value>, Vec<BTreeSet<(String, u64)>>);

/// Everything that must be equal between a merged store and one made in one go: per
/// recording (by SHA-256) its name, segment and word counts and speakers' ids per segment;
/// the claims (id, quote, times, speaker); and the hits of a few searches.
pub(crate) fn contents(work: &Workdir) -> Contents {
    let mut recordings: Vec<Value> = work.manifest()["recordings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let name = r["name"].as_str().unwrap();
            let transcript = work.run(&["transcript", name, "--format", "json"]).json();
            let segments = transcript["transcript"]["segments"].as_array().unwrap();
            serde_json::json!({
                "sha256": r["sha256"],
                "name": name,
                "segments": segments.len(),
                "words": segments.iter().map(|s| s["words"].as_array().map_or(0, Vec::len)).sum::<usize>(),
                "speaker_ids": segments.iter().map(|s| s["speaker_id"].clone()).collect::<Vec<_>>(),
            })
        })
        .collect();
    recordings.sort_by_key(|r| r["sha256"].as_str().unwrap().to_string());
    let mut claims: Vec<Value> = work
        .run(&["claims", "--format", "json"])
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|c| serde_json::json!([c["id"], c["quote"], c["start_ms"], c["end_ms"], c["sha256"]]))
        .collect();
    claims.sort_by_key(|c| c[0].as_str().unwrap().to_string());
    let hits = [
        "Beijing",
        "\"see everything\"",
        "access AND data",
        "Virgina~1",
    ]
    .iter()
    .map(|q| {
        work.run(&["search", q, "--format", "json", "--limit", "1000"])
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                (
                    h["recording"].as_str().unwrap().to_string(),
                    h["start_ms"].as_u64().unwrap(),
                )
            })
            .collect()
    })
    .collect();
    (recordings, claims, hits)
}

/// [`contents`] with each speaker id replaced by its order of first appearance (recordings
/// in SHA-256 order): equal for two stores that tell the same voices apart in the same way,
/// whatever ids they gave them.
pub(crate) fn contents_up_to_ids(work: &Workdir) -> Contents {
    let (mut recordings, claims, hits) = contents(work);
    let mut seen: Vec<String> = Vec::new();
    for recording in &mut recordings {
        for id in recording["speaker_ids"].as_array_mut().unwrap() {
            if let Some(found) = id.as_str().map(str::to_string) {
                let k = seen.iter().position(|s| *s == found).unwrap_or_else(|| {
                    seen.push(found);
                    seen.len() - 1
                });
                *id = Value::String(format!("P{k}"));
            }
        }
    }
    (recordings, claims, hits)
}

fn claim_ids(work: &Workdir) -> Vec<String> {
    work.run(&["claims", "--format", "json"])
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}

mod fast {
    use super::*;

    /// Stores of the corpus truth imported as transcripts: the first four recordings, the
    /// other three, and all seven (all the first store's folder, which keeps the transcripts
    /// imported, so `verify` finds them).
    fn split_stores() -> (Workdir, Workdir, Workdir) {
        let (first, second, all) = (Workdir::new(), Workdir::new(), Workdir::new());
        let vtts = crate::search::corpus_vtts(&first.path().join("vtt"));
        for (store, files) in [
            (&first, &vtts[..4]),
            (&second, &vtts[4..]),
            (&all, &vtts[..]),
        ] {
            let mut args = vec!["import"];
            args.extend(files.iter().map(|p| path_str(p)));
            store.run(&args).ok();
        }
        (first, second, all)
    }

    #[test]
    fn two_stores_merged_equal_one_and_merging_again_changes_nothing() {
        let (first, second, all) = split_stores();
        // a review in each store travels with its recordings
        let (a, b) = (claim_ids(&first)[0].clone(), claim_ids(&second)[1].clone());
        first
            .run(&[
                "review", &a, "--status", "verified", "--by", "Ana", "--note", "heard it",
            ])
            .ok();
        second
            .run(&["review", &b, "--status", "disputed", "--by", "Bo"])
            .ok();
        let merged = Workdir::new();
        let out = merged
            .run(&["merge", path_str(&first.store()), path_str(&second.store())])
            .ok();
        assert!(
            out.contains("4 added, 0 already present, 1 review entries appended"),
            "{out}"
        );
        assert!(
            out.contains("3 added, 0 already present, 1 review entries appended"),
            "{out}"
        );
        assert!(
            out.contains("7 added, 0 already present, 0 stores failed"),
            "{out}"
        );
        assert_eq!(contents(&merged), contents(&all));
        let reviews = merged.run(&["reviews", "--format", "json"]).json();
        let reviewed: BTreeSet<(&str, &str, &str)> = reviews
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["review"]["claim_id"].as_str().unwrap(),
                    r["review"]["status"].as_str().unwrap(),
                    r["review"]["by"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            reviewed,
            BTreeSet::from([(&a[..], "verified", "Ana"), (&b[..], "disputed", "Bo")])
        );
        let verify = merged.run(&["verify"]);
        assert_eq!(verify.code(), 0, "{}{}", verify.stdout(), verify.stderr());
        assert!(
            verify.stdout().contains("2 entries, chain intact"),
            "{}",
            verify.stdout()
        );

        // again: nothing new, not a byte of the store's files changed
        let snapshot = |work: &Workdir| {
            ["manifest.json", "reviews.jsonl", "reviews.head.json"]
                .map(|f| std::fs::read(work.store().join(f)).unwrap())
        };
        let before = snapshot(&merged);
        let again = merged
            .run(&["merge", path_str(&first.store()), path_str(&second.store())])
            .ok();
        assert!(
            again.contains("0 added, 7 already present, 0 stores failed"),
            "{again}"
        );
        assert!(again.contains("0 review entries appended"), "{again}");
        assert_eq!(snapshot(&merged), before);
        assert_eq!(contents(&merged), contents(&all));
    }

    #[test]
    fn stores_that_cannot_be_trusted_or_are_not_stores_are_refused_by_name() {
        let (first, second, _) = split_stores();
        let merged = Workdir::new();
        // a word changed in a stored transcript, outside verbatim
        let transcripts = first.store().join("transcripts");
        let forged: PathBuf = std::fs::read_dir(&transcripts)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                std::fs::read_to_string(p)
                    .unwrap()
                    .contains("see everything in China")
            })
            .unwrap();
        let text = std::fs::read_to_string(&forged).unwrap();
        std::fs::write(
            &forged,
            text.replace("see everything in China", "see nothing in China"),
        )
        .unwrap();
        let not_a_store = merged.path().join("just a folder");
        std::fs::create_dir(&not_a_store).unwrap();
        let run = merged.run(&[
            "merge",
            path_str(&first.store()),
            path_str(&not_a_store),
            path_str(&second.store()),
        ]);
        // the two bad ones are named; the good one is merged
        assert_eq!(run.code(), 1, "{}{}", run.stdout(), run.stderr());
        let stderr = run.stderr();
        assert!(
            stderr.contains(&format!(
                "transcripts/{} is not as verbatim last wrote it (changed)",
                forged.file_name().unwrap().to_str().unwrap()
            )) && stderr.contains("nothing was merged"),
            "{stderr}"
        );
        assert!(
            stderr.contains("just a folder: not a verbatim store (no manifest.json)"),
            "{stderr}"
        );
        assert!(
            run.stdout()
                .contains("3 added, 0 already present, 2 stores failed"),
            "{}",
            run.stdout()
        );
        assert_eq!(merged.manifest()["recordings"].as_array().unwrap().len(), 3);
        // a store merged into itself
        let own = merged.run(&["merge", path_str(&merged.store())]);
        assert_eq!(own.code(), 1);
        assert!(
            own.stderr().contains("is the store being merged into"),
            "{}",
            own.stderr()
        );
        // a broken review log is refused with its line, and left as it was
        let id = claim_ids(&second)[0].clone();
        second
            .run(&["review", &id, "--status", "unclear", "--by", "Cy"])
            .ok();
        let log = second.store().join("reviews.jsonl");
        let entry = std::fs::read_to_string(&log).unwrap();
        let edited = entry.replace("\"unclear\"", "\"verified\"");
        std::fs::write(&log, &edited).unwrap();
        let fresh = Workdir::new();
        let refused = fresh.run(&["merge", path_str(&second.store())]);
        assert_eq!(refused.code(), 1);
        assert!(
            refused.stderr().contains("reviews.jsonl") && refused.stderr().contains("line 1"),
            "{}",
            refused.stderr()
        );
        assert_eq!(std::fs::read_to_string(&log).unwrap(), edited);
        assert!(!fresh.store().join("manifest.json").exists());
    }
}

/// The corpus audio ingested as two stores (the first four recordings and the other three, as
/// two machines would) and merged: the same store as one ingest of all seven, speakers
/// included, and a name given on one machine reaches the same voice from the other.
#[test]
fn audio_stores_merged_equal_one_ingest_with_the_same_speakers() {
    let single = crate::ingest::corpus_store();
    let files = crate::corpus_audio_files();
    let (first, second) = (Workdir::new(), Workdir::new());
    for (store, part) in [(&first, &files[..4]), (&second, &files[4..])] {
        let mut args = vec!["ingest"];
        args.extend(part.iter().map(|p| path_str(p)));
        store.run(&args).ok();
    }
    // a name given on the first machine to the voice that speaks in both halves
    let speakers = first.run(&["speakers", "list", "--format", "json"]).json();
    let first_id = speakers.as_array().unwrap()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    first
        .run(&["speakers", "rename", &first_id, "Ana Reyes"])
        .ok();

    let merged = Workdir::new();
    let out = merged
        .run(&["merge", path_str(&first.store()), path_str(&second.store())])
        .ok();
    assert!(
        out.contains("7 added, 0 already present, 0 stores failed"),
        "{out}"
    );
    assert!(
        out.contains(&format!("named    {first_id} \"Ana Reyes\"")),
        "{out}"
    );
    // the same recordings, words, claims, hits, and speaker ids segment by segment
    assert_eq!(contents(&merged), contents(single));
    let registry = |work: &Workdir| {
        let list = work.run(&["speakers", "list", "--format", "json"]).json();
        list.as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["id"].as_str().unwrap().to_string(),
                    s["recordings"].as_array().map_or(0, Vec::len),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(registry(&merged), registry(single));
    // the name is on that voice in every recording it speaks in, from either machine
    let named: Vec<Value> = merged
        .run(&["claims", "--format", "json"])
        .json()
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["speaker"] == "Ana Reyes")
        .cloned()
        .collect();
    let single_claims = single.run(&["claims", "--format", "json"]).json();
    let expected = single_claims
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["speaker"] == first_id.as_str())
        .count();
    assert_eq!(named.len(), expected);
    let verify = merged.run(&["verify"]);
    assert_eq!(verify.code(), 0, "{}{}", verify.stdout(), verify.stderr());
}
