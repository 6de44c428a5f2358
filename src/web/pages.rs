//! The page's HTML, rendered on the server: pure functions from stored data to markup. Every
//! text that comes from a transcript, a store or a request goes through [`escape`]; the only
//! script is the `/assets/app.js` file, and no element carries inline script or style.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use crate::claims::{Claim, Rules};
use crate::export::escape;
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
    /// Anything else: a recording's transcript, an error.
    Other,
}

/// The whole document around a page's body.
pub fn layout(title: &str, section: Section, body: &str) -> String {
    let nav = [
        (Section::Search, "/", "Search"),
        (Section::Claims, "/claims", "Claims"),
        (Section::Timeline, "/timeline", "Timeline"),
        (Section::Speakers, "/speakers", "Speakers"),
    ]
    .iter()
    .map(|(s, href, label)| {
        let current = if *s == section {
            " aria-current=\"page\""
        } else {
            ""
        };
        format!("<a href=\"{href}\"{current}>{label}</a>")
    })
    .collect::<Vec<_>>()
    .join(" ");
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} · verbatim</title>\n<link rel=\"stylesheet\" href=\"/assets/app.css\">\n\
         <script src=\"/assets/app.js\" defer></script>\n</head>\n<body>\n\
         <header><span class=\"brand\">verbatim</span> <nav>{nav}</nav></header>\n<main>\n{body}</main>\n</body>\n</html>\n",
        escape(title)
    )
}

/// A page that only says what went wrong.
pub fn error(message: &str) -> String {
    layout(
        "Error",
        Section::Other,
        &format!(
            "<h1>Error</h1>\n<p class=\"error\">{}</p>\n",
            escape(message)
        ),
    )
}

/// The page a refused rename answers with: the library's reason, and a link back to the page
/// the form was on (`back`, a path the server checked).
pub fn refused(message: &str, back: &str) -> String {
    layout(
        "Name refused",
        Section::Other,
        &format!(
            "<h1>Name refused</h1>\n<p class=\"error\">{}</p>\n<p><a href=\"{}\">Back</a></p>\n",
            escape(message),
            escape(back)
        ),
    )
}

