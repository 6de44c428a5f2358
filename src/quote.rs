//! Checking a quote against the recordings: where was it said, and was it said that way?
//!
//! A quote and every stored transcript are reduced to words (lower case, letters and digits;
//! hyphens and dashes split words, apostrophes vanish). For each transcript, a word-level
//! edit-distance alignment that is free to start and end anywhere in the transcript (a
//! semi-global alignment) finds the stretches that need the fewest edits to become the quote.
//! `similarity` is 1 minus those edits over the longer of the quote and the stretch, so a
//! quote of ten words with one word changed scores 0.9. A match is reported when its
//! similarity reaches the threshold ([`DEFAULT_THRESHOLD`]); `exact` means no edit at all.
//! `diff` lists the edits: words the quote changed, added or dropped against the transcript.
//!
//! Quotations in a draft story ([`quotations`]) are the runs of two or more words between
//! straight or curly double quotes.

use serde::Serialize;

use time::Date;

use crate::model::{hms, Recording, Transcript};

/// The similarity a stretch of transcript must reach to be reported: at most two words in
/// five may differ. Chosen before the quote test set was written, not fitted to it.
pub const DEFAULT_THRESHOLD: f64 = 0.6;

/// Matches reported for one quote, at most, over all recordings.
pub const MAX_MATCHES: usize = 5;

/// The longest quote checked, in words: the alignment's table grows with the quote's length
/// times the transcript's, so a pasted page is refused rather than allowed to eat memory.
pub const MAX_QUOTE_WORDS: usize = 200;

/// One edit between the quote and what the transcript says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Edit {
    /// The quote has `quote` where the transcript has `said`.
    Changed {
        /// The quote's word.
        quote: String,
        /// The transcript's word.
        said: String,
    },
    /// The quote has a word the transcript does not.
    Added {
        /// The quote's word.
        quote: String,
    },
    /// The transcript has a word the quote leaves out.
    Dropped {
        /// The transcript's word.
        said: String,
    },
}

impl std::fmt::Display for Edit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Edit::Changed { quote, said } => write!(f, "\"{said}\" -> \"{quote}\""),
            Edit::Added { quote } => write!(f, "+\"{quote}\""),
            Edit::Dropped { said } => write!(f, "-\"{said}\""),
        }
    }
}

/// Where a quote was found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuoteMatch {
    /// The recording's name.
    pub recording: String,
    /// The recording's SHA-256.
    pub sha256: String,
    /// Start of the first matched word, ms.
    pub start_ms: u64,
    /// End of the last matched word, ms.
    pub end_ms: u64,
    /// The speaker of the segment the match starts in, if known.
    pub speaker: Option<String>,
    /// What the transcript says there (its words as written).
    pub text: String,
    /// 1 minus the edits over the longer of the quote and the matched words.
    pub similarity: f64,
    /// True when the words match after normalisation.
    pub exact: bool,
    /// The edits from what was said to the quote.
    pub diff: Vec<Edit>,
    /// `recording (date), hh:mm:ss-hh:mm:ss, speaker, sha256:…`.
    pub citation: String,
}

/// A citation a reader can follow to the audio:
/// `2021-09-14 security standup, 00:01:23-00:01:31, Security Lead, sha256:3fa2c4d5e6f7`. The
/// date is added when the recording's name does not already hold it.
pub fn citation(
    recording: &str,
    date: Option<Date>,
    start_ms: u64,
    end_ms: u64,
    speaker: Option<&str>,
    sha256: &str,
) -> String {
    let stem = recording
        .rsplit_once('.')
        .map_or(recording, |(stem, _)| stem);
    let date = match date {
        Some(date) if !stem.contains(&date.to_string()) => format!(" ({date})"),
        Some(_) => String::new(),
        None => " (undated)".into(),
    };
    format!(
        "{stem}{date}, {}-{}, {}, sha256:{}",
        hms(start_ms),
        hms(end_ms),
        speaker.unwrap_or("unknown speaker"),
        &sha256[..sha256.len().min(12)]
    )
}

