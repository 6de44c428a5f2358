//! Long recordings: the corpus joined with 60-s silences into a 20+ minute meeting. Nothing
//! dropped, nothing invented in the silences, timestamps a fact-checker can play.

use std::path::PathBuf;

use crate::{heard_words, long_recording, repo, score, Workdir};

#[test]
fn a_long_meeting_with_silences_keeps_every_line_at_its_time() {
    let work = Workdir::new();
    let wav = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("long-meeting.wav");
    let truth = long_recording::build(&repo(), &wav);
    assert!(truth["duration_ms"].as_u64().unwrap() >= 20 * 60_000);
    work.run(&["ingest", wav.to_str().unwrap()]).ok();
    let doc = work
        .run(&["transcript", "long-meeting", "--format", "json"])
        .json();

    let result = score(&doc, truth["lines"].as_array().unwrap());
    eprintln!("long meeting: {}", result.summary());
    assert!(result.dropped.is_empty(), "dropped: {:#?}", result.dropped);
    assert!(result.on_time_share() >= 0.95, "late: {:#?}", result.late);
    assert!(
        result.median_first_word_error_ms() <= 300,
        "{}",
        result.summary()
    );
    // Nothing quoted from inside the silences (half a second in from each edge).
    let heard = heard_words(&doc);
    for silence in truth["silences"].as_array().unwrap() {
        let (from, to) = (silence[0].as_u64().unwrap(), silence[1].as_u64().unwrap());
        let inside: Vec<_> = heard
            .iter()
            .filter(|w| w.1 > from + 500 && w.1 < to - 500)
            .collect();
        assert!(
            inside.is_empty(),
            "words in silence {from}-{to}: {inside:?}"
        );
    }
    let settings = &doc["recording"]["settings"];
    assert!(
        settings["vad"].as_str().unwrap().starts_with("earshot"),
        "{settings}"
    );
    assert!(
        settings["word_times"].as_str().unwrap().contains("dtw"),
        "{settings}"
    );
}
