//! The store's journal in `verbatim verify`: files changed outside verbatim are named, writes
//! made by verbatim are not, and a store from before the journal gets one started as found.
//! On the corpus truth imported as transcripts (no model needed).

use crate::Workdir;

mod fast {
    use super::*;

    /// The path inside the store of the first recording's file in `folder`, and that file's
    /// recording name.
    fn first(work: &Workdir, folder: &str) -> (String, String) {
        let manifest = work.manifest();
        let recording = &manifest["recordings"][0];
        (
            format!("{folder}/{}.json", recording["sha256"].as_str().unwrap()),
            recording["name"].as_str().unwrap().to_string(),
        )
    }

    fn verify_fails_naming(work: &Workdir, path: &str) -> String {
        let run = work.run(&["verify"]);
        assert_eq!(run.code(), 1, "{}{}", run.stdout(), run.stderr());
        let line = run
            .stdout()
            .lines()
            .find(|l| l.starts_with("CHANGED  ") && l.contains(path))
            .unwrap_or_else(|| panic!("no CHANGED line for {path}:\n{}", run.stdout()))
            .to_string();
        line
    }

    #[test]
    fn a_word_edited_in_a_stored_file_fails_verify_naming_the_file() {
        let work = crate::search::corpus_text_store();
        let out = work.run(&["verify"]).ok();
        assert!(
            out.contains("ok       journal") && out.contains("0 changed outside verbatim"),
            "{out}"
        );

        // the brief's forgery: one transcript's words changed
        let (transcript, name) = first(&work, "transcripts");
        let path = work.store().join(&transcript);
        let original = std::fs::read_to_string(&path).unwrap();
        let forged = original.replacen("\"text\":\"", "\"text\":\"Not ", 1);
        assert_ne!(forged, original);
        std::fs::write(&path, &forged).unwrap();
        let line = verify_fails_naming(&work, &transcript);
        assert!(line.contains(&format!("({name})")), "{line}");
        assert!(line.contains("changed outside verbatim"), "{line}");
        std::fs::write(&path, &original).unwrap();
        work.run(&["verify"]).ok();

        // a claims file, then the manifest
        let (claims, _) = first(&work, "claims");
        let path = work.store().join(&claims);
        let original = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            &path,
            original.replacen("\"quote\":\"", "\"quote\":\"No. ", 1),
        )
        .unwrap();
        verify_fails_naming(&work, &claims);
        std::fs::write(&path, &original).unwrap();
        let manifest = work.store().join("manifest.json");
        let original = std::fs::read_to_string(&manifest).unwrap();
        std::fs::write(&manifest, original.replacen("2021", "2020", 1)).unwrap();
        verify_fails_naming(&work, "manifest.json");
        std::fs::write(&manifest, &original).unwrap();