/// The words of `text` as a quote is compared: lower case, letters and digits only, split at
/// whitespace, hyphens and dashes; apostrophes (straight or curly) vanish. Number formatting
/// does not count: numbers written as words become digits ("twenty one" and "21" are both
/// `21`), ordinal endings on digits go ("15th" is `15`), and a percent sign is the word
/// ("40%" is "40 percent"). Nor does the way a word is abbreviated: "cannot" is "can't", "&" is
/// "and", and "Mr.", "Mrs.", "Dr." and "OK" are "mister", "missus", "doctor" and "okay".
pub fn words(text: &str) -> Vec<String> {
    let text = text.replace('%', " percent ").replace('&', " and ");
    let plain = text
        .split(|c: char| c.is_whitespace() || matches!(c, '-' | '‐' | '‑' | '–' | '—' | '/'))
        .map(|w| {
            let w: String = w
                .chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect();
            match w.as_str() {
                "cannot" => "cant".to_string(),
                "mr" => "mister".to_string(),
                "mrs" => "missus".to_string(),
                "dr" => "doctor".to_string(),
                "ok" => "okay".to_string(),
                _ => strip_ordinal(w),
            }
        })
        .filter(|w| !w.is_empty());
    let mut out = Vec::new();
    let mut number: Option<Number> = None;
    for word in plain {
        match (number.as_mut(), number_word(&word)) {
            (Some(n), Some(part)) if n.takes(part) => n.add(part),
            (_, Some(part)) => {
                if let Some(n) = number.take() {
                    out.push(n.value().to_string());
                }
                number = Some(Number::start(part));
            }
            (_, None) => {
                if let Some(n) = number.take() {
                    out.push(n.value().to_string());
                }
                out.push(word);
            }
        }
    }
    if let Some(n) = number {
        out.push(n.value().to_string());
    }
    out
}

/// "15th" → "15"; other words unchanged.
fn strip_ordinal(word: String) -> String {
    let digits = word.trim_end_matches(|c: char| c.is_ascii_lowercase());
    let suffix = &word[digits.len()..];
    if !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit())
        && matches!(suffix, "st" | "nd" | "rd" | "th")
    {
        digits.to_string()
    } else {
        word
    }
}

/// A spoken number word.
#[derive(Debug, Clone, Copy, PartialEq)]
enum NumberWord {
    /// zero to nine
    Unit(u64),
    /// ten to nineteen
    Teen(u64),
    /// twenty, thirty, ... ninety
    Tens(u64),
    Hundred,
    Thousand,
}

fn number_word(word: &str) -> Option<NumberWord> {
    const UNITS: [&str; 10] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    ];
    const TEENS: [&str; 10] = [
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 8] = [
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    if let Some(i) = UNITS.iter().position(|w| *w == word) {
        return Some(NumberWord::Unit(i as u64));
    }
    if let Some(i) = TEENS.iter().position(|w| *w == word) {
        return Some(NumberWord::Teen(10 + i as u64));
    }
    if let Some(i) = TENS.iter().position(|w| *w == word) {
        return Some(NumberWord::Tens(20 + 10 * i as u64));
    }
    match word {
        "hundred" => Some(NumberWord::Hundred),
        "thousand" => Some(NumberWord::Thousand),
        _ => None,
    }
}

/// A number being read from words: "two hundred forty one thousand".
#[derive(Debug, Clone, Copy)]
struct Number {
    thousands: u64,
    current: u64,
    last: NumberWord,
}

impl Number {
    fn start(part: NumberWord) -> Self {
        let mut n = Number {
            thousands: 0,
            current: 0,
            last: part,
        };
        n.apply(part);
        n
    }

    /// Whether `part` continues this number ("twenty" then "one") rather than starting
    /// another ("twenty" then "twenty", as in a year said in pairs).
    fn takes(&self, part: NumberWord) -> bool {
        use NumberWord::*;
        match (self.last, part) {
            (Tens(_), Unit(u)) => u > 0,
            (Unit(_) | Teen(_) | Tens(_), Hundred) => true,
            (Hundred, Unit(_) | Teen(_) | Tens(_)) => true,
            (Unit(_) | Teen(_) | Tens(_) | Hundred, Thousand) => self.thousands == 0,
            (Thousand, Unit(_) | Teen(_) | Tens(_)) => true,
            _ => false,
        }
    }

