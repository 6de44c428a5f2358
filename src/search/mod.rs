//! The search index: every speech segment of every stored transcript in a tantivy index inside
//! the store (`<store>/index/`), with its recording, date, speaker and times, so that a query
//! finds the moment to play.
//!
//! Fields: `text` (English stemming, for recall; stored, for snippets), `exact` (lower-cased
//! words, no stemming: a quoted phrase is searched here, so it matches the words as spoken),
//! `fuzzy1`/`fuzzy2` (the same words, for `word~1` / `word~2` edit-distance terms), `sha256`,
//! `name`, `date` (days since 1970, fast), `speaker` (whole label, case-insensitive),
//! `segment`, `start_ms`, `end_ms`. Flagged segments (gaps, loops, text outside speech) are not
//! indexed: they are not quotes.

mod cjk;
pub mod meaning;

use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use regex::Regex;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, QueryParser, RangeQuery, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, Value,
    STORED, STRING,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{LowerCaser, RawTokenizer, TextAnalyzer};
use tantivy::{doc, Index, IndexReader, IndexWriter, Order, ReloadPolicy, TantivyDocument, Term};
use time::Date;

use crate::claims::{ClaimSet, FoundBy, CLAIMS_DIR, DEFAULT_MIN_SCORE};
use crate::error::{Error, Result};
use crate::model::{Recording, Transcript};
use crate::store::Store;

/// The index folder inside a store.
pub const INDEX_DIR: &str = "index";
const RAW_LOWER: &str = "raw_lower";
const WRITER_MEMORY: usize = 64 * 1024 * 1024;
/// How long a writer waits for another process's writer to finish.
const WRITER_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

#[derive(Debug, Clone, Copy)]
struct Fields {
    text: Field,
    exact: Field,
    fuzzy1: Field,
    fuzzy2: Field,
    sha256: Field,
    name: Field,
    date: Field,
    speaker: Field,
    kind: Field,
    segment: Field,
    start_ms: Field,
    end_ms: Field,
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let positions = |tokenizer: &str| {
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions)
    };
    let terms_only = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("default")
            .set_index_option(IndexRecordOption::Basic),
    );
    let number = NumericOptions::default().set_stored().set_fast();
    // A whole label, matched case-insensitively (speaker, claim kind).
    let whole_value = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(RAW_LOWER)
                .set_index_option(IndexRecordOption::Basic),
        )
        .set_stored();
    let fields = Fields {
        text: builder.add_text_field(
            "text",
            TextOptions::default()
                .set_indexing_options(positions("en_stem"))
                .set_stored(),
        ),
        exact: builder.add_text_field(
            "exact",
            TextOptions::default().set_indexing_options(positions("default")),
        ),
        fuzzy1: builder.add_text_field("fuzzy1", terms_only.clone()),
        fuzzy2: builder.add_text_field("fuzzy2", terms_only),
        sha256: builder.add_text_field("sha256", STRING | STORED),
        name: builder.add_text_field("name", STORED),
        date: builder.add_i64_field("date", number.clone().set_indexed()),
        speaker: builder.add_text_field("speaker", whole_value.clone()),
        kind: builder.add_text_field("kind", whole_value),
        segment: builder.add_u64_field("segment", STORED),
        start_ms: builder.add_u64_field("start_ms", number.clone()),
        end_ms: builder.add_u64_field("end_ms", STORED),
    };
    (builder.build(), fields)
}

/// A search over the index.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchQuery {
    /// tantivy query syntax: words, `"phrases"`, `"phrase"~N`, `word~N`, `AND`/`OR`/`NOT`, `pre*`.
    pub text: String,
    /// Only this speaker (case-insensitive, whole label).
    pub speaker: Option<String>,
    /// Only this recording (its SHA-256).
    pub recording_sha256: Option<String>,
    /// Only segments quoted by a claim of this kind.
    pub kind: Option<String>,
    /// Only recordings dated on or after this day.
    pub from: Option<Date>,
    /// Only recordings dated on or before this day.
    pub to: Option<Date>,
    /// At most this many hits.
    pub limit: usize,
    /// Order by recording date and time instead of relevance.
    pub by_date: bool,
}