        // a stored file deleted
        std::fs::remove_file(work.store().join(&claims)).unwrap();
        let run = work.run(&["verify"]);
        assert_eq!(run.code(), 1);
        assert!(
            run.stdout()
                .contains(&format!("MISSING  {claims} ({name}): verbatim wrote it")),
            "{}",
            run.stdout()
        );
    }

    #[test]
    fn writes_by_verbatim_are_journaled_with_their_command() {
        let work = crate::search::corpus_text_store();
        let claims = work.run(&["claims", "--format", "json"]).json();
        let id = claims[0]["id"].as_str().unwrap().to_string();
        work.run(&["claims", "--rescan"]).ok();
        work.run(&["review", &id[..8], "--status", "verified", "--by", "Ana"])
            .ok();
        let out = work.run(&["verify"]).ok();
        assert!(out.contains("0 changed outside verbatim"), "{out}");
        let journal = std::fs::read_to_string(work.store().join("journal.jsonl")).unwrap();
        let entries: Vec<serde_json::Value> = journal
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        // each write is announced (an intent entry with the hashes to come), then recorded
        let (intents, records): (Vec<&serde_json::Value>, Vec<&serde_json::Value>) =
            entries.iter().partition(|e| e["intent"] == true);
        let reasons = |entries: &[&serde_json::Value]| -> Vec<String> {
            entries
                .iter()
                .map(|e| e["reason"].as_str().unwrap().to_string())
                .collect()
        };
        let (announced, recorded) = (reasons(&intents), reasons(&records));
        assert_eq!(recorded[0], "journal started with a new store");
        assert!(recorded[1].starts_with("verbatim import "), "{recorded:?}");
        assert!(
            announced[0].starts_with("verbatim import "),
            "{announced:?}"
        );
        // one entry per claims file rewritten by the rescan, one for the review
        for reasons in [&announced, &recorded] {
            assert_eq!(
                reasons
                    .iter()
                    .filter(|r| *r == "verbatim claims --rescan")
                    .count(),
                7
            );
        }
        // an announcement names the bytes its record then finds
        let rescans = |entries: &[&serde_json::Value]| -> Vec<serde_json::Value> {
            entries
                .iter()
                .filter(|e| e["reason"] == "verbatim claims --rescan")
                .map(|e| e["files"].clone())
                .collect()
        };
        for (intent, record) in rescans(&intents).iter().zip(rescans(&records).iter()) {
            assert_eq!(intent, record);
        }
        let last = entries.last().unwrap();
        assert!(last["reason"]
            .as_str()
            .unwrap()
            .starts_with("verbatim review "));
        assert_eq!(last["files"][0]["path"], "reviews.jsonl");
        assert_eq!(
            last["files"][0]["sha256"].as_str().unwrap(),
            crate::sha256_of(&work.store().join("reviews.jsonl"))
        );
        // the review was announced with the bytes the log then held
        let announced = &entries[entries.len() - 2];
        assert_eq!(announced["intent"], true);
        assert_eq!(announced["files"], last["files"]);
    }

    #[test]
    fn a_store_from_before_the_journal_gets_one_started_as_found_and_a_deleted_one_is_reported() {
        let work = crate::search::corpus_text_store();
        // as an earlier verbatim left it: no journal, no flag in the manifest
        for file in ["journal.jsonl", "journal.head.json"] {
            std::fs::remove_file(work.store().join(file)).unwrap();
        }
        let manifest = work.store().join("manifest.json");
        let mut value = work.manifest();
        value.as_object_mut().unwrap().remove("journal");
        std::fs::write(&manifest, serde_json::to_vec_pretty(&value).unwrap()).unwrap();

        let out = work.run(&["verify"]).ok();
        assert!(out.contains("ok       journal"), "{out}");
        assert!(
            out.contains("was started") && out.contains("from the store as found"),
            "{out}"
        );
        assert_eq!(work.manifest()["journal"], true);

        // now deleting the journal is seen, and nothing is written over it
        for file in ["journal.jsonl", "journal.head.json"] {
            std::fs::remove_file(work.store().join(file)).unwrap();
        }
        let run = work.run(&["verify"]);
        assert_eq!(run.code(), 1);
        assert!(
            run.stdout()
                .contains("BROKEN   journal  journal.jsonl is missing"),
            "{}",
            run.stdout()
        );
        let run = work.run(&["claims", "--rescan"]);
        assert_eq!(run.code(), 2, "{}", run.stdout());
        assert!(
            run.stderr().contains("journal is missing"),
            "{}",
            run.stderr()
        );
        assert!(!work.store().join("journal.jsonl").exists());
    }

    #[test]
    fn an_edited_journal_entry_fails_verify_at_its_line() {
        let work = crate::search::corpus_text_store();
        let path = work.store().join("journal.jsonl");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            &path,
            text.replacen("verbatim import", "verbatim imp0rt", 1),
        )
        .unwrap();
        let run = work.run(&["verify"]);
        assert_eq!(run.code(), 1);
        assert!(
            run.stdout()
                .contains("BROKEN   journal  journal.jsonl line 2: the entry was changed"),
            "{}",
            run.stdout()
        );
    }
}