    fn add(&mut self, part: NumberWord) {
        self.apply(part);
        self.last = part;
    }

    fn apply(&mut self, part: NumberWord) {
        match part {
            NumberWord::Unit(v) | NumberWord::Teen(v) | NumberWord::Tens(v) => self.current += v,
            NumberWord::Hundred => self.current = self.current.max(1) * 100,
            NumberWord::Thousand => {
                self.thousands = self.current.max(1) * 1000;
                self.current = 0;
            }
        }
    }

    fn value(&self) -> u64 {
        self.thousands + self.current
    }
}

/// One word of a transcript, as aligned.
struct Spoken<'a> {
    word: String,
    written: &'a str,
    start_ms: u64,
    end_ms: u64,
    speaker: Option<&'a str>,
}

/// The speech words of a transcript in time order. A segment without word times (some imports)
/// gives each of its words the segment's times.
fn spoken(transcript: &Transcript) -> Vec<Spoken<'_>> {
    let mut out = Vec::new();
    for segment in transcript.segments.iter().filter(|s| s.is_speech()) {
        let speaker = segment.speaker.as_deref();
        if segment.words.is_empty() {
            for written in segment.text.split_whitespace() {
                for word in words(written) {
                    out.push(Spoken {
                        word,
                        written,
                        start_ms: segment.start_ms,
                        end_ms: segment.end_ms,
                        speaker,
                    });
                }
            }
        } else {
            for w in &segment.words {
                for word in words(&w.text) {
                    out.push(Spoken {
                        word,
                        written: w.text.trim(),
                        start_ms: w.start_ms,
                        end_ms: w.end_ms,
                        speaker,
                    });
                }
            }
        }
    }
    out
}

/// An alignment of the quote against `said[start..end]` with its edits.
#[derive(Debug, Clone, PartialEq)]
struct Alignment {
    start: usize,
    end: usize,
    edits: Vec<Edit>,
    /// For each edit, the index in `said` of the word it changes or drops, or for a word
    /// added, of the word it comes before.
    said_at: Vec<usize>,
}

impl Alignment {
    fn similarity(&self, quote_len: usize) -> f64 {
        let longer = quote_len.max(self.end - self.start).max(1);
        1.0 - self.edits.len() as f64 / longer as f64
    }
}

/// The stretches of `said` that align with `quote` at `threshold` or better, best first, not
/// overlapping one another.
fn align(quote: &[String], said: &[String], threshold: f64) -> Vec<Alignment> {
    let (m, n) = (quote.len(), said.len());
    if m == 0 || n == 0 {
        return Vec::new();
    }
    let (cost, width) = costs(quote, said);
    // each end whose cost is a local minimum is a candidate; trace it back
    let last = &cost[m * width..];
    let mut found: Vec<Alignment> = Vec::new();
    let mut ends: Vec<usize> = (1..=n)
        .filter(|&j| {
            let here = last[j];
            (here as f64) <= m as f64 * (1.0 - threshold) + 1e-9
                && (j == n || last[j + 1] >= here)
                && last[j - 1] >= here
        })
        .collect();
    ends.sort_by_key(|&j| (last[j], j));
    for end in ends {
        let alignment = trace(quote, said, &cost, width, end);
        if alignment.start == alignment.end
            || alignment.similarity(m) + 1e-9 < threshold
            || found
                .iter()
                .any(|f| alignment.start < f.end && f.start < alignment.end)
        {
            continue;
        }
        found.push(alignment);
    }
    found.sort_by(|a, b| {
        b.similarity(m)
            .total_cmp(&a.similarity(m))
            .then(a.start.cmp(&b.start))
    });
    found
}

