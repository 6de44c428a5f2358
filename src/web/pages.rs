//! The page's HTML, rendered on the server: pure functions from stored data to markup, written
//! with maud, whose `(expression)` splices escape every text that comes from a transcript, a
//! store or a request (only the timeline's SVG, which escapes its own text, goes in as
//! `PreEscaped`). The only script is the `/assets/app.js` file, and no element carries inline
//! script or style.

use std::collections::{HashMap, HashSet};

use maud::{html, Markup, PreEscaped, DOCTYPE};

use crate::claims::{Claim, Rules};
use crate::export::timeline::{self, Row};
use crate::model::{hms, Recording, SourceKind, Transcript};
use crate::search::Hit;
use crate::select::Selection;

use super::Params;

/// Which section of the site a page belongs to (its navigation link is marked).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// The search box and its hits.
    Search,
    /// The claims table.
    Claims,
    /// The timeline chart.
    Timeline,
    /// The speakers and their names.
    Speakers,
    /// Checking a quote against the transcripts.
    Quote,
    /// Anything else: a recording's transcript, an error.
    Other,
}

/// The whole document around a page's body.
fn layout(title: &str, section: Section, body: Markup) -> String {
    let nav = [
        (Section::Search, "/", "Search"),
        (Section::Claims, "/claims", "Claims"),
        (Section::Timeline, "/timeline", "Timeline"),
        (Section::Speakers, "/speakers", "Speakers"),
        (Section::Quote, "/quote", "Check a quote"),
    ];
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · verbatim" }
                link rel="stylesheet" href="/assets/app.css";
                script src="/assets/app.js" defer {}
            }
            body {
                header {
                    span.brand { "verbatim" }
                    " "
                    nav {
                        @for (i, (s, href, label)) in nav.iter().enumerate() {
                            @if i > 0 { " " }
                            a href=(href) aria-current=[(*s == section).then_some("page")] { (label) }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
    .into_string()
}

/// A page that only says what went wrong.
pub fn error(message: &str) -> String {
    layout(
        "Error",
        Section::Other,
        html! {
            h1 { "Error" }
            p.error { (message) }
        },
    )
}

/// The page a refused rename answers with: the library's reason, and a link back to the page
/// the form was on (`back`, a path the server checked).
pub fn refused(title: &str, message: &str, back: &str) -> String {
    layout(
        title,
        Section::Other,
        html! {
            h1 { (title) }
            p.error { (message) }
            p { a href=(back) { "Back" } }
        },
    )
}

/// The form that names speaker `id` (currently `name`) and returns to `back`.
fn rename_form(id: &str, name: Option<&str>, back: &str) -> Markup {
    html! {
        form.rename method="post" action={ "/speakers/" (id) } {
            input type="hidden" name="back" value=(back);
            label {
                "name "
                input name="name" value=(name.unwrap_or("")) required autocomplete="off"
                    aria-label={ "name of " (id) };
            }
            " "
            button type="submit" { "Save" }
        }
    }
}

/// One speaker of the store, for the speakers page.
pub struct SpeakerRow<'a> {
    /// Its id (`S3`).
    pub id: &'a str,
    /// The name it was given.
    pub name: Option<&'a str>,
    /// Its speech in every recording.
    pub speech_ms: u64,
    /// The stored recordings it speaks in.
    pub recordings: Vec<&'a Recording>,
}

/// The speakers page: every speaker found by voice, its id, name, talk time and recordings,
/// with a form to name it (the name reaches transcripts, claims, the index and every export).
pub fn speakers(rows: &[SpeakerRow]) -> String {
    let body = html! {
        h1 { "Speakers" }
        @if rows.is_empty() {
            p.hint {
                "No speakers yet: " code { "verbatim ingest" }
                " finds them in recordings by voice."
            }
        } @else {
            p.hint {
                "A name is shown everywhere the speaker's id was: transcripts, search, claims \
                 and exports (the same as " code { "verbatim speakers rename" } ")."
            }
            table.speakers {
                thead { tr { th { "id" } th { "speaker" } th { "talk" } th { "recordings" } th { "name" } } }
                tbody {
                    @for row in rows {
                        tr id={ "speaker-" (row.id) } {
                            td { code { (row.id) } }
                            td { (speaker(Some(row.name.unwrap_or(row.id)))) }
                            td.time { (hms(row.speech_ms)) }
                            td {
                                @for (i, r) in row.recordings.iter().enumerate() {
                                    @if i > 0 { ", " }
                                    a href={ "/recording/" (r.sha256) } { (r.name) }
                                }
                            }
                            td { (rename_form(row.id, row.name, "/speakers")) }
                        }
                    }
                }
            }
        }
    };
    layout("Speakers", Section::Speakers, body)
}

/// The speakers a recording's transcript attributes by voice, in order of first appearance:
/// id, label, speech time. Imported transcripts have labels but no ids: none of them.
fn voice_speakers(transcript: &Transcript) -> Vec<(&str, &str, u64)> {
    let mut found: Vec<(&str, &str, u64)> = Vec::new();
    for segment in transcript.segments.iter().filter(|s| s.is_speech()) {
        let Some(id) = segment.speaker_id.as_deref() else {
            continue;
        };
        let length = segment.end_ms.saturating_sub(segment.start_ms);
        match found.iter_mut().find(|(known, _, _)| *known == id) {
            Some(entry) => entry.2 += length,
            None => found.push((id, segment.speaker.as_deref().unwrap_or(id), length)),
        }
    }
    found
}

/// What the filter form offers: the rule kinds and the stored recordings.
pub struct Choices<'a> {
    /// The rules in force (their kinds fill the kind menu).
    pub rules: &'a Rules,
    /// Every stored recording (the recording menu).
    pub recordings: &'a [Recording],
}

/// The filter fields shared by search, claims and timeline, filled from `params`.
fn filter_fields(params: &Params, choices: &Choices) -> Markup {
    let option = |value: &str, label: &str, selected: bool| {
        html! { option value=(value) selected[selected] { (label) } }
    };
    // A name, stem or hash prefix typed into the address is kept as a choice of its own.
    let typed_recording = !params.recording.is_empty()
        && !choices
            .recordings
            .iter()
            .any(|r| r.sha256 == params.recording);
    let typed_kind =
        !params.kind.is_empty() && !choices.rules.kinds.iter().any(|k| k.name == params.kind);
    html! {
        label { "speaker " input name="speaker" value=(params.speaker) placeholder="any"; }
        label {
            "recording "
            select name="recording" {
                (option("", "any recording", params.recording.is_empty()))
                @for recording in choices.recordings {
                    @let date = recording
                        .recording_date
                        .map_or_else(|| "undated".to_string(), |d| d.to_string());
                    (option(
                        &recording.sha256,
                        &format!("{} ({date})", recording.name),
                        params.recording == recording.sha256,
                    ))
                }
                @if typed_recording {
                    (option(&params.recording, &params.recording, true))
                }
            }
        }
        label { "from " input type="date" name="from" value=(params.from); }
        label { "to " input type="date" name="to" value=(params.to); }
        label {
            "kind "
            select name="kind" {
                (option("", "any kind", params.kind.is_empty()))
                @for kind in &choices.rules.kinds {
                    (option(&kind.name, &kind.name, params.kind == kind.name))
                }
                @if typed_kind {
                    (option(&params.kind, &params.kind, true))
                }
            }
        }
    }
}

/// Where a quote or hit plays: the recording's page, at `start_ms`, scrolled to its segment.
fn play_href(sha256: &str, start_ms: u64, segment: usize) -> String {
    format!("/recording/{sha256}?t={start_ms}#seg-{segment}")
}

/// `text` with the character ranges `[start, end)` in `<mark>`.
fn highlighted(text: &str, ranges: &[(usize, usize)]) -> Markup {
    marked(text, ranges, None)
}

/// `text` with the character ranges `ranges` wrapped in `<mark>`, of class `class` when given
/// (with a `title` saying what it means).
fn marked(text: &str, ranges: &[(usize, usize)], class: Option<(&str, &str)>) -> Markup {
    // (marked, text) runs, in order
    let mut runs: Vec<(bool, String)> = vec![(false, String::new())];
    let mut open = false;
    for (i, c) in text.chars().enumerate() {
        if !open && ranges.iter().any(|r| r.0 == i) {
            open = true;
            runs.push((true, String::new()));
        }
        runs.last_mut().expect("one run at least").1.push(c);
        if open && ranges.iter().any(|r| r.1 == i + 1) {
            open = false;
            runs.push((false, String::new()));
        }
    }
    html! {
        @for (marked, run) in &runs {
            @if !*marked { (run) }
            @else if let Some((class, title)) = class { mark class=(class) title=(title) { (run) } }
            @else { mark { (run) } }
        }
    }
}

/// Below this a word's probability marks it unsure in the transcript view: the default bar of
/// the `low_probability` claim flag.
pub const UNSURE_BELOW: f32 = 0.5;

/// The character ranges, in `segment.text`, of the words Whisper heard with a probability under
/// [`UNSURE_BELOW`]: each word is looked for after the one before, so a word that cannot be
/// found in the text (an imported transcript's words differ) is skipped.
pub fn unsure_ranges(segment: &crate::model::Segment) -> Vec<(usize, usize)> {
    let text = &segment.text;
    let mut ranges = Vec::new();
    let mut from = 0; // byte offset
    for word in &segment.words {
        let needle = word.text.trim();
        if needle.is_empty() {
            continue;
        }
        let Some(at) = text[from..].find(needle).map(|at| at + from) else {
            continue;
        };
        from = at + needle.len();
        if word.probability < UNSURE_BELOW {
            let start = text[..at].chars().count();
            ranges.push((start, start + needle.chars().count()));
        }
    }
    ranges
}

/// What a search request came to.
pub enum SearchOutcome {
    /// No query yet.
    Empty,
    /// The query or a filter was refused; the message says why.
    Refused(String),
    /// The hits, best first (or in date order).
    Hits(Vec<Hit>),
}

/// The search page: the query box and filters, then the hits, each a link that opens its
/// recording at the hit and plays it.
pub fn search(params: &Params, choices: &Choices, outcome: &SearchOutcome) -> String {
    let sorted_by =
        |value: &str| params.sort == value || (params.sort.is_empty() && value == "relevance");
    let limit = if params.limit.is_empty() {
        "20"
    } else {
        &params.limit
    };
    let body = html! {
        h1 { "Search" }
        form.filters method="get" action="/" role="search" {
            label.query {
                "query "
                input type="search" name="q" value=(params.q)
                    placeholder="\"see everything\", beijing AND admin, acess~1" autofocus;
            }
            (filter_fields(params, choices))
            label.meaning {
                input type="checkbox" name="meaning" value="on" checked[!params.meaning.is_empty()];
                " by meaning"
            }
            label {
                "sort "
                select name="sort" {
                    option value="relevance" selected[sorted_by("relevance")] { "relevance" }
                    option value="date" selected[sorted_by("date")] { "date" }
                }
            }
            label {
                "limit "
                input type="number" name="limit" min="1" max=(super::MAX_LIMIT) value=(limit);
            }
            button type="submit" { "Search" }
        }
        @match outcome {
            SearchOutcome::Empty => {
                p.hint {
                    "Words (stemmed), \"exact phrases\", \"a phrase\"~N, word~1 (fuzzy), AND, OR, \
                     NOT, (groups), pre*; speaker:, kind: fields. The same syntax as "
                    code { "verbatim search" } "."
                }
            }
            SearchOutcome::Refused(message) => { p.error { (message) } }
            SearchOutcome::Hits(hits) if hits.is_empty() => {
                p.summary { "No segment matches." }
            }
            SearchOutcome::Hits(hits) => {
                p.summary { (hits.len()) " " (if hits.len() == 1 { "hit" } else { "hits" }) }
                ol.hits {
                    @for hit in hits {
                        li.hit {
                            a href=(play_href(&hit.sha256, hit.start_ms, hit.segment)) {
                                span.meta {
                                    span.date { (hit.recording_date.as_deref().unwrap_or("undated")) }
                                    " "
                                    span.time { (hms(hit.start_ms)) }
                                    " " (speaker(hit.speaker.as_deref())) " "
                                    span.recording { (hit.recording) }
                                    @if let Some(similarity) = hit.similarity {
                                        " "
                                        span.similarity { "similarity " (format!("{similarity:.2}")) }
                                    }
                                }
                                span.text { (highlighted(&hit.text, &hit.highlights)) }
                            }
                        }
                    }
                }
            }
        }
    };
    let title = if params.q.is_empty() {
        "Search".to_string()
    } else {
        format!("Search: {}", params.q)
    };
    layout(&title, Section::Search, body)
}

/// A speaker label, or "unknown speaker" in grey.
fn speaker(label: Option<&str>) -> Markup {
    html! {
        @match label {
            Some(name) => span.speaker { (name) },
            None => span.speaker.unknown { "unknown speaker" },
        }
    }
}

/// A recording's page: its provenance, the audio player (when the source is audio) and the
/// transcript, one line per segment with its time as a link that plays from there.
pub fn recording(recording: &Recording, transcript: &Transcript, audio: bool) -> String {
    let date = match recording.recording_date {
        Some(date) => format!("{date} ({})", date_source(recording)),
        None => "unknown".to_string(),
    };
    let source = match &recording.source {
        SourceKind::Audio => match &recording.model {
            Some(model) => format!("audio, transcribed with {}", model.name),
            None => "audio".to_string(),
        },
        SourceKind::ImportedTranscript { format, encoding } => {
            let encoding = encoding
                .as_ref()
                .map_or_else(String::new, |e| format!(", {e} text"));
            format!("imported transcript ({format}{encoding}); no audio was transcribed here")
        }
    };
    let voices = voice_speakers(transcript);
    let back = format!("/recording/{}", recording.sha256);
    let body = html! {
        h1 { (recording.name) }
        dl.provenance {
            dt { "recorded" } dd { (date) }
            dt { "duration" } dd { (hms(recording.duration_ms)) }
            dt { "sha256" } dd { code { (recording.sha256) } }
            dt { "source" } dd { (source) }
            dt { "file" } dd { code { (recording.source_path) } }
        }
        @if audio {
            div.player {
                audio #player controls preload="metadata" src={ "/audio/" (recording.sha256) } {}
                p #player-note .hint hidden {}
            }
        } @else if recording.source == SourceKind::Audio {
            p.error {
                "The source audio is not where it was ingested, or has changed size since ("
                code { "verbatim verify" } " says which)."
            }
        }
        @if !voices.is_empty() {
            section.speakers {
                h2 { "Speakers" }
                ul.speakers {
                    @for (id, label, speech_ms) in &voices {
                        li id={ "speaker-" (id) } {
                            (speaker(Some(label))) " " code { (id) } " "
                            span.time { (hms(*speech_ms)) } " "
                            // the label is the registry's name, else the id itself
                            @if super::is_speaker_id(id) {
                                (rename_form(id, (label != id).then_some(*label), &back))
                            }
                        }
                    }
                }
            }
        }
        ol.transcript {
            @for segment in &transcript.segments {
                @let flags: Vec<String> = segment
                    .flags
                    .iter()
                    .map(|f| {
                        serde_json::to_value(f)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                            .unwrap_or_default()
                    })
                    .collect();
                li id={ "seg-" (segment.index) }
                    class=(if segment.is_speech() { "segment" } else { "segment flagged" })
                    data-start-ms=(segment.start_ms) data-end-ms=(segment.end_ms)
                    data-speaker-id=[segment.speaker_id.as_deref()] {
                    a.time href={ "?t=" (segment.start_ms) "#seg-" (segment.index) } {
                        (hms(segment.start_ms))
                    }
                    " " (speaker(segment.speaker.as_deref())) " "
                    span.text {
                        (marked(&segment.text, &unsure_ranges(segment),
                            Some(("unsure", "Whisper was unsure of this word: listen"))))
                    }
                    @if !flags.is_empty() {
                        " " span.flags { (flags.join(", ")) }
                    }
                }
            }
        }
    };
    layout(&recording.name, Section::Other, body)
}

fn date_source(recording: &Recording) -> String {
    serde_json::to_value(recording.date_source)
        .ok()
        .and_then(|v| v.as_str().map(|s| s.replace('_', " ")))
        .unwrap_or_default()
}

/// A filter form for the claims and timeline pages.
fn filter_form(action: &str, params: &Params, choices: &Choices) -> Markup {
    html! {
        form.filters method="get" action=(action) {
            (filter_fields(params, choices))
            button type="submit" { "Filter" }
        }
    }
}

/// The note shown when stored claims were found with other rules than those in force.
fn stale_note(stale_recordings: usize) -> Markup {
    html! {
        @if stale_recordings > 0 {
            p.hint {
                "The claims of " (stale_recordings) " recordings were found with other rules \
                 than those in force; " code { "verbatim claims --rescan" } " applies them."
            }
        }
    }
}

/// The claims a page's filters selected, or why they could not be.
pub type Selected<'a> = Result<&'a Selection, String>;

/// The most claims a claims or timeline page lists; the downloads hold them all.
pub const MAX_ROWS: usize = 1_000;

/// The summary's note when a page lists only the first [`MAX_ROWS`] claims.
fn capped_note(total: usize) -> Markup {
    html! {
        @if total > MAX_ROWS {
            " (the first " (MAX_ROWS) " shown: narrow the filters, or download them all)"
        }
    }
}

/// The play (or, for an imported transcript, open) link of a claim.
fn claim_link(claim: &Claim, audio: &HashSet<&str>) -> Markup {
    let label = if audio.contains(claim.sha256.as_str()) {
        "▶ play"
    } else {
        "open"
    };
    html! {
        a.play href=(play_href(&claim.sha256, claim.start_ms, claim.segments[0])) { (label) }
    }
}

/// A claim's latest review, and a form to review it (`POST /claims/<id>/review`, as
/// `verbatim review` does).
fn review_cell(claim: &Claim) -> Markup {
    html! {
        @match &claim.review {
            Some(review) => {
                span class={ "verdict " (review.status) } { (review.summary()) }
                @if !review.note.is_empty() { br; span.note { (review.note) } }
            }
            None => span.unknown { "unreviewed" },
        }
        details.review {
            summary { "review" }
            form.review method="post" action={ "/claims/" (claim.id) "/review" } {
                select name="status" aria-label="verdict" {
                    option value="verified" { "verified" }
                    option value="disputed" { "disputed" }
                    option value="unclear" { "unclear" }
                }
                " "
                input name="by" placeholder="your name" required autocomplete="name"
                    aria-label="reviewer";
                " "
                input name="note" placeholder="what you heard" aria-label="note";
                " "
                button type="submit" { "Save" }
            }
        }
    }
}

/// A sortable column's header.
fn sortable(label: &str) -> Markup {
    html! { th { button type="button" { (label) } } }
}

/// The "check a quote" page: a box for the quote and, once one is given, where it was said,
/// as `verbatim quote` finds it (`outcome`: the matches, or why the quote cannot be checked).
pub fn quote(
    text: &str,
    outcome: Option<std::result::Result<&[crate::quote::QuoteMatch], String>>,
) -> String {
    let threshold = crate::quote::DEFAULT_THRESHOLD;
    let body = html! {
        h1 { "Check a quote" }
        form.filters method="get" action="/quote" role="search" {
            label.query {
                "quote "
                input type="search" name="q" value=(text)
                    placeholder="a quote from a draft, as it was written" autofocus;
            }
            button type="submit" { "Check" }
        }
        @match outcome {
            None => {
                p.hint {
                    "Finds where a quote was said, even as a draft misremembers it: the same check as "
                    code { "verbatim quote" } ". Case, punctuation and how numbers are written do not count."
                }
            }
            Some(Err(message)) => { p.error { (message) } }
            Some(Ok([])) => {
                p.summary.not-found {
                    "Not found: no transcript says anything within similarity " (threshold) " of this quote."
                }
            }
            Some(Ok(matches)) => {
                p.summary {
                    @if matches[0].exact { "Found, word for word." }
                    @else { "Not found word for word: the closest places, with what differs." }
                }
                ol.quote-matches {
                    @for found in matches {
                        li {
                            span class=(if found.exact { "verdict verified" } else { "verdict disputed" }) {
                                (if found.exact { "exact" } else { "approximate" })
                                " " (format!("{:.3}", found.similarity))
                            }
                            " " code { (found.citation) } " "
                            a.play href={ "/recording/" (found.sha256) "?t=" (found.start_ms) } { "▶ play" }
                            br;
                            "said: " q.said { (found.text) }
                            @if !found.diff.is_empty() {
                                br;
                                "differs: " span.diff {
                                    (found.diff.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    layout("Check a quote", Section::Quote, body)
}

/// The claims page: filters, download links (the CLI's CSV and JSON exports of the same
/// selection) and a table sortable by column, each row with its citation and a play link.
pub fn claims(
    params: &Params,
    choices: &Choices,
    outcome: Selected,
    audio: &HashSet<&str>,
) -> String {
    let query = params.filter_query();
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    let body = html! {
        h1 { "Claims" }
        (filter_form("/claims", params, choices))
        @match outcome {
            Err(message) => { p.error { (message) } }
            Ok(Selection { claims, total, stale_recordings }) => {
                p.summary {
                    (total) " " (if *total == 1 { "claim" } else { "claims" }) (capped_note(*total))
                    " · download "
                    a href={ "/claims.csv" (query) } download { "CSV" } " "
                    a href={ "/claims.json" (query) } download { "JSON" }
                }
                (stale_note(*stale_recordings))
                table.claims.sortable {
                    thead {
                        tr {
                            @for label in ["kind", "quote", "speaker", "date", "time", "flags", "review", "citation"] {
                                (sortable(label))
                            }
                            th { "audio" }
                        }
                    }
                    tbody {
                        @for claim in claims.iter().take(MAX_ROWS) {
                            @let date = claim.recording_date.map(|d| d.to_string());
                            @let flags: Vec<&str> = claim.flags.iter().map(|f| f.name()).collect();
                            tr id=(claim.id) {
                                td.kind { (claim.kind) }
                                td.quote {
                                    (claim.quote)
                                    @if let Some(listen) = &claim.second_listen {
                                        br;
                                        span.relisten {
                                            (listen.model) (if listen.agrees { " agrees" } else { " heard: " })
                                            @if !listen.agrees { q { (listen.text) } }
                                        }
                                    }
                                }
                                td { (speaker(claim.speaker.as_deref())) }
                                td data-sort=(date.as_deref().unwrap_or("9999-99-99")) {
                                    (date.as_deref().unwrap_or("undated"))
                                }
                                td data-sort=(format!("{:012}", claim.start_ms)) {
                                    (hms(claim.start_ms)) "–" (hms(claim.end_ms))
                                }
                                td.flags { (flags.join(", ")) }
                                td.review { (review_cell(claim)) }
                                td { code { (claim.citation()) } }
                                td { (claim_link(claim, audio)) }
                            }
                        }
                    }
                }
            }
        }
    };
    layout("Claims", Section::Claims, body)
}

/// The timeline page: filters, the [`timeline::svg`] chart (each mark links to its row) and
/// the rows, the first row of each claim anchored by the claim's id, each with a play link.
pub fn timeline(
    params: &Params,
    choices: &Choices,
    outcome: Selected,
    audio: &HashSet<&str>,
) -> String {
    let body = html! {
        h1 { "Timeline" }
        (filter_form("/timeline", params, choices))
        @match outcome {
            Err(message) => { p.error { (message) } }
            Ok(selection) => { (timeline_rows(selection, choices.rules, audio)) }
        }
    };
    layout("Timeline", Section::Timeline, body)
}

/// The timeline page's summary, chart and rows.
fn timeline_rows(selection: &Selection, rules: &Rules, audio: &HashSet<&str>) -> Markup {
    let total = selection.total;
    let claims = &selection.claims[..selection.claims.len().min(MAX_ROWS)];
    let rows: Vec<Row> = timeline::rows(claims);
    let by_id: HashMap<&str, &Claim> = claims.iter().map(|c| (c.id.as_str(), c)).collect();
    let mut anchored: HashSet<&str> = HashSet::new();
    html! {
        p.summary {
            (total) " claims" (capped_note(total)) ", " (rows.len())
            " rows; a mark opens its quote below."
        }
        (stale_note(selection.stale_recordings))
        // the chart escapes its own text (export::escape), as the SVG export does
        figure.timeline { (PreEscaped(timeline::svg(&rows, rules))) }
        table.timeline-rows {
            thead {
                tr {
                    th { "date" } th { "event" } th { "kind" } th { "speaker" } th { "quote" }
                    th { "citation" } th { "audio" }
                }
            }
            tbody {
                @for row in &rows {
                    tr id=[anchored.insert(row.claim_id.as_str()).then_some(&row.claim_id)] {
                        td.date {
                            (if row.date_text.is_empty() { "undated" } else { &row.date_text })
                        }
                        td {
                            (row.event)
                            @if let Some(words) = &row.mention { " (" (words) ")" }
                        }
                        td.kind { (row.kind) }
                        td { (speaker(row.speaker.as_deref())) }
                        td.quote { (row.quote) }
                        td { code { (row.citation) } }
                        td {
                            @if let Some(claim) = by_id.get(row.claim_id.as_str()) {
                                (claim_link(claim, audio))
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_wrap_marked_ranges_and_escape_everything() {
        assert_eq!(
            highlighted("ask <b>not</b> what", &[(0, 3), (7, 10)]).into_string(),
            "<mark>ask</mark> &lt;b&gt;<mark>not</mark>&lt;/b&gt; what"
        );
        assert_eq!(
            highlighted("café <x>", &[(0, 4)]).into_string(),
            "<mark>café</mark> &lt;x&gt;"
        );
        assert_eq!(highlighted("plain", &[]).into_string(), "plain");
    }

    #[test]
    fn unsure_words_are_marked_where_they_stand_in_the_text() {
        let word = |text: &str, probability: f32| crate::model::Word {
            text: text.into(),
            start_ms: 0,
            end_ms: 0,
            probability,
            speaker_confidence: None,
        };
        let segment = |text: &str, words: Vec<crate::model::Word>| crate::model::Segment {
            index: 0,
            start_ms: 0,
            end_ms: 1_000,
            text: text.into(),
            speaker: None,
            speaker_id: None,
            words,
            no_speech_probability: None,
            flags: Vec::new(),
            language: None,
        };
        let heard = segment(
            "The master admin <b> master.",
            vec![
                word("The", 0.9),
                word("master", 0.3),
                word("admin", 0.8),
                word("<b>", 0.1),
                word("master.", 0.2),
            ],
        );
        assert_eq!(unsure_ranges(&heard), [(4, 10), (17, 20), (21, 28)]);
        let html = marked(
            &heard.text,
            &unsure_ranges(&heard),
            Some(("unsure", "unsure")),
        )
        .into_string();
        assert_eq!(
            html,
            "The <mark class=\"unsure\" title=\"unsure\">master</mark> admin \
             <mark class=\"unsure\" title=\"unsure\">&lt;b&gt;</mark> \
             <mark class=\"unsure\" title=\"unsure\">master.</mark>"
        );
        // words an imported transcript does not hold are skipped, not misplaced
        let imported = segment(
            "The master admin",
            vec![word("elsewhere", 0.1), word("admin", 0.1)],
        );
        assert_eq!(unsure_ranges(&imported), [(11, 16)]);
    }

    #[test]
    fn transcript_text_is_escaped_on_the_recording_page() {
        let recording = crate::model::sample_recording("x.srt", &"ab".repeat(32));
        let transcript = Transcript {
            sha256: recording.sha256.clone(),
            language: "en".into(),
            segments: vec![crate::model::Segment {
                index: 0,
                start_ms: 1000,
                end_ms: 2000,
                text: "The <script>alert(1)</script> team".into(),
                speaker: Some("<img src=x onerror=alert(2)>".into()),
                speaker_id: None,
                words: vec![],
                no_speech_probability: None,
                flags: vec![],
                language: None,
            }],
            faint_activity: Vec::new(),
        };
        let page = super::recording(&recording, &transcript, true);
        assert!(!page.contains("<form"), "no voice ids: nothing to rename");
        assert!(page.contains("The &lt;script&gt;alert(1)&lt;/script&gt; team"));
        assert!(page.contains("&lt;img src=x onerror=alert(2)&gt;"));
        assert_eq!(page.matches("<script").count(), 1, "only app.js");
        assert!(page.contains("<script src=\"/assets/app.js\" defer></script>"));
    }

    #[test]
    fn voice_speakers_get_a_rename_form_with_their_name_escaped() {
        let recording = crate::model::sample_recording("x.wav", &"cd".repeat(32));
        let segment = |index: usize, id: &str, label: &str| crate::model::Segment {
            index,
            start_ms: index as u64 * 1000,
            end_ms: index as u64 * 1000 + 1500,
            text: "words".into(),
            speaker: Some(label.into()),
            speaker_id: Some(id.into()),
            words: vec![],
            no_speech_probability: None,
            flags: vec![],
            language: None,
        };
        let transcript = Transcript {
            sha256: recording.sha256.clone(),
            language: "en".into(),
            segments: vec![
                segment(0, "S2", "<script>alert(1)</script>"),
                segment(1, "S7", "S7"),
                segment(2, "S2", "<script>alert(1)</script>"),
            ],
            faint_activity: Vec::new(),
        };
        let page = super::recording(&recording, &transcript, false);
        assert_eq!(page.matches("<form class=\"rename\"").count(), 2);
        assert!(page.contains("action=\"/speakers/S2\""));
        assert!(page.contains("action=\"/speakers/S7\""));
        assert!(page.contains(&format!(
            "name=\"back\" value=\"/recording/{}\"",
            recording.sha256
        )));
        assert!(page.contains("value=\"&lt;script&gt;alert(1)&lt;/script&gt;\""));
        // An unnamed speaker's box starts empty, not with its id.
        assert!(page.contains("<input name=\"name\" value=\"\" required"));
        assert!(
            page.contains("<span class=\"time\">00:00:03</span>"),
            "S2 speaks 3 s"
        );
        assert_eq!(page.matches("<script").count(), 1, "only app.js");

        let refused = super::refused("Name refused", "speaker name \"<b>\" is bad", "/speakers");
        assert!(refused.contains("speaker name &quot;&lt;b&gt;&quot; is bad"));
        assert!(refused.contains("<a href=\"/speakers\">Back</a>"));
    }
}