/// One matching segment.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Hit {
    /// The recording's file name.
    pub recording: String,
    /// The recording's SHA-256.
    pub sha256: String,
    /// The recording date, `YYYY-MM-DD`, if known.
    pub recording_date: Option<String>,
    /// The speaker, if known.
    pub speaker: Option<String>,
    /// The segment's index in its transcript.
    pub segment: usize,
    /// Start in ms.
    pub start_ms: u64,
    /// End in ms.
    pub end_ms: u64,
    /// The segment's text.
    pub text: String,
    /// Matched words as character (not byte) ranges `[start, end)` in `text`.
    pub highlights: Vec<(usize, usize)>,
    /// Relevance score (by meaning: the cosine similarity).
    pub score: f32,
    /// By meaning: the cosine similarity of the segment to the query (−1 to 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub similarity: Option<f32>,
}

/// The index inside a store.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    path: PathBuf,
}

impl SearchIndex {
    /// Opens the index in `store_root`, creating it if absent.
    pub fn open(store_root: &Path) -> Result<SearchIndex> {
        let path = store_root.join(INDEX_DIR);
        std::fs::create_dir_all(&path).map_err(|e| Error::io(&path, e))?;
        let (schema, fields) = schema();
        let directory =
            tantivy::directory::MmapDirectory::open(&path).map_err(|e| Error::Index {
                path: path.clone(),
                source: e.into(),
            })?;
        let index = Index::open_or_create(directory, schema).map_err(|source| Error::Index {
            path: path.clone(),
            source,
        })?;
        // every script: Chinese and Japanese characters are words of their own (see `cjk`)
        index
            .tokenizers()
            .register("default", cjk::default_analyzer());
        index
            .tokenizers()
            .register("en_stem", cjk::en_stem_analyzer());
        index.tokenizers().register(
            RAW_LOWER,
            TextAnalyzer::builder(RawTokenizer::default())
                .filter(LowerCaser)
                .build(),
        );
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|source: tantivy::TantivyError| Error::Index {
                path: path.clone(),
                source,
            })?;
        Ok(SearchIndex {
            index,
            reader,
            fields,
            path,
        })
    }

    fn fail(&self, source: tantivy::TantivyError) -> Error {
        Error::Index {
            path: self.path.clone(),
            source,
        }
    }

    /// Reads the index again, for what other processes committed since it was opened or last
    /// refreshed (a server keeps one index for its life).
    pub fn refresh(&self) -> Result<()> {
        self.reader.reload().map_err(|e| self.fail(e))
    }

    /// Commits, then lets merges finish so that replaced segment files are removed.
    fn commit(&self, mut writer: IndexWriter) -> Result<()> {
        writer.commit().map_err(|e| self.fail(e))?;
        writer.wait_merging_threads().map_err(|e| self.fail(e))?;
        self.reader.reload().map_err(|e| self.fail(e))
    }

    /// The index's one writer. Another process that holds it (an ingest, an import, a rename)
    /// is waited for, up to [`WRITER_WAIT`], rather than failing the command.
    fn writer(&self) -> Result<IndexWriter> {
        let deadline = std::time::Instant::now() + WRITER_WAIT;
        loop {
            match self.index.writer_with_num_threads(1, WRITER_MEMORY) {
                Err(tantivy::TantivyError::LockFailure(
                    tantivy::directory::error::LockError::LockBusy,
                    _,
                )) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                other => return other.map_err(|e| self.fail(e)),
            }
        }
    }

    /// Deletes the index folder and creates an empty index (for `reindex`, which also mends an
    /// index made by an older version with other fields).
    pub fn recreate(store_root: &Path) -> Result<SearchIndex> {
        let path = store_root.join(INDEX_DIR);
        if path.exists() {
            std::fs::remove_dir_all(&path).map_err(|e| Error::io(&path, e))?;
        }
        SearchIndex::open(store_root)
    }

    /// Indexes (or re-indexes) several recordings in one commit; each segment is tagged with
    /// the kinds of the claims that quote it.
    pub fn put_many(&self, batch: &[(&Recording, &Transcript, Option<&ClaimSet>)]) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let mut writer = self.writer()?;
        for (recording, transcript, claims) in batch {
            self.add_to(&mut writer, recording, transcript, *claims)?;
        }
        self.commit(writer)
    }

    /// Rebuilds the whole index from the store's transcripts, in one commit. Returns the
    /// number of segments indexed.
    pub fn rebuild(&self, store: &Store) -> Result<usize> {
        let mut writer = self.writer()?;
        writer.delete_all_documents().map_err(|e| self.fail(e))?;
        let mut segments = 0;
        for recording in store.recordings() {
            let transcript = store.transcript(recording)?;
            let claims: Option<ClaimSet> = store.derived(CLAIMS_DIR, &recording.sha256)?;
            segments += self.add_to(&mut writer, recording, &transcript, claims.as_ref())?;
        }
        self.commit(writer)?;
        Ok(segments)
    }

    fn add_to(
        &self,
        writer: &mut IndexWriter,
        recording: &Recording,
        transcript: &Transcript,
        claims: Option<&ClaimSet>,
    ) -> Result<usize> {
        let f = self.fields;
        writer.delete_term(Term::from_field_text(f.sha256, &recording.sha256));
        let mut kinds: std::collections::BTreeMap<usize, std::collections::BTreeSet<&str>> =
            Default::default();
        let shown = claims
            .map_or(&[][..], |c| &c.claims[..])
            .iter()
            .filter(|c| c.found_by == FoundBy::Rule || c.score.unwrap_or(0.0) >= DEFAULT_MIN_SCORE);
        for claim in shown {
            for segment in claim.segments[0]..=claim.segments[1] {
                kinds.entry(segment).or_default().insert(&claim.kind);
            }
        }
        let mut count = 0;
        for segment in transcript.segments.iter().filter(|s| s.is_speech()) {
            let mut document = doc!(
                f.text => segment.text.as_str(),
                f.exact => segment.text.as_str(),
                f.fuzzy1 => segment.text.as_str(),
                f.fuzzy2 => segment.text.as_str(),
                f.sha256 => recording.sha256.as_str(),
                f.name => recording.name.as_str(),
                f.segment => segment.index as u64,
                f.start_ms => segment.start_ms,
                f.end_ms => segment.end_ms,
            );
            if let Some(date) = recording.recording_date {
                document.add_i64(f.date, days(date));
            }
            if let Some(speaker) = &segment.speaker {
                document.add_text(f.speaker, speaker);
            }
            for kind in kinds.get(&segment.index).into_iter().flatten() {
                document.add_text(f.kind, kind);
            }
            writer.add_document(document).map_err(|e| self.fail(e))?;
            count += 1;
        }
        Ok(count)
    }

    /// Indexes every stored recording the index lacks (after a crash between storing a
    /// recording and indexing it). Returns how many were added.
    pub fn sync(&self, store: &Store) -> Result<usize> {
        let searcher = self.reader.searcher();
        let mut missing = Vec::new();
        for recording in store.recordings() {
            let term = Term::from_field_text(self.fields.sha256, &recording.sha256);
            if searcher.doc_freq(&term).map_err(|e| self.fail(e))? == 0 {
                let transcript = store.transcript(recording)?;
                if transcript.segments.iter().any(|s| s.is_speech()) {
                    let claims: Option<ClaimSet> = store.derived(CLAIMS_DIR, &recording.sha256)?;
                    missing.push((recording, transcript, claims));
                }
            }
        }
        if missing.is_empty() {
            return Ok(0);
        }
        let mut writer = self.writer()?;
        for (recording, transcript, claims) in &missing {
            self.add_to(&mut writer, recording, transcript, claims.as_ref())?;
        }
        self.commit(writer)?;
        Ok(missing.len())
    }

    /// Runs a query. An empty, malformed or oversized query is `Error::Usage` with the
    /// reason.
    pub fn search(&self, query: &SearchQuery) -> Result<Vec<Hit>> {
        let f = self.fields;
        if query.text.trim().is_empty() {
            return Err(Error::Usage("empty query".into()));
        }
        check_query_size(&query.text)?;
        let mut parser = QueryParser::for_index(&self.index, vec![f.text, f.exact]);
        parser.set_field_boost(f.exact, 1.5);
        parser.set_field_fuzzy(f.fuzzy1, false, 1, true);
        parser.set_field_fuzzy(f.fuzzy2, false, 2, true);
        let rewritten = rewrite_query(&query.text)?;
        let parsed = parser
            .parse_query(&rewritten)
            .map_err(|e| Error::Usage(format!("bad query {:?}: {e}", query.text)))?;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, parsed.box_clone())];
        // Whole-value filters: speaker and kind are indexed lower-cased, the hash as is.
        let exact_terms = [
            (f.speaker, query.speaker.as_ref().map(|s| s.to_lowercase())),
            (f.kind, query.kind.as_ref().map(|k| k.to_lowercase())),
            (f.sha256, query.recording_sha256.clone()),
        ];
        for (field, value) in exact_terms {
            if let Some(value) = value {
                clauses.push((
                    Occur::Must,
                    Box::new(TermQuery::new(
                        Term::from_field_text(field, &value),
                        IndexRecordOption::Basic,
                    )),
                ));
            }
        }
        if query.from.is_some() || query.to.is_some() {
            let bound = |date: Option<Date>| {
                date.map_or(Bound::Unbounded, |d| {
                    Bound::Included(Term::from_field_i64(f.date, days(d)))
                })
            };
            clauses.push((
                Occur::Must,
                Box::new(RangeQuery::new(bound(query.from), bound(query.to))),
            ));
        }
        let combined = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let limit = query.limit.max(1);
        let addresses: Vec<(f32, tantivy::DocAddress)> = if query.by_date {
            searcher
                .search(
                    &combined,
                    &TopDocs::with_limit(limit).order_by_fast_field::<i64>("date", Order::Asc),
                )
                .map_err(|e| self.fail(e))?
                .into_iter()
                .map(|(_, address)| (0.0, address))
                .collect()
        } else {
            searcher
                .search(&combined, &TopDocs::with_limit(limit).order_by_score())
                .map_err(|e| self.fail(e))?
        };
        let snippets = SnippetGenerator::create(&searcher, &*parsed, f.text)
            .map(|mut generator| {
                generator.set_max_num_chars(100_000);
                generator
            })
            .map_err(|e| self.fail(e))?;
        let exact_snippets = SnippetGenerator::create(&searcher, &*parsed, f.exact).ok();
        let mut hits = Vec::with_capacity(addresses.len());
        for (score, address) in addresses {
            let document: TantivyDocument = searcher.doc(address).map_err(|e| self.fail(e))?;
            let text_of = |field: Field| {
                document
                    .get_first(field)
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
            };
            let number = |field: Field| {
                document
                    .get_first(field)
                    .and_then(|v| v.as_u64())
                    .unwrap_or(0)
            };
            let text = text_of(f.text).unwrap_or_default();
            let mut ranges = highlighted_ranges(&snippets.snippet_from_doc(&document));
            if ranges.is_empty() {
                if let Some(generator) = &exact_snippets {
                    // The exact field is not stored: highlight the stored text with its terms.
                    let mut stored = TantivyDocument::default();
                    stored.add_text(f.exact, &text);
                    ranges = highlighted_ranges(&generator.snippet_from_doc(&stored));
                }
            }
            hits.push(Hit {
                recording: text_of(f.name).unwrap_or_default(),
                sha256: text_of(f.sha256).unwrap_or_default(),
                recording_date: document
                    .get_first(f.date)
                    .and_then(|v| v.as_i64())
                    .map(|d| from_days(d).to_string()),
                speaker: text_of(f.speaker),
                segment: number(f.segment) as usize,
                start_ms: number(f.start_ms),
                end_ms: number(f.end_ms),
                highlights: char_ranges(&text, &ranges),
                text,
                score,
                similarity: None,
            });
        }
        if query.by_date {
            sort_by_date(&mut hits);
        }
        Ok(hits)
    }
}

