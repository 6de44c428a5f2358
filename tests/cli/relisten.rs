//! `verbatim relisten` on the ingested corpus: base listens again to claims tiny.en heard, one
//! it heard right and one it misheard, and the result reaches the claims.

use serde_json::Value;

use crate::speakers::corpus_copy;

/// The id of the claim whose quote is `quote`.
fn claim_id(claims: &Value, quote: &str) -> String {
    claims
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["quote"] == quote)
        .unwrap_or_else(|| panic!("no claim quotes {quote:?}: {claims:#}"))["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn a_second_listen_flags_a_misheard_quote_and_passes_a_right_one() {
    let work = corpus_copy();
    let claims = work.run(&["claims", "--format", "json"]).json();
    // tiny.en heard this as the truth has it; the truth's line ends "fine from home"
    let right = claim_id(&claims, "Yes, you can see everything in China.");
    let misheard = claim_id(&claims, "Yes, it opens fine from phone.");
    let run = work.run(&["relisten", &right[..8], &misheard, "--format", "json"]);
    assert_eq!(run.code(), 1, "one differs: {}", run.stderr());
    let rows: Value = serde_json::from_str(&run.stdout()).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["claim_id"], right.as_str());
    assert_eq!(rows[0]["second_listen"]["agrees"], true, "{:#}", rows[0]);
    assert_eq!(rows[0]["second_listen"]["model"], "base");
    let listen = &rows[1]["second_listen"];
    assert_eq!(listen["agrees"], false, "{listen:#}");
    assert!(
        listen["differences"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["op"] == "changed" && d["quote"] == "phone" && d["said"] == "home"),
        "{listen:#}"
    );
    // the stretch heard holds the claim with its margins
    let claim = |id: &str| {
        claims
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()
            .clone()
    };
    let start = claim(&misheard)["start_ms"].as_u64().unwrap();
    assert_eq!(
        listen["start_ms"].as_u64().unwrap(),
        start.saturating_sub(verbatim::relisten::MARGIN_MS)
    );

    // the claims now carry it, flagged where it differs
    let after = work.run(&["claims", "--format", "json"]).json();
    let flags = |id: &str| -> Vec<Value> {
        let claim = after
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap();
        claim["flags"].as_array().unwrap().clone()
    };
    assert!(flags(&misheard).contains(&Value::from("second_listen_differs")));
    assert!(!flags(&right).contains(&Value::from("second_listen_differs")));
    // journaled: the store still verifies
    let out = work.run(&["verify"]).ok();
    assert!(out.contains("0 changed outside verbatim"), "{out}");

    // an imported transcript has no audio, and says so
    let text = crate::search::corpus_text_store();
    let imported = text.run(&["claims", "--format", "json"]).json();
    let id = imported[0]["id"].as_str().unwrap();
    let run = text.run(&["relisten", id]);
    assert_eq!(run.code(), 1);
    assert!(
        run.stdout().contains("SKIPPED") && run.stdout().contains("no audio to listen to again"),
        "{}",
        run.stdout()
    );
    // an unknown claim id is an error naming it
    let run = work.run(&["relisten", "cnothing"]);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr().contains("no claim has the id `cnothing`"),
        "{}",
        run.stderr()
    );
}
