//! What the reading commands and the web page show, chosen one way for both: the rules in
//! force, one [`Filter`] (kind, speaker, recording, date range) and what it selects: the stored
//! claims ([`claims`], with the last verification's flags) or a [`SearchQuery`].
//!
//! It reads the store, the claims and the last verification, so it sits beside `ingest` and
//! `verify` rather than in a stage.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use time::Date;

use crate::claims::{Claim, ClaimFlag, ClaimSet, FoundBy, Rules, CLAIMS_DIR, DEFAULT_MIN_SCORE};
use crate::error::{Error, Result};
use crate::meaning::classifier::Examples;
use crate::meaning::LazyClaimModel;
use crate::model::Recording;
use crate::search::SearchQuery;
use crate::store::Store;
use crate::verify::{last_statuses, SourceStatus};

/// The file in a store that overrides the built-in rules.
pub const STORE_RULES: &str = "rules.toml";

/// The rules in force: `rules` (a file the user named), else the store's `rules.toml`, else the
/// built-in rules.
fn rules_in_force(store_root: &Path, rules: Option<&Path>) -> Result<Rules> {
    let in_store = store_root.join(STORE_RULES);
    match rules {
        Some(path) => Rules::load(path),
        None if in_store.exists() => Rules::load(&in_store),
        None => Ok(Rules::builtin()),
    }
}

/// The file in a store that overrides the built-in claim examples.
const STORE_EXAMPLES: &str = "examples.toml";

/// The claim examples in force: `examples` (a file the user named), else the store's
/// `examples.toml`, else the built-in examples.
fn examples_in_force(store_root: &Path, examples: Option<&Path>) -> Result<Examples> {
    let in_store = store_root.join(STORE_EXAMPLES);
    match examples {
        Some(path) => Examples::load(path),
        None if in_store.exists() => Examples::load(&in_store),
        None => Ok(Examples::builtin()),
    }
}

/// The rules in force (`rules_in_force`) with, when the sentence model is installed under
/// `models_dir`, the meaning model beside them, taught with the examples in force
/// (`examples_in_force`). The model is loaded only when a claim is first extracted.
pub fn claim_rules(
    store_root: &Path,
    rules: Option<&Path>,
    examples: Option<&Path>,
    models_dir: &Path,
) -> Result<Rules> {
    let rules = rules_in_force(store_root, rules)?;
    let examples = examples_in_force(store_root, examples)?;
    if !crate::models::minilm::present(models_dir) {
        return Ok(rules);
    }
    let dir = crate::meaning::encoder::model_dir(models_dir);
    let builtin_examples = examples.origin == "built-in";
    let has_every_kind = examples
        .kinds()
        .all(|kind| rules.kinds.iter().any(|k| k.name == kind));
    if builtin_examples && !has_every_kind {
        // the user's own rules define other kinds: the built-in examples do not apply
        return Ok(rules);
    }
    rules.with_meaning(Arc::new(LazyClaimModel::new(&dir, examples)))
}

/// Which claims or segments: every field that is set must match.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Only claims of this kind (search: segments quoted by such a claim).
    pub kind: Option<String>,
    /// Only this speaker (case-insensitive, whole label).
    pub speaker: Option<String>,
    /// Only this recording: file name, stem or hash prefix, as [`Store::resolve`] reads it.
    pub recording: Option<String>,
    /// Only recordings dated on or after this day (undated recordings are left out).
    pub from: Option<Date>,
    /// Only recordings dated on or before this day (undated recordings are left out).
    pub to: Option<Date>,
    /// Claims only the model found must score at least this; [`DEFAULT_MIN_SCORE`] when
    /// unset. Rule claims always pass.
    pub min_score: Option<f32>,
}

impl Filter {
    /// The SHA-256 of the recording the filter names, if it names one.
    pub fn recording_sha256(&self, store: &Store) -> Result<Option<String>> {
        self.recording
            .as_deref()
            .map(|r| store.resolve(r).map(|rec| rec.sha256.clone()))
            .transpose()
    }

    /// A search for `text` under this filter: at most `limit` hits, by relevance or, with
    /// `by_date`, by recording date and time.
    pub fn search_query(
        &self,
        store: &Store,
        text: &str,
        limit: usize,
        by_date: bool,
    ) -> Result<SearchQuery> {
        Ok(SearchQuery {
            text: text.to_string(),
            speaker: self.speaker.clone(),
            kind: self.kind.clone(),
            recording_sha256: self.recording_sha256(store)?,
            from: self.from,
            to: self.to,
            limit,
            by_date,
        })
    }
}

/// The claims a [`Filter`] selects.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    /// In recording date (undated last), recording and time order.
    pub claims: Vec<Claim>,
    /// How many claims the filter selects: more than `claims` holds when only the first were
    /// kept ([`StoredClaims::select_first`]).
    pub total: usize,
    /// How many of the recordings read had claims found with other rules than those in force
    /// (`verbatim claims --rescan` applies them).
    pub stale_recordings: usize,
}

/// What to do about a recording whose claims are missing (a crash between storing it and
/// extracting them; the next writing command mends it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// Extract them and store them (the commands).
    ExtractAndStore,
    /// Extract them for this answer only: readers such as `serve` never write.
    ExtractOnly,
}

/// Every stored claim of the recordings `wanted` keeps, in recording date (undated last),
/// recording and time order, with the last verification's findings added as flags
/// (`source_changed`, `source_missing`). Model-only claims are all here, whatever their score:
/// [`StoredClaims::select`] applies the filter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoredClaims {
    /// The claims.
    pub claims: Vec<Claim>,
    /// The recordings (SHA-256) whose claims were found with other rules than those in force.
    pub stale: HashSet<String>,
}

