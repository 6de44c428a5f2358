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
//!   `due`, `upcoming`, `soon`, `next`, `tomorrow`, `please`, `let's`, `should`, `must`,
//!   `want(s)`, `aim(s)`;
//! - past: `was`, `were`, `did`, `had`, `been` (and their negations), `ago`, `yesterday`,
//!   `last`, `since`, `previously`, `earlier`, common irregular past forms (`saw`, `told`,
//!   `sent`, `spoke`, ...) and regular `-ed` forms except a few adjectives (`based`,
//!   `interested`, ...).
//!
//! `by <weekday>` and `this coming <weekday>` are the next one, `this past <weekday>` the last
//! one. `last <weekday>` is that weekday of the previous Monday-Sunday week; when a more recent
//! one lies earlier in the recording's own week ("last Tuesday" said on a Wednesday) that day
//! is kept as an alternative reading and the mention is ambiguous. `next <weekday>` and `next
//! weekend` mirror it.
//!
//! Other forms: a day of the month alone ("on the 20th"), slash dates (US month/day first;
//! ambiguous, with the day/month reading as an alternative, when both numbers are 12 or less),
//! quarters and halves ("Q3", "the second half of 2021"), seasons (northern-hemisphere,
//! meteorological: summer is June to August), parts of a month ("early October" is days 1-10,
//! "mid-" 11-20, "the end of" 21 to the last day), holidays (Christmas, New Year, Thanksgiving,
//! Independence Day, Halloween, Chinese New Year), "the week before last", "a couple of / a few /
//! several weeks ago" (2, 3 and 3-7 units), and years written "'21" or said "twenty twenty-one".
//!
//! `since X` is an open range from X's first day to the recording date, and `until X` or `by X`
//! one from the recording date to X's last day ([`DateMention::open_range`]); `from X to Y` and
//! `between X and Y` are closed ranges. A mention with several valid readings keeps the most
//! likely in `resolved` and the others in `alternatives`; the claim is flagged `ambiguous_date`.

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
/// Note: the count was hedged ("about two weeks ago", "in a month or so").
const NOTE_APPROXIMATE: &str = "approximate";
/// Note: the count is one of several ("two or three weeks ago"); left unresolved.
const NOTE_VAGUE_COUNT: &str = "vague count";
/// Note: the date falls outside the calendar `time` supports.
const NOTE_OUT_OF_RANGE: &str = "out of calendar range";
/// Note: a day of the month said alone in a sentence without tense cues.
const NOTE_DAY_WITHOUT_MONTH: &str = "day of the month without month or tense";
/// Note: every season is read as in the northern hemisphere (meteorological: summer is June
/// to August), which is wrong for a speaker in Sydney or Buenos Aires.
const NOTE_NORTHERN_SEASON: &str = "northern-hemisphere season assumed";
/// Note: a season said without year in a sentence without tense cues.
const NOTE_SEASON_WITHOUT_TENSE: &str =
    "season without year or tense; northern-hemisphere season assumed";
/// Note: a holiday said without year in a sentence without tense cues.
const NOTE_HOLIDAY_WITHOUT_TENSE: &str = "holiday without year or tense";
/// Note: a holiday whose date verbatim does not know in that year (the lunar new year is
/// tabled for 2015-2030).
const NOTE_HOLIDAY_UNKNOWN: &str = "holiday date unknown for that year";

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

/// Which end of an open range the recording date bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// `since X`: from X's first day up to the recording date.
    Since,
    /// `until X`, `by X`: from the recording date up to X's last day.
    Until,
}

/// The span an open range covers: X and the recording date, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenRange {
    /// `since` or `until`.
    pub bound: Bound,
    /// The days covered.
    pub span: Resolved,
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
    /// The calendar date, day, month or range the words name; None when it cannot be
    /// resolved. For `since X` or `until X` this is X; the span meant is in `open_range`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved: Option<Resolved>,
    /// Other valid readings, least likely last (of the open range, where there is one): "last
    /// Tuesday" said on a Wednesday may be yesterday; "3/4/21" may be the 3rd of April.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<Resolved>,
    /// `since X`, `until X`, `by X`: the span from X to the recording date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_range: Option<OpenRange>,
    /// Why it is unresolved or uncertain (one of the `NOTE_*` constants); None when resolved
    /// plainly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl DateMention {
    /// The days the mention means: its open range where it has one, else what it resolved to.
    pub fn meant(&self) -> Option<Resolved> {
        self.open_range.map(|o| o.span).or(self.resolved)
    }

    /// True when it has more than one valid reading.
    pub fn is_ambiguous(&self) -> bool {
        !self.alternatives.is_empty()
    }

    /// The mention as the exports write it: `last month = 2021-10`, `January = 2021-01-01/
    /// 2021-11-03 (since 2021-01)`, `last Tuesday = 2021-10-26 (or 2021-11-02)`, `some day =
    /// unresolved`.
    pub fn describe(&self) -> String {
        let Some(meant) = self.meant() else {
            return format!("{} = unresolved", self.text);
        };
        let mut out = format!("{} = {meant}", self.text);
        if let (Some(open), Some(resolved)) = (self.open_range, self.resolved) {
            let bound = match open.bound {
                Bound::Since => "since",
                Bound::Until => "until",
            };
            out.push_str(&format!(" ({bound} {resolved})"));
        }
        for alternative in &self.alternatives {
            out.push_str(&format!(" (or {alternative})"));
        }
        out
    }
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
                // Rejected in context: a shorter match inside this one may still stand.
                None => {
                    at = whole.start()
                        + text[whole.start()..]
                            .chars()
                            .next()
                            .map_or(1, char::len_utf8)
                }
            }
            if at >= text.len() {
                break;
            }
        }
    }
    let chosen = longest_first(found);
    let spans: Vec<(usize, usize)> = chosen.iter().map(|c| (c.start, c.end)).collect();
    let mut cues: Option<Cues> = None;
    let mut mentions: Vec<(Spec, DateMention)> = Vec::new();
    for candidate in chosen {
        let bound = bound_of(text, candidate.start);
        let mut sentence_tense = || {
            cues.get_or_insert_with(|| Cues::new(text, &spans))
                .tense_at(candidate.start, candidate.end)
        };
        // "since X" looks back, "until X" and "by X" forward
        // "no later than Thursday" is a deadline, ahead
        let (than_start, than) = word_before(text, candidate.start);
        let deadline = than == "than" && word_before(text, than_start).1 == "later";
        let mut tense = || match bound {
            Some(Bound::Since) => Tense::Past,
            Some(Bound::Until) => Tense::Future,
            None if deadline => Tense::Future,
            None => sentence_tense(),
        };
        let Some(reading) = resolve(candidate.spec, recording_date, &mut tense) else {
            continue;
        };
        let mut mention = DateMention {
            text: text[candidate.start..candidate.end].to_string(),
            start: candidate.start,
            end: candidate.end,
            resolved: reading.resolved,
            alternatives: reading.alternatives,
            open_range: None,
            note: reading.note.map(str::to_string),
        };
        if let (Some(bound), Some(today)) = (bound, recording_date) {
            open(&mut mention, bound, today);
        }
        mentions.push((candidate.spec, mention));
    }
    join_ranges(text, mentions)
}

/// `since` or `until` / `till` / `by` just before a mention (or opening it, as in "by Friday").
fn bound_of(text: &str, start: usize) -> Option<Bound> {
    let opening = text[start..]
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let before = word_before(text, start).1;
    for word in [opening.as_str(), before.as_str()] {
        match word {
            "since" => return Some(Bound::Since),
            "until" | "till" | "by" => return Some(Bound::Until),
            _ => {}
        }
    }
    None
}

/// Makes `mention` an open range bounded by `today`, when X lies on the right side of it.
fn open(mention: &mut DateMention, bound: Bound, today: Date) {
    let span = |r: Resolved| match bound {
        Bound::Since => (r.first_day() <= today).then(|| Resolved::Range {
            first: r.first_day(),
            last: today,
        }),
        Bound::Until => (r.last_day() >= today).then(|| Resolved::Range {
            first: today,
            last: r.last_day(),
        }),
    };
    let Some(resolved) = mention.resolved else {
        return;
    };
    if let Some(range) = span(resolved) {
        mention.open_range = Some(OpenRange { bound, span: range });
        mention.alternatives = mention
            .alternatives
            .iter()
            .filter_map(|a| span(*a))
            .collect();
    }
}

/// "from X to Y", "between X and Y": two mentions joined into one closed range. Y without a
/// year is taken as the first one on or after X ("from the 3rd to the 10th"), X without a year
/// as the last one on or before a Y that has one ("from March to June 2021").
fn join_ranges(text: &str, mentions: Vec<(Spec, DateMention)>) -> Vec<DateMention> {
    let mut out: Vec<DateMention> = Vec::with_capacity(mentions.len());
    let mut iter = mentions.into_iter().peekable();
    while let Some((spec, first)) = iter.next() {
        let opener = word_before(text, first.start);
        let joiner = iter.peek().map(|(_, next)| {
            text[first.end..next.start]
                .trim()
                .trim_start_matches("the ")
                .to_ascii_lowercase()
        });
        let joined = match (opener.1.as_str(), joiner.as_deref()) {
            ("from", Some("to" | "through" | "until" | "till" | "-" | "–"))
            | ("between", Some("and")) => {
                let (next_spec, last) = iter.peek().expect("peeked").clone();
                join(spec, &first, next_spec, &last).map(|range| DateMention {
                    text: text[opener.0..last.end].to_string(),
                    start: opener.0,
                    end: last.end,
                    resolved: Some(range),
                    alternatives: Vec::new(),
                    open_range: None,
                    note: first.note.clone().or(last.note.clone()),
                })
            }
            _ => None,
        };
        match joined {
            Some(mention) => {
                iter.next();
                out.push(mention);
            }
            None => out.push(first),
        }
    }
    out
}

