//! `verbatim quote`: the 40 quotes of `tests/data/quotes/corpus_quotes.json` (written from the
//! corpus truth by a helper who had not seen the matcher: 20 as said, 10 with one or two words
//! changed, 10 never said) checked against the corpus truth imported as transcripts, and
//! against the transcripts tiny.en makes of the corpus audio; drafts in text, Markdown and
//! Word; bad input.

use std::io::Write;

use serde_json::Value;

use crate::{repo, Workdir};

fn quotes() -> Vec<Value> {
    let text =
        std::fs::read_to_string(repo().join("tests/data/quotes/corpus_quotes.json")).unwrap();
    let set: Value = serde_json::from_str(&text).unwrap();
    set["quotes"].as_array().unwrap().clone()
}

/// How the 40 quotes fared: (said found exact at the right place, changed found with the
/// changed words in the diff, never-said reported not found), and exit codes that disagree.
fn check(work: &Workdir) -> ([usize; 3], Vec<String>) {
    let mut counts = [0; 3];
    let mut wrong = Vec::new();
    for q in quotes() {
        let run = work.run(&["quote", q["quote"].as_str().unwrap(), "--format", "json"]);
        let matches: Vec<Value> = serde_json::from_str(&run.stdout()).expect("quote prints JSON");
        let id = q["id"].as_str().unwrap();
        let at_line = |m: &Value| {
            // imported transcripts are named after their file, with `.vtt` added
            m["recording"]
                .as_str()
                .unwrap()
                .starts_with(q["file"].as_str().unwrap())
                && m["start_ms"].as_u64().unwrap() + 1_000 >= q["start_ms"].as_u64().unwrap()
                && m["end_ms"].as_u64().unwrap() <= q["end_ms"].as_u64().unwrap() + 1_000
        };
        let exact = matches.iter().any(|m| m["exact"] == true);
        if (run.code() == 0) != exact {
            wrong.push(format!("{id}: exit {} with exact={exact}", run.code()));
        }
        let (slot, ok) = match q["kind"].as_str().unwrap() {
            "said" => (0, matches.iter().any(|m| m["exact"] == true && at_line(m))),
            "changed" => (
                1,
                matches.first().is_some_and(|m| {
                    m["exact"] == false
                        && at_line(m)
                        && q["changed_words"].as_array().unwrap().iter().all(|w| {
                            m["diff"]
                                .as_array()
                                .unwrap()
                                .iter()
                                .any(|e| e["quote"] == *w)
                        })
                }),
            ),
            _ => (2, matches.is_empty()),
        };
        if ok {
            counts[slot] += 1;
        } else {
            eprintln!("{id}: {} -> {}", q["quote"], run.stdout());
        }
    }
    (counts, wrong)
}

mod fast {
    use super::*;

    #[test]
    fn quotes_are_checked_against_the_corpus_truth() {
        let work = crate::search::corpus_text_store();
        let (counts, wrong) = check(&work);
        eprintln!(
            "corpus truth: said {}/20 exact, changed {}/10, never said {}/10 not found",
            counts[0], counts[1], counts[2]
        );
        assert!(wrong.is_empty(), "{wrong:?}");
        assert_eq!(
            counts[0], 20,
            "every quote as said is found exactly where it was said"
        );
        assert!(
            counts[1] >= 9,
            "changed quotes found with their changes: {}",
            counts[1]
        );
        assert!(counts[2] >= 9, "never-said quotes not found: {}", counts[2]);
    }

    #[test]
    fn a_draft_gets_a_table_and_an_exit_code() {
        let work = crate::search::corpus_text_store();
        let all = quotes();
        let pick = |id: &str| {
            all.iter().find(|q| q["id"] == id).unwrap()["quote"]
                .as_str()
                .unwrap()
                .to_string()
        };
        // ten quotations, straight and curly, between prose; one single word in quotes that
        // is not a quotation
        let said = ["said-01", "said-03", "said-06", "said-10", "said-14"];
        let changed = ["changed-01", "changed-02", "changed-03"];
        let never = ["never-01", "never-02"];
        let mut draft = String::from("# Draft\n\nThe \"policy\" was clear.\n\n");
        for (n, id) in said.iter().chain(&changed).chain(&never).enumerate() {
            if n % 2 == 0 {
                draft.push_str(&format!(
                    "One said “{}”, according to the recording.\n\n",
                    pick(id)
                ));
            } else {
                draft.push_str(&format!("Another said: \"{}.\"\n\n", pick(id)));
            }
        }
        std::fs::write(work.path().join("story.md"), &draft).unwrap();
        let run = work.run(&["quote", "--draft", "story.md"]);
        assert_eq!(
            run.code(),
            1,
            "changed and unfound quotes fail the draft: {}",
            run.stdout()
        );
        let table = run.stdout();
        assert!(
            table.contains("10 quotations: 5 found, 3 changed, 2 not found"),
            "{table}"
        );
        let json = work.run(&["quote", "--draft", "story.md", "--format", "json"]);
        let rows: Vec<Value> = serde_json::from_str(&json.stdout()).unwrap();
        let statuses: Vec<&str> = rows.iter().map(|r| r["status"].as_str().unwrap()).collect();
        assert_eq!(
            statuses,
            [
                "found",
                "found",
                "found",
                "found",
                "found",
                "changed",
                "changed",
                "changed",
                "not found",
                "not found"
            ]
        );
        // a changed quote says what changed, and cites where
        let first_changed = &rows[5]["matches"][0];
        assert!(first_changed["diff"]
            .as_array()
            .is_some_and(|d| !d.is_empty()));
        assert!(first_changed["citation"]
            .as_str()
            .unwrap()
            .contains("sha256:"));

        // the same quotations that were said, in a Word document: exit 0
        let mut body = String::new();
        for id in said {
            body.push_str(&format!(
                "<w:p><w:r><w:t xml:space=\"preserve\">She said &quot;{}&quot; on the call.</w:t></w:r></w:p>",
                pick(id)
            ));
        }
        let xml = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
        );
        let file = std::fs::File::create(work.path().join("story.docx")).unwrap();
        let mut zip = zip::ZipWriter::new(file);
        zip.start_file(
            "word/document.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        zip.write_all(xml.as_bytes()).unwrap();
        zip.finish().unwrap();
        let docx = work.run(&["quote", "--draft", "story.docx"]);
        assert_eq!(docx.code(), 0, "{}{}", docx.stdout(), docx.stderr());
        assert!(docx
            .stdout()
            .contains("5 quotations: 5 found, 0 changed, 0 not found"));
    }