/// `cost[i * width + j]`: the fewest edits turning a stretch of `said` ending at `j` into
/// `quote[..i]` (a stretch may start anywhere), with `width = said.len() + 1`.
fn costs(quote: &[String], said: &[String]) -> (Vec<u32>, usize) {
    let (m, n) = (quote.len(), said.len());
    let width = n + 1;
    let mut cost = vec![0u32; (m + 1) * width];
    for i in 1..=m {
        cost[i * width] = i as u32;
        for j in 1..=n {
            let substitute = cost[(i - 1) * width + j - 1] + u32::from(quote[i - 1] != said[j - 1]);
            let added = cost[(i - 1) * width + j] + 1;
            let dropped = cost[i * width + j - 1] + 1;
            cost[i * width + j] = substitute.min(added).min(dropped);
        }
    }
    (cost, width)
}

/// The edits of `quote`'s best alignment anywhere within `said` (normalised words, see
/// [`words`]), the one ending latest of equally good ones (so a last word heard otherwise is a
/// change, not a word added), each with the index in `said` of the word it
/// changes or drops, or for a word the quote adds, of the word it comes before (`said.len()`
/// at the end); none when every word matches in order.
pub fn best_alignment(quote: &[String], said: &[String]) -> Vec<(Edit, usize)> {
    let (cost, width) = costs(quote, said);
    let last = &cost[quote.len() * width..];
    let end = (0..width)
        .min_by_key(|&j| (last[j], std::cmp::Reverse(j)))
        .unwrap_or(0);
    let alignment = trace(quote, said, &cost, width, end);
    alignment.edits.into_iter().zip(alignment.said_at).collect()
}

/// Follows the cheapest path back from `said[..end]` with the whole quote, preferring
/// matches, then words left out, then changes, then words added.
fn trace(quote: &[String], said: &[String], cost: &[u32], width: usize, end: usize) -> Alignment {
    let (mut i, mut j) = (quote.len(), end);
    // the path back, `None` for a matched word
    let mut path: Vec<Option<(Edit, usize)>> = Vec::new();
    while i > 0 {
        let here = cost[i * width + j];
        if j > 0 {
            let diagonal = cost[(i - 1) * width + j - 1];
            let same = quote[i - 1] == said[j - 1];
            if same && diagonal == here {
                path.push(None);
                i -= 1;
                j -= 1;
                continue;
            }
            // a word left out reads better than a change that shifts the quote's start
            if cost[i * width + j - 1] + 1 == here {
                path.push(Some((
                    Edit::Dropped {
                        said: said[j - 1].clone(),
                    },
                    j - 1,
                )));
                j -= 1;
                continue;
            }
            if !same && diagonal + 1 == here {
                path.push(Some((
                    Edit::Changed {
                        quote: quote[i - 1].clone(),
                        said: said[j - 1].clone(),
                    },
                    j - 1,
                )));
                i -= 1;
                j -= 1;
                continue;
            }
        }
        path.push(Some((
            Edit::Added {
                quote: quote[i - 1].clone(),
            },
            j,
        )));
        i -= 1;
    }
    let (edits, said_at) = path.into_iter().rev().flatten().unzip();
    Alignment {
        start: j,
        end,
        edits,
        said_at,
    }
}