/// Dated recordings in date order, then undated ones; by recording and time within a day.
pub fn sort_by_date(hits: &mut [Hit]) {
    let key = |h: &Hit| {
        (
            h.recording_date.is_none(),
            h.recording_date.clone(),
            h.recording.clone(),
            h.start_ms,
        )
    };
    hits.sort_by_key(key);
}

/// A snippet's highlights as byte ranges in the whole text (not in its fragment).
fn highlighted_ranges(snippet: &tantivy::snippet::Snippet) -> Vec<std::ops::Range<usize>> {
    let offset = snippet.fragment_range().start;
    snippet
        .highlighted()
        .iter()
        .map(|r| r.start + offset..r.end + offset)
        .collect()
}

/// The longest query accepted, in characters.
const MAX_QUERY_CHARS: usize = 4_096;
/// The deepest nesting of parentheses accepted. tantivy's query parser recurses once per level,
/// so a query nested thousands deep would overflow the stack and abort the process.
const MAX_QUERY_DEPTH: usize = 32;

/// Refuses queries too long or too deeply nested to parse safely.
fn check_query_size(text: &str) -> Result<()> {
    let (mut depth, mut deepest, mut quoted) = (0usize, 0usize, false);
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '(' if !quoted => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' if !quoted => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if deepest > MAX_QUERY_DEPTH {
        return Err(Error::Usage(format!(
            "query nests parentheses {deepest} deep; at most {MAX_QUERY_DEPTH}"
        )));
    }
    let chars = text.chars().count();
    if chars > MAX_QUERY_CHARS {
        return Err(Error::Usage(format!(
            "query of {chars} characters; at most {MAX_QUERY_CHARS}"
        )));
    }
    Ok(())
}

