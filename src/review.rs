//! Review marks: a fact-checker's verdict on a claim, kept in an append-only, hash-chained log
//! (`<store>/reviews.jsonl`, one JSON entry a line).
//!
//! Each entry records the claim, the verdict, who gave it and when, a note, and the SHA-256 of
//! the quote and of the citation it was given on, so that a claim whose words or citation
//! changed afterwards (a rescan, a speaker rename) shows its review as stale. Each entry holds
//! the SHA-256 of the one before (`prev_sha256`) and its own (`sha256`, over the entry with that
//! field empty): a [`chain`](crate::chain) log, with `reviews.head.json` beside it and
//! `reviews.lock` held while appending, so reviewers working at once lose nothing. A broken log
//! is reported and never rewritten: nothing is appended to it.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::chain::{self, Log};
use crate::claims::Claim;
use crate::error::Result;
use crate::hash::sha256_hex;
use crate::store::Store;

/// The log, in the store's folder.
pub const REVIEWS_FILE: &str = "reviews.jsonl";
/// The count and last hash of the log, written after each append.
pub const REVIEWS_HEAD: &str = "reviews.head.json";
/// Held while appending.
pub const REVIEWS_LOCK: &str = "reviews.lock";
/// A break in the log's chain.
pub use crate::chain::Broken;
/// `prev_sha256` of the first entry.
pub use crate::chain::GENESIS;

const LOG: Log = Log {
    file: REVIEWS_FILE,
    head: REVIEWS_HEAD,
    lock: REVIEWS_LOCK,
    entry: "review entry",
    check_all_on_append: true,
};

/// A fact-checker's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Listened to and confirmed.
    Verified,
    /// Listened to: the quote or its citation is wrong.
    Disputed,
    /// Listened to: cannot tell.
    Unclear,
}

impl Verdict {
    /// The verdict's name, as written in the log.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Verified => "verified",
            Verdict::Disputed => "disputed",
            Verdict::Unclear => "unclear",
        }
    }
}

impl std::str::FromStr for Verdict {
    type Err = String;
    fn from_str(text: &str) -> std::result::Result<Self, String> {
        match text.to_ascii_lowercase().as_str() {
            "verified" => Ok(Verdict::Verified),
            "disputed" => Ok(Verdict::Disputed),
            "unclear" => Ok(Verdict::Unclear),
            _ => Err(format!(
                "unknown review status `{text}`: use verified, disputed or unclear"
            )),
        }
    }
}

/// One entry of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    /// The claim's id.
    pub claim_id: String,
    /// The verdict.
    pub status: Verdict,
    /// Who reviewed.
    pub by: String,
    /// When (UTC).
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The reviewer's note.
    pub note: String,
    /// SHA-256 of the quote as reviewed.
    pub quote_sha256: String,
    /// SHA-256 of the citation as reviewed.
    pub citation_sha256: String,
    /// The previous entry's `sha256` ([`GENESIS`] for the first).
    pub prev_sha256: String,
    /// SHA-256 of this entry's JSON with this field empty.
    pub sha256: String,
}

crate::linked_by_fields!(Review);

impl Review {
    /// Whether the claim's quote or citation changed since this review.
    pub fn is_stale(&self, claim: &Claim) -> bool {
        self.quote_sha256 != sha256_hex(claim.quote.as_bytes())
            || self.citation_sha256 != sha256_hex(claim.citation().as_bytes())
    }
}

/// The log's entries in order, checked; an empty list when there is no log yet. `Err(Ok)` is
/// a broken chain (see [`Broken`]); `Err(Err)` a file that cannot be read.
pub fn check(store: &Store) -> Result<std::result::Result<Vec<Review>, Broken>> {
    LOG.check(store.root())
}

/// The log's entries, or an error naming the broken line.
pub fn read(store: &Store) -> Result<Vec<Review>> {
    LOG.read(store.root())
}

/// Appends a review of `claim`, under the lock, to an intact log.
pub fn append(
    store: &Store,
    claim: &Claim,
    status: Verdict,
    by: &str,
    note: &str,
) -> Result<Review> {
    let review = LOG.append_announced(
        store.root(),
        || {
            Ok(Review {
                claim_id: claim.id.clone(),
                status,
                by: by.to_string(),
                at: OffsetDateTime::now_utc(),
                note: note.to_string(),
                quote_sha256: sha256_hex(claim.quote.as_bytes()),
                citation_sha256: sha256_hex(claim.citation().as_bytes()),
                prev_sha256: chain::GENESIS.to_string(),
                sha256: String::new(),
            })
        },
        |after| crate::journal::announce(store.root(), &[(REVIEWS_FILE, after)]),
    )?;
    crate::journal::record(store.root(), &[REVIEWS_FILE])?;
    Ok(review)
}

/// Whether two entries record the same review: the same claim, verdict, reviewer, time, note,
/// quote and citation, wherever they sit in their chains.
pub fn same_verdict(a: &Review, b: &Review) -> bool {
    a.claim_id == b.claim_id
        && a.status == b.status
        && a.by == b.by
        && a.at == b.at
        && a.note == b.note
        && a.quote_sha256 == b.quote_sha256
        && a.citation_sha256 == b.citation_sha256
}

/// Appends a review made in another store (`verbatim merge`), under the lock, to an intact
/// log: the entry keeps its claim, verdict, reviewer, time, note and hashes, and is chained
/// here.
pub fn append_copy(store: &Store, entry: &Review) -> Result<Review> {
    let review = LOG.append_announced(
        store.root(),
        || {
            Ok(Review {
                prev_sha256: chain::GENESIS.to_string(),
                sha256: String::new(),
                ..entry.clone()
            })
        },
        |after| crate::journal::announce(store.root(), &[(REVIEWS_FILE, after)]),
    )?;
    crate::journal::record(store.root(), &[REVIEWS_FILE])?;
    Ok(review)
}

