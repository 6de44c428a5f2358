//! Scores the date resolver on a held-out set (`tests/data/dates/heldout.json`, written by a
//! helper that never saw the parser): each item is a sentence, its recording date, the date
//! expression in it and the expected inclusive day range, with the other readings of an
//! ambiguous one; negative items hold no date at all.
//!
//! An item is right when the mention overlapping the expression means exactly the expected
//! days (`DateMention::meant`: the open range for "since"/"until"/"by", else what it resolved
//! to). An ambiguous item is flagged right when the mention has alternatives and they hold
//! every expected other reading. A negative item is right when nothing is found.
//!
//! Run once per held-out set, never to tune: `cargo run --release --example dates_heldout
//! [FILE]`. Prints the figures by granularity, not the items; `VERBATIM_DETAIL=1` prints each
//! item missed too, for the development set (`tests/data/dates/dev.json`) only.

use std::collections::BTreeMap;

use serde_json::Value;
use time::macros::format_description;
use time::Date;
use verbatim::claims::dates::{find_dates, DateMention, Resolved};

fn day(value: &Value) -> Option<Date> {
    Date::parse(value.as_str()?, format_description!("[year]-[month]-[day]")).ok()
}

fn span(value: &Value) -> Option<(Date, Date)> {
    Some((day(&value["start"])?, day(&value["end"])?))
}

fn days(resolved: Resolved) -> (Date, Date) {
    (resolved.first_day(), resolved.last_day())
}

/// The mention overlapping `[start, end)` most.
fn mention_at(mentions: &[DateMention], start: usize, end: usize) -> Option<&DateMention> {
    mentions
        .iter()
        .map(|m| (m, m.end.min(end).saturating_sub(m.start.max(start))))
        .filter(|(_, overlap)| *overlap > 0)
        .max_by_key(|(_, overlap)| *overlap)
        .map(|(m, _)| m)
}

#[derive(Default)]
struct Tally {
    items: usize,
    right: usize,
}

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "tests/data/dates/heldout.json".into());
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let set: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let items = set["items"].as_array().expect("an items array");
    let mut by_granularity: BTreeMap<String, Tally> = BTreeMap::new();
    let (mut positives, mut negatives) = (Tally::default(), Tally::default());
    let (mut ambiguous, mut ambiguous_flagged, mut false_ambiguous) = (0, 0, 0);
    let mut missed = 0;
    let detail = std::env::var_os("VERBATIM_DETAIL").is_some();
    let show = |item: &Value, got: &str| {
        if detail {
            println!(
                "MISS {} [{}] {:?} {:?}: expected {} {}, got {got}",
                item["id"].as_str().unwrap_or(""),
                item["recording_date"].as_str().unwrap_or(""),
                item["sentence"].as_str().unwrap_or(""),
                item["expression"],
                item["expected"],
                item["alternatives"]
            );
        }
    };
    let described = |mentions: &[DateMention]| {
        mentions
            .iter()
            .map(|m| m.describe())
            .collect::<Vec<_>>()
            .join("; ")
    };
    for item in items {
        let sentence = item["sentence"].as_str().expect("a sentence");
        let recorded = day(&item["recording_date"]).expect("a recording date");
        let mentions = find_dates(sentence, Some(recorded));
        let granularity = item["granularity"].as_str().unwrap_or("?").to_string();
        let tally = by_granularity.entry(granularity).or_default();
        tally.items += 1;
        let Some(expression) = item["expression"].as_str() else {
            negatives.items += 1;
            if mentions.is_empty() {
                negatives.right += 1;
                tally.right += 1;
            } else {
                show(item, &described(&mentions));
            }
            continue;
        };
        positives.items += 1;
        let start = sentence
            .find(expression)
            .expect("the expression is in the sentence");
        let mention = mention_at(&mentions, start, start + expression.len());
        let Some(mention) = mention else {
            missed += 1;
            show(item, &format!("nothing there ({})", described(&mentions)));
            continue;
        };
        let right = mention.meant().map(days) == span(&item["expected"]);
        if right {
            positives.right += 1;
            tally.right += 1;
        } else {
            show(item, &mention.describe());
        }
        let found: Vec<(Date, Date)> = mention.alternatives.iter().map(|a| days(*a)).collect();
        if item["ambiguous"] == true {
            ambiguous += 1;
            let expected: Vec<(Date, Date)> = item["alternatives"]
                .as_array()
                .map(|a| a.iter().filter_map(span).collect())
                .unwrap_or_default();
            if !found.is_empty() && expected.iter().all(|e| found.contains(e)) {
                ambiguous_flagged += 1;
            } else if right {
                show(item, &format!("alternatives {}", mention.describe()));
            }
        } else if !found.is_empty() {
            false_ambiguous += 1;
            show(item, &format!("not ambiguous: {}", mention.describe()));
        }
    }
    let share = |t: &Tally| t.right as f64 / t.items.max(1) as f64;
    println!("held-out date set: {path} ({} items)", items.len());
    println!(
        "date expressions resolved right: {}/{} ({:.3}); not found: {missed}",
        positives.right,
        positives.items,
        share(&positives)
    );
    println!(
        "negatives with nothing found:    {}/{} ({:.3})",
        negatives.right,
        negatives.items,
        share(&negatives)
    );
    println!(
        "all items right:                 {}/{} ({:.3})",
        positives.right + negatives.right,
        items.len(),
        (positives.right + negatives.right) as f64 / items.len().max(1) as f64
    );
    println!(
        "ambiguous flagged with every other reading: {ambiguous_flagged}/{ambiguous}; \
         unambiguous ones flagged ambiguous: {false_ambiguous}"
    );
    for (granularity, tally) in &by_granularity {
        println!(
            "  {granularity:<11} {:>3}/{:<3} ({:.3})",
            tally.right,
            tally.items,
            share(tally)
        );
    }
}
