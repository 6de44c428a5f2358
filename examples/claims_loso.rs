//! Study aid (not a test): how the claim classifier does on writing it was not taught, now that
//! the development sets are among its examples. For each set in `tests/data/claims/` whose
//! sentences were folded into the built-in examples, the network is taught the built-in examples
//! without that set's sentences and scored on the set (rules and model, the default
//! `--min-score`), as `tests/cli/meaning.rs` scores a held-out set. Prints one line a set and the
//! micro-averaged total. Each fold's classifier is cached like any other.
//!
//! `cargo run --release --example claims_loso -- models`

use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::Value;
use verbatim::claims::{kinds_of, Rules, DEFAULT_MIN_SCORE};
use verbatim::meaning::classifier::{Examples, FOLDED_SETS};
use verbatim::meaning::encoder::{model_dir, TextEncoder};
use verbatim::meaning::LazyClaimModel;

/// True positives, kinds found, kinds wanted, non-claims flagged, non-claims.
type Counts = [usize; 5];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let models = std::env::args().nth(1).unwrap_or_else(|| "models".into());
    let encoder = Arc::new(TextEncoder::load(&model_dir(models.as_ref()))?);
    let builtin = Examples::builtin();
    let mut total: Counts = [0; 5];
    for set in FOLDED_SETS {
        let path = format!("tests/data/claims/{set}.json");
        let file: Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
        let mut cases: Vec<(String, BTreeSet<String>)> = Vec::new();
        for s in file["sentences"].as_array().ok_or("sentences")? {
            let kinds = s["kinds"].as_array().ok_or("kinds")?;
            let kinds = kinds.iter().filter_map(Value::as_str).map(String::from);
            cases.push((s["text"].as_str().ok_or("text")?.into(), kinds.collect()));
        }
        let held: BTreeSet<&str> = cases.iter().map(|(t, _)| t.trim()).collect();
        let mut examples = builtin.clone();
        for sentences in examples.by_kind.values_mut() {
            sentences.retain(|s| !held.contains(s.trim()));
        }
        examples.origin = format!("built-in without {set}");
        examples.sha256 =
            verbatim::hash::sha256_hex(format!("{}\nwithout {set}", builtin.sha256).as_bytes());
        let model = Arc::new(LazyClaimModel::with_encoder(encoder.clone(), examples));
        let rules = Rules::builtin().with_meaning(model)?;
        let texts: Vec<&str> = cases.iter().map(|(t, _)| t.as_str()).collect();
        let found = kinds_of(&rules, &texts, DEFAULT_MIN_SCORE)?;
        let mut counts: Counts = [0; 5];
        for ((_, want), got) in cases.iter().zip(&found) {
            counts[0] += want.intersection(got).count();
            counts[1] += got.len();
            counts[2] += want.len();
            if want.is_empty() {
                counts[3] += usize::from(!got.is_empty());
                counts[4] += 1;
            }
        }
        println!(
            "{set:16} {} sentences, left out of training: {}",
            cases.len(),
            figures(&counts)
        );
        for (t, c) in total.iter_mut().zip(counts) {
            *t += c;
        }
    }
    println!(
        "{:16} every set left out in turn: {}",
        "all",
        figures(&total)
    );
    Ok(())
}

fn figures(c: &Counts) -> String {
    let ratio = |a: usize, b: usize| a as f64 / b.max(1) as f64;
    format!(
        "P {:.3} R {:.3} FA {:.3}",
        ratio(c[0], c[1]),
        ratio(c[0], c[2]),
        ratio(c[3], c[4])
    )
}