/// The closed range from `a` to `b`, resolving a yearless end against the other end.
fn join(a: Spec, first: &DateMention, b: Spec, last: &DateMention) -> Option<Resolved> {
    let (mut from, mut to) = (first.resolved?, last.resolved?);
    if !b.has_year() && b.is_calendar() {
        let after = from.first_day();
        if let Some(reading) = resolve(b, Some(after), &mut || Tense::Future) {
            to = reading
                .resolved
                .filter(|r| r.last_day() >= after)
                .unwrap_or(to);
        }
    } else if !a.has_year() && a.is_calendar() && b.has_year() {
        let before = to.last_day();
        if let Some(reading) = resolve(a, Some(before), &mut || Tense::Past) {
            from = reading
                .resolved
                .filter(|r| r.first_day() <= before)
                .unwrap_or(from);
        }
    }
    (from.first_day() <= to.last_day()).then(|| Resolved::Range {
        first: from.first_day(),
        last: to.last_day(),
    })
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
    /// "several weeks ago" (`sign` -1) or "in several weeks" (1): 3 to 7 units away.
    Several { unit: Unit, sign: i64 },
    /// A day of the month said alone: "on the 20th".
    OrdinalDay(u8),
    /// "between the 3rd and the 10th": two days of one month (or of consecutive ones).
    OrdinalDays(u8, u8),
    /// `a/b[/year]`: US month/day, or day/month when only that reads as a date.
    Slash { a: u8, b: u8, year: Option<i32> },
    /// Months of a year: a quarter (3) or half (6), the year's start, middle or end. `year` is
    /// None for the recording's year, `shift` years from it ("of last year").
    Months {
        year: Option<i32>,
        shift: i64,
        first: Month,
        count: u8,
    },
    /// A season; `year` is the year it is named by ("the summer of 2021", "winter 2022").
    Season {
        season: Season,
        year: Option<i32>,
        anchor: Anchor,
    },
    /// Part of a month: a third (days 1-10, 11-20, 21-end).
    MonthPart { month: MonthRef, part: u8 },
    /// A holiday.
    Holiday {
        holiday: Holiday,
        year: Option<i32>,
        anchor: Anchor,
    },
    /// "from March to June [2021]", "between March and June".
    MonthSpan {
        from: Month,
        to: Month,
        year: Option<i32>,
    },
}

impl Spec {
    /// True when the words name the year.
    fn has_year(&self) -> bool {
        match *self {
            Spec::Day { year, .. }
            | Spec::Month { year, .. }
            | Spec::Slash { year, .. }
            | Spec::Season { year, .. }
            | Spec::Holiday { year, .. }
            | Spec::MonthSpan { year, .. } => year.is_some(),
            Spec::MonthPart {
                month: MonthRef::Named { year, .. },
                ..
            } => year.is_some(),
            Spec::Year(_) => true,
            Spec::Months { year, .. } => year.is_some(),
            _ => false,
        }
    }

    /// True for dates placed on the calendar by tense (a day, month, weekday, season or
    /// holiday without its year), which a range's other end can place instead.
    fn is_calendar(&self) -> bool {
        matches!(
            self,
            Spec::Day { .. }
                | Spec::Month { .. }
                | Spec::Weekday { .. }
                | Spec::OrdinalDay(_)
                | Spec::Slash { .. }
                | Spec::Season { .. }
                | Spec::Holiday { .. }
                | Spec::MonthPart { .. }
        ) && !self.has_year()
    }
}