/// Finds `quote` in `recordings` (each with its transcript), best first, at most
/// [`MAX_MATCHES`], each at `threshold` similarity or better.
pub fn find(
    quote: &str,
    recordings: &[(&Recording, &Transcript)],
    threshold: f64,
) -> Vec<QuoteMatch> {
    let quote_words = words(quote);
    let mut matches = Vec::new();
    for (recording, transcript) in recordings {
        let spoken = spoken(transcript);
        let said: Vec<String> = spoken.iter().map(|s| s.word.clone()).collect();
        for alignment in align(&quote_words, &said, threshold) {
            let stretch = &spoken[alignment.start..alignment.end];
            let (first, last) = (&stretch[0], &stretch[stretch.len() - 1]);
            let mut text: Vec<&str> = Vec::new();
            for (k, word) in stretch.iter().enumerate() {
                // a written word split into several (a hyphenated one) is shown once
                if k == 0 || !std::ptr::eq(word.written, stretch[k - 1].written) {
                    text.push(word.written);
                }
            }
            matches.push(QuoteMatch {
                recording: recording.name.clone(),
                sha256: recording.sha256.clone(),
                start_ms: first.start_ms,
                end_ms: last.end_ms.max(first.start_ms),
                speaker: first.speaker.map(str::to_string),
                text: text.join(" "),
                similarity: (alignment.similarity(quote_words.len()) * 1000.0).round() / 1000.0,
                exact: alignment.edits.is_empty(),
                diff: alignment.edits,
                citation: citation(
                    &recording.name,
                    recording.recording_date,
                    first.start_ms,
                    last.end_ms.max(first.start_ms),
                    first.speaker,
                    &recording.sha256,
                ),
            });
        }
    }
    matches.sort_by(|a, b| {
        b.similarity
            .total_cmp(&a.similarity)
            .then_with(|| a.recording.cmp(&b.recording))
            .then(a.start_ms.cmp(&b.start_ms))
    });
    matches.truncate(MAX_MATCHES);
    matches
}

/// The quotations of a draft: text between straight (`"`) or curly (`“ ”`) double quotes,
/// holding two words or more, in order. A quote mark left open runs to the end of its
/// paragraph (a blank line), as in a quotation that goes on into the next paragraph.
pub fn quotations(draft: &str) -> Vec<String> {
    let mut out = Vec::new();
    for paragraph in draft.split("\n\n") {
        let mut open: Option<usize> = None;
        for (at, c) in paragraph.char_indices() {
            match (open, c) {
                (None, '"' | '“') => open = Some(at + c.len_utf8()),
                (Some(start), '"' | '”') => {
                    push_quotation(&mut out, &paragraph[start..at]);
                    open = None;
                }
                // a second opening curly quote: the first was a typo; start again
                (Some(_), '“') => open = Some(at + c.len_utf8()),
                _ => {}
            }
        }
        if let Some(start) = open {
            push_quotation(&mut out, &paragraph[start..]);
        }
    }
    out
}

fn push_quotation(out: &mut Vec<String>, text: &str) {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if words(&text).len() >= 2 {
        out.push(text);
    }
}

