//! Dates mentioned in speech, found and resolved against the recording date.
//!
//! [`find_dates`] scans one sentence of Whisper output for absolute dates ("September 20, 2021",
//! "the twentieth of September, twenty twenty-one") and relative ones ("last week", "two weeks
//! ago", "on Friday"), and resolves each to a [`Resolved`] day, month, range or year. A mention
//! that cannot be resolved is kept with a note; nothing is guessed silently.
//!
//! Weekdays, months and month-days said without a year depend on tense. The tense of a mention
//! is that of the nearest cue word in its sentence (or, if its sentence has none, in the whole
//! text searched):
//! - future: `will`, `'ll`, `won't`, `shall`, `gonna`, `going to` (not after `was`/`were`),
//!   `plan(s/ning)`, `intend(s/ing)`, `need(s)`, `hope`, `expect(s)`, `scheduled`, `supposed`,
//!   `due`, `upcoming`, `soon`, `next`, `tomorrow`, `please`, `let's`;
//! - past: `was`, `were`, `did`, `had`, `been` (and their negations), `ago`, `yesterday`,
//!   `last`, `since`, `previously`, `earlier`, common irregular past forms (`saw`, `told`,
//!   `sent`, `spoke`, ...) and regular `-ed` forms except a few adjectives (`based`,
//!   `interested`, ...).
//!
//! `by <weekday>`, `next <weekday>` and `this coming <weekday>` are always future; `last <weekday>`
//! and `this past <weekday>` always past.

use std::fmt;
use std::sync::OnceLock;

use regex::{Captures, Regex, RegexSet};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::{Date, Duration, Month, Weekday};

/// Note: the mention is relative and no recording date was given.
const NOTE_NO_RECORDING_DATE: &str = "no recording date";
/// Note: a weekday in a sentence without tense cues, taken as the most recent past one.
const NOTE_WEEKDAY_WITHOUT_TENSE: &str = "weekday without tense";
/// Note: a month without year in a sentence without tense cues, taken as the most recent past one.
const NOTE_MONTH_WITHOUT_TENSE: &str = "month without year or tense";
/// Note: a day and month without year in a sentence without tense cues.
const NOTE_DATE_WITHOUT_TENSE: &str = "date without year or tense";
/// Note: the calendar has no such day ("September 31").
const NOTE_NO_SUCH_DATE: &str = "no such date";
/// Note: the weekday said does not fall on the date said.
const NOTE_WEEKDAY_MISMATCH: &str = "weekday does not match the date";
/// Note: "next weekend" may mean the coming one or the one after.
const NOTE_AMBIGUOUS_WEEKEND: &str = "ambiguous: the coming weekend or the one after";
/// Note: the count was hedged ("about two weeks ago", "in a month or so").
const NOTE_APPROXIMATE: &str = "approximate";
/// Note: the count is one of several ("two or three weeks ago"); left unresolved.
const NOTE_VAGUE_COUNT: &str = "vague count";
/// Note: the date falls outside the calendar `time` supports.
const NOTE_OUT_OF_RANGE: &str = "out of calendar range";

/// What a mention resolves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolved {
    /// One calendar day.
    Day(Date),
    /// A whole month.
    Month {
        /// The year.
        year: i32,
        /// The month.
        month: Month,
    },
    /// Consecutive days, both ends included (a Monday-Sunday week, a weekend).
    Range {
        /// The first day.
        first: Date,
        /// The last day.
        last: Date,
    },
    /// A whole year.
    Year(i32),
}

impl Resolved {
    /// The first day covered.
    pub fn first_day(&self) -> Date {
        match *self {
            Resolved::Day(day) => day,
            Resolved::Month { year, month } => calendar_date(year, month, 1),
            Resolved::Range { first, .. } => first,
            Resolved::Year(year) => calendar_date(year, Month::January, 1),
        }
    }

    /// The last day covered.
    pub fn last_day(&self) -> Date {
        match *self {
            Resolved::Day(day) => day,
            Resolved::Month { year, month } => calendar_date(year, month, month.length(year)),
            Resolved::Range { last, .. } => last,
            Resolved::Year(year) => calendar_date(year, Month::December, 31),
        }
    }

    /// Reads what [`Display`](fmt::Display) writes: `2021-09-20`, `2021-09`,
    /// `2021-09-06/2021-09-12` or `2021`.
    pub fn parse(s: &str) -> Option<Resolved> {
        if !s.is_ascii() {
            return None;
        }
        if let Some((first, last)) = s.split_once('/') {
            let (first, last) = (parse_iso_day(first)?, parse_iso_day(last)?);
            return (first <= last).then_some(Resolved::Range { first, last });
        }
        match s.len() {
            10 => parse_iso_day(s).map(Resolved::Day),
            7 if s.as_bytes()[4] == b'-' => {
                let year = digits(&s[..4])?;
                let month = month_number(digits(&s[5..])?)?;
                Date::from_calendar_date(year, month, 1).ok()?;
                Some(Resolved::Month { year, month })
            }
            4 => {
                let year = digits(s)?;
                Date::from_calendar_date(year, Month::January, 1).ok()?;
                Some(Resolved::Year(year))
            }
            _ => None,
        }
    }
}

impl fmt::Display for Resolved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn day(f: &mut fmt::Formatter<'_>, date: Date) -> fmt::Result {
            let (year, month, day) = (date.year(), u8::from(date.month()), date.day());
            write!(f, "{year:04}-{month:02}-{day:02}")
        }
        match *self {
            Resolved::Day(date) => day(f, date),
            Resolved::Month { year, month } => write!(f, "{year:04}-{:02}", u8::from(month)),
            Resolved::Range { first, last } => {
                day(f, first)?;
                f.write_str("/")?;
                day(f, last)
            }
            Resolved::Year(year) => write!(f, "{year:04}"),
        }
    }
}

impl Serialize for Resolved {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Resolved {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Resolved::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!("not a day, month, range or year: {s:?}"))
        })
    }
}

/// One date mentioned in a sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateMention {
    /// The words as spoken/written, e.g. "last month", "September 20, 2021".
    pub text: String,
    /// Byte offset where `text` starts in the sentence searched.
    pub start: usize,
    /// Byte offset where `text` ends in the sentence searched.
    pub end: usize,
    /// The calendar date, day, month or range; None when it cannot be resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved: Option<Resolved>,
    /// Why it is unresolved or uncertain (one of the `NOTE_*` constants); None when resolved
    /// plainly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Every date mention in `text`, in order, non-overlapping (longest match wins), resolved