/// Quoted phrases go to the exact field; `word~N` (N = 1 or 2) to the fuzzy fields.
fn rewrite_query(text: &str) -> Result<String> {
    static PARTS: OnceLock<Regex> = OnceLock::new();
    let parts = PARTS.get_or_init(|| {
        Regex::new(
            r#"(?P<field>\w+:)?(?P<phrase>"[^"]*"(?:~\d+)?)|(?P<word>[\p{L}\p{N}'_]+)~(?P<n>\d+)"#,
        )
        .expect("valid regex")
    });
    if text.matches('"').count() % 2 == 1 {
        return Err(Error::Usage(format!(
            "bad query {text:?}: unbalanced quote"
        )));
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut last = 0;
    for caps in parts.captures_iter(text) {
        let whole = caps.get(0).expect("match");
        out.push_str(&text[last..whole.start()]);
        if let Some(phrase) = caps.name("phrase") {
            match caps.name("field") {
                Some(field) => out.push_str(&format!("{}{}", field.as_str(), phrase.as_str())),
                None => out.push_str(&format!("exact:{}", phrase.as_str())),
            }
        } else {
            let word = &caps["word"];
            match &caps["n"] {
                "0" => out.push_str(word),
                "1" => out.push_str(&format!("fuzzy1:{word}")),
                "2" => out.push_str(&format!("fuzzy2:{word}")),
                n => {
                    return Err(Error::Usage(format!(
                        "bad query {text:?}: {word}~{n}: fuzzy distance must be 1 or 2"
                    )))
                }
            }
        }
        last = whole.end();
    }
    out.push_str(&text[last..]);
    Ok(out)
}

/// A recording date as hits show it.
fn from_days_string(date: Option<Date>) -> Option<String> {
    date.map(|d| d.to_string())
}

fn days(date: Date) -> i64 {
    i64::from(date.to_julian_day() - time::macros::date!(1970 - 01 - 01).to_julian_day())
}

fn from_days(days: i64) -> Date {
    Date::from_julian_day(time::macros::date!(1970 - 01 - 01).to_julian_day() + days as i32)
        .unwrap_or(time::macros::date!(1970 - 01 - 01))
}

/// Byte ranges to character ranges, merged and in order.
fn char_ranges(text: &str, ranges: &[std::ops::Range<usize>]) -> Vec<(usize, usize)> {
    let to_char = |byte: usize| text.get(..byte).map_or(0, |s| s.chars().count());
    let mut out: Vec<(usize, usize)> = ranges
        .iter()
        .map(|r| (to_char(r.start), to_char(r.end)))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_too_deep_or_too_long_to_parse_safely_are_refused() {
        let nested = |n: usize| format!("{}china{}", "(".repeat(n), ")".repeat(n));
        assert!(check_query_size(&nested(MAX_QUERY_DEPTH)).is_ok());
        let deep = check_query_size(&nested(20_000)).unwrap_err().to_string();
        assert!(deep.contains("20000 deep"), "{deep}");
        // parentheses inside a phrase are words, not nesting
        assert!(check_query_size(&format!("\"{}\"", "(".repeat(100))).is_ok());
        let long = check_query_size(&"a ".repeat(3_000))
            .unwrap_err()
            .to_string();
        assert!(long.contains("6000 characters"), "{long}");
    }

    #[test]
    fn phrases_go_to_the_exact_field_and_fuzzy_terms_to_fuzzy_fields() {
        assert_eq!(
            rewrite_query(r#""see everything""#).unwrap(),
            r#"exact:"see everything""#
        );
        assert_eq!(
            rewrite_query(r#""user data"~3"#).unwrap(),
            r#"exact:"user data"~3"#
        );
        assert_eq!(
            rewrite_query("acess~1 AND admin").unwrap(),
            "fuzzy1:acess AND admin"
        );
        assert_eq!(rewrite_query("beijing~2").unwrap(), "fuzzy2:beijing");
        assert_eq!(rewrite_query(r#"text:"a b""#).unwrap(), r#"text:"a b""#);
        assert!(rewrite_query(r#""unbalanced"#).is_err());
        assert!(rewrite_query("word~3").is_err());
    }

    #[test]
    fn dates_round_trip_through_day_numbers() {
        let date = time::macros::date!(2021 - 09 - 14);
        assert_eq!(from_days(days(date)), date);
        assert_eq!(days(time::macros::date!(1970 - 01 - 02)), 1);
    }

    #[test]
    fn byte_ranges_become_character_ranges() {
        assert_eq!(
            char_ranges("café data", std::slice::from_ref(&(6..10))),
            [(5, 9)]
        );
    }
}
