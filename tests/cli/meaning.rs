//! The sentence model and what it adds: the Rust encoder against the Python reference, claims
//! by meaning on labelled sentences (development and held-out), and `search --meaning`.

use std::collections::BTreeSet;
use std::path::PathBuf;

use verbatim::claims::{kinds_of, Rules, DEFAULT_MIN_SCORE};
use verbatim::meaning::classifier::{Examples, FOLDED_SETS};
use verbatim::meaning::encoder::{dot, model_dir, TextEncoder};
use verbatim::meaning::LazyClaimModel;

use super::sets::{labelled, load};
use super::{models_dir, repo};

/// The sentence model; a test without it cannot run, so say how to get it.
pub fn minilm_dir() -> PathBuf {
    let dir = model_dir(&models_dir());
    assert!(
        verbatim::models::minilm::present(&models_dir()),
        "{} is missing: run `make model` (or `verbatim models fetch minilm`) first",
        dir.display()
    );
    dir
}

/// Embeddings of the Rust encoder agree with `scripts/minilm_reference.py` (numpy, float64)
/// to cosine 0.99999 and 2e-4 per component, token ids exactly; the published
/// sentence-transformers similarities hold to 1e-3.
#[test]
fn the_encoder_matches_the_reference() {
    let encoder = TextEncoder::load(&minilm_dir()).unwrap();
    let reference = load("tests/data/meaning/minilm_reference.json");
    let sentences = reference["sentences"].as_array().unwrap();
    let texts: Vec<&str> = sentences
        .iter()
        .map(|s| s["text"].as_str().unwrap())
        .collect();
    let embeddings = encoder.embed(&texts).unwrap();
    for (sentence, got) in sentences.iter().zip(&embeddings) {
        let want: Vec<f32> = sentence["embedding"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap() as f32)
            .collect();
        let cosine = dot(got, &want);
        let worst = got
            .iter()
            .zip(&want)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        assert!(
            cosine > 0.99999 && worst < 2e-4,
            "{:?}: cosine {cosine}, max difference {worst}",
            sentence["text"]
        );
    }
    let similarity = |a: usize, b: usize| dot(&embeddings[a], &embeddings[b]);
    for ((a, b), published) in [((0, 1), 0.6660), ((0, 2), 0.1046), ((1, 2), 0.1411)] {
        assert!(
            (similarity(a, b) - published).abs() < 1e-3,
            "{a}-{b}: {} vs published {published}",
            similarity(a, b)
        );
    }
    // one at a time gives what a batch gives
    let alone = encoder.embed(&[texts[3]]).unwrap();
    assert!(dot(&alone[0], &embeddings[3]) > 0.99999);
}

/// Micro precision and recall over kinds, and the share of non-claim sentences given a kind.
pub struct Figures {
    pub precision: f64,
    pub recall: f64,
    pub false_alarm: f64,
    pub sentences: usize,
}

pub fn score(rules: &Rules, cases: &[(String, BTreeSet<String>)], min_score: f32) -> Figures {
    let texts: Vec<&str> = cases.iter().map(|(t, _)| t.as_str()).collect();
    let found = kinds_of(rules, &texts, min_score).unwrap();
    let (mut true_pos, mut got, mut want, mut nones, mut flagged) = (0, 0, 0, 0, 0);
    for ((_, expected), found) in cases.iter().zip(&found) {
        true_pos += found.intersection(expected).count();
        got += found.len();
        want += expected.len();
        if expected.is_empty() {
            nones += 1;
            flagged += usize::from(!found.is_empty());
        }
    }
    if std::env::var("SHOW_FA").is_ok() {
        for ((text, expected), found) in cases.iter().zip(&found) {
            if expected != found {
                println!("    want {expected:?} got {found:?}: {text}");
            }
        }
    }
    Figures {
        precision: true_pos as f64 / got.max(1) as f64,
        recall: true_pos as f64 / want.max(1) as f64,
        false_alarm: flagged as f64 / nones.max(1) as f64,
        sentences: cases.len(),
    }
}

pub fn rules_with_model() -> Rules {
    Rules::builtin()
        .with_meaning(std::sync::Arc::new(LazyClaimModel::new(
            &minilm_dir(),
            Examples::builtin(),
        )))
        .unwrap()
}

