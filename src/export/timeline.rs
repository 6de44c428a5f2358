//! The timeline: claims and the dates they mention, in date order, for fact-checkers to verify
//! line by line. [`rows`] turns claims into dated lines; [`table`], [`csv`](fn@csv), [`json`], [`svg`]
//! and [`html`] render them. Every renderer is deterministic and escapes all transcript text.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use maud::{html, Markup, PreEscaped, DOCTYPE};
use serde::Serialize;
use time::{Date, Month};

use crate::claims::dates::{Bound, Resolved};
use crate::claims::{Claim, Rules};
use crate::error::Result;

use super::csv::{Cells, Table};
use super::escape;

time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");

/// The event of a row at the recording date: when the claim was made.
pub const SAID: &str = "said";
/// The event of a row at a date the quote refers to ("last month").
pub const MENTIONED: &str = "mentioned";

/// One line of the timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// The day the row sits at: the first day of the mentioned date, or the recording date.
    #[serde(with = "iso_date::option")]
    pub date: Option<Date>,
    /// The last day the row covers: the mentioned week's, month's or range's last day; the
    /// same as `date` for a single day.
    #[serde(with = "iso_date::option")]
    pub end: Option<Date>,
    /// How the date was given: `2021-09-06/2021-09-12`, `2021-08`, `2021-09-14`; empty when
    /// the recording date is unknown.
    pub date_text: String,
    /// [`SAID`] (the recording date, when the claim was made) or [`MENTIONED`] (a date the
    /// quote refers to).
    pub event: &'static str,
    /// The words that mention the date ("last month"), for [`MENTIONED`] rows.
    pub mention: Option<String>,
    /// `since` or `until` for an open range ("since January": from January to the recording
    /// date), else none.
    pub open_range: Option<&'static str>,
    /// True for a second reading of an ambiguous date ("last Tuesday" said on a Wednesday may
    /// be yesterday): drawn dashed, and listed after the most likely reading.
    pub alternative: bool,
    /// The claim's kind.
    pub kind: String,
    /// The speaker, where known.
    pub speaker: Option<String>,
    /// The whole quote.
    pub quote: String,
    /// The claim's id; the HTML page anchors the claim's first row under it.
    pub claim_id: String,
    /// The claim's citation (recording, times, speaker, source hash).
    pub citation: String,
    /// The claim's flags, by name.
    pub flags: Vec<String>,
    /// The claim's latest review (`verified by Ana, 2026-12-03`; `stale by ...` when the claim
    /// changed since); none when unreviewed.
    pub review: Option<String>,
}

/// The timeline of `claims`: one [`SAID`] row per claim at its recording date, and one
/// [`MENTIONED`] row per date it mentions that resolved (unresolved mentions make no row; the
/// claim's flags say so). Sorted by date with undated rows last, mentioned before said on the
/// same day, then by recording date, recording and start time; ties keep their input order.
pub fn rows(claims: &[Claim]) -> Vec<Row> {
    let mut keyed = Vec::new();
    for claim in claims {
        let said_text = claim
            .recording_date
            .map(|date| Resolved::Day(date).to_string())
            .unwrap_or_default();
        keyed.push((
            sort_key(claim, claim.recording_date, SAID),
            row(
                claim,
                claim.recording_date.map(Resolved::Day),
                said_text,
                SAID,
                None,
            ),
        ));
        for mention in &claim.dates {
            let Some(meant) = mention.meant() else {
                continue;
            };
            let open_range = mention.open_range.map(|open| match open.bound {
                Bound::Since => "since",
                Bound::Until => "until",
            });
            let readings = std::iter::once((meant, false))
                .chain(mention.alternatives.iter().map(|a| (*a, true)));
            for (reading, alternative) in readings {
                let mut line = row(
                    claim,
                    Some(reading),
                    reading.to_string(),
                    MENTIONED,
                    Some(mention.text.clone()),
                );
                line.open_range = open_range;
                line.alternative = alternative;
                keyed.push((sort_key(claim, line.date, MENTIONED), line));
            }
        }
    }
    // A stable sort: rows with equal keys keep the order they were given in.
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed.into_iter().map(|(_, row)| row).collect()
}

/// Undated last, day, said after mentioned, undated recordings last, recording date,
/// recording, start.
type SortKey<'a> = (bool, Option<Date>, bool, bool, Option<Date>, &'a str, u64);

fn sort_key<'a>(claim: &'a Claim, date: Option<Date>, event: &str) -> SortKey<'a> {
    (
        date.is_none(),
        date,
        event == SAID,
        claim.recording_date.is_none(),
        claim.recording_date,
        &claim.recording,
        claim.start_ms,
    )
}

fn row(
    claim: &Claim,
    date: Option<Resolved>,
    date_text: String,
    event: &'static str,
    mention: Option<String>,
) -> Row {
    Row {
        date: date.map(|d| d.first_day()),
        end: date.map(|d| d.last_day()),
        date_text,
        event,
        mention,
        open_range: None,
        alternative: false,
        kind: claim.kind.clone(),
        speaker: claim.speaker.clone(),
        quote: claim.quote.clone(),
        claim_id: claim.id.clone(),
        citation: claim.citation(),
        flags: claim.flags.iter().map(|f| f.name().to_string()).collect(),
        review: claim.review.as_ref().map(|r| r.summary()),
    }
}

// ---------------------------------------------------------------------------------------------
// Plain text, CSV and JSON.

/// The longest quote the plain-text table shows, in characters, "…" included.
const TABLE_QUOTE_CHARS: usize = 80;