/// A month named ("October", "October 2021", "last October") or counted from the recording's
/// ("this month" 0, "last month" -1).
#[derive(Debug, Clone, Copy)]
enum MonthRef {
    Named {
        year: Option<i32>,
        month: Month,
        anchor: Anchor,
    },
    Relative(i64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Season {
    Spring,
    Summer,
    Autumn,
    Winter,
}

impl Season {
    /// The first month.
    fn first_month(self) -> u8 {
        match self {
            Season::Spring => 3,
            Season::Summer => 6,
            Season::Autumn => 9,
            Season::Winter => 12,
        }
    }

    /// The season named by `year`: winter 2022 is December 2021 to February 2022.
    fn of_year(self, year: i32) -> Option<Resolved> {
        let start_year = if self == Season::Winter {
            year - 1
        } else {
            year
        };
        months_from(start_year, self.first_month(), 3)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Holiday {
    ChristmasEve,
    Christmas,
    NewYearsEve,
    NewYearsDay,
    IndependenceDay,
    Halloween,
    Thanksgiving,
    DayAfterThanksgiving,
    ChineseNewYear,
}

/// The first day of the lunar new year (Chinese New Year, the Spring Festival), 2015-2030.
const LUNAR_NEW_YEAR: [(i32, u8, u8); 16] = [
    (2015, 2, 19),
    (2016, 2, 8),
    (2017, 1, 28),
    (2018, 2, 16),
    (2019, 2, 5),
    (2020, 1, 25),
    (2021, 2, 12),
    (2022, 2, 1),
    (2023, 1, 22),
    (2024, 2, 10),
    (2025, 1, 29),
    (2026, 2, 17),
    (2027, 2, 6),
    (2028, 1, 26),
    (2029, 2, 13),
    (2030, 2, 3),
];

impl Holiday {
    /// Its day in `year`, when known.
    fn in_year(self, year: i32) -> Option<Date> {
        let fixed = |month: Month, day: u8| Date::from_calendar_date(year, month, day).ok();
        match self {
            Holiday::ChristmasEve => fixed(Month::December, 24),
            Holiday::Christmas => fixed(Month::December, 25),
            Holiday::NewYearsEve => fixed(Month::December, 31),
            Holiday::NewYearsDay => fixed(Month::January, 1),
            Holiday::IndependenceDay => fixed(Month::July, 4),
            Holiday::Halloween => fixed(Month::October, 31),
            Holiday::Thanksgiving | Holiday::DayAfterThanksgiving => {
                let first = fixed(Month::November, 1)?;
                let to_thursday =
                    (3 - i64::from(first.weekday().number_days_from_monday())).rem_euclid(7);
                let thanksgiving = add_days(first, to_thursday + 21)?;
                if self == Holiday::Thanksgiving {
                    Some(thanksgiving)
                } else {
                    add_days(thanksgiving, 1)
                }
            }
            Holiday::ChineseNewYear => LUNAR_NEW_YEAR
                .iter()
                .find(|(y, _, _)| *y == year)
                .and_then(|&(_, m, d)| fixed(month_number(i32::from(m))?, d)),
        }
    }
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
    /// "last Tuesday": the one in the previous Monday-Sunday week; a more recent one earlier
    /// in the recording's week is an alternative.
    LastWeek,
    /// "next Friday": the one in the following week; a nearer one still ahead in the
    /// recording's week is an alternative.
    NextWeek,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Day,
    Week,
    Month,
    Quarter,
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
    "spring", "summer", "autumn", "winter", "from",
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
        let count = format!(
            r"(?P<count>[0-9]{{1,3}}|an?|a\s+couple(?:\s+of)?|couple(?:\s+of)?|a\s+few|several|{units}|{teens}|twenty)"
        );
        let unit = r"(?P<unit>day|week|month|year)s?";
        let weekday_first = format!(r"(?:{WEEKDAY},?\s+)?");
        let ordinal_day = |name: &str| {
            format!(
                r"(?P<{name}>(?:3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)\b|(?:(?:twenty|thirty){sep}(?:{ordinals})|{ordinals})\b)"
            )
        };
        let day1 = ordinal_day("day");
        let day2 = ordinal_day("day2");
        // a year after a quarter, half or season: "2021", "of 2021", "'21", "of last year"
        let year_after = format!(
            r"(?:,?\s+(?:of\s+)?(?:{year}|(?:'|’)(?P<yy>[0-9]{{2}})\b)|\s+of\s+(?:the\s+)?(?P<rel>this|last|next|the)\s+year\b)?"
        );

        let month2 = MONTH_NAME.replace("?P<month>", "?P<month2>");
        let table: [(String, Build); 28] = [
            // from March to June [2021], between March and June
            (
                format!(r"\b(?:from|between)\s+{MONTH_NAME}\s+(?:to|through|until|till|and)\s+{month2}(?:,?\s+{year})?"),
                month_span,
            ),
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
            // last|this|next week|weekend|month|quarter|year
            (r"\b(?P<modifier>last|this|next)\s+(?P<unit>weekend|week|month|quarter|year)\b".into(), relative_period),
            // the week before last, the month after next
            (r"\bthe\s+(?P<unit>week|month|year)\s+(?P<which>before\s+last|after\s+next)\b".into(), two_away),
            // two weeks ago|back; in two weeks; two weeks from now
            (format!(r"\b{count}\s+{unit}\s+(?:ago|back)\b"), ago),
            (format!(r"\bin\s+{count}\s+{unit}\b"), in_future),
            (format!(r"\b{count}\s+{unit}\s+from\s+now\b"), in_future),
            // (in|since|...) 2021
            (format!(r"\b{year}"), year_alone),
            // (in|since|...) '21
            (r"\B(?:'|’)(?P<yy>[0-9]{2})\b".into(), year_short),
            // [on|since|by|...] the 20th
            (format!(r"\bthe\s+{day1}"), ordinal_alone),
            // between the 3rd and [the] 10th, from the 3rd to [the] 10th
            (
                format!(r"\b(?:between|from)\s+the\s+{day1}\s+(?:and|to|through|until|till|-)\s+(?:the\s+)?{day2}"),
                ordinal_pair,
            ),
            // 9/20, 9/20/21, 3/4/2021
            (r"\b(?P<a>[0-9]{1,2})/(?P<b>[0-9]{1,2})(?:/(?P<y>[0-9]{4}|[0-9]{2}))?\b".into(), slash),
            // Q3 [2021], the third quarter [of 2021], the end of Q3
            (
                format!(r"\b(?:(?:the\s+)?(?P<part>beginning|start|middle|end)\s+of\s+(?:the\s+)?)?(?:(?P<q>q[1-4])|(?:the\s+)?(?P<qord>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter){year_after}"),
                quarter,
            ),
            // H1 [2021], the second half [of 2021 | of the year]
            (
                format!(r"\b(?:(?P<h>h[12])|the\s+(?P<hord>first|second)\s+half){year_after}"),
                half,
            ),
            // the beginning | end of the year (of 2021 is a year, read above)
            (
                r"\b(?:the\s+)?(?P<part>beginning|start|middle|end)\s+of\s+(?:the\s+)?(?P<rel>this|last|next|the)\s+year\b".into(),
                year_part,
            ),
            // [last|this|next|early|late] [the] summer [of 2021]
            (
                format!(r"\b(?:(?P<modifier>last|next|this|early|late|mid)[\s-]+)?(?:the\s+)?(?P<season>spring|summer|autumn|fall|winter)\b{year_after}"),
                season,
            ),
            // the end of October [2021], the middle of the month, the start of next month
            (
                format!(r"\b(?:the\s+)?(?P<part>beginning|start|middle|end)\s+of\s+(?:(?:(?P<rel>this|last|next|the)\s+month\b)|(?:(?P<modifier>last|next|this)\s+)?{MONTH_NAME}(?:,?\s+{year})?)"),
                month_part,
            ),
            // early | mid- | late October [2021]
            (
                format!(r"\b(?P<part>early|mid|late)(?:\s+|-|\s*-\s*)(?:(?P<rel>this|last|next)\s+month\b|{MONTH_NAME}(?:,?\s+{year})?)"),
                month_part,
            ),
            // [last|this|next] Christmas [2021]
            (
                format!(r"\b(?:(?P<modifier>last|next|this)\s+)?(?P<holiday>christmas\s+eve|christmas(?:\s+day)?|new\s+year(?:(?:'|’)s)?\s+eve|new\s+year(?:'|’)s(?:\s+day)?|new\s+year\s+day|independence\s+day|the\s+fourth\s+of\s+july|halloween|the\s+day\s+after\s+thanksgiving|thanksgiving(?:\s+day)?|chinese\s+new\s+year|lunar\s+new\s+year|(?:the\s+)?spring\s+festival)\b(?:,?\s+(?:of\s+)?{year})?"),
                holiday,
            ),
            // (in) twenty-three, as a year
            (
                format!(r"\b(?P<tens>twenty){sep}(?P<unit>{units})\b"),
                year_two_words,
            ),
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
            r"(?i-u)jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|day|week|month|year|tonight|tomorrow|morning|afternoon|evening|night|twenty|nineteen|thousand|[0-9]{4}|[0-9](?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|teenth|tieth|[0-9]/[0-9]|(?:'|’)[0-9]{2}|q[1-4]|h[12]|quarter|half|spring|summer|autumn|fall|winter|christmas|thanksgiving|halloween|independence|festival",
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
            // "by March" is a deadline; "by May" may be a person
            let deadline = before == "by" && month == Month::March;
            // "March is when ...", "October was rough": not for months that are also names
            let subject = opens_sentence(text, caps.get(0)?.start())
                && !matches!(
                    month,
                    Month::April | Month::May | Month::June | Month::August
                )
                && matches!(
                    first_word(&text[end..]).as_str(),
                    "is" | "was" | "will" | "has" | "had"
                );
            let cued = MONTH_CUES.contains(&before.as_str())
                || of_a_period
                || deadline
                || subject
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
            ["by"] | ["this", "coming"] => Anchor::Next,
            ["next"] => Anchor::NextWeek,
            ["last"] => Anchor::LastWeek,
            ["this", "past"] => Anchor::Last,
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
    let unit = unit_named(&caps["unit"])?;
    if words_lowercase(&caps["count"]) == "several" {
        return Some(Spec::Several { unit, sign: -1 });
    }
    Some(Spec::Shift {
        unit,
        by: -count_number(&caps["count"])?,
        future_only: false,
        hedge: hedge_around(text, caps.get(0)?.start(), caps.get(0)?.end()),
    })
}

/// "in two weeks", "two weeks from now".
fn in_future(text: &str, caps: &Captures<'_>) -> Option<Spec> {
    let unit = unit_named(&caps["unit"])?;
    if words_lowercase(&caps["count"]) == "several" {
        return Some(Spec::Several { unit, sign: 1 });
    }
    Some(Spec::Shift {
        unit,
        by: count_number(&caps["count"])?,
        future_only: true,
        hedge: hedge_around(text, caps.get(0)?.start(), caps.get(0)?.end()),
    })
}

/// "the week before last" (-2), "the month after next" (+2).
fn two_away(_: &str, caps: &Captures<'_>) -> Option<Spec> {
    let by = if words_lowercase(&caps["which"]).starts_with("before") {
        -2
    } else {
        2
    };
    Some(Spec::Shift {
        unit: unit_named(&caps["unit"])?,
        by,
        future_only: false,
        hedge: Hedge::Exact,
    })
}

/// "'21" after a word that makes it a year ("in '21", "since '19"): 2021.
fn year_short(text: &str, caps: &Captures<'_>) -> Option<Spec> {
    let yy = caps.name("yy")?;
    let quote = yy.start() - text[..yy.start()].chars().next_back()?.len_utf8();
    let before = word_before(text, quote).1;
    let cued = YEAR_CUES.contains(&before.as_str())
        || matches!(
            before.as_str(),
            "of" | "back"
                | "by"
                | "from"
                | "to"
                | "before"
                | "after"
                | "the"
                | "between"
                | "and"
                | "for"
        );
    cued.then(|| Spec::Year(2000 + digits(yy.as_str()).unwrap_or(0)))
}

/// "twenty-three" as a year: only after "in", "since", "back in" and the like, and not
/// followed by a word ("in twenty-three days" is a count).
fn year_two_words(text: &str, caps: &Captures<'_>) -> Option<Spec> {
    let whole = caps.get(0)?;
    let before = word_before(text, whole.start()).1;
    if !matches!(
        before.as_str(),
        "in" | "since" | "until" | "during" | "throughout"
    ) {
        return None;
    }
    if text[whole.end()..]
        .trim_start()
        .starts_with(|c: char| c.is_alphanumeric())
    {
        return None;
    }
    let unit = word_value(&caps["unit"].to_ascii_lowercase())?;
    Some(Spec::Year(2020 + i32::try_from(unit).ok()?))
}

/// Words that may follow a date said alone ("on the 31st like always", "the first half is"),
/// where a noun would make it something else ("on the second floor").
#[rustfmt::skip]
const FUNCTION_WORDS: &[&str] = &[
    "and", "but", "so", "when", "we", "i", "they", "he", "she", "it", "you", "at", "before",
    "after", "because", "then", "or", "to", "through", "until", "till", "if", "unless", "as",
    "is", "was", "will", "would", "like", "too", "again", "already", "anyway", "for", "with",
    "in", "from", "by", "right", "that", "which", "who", "this", "last", "next", "no", "not",
    "just", "only", "probably", "maybe", "are", "were", "has", "had", "have", "should", "can",
    "could", "must", "might", "our", "their", "the", "everything", "all", "instead", "there",
    "here", "now", "yet", "though", "although", "while", "where",
];

/// Words after which "the 20th" is a day of the month: "on the 20th", "since the 3rd".
const ORDINAL_CUES: &[&str] = &[
    "on", "since", "by", "until", "till", "from", "before", "after", "through", "around", "about",
    "of", "for", "due",
];

/// "the 20th" said alone: after [`ORDINAL_CUES`], and not before a noun ("on the third
/// floor"). "the 20th of September" is read by another pattern.
fn ordinal_alone(text: &str, caps: &Captures<'_>) -> Option<Spec> {
    let whole = caps.get(0)?;
    let before = word_before(text, whole.start()).1;
    // or opening its sentence: "The 31st was when ..."
    if !ORDINAL_CUES.contains(&before.as_str()) && !opens_sentence(text, whole.start()) {
        return None;
    }
    let rest = text[whole.end()..].trim_start();
    let next = rest
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let ends_clause = rest.is_empty() || rest.starts_with([',', '.', ';', ':', '!', '?', ')']);
    let joins = FUNCTION_WORDS.contains(&next.as_str());
    if !ends_clause && !joins {
        return None;
    }
    Some(Spec::OrdinalDay(day_number(&caps["day"])?))
}

/// True when only punctuation or nothing stands before `start` in its sentence.
fn opens_sentence(text: &str, start: usize) -> bool {
    text[..start]
        .trim_end()
        .chars()
        .next_back()
        .is_none_or(|c| matches!(c, '.' | '!' | '?' | ';' | ':' | ','))
}

/// The first ASCII word of `text`, lowercased ("" when it starts with something else).
fn first_word(text: &str) -> String {
    text.trim_start()
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// "between the 3rd and the 10th", "from the 3rd to the 10th".
fn ordinal_pair(_: &str, caps: &Captures<'_>) -> Option<Spec> {
    Some(Spec::OrdinalDays(
        day_number(&caps["day"])?,
        day_number(&caps["day2"])?,
    ))
}

/// Words after which a slash date without a year is a date ("on 9/20"), not a fraction or a
/// score ("3/4 of the servers", "passed 12/15 checks").
const SLASH_CUES: &[&str] = &[
    "on", "since", "by", "until", "till", "from", "before", "after", "through", "of", "to",
    "dated", "and",
];

/// Verbs after which a slash date without a year is a date: "the cutover will happen 11/6".
#[rustfmt::skip]
const EVENT_VERBS: &[&str] = &[
    "happen", "happens", "happened", "start", "starts", "started", "begin", "begins", "began",
    "end", "ends", "ended", "close", "closes", "closed", "open", "opens", "opened", "expire",
    "expires", "expired", "launch", "launches", "launched", "due", "effective", "signed",
];

/// `a/b[/year]`: a date when it names one and is not part of a longer number (`24/7/365`,
/// `10.2/3`).
fn slash(text: &str, caps: &Captures<'_>) -> Option<Spec> {
    let whole = caps.get(0)?;
    let bytes = text.as_bytes();
    let previous = whole.start().checked_sub(1).map(|i| bytes[i]);
    let next = bytes.get(whole.end()).copied();
    let next_after = bytes.get(whole.end() + 1).copied();
    if matches!(previous, Some(b'/' | b'.' | b':' | b'-'))
        || next == Some(b'/')
        || (matches!(next, Some(b'.' | b':' | b'-'))
            && next_after.is_some_and(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let (a, b) = (
        u8::try_from(digits(&caps["a"])?).ok()?,
        u8::try_from(digits(&caps["b"])?).ok()?,
    );
    let year = match caps.name("y") {
        Some(y) if y.as_str().len() == 2 => Some(2000 + digits(y.as_str())?),
        Some(y) => Some(digits(y.as_str())?),
        None => {
            // without a year: after a word that makes it a date ("on 9/20", "will happen
            // 11/6"), never "24/7" nor a fraction or score ("like 1/3", "passed 12/15")
            let before = word_before(text, whole.start()).1;
            let cued =
                SLASH_CUES.contains(&before.as_str()) || EVENT_VERBS.contains(&before.as_str());
            if !cued || (a, b) == (24, 7) || first_word(&text[whole.end()..]) == "of" {
                return None;
            }
            None
        }
    };
    // one of the two readings must be a day of some year
    let valid = |month: u8, day: u8| {
        Month::try_from(month).is_ok_and(|m| Date::from_calendar_date(2000, m, day).is_ok())
    };
    (valid(a, b) || valid(b, a)).then_some(Spec::Slash { a, b, year })
}

/// The year after a quarter, half or season: (year, shift) where `shift` counts years from
/// the recording's ("of last year" -1).
fn year_after(caps: &Captures<'_>) -> Option<(Option<i32>, i64)> {
    if let Some(year) = caps.name("year") {
        return Some((Some(spelled_or_digit_year(year.as_str())?), 0));
    }
    if let Some(yy) = caps.name("yy") {
        return Some((Some(2000 + digits(yy.as_str())?), 0));
    }
    let shift = match caps.name("rel").map(|r| r.as_str().to_ascii_lowercase()) {
        Some(r) if r == "last" => -1,
        Some(r) if r == "next" => 1,
        _ => 0,
    };
    Some((None, shift))
}

/// True when the words after a match go on with "of" something that is not a year ("the
/// first half of the meeting").
fn of_something_else(text: &str, end: usize) -> bool {
    let rest = text[end..].trim_start().to_ascii_lowercase();
    rest.starts_with("of ")
}

fn quarter(text: &str, caps: &Captures<'_>) -> Option<Spec> {
    let whole = caps.get(0)?;
    let index: u8 = match caps.name("q") {
        Some(q) => q.as_str()[1..].parse().ok()?,
        None => match caps["qord"].to_ascii_lowercase().as_str() {
            "first" | "1st" => 1,
            "second" | "2nd" => 2,
            "third" | "3rd" => 3,
            _ => 4,
        },
    };
    let said_year =
        caps.name("year").is_some() || caps.name("yy").is_some() || caps.name("rel").is_some();
    if !said_year && of_something_else(text, whole.end()) {
        return None;
    }
    let (year, shift) = year_after(caps)?;
    let mut first = (index - 1) * 3 + 1;
    let mut count = 3;
    // the end of Q3 is its last month; the beginning its first, the middle its second
    if let Some(part) = caps.name("part") {
        count = 1;
        first += match part.as_str().to_ascii_lowercase().as_str() {
            "end" => 2,
            "middle" => 1,
            _ => 0,
        };
    }
    Some(Spec::Months {
        year,
        shift,
        first: month_number(i32::from(first))?,
        count,
    })
}

fn half(text: &str, caps: &Captures<'_>) -> Option<Spec> {
    let whole = caps.get(0)?;
    let second = match caps.name("h") {
        Some(h) => &h.as_str()[1..] == "2",
        None => caps["hord"].eq_ignore_ascii_case("second"),
    };
    let said_year =
        caps.name("year").is_some() || caps.name("yy").is_some() || caps.name("rel").is_some();
    // "the first half" alone must end its clause; "H1" must be written in capitals
    if !said_year {
        let rest = text[whole.end()..].trim_start();
        let next = first_word(rest);
        let ends = rest.is_empty()
            || rest.starts_with([',', '.', ';', ':', '!', '?'])
            || (FUNCTION_WORDS.contains(&next.as_str()) && next != "of");
        let capital_h = caps.name("h").is_some_and(|h| h.as_str().starts_with('H'));
        if caps.name("h").is_some() && !capital_h || caps.name("hord").is_some() && !ends {
            return None;
        }
    }
    let (year, shift) = year_after(caps)?;
    Some(Spec::Months {
        year,
        shift,
        first: if second { Month::July } else { Month::January },
        count: 6,
    })
}

/// "the end of the year" is its last month, "the beginning" its first, "the middle" June and
/// July.
fn year_part(_: &str, caps: &Captures<'_>) -> Option<Spec> {
    let shift = match caps["rel"].to_ascii_lowercase().as_str() {
        "last" => -1,
        "next" => 1,
        _ => 0,
    };
    let (first, count) = match caps["part"].to_ascii_lowercase().as_str() {
        "end" => (Month::December, 1),
        "middle" => (Month::June, 2),
        _ => (Month::January, 1),
    };
    Some(Spec::Months {
        year: None,
        shift,
        first,
        count,
    })
}

/// Words after which "the summer" or "summer" is a time: "over the summer", "in spring".
const SEASON_CUES: &[&str] = &[
    "in",
    "during",
    "over",
    "since",
    "until",
    "till",
    "by",
    "through",
    "throughout",
    "for",
    "all",
    "before",
    "after",
    "this",
    "last",
    "next",
    "that",
    "early",
    "late",
    "mid",
    "from",
    "of",
    "the",
];

fn season(text: &str, caps: &Captures<'_>) -> Option<Spec> {
    let whole = caps.get(0)?;
    let word = caps["season"].to_ascii_lowercase();
    let season = match word.as_str() {
        "spring" => Season::Spring,
        "summer" => Season::Summer,
        "winter" => Season::Winter,
        _ => Season::Autumn,
    };
    let said_year = caps.name("year").is_some() || caps.name("yy").is_some();
    let modifier = caps
        .name("modifier")
        .map(|m| m.as_str().to_ascii_lowercase());
    if !said_year && modifier.is_none() {
        // "the summer" after a cue word, or "in spring"; not "prices fall", "spring into"
        let starts_with_the = whole.as_str().len() > word.len();
        let before = word_before(text, whole.start()).1;
        let next = first_word(&text[whole.end()..]);
        let opens = opens_sentence(text, whole.start())
            && matches!(next.as_str(), "is" | "was" | "will" | "has" | "had");
        let cued = if starts_with_the {
            SEASON_CUES.contains(&before.as_str()) || opens
        } else {
            matches!(
                before.as_str(),
                "in" | "during"
                    | "over"
                    | "since"
                    | "until"
                    | "by"
                    | "through"
                    | "throughout"
                    | "all"
                    | "this"
                    | "last"
                    | "next"
            )
        };
        if !cued {
            return None;
        }
        let rest = text[whole.end()..].trim_start().to_ascii_lowercase();
        if rest.starts_with("of ") || (word == "fall" && rest.starts_with("in ")) {
            return None;
        }
    }
    if caps.name("rel").is_some() {
        // "the summer of last year": not read
        return None;
    }
    let anchor = anchor_of(caps);
    let (year, _) = year_after(caps)?;
    Some(Spec::Season {
        season,
        year,
        anchor,
    })
}

fn month_part(_: &str, caps: &Captures<'_>) -> Option<Spec> {
    let part = match caps["part"].to_ascii_lowercase().as_str() {
        "beginning" | "start" | "early" => 0,
        "middle" | "mid" => 1,
        _ => 2,
    };
    let month = match caps.name("month") {
        Some(month) => MonthRef::Named {
            year: said_year(caps)?,
            month: month_named(month.as_str())?,
            anchor: anchor_of(caps),
        },
        None => MonthRef::Relative(match caps["rel"].to_ascii_lowercase().as_str() {
            "last" => -1,
            "next" => 1,
            _ => 0,
        }),
    };
    Some(Spec::MonthPart { month, part })
}

/// `last`, `next` or `this` before a month, season or holiday.
fn anchor_of(caps: &Captures<'_>) -> Anchor {
    match caps
        .name("modifier")
        .map(|m| m.as_str().to_ascii_lowercase())
        .as_deref()
    {
        Some("last") => Anchor::Last,
        Some("next") => Anchor::Next,
        Some("this") => Anchor::This,
        _ => Anchor::Tense,
    }
}

/// The year said (`year` group): Some(None) when none was, None when it is not a year.
fn said_year(caps: &Captures<'_>) -> Option<Option<i32>> {
    match caps.name("year") {
        Some(year) => Some(Some(spelled_or_digit_year(year.as_str())?)),
        None => Some(None),
    }
}

fn month_span(_: &str, caps: &Captures<'_>) -> Option<Spec> {
    Some(Spec::MonthSpan {
        from: month_named(&caps["month"])?,
        to: month_named(&caps["month2"])?,
        year: said_year(caps)?,
    })
}

fn holiday(_: &str, caps: &Captures<'_>) -> Option<Spec> {
    let name = words_lowercase(&caps["holiday"]).replace('’', "'");
    let holiday = if name.contains("chinese") || name.contains("lunar") || name.contains("festival")
    {
        Holiday::ChineseNewYear
    } else if name.contains("after thanksgiving") {
        Holiday::DayAfterThanksgiving
    } else if name.contains("thanksgiving") {
        Holiday::Thanksgiving
    } else if name.contains("christmas eve") {
        Holiday::ChristmasEve
    } else if name.contains("christmas") {
        Holiday::Christmas
    } else if name.contains("eve") {
        Holiday::NewYearsEve
    } else if name.contains("new year") {
        Holiday::NewYearsDay
    } else if name.contains("halloween") {
        Holiday::Halloween
    } else {
        Holiday::IndependenceDay
    };
    let anchor = anchor_of(caps);
    let year = said_year(caps)?;
    Some(Spec::Holiday {
        holiday,
        year,
        anchor,
    })
}

/// A year on its own counts only after a word that makes it a time ("in 2021", "since 2019",
/// "the end of 2021") and not before a plural noun ("in 2000 cases").
fn year_alone(text: &str, caps: &Captures<'_>) -> Option<Spec> {
    let whole = caps.get(0)?;
    let (before_start, before) = word_before(text, whole.start());
    let cued = YEAR_CUES.contains(&before.as_str())
        || matches!(
            before.as_str(),
            "between" | "and" | "for" | "the" | "of" | "back"
        )
        || (before == "to" && word_before(text, before_start).1 == "back")
        || opens_sentence(text, whole.start());
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
    // a spelled number before a word is a count ("in twenty twenty people") unless it can
    // only be a year ("two thousand nineteen", "twenty nineteen")
    let word_follows = rest.trim_start().starts_with(|c: char| c.is_alphanumeric());
    let spelled_count = spelled && whole.as_str().split([' ', '-']).count() < 2;
    if rest.starts_with(['%', '$']) || noun_follows || (spelled_count && word_follows) {
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
        "qua" => Unit::Quarter,
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

/// "3", "a", "three" -> 3; "a couple of" 2, "a few" 3.
fn count_number(s: &str) -> Option<i64> {
    let lower = words_lowercase(s);
    match lower.as_str() {
        "a" | "an" => Some(1),
        "a couple" | "a couple of" | "couple" | "couple of" => Some(2),
        "a few" => Some(3),
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
    /// (start, end, tense, strong) of each cue word; weak ones (present tense: "is", "starts")
    /// count only where no strong one is in the sentence.
    words: Vec<(usize, usize, Tense, bool)>,
    /// Byte offsets of sentence-ending punctuation outside mentions.
    stops: Vec<usize>,
}

#[rustfmt::skip]
const FUTURE_CUES: &[&str] = &[
    "will", "won't", "shall", "gonna", "plan", "plans", "planning", "intend", "intends",
    "intending", "need", "needs", "hope", "expect", "expects", "scheduled", "supposed", "due",
    "upcoming", "soon", "next", "tomorrow", "please", "let's", "should", "must", "want", "wants",
    "aim", "aims",
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
        let word = WORD
            .get_or_init(|| Regex::new(r"[A-Za-z]+(?:(?:'|’)[A-Za-z]+)*").expect("valid regex"));
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
                cue(previous, w, next).map(|(tense, strong)| (*start, *end, tense, strong))
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
        self.nearest(start, end, (from, to), true)
            .or_else(|| self.nearest(start, end, (from, to), false))
            .or_else(|| self.nearest(start, end, (0, usize::MAX), true))
            .unwrap_or(Tense::Unknown)
    }

    /// The tense of the nearest cue of that strength outside the mention, within `within`.
    fn nearest(
        &self,
        start: usize,
        end: usize,
        (from, to): (usize, usize),
        strong: bool,
    ) -> Option<Tense> {
        self.words
            .iter()
            .filter(|&&(s, e, _, st)| {
                st == strong && (e <= start || s >= end) && s >= from && e <= to
            })
            .min_by_key(|&&(s, e, _, _)| if e <= start { start - e } else { s - end })
            .map(|&(_, _, tense, _)| tense)
    }
}

/// The tense a lowercase word signals, if any, given its neighbours.
fn cue(previous: Option<&str>, word: &str, next: Option<&str>) -> Option<(Tense, bool)> {
    let after_was = matches!(
        previous,
        Some("was" | "were" | "wasn't" | "weren't" | "had")
    );
    if word == "going" && next == Some("to") {
        // "we were going to", "I was going to": a past plan.
        return Some((
            if after_was {
                Tense::Past
            } else {
                Tense::Future
            },
            true,
        ));
    }
    // "it was due", "they were supposed to": a past plan
    if after_was
        && matches!(
            word,
            "due" | "supposed" | "scheduled" | "planned" | "expected" | "meant"
        )
    {
        return Some((Tense::Past, true));
    }
    if FUTURE_CUES.contains(&word) || word.ends_with("'ll") {
        return Some((Tense::Future, true));
    }
    // "will be closed", "is deleted": a participle, not the past
    let passive = matches!(
        previous,
        Some(
            "be" | "being"
                | "get"
                | "gets"
                | "is"
                | "are"
                | "am"
                | "isn't"
                | "aren't"
                | "the"
                | "a"
                | "an"
                | "this"
                | "that"
                | "our"
                | "your"
                | "their"
        )
    );
    let regular_past = word.len() >= 4
        && word.ends_with("ed")
        && (!word.ends_with("eed")
            || matches!(word, "agreed" | "disagreed" | "freed" | "guaranteed"))
        && !NOT_PAST.contains(&word)
        && !passive;
    if PAST_CUES.contains(&word) || regular_past {
        return Some((Tense::Past, true));
    }
    // the present tense of a schedule: "the audit is on Monday", "the contract renews on the
    // 21st", "we're closed from Christmas Eve"
    PRESENT_CUES
        .contains(&word)
        .then_some((Tense::Future, false))
}

/// Weak future cues: a sentence in the present tense about a date is most often about a
/// schedule ("the freeze is from March 3rd"); they count only where no other cue is.
#[rustfmt::skip]
const PRESENT_CUES: &[&str] = &[
    "is", "are", "am", "isn't", "aren't", "i'm", "we're", "they're", "you're", "starts",
    "begins", "ends", "opens", "closes", "expires", "renews", "launches", "arrives", "resumes",
    "happens", "goes", "kicks", "lands", "ships", "target", "targeting", "deadline", "launch",
];

// ---------------------------------------------------------------------------------------------
// Resolution.

type Outcome = (Option<Resolved>, Option<&'static str>);

/// A match resolved: the most likely reading, the others, and a note.
#[derive(Debug, Default)]
struct Reading {
    resolved: Option<Resolved>,
    note: Option<&'static str>,
    alternatives: Vec<Resolved>,
}

impl From<Outcome> for Reading {
    fn from((resolved, note): Outcome) -> Reading {
        Reading {
            resolved,
            note,
            alternatives: Vec::new(),
        }
    }
}

/// Resolves a match; None drops it (a duration in a past-tense sentence).
fn resolve(
    spec: Spec,
    recording: Option<Date>,
    tense: &mut impl FnMut() -> Tense,
) -> Option<Reading> {
    // what needs no recording date
    match spec {
        Spec::Day {
            year: Some(year),
            month,
            day,
            weekday,
        } => {
            return Some(Reading::from(
                match Date::from_calendar_date(year, month, day) {
                    Ok(date) => (Some(Resolved::Day(date)), weekday_check(date, weekday)),
                    Err(_) => (None, Some(NOTE_NO_SUCH_DATE)),
                },
            ));
        }
        Spec::Month {
            year: Some(year),
            month,
            ..
        } => return Some(Reading::from((Some(Resolved::Month { year, month }), None))),
        Spec::Year(year) => return Some(Reading::from((Some(Resolved::Year(year)), None))),
        Spec::Shift {
            future_only: true, ..
        } if tense() == Tense::Past => return None,
        Spec::Slash {
            a,
            b,
            year: Some(year),
        } => {
            let readings: Vec<Resolved> = slash_readings(a, b)
                .into_iter()
                .filter_map(|(month, day)| Date::from_calendar_date(year, month, day).ok())
                .map(Resolved::Day)
                .collect();
            return Some(readings_of(readings, None));
        }
        Spec::Months {
            year: Some(year),
            first,
            count,
            ..
        } => {
            return Some(Reading::from((
                months_from(year, u8::from(first), count),
                None,
            )))
        }
        Spec::Season {
            season,
            year: Some(year),
            ..
        } => {
            let mut reading = Reading::from((season.of_year(year), Some(NOTE_NORTHERN_SEASON)));
            if season == Season::Winter {
                // "winter 2021" may be the one that begins in December 2021
                reading.alternatives.extend(season.of_year(year + 1));
            }
            return Some(reading);
        }
        Spec::MonthPart {
            month:
                MonthRef::Named {
                    year: Some(year),
                    month,
                    ..
                },
            part,
        } => return Some(Reading::from((month_third(year, month, part), None))),
        Spec::MonthSpan {
            from,
            to,
            year: Some(year),
        } => {
            let from_year = if from <= to { year } else { year - 1 };
            return Some(Reading::from((
                month_span_range(from_year, from, year, to),
                None,
            )));
        }
        Spec::Holiday {
            holiday,
            year: Some(year),
            ..
        } => {
            return Some(Reading::from(match holiday.in_year(year) {
                Some(day) => (Some(Resolved::Day(day)), None),
                None => (None, Some(NOTE_HOLIDAY_UNKNOWN)),
            }))
        }
        _ => {}
    }
    let Some(today) = recording else {
        return Some(Reading::from((None, Some(NOTE_NO_RECORDING_DATE))));
    };
    let reading = match spec {
        Spec::Day {
            month,
            day,
            weekday,
            ..
        } => yearless_day(today, month, day, weekday, tense).into(),
        Spec::Month { month, anchor, .. } => yearless_month(today, month, anchor, tense).into(),
        Spec::Weekday { weekday, anchor } => weekday_near(today, weekday, anchor, tense),
        Spec::DayOffset(days) => Reading::from((add_days(today, days).map(Resolved::Day), None)),
        Spec::Shift {
            hedge: Hedge::Either,
            ..
        } => return Some(Reading::from((None, Some(NOTE_VAGUE_COUNT)))),
        Spec::Shift {
            unit, by, hedge, ..
        } => Reading::from((
            shift(today, unit, by),
            (hedge == Hedge::About).then_some(NOTE_APPROXIMATE),
        )),
        Spec::Several { unit, sign } => {
            let (near, far) = (shift(today, unit, 3 * sign), shift(today, unit, 7 * sign));
            let range = near.zip(far).map(|(near, far)| {
                let (a, b) = if sign < 0 { (far, near) } else { (near, far) };
                Resolved::Range {
                    first: a.first_day(),
                    last: b.last_day(),
                }
            });
            Reading::from((range, None))
        }
        Spec::Weekend(weeks) => {
            let weekend = |weeks: i64| {
                let first = add_days(monday_of(today), weeks * 7 + 5)?;
                Some(Resolved::Range {
                    first,
                    last: add_days(first, 1)?,
                })
            };
            let mut reading = Reading::from((weekend(weeks), None));
            // "next weekend" said before Saturday may be the coming one
            if weeks == 1 && today.weekday().number_days_from_monday() < 5 {
                reading.alternatives.extend(weekend(0));
            }
            reading
        }
        Spec::OrdinalDay(day) => {
            let (date, note) = match tense() {
                Tense::Future => (day_of_month_near(today, day, 1), None),
                Tense::Past => (day_of_month_near(today, day, -1), None),
                Tense::Unknown => (
                    day_of_month_near(today, day, -1),
                    Some(NOTE_DAY_WITHOUT_MONTH),
                ),
            };
            Reading::from((date.map(Resolved::Day), note))
        }
        Spec::OrdinalDays(first, last) => {
            let direction = if tense() == Tense::Future { 1 } else { -1 };
            // the first day as said alone; the last the first such day after it
            let from = if direction > 0 {
                day_of_month_near(today, first, 1)
            } else {
                // a past span ends before the recording date: place its end, then its start
                day_of_month_near(today, last, -1)
                    .and_then(|end| day_of_month_near(add_days(end, 1)?, first, -1))
            };
            let to = from.and_then(|from| {
                if first == last {
                    Some(from)
                } else {
                    day_of_month_near(from, last, 1)
                }
            });
            let range = from
                .zip(to)
                .map(|(first, last)| Resolved::Range { first, last });
            Reading::from((range, None))
        }
        Spec::Slash { a, b, .. } => {
            let mut readings = Vec::new();
            let mut note = None;
            for (month, day) in slash_readings(a, b) {
                let (date, n) = yearless_day(today, month, day, None, tense);
                readings.extend(date);
                note = note.or(n);
            }
            readings_of(readings, note)
        }
        Spec::Months {
            shift: years,
            first,
            count,
            ..
        } => Reading::from((
            months_from(
                today.year() + i32::try_from(years).ok()?,
                u8::from(first),
                count,
            ),
            None,
        )),
        Spec::Season { season, anchor, .. } => season_near(today, season, anchor, tense),
        Spec::MonthPart { month, part } => {
            let (month, note) = match month {
                MonthRef::Named { month, anchor, .. } => {
                    yearless_month(today, month, anchor, tense)
                }
                MonthRef::Relative(by) => (shift(today, Unit::Month, by), None),
            };
            let third = month.and_then(|m| match m {
                Resolved::Month { year, month } => month_third(year, month, part),
                _ => None,
            });
            Reading::from((third, note))
        }
        Spec::Holiday {
            holiday, anchor, ..
        } => holiday_near(today, holiday, anchor, tense).into(),
        Spec::MonthSpan { from, to, .. } => {
            let (first, note) = yearless_month(today, from, Anchor::Tense, tense);
            let range = first.and_then(|first| {
                let Resolved::Month { year, .. } = first else {
                    return None;
                };
                let to_year = if to >= from { year } else { year + 1 };
                month_span_range(year, from, to_year, to)
            });
            Reading::from((range, note))
        }
        // Said outright: resolved above.
        Spec::Year(_) => Reading::default(),
    };
    match reading {
        Reading {
            resolved: None,
            note: None,
            ..
        } => Some(Reading::from((None, Some(NOTE_OUT_OF_RANGE)))),
        reading => Some(reading),
    }
}

/// From the first day of one month to the last of another.
fn month_span_range(from_year: i32, from: Month, to_year: i32, to: Month) -> Option<Resolved> {
    Some(Resolved::Range {
        first: Date::from_calendar_date(from_year, from, 1).ok()?,
        last: Date::from_calendar_date(to_year, to, to.length(to_year)).ok()?,
    })
}

/// The first reading resolved, the rest as alternatives.
fn readings_of(mut readings: Vec<Resolved>, note: Option<&'static str>) -> Reading {
    readings.dedup();
    if readings.is_empty() {
        return Reading::from((None, note.or(Some(NOTE_NO_SUCH_DATE))));
    }
    let resolved = readings.remove(0);
    Reading {
        resolved: Some(resolved),
        note,
        alternatives: readings,
    }
}

/// The (month, day) readings of `a/b`: US month/day first, then day/month when different.
fn slash_readings(a: u8, b: u8) -> Vec<(Month, u8)> {
    let mut out = Vec::new();
    let fits = |month: u8, day: u8| {
        let month = Month::try_from(month).ok()?;
        Date::from_calendar_date(2000, month, day)
            .ok()
            .map(|_| (month, day))
    };
    out.extend(fits(a, b));
    if a != b {
        out.extend(fits(b, a));
    }
    out
}

/// `count` months from month `first` (1-12) of `year`, as a range.
fn months_from(year: i32, first: u8, count: u8) -> Option<Resolved> {
    let index = i64::from(year) * 12 + i64::from(first) - 1;
    let month_at = |i: i64| -> Option<(i32, Month)> {
        Some((
            i32::try_from(i.div_euclid(12)).ok()?,
            month_number(i32::try_from(i.rem_euclid(12) + 1).ok()?)?,
        ))
    };
    let (first_year, first_month) = month_at(index)?;
    let (last_year, last_month) = month_at(index + i64::from(count) - 1)?;
    Some(Resolved::Range {
        first: Date::from_calendar_date(first_year, first_month, 1).ok()?,
        last: Date::from_calendar_date(last_year, last_month, last_month.length(last_year)).ok()?,
    })
}

/// Days 1-10 (`part` 0), 11-20 (1) or 21 to the end (2) of a month.
fn month_third(year: i32, month: Month, part: u8) -> Option<Resolved> {
    let (first, last) = match part {
        0 => (1, 10),
        1 => (11, 20),
        _ => (21, month.length(year)),
    };
    Some(Resolved::Range {
        first: Date::from_calendar_date(year, month, first).ok()?,
        last: Date::from_calendar_date(year, month, last).ok()?,
    })
}

/// The nearest day numbered `day` strictly before (`direction` -1) or after (1) `today`,
/// skipping months without it.
fn day_of_month_near(today: Date, day: u8, direction: i64) -> Option<Date> {
    let base = i64::from(today.year()) * 12 + i64::from(u8::from(today.month())) - 1;
    (0..=13).find_map(|k| {
        let index = base + k * direction;
        let year = i32::try_from(index.div_euclid(12)).ok()?;
        let month = month_number(i32::try_from(index.rem_euclid(12) + 1).ok()?)?;
        let date = Date::from_calendar_date(year, month, day).ok()?;
        let beyond = if direction < 0 {
            date < today
        } else {
            date > today
        };
        beyond.then_some(date)
    })
}

/// A season without its year: the one under way on the recording date, else by tense the last
/// one or the next; "last summer" is the last one over, "next summer" the next to begin,
/// "this summer" the one of the recording's year (for winter, the one under way or next).
fn season_near(
    today: Date,
    season: Season,
    anchor: Anchor,
    tense: &mut impl FnMut() -> Tense,
) -> Reading {
    let instances: Vec<Resolved> = (today.year() - 2..=today.year() + 2)
        .filter_map(|year| season.of_year(year))
        .collect();
    let current = instances
        .iter()
        .find(|r| r.first_day() <= today && today <= r.last_day())
        .copied();
    let last = instances
        .iter()
        .rev()
        .find(|r| r.last_day() < today)
        .copied();
    let next = instances.iter().find(|r| r.first_day() > today).copied();
    let northern = Some(NOTE_NORTHERN_SEASON);
    let (resolved, note) = match anchor {
        Anchor::Last | Anchor::LastWeek => (last, northern),
        Anchor::Next | Anchor::NextWeek => (next, northern),
        Anchor::This => {
            let this = if season == Season::Winter {
                current.or(next)
            } else {
                season.of_year(today.year())
            };
            (this, northern)
        }
        Anchor::Tense => match current {
            Some(current) => (Some(current), northern),
            None => match tense() {
                Tense::Future => (next, northern),
                Tense::Past => (last, northern),
                Tense::Unknown => (last, Some(NOTE_SEASON_WITHOUT_TENSE)),
            },
        },
    };
    Reading::from((resolved, note))
}

/// A holiday without its year: by its modifier or the sentence's tense, the last one or the
/// next (the recording's own day counts as either).
fn holiday_near(
    today: Date,
    holiday: Holiday,
    anchor: Anchor,
    tense: &mut impl FnMut() -> Tense,
) -> Outcome {
    let days: Vec<Date> = (today.year() - 2..=today.year() + 2)
        .filter_map(|year| holiday.in_year(year))
        .collect();
    if days.is_empty() {
        return (None, Some(NOTE_HOLIDAY_UNKNOWN));
    }
    let last = days.iter().rev().find(|d| **d < today).copied();
    let next = days.iter().find(|d| **d > today).copied();
    let on_the_day = days.contains(&today).then_some(today);
    let (date, note) = match anchor {
        Anchor::Last | Anchor::LastWeek => (last, None),
        Anchor::Next | Anchor::NextWeek => (next, None),
        Anchor::This => (holiday.in_year(today.year()), None),
        Anchor::Tense => match tense() {
            Tense::Future => (on_the_day.or(next), None),
            Tense::Past => (on_the_day.or(last), None),
            // without tense, the nearer one: "it ends on New Year's Eve" said in December
            Tense::Unknown => {
                let distance =
                    |d: &Option<Date>| d.map_or(i64::MAX, |d| (d - today).whole_days().abs());
                let nearer = if distance(&next) < distance(&last) {
                    next
                } else {
                    last
                };
                (on_the_day.or(nearer), Some(NOTE_HOLIDAY_WITHOUT_TENSE))
            }
        },
    };
    match date {
        Some(date) => (Some(Resolved::Day(date)), note),
        None => (None, Some(NOTE_HOLIDAY_UNKNOWN)),
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
        Anchor::Last | Anchor::LastWeek => (last, None),
        Anchor::Next | Anchor::NextWeek => (next, None),
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
) -> Reading {
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
    let day = |days: i64| add_days(today, days).map(Resolved::Day);
    let (days, note, alternative) = match anchor {
        Anchor::Next => (ahead, None, None),
        Anchor::Last => (-behind, None, None),
        Anchor::This => (wanted - from_monday, None, None),
        // that weekday of the previous week; the most recent one when it lies in this week
        Anchor::LastWeek => (
            wanted - from_monday - 7,
            None,
            (wanted < from_monday).then_some(-behind),
        ),
        Anchor::NextWeek => (
            wanted - from_monday + 7,
            None,
            (wanted > from_monday).then_some(ahead),
        ),
        Anchor::Tense => match tense() {
            Tense::Future => (ahead, None, None),
            Tense::Past => (-behind, None, None),
            Tense::Unknown => (-behind, Some(NOTE_WEEKDAY_WITHOUT_TENSE), None),
        },
    };
    Reading {
        resolved: day(days),
        note,
        alternatives: alternative.and_then(day).into_iter().collect(),
    }
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
        Unit::Quarter => {
            let quarter = i64::from((u8::from(today.month()) - 1) / 3);
            let index = i64::from(today.year()) * 4 + quarter + by;
            let year = i32::try_from(index.div_euclid(4)).ok()?;
            let first = u8::try_from(index.rem_euclid(4) * 3 + 1).ok()?;
            months_from(year, first, 3)
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
            ("The export ran on 09/20/2021.", &[("09/20/2021", "2021-09-20")]),
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
            ("It was decided in mid-October.", &[("mid-October", "2020-10-11/2020-10-20")]),
            ("We will decide by the end of June.", &[("the end of June", "2022-06-21/2022-06-30")]),
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

    /// (text, span meant, alternatives) of every mention found.
    fn meant(text: &str, recording: Date) -> Vec<(String, String, Vec<String>)> {
        find_dates(text, Some(recording))
            .into_iter()
            .map(|m| {
                assert_eq!(&text[m.start..m.end], m.text, "offsets of {:?}", m.text);
                (
                    m.text.clone(),
                    m.meant().map_or_else(String::new, |r| r.to_string()),
                    m.alternatives.iter().map(ToString::to_string).collect(),
                )
            })
            .collect()
    }

    /// Development cases for the forms of issue 18, written from the conventions (not from
    /// the held-out set, which is scored by `examples/dates_heldout.rs`).
    #[test]
    fn more_spoken_forms() {
        #[rustfmt::skip]
        let cases: &[(Date, &str, &str, &str)] = &[
            // a day of the month alone: the nearest before (past) or after (future)
            (date!(2021-11-03), "We cut the access on the 20th.", "the 20th", "2021-10-20"),
            (date!(2021-11-03), "We will cut the access on the 20th.", "the 20th", "2021-11-20"),
            (date!(2019-03-05), "It was deleted on the 30th.", "the 30th", "2019-01-30"),
            (date!(2021-09-30), "They copied it on the 31st.", "the 31st", "2021-08-31"),
            (date!(2021-11-03), "The export ran on the third.", "the third", "2021-10-03"),
            // numeric dates
            (date!(2021-11-03), "The ticket was closed on 9/20.", "9/20", "2021-09-20"),
            (date!(2024-05-02), "The audit was on 13/4/24.", "13/4/24", "2024-04-13"),
            (date!(2022-01-05), "It was signed 12/28/21.", "12/28/21", "2021-12-28"),
            // quarters and halves
            (date!(2021-11-03), "Revenue fell in Q3.", "Q3", "2021-07-01/2021-09-30"),
            (date!(2021-11-03), "We migrate in the first quarter of 2022.", "the first quarter of 2022", "2022-01-01/2022-03-31"),
            (date!(2021-11-03), "It was planned for H1 2022.", "H1 2022", "2022-01-01/2022-06-30"),
            (date!(2021-11-03), "They moved the servers last quarter.", "last quarter", "2021-07-01/2021-09-30"),
            (date!(2021-11-03), "We hired them in the second half of last year.", "the second half of last year", "2020-07-01/2020-12-31"),
            // seasons
            (date!(2021-11-03), "We copied the tables over the summer.", "the summer", "2021-06-01/2021-08-31"),
            (date!(2021-07-15), "They saw everything last summer.", "last summer", "2020-06-01/2020-08-31"),
            (date!(2021-11-03), "We will move it in the spring.", "the spring", "2022-03-01/2022-05-31"),
            (date!(2020-09-02), "This summer we stopped the exports.", "This summer", "2020-06-01/2020-08-31"),
            (date!(2021-11-03), "It was built in the fall of 2019.", "the fall of 2019", "2019-09-01/2019-11-30"),
            // the week before last, vague counts
            (date!(2021-11-03), "It happened the week before last.", "the week before last", "2021-10-18/2021-10-24"),
            (date!(2021-11-03), "He saw it the week after next.", "the week after next", "2021-11-15/2021-11-21"),
            (date!(2021-11-03), "We met a couple of weeks ago.", "a couple of weeks ago", "2021-10-18/2021-10-24"),
            (date!(2021-11-03), "We met a few days ago.", "a few days ago", "2021-10-31"),
            (date!(2025-11-12), "It broke several days ago.", "several days ago", "2025-11-05/2025-11-09"),
            (date!(2021-11-03), "It changed a few months back.", "a few months back", "2021-08"),
            (date!(2021-11-03), "The year before last was quiet.", "The year before last", "2019"),
            // parts of a month
            (date!(2021-11-03), "We exported it in early October.", "early October", "2021-10-01/2021-10-10"),
            (date!(2021-11-03), "It was done at the end of September.", "the end of September", "2021-09-21/2021-09-30"),
            (date!(2021-11-03), "It happened in late February 2020.", "late February 2020", "2020-02-21/2020-02-29"),
            (date!(2021-11-03), "The audit is at the middle of the month.", "the middle of the month", "2021-11-11/2021-11-20"),
            // open ranges
            (date!(2021-11-03), "Beijing has had access since January.", "January", "2021-01-01/2021-11-03"),
            (date!(2023-09-13), "We will finish it by March.", "March", "2023-09-13/2024-03-31"),
            (date!(2021-11-03), "Keep the copy until the end of the month.", "the end of the month", "2021-11-03/2021-11-30"),
            (date!(2021-11-03), "It must be done by the end of Q4.", "the end of Q4", "2021-11-03/2021-12-31"),
            (date!(2025-01-19), "The admin has had access since Christmas.", "Christmas", "2024-12-25/2025-01-19"),
            // explicit ranges
            (date!(2021-11-03), "They had access from March to June.", "from March to June", "2021-03-01/2021-06-30"),
            (date!(2021-11-03), "The logs went missing between the 3rd and the 10th.", "between the 3rd and the 10th", "2021-10-03/2021-10-10"),
            (date!(2021-11-03), "It ran from September 1 to September 15.", "from September 1 to September 15", "2021-09-01/2021-09-15"),
            // holidays
            (date!(2021-11-03), "We shipped it before Christmas.", "Christmas", "2020-12-25"),
            (date!(2021-11-03), "We will ship it at Christmas.", "Christmas", "2021-12-25"),
            (date!(2021-12-01), "It went down on Thanksgiving.", "Thanksgiving", "2021-11-25"),
            (date!(2022-03-01), "They met during Chinese New Year.", "Chinese New Year", "2022-02-01"),
            (date!(2022-03-01), "The office closed for the Spring Festival.", "the Spring Festival", "2022-02-01"),
            (date!(2021-11-03), "It was on New Year's Eve 2020.", "New Year's Eve 2020", "2020-12-31"),
            (date!(2021-11-03), "It was the day after Thanksgiving 2019.", "the day after Thanksgiving 2019", "2019-11-29"),
            // years
            (date!(2021-11-03), "That was back in '19.", "'19", "2019"),
            (date!(2021-11-03), "It was built in twenty twenty.", "twenty twenty", "2020"),
            (date!(2024-11-03), "We migrated in twenty-three.", "twenty-three", "2023"),
            (date!(2021-11-03), "The server went live in two thousand nineteen.", "two thousand nineteen", "2019"),
            (date!(2021-11-03), "We shut it down on the Fourth of July.", "the Fourth of July", "2021-07-04"),
            (date!(2021-11-03), "The dump happened on Halloween.", "Halloween", "2021-10-31"),
            (date!(2021-11-03), "It was copied on New Year's Day.", "New Year's Day", "2021-01-01"),
            (date!(2021-11-03), "It starts at the beginning of next month.", "the beginning of next month", "2021-12-01/2021-12-10"),
            (date!(2022-05-03), "They deleted it in mid-March.", "mid-March", "2022-03-11/2022-03-20"),
            (date!(2021-11-03), "It happened three weeks ago.", "three weeks ago", "2021-10-11/2021-10-17"),
            (date!(2021-11-03), "We met this weekend.", "this weekend", "2021-11-06/2021-11-07"),
            (date!(2021-11-03), "We will meet this Friday.", "this Friday", "2021-11-05"),
            (date!(2021-11-03), "The logs go back to Q2 of 2020.", "Q2 of 2020", "2020-04-01/2020-06-30"),
            (date!(2021-11-03), "The access ended in '21.", "'21", "2021"),
            (date!(2021-01-20), "The export ran over the winter.", "the winter", "2020-12-01/2021-02-28"),
            (date!(2021-11-03), "Access was open from September 1, 2021 to October 15, 2021.", "from September 1, 2021 to October 15, 2021", "2021-09-01/2021-10-15"),
            (date!(2021-11-03), "They worked on it from Monday to Wednesday.", "from Monday to Wednesday", "2021-11-01/2021-11-03"),
            (date!(2021-11-03), "Since last week they can see everything.", "last week", "2021-10-25/2021-11-03"),
            (date!(2021-11-03), "They can see it until the 20th.", "the 20th", "2021-11-03/2021-11-20"),
        ];
        for (recording, text, words, span) in cases {
            let found = meant(text, *recording);
            assert!(
                found.iter().any(|(w, s, _)| w == words && s == span),
                "{text:?} recorded {recording}: {found:?}"
            );
        }
    }

    #[test]
    fn ambiguous_mentions_keep_their_other_readings() {
        #[rustfmt::skip]
        let cases: &[(Date, &str, &str, &[&str])] = &[
            // Wednesday: last Tuesday is the previous week's, or yesterday
            (date!(2021-11-03), "We spoke last Tuesday.", "2021-10-26", &["2021-11-02"]),
            // Monday: last Friday is the previous week's either way
            (date!(2021-11-01), "We spoke last Friday.", "2021-10-29", &[]),
            // Monday: next Friday is the following week's, or this week's
            (date!(2021-11-01), "We meet next Friday.", "2021-11-12", &["2021-11-05"]),
            (date!(2021-11-04), "We meet next Tuesday.", "2021-11-09", &[]),
            (date!(2021-11-03), "See you next weekend.", "2021-11-13/2021-11-14", &["2021-11-06/2021-11-07"]),
            (date!(2021-11-03), "It was signed on 3/4/21.", "2021-03-04", &["2021-04-03"]),
            (date!(2021-11-03), "It was signed on 5/5/21.", "2021-05-05", &[]),
            (date!(2023-11-03), "It happened in winter 2022.", "2021-12-01/2022-02-28", &["2022-12-01/2023-02-28"]),
            // an open range carries the ambiguity into its end
            (date!(2021-11-01), "Keep it until next Wednesday.", "2021-11-01/2021-11-10", &["2021-11-01/2021-11-03"]),
        ];
        for (recording, text, span, alternatives) in cases {
            let found = meant(text, *recording);
            assert_eq!(found.len(), 1, "{text:?}: {found:?}");
            assert_eq!(found[0].1, *span, "{text:?}");
            assert_eq!(found[0].2, *alternatives, "{text:?}");
        }
    }

    #[test]
    fn seasons_say_the_hemisphere_is_assumed() {
        let found = find_dates("We copied it over the summer.", Some(date!(2021 - 11 - 03)));
        assert_eq!(found[0].note.as_deref(), Some(NOTE_NORTHERN_SEASON));
        let found = find_dates(
            "It was built in the fall of 2019.",
            Some(date!(2021 - 11 - 03)),
        );
        assert_eq!(found[0].note.as_deref(), Some(NOTE_NORTHERN_SEASON));
    }

    #[test]
    fn date_like_words_that_are_not_dates() {
        let recording = Some(date!(2021 - 11 - 03));
        for text in [
            "About 3/4 of the servers are in Beijing.",
            "They passed 12/15 checks.",
            "Support runs 24/7 from Dublin.",
            "The service listens on port 8080.",
            "We upgraded to version 2.3/4 of the agent.",
            "May from legal signed off.",
            "June asked about the tables.",
            "Prices fall when the quarter ends.",
            "The new version will spring into action.",
            "Wait a second, let me check.",
            "The files are on the second floor.",
            "Sun and wind are fine.",
            "Will said it was fine.",
            "We march on.",
            "That is the first half of the meeting.",
        ] {
            assert_eq!(find_dates(text, recording), vec![], "{text:?}");
        }
    }

    #[test]
    fn uncertain_mentions_carry_a_note() {
        let recording = Some(date!(2021 - 09 - 14)); // a Tuesday
        #[rustfmt::skip]
        let cases: &[(&str, Option<&str>, Option<&str>)] = &[
            ("The meeting on Friday.", Some("2021-09-10"), Some(NOTE_WEEKDAY_WITHOUT_TENSE)),
            ("The review in March.", Some("2021-03"), Some(NOTE_MONTH_WITHOUT_TENSE)),
            // the present tense is read as a schedule
            ("The review is in March.", Some("2022-03"), None),
            ("The meeting, September 20.", Some("2021-09-20"), Some(NOTE_DATE_WITHOUT_TENSE)),
            ("It began about two weeks ago.", Some("2021-08-30/2021-09-05"), Some(NOTE_APPROXIMATE)),
            ("It began two or three weeks ago.", None, Some(NOTE_VAGUE_COUNT)),
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