/// against `recording_date` when given.
pub fn find_dates(text: &str, recording_date: Option<Date>) -> Vec<DateMention> {
    if !prefilter().is_match(text) {
        return Vec::new();
    }
    let mut found = Vec::new();
    let patterns = patterns();
    for index in patterns.set.matches(text).iter() {
        let (regex, build) = &patterns.each[index];
        let mut at = 0;
        while let Some(caps) = regex.captures_at(text, at) {
            let Some(whole) = caps.get(0) else { break };
            match build(text, &caps) {
                Some(spec) => {
                    found.push(Candidate {
                        start: whole.start(),
                        end: whole.end(),
                        spec,
                    });
                    at = whole.end();
                }
                // Rejected in context: a shorter match inside this one may still stand. Every
                // match starts with an ASCII letter or digit, so start + 1 is a char boundary.
                None => at = whole.start() + 1,
            }
            if at >= text.len() {
                break;
            }
        }
    }
    let chosen = longest_first(found);
    let spans: Vec<(usize, usize)> = chosen.iter().map(|c| (c.start, c.end)).collect();
    let mut cues: Option<Cues> = None;
    chosen
        .into_iter()
        .filter_map(|candidate| {
            let mut tense = || {
                cues.get_or_insert_with(|| Cues::new(text, &spans))
                    .tense_at(candidate.start, candidate.end)
            };
            let (resolved, note) = resolve(candidate.spec, recording_date, &mut tense)?;
            Some(DateMention {
                text: text[candidate.start..candidate.end].to_string(),
                start: candidate.start,
                end: candidate.end,
                resolved,
                note: note.map(str::to_string),
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// What a match means, before the recording date and tense are applied.

/// A match, read but not yet resolved.
#[derive(Debug, Clone, Copy)]
enum Spec {
    /// A calendar day; `year` is None when not said.
    Day {
        year: Option<i32>,
        month: Month,
        day: u8,
        weekday: Option<Weekday>,
    },
    /// A month; `year` is None when not said.
    Month {
        year: Option<i32>,
        month: Month,
        anchor: Anchor,
    },
    /// A year said outright.
    Year(i32),
    /// A weekday ("on Friday", "next Tuesday").
    Weekday { weekday: Weekday, anchor: Anchor },
    /// Days from the recording date: today 0, tomorrow 1, yesterday -1.
    DayOffset(i64),
    /// Units from the recording's own day, week, month or year: "last week" is (Week, -1).
    /// `future_only` drops the match in a past-tense sentence ("we built it in two weeks").
    Shift {
        unit: Unit,
        by: i64,
        future_only: bool,
        hedge: Hedge,
    },
    /// Weekends from the recording's week: -1 last, 0 this, 1 next.
    Weekend(i64),
}

/// Which occurrence of a weekday or month is meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Anchor {
    /// Decided by the sentence's tense.
    Tense,
    /// The most recent one strictly before the recording's day (or month).
    Last,
    /// The first one strictly after the recording's day (or month).
    Next,
    /// The one in the recording's week (or year).
    This,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Day,
    Week,
    Month,
    Year,
}

/// How sure the speaker was of a count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hedge {
    Exact,
    /// "about two weeks ago": resolved, with a note.
    About,
    /// "two or three weeks ago": not resolved.
    Either,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tense {
    Past,
    Future,
    Unknown,
}

#[derive(Debug)]
struct Candidate {
    start: usize,
    end: usize,
    spec: Spec,
}

/// Keeps the longest candidates that do not overlap, in text order.
fn longest_first(mut found: Vec<Candidate>) -> Vec<Candidate> {
    found.sort_by_key(|c| (std::cmp::Reverse(c.end - c.start), c.start));
    let mut chosen: Vec<Candidate> = Vec::with_capacity(found.len());
    for candidate in found {
        if chosen
            .iter()
            .all(|c| candidate.end <= c.start || c.end <= candidate.start)
        {
            chosen.push(candidate);
        }
    }
    chosen.sort_by_key(|c| c.start);
    chosen
}

// ---------------------------------------------------------------------------------------------
// Patterns.

/// Reads a match in its context; None rejects it.
type Build = fn(&str, &Captures<'_>) -> Option<Spec>;

const MONTH: &str = r"(?P<month>(?:january|february|march|april|may|june|july|august|september|october|november|december)\b|(?:sept|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)(?:\.|\b))";
const MONTH_NAME: &str = r"(?P<month>january|february|march|april|may|june|july|august|september|october|november|december)\b";
const WEEKDAY: &str = r"(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b";
const RELATIVE_DAY: &str = r"\b(?P<asof>as\s+of\s+)?(?P<word>the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|today|tonight|tomorrow|yesterday|this\s+(?:morning|afternoon|evening)|last\s+night)\b";
const UNITS: [&str; 9] = [
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
];
#[rustfmt::skip]
const TEENS: [&str; 10] = [
    "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen",
];
const TENS: [&str; 8] = [
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];
#[rustfmt::skip]
const ORDINALS: [&str; 19] = [
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
    "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
    "eighteenth", "nineteenth",
];

/// Words before a bare month that make it a month: "since May", "until June".
#[rustfmt::skip]
const MONTH_CUES: &[&str] = &[
    "since", "until", "till", "during", "throughout", "early", "late", "mid",
];
/// Weaker cues, enough only for months that are not also names or verbs: "for October".
#[rustfmt::skip]
const MONTH_CUES_WEAK: &[&str] = &[
    "for", "from", "of", "to", "through", "into", "by", "before", "after",
];
/// Words before a bare year that make it a year: "in 2021", "since 2019".
#[rustfmt::skip]
const YEAR_CUES: &[&str] = &[
    "in", "since", "during", "until", "till", "throughout", "early", "late", "mid", "year",
    "spring", "summer", "autumn", "winter",
];
/// "the end of ...": a month or year after "of" counts after these.
#[rustfmt::skip]
const PERIOD_NOUNS: &[&str] = &[
    "end", "beginning", "start", "middle", "rest", "half", "month", "year", "spring", "summer",
    "autumn", "fall", "winter",
];
/// Words ending in "s" that are not plural nouns, after a year: "in 2021 this team ...".
#[rustfmt::skip]
const NOT_PLURAL: &[&str] = &[
    "this", "thus", "always", "perhaps", "across", "unless", "sometimes", "was", "has", "its",
    "his", "hers", "ours", "yours", "theirs",
];

/// The patterns, each with the function that reads its matches, and a set of them all to learn
/// in one pass which can match at all.
struct Patterns {
    set: RegexSet,
    each: Vec<(Regex, Build)>,
}

/// The patterns, compiled once. All are ASCII case-insensitive; a match's words keep their
/// case in the mention.
fn patterns() -> &'static Patterns {
    static PATTERNS: OnceLock<Patterns> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        let sep = r"(?:\s+|-)";
        let units = UNITS.join("|");
        let teens = TEENS.join("|");
        let tens = TENS.join("|");
        let ordinals = format!("{}|twentieth|thirtieth", ORDINALS.join("|"));
        let spelled_day = format!(
            "(?:twenty|thirty){sep}(?:{ordinals}|{units})|{ordinals}|{teens}|{units}|twenty|thirty"
        );
        let day = format!(
            r"(?P<day>(?:(?:3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)?|{spelled_day})\b)"
        );
        let two_digits = format!("(?:{tens})(?:{sep}(?:{units}))?|{teens}");
        let spelled_year = format!(
            r"(?:nineteen|twenty){sep}(?:oh{sep}(?:{units})|{two_digits})|two{sep}thousand(?:(?:\s+and)?\s+(?:{two_digits}|{units}))?"
        );
        let year = format!(r"(?P<year>(?:(?:19|20)[0-9]{{2}}|{spelled_year})\b)");
        let count = format!(r"(?P<count>[0-9]{{1,3}}|an?|{units}|{teens}|twenty)");
        let unit = r"(?P<unit>day|week|month|year)s?";
        let weekday_first = format!(r"(?:{WEEKDAY},?\s+)?");

        let table: [(String, Build); 14] = [
            // 2021-09-20
            (r"\b(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})".into(), iso_day),
            // [Monday,] September [the] 20th, 2021
            (
                format!(r"\b{weekday_first}{MONTH}\s+(?:the\s+)?{day},?\s+(?:of\s+)?{year}"),
                month_day_year,
            ),
            // [Monday,] [the] 20th [of] September, 2021
            (
                format!(r"\b{weekday_first}(?:the\s+)?{day}\s+(?P<of>of\s+)?{MONTH},?\s+{year}"),
                day_month_year,
            ),
            // Sept. [of] 2021
            (format!(r"\b{MONTH},?\s+(?:of\s+)?{year}"), month_year),
            // [Monday,] September 20th
            (format!(r"\b{weekday_first}{MONTH}\s+(?:the\s+)?{day}"), month_day),
            // [the] 20th [of] September
            (format!(r"\b{weekday_first}(?:the\s+)?{day}\s+(?P<of>of\s+)?{MONTH}"), day_month),
            // [in|last|next|this] September
            (format!(r"\b(?:(?P<modifier>in|last|next|this)\s+)?{MONTH_NAME}"), bare_month),
            // [on|by|next|last|this] Friday
            (
                format!(r"\b(?:(?P<modifier>on|by|next|last|this\s+coming|this\s+past|this)\s+)?{WEEKDAY}"),
                weekday,
            ),
            // [as of] today, the day before yesterday, this morning, last night
            (RELATIVE_DAY.into(), relative_day),
            // last|this|next week|weekend|month|year
            (r"\b(?P<modifier>last|this|next)\s+(?P<unit>weekend|week|month|year)\b".into(), relative_period),
            // two weeks ago; in two weeks; two weeks from now
            (format!(r"\b{count}\s+{unit}\s+ago\b"), ago),
            (format!(r"\bin\s+{count}\s+{unit}\b"), in_future),
            (format!(r"\b{count}\s+{unit}\s+from\s+now\b"), in_future),
            // (in|since|...) 2021
            (format!(r"\b{year}"), year_alone),
        ];
        let table = table.map(|(pattern, build)| (format!("(?i-u){pattern}"), build));
        Patterns {
            set: RegexSet::new(table.iter().map(|(pattern, _)| pattern)).expect("valid regex"),
            each: table
                .iter()
                .map(|(pattern, build)| (Regex::new(pattern).expect("valid regex"), *build))
                .collect(),
        }
    })
}

/// Cheap test: every pattern needs one of these substrings.
fn prefilter() -> &'static Regex {
    static PREFILTER: OnceLock<Regex> = OnceLock::new();
    PREFILTER.get_or_init(|| {
        Regex::new(
            r"(?i-u)jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|day|week|month|year|tonight|tomorrow|morning|afternoon|evening|night|twenty|nineteen|thousand|[0-9]{4}",
        )
        .expect("valid regex")
    })
}

fn iso_day(text: &str, caps: &Captures<'_>) -> Option<Spec> {
    // Ends at a non-word character, or at the "T" of "2021-09-20T10:00".
    let rest = &text.as_bytes()[caps.get(0)?.end()..];
    let time_follows = rest.first() == Some(&b'T') && rest.get(1).is_some_and(u8::is_ascii_digit);
    if rest
        .first()
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
        && !time_follows
    {
        return None;
    }
    let year = digits(&caps["y"])?;
    let month = month_number(digits(&caps["m"])?)?;
    let day = u8::try_from(digits(&caps["d"])?).ok()?;
    // A number shaped like a date but not one is an identifier, not a mention.
    Date::from_calendar_date(year, month, day).ok()?;
    Some(Spec::Day {
        year: Some(year),
        month,
        day,
        weekday: None,
    })
}

fn month_day_year(_: &str, caps: &Captures<'_>) -> Option<Spec> {
    Some(Spec::Day {
        year: Some(spelled_or_digit_year(&caps["year"])?),
        month: month_named(&caps["month"])?,
        day: day_number(&caps["day"])?,
        weekday: caps.name("weekday").and_then(|w| weekday_named(w.as_str())),
    })
}

fn day_month_year(_: &str, caps: &Captures<'_>) -> Option<Spec> {
    if caps.name("of").is_none() && is_spelled_cardinal(&caps["day"]) {
        return None;
    }
    month_day_year("", caps)
}

fn month_year(_: &str, caps: &Captures<'_>) -> Option<Spec> {
    Some(Spec::Month {
        year: Some(spelled_or_digit_year(&caps["year"])?),
        month: month_named(&caps["month"])?,
        anchor: Anchor::This,
    })
}

fn month_day(text: &str, caps: &Captures<'_>) -> Option<Spec> {
    let word = &caps["month"];
    let end = caps.get(0)?.end();
    // "May 5:30" is a time, "May 5.5" a number.
    let rest = &text.as_bytes()[end..];
    if rest.first() == Some(&b'%')
        || (matches!(rest.first(), Some(b':' | b'.'))
            && rest.get(1).is_some_and(u8::is_ascii_digit))
    {
        return None;
    }
    if !month_word_stands_alone(word) {
        return None;
    }
    Some(Spec::Day {
        year: None,
        month: month_named(word)?,
        day: day_number(&caps["day"])?,
        weekday: caps.name("weekday").and_then(|w| weekday_named(w.as_str())),
    })
}

fn day_month(text: &str, caps: &Captures<'_>) -> Option<Spec> {
    if is_spelled_cardinal(&caps["day"]) {
        return None;
    }
    month_day(text, caps)
}

fn bare_month(text: &str, caps: &Captures<'_>) -> Option<Spec> {
    let word = &caps["month"];
    if !month_word_stands_alone(word) {
        return None;
    }
    let month = month_named(word)?;
    // April, May, June and August are also names; March is also a verb.
    let name_like = matches!(
        month,
        Month::March | Month::April | Month::May | Month::June | Month::August
    );
    let end = caps.get(0)?.end();
    if name_like && (text[end..].starts_with("'s") || text[end..].starts_with("’s")) {
        return None;
    }
    let anchor = match caps
        .name("modifier")
        .map(|m| m.as_str().to_ascii_lowercase())
    {
        Some(m) if m == "last" => Anchor::Last,
        Some(m) if m == "next" => Anchor::Next,
        Some(m) if m == "this" => Anchor::This,
        Some(_) => Anchor::Tense,
        None => {
            let (before_start, before) = word_before(text, caps.get(0)?.start());
            let of_a_period = before == "of"
                && PERIOD_NOUNS.contains(&word_before(text, before_start).1.as_str());
            let cued = MONTH_CUES.contains(&before.as_str())
                || of_a_period
                || (!name_like && MONTH_CUES_WEAK.contains(&before.as_str()));
            if !cued {
                return None;
            }
            Anchor::Tense
        }
    };
    Some(Spec::Month {
        year: None,
        month,
        anchor,
    })
}

fn weekday(_: &str, caps: &Captures<'_>) -> Option<Spec> {
    let modifier = caps
        .name("modifier")
        .map(|m| m.as_str().to_ascii_lowercase());
    let anchor = match modifier
        .as_deref()
        .map(|m| m.split_whitespace().collect::<Vec<_>>())
    {
        None => Anchor::Tense,
        Some(words) => match words.as_slice() {
            ["on"] => Anchor::Tense,
            ["by"] | ["next"] | ["this", "coming"] => Anchor::Next,
            ["last"] | ["this", "past"] => Anchor::Last,
            _ => Anchor::This,
        },
    };
    Some(Spec::Weekday {
        weekday: weekday_named(&caps["weekday"])?,
        anchor,
    })
}

fn relative_day(_: &str, caps: &Captures<'_>) -> Option<Spec> {
    let word = words_lowercase(&caps["word"]);
    let offset = match word.as_str() {
        "the day before yesterday" => -2,
        "yesterday" | "last night" => -1,
        "tomorrow" => 1,
        "the day after tomorrow" => 2,
        _ => 0,
    };
    Some(Spec::DayOffset(offset))
}

fn relative_period(text: &str, caps: &Captures<'_>) -> Option<Spec> {
    // "in the last week" is the last seven days, not the previous calendar week.
    if word_before(text, caps.get(0)?.start()).1 == "the" {
        return None;
    }
    let by = match caps["modifier"].to_ascii_lowercase().as_str() {
        "last" => -1,
        "next" => 1,
        _ => 0,
    };
    let unit = caps["unit"].to_ascii_lowercase();
    if unit == "weekend" {
        return Some(Spec::Weekend(by));
    }
    Some(Spec::Shift {
        unit: unit_named(&unit)?,
        by,
        future_only: false,
        hedge: Hedge::Exact,
    })
}

fn ago(text: &str, caps: &Captures<'_>) -> Option<Spec> {
    Some(Spec::Shift {
        unit: unit_named(&caps["unit"])?,
        by: -count_number(&caps["count"])?,
        future_only: false,
        hedge: hedge_around(text, caps.get(0)?.start(), caps.get(0)?.end()),
    })
}

/// "in two weeks", "two weeks from now".
fn in_future(text: &str, caps: &Captures<'_>) -> Option<Spec> {
    Some(Spec::Shift {
        unit: unit_named(&caps["unit"])?,
        by: count_number(&caps["count"])?,
        future_only: true,
        hedge: hedge_around(text, caps.get(0)?.start(), caps.get(0)?.end()),
    })
}

/// A year on its own counts only after a word that makes it a time ("in 2021", "since 2019",
/// "the end of 2021") and not before a plural noun ("in 2000 cases").
fn year_alone(text: &str, caps: &Captures<'_>) -> Option<Spec> {
    let whole = caps.get(0)?;
    let (before_start, before) = word_before(text, whole.start());
    let cued = YEAR_CUES.contains(&before.as_str())
        || (before == "of" && PERIOD_NOUNS.contains(&word_before(text, before_start).1.as_str()));
    if !cued {
        return None;
    }
    let rest = &text[whole.end()..];
    let spelled = !whole.as_str().starts_with(|c: char| c.is_ascii_digit());
    let next_word = rest
        .trim_start()
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or("");
    let next_word = next_word.to_ascii_lowercase();
    let noun_follows = next_word.len() > 3
        && next_word.ends_with('s')
        && !next_word.ends_with("ss")
        && !NOT_PLURAL.contains(&next_word.as_str());
    let word_follows = rest.trim_start().starts_with(|c: char| c.is_alphanumeric());
    if rest.starts_with(['%', '$']) || noun_follows || (spelled && word_follows) {
        return None;
    }
    Some(Spec::Year(spelled_or_digit_year(whole.as_str())?))
}

// ---------------------------------------------------------------------------------------------
// Reading words.

/// A month's name or abbreviation ("Sept.") to its month.
fn month_named(word: &str) -> Option<Month> {
    let prefix = word.get(..3)?.to_ascii_lowercase();
    let month = match prefix.as_str() {
        "jan" => Month::January,
        "feb" => Month::February,
        "mar" => Month::March,
        "apr" => Month::April,
        "may" => Month::May,
        "jun" => Month::June,
        "jul" => Month::July,
        "aug" => Month::August,
        "sep" => Month::September,
        "oct" => Month::October,
        "nov" => Month::November,
        "dec" => Month::December,
        _ => return None,
    };
    Some(month)
}

/// Without a year after it, "may", "march" and abbreviations ("mar", "jan") are too often
/// something else; they count only capitalised.
fn month_word_stands_alone(word: &str) -> bool {
    let lower = word.trim_end_matches('.').to_ascii_lowercase();
    let doubtful = lower == "may"
        || lower == "march"
        || (lower.len() <= 4 && lower != "june" && lower != "july");
    !doubtful || word.starts_with(|c: char| c.is_ascii_uppercase())
}

fn weekday_named(word: &str) -> Option<Weekday> {
    let weekday = match word.get(..3)?.to_ascii_lowercase().as_str() {
        "mon" => Weekday::Monday,
        "tue" => Weekday::Tuesday,
        "wed" => Weekday::Wednesday,
        "thu" => Weekday::Thursday,
        "fri" => Weekday::Friday,
        "sat" => Weekday::Saturday,
        "sun" => Weekday::Sunday,
        _ => return None,
    };
    Some(weekday)
}

fn unit_named(word: &str) -> Option<Unit> {
    let unit = match word.get(..3)?.to_ascii_lowercase().as_str() {
        "day" => Unit::Day,
        "wee" => Unit::Week,
        "mon" => Unit::Month,
        "yea" => Unit::Year,
        _ => return None,
    };
    Some(unit)
}

/// Lowercase words of a match, single-spaced, hyphens as spaces: "Twenty-First" -> "twenty first".
fn words_lowercase(s: &str) -> String {
    s.to_ascii_lowercase()
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The value of one number word: "seven" 7, "twenty" 20, "third" 3, "twentieth" 20.
fn word_value(word: &str) -> Option<u32> {
    let at = |list: &[&str]| list.iter().position(|w| *w == word).map(|i| i as u32);
    at(&UNITS)
        .map(|i| i + 1)
        .or_else(|| at(&TEENS).map(|i| i + 10))
        .or_else(|| at(&TENS).map(|i| (i + 2) * 10))
        .or_else(|| at(&ORDINALS).map(|i| i + 1))
        .or(match word {
            "twentieth" => Some(20),
            "thirtieth" => Some(30),
            _ => None,
        })
}

/// The sum of number words: "twenty first" 21, "forty two" 42.
fn words_value(words: &[&str]) -> Option<u32> {
    match words {
        [one] => word_value(one),
        [tens, unit] => {
            let (tens, unit) = (word_value(tens)?, word_value(unit)?);
            (tens >= 20 && tens % 10 == 0 && unit < 10).then_some(tens + unit)
        }
        _ => None,
    }
}

/// "20", "20th", "twentieth", "twenty" -> 20; None outside 1..=31.
fn day_number(s: &str) -> Option<u8> {
    let value = if s.as_bytes().first()?.is_ascii_digit() {
        s.trim_end_matches(|c: char| c.is_ascii_alphabetic())
            .parse()
            .ok()?
    } else {
        let words = words_lowercase(s);
        words_value(&words.split(' ').collect::<Vec<_>>())?
    };
    u8::try_from(value).ok().filter(|d| (1..=31).contains(d))
}

/// "twenty" or "twenty-one", as opposed to "21", "21st" or "twenty-first".
fn is_spelled_cardinal(s: &str) -> bool {
    let words = words_lowercase(s);
    let last = words.rsplit(' ').next().unwrap_or("");
    !s.starts_with(|c: char| c.is_ascii_digit())
        && !ORDINALS.contains(&last)
        && last != "twentieth"
        && last != "thirtieth"
}

/// "2021", "twenty twenty-one", "two thousand and twenty-one", "nineteen oh five".
fn spelled_or_digit_year(s: &str) -> Option<i32> {
    let year = if s.as_bytes().first()?.is_ascii_digit() {
        s.parse().ok()?
    } else {
        let words = words_lowercase(s);
        let words: Vec<&str> = words.split(' ').filter(|w| *w != "and").collect();
        match words.as_slice() {
            ["two", "thousand"] => 2000,
            ["two", "thousand", rest @ ..] => 2000 + words_value(rest)?,
            [century, "oh", unit] => word_value(century)? * 100 + word_value(unit)?.min(9),
            [century, rest @ ..] => word_value(century)? * 100 + words_value(rest)?,
            _ => return None,
        }
    };
    i32::try_from(year)
        .ok()
        .filter(|y| (1900..=2099).contains(y))
}

/// "3", "a", "three" -> 3.
fn count_number(s: &str) -> Option<i64> {
    let lower = s.to_ascii_lowercase();
    match lower.as_str() {
        "a" | "an" => Some(1),
        _ if lower.as_bytes().first()?.is_ascii_digit() => lower.parse().ok(),
        _ => word_value(&lower).map(i64::from),
    }
}

/// "about two weeks ago" is approximate; "two or three weeks ago", "in a month or two" vague.
fn hedge_around(text: &str, start: usize, end: usize) -> Hedge {
    let before = word_before(text, start).1;
    let after = text[end..].trim_start().to_ascii_lowercase();
    if before == "or" || before == "to" || after.starts_with("or ") || after.starts_with("to ") {
        if after.starts_with("or so") {
            return Hedge::About;
        }
        return Hedge::Either;
    }
    let about = [
        "about",
        "around",
        "roughly",
        "approximately",
        "almost",
        "nearly",
        "some",
        "maybe",
        "like",
        "over",
        "under",
    ];
    if about.contains(&before.as_str()) {
        Hedge::About
    } else {
        Hedge::Exact
    }
}

/// The ASCII word just before `pos` (across spaces and a hyphen), lowercased, with its start.
/// Empty when another character stands between.
fn word_before(text: &str, pos: usize) -> (usize, String) {
    let bytes = text.as_bytes();
    let mut end = pos;
    while end > 0 && (bytes[end - 1].is_ascii_whitespace() || bytes[end - 1] == b'-') {
        end -= 1;
    }
    let mut start = end;
    while start > 0 && bytes[start - 1].is_ascii_alphabetic() {
        start -= 1;
    }
    (start, text[start..end].to_ascii_lowercase())
}

/// All ASCII digits, at least one.
fn digits(s: &str) -> Option<i32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn month_number(n: i32) -> Option<Month> {
    Month::try_from(u8::try_from(n).ok()?).ok()
}

fn parse_iso_day(s: &str) -> Option<Date> {
    if s.len() != 10 || !s.is_ascii() || s.as_bytes()[4] != b'-' || s.as_bytes()[7] != b'-' {
        return None;
    }
    let month = month_number(digits(&s[5..7])?)?;
    let day = u8::try_from(digits(&s[8..])?).ok()?;
    Date::from_calendar_date(digits(&s[..4])?, month, day).ok()
}

/// A date the caller knows to be valid, clamped to the calendar's ends otherwise.
fn calendar_date(year: i32, month: Month, day: u8) -> Date {
    Date::from_calendar_date(year, month, day).unwrap_or(if year < 0 {
        Date::MIN
    } else {
        Date::MAX
    })
}

// ---------------------------------------------------------------------------------------------
// Tense.

/// Tense cue words of a text and where its sentences end.
struct Cues {
    /// (start, end, tense) of each cue word.
    words: Vec<(usize, usize, Tense)>,
    /// Byte offsets of sentence-ending punctuation outside mentions.
    stops: Vec<usize>,
}

#[rustfmt::skip]
const FUTURE_CUES: &[&str] = &[
    "will", "won't", "shall", "gonna", "plan", "plans", "planning", "intend", "intends",
    "intending", "need", "needs", "hope", "expect", "expects", "scheduled", "supposed", "due",
    "upcoming", "soon", "next", "tomorrow", "please", "let's",
];
#[rustfmt::skip]
const PAST_CUES: &[&str] = &[
    "was", "were", "wasn't", "weren't", "did", "didn't", "had", "hadn't", "been", "ago",
    "yesterday", "last", "since", "previously", "earlier", "saw", "seen", "said", "told", "sent",
    "spoke", "spoken", "went", "gone", "came", "got", "gotten", "made", "took", "taken", "gave",
    "found", "knew", "thought", "met", "wrote", "written", "heard", "left", "began", "begun",
    "bought", "brought", "felt", "kept", "lost", "paid", "ran", "sold", "stood", "understood",
    "won", "forgot", "forgotten", "chose", "chosen", "drove", "driven", "ate", "eaten", "fell",
    "fallen", "flew", "flown", "grew", "grown", "held", "meant", "spent", "stole", "stolen",
    "taught", "threw", "thrown", "woke", "wore", "worn", "built", "caught", "fought", "became",
    "broke", "broken", "drew", "drawn", "froze", "frozen", "hid", "hidden", "sang", "sat", "slept",
    "swam", "tore", "torn", "shook", "sought", "led", "fled", "dealt", "lent", "struck", "sank",
    "rang", "rode", "swore", "wept", "withdrew",
];
/// Words ending in "-ed" that are not past forms, or are mostly adjectives.
#[rustfmt::skip]
const NOT_PAST: &[&str] = &[
    "shed", "sled", "bred", "shred", "embed", "hundred", "sacred", "naked", "wicked", "kindred",
    "rugged", "ragged", "based", "limited", "interested", "concerned", "related", "required",
    "expected", "planned", "detailed", "dedicated", "advanced", "tired", "excited", "worried",
    "biased", "beloved", "learned", "aged",
];

impl Cues {
    fn new(text: &str, mentions: &[(usize, usize)]) -> Cues {
        static WORD: OnceLock<Regex> = OnceLock::new();
        let word =
            WORD.get_or_init(|| Regex::new(r"[A-Za-z]+(?:['’][A-Za-z]+)*").expect("valid regex"));
        let bytes = text.as_bytes();
        let inside = |p: usize| mentions.iter().any(|&(s, e)| s <= p && p < e);
        let stops = (0..bytes.len())
            .filter(|&i| {
                matches!(bytes[i], b'.' | b'!' | b'?' | b';')
                    && bytes.get(i + 1).is_none_or(u8::is_ascii_whitespace)
                    && !inside(i)
            })
            .collect();
        let tokens: Vec<(usize, usize, String)> = word
            .find_iter(text)
            .map(|m| {
                (
                    m.start(),
                    m.end(),
                    m.as_str().to_ascii_lowercase().replace('’', "'"),
                )
            })
            .collect();
        let words = tokens
            .iter()
            .enumerate()
            .filter_map(|(i, (start, end, w))| {
                let previous = i.checked_sub(1).map(|i| tokens[i].2.as_str());
                let next = tokens.get(i + 1).map(|t| t.2.as_str());
                cue(previous, w, next).map(|tense| (*start, *end, tense))
            })
            .collect();
        Cues { words, stops }
    }

    /// The tense of the nearest cue outside the mention: in its sentence, else anywhere.
    fn tense_at(&self, start: usize, end: usize) -> Tense {
        let from = self
            .stops
            .iter()
            .rev()
            .find(|&&p| p < start)
            .map_or(0, |p| p + 1);
        let to = self
            .stops
            .iter()
            .find(|&&p| p >= end)
            .copied()
            .unwrap_or(usize::MAX);
        self.nearest(start, end, from, to)
            .or_else(|| self.nearest(start, end, 0, usize::MAX))
            .unwrap_or(Tense::Unknown)
    }

    fn nearest(&self, start: usize, end: usize, from: usize, to: usize) -> Option<Tense> {
        self.words
            .iter()
            .filter(|&&(s, e, _)| (e <= start || s >= end) && s >= from && e <= to)
            .min_by_key(|&&(s, e, _)| if e <= start { start - e } else { s - end })
            .map(|&(_, _, tense)| tense)
    }
}

/// The tense a lowercase word signals, if any, given its neighbours.
fn cue(previous: Option<&str>, word: &str, next: Option<&str>) -> Option<Tense> {
    if word == "going" && next == Some("to") {
        // "we were going to", "I was going to": a past plan.
        let past = matches!(previous, Some("was" | "were" | "wasn't" | "weren't"));
        return Some(if past { Tense::Past } else { Tense::Future });
    }
    if FUTURE_CUES.contains(&word) || word.ends_with("'ll") {
        return Some(Tense::Future);
    }
    let regular_past = word.len() >= 4
        && word.ends_with("ed")
        && (!word.ends_with("eed")
            || matches!(word, "agreed" | "disagreed" | "freed" | "guaranteed"))
        && !NOT_PAST.contains(&word);
    (PAST_CUES.contains(&word) || regular_past).then_some(Tense::Past)
}

// ---------------------------------------------------------------------------------------------
// Resolution.

type Outcome = (Option<Resolved>, Option<&'static str>);

/// Resolves a match; None drops it (a duration in a past-tense sentence).
fn resolve(
    spec: Spec,
    recording: Option<Date>,
    tense: &mut impl FnMut() -> Tense,
) -> Option<Outcome> {
    let today = match spec {
        Spec::Day {
            year: Some(year),
            month,
            day,
            weekday,
        } => {
            return Some(match Date::from_calendar_date(year, month, day) {
                Ok(date) => (Some(Resolved::Day(date)), weekday_check(date, weekday)),
                Err(_) => (None, Some(NOTE_NO_SUCH_DATE)),
            });
        }
        Spec::Month {
            year: Some(year),
            month,
            ..
        } => {
            return Some((Some(Resolved::Month { year, month }), None));
        }
        Spec::Year(year) => return Some((Some(Resolved::Year(year)), None)),
        Spec::Weekend(1) => return Some((None, Some(NOTE_AMBIGUOUS_WEEKEND))),
        Spec::Shift {
            future_only: true, ..
        } if tense() == Tense::Past => return None,
        _ => match recording {
            Some(today) => today,
            None => return Some((None, Some(NOTE_NO_RECORDING_DATE))),
        },
    };
    let (resolved, note) = match spec {
        Spec::Day {
            month,
            day,
            weekday,
            ..
        } => yearless_day(today, month, day, weekday, tense),
        Spec::Month { month, anchor, .. } => yearless_month(today, month, anchor, tense),
        Spec::Weekday { weekday, anchor } => weekday_near(today, weekday, anchor, tense),
        Spec::DayOffset(days) => (add_days(today, days).map(Resolved::Day), None),
        Spec::Shift {
            hedge: Hedge::Either,
            ..
        } => return Some((None, Some(NOTE_VAGUE_COUNT))),
        Spec::Shift {
            unit, by, hedge, ..
        } => (
            shift(today, unit, by),
            (hedge == Hedge::About).then_some(NOTE_APPROXIMATE),
        ),
        Spec::Weekend(weeks) => {
            let saturday = add_days(monday_of(today), weeks * 7 + 5);
            let range = saturday.and_then(|first| {
                Some(Resolved::Range {
                    first,
                    last: add_days(first, 1)?,
                })
            });
            (range, None)
        }
        // Said outright: resolved above.
        Spec::Year(_) => (None, None),
    };
    match (resolved, note) {
        (None, None) => Some((None, Some(NOTE_OUT_OF_RANGE))),
        outcome => Some(outcome),
    }
}

fn weekday_check(date: Date, weekday: Option<Weekday>) -> Option<&'static str> {
    weekday
        .filter(|w| *w != date.weekday())
        .map(|_| NOTE_WEEKDAY_MISMATCH)
}

/// "October 1st": on or after the recording date if future, on or before it if past; in a
/// tenseless sentence, this year's if in the recording's month, else the past one (noted). A
/// weekday said with it ("Monday, November 1") picks between the past and the coming one.
fn yearless_day(
    today: Date,
    month: Month,
    day: u8,
    weekday: Option<Weekday>,
    tense: &mut impl FnMut() -> Tense,
) -> Outcome {
    // 2000 is a leap year: this rejects only days no year has.
    if Date::from_calendar_date(2000, month, day).is_err() {
        return (None, Some(NOTE_NO_SUCH_DATE));
    }
    let in_year = |offset: i32| Date::from_calendar_date(today.year() + offset, month, day).ok();
    let after = (0..=8).filter_map(in_year).find(|d| *d >= today);
    let before = (0..=8).filter_map(|k| in_year(-k)).find(|d| *d <= today);
    if let Some(weekday) = weekday {
        let fits = |date: Option<Date>| date.filter(|d| d.weekday() == weekday);
        match (fits(before), fits(after)) {
            (Some(date), None) | (None, Some(date)) => return (Some(Resolved::Day(date)), None),
            (Some(past), Some(coming)) if past == coming => {
                return (Some(Resolved::Day(past)), None)
            }
            _ => {}
        }
    }
    let (date, note) = match tense() {
        Tense::Future => (after, None),
        Tense::Past => (before, None),
        Tense::Unknown if month == today.month() => (in_year(0), Some(NOTE_DATE_WITHOUT_TENSE)),
        Tense::Unknown => (before, Some(NOTE_DATE_WITHOUT_TENSE)),
    };
    let note = date.and_then(|d| weekday_check(d, weekday)).or(note);
    (date.map(Resolved::Day), note)
}

fn yearless_month(
    today: Date,
    month: Month,
    anchor: Anchor,
    tense: &mut impl FnMut() -> Tense,
) -> Outcome {
    let (now, wanted, year) = (u8::from(today.month()), u8::from(month), today.year());
    let last = if wanted < now { year } else { year - 1 };
    let next = if wanted > now { year } else { year + 1 };
    let (year, note) = match anchor {
        Anchor::This => (year, None),
        Anchor::Last => (last, None),
        Anchor::Next => (next, None),
        Anchor::Tense if wanted == now => (year, None),
        Anchor::Tense => match tense() {
            Tense::Future => (next, None),
            Tense::Past => (last, None),
            Tense::Unknown => (last, Some(NOTE_MONTH_WITHOUT_TENSE)),
        },
    };
    (Some(Resolved::Month { year, month }), note)
}

fn weekday_near(
    today: Date,
    weekday: Weekday,
    anchor: Anchor,
    tense: &mut impl FnMut() -> Tense,
) -> Outcome {
    let (from_monday, wanted) = (
        i64::from(today.weekday().number_days_from_monday()),
        i64::from(weekday.number_days_from_monday()),
    );
    let ahead = match (wanted - from_monday).rem_euclid(7) {
        0 => 7,
        days => days,
    };
    let behind = match (from_monday - wanted).rem_euclid(7) {
        0 => 7,
        days => days,
    };
    let (days, note) = match anchor {
        Anchor::Next => (ahead, None),
        Anchor::Last => (-behind, None),
        Anchor::This => (wanted - from_monday, None),
        Anchor::Tense => match tense() {
            Tense::Future => (ahead, None),
            Tense::Past => (-behind, None),
            Tense::Unknown => (-behind, Some(NOTE_WEEKDAY_WITHOUT_TENSE)),
        },
    };
    (add_days(today, days).map(Resolved::Day), note)
}

/// The day, Monday-Sunday week, month or year `by` units from the recording's.
fn shift(today: Date, unit: Unit, by: i64) -> Option<Resolved> {
    match unit {
        Unit::Day => add_days(today, by).map(Resolved::Day),
        Unit::Week => {
            let first = add_days(monday_of(today), by.checked_mul(7)?)?;
            Some(Resolved::Range {
                first,
                last: add_days(first, 6)?,
            })
        }
        Unit::Month => {
            let index = i64::from(today.year()) * 12 + i64::from(u8::from(today.month())) - 1 + by;
            let year = i32::try_from(index.div_euclid(12)).ok()?;
            let month = month_number(i32::try_from(index.rem_euclid(12) + 1).ok()?)?;
            Date::from_calendar_date(year, month, 1).ok()?;
            Some(Resolved::Month { year, month })
        }
        Unit::Year => {
            let year = i32::try_from(i64::from(today.year()) + by).ok()?;
            Date::from_calendar_date(year, Month::January, 1).ok()?;
            Some(Resolved::Year(year))
        }
    }
}

fn add_days(date: Date, days: i64) -> Option<Date> {
    date.checked_add(Duration::days(days))
}

fn monday_of(date: Date) -> Date {
    let back = i64::from(date.weekday().number_days_from_monday());
    add_days(date, -back).unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    /// (text, resolved) of every mention found.
    fn found(text: &str, recording: Option<Date>) -> Vec<(String, String)> {
        find_dates(text, recording)
            .into_iter()
            .map(|m| {
                assert_eq!(&text[m.start..m.end], m.text, "offsets of {:?}", m.text);
                (
                    m.text,
                    m.resolved.map_or_else(String::new, |r| r.to_string()),
                )
            })
            .collect()
    }

    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected
            .iter()
            .map(|(t, r)| (t.to_string(), r.to_string()))
            .collect()
    }

    /// (recording date, sentence, expected (mention, resolved) pairs).
    type Case<'a> = (Date, &'a str, &'a [(&'a str, &'a str)]);

    #[test]
    fn ground_truth_examples() {
        #[rustfmt::skip]
        let cases: &[Case] = &[
            (date!(2021-09-14), "This is the access report from last month.", &[("last month", "2021-08")]),
            (date!(2021-09-14), "Yesterday I could still query the customer tables.", &[("Yesterday", "2021-09-13")]),
            (date!(2021-09-14), "That is not what we told the auditors on Friday.", &[("on Friday", "2021-09-10")]),
            (date!(2021-09-14), "Please send me the logs from last week.", &[("last week", "2021-09-06/2021-09-12")]),
            (date!(2021-09-14), "Two weeks ago, the team in Shanghai could still see the full export.", &[("Two weeks ago", "2021-08-30/2021-09-05")]),
            (date!(2021-09-14), "I'd like to see the Great Wall when I visit China next month.", &[("next month", "2021-10")]),
            (date!(2021-09-14), "We will review this again next Tuesday.", &[("next Tuesday", "2021-09-21")]),
            (date!(2021-09-14), "The policy review is on September 20, 2021.", &[("September 20, 2021", "2021-09-20")]),
            (date!(2021-09-14), "Anything else for today?", &[("today", "2021-09-14")]),
            (date!(2021-09-14), "Thanks. See you tomorrow.", &[("tomorrow", "2021-09-15")]),
            (date!(2021-10-05), "Let's begin. This is the data access review for October.", &[("October", "2021-10")]),
            (date!(2021-10-05), "On 20 September 2021 we promised that customer data stays in the United States.", &[("20 September 2021", "2021-09-20")]),
            (date!(2021-10-05), "Everything has been visible from China since Sept. 2021.", &[("Sept. 2021", "2021-09")]),
            (date!(2021-10-05), "That contradicts the letter we sent two weeks ago.", &[("two weeks ago", "2021-09-20/2021-09-26")]),
            (date!(2021-10-05), "As of today, contractors in Dublin can no longer access customer data.", &[("As of today", "2021-10-05")]),
            (date!(2021-10-05), "Did you see the game on Friday?", &[("on Friday", "2021-10-01")]),
            (date!(2021-10-05), "Three days ago someone in Beijing looked up a user by phone number.", &[("Three days ago", "2021-10-02")]),
            (date!(2021-10-05), "Please send me that report by next Tuesday.", &[("next Tuesday", "2021-10-12")]),
            (date!(2021-10-05), "In January we plan to move access to a team in the United States.", &[("In January", "2022-01")]),
            (date!(2021-10-05), "Last month I asked for an audit and nothing happened.", &[("Last month", "2021-09")]),
            (date!(2021-11-03), "Since October 1st. I saw the migration ticket.", &[("October 1st", "2021-10-01")]),
            (date!(2021-11-03), "We changed that policy on Friday.", &[("on Friday", "2021-10-29")]),
            (date!(2021-11-03), "I need to see the dentist tomorrow, so I will be offline.", &[("tomorrow", "2021-11-04")]),
            (date!(2021-11-03), "We should delete that copy by November 15, 2021.", &[("November 15, 2021", "2021-11-15")]),
            (date!(2021-11-03), "I will bring it up next Tuesday.", &[("next Tuesday", "2021-11-09")]),
            (date!(2022-01-11), "That was true in September 2021. We fixed some of it last month.", &[("September 2021", "2021-09"), ("last month", "2021-12")]),
            (date!(2022-01-11), "On December 2, 2021.", &[("December 2, 2021", "2021-12-02")]),
            (date!(2022-01-11), "Two weeks ago we changed it, so contractors cannot see user records.", &[("Two weeks ago", "2021-12-27/2022-01-02")]),
            (date!(2022-01-11), "I need a written timeline by Friday.", &[("by Friday", "2022-01-14")]),
            (date!(2022-01-11), "I will send the timeline on Friday.", &[("on Friday", "2022-01-14")]),
            (date!(2022-01-11), "The auditors arrive on January 24, 2022.", &[("January 24, 2022", "2022-01-24")]),
            (date!(2022-01-11), "The migration to the new system finishes in January.", &[("in January", "2022-01")]),
            (date!(2021-12-02), "I saw my old team on Monday and nothing has changed.", &[("on Monday", "2021-11-29")]),
            (date!(2021-12-02), "They plan to move the data in January.", &[("in January", "2022-01")]),
            (date!(2021-10-02), "We will present this at the data access review next Tuesday.", &[("next Tuesday", "2021-10-05")]),
            (date!(2021-10-02), "I spoke with legal yesterday.", &[("yesterday", "2021-10-01")]),
        ];
        for (recording, text, expected) in cases {
            assert_eq!(
                found(text, Some(*recording)),
                pairs(expected),
                "{text:?} recorded {recording}"
            );
        }
    }

    #[test]
    fn relative_dates_need_a_recording_date() {
        for (text, mention) in [
            ("Call the auditors tomorrow morning.", "tomorrow"),
            (
                "Last week someone said the master admin can see everything.",
                "Last week",
            ),
            ("We met on May 3.", "May 3"),
            ("I saw it on Friday.", "on Friday"),
        ] {
            let mentions = find_dates(text, None);
            assert_eq!(mentions.len(), 1, "{text:?}");
            assert_eq!(mentions[0].text, mention);
            assert_eq!(mentions[0].resolved, None);
            assert_eq!(mentions[0].note.as_deref(), Some(NOTE_NO_RECORDING_DATE));
        }
        // Absolute dates need none.
        assert_eq!(
            found("The policy review is on September 20, 2021.", None),
            pairs(&[("September 20, 2021", "2021-09-20")])
        );
    }

    #[test]
    fn spelled_out_years_and_days() {
        let recording = Some(date!(2021 - 10 - 05));
        #[rustfmt::skip]
        let cases: &[(&str, &[(&str, &str)])] = &[
            ("It was September twentieth, twenty twenty-one.", &[("September twentieth, twenty twenty-one", "2021-09-20")]),
            ("It was September twenty, two thousand twenty one.", &[("September twenty, two thousand twenty one", "2021-09-20")]),
            ("It started in March two thousand and twenty-one.", &[("March two thousand and twenty-one", "2021-03")]),
            ("It started in December nineteen ninety-nine.", &[("December nineteen ninety-nine", "1999-12")]),
            ("It happened on the twentieth of September, twenty twenty one.", &[("the twentieth of September, twenty twenty one", "2021-09-20")]),
            ("We met on the twentieth of September.", &[("the twentieth of September", "2021-09-20")]),
            ("We met on the 20th of September.", &[("the 20th of September", "2021-09-20")]),
            ("We met on September twenty-first.", &[("September twenty-first", "2021-09-21")]),
            ("We met on September twenty.", &[("September twenty", "2021-09-20")]),
            ("We met on May second.", &[("May second", "2021-05-02")]),
            ("It has been like that since twenty twenty.", &[("twenty twenty", "2020")]),
            ("In 2019, we moved the servers.", &[("2019", "2019")]),
            ("By the end of 2021 it was gone.", &[("2021", "2021")]),
        ];
        for (text, expected) in cases {
            assert_eq!(found(text, recording), pairs(expected), "{text:?}");
        }
    }

    #[test]
    fn abbreviations_and_numeric_forms() {
        let recording = Some(date!(2021 - 10 - 05));
        #[rustfmt::skip]
        let cases: &[(&str, &[(&str, &str)])] = &[
            ("It was Sep 20, 2021.", &[("Sep 20, 2021", "2021-09-20")]),
            ("It was Sept 20 2021.", &[("Sept 20 2021", "2021-09-20")]),
            ("It was Oct. 1, 2021.", &[("Oct. 1, 2021", "2021-10-01")]),
            ("Since Jan 2020 nothing changed.", &[("Jan 2020", "2020-01")]),
            ("The export ran on 2021-09-20.", &[("2021-09-20", "2021-09-20")]),
            ("The export ran on 09/20/2021.", &[]),
            ("Ticket 2021-13-45 is open.", &[]),
            ("It was Monday, September 20, 2021.", &[("Monday, September 20, 2021", "2021-09-20")]),
        ];
        for (text, expected) in cases {
            assert_eq!(found(text, recording), pairs(expected), "{text:?}");
        }
        let mismatch = find_dates("It was Tuesday, September 20, 2021.", recording);
        assert_eq!(mismatch[0].note.as_deref(), Some(NOTE_WEEKDAY_MISMATCH));
        let impossible = find_dates("It was September 31, 2021.", recording);
        assert_eq!(
            (impossible[0].resolved, impossible[0].note.as_deref()),
            (None, Some(NOTE_NO_SUCH_DATE))
        );
    }

    #[test]
    fn words_that_are_not_dates() {
        let recording = Some(date!(2021 - 10 - 05));
        for text in [
            "You may want to check that.",
            "May I ask about March?",
            "They march to the office.",
            "I may second that motion.",
            "Give me a second.",
            "Wait a second, may I ask?",
            "We sat in the sun.",
            "Sat and Sun are abbreviations.",
            "June said the export was fine.",
            "I told April everything.",
            "Out of 2000 users, 12 complained.",
            "In 2000 cases the lookup failed.",
            "We built the whole thing in two weeks.",
            "A lot happened in the last week.",
            "Jan said it was fine.",
            "It happens on Fridays.",
            "",
            "日本語のテキスト",
        ] {
            assert_eq!(found(text, recording), vec![], "{text:?}");
        }
    }

    #[test]
    fn relative_forms() {
        let recording = Some(date!(2021 - 09 - 14)); // a Tuesday
        #[rustfmt::skip]
        let cases: &[(&str, &[(&str, &str)])] = &[
            ("She called the day before yesterday.", &[("the day before yesterday", "2021-09-12")]),
            ("She will call the day after tomorrow.", &[("the day after tomorrow", "2021-09-16")]),
            ("It is busy this week.", &[("this week", "2021-09-13/2021-09-19")]),
            ("It is busy this month.", &[("this month", "2021-09")]),
            ("It is busy this year.", &[("this year", "2021")]),
            ("It will be busy next week.", &[("next week", "2021-09-20/2021-09-26")]),
            ("It was busy last year.", &[("last year", "2020")]),
            ("It will be busy next year.", &[("next year", "2022")]),
            ("It started 3 months ago.", &[("3 months ago", "2021-06")]),
            ("It started a year ago.", &[("a year ago", "2020")]),
            ("It started a week ago.", &[("a week ago", "2021-09-06/2021-09-12")]),
            ("It ends in 3 days.", &[("in 3 days", "2021-09-17")]),
            ("It ends in two weeks.", &[("in two weeks", "2021-09-27/2021-10-03")]),
            ("It ends five days from now.", &[("five days from now", "2021-09-19")]),
            ("We spoke last Friday.", &[("last Friday", "2021-09-10")]),
            ("We meet this Thursday.", &[("this Thursday", "2021-09-16")]),
            ("I’ll call you on Monday.", &[("on Monday", "2021-09-20")]),
            ("We were there last weekend.", &[("last weekend", "2021-09-11/2021-09-12")]),
            ("We met last May.", &[("last May", "2021-05")]),
            ("We meet next March.", &[("next March", "2022-03")]),
            ("It was decided in mid-October.", &[("October", "2020-10")]),
            ("We will decide by the end of June.", &[("June", "2022-06")]),
            ("He was in Paris this morning.", &[("this morning", "2021-09-14")]),
            ("I was going to call on Friday.", &[("on Friday", "2021-09-10")]),
            ("I am going to call on Friday.", &[("on Friday", "2021-09-17")]),
            ("The review is scheduled for Monday.", &[("Monday", "2021-09-20")]),
            ("The log says 2021-09-13T10:00:00Z.", &[("2021-09-13", "2021-09-13")]),
            ("In 2020 this team moved.", &[("2020", "2020")]),
        ];
        for (text, expected) in cases {
            assert_eq!(found(text, recording), pairs(expected), "{text:?}");
        }
    }

    #[test]
    fn uncertain_mentions_carry_a_note() {
        let recording = Some(date!(2021 - 09 - 14)); // a Tuesday
        #[rustfmt::skip]
        let cases: &[(&str, Option<&str>, Option<&str>)] = &[
            ("The meeting on Friday.", Some("2021-09-10"), Some(NOTE_WEEKDAY_WITHOUT_TENSE)),
            ("The review is in March.", Some("2021-03"), Some(NOTE_MONTH_WITHOUT_TENSE)),
            ("The deadline is September 20.", Some("2021-09-20"), Some(NOTE_DATE_WITHOUT_TENSE)),
            ("It began about two weeks ago.", Some("2021-08-30/2021-09-05"), Some(NOTE_APPROXIMATE)),
            ("It began two or three weeks ago.", None, Some(NOTE_VAGUE_COUNT)),
            ("See you next weekend.", None, Some(NOTE_AMBIGUOUS_WEEKEND)),
            ("It began 999 years ago.", Some("1022"), None),
            // The weekday settles the year: 2020-09-21 was a Monday, 2021-09-21 is a Tuesday.
            ("The review, Monday, September 21.", Some("2020-09-21"), None),
            ("The review, Tuesday, September 21.", Some("2021-09-21"), None),
            ("We met on Wednesday, September 21.", Some("2020-09-21"), Some(NOTE_WEEKDAY_MISMATCH)),
        ];
        for (text, resolved, note) in cases {
            let mentions = find_dates(text, recording);
            assert_eq!(mentions.len(), 1, "{text:?}");
            let shown = mentions[0].resolved.map(|r| r.to_string());
            assert_eq!(shown.as_deref(), *resolved, "{text:?}");
            assert_eq!(mentions[0].note.as_deref(), *note, "{text:?}");
        }
        // "March" is also a verb: "for" is not cue enough.
        assert_eq!(find_dates("The review for March.", recording), vec![]);
    }

    #[test]
    fn byte_offsets_with_non_ascii_text() {
        let text = "Café meeting on Friday, naïve résumé due next Tuesday — 20 septembre";
        let mentions = find_dates(text, Some(date!(2021 - 09 - 14)));
        let texts: Vec<&str> = mentions.iter().map(|m| &text[m.start..m.end]).collect();
        assert_eq!(texts, ["on Friday", "next Tuesday"]);
        assert_eq!(mentions[0].start, "Café meeting ".len());
        assert_eq!(mentions[0].start, 14);
    }

    #[test]
    fn any_slice_of_text_is_safe() {
        let text = "Ça: on 20 Sept. 2021—or «May 3rd», twenty twenty-one, 2021-09-20T1 in 2021é, \
                    two weeks ago ½ next Tuesday 日本 the day before yesterday.";
        let cuts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        for &start in &cuts {
            for end in [text.len(), start + (text.len() - start) / 2] {
                let Some(slice) = text.get(start..end) else {
                    continue;
                };
                for mention in find_dates(slice, Some(date!(2021 - 09 - 14))) {
                    assert_eq!(&slice[mention.start..mention.end], mention.text);
                }
            }
        }
    }

    #[test]
    fn resolved_display_and_parse_round_trip() {
        let values = [
            Resolved::Day(date!(2021 - 09 - 20)),
            Resolved::Month {
                year: 2021,
                month: Month::September,
            },
            Resolved::Range {
                first: date!(2021 - 09 - 06),
                last: date!(2021 - 09 - 12),
            },
            Resolved::Year(2021),
        ];
        let shown = ["2021-09-20", "2021-09", "2021-09-06/2021-09-12", "2021"];
        for (value, text) in values.iter().zip(shown) {
            assert_eq!(value.to_string(), text);
            assert_eq!(Resolved::parse(text), Some(*value));
        }
        for bad in [
            "",
            "2021-9",
            "2021-02-30",
            "2021-09-12/2021-09-06",
            "20x1",
            "2021-13",
            "ünï-code",
        ] {
            assert_eq!(Resolved::parse(bad), None, "{bad:?}");
        }
        let month = Resolved::Month {
            year: 2024,
            month: Month::February,
        };
        assert_eq!(
            (month.first_day(), month.last_day()),
            (date!(2024 - 02 - 01), date!(2024 - 02 - 29))
        );
        let year = Resolved::Year(2021);
        assert_eq!(
            (year.first_day(), year.last_day()),
            (date!(2021 - 01 - 01), date!(2021 - 12 - 31))
        );
    }

    #[test]
    fn mentions_round_trip_through_json() {
        let mentions = find_dates(
            "Last week, on September 20, 2021, and tomorrow.",
            Some(date!(2021 - 09 - 14)),
        );
        assert_eq!(mentions.len(), 3);
        let json = serde_json::to_string(&mentions).unwrap();
        assert!(
            json.contains(r#""resolved":"2021-09-06/2021-09-12""#),
            "{json}"
        );
        assert_eq!(
            serde_json::from_str::<Vec<DateMention>>(&json).unwrap(),
            mentions
        );

        let unresolved = find_dates("See you tomorrow.", None);
        let json = serde_json::to_string(&unresolved[0]).unwrap();
        assert_eq!(
            json,
            r#"{"text":"tomorrow","start":8,"end":16,"note":"no recording date"}"#
        );
        assert_eq!(
            serde_json::from_str::<DateMention>(&json).unwrap(),
            unresolved[0]
        );
        assert!(serde_json::from_str::<Resolved>(r#""not a date""#).is_err());
    }
}