/// Aligned plain-text columns with a header line: date (as given, `undated` when unknown),
/// event (with the mentioning words), kind, speaker (`unknown` when not known), quote (cut to
/// 80 characters with "…") and citation.
pub fn table(rows: &[Row]) -> String {
    const HEADER: [&str; 6] = ["date", "event", "kind", "speaker", "quote", "citation"];
    let lines: Vec<[String; 6]> = rows
        .iter()
        .map(|row| {
            let event = event_label(row);
            [
                one_line(date_label(row)),
                event,
                one_line(&row.kind),
                one_line(row.speaker.as_deref().unwrap_or("unknown")),
                truncate(&one_line(&row.quote), TABLE_QUOTE_CHARS),
                one_line(&row.citation),
            ]
        })
        .collect();
    let mut widths = HEADER.map(|title| title.chars().count());
    for cells in &lines {
        for (width, cell) in widths.iter_mut().zip(cells) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for cells in std::iter::once(HEADER.map(String::from)).chain(lines) {
        let mut line = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 < cells.len() {
                let _ = write!(line, "{cell:<width$}  ", width = widths[i]);
            } else {
                line.push_str(cell);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `said`, `mentioned "last month"`, `mentioned since "January"`, `mentioned "last Tuesday"
/// (other reading)`.
fn event_label(row: &Row) -> String {
    let mut text = row.event.to_string();
    if let Some(bound) = row.open_range {
        text.push(' ');
        text.push_str(bound);
    }
    if let Some(words) = &row.mention {
        let _ = write!(text, " \"{}\"", one_line(words));
    }
    if row.alternative {
        text.push_str(" (other reading)");
    }
    text
}

/// The date as given, or `undated`.
fn date_label(row: &Row) -> &str {
    if row.date_text.is_empty() {
        "undated"
    } else {
        &row.date_text
    }
}

/// Line breaks, tabs and other control characters become spaces so that columns stay aligned
/// and a transcript cannot send escape sequences to a terminal.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// At most `max` characters, the last one "…" when cut.
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let kept: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", kept.trim_end())
}

/// CSV with a header row: `date,date_text,event,mention,kind,speaker,quote,claim_id,citation,
/// flags,review,end,open_range,reading` (empty fields for unknown values, flags joined by `;`;
/// `date` and `end` are the first and last day covered, `reading` is `primary` or
/// `alternative` on mentioned rows); `cells` says whether formula-like cells are neutralised.
pub fn csv(rows: &[Row], cells: Cells) -> Result<String> {
    let mut out = Table::new(
        &[
            "date",
            "date_text",
            "event",
            "mention",
            "kind",
            "speaker",
            "quote",
            "claim_id",
            "citation",
            "flags",
            "review",
            "end",
            "open_range",
            "reading",
        ],
        cells,
    )?;
    let day = |date: Option<Date>| {
        date.map(|d| Resolved::Day(d).to_string())
            .unwrap_or_default()
    };
    for row in rows {
        let date = day(row.date);
        let end = day(row.end);
        let reading = match (row.event, row.alternative) {
            (SAID, _) => "",
            (_, false) => "primary",
            (_, true) => "alternative",
        };
        out.row([
            date.as_str(),
            &row.date_text,
            row.event,
            row.mention.as_deref().unwrap_or(""),
            &row.kind,
            row.speaker.as_deref().unwrap_or(""),
            &row.quote,
            &row.claim_id,
            &row.citation,
            &row.flags.join(";"),
            row.review.as_deref().unwrap_or(""),
            &end,
            row.open_range.unwrap_or(""),
            reading,
        ])?;
    }
    out.finish()
}

/// A pretty-printed JSON array of rows (`date` is `YYYY-MM-DD` or null).
pub fn json(rows: &[Row]) -> String {
    serde_json::to_string_pretty(rows).expect("timeline rows always serialize") + "\n"
}

// ---------------------------------------------------------------------------------------------
// Escaping and colours, shared by the SVG and the HTML page.

/// The grey used when a rules file gives a colour that is not a plain CSS colour.
const FALLBACK_COLOR: &str = "#7f7f7f";

/// The kind's colour from the rules, kept only when it is `#` and 3, 4, 6 or 8 hex digits or a
/// colour name: a rules file must not be able to inject markup or CSS (`url(...)`).
fn kind_color(rules: &Rules, kind: &str) -> String {
    let color = rules.color(kind);
    let hex = color.strip_prefix('#').is_some_and(|digits| {
        matches!(digits.len(), 3 | 4 | 6 | 8) && digits.chars().all(|c| c.is_ascii_hexdigit())
    });
    let named = (1..=32).contains(&color.len()) && color.chars().all(|c| c.is_ascii_alphabetic());
    if hex || named {
        color
    } else {
        FALLBACK_COLOR.to_string()
    }
}

/// The kinds of `rows`: those the rules list, in their order, then others as they come.
fn kinds_of<'a>(rows: &[&'a Row], rules: &'a Rules) -> Vec<&'a str> {
    let mut kinds: Vec<&str> = rules
        .kinds
        .iter()
        .map(|kind| kind.name.as_str())
        .filter(|name| rows.iter().any(|row| row.kind == *name))
        .collect();
    for row in rows.iter().copied() {
        if !kinds.contains(&row.kind.as_str()) {
            kinds.push(&row.kind);
        }
    }
    kinds
}

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

// ---------------------------------------------------------------------------------------------
// The SVG chart.

const WIDTH: f64 = 960.0;
/// Left edge of the plot; lane labels sit to its left.
const PLOT_LEFT: f64 = 180.0;
const PLOT_RIGHT: f64 = 930.0;
const MARGIN: f64 = 16.0;
const LANE_HEIGHT: f64 = 32.0;
const RADIUS: f64 = 5.0;
/// Rough width of one 12px sans-serif character, to lay out the legend.
const CHAR_WIDTH: f64 = 6.5;
/// Space one month label needs on the axis.
const TICK_LABEL_WIDTH: f64 = 64.0;
/// Lane labels longer than this are cut (the full name is in the label's tooltip).
const LANE_LABEL_CHARS: usize = 24;

/// The x axis: julian days from `first` to `last`, padded around the dated rows.
struct Scale {
    first: i32,
    last: i32,
}

impl Scale {
    fn new(dates: impl Iterator<Item = Date>) -> Option<Scale> {
        let days: Vec<i32> = dates.map(Date::to_julian_day).collect();
        let (min, max) = (*days.iter().min()?, *days.iter().max()?);
        let pad = ((max - min) / 20).max(3);
        Some(Scale {
            first: min - pad,
            last: max + pad,
        })
    }

    fn x(&self, date: Date) -> f64 {
        let share =
            f64::from(date.to_julian_day() - self.first) / f64::from(self.last - self.first);
        PLOT_LEFT + share * (PLOT_RIGHT - PLOT_LEFT)
    }

    /// First days of months inside the axis, every `step` months so that labels do not
    /// overlap (steps of whole years land on January).
    fn month_ticks(&self) -> Vec<Date> {
        let day = |julian: i32| {
            Date::from_julian_day(
                julian.clamp(Date::MIN.to_julian_day(), Date::MAX.to_julian_day()),
            )
            .unwrap_or(Date::MIN)
        };
        let (first, last) = (day(self.first), day(self.last));
        let index =
            |date: Date| i64::from(date.year()) * 12 + i64::from(u8::from(date.month())) - 1;
        let (from, to) = (index(first), index(last));
        let months = (to - from + 1).max(1);
        let fits = (((PLOT_RIGHT - PLOT_LEFT) / TICK_LABEL_WIDTH) as i64).max(1);
        let step = [
            1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200, 2400, 6000, 12000,
        ]
        .into_iter()
        .find(|step| months / step < fits)
        .unwrap_or_else(|| (months / fits + 12) / 12 * 12);
        let mut ticks = Vec::new();
        let mut month = from + (step - from.rem_euclid(step)) % step;
        while month <= to {
            let year = i32::try_from(month.div_euclid(12)).ok();
            let number = u8::try_from(month.rem_euclid(12) + 1).ok();
            if let Some(date) = year
                .zip(number.and_then(|n| Month::try_from(n).ok()))
                .and_then(|(year, month)| Date::from_calendar_date(year, month, 1).ok())
            {
                if (first..=last).contains(&date) {
                    ticks.push(date);
                }
            }
            month += step;
        }
        ticks
    }
}

fn month_label(date: Date) -> String {
    Resolved::Month {
        year: date.year(),
        month: date.month(),
    }
    .to_string()
}

/// A row's place in the chart.
struct Mark<'a> {
    row: &'a Row,
    x: f64,
    y: f64,
    color: String,
}

/// Offsets for the k-th mark on the same lane and day, so that marks do not hide each other.
fn stack_offset(k: usize) -> (f64, f64) {
    const DY: [f64; 3] = [0.0, -8.0, 8.0];
    ((k / 3).min(4) as f64 * 4.0, DY[k % 3])
}

/// Lays out items left to right, wrapping at the right margin.
struct Flow {
    x: f64,
    y: f64,
}

impl Flow {
    fn place(&mut self, width: f64) -> (f64, f64) {
        if self.x > MARGIN && self.x + width > WIDTH - MARGIN {
            self.newline();
        }
        let at = (self.x, self.y);
        self.x += width;
        at
    }

    fn newline(&mut self) {
        self.x = MARGIN;
        self.y += 20.0;
    }
}

fn text_width(text: &str) -> f64 {
    text.chars().count() as f64 * CHAR_WIDTH
}

/// A standalone SVG chart (960 wide, taller with more speakers): time on the x axis with month
/// labels, one lane per speaker (an `unknown speaker` lane last), a filled circle per [`SAID`]
/// row and a hollow one per [`MENTIONED`] row in the kind's colour, a line joining a claim's
/// marks, a bar over the days a mentioned week or month covers, and a legend. Each mark links
/// to `#<claim id>` and has a tooltip. Undated rows are counted in a note, not drawn.
pub fn svg(rows: &[Row], rules: &Rules) -> String {
    let dated: Vec<&Row> = rows.iter().filter(|row| row.date.is_some()).collect();
    let undated = rows.len() - dated.len();
    let mut lanes: Vec<Option<&str>> = Vec::new();
    for row in &dated {
        if row.speaker.is_some() && !lanes.contains(&row.speaker.as_deref()) {
            lanes.push(row.speaker.as_deref());
        }
    }
    if dated.iter().any(|row| row.speaker.is_none()) {
        lanes.push(None);
    }
    let lane_center = |lane: usize| MARGIN + LANE_HEIGHT * (lane as f64 + 0.5);
    let plot_bottom = MARGIN + LANE_HEIGHT * lanes.len().max(1) as f64;
    let mut body = String::new();

    for (lane, speaker) in lanes.iter().enumerate() {
        let top = MARGIN + LANE_HEIGHT * lane as f64;
        if lane % 2 == 0 {
            let _ = writeln!(
                body,
                r##"<rect x="0" y="{top:.1}" width="{WIDTH}" height="{LANE_HEIGHT}" fill="#f5f5f5"/>"##
            );
        }
        let (name, style) = match speaker {
            Some(name) => (*name, ""),
            None => ("unknown speaker", r##" fill="#666" font-style="italic""##),
        };
        let _ = writeln!(
            body,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end"{style}>{}<title>{}</title></text>"#,
            PLOT_LEFT - 12.0,
            lane_center(lane) + 4.0,
            escape(&truncate(&one_line(name), LANE_LABEL_CHARS)),
            escape(name),
        );
    }

    let scale = Scale::new(
        dated
            .iter()
            .flat_map(|row| row.date.into_iter().chain(row.end)),
    );
    match &scale {
        Some(scale) => {
            let ticks = scale.month_ticks();
            for tick in &ticks {
                let x = scale.x(*tick);
                let _ = writeln!(
                    body,
                    r##"<line x1="{x:.1}" y1="{MARGIN}" x2="{x:.1}" y2="{:.1}" stroke="#ddd"/>"##,
                    plot_bottom + 5.0
                );
                let _ = writeln!(
                    body,
                    r##"<text x="{x:.1}" y="{:.1}" text-anchor="middle" fill="#444">{}</text>"##,
                    plot_bottom + 18.0,
                    month_label(*tick)
                );
            }
            if ticks.is_empty() {
                // The whole axis lies inside one month: name it once.
                let first = dated.iter().filter_map(|row| row.date).min();
                if let Some(first) = first {
                    let _ = writeln!(
                        body,
                        r##"<text x="{PLOT_LEFT}" y="{:.1}" fill="#444">{}</text>"##,
                        plot_bottom + 18.0,
                        month_label(first)
                    );
                }
            }
            let _ = writeln!(
                body,
                r##"<line x1="{PLOT_LEFT}" y1="{plot_bottom:.1}" x2="{PLOT_RIGHT}" y2="{plot_bottom:.1}" stroke="#888"/>"##
            );
        }
        None => {
            let _ = writeln!(
                body,
                r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#666">No dated rows to draw.</text>"##,
                WIDTH / 2.0,
                lane_center(0) + 4.0
            );
        }
    }

    let mut marks = Vec::new();
    if let Some(scale) = &scale {
        let mut stacked: HashMap<(usize, i32), usize> = HashMap::new();
        for &row in &dated {
            let Some(date) = row.date else { continue };
            let lane = lanes
                .iter()
                .position(|speaker| *speaker == row.speaker.as_deref())
                .unwrap_or(0);
            let count = stacked.entry((lane, date.to_julian_day())).or_insert(0);
            let (dx, dy) = stack_offset(*count);
            *count += 1;
            marks.push(Mark {
                row,
                x: scale.x(date) + dx,
                y: lane_center(lane) + dy,
                color: kind_color(rules, &row.kind),
            });
        }
        // Bars over the days a mentioned week, month, year or range covers (dashed outlines
        // for a second reading of an ambiguous date).
        for mark in marks.iter().filter(|mark| mark.row.event == MENTIONED) {
            let (Some(first), Some(last)) = (mark.row.date, mark.row.end) else {
                continue;
            };
            if last > first {
                let width = (scale.x(last) - scale.x(first)).max(0.0);
                let paint = if mark.row.alternative {
                    format!(
                        r#"fill="none" stroke="{}" stroke-width="1" stroke-dasharray="3 2""#,
                        mark.color
                    )
                } else {
                    format!(r#"fill="{}" fill-opacity="0.3""#, mark.color)
                };
                let _ = writeln!(
                    body,
                    r#"<rect x="{:.1}" y="{:.1}" width="{width:.1}" height="4" {paint}/>"#,
                    mark.x,
                    mark.y - 2.0,
                );
            }
        }
    }
    // Lines from each mentioned mark to the mark of when it was said.
    let mut said: HashMap<&str, (f64, f64)> = HashMap::new();
    for mark in marks.iter().filter(|mark| mark.row.event == SAID) {
        said.entry(mark.row.claim_id.as_str())
            .or_insert((mark.x, mark.y));
    }
    for mark in marks.iter().filter(|mark| mark.row.event == MENTIONED) {
        if let Some((x, y)) = said.get(mark.row.claim_id.as_str()) {
            let _ = writeln!(
                body,
                r#"<line x1="{:.1}" y1="{:.1}" x2="{x:.1}" y2="{y:.1}" stroke="{}" stroke-width="1" stroke-opacity="0.6"/>"#,
                mark.x, mark.y, mark.color
            );
        }
    }
    for mark in &marks {
        let paint = if mark.row.event == SAID {
            format!(r##"fill="{}" stroke="#fff" stroke-width="1""##, mark.color)
        } else if mark.row.alternative {
            format!(
                r#"fill="none" stroke="{}" stroke-width="2" stroke-dasharray="3 2" pointer-events="visible""#,
                mark.color
            )
        } else {
            format!(
                r#"fill="none" stroke="{}" stroke-width="2" pointer-events="visible""#,
                mark.color
            )
        };
        let _ = writeln!(
            body,
            r##"<a href="#{}"><circle cx="{:.1}" cy="{:.1}" r="{RADIUS}" {paint}><title>{}</title></circle></a>"##,
            escape(&mark.row.claim_id),
            mark.x,
            mark.y,
            escape(&tooltip(mark.row)),
        );
    }

    // The legend: kinds, then mark shapes, then what was left out.
    let mut flow = Flow {
        x: MARGIN,
        y: plot_bottom + 48.0,
    };
    for kind in kinds_of(&dated, rules) {
        let label = truncate(&one_line(kind), 40);
        let (x, y) = flow.place(20.0 + text_width(&label) + 16.0);
        let _ = writeln!(
            body,
            r#"<rect x="{x:.1}" y="{:.1}" width="12" height="12" rx="2" fill="{}"/><text x="{:.1}" y="{y:.1}">{}</text>"#,
            y - 10.0,
            kind_color(rules, kind),
            x + 18.0,
            escape(&label)
        );
    }
    if !dated.is_empty() {
        flow.newline();
    }
    let shapes: [(&str, &str); 5] = [
        (
            r##"<circle cx="{cx}" cy="{cy}" r="5" fill="#555"/>"##,
            "said (recording date)",
        ),
        (
            r##"<circle cx="{cx}" cy="{cy}" r="5" fill="none" stroke="#555" stroke-width="2"/>"##,
            "mentioned (a date the quote refers to)",
        ),
        (
            r##"<line x1="{x1}" y1="{cy}" x2="{x2}" y2="{cy}" stroke="#555"/>"##,
            "joins a claim's marks",
        ),
        (
            r##"<rect x="{x1}" y="{bar}" width="16" height="4" fill="#555" fill-opacity="0.3"/>"##,
            "days a mention covers (since / until: to the recording date)",
        ),
        (
            r##"<circle cx="{cx}" cy="{cy}" r="5" fill="none" stroke="#555" stroke-width="2" stroke-dasharray="3 2"/>"##,
            "another reading of an ambiguous date",
        ),
    ];
    for (shape, label) in shapes {
        let (x, y) = flow.place(24.0 + text_width(label) + 16.0);
        let shape = shape
            .replace("{cx}", &format!("{:.1}", x + 6.0))
            .replace("{cy}", &format!("{:.1}", y - 4.0))
            .replace("{x1}", &format!("{x:.1}"))
            .replace("{x2}", &format!("{:.1}", x + 16.0))
            .replace("{bar}", &format!("{:.1}", y - 6.0));
        let _ = writeln!(
            body,
            r#"{shape}<text x="{:.1}" y="{y:.1}">{label}</text>"#,
            x + 22.0
        );
    }
    if undated > 0 {
        flow.newline();
        let _ = writeln!(
            body,
            r##"<text x="{MARGIN}" y="{:.1}" fill="#666">{} not shown</text>"##,
            flow.y,
            plural(undated, "undated row", "undated rows")
        );
    }
    let height = (flow.y + MARGIN).ceil();
    let mut out = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="12" role="img" aria-label="Timeline of claims">"#
    );
    let _ = writeln!(
        out,
        r##"
<rect width="{WIDTH}" height="{height}" fill="#fff"/>"##
    );
    out.push_str(&body);
    out.push_str("</svg>\n");
    out
}

/// A mark's tooltip: date and event, kind and speaker, the quote and its citation.
fn tooltip(row: &Row) -> String {
    let mut text = format!("{} {}", date_label(row), row.event);
    if let Some(bound) = row.open_range {
        let _ = write!(text, " {bound}");
    }
    if let Some(words) = &row.mention {
        let _ = write!(text, " (\u{201c}{words}\u{201d})");
    }
    if row.alternative {
        text.push_str(", other reading");
    }
    format!(
        "{text}\n{} \u{b7} {}\n\u{201c}{}\u{201d}\n{}",
        row.kind,
        row.speaker.as_deref().unwrap_or("unknown speaker"),
        row.quote,
        row.citation
    )
}

// ---------------------------------------------------------------------------------------------
// The HTML page.

const STYLE: &str = "\
body{font-family:system-ui,sans-serif;color:#222;line-height:1.4;max-width:1120px;margin:2em auto;padding:0 1em}
h1{font-size:1.4em;margin:0 0 .3em}
.summary{color:#555;margin:0 0 1em}
figure{margin:0 0 1.5em;overflow-x:auto}
figure svg{max-width:100%;height:auto}
table{border-collapse:collapse;width:100%;font-size:.9em}
th,td{border-bottom:1px solid #ddd;padding:.35em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3}
td.date,td.event,td.kind{white-space:nowrap}
.swatch{display:inline-block;width:.8em;height:.8em;border-radius:2px;margin-right:.35em;vertical-align:-.05em}
mark{background:#fff1a8;padding:0 .1em}
code{font-size:.85em;overflow-wrap:anywhere}
.unknown{color:#777;font-style:italic}
tr:target{background:#fff8d6}
tr.alternative td{color:#666}
.other{font-size:.85em;font-style:italic}
@media print{body{margin:0;max-width:none;font-size:9pt}figure{overflow:visible;break-inside:avoid}tr{break-inside:avoid}thead{display:table-header-group}a{color:inherit;text-decoration:none}.swatch,mark,th{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
";

/// A self-contained HTML page: the title, a one-line summary (claims, rows, date range), the
/// [`svg`] chart, then every row in order (date, event, kind, speaker, quote with the mentioned
/// words marked, citation, flags). The first row of each claim carries `id="<claim id>"`, the
/// target of the chart's links. Inline CSS only; no script and no external resource.
pub fn html(rows: &[Row], rules: &Rules, title: &str) -> String {
    let mut anchored: HashSet<&str> = HashSet::new();
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                h1 { (title) }
                p.summary { (summary(rows)) }
                // the chart escapes its own text, as the SVG export does
                figure { (PreEscaped(svg(rows, rules))) }
                table {
                    thead {
                        tr {
                            th { "date" } th { "event" } th { "kind" } th { "speaker" }
                            th { "quote" } th { "citation" } th { "flags" } th { "review" }
                        }
                    }
                    tbody {
                        @for row in rows {
                            tr id=[anchored.insert(row.claim_id.as_str()).then_some(&row.claim_id)]
                                class=[row.alternative.then_some("alternative")] {
                                td.date { (date_label(row)) }
                                td.event {
                                    (row.event)
                                    @if let Some(bound) = row.open_range { " " (bound) }
                                    @if row.alternative { br; span.other { "other reading" } }
                                }
                                td.kind {
                                    span.swatch style={ "background:" (kind_color(rules, &row.kind)) } {}
                                    (row.kind)
                                }
                                td {
                                    @match &row.speaker {
                                        Some(name) => (name),
                                        None => span.unknown { "unknown speaker" },
                                    }
                                }
                                td { (quote_html(row)) }
                                td { code { (row.citation) } }
                                td { (row.flags.join(", ")) }
                                td { (row.review.as_deref().unwrap_or("unreviewed")) }
                            }
                        }
                    }
                }
            }
        }
    };
    page.into_string() + "\n"
}

/// `3 claims, 5 rows, 2021-08-01 to 2021-09-14, 1 undated`.
fn summary(rows: &[Row]) -> String {
    let claims: HashSet<&str> = rows.iter().map(|row| row.claim_id.as_str()).collect();
    let mut text = format!(
        "{}, {}",
        plural(claims.len(), "claim", "claims"),
        plural(rows.len(), "row", "rows")
    );
    let dates = rows.iter().filter_map(|row| row.date);
    match (dates.clone().min(), dates.clone().max()) {
        (Some(first), Some(last)) if first == last => {
            let _ = write!(text, ", {}", Resolved::Day(first));
        }
        (Some(first), Some(last)) => {
            let _ = write!(
                text,
                ", {} to {}",
                Resolved::Day(first),
                Resolved::Day(last)
            );
        }
        _ => text.push_str(", no dates"),
    }
    let undated = rows.iter().filter(|row| row.date.is_none()).count();
    if undated > 0 {
        let _ = write!(text, ", {undated} undated");
    }
    text
}

/// The quote with the mentioned words in `<mark>`.
fn quote_html(row: &Row) -> Markup {
    let words = row.mention.as_deref().filter(|words| !words.is_empty());
    html! {
        @match words.map(|words| (words, row.quote.find(words))) {
            None => (row.quote),
            Some((words, Some(at))) => {
                (row.quote[..at]) mark { (words) } (row.quote[at + words.len()..])
            }
            Some((words, None)) => { (row.quote) " (" mark { (words) } ")" }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::dates::DateMention;
    use crate::claims::ClaimFlag;
    use time::macros::date;

    const HOSTILE: &str = r#"<script>alert(1)</script> & "x" 'y'"#;
    const HOSTILE_ESCAPED: &str =
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot; &#39;y&#39;";

    fn claim(id: &str, recording_date: Option<Date>, start_ms: u64, quote: &str) -> Claim {
        Claim {
            recording_date,
            start_ms,
            end_ms: start_ms + 5_000,
            ..crate::claims::tests::sample_claim(id, quote)
        }
    }

    fn mention(quote: &str, words: &str, resolved: Option<Resolved>) -> DateMention {
        let start = quote.find(words).expect("the words are in the quote");
        DateMention {
            text: words.into(),
            start,
            end: start + words.len(),
            resolved,
            alternatives: Vec::new(),
            open_range: None,
            note: None,
        }
    }

    /// Claims recorded on 2021-09-14 and 15 and one undated, given out of order.
    fn sample() -> Vec<Claim> {
        let quote = "Last month an engineer in Beijing downloaded every user profile.";
        let mut last_month = claim("c000000000001", Some(date!(2021 - 09 - 14)), 83_000, quote);
        last_month.dates = vec![mention(
            quote,
            "Last month",
            Some(Resolved::Month {
                year: 2021,
                month: Month::August,
            }),
        )];
        last_month.flags = vec![ClaimFlag::LowProbability];

        let quote = "On Tuesday and some day the admin could see everything.";
        let mut tuesday = claim("c000000000002", Some(date!(2021 - 09 - 15)), 1_000, quote);
        tuesday.recording = "review.wav".into();
        tuesday.dates = vec![
            mention(
                quote,
                "On Tuesday",
                Some(Resolved::Day(date!(2021 - 09 - 14))),
            ),
            mention(quote, "some day", None),
        ];
        tuesday.flags = vec![ClaimFlag::UnresolvedDate];

        let mut undated = claim("c000000000003", None, 0, HOSTILE);
        undated.speaker = None;
        undated.flags = vec![ClaimFlag::UnknownSpeaker, ClaimFlag::UnknownRecordingDate];

        let early = claim(
            "c000000000004",
            Some(date!(2021 - 09 - 14)),
            10_000,
            "Earlier that day the logs were kept in Virginia.",
        );
        vec![undated, last_month, tuesday, early]
    }

    fn summary_of(rows: &[Row]) -> Vec<(Option<Date>, &str, &str, &str)> {
        rows.iter()
            .map(|row| {
                (
                    row.date,
                    row.date_text.as_str(),
                    row.event,
                    row.claim_id.as_str(),
                )
            })
            .collect()
    }

    #[test]
    fn rows_put_mentioned_dates_first_and_undated_rows_last() {
        let rows = rows(&sample());
        assert_eq!(
            summary_of(&rows),
            [
                (
                    Some(date!(2021 - 08 - 01)),
                    "2021-08",
                    MENTIONED,
                    "c000000000001"
                ),
                // Mentioned before said on the same day, then by start time.
                (
                    Some(date!(2021 - 09 - 14)),
                    "2021-09-14",
                    MENTIONED,
                    "c000000000002"
                ),
                (
                    Some(date!(2021 - 09 - 14)),
                    "2021-09-14",
                    SAID,
                    "c000000000004"
                ),
                (
                    Some(date!(2021 - 09 - 14)),
                    "2021-09-14",
                    SAID,
                    "c000000000001"
                ),
                (
                    Some(date!(2021 - 09 - 15)),
                    "2021-09-15",
                    SAID,
                    "c000000000002"
                ),
                (None, "", SAID, "c000000000003"),
            ]
        );
        let first = &rows[0];
        assert_eq!(first.mention.as_deref(), Some("Last month"));
        assert_eq!(first.flags, ["low_probability"]);
        assert_eq!(
            first.citation,
            "standup (2021-09-14), 00:01:23-00:01:28, Engineering Manager, sha256:3fa2c4d5e6f7"
        );
        assert_eq!(rows[3].mention, None);
        // The unresolved "some day" makes no row; the flag says so.
        assert_eq!(rows[4].flags, ["unresolved_date"]);
    }

    #[test]
    fn rows_of_equal_keys_keep_their_order() {
        let a = claim("ca", Some(date!(2021 - 09 - 14)), 1_000, "A.");
        let b = claim("cb", Some(date!(2021 - 09 - 14)), 1_000, "B.");
        let ids: Vec<String> = rows(&[b, a]).into_iter().map(|row| row.claim_id).collect();
        assert_eq!(ids, ["cb", "ca"]);
    }

    #[test]
    fn table_aligns_columns_and_cuts_long_quotes() {
        let mut claims = sample();
        claims[3].quote = format!("{} end.", "word ".repeat(30));
        let text = table(&rows(&claims));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 7);
        assert!(lines[0].starts_with("date     "), "{text}");
        let column = |line: &str, word: &str| line.find(word).unwrap();
        let event_at = column(lines[0], "event");
        assert_eq!(column(lines[1], "mentioned \"Last month\""), event_at);
        assert_eq!(column(lines[6], "said"), event_at);
        assert!(lines[6].starts_with("undated"), "{text}");
        assert!(lines[6].contains("unknown"), "{text}");
        let long = lines[3];
        let cut = &long[long.find("word").unwrap()..long.find('…').unwrap()];
        assert_eq!(cut.chars().count() + 1, TABLE_QUOTE_CHARS, "{long}");
        assert!(!text.contains("end."));
        assert!(text.ends_with('\n'));
    }

    #[test]
    fn csv_has_a_header_and_a_row_per_line() {
        let text = csv(&rows(&sample()), Cells::Safe).unwrap();
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some(
                "date,date_text,event,mention,kind,speaker,quote,claim_id,citation,flags,review,\
                 end,open_range,reading"
            )
        );
        assert_eq!(
            lines.next(),
            Some(
                "2021-08-01,2021-08,mentioned,Last month,access,Engineering Manager,\
                 Last month an engineer in Beijing downloaded every user profile.,c000000000001,\
                 \"standup (2021-09-14), 00:01:23-00:01:28, Engineering Manager, \
                 sha256:3fa2c4d5e6f7\",low_probability,,2021-08-31,,primary"
            )
        );
        let mut reader = ::csv::Reader::from_reader(text.as_bytes());
        let records: Vec<::csv::StringRecord> =
            reader.records().map(std::result::Result::unwrap).collect();
        assert_eq!(records.len(), 6);
        let undated = &records[5];
        assert_eq!(&undated[0], "");
        assert_eq!(&undated[5], "");
        assert_eq!(&undated[6], HOSTILE);
        assert_eq!(&undated[9], "unknown_speaker;unknown_recording_date");
    }

    #[test]
    fn json_parses_back() {
        let rows = rows(&sample());
        let value: serde_json::Value = serde_json::from_str(&json(&rows)).unwrap();
        let array = value.as_array().unwrap();
        assert_eq!(array.len(), rows.len());
        assert_eq!(array[0]["date"], "2021-08-01");
        assert_eq!(array[0]["date_text"], "2021-08");
        assert_eq!(array[0]["event"], "mentioned");
        assert_eq!(array[0]["mention"], "Last month");
        assert_eq!(array[0]["flags"][0], "low_probability");
        assert_eq!(array[5]["date"], serde_json::Value::Null);
        assert_eq!(array[5]["speaker"], serde_json::Value::Null);
        assert_eq!(array[5]["quote"], HOSTILE);
    }

    #[test]
    fn svg_is_well_formed_with_a_linked_mark_per_dated_row_and_only_escaped_text() {
        let mut claims = sample();
        claims[1].speaker = Some("Eve <b>\"boss\"</b>".into());
        claims[1].kind = "odd<kind>".into();
        claims[3].speaker = None;
        let rows = rows(&claims);
        let text = svg(&rows, &Rules::builtin());
        assert!(
            text.starts_with(r#"<svg xmlns="http://www.w3.org/2000/svg" width="960" height=""#),
            "{text}"
        );
        assert!(text.ends_with("</svg>\n"));
        assert!(text.contains(r#" viewBox="0 0 960 "#));
        for raw in ["<script", "<b>", "<kind>", "http://", "https://"] {
            let outside_namespace = text.replacen("http://www.w3.org/2000/svg", "", 1);
            assert!(!outside_namespace.contains(raw), "{raw} in {text}");
        }
        assert!(text.contains("Eve &lt;b&gt;&quot;boss&quot;&lt;/b&gt;"));
        assert!(text.contains("odd&lt;kind&gt;"));
        assert!(text.contains("1 undated row not shown"));
        assert!(
            text.contains(">2021-09<") && text.contains(">2021-08<"),
            "{text}"
        );
        assert!(
            text.contains(r##"fill="#1f77b4""##),
            "access keeps its colour"
        );
        assert_eq!(text, svg(&rows, &Rules::builtin()), "deterministic");

        let doc = roxmltree::Document::parse(&text).expect("the SVG parses as XML");
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(
            root.tag_name().namespace(),
            Some("http://www.w3.org/2000/svg")
        );
        // Marks are the linked circles; the legend's circles are not linked.
        let marks: Vec<roxmltree::Node> = doc
            .descendants()
            .filter(|n| n.has_tag_name("circle") && n.parent().unwrap().has_tag_name("a"))
            .collect();
        assert_eq!(marks.len(), 5);
        let hollow = marks
            .iter()
            .filter(|n| n.attribute("fill") == Some("none"))
            .count();
        assert_eq!(hollow, 2);
        for mark in &marks {
            let href = mark.parent().unwrap().attribute("href").unwrap();
            assert!(href.starts_with("#c0000000000"), "{href}");
            let title = mark.first_element_child().unwrap();
            assert!(title.has_tag_name("title"));
        }
        let title = marks[0].first_element_child().unwrap().text().unwrap();
        assert!(
            title.starts_with(
                "2021-08 mentioned (\u{201c}Last month\u{201d})\nodd<kind> \u{b7} Eve <b>"
            ),
            "{title}"
        );
        assert!(title.contains("downloaded every user profile"));
        // One line per mentioned mark whose claim was said on a dated day.
        let joins = doc
            .descendants()
            .filter(|n| n.has_tag_name("line") && n.attribute("stroke-opacity").is_some())
            .count();
        assert_eq!(joins, 2);
        let lanes: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text") && n.attribute("text-anchor") == Some("end"))
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(
            lanes,
            [
                "Eve <b>\"boss\"</b>",
                "Engineering Manager",
                "unknown speaker"
            ]
        );
    }

    #[test]
    fn svg_escapes_quotes_that_carry_markup() {
        let mut claims = sample();
        claims[1].quote = format!("Last month {HOSTILE}");
        claims[1].dates[0].start = 0;
        let text = svg(&rows(&claims), &Rules::builtin());
        assert!(text.contains(HOSTILE_ESCAPED), "{text}");
        assert!(!text.contains(HOSTILE));
        assert!(!text.contains("<script"));
    }

    #[test]
    fn svg_keeps_colours_from_rules_out_of_markup() {
        let rules = Rules::parse(
            "[[kind]]\nname = \"access\"\ncolor = 'red\" onload=\"alert(1)'\n",
            "test",
        )
        .unwrap();
        let text = svg(&rows(&sample()), &rules);
        assert!(!text.contains("onload"));
        assert!(text.contains(FALLBACK_COLOR));
        roxmltree::Document::parse(&text).unwrap();
    }

    #[test]
    fn svg_of_no_dated_rows_or_one_day_still_draws() {
        for claims in [
            Vec::new(),
            vec![claim("c1", None, 0, "A.")],
            vec![claim("c1", Some(date!(2021 - 09 - 14)), 0, "A.")],
        ] {
            let text = svg(&rows(&claims), &Rules::builtin());
            roxmltree::Document::parse(&text).unwrap();
            assert!(!text.contains("NaN") && !text.contains("inf"), "{text}");
        }
        let one_day = svg(
            &rows(&[claim("c1", Some(date!(2021 - 09 - 14)), 0, "A.")]),
            &Rules::builtin(),
        );
        assert!(one_day.contains(">2021-09<"), "{one_day}");
    }

    #[test]
    fn month_ticks_thin_out_over_long_spans() {
        let scale = Scale::new([date!(2001 - 01 - 15), date!(2021 - 06 - 01)].into_iter()).unwrap();
        let ticks = scale.month_ticks();
        assert!(!ticks.is_empty() && ticks.len() <= 12, "{ticks:?}");
        assert!(ticks.iter().all(|tick| tick.month() == Month::January));
    }

    #[test]
    fn html_is_one_page_with_an_anchor_per_claim_and_only_escaped_text() {
        let rows = rows(&sample());
        let page = html(&rows, &Rules::builtin(), "Standup <notes>");
        assert!(page.starts_with("<!DOCTYPE html><html lang=\"en\">"));
        assert!(page.contains("<meta charset=\"utf-8\">"));
        assert!(page.contains("<title>Standup &lt;notes&gt;</title>"));
        assert!(page.contains("<h1>Standup &lt;notes&gt;</h1>"));
        assert!(page.contains("4 claims, 6 rows, 2021-08-01 to 2021-09-15, 1 undated"));
        // maud escapes the table's text (an apostrophe needs no escape there)
        assert!(
            page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot; 'y'</td>"),
            "{page}"
        );
        assert!(!page.contains("<script"));
        assert!(!page.contains("http://") || page.matches("http://").count() == 1);
        assert!(page.contains("<svg xmlns="));
        assert!(page.contains("<mark>Last month</mark> an engineer"));
        assert!(page.contains("<code>standup (2021-09-14), 00:01:23-00:01:28"));
        assert_eq!(page.matches("id=\"").count(), 4);
        for id in [
            "c000000000001",
            "c000000000002",
            "c000000000003",
            "c000000000004",
        ] {
            assert_eq!(page.matches(&format!("<tr id=\"{id}\">")).count(), 1);
            assert!(page.contains(&format!("href=\"#{id}\"")) || id == "c000000000003");
        }
        assert!(page.ends_with("</html>\n"));
    }
}