/// The sets the network was taught (`FOLDED_SETS`; README gives each set's figures from before
/// it was folded in, and from `examples/claims_loso.rs` with the set left out): it has learned
/// them (what remains are rule claims the model never overrides, and questions, which it is not
/// asked about), and the model adds to what the rules find on each. Figures printed; these are
/// not held-out figures.
#[test]
fn the_taught_sets_are_learned() {
    let with_model = rules_with_model();
    for name in FOLDED_SETS {
        let path = format!("tests/data/claims/{name}.json");
        let cases = labelled(&path);
        let rules_only = score(&Rules::builtin(), &cases, 1.0);
        let both = score(&with_model, &cases, DEFAULT_MIN_SCORE);
        report(&path, &rules_only, &both);
        assert!(both.recall >= rules_only.recall, "{path}");
        at_least(&path, &both, 0.9, 0.9, 0.1);
    }
}

/// The ninth held-out set (`tests/data/claims/heldout_ninth.json`, 300 sentences), written by
/// a ninth helper from the kind definitions alone and sealed until the development sets were
/// folded into the examples (a choice made by leaving each set out in turn); scored once. The
/// trade-off `--min-score` sets is printed (README); nothing is chosen on it.
#[test]
fn rules_and_model_on_the_ninth_held_out_sentences() {
    let path = "tests/data/claims/heldout_ninth.json";
    held_out(path);
    let with_model = rules_with_model();
    let cases = labelled(path);
    for min_score in [0.5, 0.7, 0.8, 0.9] {
        let f = score(&with_model, &cases, min_score);
        println!(
            "  --min-score {min_score}: P {:.3} R {:.3} FA {:.3}",
            f.precision, f.recall, f.false_alarm
        );
    }
}

/// The tenth held-out set (`tests/data/claims/heldout_tenth.json`, 300 sentences), written by
/// a tenth helper from the kind definitions alone and sealed until the model was let judge the
/// sentences the rules' exclude patterns keep from the rules (a choice made by leaving each
/// development set out in turn); scored once.
#[test]
fn rules_and_model_on_the_tenth_held_out_sentences() {
    held_out("tests/data/claims/heldout_tenth.json");
}

/// One line of figures for a set: rules alone, then rules and model.
fn report(path: &str, rules_only: &Figures, both: &Figures) {
    println!(
        "{path}: {} sentences; rules alone P {:.3} R {:.3} FA {:.3}; rules + model P {:.3} R {:.3} FA {:.3}",
        both.sentences,
        rules_only.precision,
        rules_only.recall,
        rules_only.false_alarm,
        both.precision,
        both.recall,
        both.false_alarm
    );
}

fn held_out(path: &str) {
    let cases = labelled(path);
    let rules_only = score(&Rules::builtin(), &cases, 1.0);
    let both = score(&rules_with_model(), &cases, DEFAULT_MIN_SCORE);
    report(path, &rules_only, &both);
    // regression floors under the figures README gives for the held-out sets
    at_least(path, &both, 0.75, 0.80, 0.15);
}

/// Recall and precision at least these, and at most this share of non-claims flagged.
fn at_least(path: &str, f: &Figures, recall: f64, precision: f64, false_alarm: f64) {
    assert!(
        f.recall >= recall && f.precision >= precision && f.false_alarm <= false_alarm,
        "{path}: recall {:.3}, precision {:.3}, non-claims flagged {:.3}",
        f.recall,
        f.precision,
        f.false_alarm
    );
}

/// `search --meaning` on the corpus truth (imported as WebVTT): 20 questions written without
/// the corpus's wording (`tests/data/meaning/queries.json`, whose misses were read during the
/// work); the intended line is in the top 3.
#[test]
fn search_by_meaning_finds_paraphrased_lines_in_the_top_three() {
    paraphrases("tests/data/meaning/queries.json");
}

/// A second set of 20 (`tests/data/meaning/queries_final.json`), written by another helper and
/// scored once at the end.
#[test]
fn search_by_meaning_on_the_final_paraphrases() {
    paraphrases("tests/data/meaning/queries_final.json");
}