/// The text of a Word document's body (`word/document.xml` of a .docx), a paragraph a line.
pub fn docx_text(bytes: &[u8]) -> Result<String, String> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("not a .docx (zip) file: {e}"))?;
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .map_err(|_| "not a Word document: it has no word/document.xml".to_string())?
        .read_to_string(&mut xml)
        .map_err(|e| format!("word/document.xml: {e}"))?;
    let mut text = String::new();
    let mut rest = xml.as_str();
    while let Some(open) = rest.find('<') {
        text.push_str(&unescape(&rest[..open]));
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let tag = &rest[open + 1..open + close];
        if tag == "/w:p" {
            text.push_str("\n\n");
        } else if tag.starts_with("w:tab") || tag.starts_with("w:br") {
            text.push(' ');
        }
        rest = &rest[open + close + 1..];
    }
    Ok(text)
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(text: &str) -> Vec<String> {
        words(text)
    }

    #[test]
    fn words_ignore_case_punctuation_and_apostrophes() {
        assert_eq!(
            w("Yes — you can’t see EVERYTHING, in China."),
            ["yes", "you", "cant", "see", "everything", "in", "china"]
        );
        assert_eq!(w("twenty-one"), ["21"]);
    }

    #[test]
    fn abbreviations_read_as_the_words_they_stand_for() {
        assert_eq!(
            w("Mr. Dashwood and Dr. Lee, OK?"),
            w("mister Dashwood & doctor Lee, okay?")
        );
        assert_eq!(w("Mrs. Lee"), ["missus", "lee"]);
        assert_eq!(w("R&D"), ["r", "and", "d"]);
        // only whole words: "Drive" and "Mrs" inside a word are left alone
        assert_eq!(w("Mrsa drive"), ["mrsa", "drive"]);
    }

    #[test]
    fn number_formatting_does_not_count() {
        assert_eq!(w("About twenty engineers"), w("about 20 engineers"));
        assert_eq!(w("two million records"), ["2", "million", "records"]);
        assert_eq!(w("November 15th, 2021"), ["november", "15", "2021"]);
        assert_eq!(w("three hundred and five"), ["300", "and", "5"]);
        assert_eq!(w("two hundred forty one thousand"), ["241000"]);
        // a year said in pairs stays two numbers, as it was said
        assert_eq!(w("twenty twenty"), ["20", "20"]);
        assert_eq!(w("We cannot"), w("we can't"));
        assert_eq!(w("40% of the records"), w("forty percent of the records"));
        assert_eq!(w("40%"), ["40", "percent"]);
        assert_eq!(
            w("the 4th floor, not forth"),
            ["the", "4", "floor", "not", "forth"]
        );
    }

    #[test]
    fn an_exact_quote_is_found_where_it_was_said() {
        let said = w("Good morning. Yes you can see everything in China, the admin said. Thanks.");
        let found = align(
            &w("you can see everything in China"),
            &said,
            DEFAULT_THRESHOLD,
        );
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].start, found[0].end), (3, 9));
        assert!(found[0].edits.is_empty());
    }

    #[test]
    fn changed_added_and_dropped_words_are_listed() {
        let said = w("the master admin in Beijing has access to everything");
        let found = align(
            &w("the master admin in Shanghai has full access to everything"),
            &said,
            DEFAULT_THRESHOLD,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].edits,
            [
                Edit::Changed {
                    quote: "shanghai".into(),
                    said: "beijing".into()
                },
                Edit::Added {
                    quote: "full".into()
                }
            ]
        );
        assert!((found[0].similarity(10) - 0.8).abs() < 1e-9);
        let dropped = align(
            &w("the admin in Beijing has access"),
            &said,
            DEFAULT_THRESHOLD,
        );
        assert_eq!(
            dropped[0].edits,
            [Edit::Dropped {
                said: "master".into()
            }]
        );
    }

    #[test]
    fn a_sentence_never_said_is_not_found_through_shared_words() {
        let said = w("We store the user data in Virginia. Engineers in China cannot access it.");
        assert!(align(
            &w("Engineers in Virginia can read every message"),
            &said,
            DEFAULT_THRESHOLD
        )
        .is_empty());
        assert!(align(&w("hello"), &[], DEFAULT_THRESHOLD).is_empty());
    }

    #[test]
    fn a_quote_said_twice_is_found_twice() {
        let said = w("you can see everything. Later: you can see everything in China.");
        let found = align(&w("you can see everything"), &said, DEFAULT_THRESHOLD);
        assert_eq!(found.len(), 2);
        assert!(found.iter().all(|f| f.edits.is_empty()));
        assert_eq!((found[0].start, found[1].start), (0, 5));
    }

    #[test]
    fn quotations_come_from_straight_and_curly_quotes() {
        let draft = "He said “you can see everything in China.” Staff called him the \
                     \"master admin\". A \"single\" word is not a quote.\n\n\
                     She wrote: \"this goes on\n\nNext paragraph.";
        assert_eq!(
            quotations(draft),
            [
                "you can see everything in China.",
                "master admin",
                "this goes on"
            ]
        );
    }

    #[test]
    fn citations_add_the_date_only_when_the_name_lacks_it() {
        let date = crate::model::parse_iso_date("2021-09-14");
        assert_eq!(
            citation(
                "2021-09-14 standup.wav",
                date,
                83_000,
                91_000,
                Some("Lead"),
                "3fa2c4d5e6f7a8"
            ),
            "2021-09-14 standup, 00:01:23-00:01:31, Lead, sha256:3fa2c4d5e6f7"
        );
        assert_eq!(
            citation("call.ogg", None, 0, 1_000, None, "ab"),
            "call (undated), 00:00:00-00:00:01, unknown speaker, sha256:ab"
        );
    }
}
