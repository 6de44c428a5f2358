//! `verbatim verify --reproduce`: every corpus recording transcribed again with the recorded
//! model and settings gives the stored words; a forged word is named with where it lies;
//! imported transcripts and missing weights are skipped with their reasons.

use serde_json::Value;

use crate::speakers::corpus_copy;

#[test]
fn every_corpus_recording_is_reproduced_and_a_forged_word_is_named() {
    let work = corpus_copy();
    let run = work.run(&["verify", "--reproduce", "--format", "json"]);
    assert_eq!(run.code(), 0, "{}\n{}", run.stdout(), run.stderr());
    let out: Value = serde_json::from_str(&run.stdout()).unwrap();
    let rows = out["reproduced"].as_array().unwrap();
    assert_eq!(rows.len(), 7, "{out:#}");
    for row in rows {
        assert_eq!(row["status"], "reproduced", "{row:#}");
        assert_eq!(row["model"], "tiny.en");
        assert_eq!(row["threads"], row["recorded_threads"]);
        assert_eq!(row["stored_words"], row["reproduced_words"]);
        assert!(row["stored_words"].as_u64().unwrap() >= 5, "{row:#}");
        assert_eq!(row["changes"].as_array().unwrap().len(), 0);
    }
    assert_eq!(out["sources"].as_array().unwrap().len(), 7);

    // one word of a stored transcript forged: the reproduction names it and its time
    let claims = work.run(&["claims", "--format", "json"]).json();
    let claim = claims
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["quote"] == "Yes, you can see everything in China.")
        .unwrap_or_else(|| panic!("no China claim: {claims:#}"));
    let sha256 = claim["sha256"].as_str().unwrap();
    let path = work.store().join(format!("transcripts/{sha256}.json"));
    let mut transcript: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let mut at_ms = None;
    for segment in transcript["segments"].as_array_mut().unwrap() {
        for word in segment["words"].as_array_mut().unwrap() {
            if at_ms.is_none() && word["text"] == "everything" {
                word["text"] = "nothing".into();
                at_ms = word["start_ms"].as_u64();
            }
        }
    }
    let at_ms = at_ms.expect("the word 'everything' in the transcript");
    std::fs::write(&path, serde_json::to_vec(&transcript).unwrap()).unwrap();
    let recording = claim["recording"].as_str().unwrap();
    let run = work.run(&["verify", "--reproduce", recording]);
    assert_eq!(run.code(), 1, "{}\n{}", run.stdout(), run.stderr());
    let out = run.stdout();
    assert!(
        out.contains(&format!("DIFFERS  {recording}  not reproduced")),
        "{out}"
    );
    let secs = at_ms / 1000;
    let line = format!(
        "{:02}:{:02}:{:02}  stored \"nothing\", now \"everything\"",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    );
    assert!(out.contains(&line), "no line {line:?} in:\n{out}");
    assert!(
        out.contains("1 recordings transcribed again: 0 reproduced, 1 differ, 0 skipped"),
        "{out}"
    );
}

#[test]
fn a_recording_is_skipped_when_its_model_is_not_there() {
    let work = corpus_copy();
    let empty = tempfile::tempdir().unwrap();
    let models = empty.path().to_str().unwrap();
    let run = work.run(&[
        "--models-dir",
        models,
        "verify",
        "--reproduce",
        "untitled memo",
    ]);
    assert_eq!(run.code(), 1, "{}\n{}", run.stdout(), run.stderr());
    let out = run.stdout();
    assert!(
        out.contains("SKIPPED  untitled memo.wav  not reproduced: the model it was transcribed with (tiny.en, sha256 "),
        "{out}"
    );
    assert!(out.contains(models), "{out}");
}

mod fast {
    use crate::Workdir;

    #[test]
    fn an_imported_transcript_is_skipped_and_an_unknown_recording_is_an_error() {
        let work: Workdir = crate::search::corpus_text_store();
        let run = work.run(&["verify", "--reproduce"]);
        assert_eq!(run.code(), 1, "{}\n{}", run.stdout(), run.stderr());
        let out = run.stdout();
        assert!(
            out.contains("not reproduced: imported from a vtt transcript"),
            "{out}"
        );
        assert!(
            out.contains("0 recordings transcribed again: 0 reproduced, 0 differ, 7 skipped"),
            "{out}"
        );
        let run = work.run(&["verify", "--reproduce", "no such recording"]);
        assert_eq!(run.code(), 2, "{}", run.stderr());
        assert!(
            run.stderr().contains("no such recording"),
            "{}",
            run.stderr()
        );
    }
}
