//! The one sentence splitter: where a stream of timed words breaks into sentences. Claims
//! quote these sentences and diarization settles each on one speaker, so `uncertain_speaker`
//! refers to the very sentence a claim quotes. A sentence ends at `.`, `?` or `!` (not after an
//! abbreviation or an initial, nor before a lower-case word or a digit), at a pause over
//! [`MAX_PAUSE_MS`], or after `MAX_WORDS` words when Whisper left out the full stops.

use std::ops::Range;

/// Longest silence inside one sentence; a longer pause ends it.
pub const MAX_PAUSE_MS: u64 = 3_000;
/// A sentence with no end punctuation is cut after this many words.
const MAX_WORDS: usize = 80;

/// Abbreviations whose full stop does not end a sentence (lower case, without the stop).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "etc", "e.g", "i.e", "u.s", "u.k",
    "a.m", "p.m", "no", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "inc", "ltd", "co", "corp", "approx", "dept",
];

/// A word of a stream to split: its text and times.
pub trait TimedWord {
    /// The word with its punctuation.
    fn text(&self) -> &str;
    /// Start in ms.
    fn start_ms(&self) -> u64;
    /// End in ms.
    fn end_ms(&self) -> u64;
}

/// The sentences of a run of words, as index ranges covering every word in order.
pub fn split<W: TimedWord>(words: &[W]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 0..words.len() {
        let next = words.get(i + 1);
        let ends = ends_sentence(words[i].text(), next.map(|w| w.text()))
            || next.is_some_and(|n| n.start_ms() > words[i].end_ms() + MAX_PAUSE_MS)
            || i + 1 - start >= MAX_WORDS;
        if ends || next.is_none() {
            out.push(start..i + 1);
            start = i + 1;
        }
    }
    out
}

/// True when `word` ends a sentence: it ends in `.`, `?` or `!` (before closing quotes or
/// brackets), is not an abbreviation or an initial, and the next word does not start in lower
/// case or with a digit (as after "Sept." in "Sept. 2021").
fn ends_sentence(word: &str, next: Option<&str>) -> bool {
    let bare = word.trim_end_matches(['"', '\'', ')', ']', '”', '’']);
    let Some(last) = bare.chars().last() else {
        return false;
    };
    if last == '?' || last == '!' {
        return true;
    }
    if last != '.' || bare.ends_with("..") && !bare.ends_with("...") {
        return false;
    }
    let stem = bare
        .trim_end_matches('.')
        .trim_start_matches(['"', '\'', '(', '['])
        .to_lowercase();
    if ABBREVIATIONS.contains(&stem.as_str()) || stem.chars().count() == 1 {
        return next.is_none();
    }
    match next.and_then(|n| n.trim_start_matches(['"', '\'', '(', '[']).chars().next()) {
        Some(c) => !(c.is_lowercase() || c.is_ascii_digit()),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct W(&'static str, u64);

    impl TimedWord for W {
        fn text(&self) -> &str {
            self.0
        }
        fn start_ms(&self) -> u64 {
            self.1
        }
        fn end_ms(&self) -> u64 {
            self.1 + 300
        }
    }

    #[test]
    fn sentences_end_at_stops_long_pauses_and_the_word_limit() {
        let words = [
            W("Sept.", 0),
            W("2021", 400),
            W("was", 800),
            W("busy.", 1200),
            W("Dr.", 1600),
            W("Li", 2000),
            W("agreed", 2400),
            W("then", 6000),
            W("left?", 6400),
        ];
        assert_eq!(split(&words), vec![0..4, 4..7, 7..9]);
        let long: Vec<W> = (0..170).map(|i| W("word", i * 400)).collect();
        assert_eq!(split(&long), vec![0..80, 80..160, 160..170]);
        assert!(split::<W>(&[]).is_empty());
    }
}
