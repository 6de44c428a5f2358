//! Labelled sentence sets (`tests/data/claims/*.json`, `corpus/truth.json`), read the same way
//! by the claims unit tests and the integration tests.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

/// A JSON file of the repository, by its path from the repository root.
pub fn load(path: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// (text, kinds) of each sentence of a set.
pub fn labelled(path: &str) -> Vec<(String, BTreeSet<String>)> {
    load(path)["sentences"]
        .as_array()
        .expect("a sentences array")
        .iter()
        .map(|s| {
            let kinds = s["kinds"].as_array().expect("a kinds array").iter();
            (
                s["text"].as_str().expect("a text").to_string(),
                kinds
                    .map(|k| k.as_str().expect("a kind").to_string())
                    .collect(),
            )
        })
        .collect()
}