/// A claim's latest review as the claims show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewState {
    /// `verified`, `disputed` or `unclear`; `stale` when the claim's quote or citation changed
    /// since.
    pub status: String,
    /// Who reviewed.
    pub by: String,
    /// When (UTC, RFC 3339).
    pub at: String,
    /// The reviewer's note.
    pub note: String,
}

impl ReviewState {
    /// `verified by Ana, 2026-12-03`.
    pub fn summary(&self) -> String {
        format!(
            "{} by {}, {}",
            self.status,
            self.by,
            &self.at[..self.at.len().min(10)]
        )
    }
}

/// Gives each claim its latest review (see [`latest`]), `stale` where the claim changed since.
pub fn attach(claims: &mut [Claim], latest: &[&Review]) {
    for claim in claims {
        if let Some(review) = latest.iter().find(|r| r.claim_id == claim.id) {
            claim.review = Some(ReviewState {
                status: if review.is_stale(claim) {
                    "stale".to_string()
                } else {
                    review.status.name().to_string()
                },
                by: review.by.clone(),
                at: review
                    .at
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default(),
                note: review.note.clone(),
            });
        }
    }
}

/// The latest review of each claim, in log order of those latest entries.
pub fn latest(reviews: &[Review]) -> Vec<&Review> {
    let mut out: Vec<&Review> = Vec::new();
    for review in reviews {
        out.retain(|r| r.claim_id != review.claim_id);
        out.push(review);
    }
    out
}

/// What `claims --review` selects: claims whose latest review gave a verdict (and is not
/// stale), claims whose review is stale, or claims nobody reviewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewFilter {
    /// The latest review gave this verdict on the claim as it is now.
    Verdict(Verdict),
    /// The claim's quote or citation changed since its latest review.
    Stale,
    /// Never reviewed.
    Unreviewed,
}

impl std::str::FromStr for ReviewFilter {
    type Err = String;
    fn from_str(text: &str) -> std::result::Result<Self, String> {
        match text.to_ascii_lowercase().as_str() {
            "stale" => Ok(ReviewFilter::Stale),
            "unreviewed" => Ok(ReviewFilter::Unreviewed),
            _ => text.parse().map(ReviewFilter::Verdict).map_err(|_| {
                format!(
                    "unknown review state `{text}`: use verified, disputed, unclear, stale or \
                     unreviewed"
                )
            }),
        }
    }
}

impl ReviewFilter {
    /// Whether `claim` is selected, given each claim's latest review (see [`latest`]).
    pub fn keeps(self, claim: &Claim, latest: &[&Review]) -> bool {
        let review = latest.iter().find(|r| r.claim_id == claim.id);
        match (self, review) {
            (ReviewFilter::Unreviewed, None) => true,
            (ReviewFilter::Stale, Some(r)) => r.is_stale(claim),
            (ReviewFilter::Verdict(v), Some(r)) => r.status == v && !r.is_stale(claim),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::Linked;

    fn entry(claim: &str, prev: &str) -> Review {
        let mut review = Review {
            claim_id: claim.into(),
            status: Verdict::Verified,
            by: "ana".into(),
            at: OffsetDateTime::UNIX_EPOCH,
            note: String::new(),
            quote_sha256: "q".into(),
            citation_sha256: "c".into(),
            prev_sha256: prev.into(),
            sha256: String::new(),
        };
        review.sha256 = review.own_hash();
        review
    }

    fn chain() -> Vec<Review> {
        let a = entry("a", GENESIS);
        let b = entry("b", &a.sha256);
        let c = entry("c", &b.sha256);
        vec![a, b, c]
    }

    #[test]
    fn the_latest_review_of_each_claim_wins() {
        let mut entries = chain();
        entries.push(entry("a", &entries[2].sha256));
        let ids: Vec<&str> = latest(&entries)
            .iter()
            .map(|r| r.claim_id.as_str())
            .collect();
        assert_eq!(ids, ["b", "c", "a"]);
    }

    #[test]
    fn review_filters_select_by_the_latest_verdict_on_the_claim_as_it_is() {
        let claim = crate::claims::tests::sample_claim;
        let (a, b, c) = (claim("a", "one"), claim("b", "two"), claim("c", "three"));
        let mut verified = entry("a", GENESIS);
        verified.quote_sha256 = sha256_hex(a.quote.as_bytes());
        verified.citation_sha256 = sha256_hex(a.citation().as_bytes());
        // b was reviewed when its quote read otherwise
        let mut stale = entry("b", &verified.sha256);
        stale.citation_sha256 = sha256_hex(b.citation().as_bytes());
        let log = [verified, stale];
        let latest = latest(&log);
        let kept = |filter: &str| -> Vec<String> {
            let filter: ReviewFilter = filter.parse().unwrap();
            [&a, &b, &c]
                .iter()
                .filter(|claim| filter.keeps(claim, &latest))
                .map(|claim| claim.id.clone())
                .collect()
        };
        assert_eq!(kept("verified"), ["a"]);
        assert_eq!(kept("stale"), ["b"]);
        assert_eq!(kept("unreviewed"), ["c"]);
        assert!(kept("disputed").is_empty());
        assert!("later"
            .parse::<ReviewFilter>()
            .unwrap_err()
            .contains("unreviewed"));
    }

    #[test]
    fn verdicts_parse_by_name() {
        assert_eq!("Verified".parse::<Verdict>(), Ok(Verdict::Verified));
        assert!("maybe"
            .parse::<Verdict>()
            .unwrap_err()
            .contains("verified, disputed"));
    }
}
