//! `verbatim transcript` and `verbatim list`: the stored transcript in every format.

use crate::{repo, Workdir};

fn jfk_store() -> Workdir {
    let work = Workdir::new();
    let jfk = work.copy(&repo().join("tests/data/jfk.wav"), "2021-09-14 standup.wav");
    // the formats, not the speakers, are under test here (tests/cli/speakers.rs has those)
    work.run(&["ingest", "--no-speakers", jfk.to_str().unwrap()])
        .ok();
    work
}

#[test]
fn every_format_renders_the_same_segments() {
    let work = jfk_store();
    let json = work
        .run(&["transcript", "2021-09-14 standup", "--format", "json"])
        .json();
    let segments = json["transcript"]["segments"].as_array().unwrap();
    assert!(!segments.is_empty());

    let txt = work.run(&["transcript", "2021-09-14 standup.wav"]).ok();
    assert!(
        txt.starts_with("# recording: 2021-09-14 standup.wav\n# sha256: "),
        "{txt}"
    );
    assert!(txt.contains("# recorded: 2021-09-14\n"), "{txt}");
    let stamped: Vec<&str> = txt.lines().filter(|l| l.starts_with('[')).collect();
    assert_eq!(stamped.len(), segments.len());
    assert!(
        stamped[0].starts_with("[00:00:00] And so my fellow Americans"),
        "{txt}"
    );

    let srt = work
        .run(&["transcript", "2021-09-14 standup", "-f", "srt"])
        .ok();
    let vtt = work
        .run(&["transcript", "2021-09-14 standup", "-f", "vtt"])
        .ok();
    assert!(vtt.starts_with("WEBVTT\n\n"));
    let srt_cues: Vec<&str> = srt.lines().filter(|l| l.contains(" --> ")).collect();
    let vtt_cues: Vec<&str> = vtt.lines().filter(|l| l.contains(" --> ")).collect();
    assert_eq!(srt_cues.len(), segments.len());
    assert_eq!(vtt_cues.len(), segments.len());
    for ((segment, srt_cue), vtt_cue) in segments.iter().zip(&srt_cues).zip(&vtt_cues) {
        let start = segment["start_ms"].as_u64().unwrap();
        let expected = format!(
            "{:02}:{:02}:{:02},{:03} --> ",
            start / 3_600_000,
            start / 60_000 % 60,
            start / 1000 % 60,
            start % 1000
        );
        assert!(srt_cue.starts_with(&expected), "{srt_cue} vs {expected}");
        assert_eq!(vtt_cue.replace('.', ","), *srt_cue);
    }
}

#[test]
fn list_shows_provenance_and_hash_prefixes_resolve() {
    let work = jfk_store();
    let table = work.run(&["list"]).ok();
    assert!(
        table.contains("2021-09-14") && table.contains("00:00:11"),
        "{table}"
    );
    let listed = work.run(&["list", "--format", "json"]).json();
    let sha = listed[0]["sha256"].as_str().unwrap().to_string();
    let by_hash = work
        .run(&["transcript", &format!("sha256:{}", &sha[..8])])
        .ok();
    assert!(by_hash.contains(&sha));
}

#[test]
fn unknown_recordings_formats_and_stores_are_clear_errors() {
    let work = jfk_store();
    let unknown = work.run(&["transcript", "no such meeting"]);
    assert_eq!(unknown.code(), 2);
    assert!(unknown
        .stderr()
        .contains("no recording matches \"no such meeting\""));
    let format = work.run(&["transcript", "2021-09-14 standup", "-f", "docx"]);
    assert_eq!(format.code(), 2);
    assert!(format
        .stderr()
        .contains("unknown transcript format \"docx\""));
    let empty = Workdir::new();
    let none = empty.run(&["transcript", "x"]);
    assert_eq!(none.code(), 2);
    assert!(
        none.stderr().contains("no evidence store at"),
        "{}",
        none.stderr()
    );
}

#[test]
fn a_corrupt_manifest_is_reported_and_not_overwritten() {
    let work = jfk_store();
    let manifest = work.store().join("manifest.json");
    let mut bytes = std::fs::read(&manifest).unwrap();
    bytes.truncate(bytes.len() / 2);
    std::fs::write(&manifest, &bytes).unwrap();
    let other = work.copy(&repo().join("tests/data/jfk.wav"), "other.wav");
    for args in [vec!["list"], vec!["ingest", other.to_str().unwrap()]] {
        let run = work.run(&args);
        assert_eq!(run.code(), 2, "{args:?}");
        assert!(
            run.stderr().contains("manifest.json: corrupt store file"),
            "{}",
            run.stderr()
        );
    }
    assert_eq!(std::fs::read(&manifest).unwrap(), bytes);
}
