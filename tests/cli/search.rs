//! `verbatim search`: the sample corpus's ground truth, imported as WebVTT with its speakers,
//! searched with phrase, boolean, fuzzy, proximity and filtered queries; every hit must be
//! exactly the expected lines, with their speakers and times.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::{normalize_words, repo, Workdir};

/// (recording file, start_ms, speaker, text) of every truth line.
fn truth_lines() -> Vec<(String, u64, String, String)> {
    let text = std::fs::read_to_string(repo().join("corpus/truth.json")).unwrap();
    let truth: Value = serde_json::from_str(&text).unwrap();
    truth["recordings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            let file = r["file"].as_str().unwrap().to_string();
            r["lines"].as_array().unwrap().iter().map(move |l| {
                (
                    format!("{file}.vtt"),
                    l["start_ms"].as_u64().unwrap(),
                    l["speaker"].as_str().unwrap().to_string(),
                    l["text"].as_str().unwrap().to_string(),
                )
            })
        })
        .collect()
}

fn ms(ms: u64) -> String {
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

/// A store holding the corpus truth as imported WebVTT transcripts (dated by their names).
pub(crate) fn corpus_text_store() -> Workdir {
    let work = Workdir::new();
    let folder = work.path().join("transcripts");
    corpus_vtts(&folder);
    let out = work.run(&["import", folder.to_str().unwrap()]).ok();
    assert!(out.contains("7 added"), "{out}");
    work
}

/// Writes the corpus truth into `folder` as one WebVTT transcript a recording, with its
/// speakers; returns their paths in the truth's order.
pub(crate) fn corpus_vtts(folder: &std::path::Path) -> Vec<std::path::PathBuf> {
    let text = std::fs::read_to_string(repo().join("corpus/truth.json")).unwrap();
    let truth: Value = serde_json::from_str(&text).unwrap();
    std::fs::create_dir_all(folder).unwrap();
    let mut paths = Vec::new();
    for recording in truth["recordings"].as_array().unwrap() {
        let mut vtt = String::from("WEBVTT\n\n");
        for line in recording["lines"].as_array().unwrap() {
            let (start, end) = (
                line["start_ms"].as_u64().unwrap(),
                line["end_ms"].as_u64().unwrap(),
            );
            vtt.push_str(&format!(
                "{} --> {}\n<v {}>{}\n\n",
                ms(start),
                ms(end),
                line["speaker"].as_str().unwrap(),
                line["text"].as_str().unwrap()
            ));
        }
        let path = folder.join(format!("{}.vtt", recording["file"].as_str().unwrap()));
        std::fs::write(&path, vtt).unwrap();
        paths.push(path);
    }
    paths
}

fn search(work: &Workdir, args: &[&str]) -> BTreeSet<(String, u64, String, String)> {
    let mut all = vec!["search", "--format", "json", "--limit", "1000"];
    all.extend_from_slice(args);
    let hits = work.run(&all).json();
    hits.as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["recording"].as_str().unwrap().to_string(),
                h["start_ms"].as_u64().unwrap(),
                h["speaker"].as_str().unwrap().to_string(),
                h["text"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn expected(keep: impl Fn(&str, &[String]) -> bool) -> BTreeSet<(String, u64, String, String)> {
    truth_lines()
        .into_iter()
        .filter(|line| keep(&line.0, &normalize_words(&line.3)))
        .collect()
}

fn has_phrase(words: &[String], phrase: &[&str]) -> bool {
    words
        .windows(phrase.len())
        .any(|w| w.iter().zip(phrase).all(|(a, b)| a == b))
}

/// Edit distance with adjacent transpositions (what tantivy's fuzzy terms use).
fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

/// Tests that need no model, no transcription and no browser: `make test-fast` runs them.
mod fast {
    use super::*;

    #[test]
    fn a_chinese_phrase_finds_its_segment() {
        let work = Workdir::new();
        let vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v 王>甚至出现交易几乎停滞的情况\n\n\
                   00:00:05.000 --> 00:00:08.000\n<v 李>一二线城市虽然也处于调整中\n\n\
                   00:00:09.000 --> 00:00:11.000\n<v Ana>The data stays in 北京.\n\n";
        let file = work.path().join("2021-11-03 会议.vtt");
        std::fs::write(&file, vtt).unwrap();
        work.run(&["import", file.to_str().unwrap()]).ok();
        let found = |query: &str| -> Vec<u64> {
            // no hit exits 1, as grep does, with an empty list
            let run = work.run(&["search", "--format", "json", query]);
            assert!(run.code() <= 1, "{query}: {}", run.stderr());
            let hits: Value = serde_json::from_str(&run.stdout()).unwrap();
            hits.as_array()
                .unwrap()
                .iter()
                .map(|h| h["start_ms"].as_u64().unwrap())
                .collect()
        };
        // a phrase inside a sentence written without spaces, with and without quotes
        assert_eq!(found("交易几乎停滞"), [1_000]);
        assert_eq!(found("\"城市虽然\""), [5_000]);
        // characters apart are not the phrase; mixed scripts; no hit is an empty list
        assert!(found("\"交易停滞\"").is_empty());
        assert_eq!(found("data AND 北京"), [9_000]);
        assert!(found("上海").is_empty());
        // the claim pass reads Chinese without failing (its rules and examples are English)
        let claims = work.run(&["claims", "--format", "json"]);
        assert!(claims.code() <= 1, "{}", claims.stderr());
        assert!(
            claims.stdout().trim_start().starts_with('['),
            "{}",
            claims.stdout()
        );
    }

    #[test]
    fn queries_return_exactly_the_expected_lines() {
        let work = corpus_text_store();

        let phrase = search(&work, &[r#""see everything""#]);
        assert_eq!(
            phrase,
            expected(|_, w| has_phrase(w, &["see", "everything"]))
        );
        assert_eq!(phrase.len(), 3);

        // Boolean with a date range: English stemming makes "engineers" and "engineering" match.
        let boolean = search(
            &work,
            &[
                "beijing AND (admin OR engineer)",
                "--from",
                "2021-10-01",
                "--to",
                "2021-12-31",
            ],
        );
        let in_range = |file: &str| {
            // (The board call is dated only by its audio's tag: its imported text has no date.)
            ["2021-10-05", "2021-11-03", "interview 2021-12-02"]
                .iter()
                .any(|d| file.contains(d))
        };
        assert_eq!(
            boolean,
            expected(|file, w| in_range(file)
                && w.iter().any(|x| x == "beijing")
                && w.iter().any(|x| x == "admin" || x.starts_with("engineer")))
        );
        assert!(!boolean.is_empty());

        let fuzzy = search(&work, &["acess~1"]);
        assert_eq!(
            fuzzy,
            expected(|_, w| w.iter().any(|x| distance(x, "acess") <= 1))
        );
        assert!(fuzzy.len() >= 10, "{}", fuzzy.len());

        // Proximity: "user" and "data" at most 3 positions apart, in that order or not.
        let near = search(&work, &[r#""user data"~3"#]);
        let close = |w: &[String]| {
            w.iter().enumerate().any(|(i, x)| {
                x == "user"
                    && w.iter()
                        .enumerate()
                        .any(|(j, y)| y == "data" && i.abs_diff(j) <= 3)
            })
        };
        assert!(
            near.iter().all(|l| close(&normalize_words(&l.3))),
            "{near:#?}"
        );
        assert!(expected(|_, w| has_phrase(w, &["user", "data"])).is_subset(&near));

        let by_speaker = search(&work, &["data", "--speaker", "security lead"]);
        assert_eq!(
            by_speaker,
            expected(|_, w| w.iter().any(|x| x == "data"))
                .into_iter()
                .filter(|l| l.2 == "Security Lead")
                .collect()
        );
        assert!(!by_speaker.is_empty());

        let one_recording = search(
            &work,
            &["beijing", "--recording", "2022-01-11 escalation call.ogg"],
        );
        assert_eq!(
            one_recording,
            expected(|file, w| file.starts_with("2022-01-11") && w.iter().any(|x| x == "beijing"))
        );
    }

    #[test]
    fn hits_carry_highlights_context_and_date_order() {
        let work = corpus_text_store();
        let hits = work
            .run(&[
                "search",
                r#""master admin""#,
                "--format",
                "json",
                "--sort",
                "date",
                "--context",
                "1",
            ])
            .json();
        let hits = hits.as_array().unwrap();
        assert!(hits.len() >= 3);
        // Dated hits in date order, undated ones last.
        let dates: Vec<(bool, &str)> = hits
            .iter()
            .map(|h| {
                let date = h["recording_date"].as_str();
                (date.is_none(), date.unwrap_or(""))
            })
            .collect();
        let mut sorted = dates.clone();
        sorted.sort();
        assert_eq!(dates, sorted);
        assert!(
            dates.last().unwrap().0,
            "the undated memo comes last: {dates:?}"
        );
        for hit in hits {
            let text: Vec<char> = hit["text"].as_str().unwrap().chars().collect();
            let marked: Vec<String> = hit["highlights"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    text[r[0].as_u64().unwrap() as usize..r[1].as_u64().unwrap() as usize]
                        .iter()
                        .collect::<String>()
                        .to_lowercase()
                })
                .collect();
            assert_eq!(marked, ["master", "admin"], "{hit}");
            assert!(hit["before"].as_array().unwrap().len() <= 1);
            assert_eq!(hit["start"].as_str().unwrap().len(), 8);
        }
        let table = work.run(&["search", r#""see everything""#]).ok();
        assert!(table.contains("**see** **everything**"), "{table}");
        let csv = work.run(&["search", "virginia", "--format", "csv"]).ok();
        assert!(
            csv.starts_with("recording,sha256,recording_date,speaker,start,start_ms,end_ms,text")
        );
    }

    #[test]
    fn no_match_is_exit_1_and_bad_queries_are_exit_2() {
        let work = corpus_text_store();
        let none = work.run(&["search", "zzyzx"]);
        assert_eq!((none.code(), none.stdout()), (1, String::new()));
        // nested deep enough to overflow tantivy's recursive parser if it were parsed
        let deep = format!("{}beijing{}", "(".repeat(20_000), ")".repeat(20_000));
        for (query, message) in [
            (r#""unbalanced"#, "unbalanced quote"),
            ("nofield:x", "Field does not exist"),
            ("", "empty query"),
            ("access~7", "fuzzy distance must be 1 or 2"),
            (deep.as_str(), "nests parentheses 20000 deep"),
        ] {
            let run = work.run(&["search", query]);
            assert_eq!(run.code(), 2, "{query}");
            assert!(run.stderr().contains(message), "{query}: {}", run.stderr());
        }
        // The index is rebuilt from the store with the same content.
        let before = search(&work, &["beijing"]);
        assert!(work
            .run(&["reindex"])
            .ok()
            .contains("indexed 150 segments of 7 recordings"));
        assert_eq!(search(&work, &["beijing"]), before);
    }
}