fn paraphrases(path: &str) {
    minilm_dir();
    let work = crate::search::corpus_text_store();
    let queries = load(path);
    let mut found = 0;
    let mut misses = Vec::new();
    for query in queries["queries"].as_array().unwrap() {
        let text = query["query"].as_str().unwrap();
        let hits = work
            .run(&[
                "search",
                "--meaning",
                text,
                "--limit",
                "3",
                "--format",
                "json",
            ])
            .json();
        let hits = hits.as_array().unwrap();
        assert!(hits.iter().all(|h| h["similarity"].as_f64().is_some()));
        let stem = query["recording"].as_str().unwrap();
        let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
        let start_ms = query["start_ms"].as_u64().unwrap();
        let hit = hits.iter().any(|h| {
            h["recording"].as_str().unwrap().starts_with(stem)
                && h["start_ms"].as_u64().unwrap().abs_diff(start_ms) <= 1_000
        });
        if hit {
            found += 1;
        } else {
            misses.push(format!(
                "{text:?} -> {:?}",
                hits.iter()
                    .map(|h| h["text"].as_str().unwrap())
                    .collect::<Vec<_>>()
            ));
        }
    }
    println!("{path}: search by meaning: {found} of 20 in the top 3");
    assert!(found >= 15, "{found} of 20:\n{}", misses.join("\n"));
}

/// `search --meaning` without the model says how to fetch it, and a filter applies.
#[test]
fn search_by_meaning_without_the_model_says_how_to_fetch_it() {
    let work = crate::search::corpus_text_store();
    let empty = work.path().join("no-models");
    std::fs::create_dir_all(&empty).unwrap();
    let run = work.run(&[
        "--models-dir",
        empty.to_str().unwrap(),
        "search",
        "--meaning",
        "who could see user data",
    ]);
    assert_eq!(run.code(), 2, "{}", run.stderr());
    assert!(
        run.stderr().contains("verbatim models fetch minilm"),
        "{}",
        run.stderr()
    );
    let hits = work
        .run(&[
            "search",
            "--meaning",
            "who could see user data",
            "--speaker",
            "Security Lead",
            "--format",
            "json",
        ])
        .json();
    let hits = hits.as_array().unwrap();
    assert!(!hits.is_empty());
    assert!(
        hits.iter().all(|h| h["speaker"] == "Security Lead"),
        "{hits:?}"
    );
}

/// A corrupt sentence model or a bad examples file stops an import before anything is stored,
/// with an error naming the file; the store already there is untouched.
#[test]
fn a_corrupt_model_or_bad_examples_stop_an_import_naming_the_file() {
    let work = super::Workdir::new();
    let fixture = repo().join("tests/data/claims/2021-11-03 fixture call.txt");
    work.run(&["import", fixture.to_str().unwrap()]).ok();
    let manifest = std::fs::read(work.store().join("manifest.json")).unwrap();
    let srt = work.path().join("2021-12-01 call.srt");
    std::fs::write(
        &srt,
        "1\n00:00:01,000 --> 00:00:04,000\nThe team in Lagos can read every message.\n\n",
    )
    .unwrap();

    // a models folder whose weights are cut short
    let models = work.path().join("models");
    let dir = models.join("all-MiniLM-L6-v2");
    std::fs::create_dir_all(&dir).unwrap();
    for file in ["tokenizer.json", "config.json"] {
        std::fs::copy(minilm_dir().join(file), dir.join(file)).unwrap();
    }
    let weights = std::fs::read(minilm_dir().join("model.safetensors")).unwrap();
    std::fs::write(dir.join("model.safetensors"), &weights[..1_000_000]).unwrap();
    let run = work.run(&[
        "--models-dir",
        models.to_str().unwrap(),
        "import",
        srt.to_str().unwrap(),
    ]);
    assert_eq!(run.code(), 2, "{}", run.stderr());
    assert!(
        run.stderr().contains("model.safetensors"),
        "{}",
        run.stderr()
    );

    // examples with an empty sentence
    let examples = work.path().join("examples.toml");
    std::fs::write(
        &examples,
        "[examples]\nnone = [\"a\", \"b\", \"c\"]\naccess = [\"x\", \"\", \"y\"]\n",
    )
    .unwrap();
    let run = work.run(&[
        "--examples",
        examples.to_str().unwrap(),
        "import",
        srt.to_str().unwrap(),
    ]);
    assert_eq!(run.code(), 2, "{}", run.stderr());
    assert!(
        run.stderr().contains("examples.toml") && run.stderr().contains("example 2 is empty"),
        "{}",
        run.stderr()
    );
    assert_eq!(
        std::fs::read(work.store().join("manifest.json")).unwrap(),
        manifest,
        "nothing stored"
    );
}
