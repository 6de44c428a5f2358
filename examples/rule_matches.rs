//! Tuning aid (not a test): shows what the built-in rules match in each sentence given, with
//! the matched text, the rule, the actor, data and place it fills, and how long it took.
//!
//! `cargo run --release --example rule_matches -- "they can see everything" "we never looked"`

use verbatim::claims::Rules;

fn main() {
    let rules = Rules::builtin();
    for sentence in std::env::args().skip(1) {
        let started = std::time::Instant::now();
        let matches = rules.matches(&sentence);
        println!("{sentence}  ({:?})", started.elapsed());
        for m in matches {
            println!(
                "  {} {} [{}] actor={:?} data={:?} place={:?}",
                m.kind,
                m.rule,
                &sentence[m.start..m.end],
                m.actor,
                m.data,
                m.place
            );
        }
    }
}
