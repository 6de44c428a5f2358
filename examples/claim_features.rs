//! Tuning aid (not a test): writes, as JSON lines, each sentence of the built-in examples, the
//! development sets (the held-out sets already scored once among them) and the corpus truth with its label, the kinds the rules alone give it, and
//! its sentence features (mean- and max-pooled MiniLM embedding), for offline study of the
//! classifier's settings. Never run it on a held-out set.
//!
//! `cargo run --release --example claim_features -- models > /tmp/features.jsonl`

use std::collections::BTreeSet;

use serde_json::{json, Value};
use verbatim::claims::{kinds_of, Rules};
use verbatim::meaning::classifier::{Examples, FOLDED_SETS};
use verbatim::meaning::encoder::TextEncoder;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let models = std::env::args().nth(1).unwrap_or_else(|| "models".into());
    let encoder = TextEncoder::load(&verbatim::meaning::encoder::model_dir(models.as_ref()))?;
    let mut rows: Vec<(String, String, BTreeSet<String>)> = Vec::new();
    for (text, kinds) in Examples::builtin().labelled() {
        let kinds = kinds.into_iter().filter(|k| *k != "none").map(String::from);
        rows.push(("examples".into(), text.to_string(), kinds.collect()));
    }
    // the held-out sets already scored once are development data since (the ninth is scored
    // but not taught); a set still sealed is never on this list
    for set in FOLDED_SETS.iter().chain(&["heldout_ninth"]) {
        let path = format!("tests/data/claims/{set}.json");
        let file: Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
        for s in file["sentences"].as_array().ok_or("sentences")? {
            let kinds = s["kinds"].as_array().ok_or("kinds")?.iter();
            rows.push((
                set.to_string(),
                s["text"].as_str().ok_or("text")?.to_string(),
                kinds.filter_map(|k| k.as_str().map(String::from)).collect(),
            ));
        }
    }
    let truth: Value = serde_json::from_str(&std::fs::read_to_string("corpus/truth.json")?)?;
    for recording in truth["recordings"].as_array().ok_or("recordings")? {
        for line in recording["lines"].as_array().ok_or("lines")? {
            let kinds = line["claims"].as_array().ok_or("claims")?.iter();
            rows.push((
                "corpus".into(),
                line["text"].as_str().ok_or("text")?.to_string(),
                kinds
                    .filter_map(|c| c["kind"].as_str().map(String::from))
                    .collect(),
            ));
        }
    }
    let texts: Vec<&str> = rows.iter().map(|(_, t, _)| t.as_str()).collect();
    let rules = Rules::builtin();
    let by_rules = kinds_of(&rules, &texts, 1.0)?;
    let features = encoder.embed_features(&texts)?;
    for (((set, text, kinds), found), x) in rows.iter().zip(by_rules).zip(features) {
        println!(
            "{}",
            json!({"set": set, "text": text, "kinds": kinds, "rules": found, "excluded": rules.excluded(text), "x": x})
        );
    }
    Ok(())
}