    #[test]
    fn bad_quotes_and_drafts_get_clear_errors() {
        let work = crate::search::corpus_text_store();
        let empty = work.run(&["quote", " ... "]);
        assert_eq!(empty.code(), 2);
        assert!(
            empty.stderr().contains("the quote is empty"),
            "{}",
            empty.stderr()
        );
        let missing = work.run(&["quote", "--draft", "no such story.md"]);
        assert_eq!(missing.code(), 2);
        assert!(
            missing.stderr().contains("no such story.md"),
            "{}",
            missing.stderr()
        );
        std::fs::write(work.path().join("plain.txt"), "No quotations here at all.").unwrap();
        let none = work.run(&["quote", "--draft", "plain.txt"]);
        assert_eq!(none.code(), 2);
        assert!(
            none.stderr().contains("no quotations found"),
            "{}",
            none.stderr()
        );
        std::fs::write(work.path().join("fake.docx"), "not a zip").unwrap();
        let fake = work.run(&["quote", "--draft", "fake.docx"]);
        assert_eq!(fake.code(), 2);
        assert!(
            fake.stderr().contains("fake.docx: not a .docx"),
            "{}",
            fake.stderr()
        );
        let threshold = work.run(&["quote", "see everything", "--threshold", "1.5"]);
        assert_eq!(threshold.code(), 2);
        assert!(
            threshold.stderr().contains("--threshold"),
            "{}",
            threshold.stderr()
        );
        let recording = work.run(&["quote", "see everything", "--recording", "nonesuch"]);
        assert_eq!(recording.code(), 2);
        assert!(
            recording.stderr().contains("nonesuch"),
            "{}",
            recording.stderr()
        );
        let page = "all the user data ".repeat(60);
        let huge = work.run(&["quote", &page]);
        assert_eq!(huge.code(), 2);
        assert!(
            huge.stderr()
                .contains("the quote has 240 words; at most 200"),
            "{}",
            huge.stderr()
        );
        std::fs::write(
            work.path().join("long.md"),
            format!("She said \"see everything\" and \"{page}\"."),
        )
        .unwrap();
        let long = work.run(&["quote", "--draft", "long.md"]);
        assert_eq!(long.code(), 2);
        assert!(
            long.stderr().contains("long.md: quotation 2 has 240 words"),
            "{}",
            long.stderr()
        );
        let no_store = Workdir::new().run(&["quote", "see everything"]);
        assert_eq!(no_store.code(), 2);
        assert!(
            no_store.stderr().contains("no evidence store"),
            "{}",
            no_store.stderr()
        );
    }
}

/// The same quotes against what tiny.en heard in the corpus audio: the quotes said are found
/// at their place (exactly, or with the words the model misheard as the diff), and the
/// sentences never said are not found.
#[test]
fn quotes_are_checked_against_the_corpus_audio() {
    let work = crate::ingest::corpus_store();
    let (counts, wrong) = check(work);
    let mut found_at_line = 0;
    for q in quotes().iter().filter(|q| q["kind"] == "said") {
        let run = work.run(&["quote", q["quote"].as_str().unwrap(), "--format", "json"]);
        let matches: Vec<Value> = serde_json::from_str(&run.stdout()).unwrap();
        if matches.iter().any(|m| {
            m["recording"] == q["file"]
                && m["start_ms"].as_u64().unwrap() + 1_000 >= q["start_ms"].as_u64().unwrap()
                && m["end_ms"].as_u64().unwrap() <= q["end_ms"].as_u64().unwrap() + 1_000
        }) {
            found_at_line += 1;
        }
    }
    eprintln!(
        "corpus audio: said {}/20 exact, {found_at_line}/20 found at their line; changed {}/10; never said {}/10 not found",
        counts[0], counts[1], counts[2]
    );
    assert!(wrong.is_empty(), "{wrong:?}");
    assert!(
        found_at_line >= 18,
        "said quotes found at their line: {found_at_line}"
    );
    assert!(counts[2] >= 9, "never-said quotes not found: {}", counts[2]);
}
