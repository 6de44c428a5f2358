//! `verbatim review`, `verbatim reviews` and the review log's chain in `verbatim verify`, on
//! the corpus truth imported as transcripts (no model needed).

use serde_json::Value;

use crate::Workdir;

mod fast {
    use super::*;

    /// The ids of the store's claims, in `claims` order.
    fn claim_ids(work: &Workdir) -> Vec<String> {
        let claims = work.run(&["claims", "--format", "json"]).json();
        claims
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect()
    }

    fn log_lines(work: &Workdir) -> Vec<String> {
        std::fs::read_to_string(work.store().join("reviews.jsonl"))
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect()
    }

    fn reviewed(work: &Workdir, ids: &[String]) {
        for (n, id) in ids.iter().enumerate() {
            let status = ["verified", "disputed", "unclear"][n % 3];
            work.run(&[
                "review",
                &id[..8],
                "--status",
                status,
                "--by",
                "Ana",
                "--note",
                &format!("entry {n}"),
            ])
            .ok();
        }
    }

    #[test]
    fn reviews_round_trip_and_the_chain_verifies() {
        let work = crate::search::corpus_text_store();
        let ids = claim_ids(&work);
        assert!(ids.len() >= 3);
        let out = work
            .run(&[
                "review",
                &ids[0][..8],
                "--status",
                "verified",
                "--by",
                "Ana Reyes",
                "--note",
                "heard it at the citation",
            ])
            .ok();
        assert!(
            out.starts_with(&format!("verified {}", &ids[0][..12])),
            "{out}"
        );
        work.run(&[
            "review",
            &ids[1],
            "--status",
            "disputed",
            "--by",
            "Bo",
            "--note",
            "a different word",
        ])
        .ok();
        // a second review of the first claim: the latest wins, the history keeps both
        work.run(&["review", &ids[0][..8], "--status", "unclear", "--by", "Bo"])
            .ok();
        let latest = work.run(&["reviews", "--format", "json"]).json();
        let latest = latest.as_array().unwrap();
        assert_eq!(latest.len(), 2);
        assert_eq!(latest[0]["review"]["claim_id"], ids[1].as_str());
        assert_eq!(latest[1]["review"]["claim_id"], ids[0].as_str());
        assert_eq!(latest[1]["review"]["status"], "unclear");
        assert_eq!(latest[1]["state"], "current");
        assert!(latest[1]["citation"].as_str().unwrap().contains("sha256:"));
        let history = work
            .run(&["reviews", "--history", "--format", "json"])
            .json();
        let history = history.as_array().unwrap();
        assert_eq!(history.len(), 3);
        assert_eq!(history[0]["review"]["note"], "heard it at the citation");
        assert_eq!(history[0]["review"]["by"], "Ana Reyes");
        // each entry holds the hash of the one before
        assert_eq!(
            history[1]["review"]["prev_sha256"],
            history[0]["review"]["sha256"]
        );
        let csv = work.run(&["reviews", "--history", "--format", "csv"]).ok();
        assert!(csv.starts_with("claim_id,status,state,by,at,note,quote,citation,entry_sha256\n"));
        assert_eq!(csv.lines().count(), 4, "{csv}");
        // claims by review state: the first claim's latest review is unclear, the second's
        // disputed, the rest unreviewed
        let by_review = |state: &str| -> Vec<String> {
            let claims = work
                .run(&["claims", "--review", state, "--format", "json"])
                .stdout();
            let claims: Value = serde_json::from_str(&claims).unwrap();
            claims
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(by_review("unclear"), [ids[0].clone()]);
        assert_eq!(by_review("disputed"), [ids[1].clone()]);
        assert!(by_review("verified").is_empty());
        assert_eq!(by_review("unreviewed").len(), ids.len() - 2);
        let bad = work.run(&["claims", "--review", "later"]);
        assert_eq!(bad.code(), 2);
        assert!(
            bad.stderr().contains("stale or unreviewed"),
            "{}",
            bad.stderr()
        );
        let table = work.run(&["reviews"]).ok();
        assert!(
            table.contains("disputed") && table.ends_with("2 reviews\n"),
            "{table}"
        );
        let verify = work.run(&["verify"]);
        assert!(
            verify
                .stdout()
                .contains("review log  3 entries, chain intact"),
            "{}",
            verify.stdout()
        );
    }

    #[test]
    fn an_edited_removed_or_swapped_entry_fails_verify_at_its_line() {
        let work = crate::search::corpus_text_store();
        let ids = claim_ids(&work);
        reviewed(&work, &ids[..4]);
        let path = work.store().join("reviews.jsonl");
        let original = log_lines(&work);
        let cases: Vec<(&str, Vec<String>, usize)> = vec![
            (
                "one byte edited",
                {
                    let mut lines = original.clone();
                    lines[1] = lines[1].replacen("entry 1", "entry 7", 1);
                    lines
                },
                2,
            ),
            (
                "an entry removed",
                {
                    let mut lines = original.clone();
                    lines.remove(2);
                    lines
                },
                3,
            ),
            (
                "two entries swapped",
                {
                    let mut lines = original.clone();
                    lines.swap(0, 1);
                    lines
                },
                1,
            ),
            ("the last entry removed", original[..3].to_vec(), 4),
        ];
        for (what, lines, line) in cases {
            let bytes = lines.join("\n") + "\n";
            std::fs::write(&path, &bytes).unwrap();
            let verify = work.run(&["verify"]);
            assert_eq!(verify.code(), 1, "{what}: {}", verify.stdout());
            assert!(
                verify
                    .stdout()
                    .contains(&format!("BROKEN   review log  reviews.jsonl line {line}:")),
                "{what}: {}",
                verify.stdout()
            );
            // a broken log is never appended to nor rewritten
            let refused = work.run(&["review", &ids[5][..8], "--status", "verified", "--by", "Cy"]);
            assert_eq!(refused.code(), 2, "{what}");
            assert!(
                refused
                    .stderr()
                    .contains(&format!("reviews.jsonl line {line}")),
                "{}",
                refused.stderr()
            );
            assert_eq!(std::fs::read(&path).unwrap(), bytes.as_bytes(), "{what}");
            let listed = work.run(&["reviews"]);
            assert_eq!(listed.code(), 2, "{what}");
        }
        std::fs::write(&path, original.join("\n") + "\n").unwrap();
        assert_eq!(work.run(&["verify"]).code(), 0);
    }

    #[test]
    fn reviewers_working_at_once_lose_nothing() {
        let work = crate::search::corpus_text_store();
        let ids = claim_ids(&work);
        // eight reviewers at once, each appending to the same log
        let started: Vec<_> = ids[..8]
            .iter()
            .map(|id| {
                work.command(&["review", id, "--status", "unclear", "--by", "Bo"])
                    .stdout(std::process::Stdio::null())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for mut child in started {
            assert!(child.wait().unwrap().success());
        }
        let history = work
            .run(&["reviews", "--history", "--format", "json"])
            .json();
        assert_eq!(history.as_array().unwrap().len(), 8);
        let verify = work.run(&["verify"]);
        assert!(
            verify
                .stdout()
                .contains("review log  8 entries, chain intact"),
            "{}",
            verify.stdout()
        );
    }

    #[test]
    fn bad_reviews_get_clear_errors() {
        let work = crate::search::corpus_text_store();
        let unknown = work.run(&["review", "zzzz", "--status", "verified", "--by", "Ana"]);
        assert_eq!(unknown.code(), 2);
        assert!(
            unknown.stderr().contains("no claim has the id `zzzz`"),
            "{}",
            unknown.stderr()
        );
        let ids = claim_ids(&work);
        let status = work.run(&["review", &ids[0], "--status", "maybe", "--by", "Ana"]);
        assert_eq!(status.code(), 2);
        assert!(
            status
                .stderr()
                .contains("use verified, disputed or unclear"),
            "{}",
            status.stderr()
        );
        let nobody = work.run(&["review", &ids[0], "--status", "verified", "--by", " "]);
        assert_eq!(nobody.code(), 2);
        assert!(
            nobody.stderr().contains("--by is empty"),
            "{}",
            nobody.stderr()
        );
        let first = ids[0].chars().next().unwrap().to_string();
        if ids.iter().filter(|id| id.starts_with(&first)).count() > 1 {
            let ambiguous = work.run(&["review", &first, "--status", "verified", "--by", "Ana"]);
            assert_eq!(ambiguous.code(), 2);
            assert!(
                ambiguous.stderr().contains("give more of the id"),
                "{}",
                ambiguous.stderr()
            );
        }
        assert!(
            !work.store().join("reviews.jsonl").exists(),
            "nothing was logged"
        );
        let none: Value = work.run(&["reviews", "--format", "json"]).json();
        assert_eq!(none, Value::Array(vec![]));
    }
}