/// The form that names speaker `id` (currently `name`) and returns to `back`.
fn rename_form(id: &str, name: Option<&str>, back: &str) -> String {
    format!(
        "<form class=\"rename\" method=\"post\" action=\"/speakers/{id}\">\
         <input type=\"hidden\" name=\"back\" value=\"{back}\">\
         <label>name <input name=\"name\" value=\"{name}\" required autocomplete=\"off\" \
         aria-label=\"name of {id}\"></label> <button type=\"submit\">Save</button></form>",
        id = escape(id),
        back = escape(back),
        name = escape(name.unwrap_or("")),
    )
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
    let mut body = String::from("<h1>Speakers</h1>\n");
    if rows.is_empty() {
        body.push_str(
            "<p class=\"hint\">No speakers yet: <code>verbatim ingest</code> finds them in \
             recordings by voice.</p>\n",
        );
        return layout("Speakers", Section::Speakers, &body);
    }
    body.push_str(
        "<p class=\"hint\">A name is shown everywhere the speaker's id was: transcripts, search, \
         claims and exports (the same as <code>verbatim speakers rename</code>).</p>\n\
         <table class=\"speakers\">\n<thead><tr><th>id</th><th>speaker</th><th>talk</th>\
         <th>recordings</th><th>name</th></tr></thead>\n<tbody>\n",
    );
    for row in rows {
        let recordings: Vec<String> = row
            .recordings
            .iter()
            .map(|r| {
                format!(
                    "<a href=\"/recording/{}\">{}</a>",
                    escape(&r.sha256),
                    escape(&r.name)
                )
            })
            .collect();
        let _ = writeln!(
            body,
            "<tr id=\"speaker-{id}\"><td><code>{id}</code></td><td>{}</td><td class=\"time\">{}</td>\
             <td>{}</td><td>{}</td></tr>",
            speaker(Some(row.name.unwrap_or(row.id))),
            hms(row.speech_ms),
            recordings.join(", "),
            rename_form(row.id, row.name, "/speakers"),
            id = escape(row.id),
        );
    }
    body.push_str("</tbody>\n</table>\n");
    layout("Speakers", Section::Speakers, &body)
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
fn filter_fields(params: &Params, choices: &Choices) -> String {
    let mut out = String::new();
    let option = |value: &str, label: &str, selected: bool| {
        format!(
            "<option value=\"{}\"{}>{}</option>",
            escape(value),
            if selected { " selected" } else { "" },
            escape(label)
        )
    };
    let _ = writeln!(
        out,
        "<label>speaker <input name=\"speaker\" value=\"{}\" placeholder=\"any\"></label>",
        escape(&params.speaker)
    );
    let mut recordings = option("", "any recording", params.recording.is_empty());
    let mut chosen = params.recording.is_empty();
    for recording in choices.recordings {
        let selected = params.recording == recording.sha256;
        chosen |= selected;
        let date = recording
            .recording_date
            .map_or_else(|| "undated".to_string(), |d| d.to_string());
        recordings.push_str(&option(
            &recording.sha256,
            &format!("{} ({date})", recording.name),
            selected,
        ));
    }
    if !chosen {
        // A name, stem or hash prefix typed into the address: keep it.
        recordings.push_str(&option(&params.recording, &params.recording, true));
    }
    let _ = writeln!(
        out,
        "<label>recording <select name=\"recording\">{recordings}</select></label>"
    );
    let _ = write!(
        out,
        "<label>from <input type=\"date\" name=\"from\" value=\"{}\"></label>\n\
         <label>to <input type=\"date\" name=\"to\" value=\"{}\"></label>\n",
        escape(&params.from),
        escape(&params.to)
    );
    let mut kinds = option("", "any kind", params.kind.is_empty());
    for kind in &choices.rules.kinds {
        kinds.push_str(&option(&kind.name, &kind.name, params.kind == kind.name));
    }
    if !params.kind.is_empty() && !choices.rules.kinds.iter().any(|k| k.name == params.kind) {
        kinds.push_str(&option(&params.kind, &params.kind, true));
    }
    let _ = writeln!(
        out,
        "<label>kind <select name=\"kind\">{kinds}</select></label>"
    );
    out
}

/// Where a quote or hit plays: the recording's page, at `start_ms`, scrolled to its segment.
fn play_href(sha256: &str, start_ms: u64, segment: usize) -> String {
    format!("/recording/{}?t={start_ms}#seg-{segment}", escape(sha256))
}

/// `text` escaped, with the character ranges `[start, end)` in `<mark>`.
fn highlighted(text: &str, ranges: &[(usize, usize)]) -> String {
    let mut out = String::with_capacity(text.len() + ranges.len() * 13);
    let mut plain = String::new();
    let mut open = false;
    for (i, c) in text.chars().enumerate() {
        let starts = !open && ranges.iter().any(|r| r.0 == i);
        if starts {
            out.push_str(&escape(&plain));
            plain.clear();
            out.push_str("<mark>");
            open = true;
        }
        plain.push(c);
        if open && ranges.iter().any(|r| r.1 == i + 1) {
            out.push_str(&escape(&plain));
            plain.clear();
            out.push_str("</mark>");
            open = false;
        }
    }
    out.push_str(&escape(&plain));
    if open {
        out.push_str("</mark>");
    }
    out
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
    let mut body = String::from("<h1>Search</h1>\n");
    let sort = |value: &str, label: &str| {
        let selected = params.sort == value || (params.sort.is_empty() && value == "relevance");
        format!(
            "<option value=\"{value}\"{}>{label}</option>",
            if selected { " selected" } else { "" }
        )
    };
    let _ = write!(
        body,
        "<form class=\"filters\" method=\"get\" action=\"/\" role=\"search\">\n\
         <label class=\"query\">query <input type=\"search\" name=\"q\" value=\"{}\" \
         placeholder=\"&quot;see everything&quot;, beijing AND admin, acess~1\" autofocus></label>\n\
         {}<label class=\"meaning\"><input type=\"checkbox\" name=\"meaning\" value=\"on\"{}> by meaning</label>\n\
         <label>sort <select name=\"sort\">{}{}</select></label>\n\
         <label>limit <input type=\"number\" name=\"limit\" min=\"1\" max=\"{}\" value=\"{}\"></label>\n\
         <button type=\"submit\">Search</button>\n</form>\n",
        escape(&params.q),
        filter_fields(params, choices),
        if params.meaning.is_empty() {
            ""
        } else {
            " checked"
        },
        sort("relevance", "relevance"),
        sort("date", "date"),
        super::MAX_LIMIT,
        escape(if params.limit.is_empty() {
            "20"
        } else {
            &params.limit
        }),
    );
    match outcome {
        SearchOutcome::Empty => body.push_str(
            "<p class=\"hint\">Words (stemmed), \"exact phrases\", \"a phrase\"~N, word~1 \
             (fuzzy), AND, OR, NOT, (groups), pre*; speaker:, kind: fields. The same syntax \
             as <code>verbatim search</code>.</p>\n",
        ),
        SearchOutcome::Refused(message) => {
            let _ = writeln!(body, "<p class=\"error\">{}</p>", escape(message));
        }
        SearchOutcome::Hits(hits) if hits.is_empty() => {
            body.push_str("<p class=\"summary\">No segment matches.</p>\n");
        }
        SearchOutcome::Hits(hits) => {
            let _ = writeln!(
                body,
                "<p class=\"summary\">{} {}</p>\n<ol class=\"hits\">",
                hits.len(),
                if hits.len() == 1 { "hit" } else { "hits" }
            );
            for hit in hits {
                let _ = writeln!(
                    body,
                    "<li class=\"hit\"><a href=\"{}\"><span class=\"meta\"><span class=\"date\">{}</span> \
                     <span class=\"time\">{}</span> {} <span class=\"recording\">{}</span>{}</span>\
                     <span class=\"text\">{}</span></a></li>",
                    play_href(&hit.sha256, hit.start_ms, hit.segment),
                    escape(hit.recording_date.as_deref().unwrap_or("undated")),
                    hms(hit.start_ms),
                    speaker(hit.speaker.as_deref()),
                    escape(&hit.recording),
                    hit.similarity.map_or(String::new(), |s| format!(
                        " <span class=\"similarity\">similarity {s:.2}</span>"
                    )),
                    highlighted(&hit.text, &hit.highlights),
                );
            }
            body.push_str("</ol>\n");
        }
    }
    let title = if params.q.is_empty() {
        "Search".to_string()
    } else {
        format!("Search: {}", params.q)
    };
    layout(&title, Section::Search, &body)
}

/// A speaker label, or "unknown speaker" in grey.
fn speaker(label: Option<&str>) -> String {
    match label {
        Some(name) => format!("<span class=\"speaker\">{}</span>", escape(name)),
        None => "<span class=\"speaker unknown\">unknown speaker</span>".to_string(),
    }
}

/// A recording's page: its provenance, the audio player (when the source is audio) and the
/// transcript, one line per segment with its time as a link that plays from there.
pub fn recording(recording: &Recording, transcript: &Transcript, audio: bool) -> String {
    let mut body = String::new();
    let _ = writeln!(body, "<h1>{}</h1>", escape(&recording.name));
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
    let _ = write!(
        body,
        "<dl class=\"provenance\">\n<dt>recorded</dt><dd>{}</dd>\n<dt>duration</dt><dd>{}</dd>\n\
         <dt>sha256</dt><dd><code>{}</code></dd>\n<dt>source</dt><dd>{}</dd>\n\
         <dt>file</dt><dd><code>{}</code></dd>\n</dl>\n",
        escape(&date),
        hms(recording.duration_ms),
        escape(&recording.sha256),
        escape(&source),
        escape(&recording.source_path),
    );
    if audio {
        let _ = writeln!(
            body,
            "<div class=\"player\"><audio id=\"player\" controls preload=\"metadata\" src=\"/audio/{}\"></audio>\
             <p id=\"player-note\" class=\"hint\" hidden></p></div>",
            escape(&recording.sha256)
        );
    } else if recording.source == SourceKind::Audio {
        body.push_str(
            "<p class=\"error\">The source audio is not where it was ingested, or has changed \
             size since (<code>verbatim verify</code> says which).</p>\n",
        );
    }
    let voices = voice_speakers(transcript);
    if !voices.is_empty() {
        let back = format!("/recording/{}", recording.sha256);
        body.push_str("<section class=\"speakers\">\n<h2>Speakers</h2>\n<ul class=\"speakers\">\n");
        for (id, label, speech_ms) in voices {
            // The label is the registry's name, else the id itself.
            let name = (label != id).then_some(label);
            let form = if super::is_speaker_id(id) {
                rename_form(id, name, &back)
            } else {
                String::new()
            };
            let _ = writeln!(
                body,
                "<li id=\"speaker-{}\">{} <code>{}</code> <span class=\"time\">{}</span> {form}</li>",
                escape(id),
                speaker(Some(label)),
                escape(id),
                hms(speech_ms),
            );
        }
        body.push_str("</ul>\n</section>\n");
    }
    body.push_str("<ol class=\"transcript\">\n");
    for segment in &transcript.segments {
        let flags: Vec<String> = segment
            .flags
            .iter()
            .map(|f| {
                serde_json::to_value(f)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            })
            .collect();
        let class = if segment.is_speech() {
            "segment"
        } else {
            "segment flagged"
        };
        let speaker_id = segment
            .speaker_id
            .as_deref()
            .map(|id| format!(" data-speaker-id=\"{}\"", escape(id)))
            .unwrap_or_default();
        let _ = write!(
            body,
            "<li id=\"seg-{}\" class=\"{class}\" data-start-ms=\"{}\" data-end-ms=\"{}\"{speaker_id}>\
             <a class=\"time\" href=\"?t={}#seg-{}\">{}</a> {} <span class=\"text\">{}</span>",
            segment.index,
            segment.start_ms,
            segment.end_ms,
            segment.start_ms,
            segment.index,
            hms(segment.start_ms),
            speaker(segment.speaker.as_deref()),
            escape(&segment.text),
        );
        if !flags.is_empty() {
            let _ = write!(
                body,
                " <span class=\"flags\">{}</span>",
                escape(&flags.join(", "))
            );
        }
        body.push_str("</li>\n");
    }
    body.push_str("</ol>\n");
    layout(&recording.name, Section::Other, &body)
}

fn date_source(recording: &Recording) -> String {
    serde_json::to_value(recording.date_source)
        .ok()
        .and_then(|v| v.as_str().map(|s| s.replace('_', " ")))
        .unwrap_or_default()
}

/// A filter form for the claims and timeline pages.
fn filter_form(action: &str, params: &Params, choices: &Choices) -> String {
    format!(
        "<form class=\"filters\" method=\"get\" action=\"{action}\">\n{}\
         <button type=\"submit\">Filter</button>\n</form>\n",
        filter_fields(params, choices)
    )
}

/// The note shown when stored claims were found with other rules than those in force.
fn stale_note(stale_recordings: usize) -> String {
    if stale_recordings == 0 {
        return String::new();
    }
    format!(
        "<p class=\"hint\">The claims of {stale_recordings} recordings were found with other \
         rules than those in force; <code>verbatim claims --rescan</code> applies them.</p>\n"
    )
}

/// The claims a page's filters selected, or why they could not be.
pub type Selected<'a> = Result<&'a Selection, String>;

/// The most claims a claims or timeline page lists; the downloads hold them all.
pub const MAX_ROWS: usize = 1_000;

/// The summary's note when a page lists only the first [`MAX_ROWS`] claims.
fn capped_note(total: usize) -> String {
    if total > MAX_ROWS {
        format!(" (the first {MAX_ROWS} shown: narrow the filters, or download them all)")
    } else {
        String::new()
    }
}

/// The play (or, for an imported transcript, open) link of a claim.
fn claim_link(claim: &Claim, audio: &HashSet<&str>) -> String {
    let label = if audio.contains(claim.sha256.as_str()) {
        "▶ play"
    } else {
        "open"
    };
    format!(
        "<a class=\"play\" href=\"{}\">{label}</a>",
        play_href(&claim.sha256, claim.start_ms, claim.segments[0])
    )
}

/// The claims page: filters, download links (the CLI's CSV and JSON exports of the same
/// selection) and a table sortable by column, each row with its citation and a play link.
pub fn claims(
    params: &Params,
    choices: &Choices,
    outcome: Selected,
    audio: &HashSet<&str>,
) -> String {
    let mut body = String::from("<h1>Claims</h1>\n");
    body.push_str(&filter_form("/claims", params, choices));
    match outcome {
        Err(message) => {
            let _ = writeln!(body, "<p class=\"error\">{}</p>", escape(&message));
        }
        Ok(Selection {
            claims,
            total,
            stale_recordings: stale,
        }) => {
            let query = params.filter_query();
            let query = if query.is_empty() {
                String::new()
            } else {
                format!("?{query}")
            };
            let _ = writeln!(
                body,
                "<p class=\"summary\">{} {}{} · download <a href=\"/claims.csv{q}\" download>CSV</a> \
                 <a href=\"/claims.json{q}\" download>JSON</a></p>",
                total,
                if *total == 1 { "claim" } else { "claims" },
                capped_note(*total),
                q = escape(&query)
            );
            body.push_str(&stale_note(*stale));
            body.push_str(
                "<table class=\"claims sortable\">\n<thead><tr>\
                 <th><button type=\"button\">kind</button></th>\
                 <th><button type=\"button\">quote</button></th>\
                 <th><button type=\"button\">speaker</button></th>\
                 <th><button type=\"button\">date</button></th>\
                 <th><button type=\"button\">time</button></th>\
                 <th><button type=\"button\">flags</button></th>\
                 <th><button type=\"button\">citation</button></th>\
                 <th>audio</th></tr></thead>\n<tbody>\n",
            );
            for claim in claims.iter().take(MAX_ROWS) {
                let date = claim.recording_date.map(|d| d.to_string());
                let flags: Vec<&str> = claim.flags.iter().map(|f| f.name()).collect();
                let _ = writeln!(
                    body,
                    "<tr><td class=\"kind\">{}</td><td class=\"quote\">{}</td><td>{}</td>\
                     <td data-sort=\"{}\">{}</td><td data-sort=\"{:012}\">{}–{}</td>\
                     <td class=\"flags\">{}</td><td><code>{}</code></td><td>{}</td></tr>",
                    escape(&claim.kind),
                    escape(&claim.quote),
                    speaker(claim.speaker.as_deref()),
                    escape(date.as_deref().unwrap_or("9999-99-99")),
                    escape(date.as_deref().unwrap_or("undated")),
                    claim.start_ms,
                    hms(claim.start_ms),
                    hms(claim.end_ms),
                    escape(&flags.join(", ")),
                    escape(&claim.citation()),
                    claim_link(claim, audio),
                );
            }
            body.push_str("</tbody>\n</table>\n");
        }
    }
    layout("Claims", Section::Claims, &body)
}

/// The timeline page: filters, the [`timeline::svg`] chart (each mark links to its row) and
/// the rows, the first row of each claim anchored by the claim's id, each with a play link.
pub fn timeline(
    params: &Params,
    choices: &Choices,
    outcome: Selected,
    audio: &HashSet<&str>,
) -> String {
    let mut body = String::from("<h1>Timeline</h1>\n");
    body.push_str(&filter_form("/timeline", params, choices));
    match outcome {
        Err(message) => {
            let _ = writeln!(body, "<p class=\"error\">{}</p>", escape(&message));
        }
        Ok(Selection {
            claims,
            total,
            stale_recordings: stale,
        }) => {
            let total = *total;
            let claims = &claims[..claims.len().min(MAX_ROWS)];
            let rows: Vec<Row> = timeline::rows(claims);
            let by_id: HashMap<&str, &Claim> = claims.iter().map(|c| (c.id.as_str(), c)).collect();
            let _ = writeln!(
                body,
                "<p class=\"summary\">{total} claims{}, {} rows; a mark opens its quote below.</p>",
                capped_note(total),
                rows.len()
            );
            body.push_str(&stale_note(*stale));
            let _ = write!(
                body,
                "<figure class=\"timeline\">\n{}</figure>\n",
                timeline::svg(&rows, choices.rules)
            );
            body.push_str(
                "<table class=\"timeline-rows\">\n<thead><tr><th>date</th><th>event</th>\
                 <th>kind</th><th>speaker</th><th>quote</th><th>citation</th><th>audio</th>\
                 </tr></thead>\n<tbody>\n",
            );
            let mut anchored: HashSet<&str> = HashSet::new();
            for row in &rows {
                let id = if anchored.insert(row.claim_id.as_str()) {
                    format!(" id=\"{}\"", escape(&row.claim_id))
                } else {
                    String::new()
                };
                let event = match &row.mention {
                    Some(words) => format!("{} ({})", row.event, escape(words)),
                    None => row.event.to_string(),
                };
                let link = by_id
                    .get(row.claim_id.as_str())
                    .map(|claim| claim_link(claim, audio))
                    .unwrap_or_default();
                let _ = writeln!(
                    body,
                    "<tr{id}><td class=\"date\">{}</td><td>{event}</td><td class=\"kind\">{}</td>\
                     <td>{}</td><td class=\"quote\">{}</td><td><code>{}</code></td><td>{link}</td></tr>",
                    escape(if row.date_text.is_empty() {
                        "undated"
                    } else {
                        &row.date_text
                    }),
                    escape(&row.kind),
                    speaker(row.speaker.as_deref()),
                    escape(&row.quote),
                    escape(&row.citation),
                );
            }
            body.push_str("</tbody>\n</table>\n");
        }
    }
    layout("Timeline", Section::Timeline, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_wrap_marked_ranges_and_escape_everything() {
        assert_eq!(
            highlighted("ask <b>not</b> what", &[(0, 3), (7, 10)]),
            "<mark>ask</mark> &lt;b&gt;<mark>not</mark>&lt;/b&gt; what"
        );
        assert_eq!(
            highlighted("café <x>", &[(0, 4)]),
            "<mark>café</mark> &lt;x&gt;"
        );
        assert_eq!(highlighted("plain", &[]), "plain");
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
            }],
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
        };
        let transcript = Transcript {
            sha256: recording.sha256.clone(),
            language: "en".into(),
            segments: vec![
                segment(0, "S2", "<script>alert(1)</script>"),
                segment(1, "S7", "S7"),
                segment(2, "S2", "<script>alert(1)</script>"),
            ],
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

        let refused = super::refused("speaker name \"<b>\" is bad", "/speakers");
        assert!(refused.contains("speaker name &quot;&lt;b&gt;&quot; is bad"));
        assert!(refused.contains("<a href=\"/speakers\">Back</a>"));
    }
}