/// Reads the claims of every recording `wanted` keeps (see [`StoredClaims`]).
pub fn stored_claims(
    store: &Store,
    rules: &Rules,
    wanted: impl Fn(&Recording) -> bool,
    missing: Missing,
) -> Result<StoredClaims> {
    let statuses = last_statuses(store)?;
    let reviews = crate::review::read(store)?;
    let latest = crate::review::latest(&reviews);
    let mut out = StoredClaims::default();
    for recording in store.recordings().iter().filter(|r| wanted(r)) {
        let set = match store.derived::<ClaimSet>(CLAIMS_DIR, &recording.sha256)? {
            Some(set) => set,
            None => {
                let transcript = store.transcript(recording)?;
                match missing {
                    Missing::ExtractAndStore => {
                        crate::pipeline::refresh_claims(store, rules, recording, &transcript)?
                    }
                    Missing::ExtractOnly => crate::claims::extract(rules, recording, &transcript)?,
                }
            }
        };
        if set.rules_sha256 != rules.fingerprint {
            out.stale.insert(recording.sha256.clone());
        }
        let extra = match statuses.get(&recording.sha256) {
            Some(SourceStatus::Changed { .. }) => Some(ClaimFlag::SourceChanged),
            Some(SourceStatus::Missing { .. }) => Some(ClaimFlag::SourceMissing),
            _ => None,
        };
        let mut claims = set.claims;
        crate::relisten::attach(
            &mut claims,
            &crate::relisten::load(store, &recording.sha256)?,
        );
        crate::review::attach(&mut claims, &latest);
        out.claims.extend(claims.into_iter().map(|mut claim| {
            claim.flags.extend(extra);
            claim
        }));
    }
    out.claims.sort_by(|a, b| {
        (
            a.recording_date.is_none(),
            a.recording_date,
            &a.recording,
            a.start_ms,
        )
            .cmp(&(
                b.recording_date.is_none(),
                b.recording_date,
                &b.recording,
                b.start_ms,
            ))
    });
    Ok(out)
}

impl StoredClaims {
    /// The claims `filter` selects, in the same order. A kind the rules do not define is an
    /// error that lists the kinds they do.
    pub fn select(&self, store: &Store, rules: &Rules, filter: &Filter) -> Result<Selection> {
        self.select_first(store, rules, filter, usize::MAX)
    }

    /// [`StoredClaims::select`], keeping only the first `most` claims (a page's rows);
    /// [`Selection::total`] counts them all.
    pub fn select_first(
        &self,
        store: &Store,
        rules: &Rules,
        filter: &Filter,
        most: usize,
    ) -> Result<Selection> {
        check_kind(rules, filter)?;
        let only = filter.recording_sha256(store)?;
        let min_score = filter.min_score.unwrap_or(DEFAULT_MIN_SCORE);
        let mut total = 0;
        let mut claims = Vec::new();
        let selected = self.claims.iter().filter(|claim| {
            only.as_ref().is_none_or(|sha| sha == &claim.sha256)
                && dated_within(claim.recording_date, filter)
                && filter.kind.as_ref().is_none_or(|k| k == &claim.kind)
                && (claim.found_by != FoundBy::Model || claim.score.unwrap_or(0.0) >= min_score)
                && filter.speaker.as_ref().is_none_or(|speaker| {
                    claim
                        .speaker
                        .as_deref()
                        .is_some_and(|s| s.eq_ignore_ascii_case(speaker))
                })
        });
        for claim in selected {
            total += 1;
            if claims.len() < most {
                claims.push(claim.clone());
            }
        }
        let stale_recordings = store
            .recordings()
            .iter()
            .filter(|r| {
                self.stale.contains(&r.sha256)
                    && only.as_ref().is_none_or(|sha| sha == &r.sha256)
                    && dated_within(r.recording_date, filter)
            })
            .count();
        Ok(Selection {
            claims,
            total,
            stale_recordings,
        })
    }
}

/// True when a recording of this date passes the filter's date range (an undated one passes
/// only when there is no range).
fn dated_within(date: Option<Date>, filter: &Filter) -> bool {
    if filter.from.is_none() && filter.to.is_none() {
        return true;
    }
    date.is_some_and(|day| {
        filter.from.is_none_or(|f| day >= f) && filter.to.is_none_or(|t| day <= t)
    })
}

/// A kind the rules do not define is an error that lists the kinds they do.
fn check_kind(rules: &Rules, filter: &Filter) -> Result<()> {
    match &filter.kind {
        Some(kind) if !rules.kinds.iter().any(|k| &k.name == kind) => {
            let known: Vec<&str> = rules.kinds.iter().map(|k| k.name.as_str()).collect();
            Err(Error::Usage(format!(
                "unknown kind {kind:?} (the rules in force have: {})",
                known.join(", ")
            )))
        }
        _ => Ok(()),
    }
}

/// The stored claims that pass `filter` (see [`StoredClaims`]). Only the recordings the filter
/// can select are read; recordings whose claims are missing (a crash) are extracted on the spot
/// and stored.
pub fn claims(store: &Store, rules: &Rules, filter: &Filter) -> Result<Selection> {
    check_kind(rules, filter)?;
    let only = filter.recording_sha256(store)?;
    let wanted = |r: &Recording| {
        only.as_ref().is_none_or(|sha| sha == &r.sha256) && dated_within(r.recording_date, filter)
    };
    stored_claims(store, rules, wanted, Missing::ExtractAndStore)?.select(store, rules, filter)
}
