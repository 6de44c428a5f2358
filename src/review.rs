//! Review marks: a fact-checker's verdict on a claim, kept in an append-only, hash-chained log
//! (`<store>/reviews.jsonl`, one JSON entry a line).
//!
//! Each entry records the claim, the verdict, who gave it and when, a note, and the SHA-256 of
//! the quote and of the citation it was given on, so that a claim whose words or citation
//! changed afterwards (a rescan, a speaker rename) shows its review as stale. Each entry holds
//! the SHA-256 of the one before (`prev_sha256`) and its own (`sha256`, over the entry with that
//! field empty), so an edited, removed or reordered entry breaks the chain at its line.
//! `reviews.head.json` records the count and the last entry's hash, so that removing the last
//! entries is seen too. Appends hold `reviews.lock`, so reviewers working at once lose nothing.
//! A broken log is reported and never rewritten: nothing is appended to it.

use std::io::Write;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::claims::Claim;
use crate::error::{Error, Result};
use crate::hash::sha256_hex;
use crate::store::Store;

/// The log, in the store's folder.
pub const REVIEWS_FILE: &str = "reviews.jsonl";
/// The count and last hash of the log, written after each append.
pub const REVIEWS_HEAD: &str = "reviews.head.json";
/// Held while appending.
pub const REVIEWS_LOCK: &str = "reviews.lock";
/// `prev_sha256` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

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

impl Review {
    /// This entry's hash: over its JSON with `sha256` empty.
    fn own_hash(&self) -> String {
        let mut blank = self.clone();
        blank.sha256 = String::new();
        sha256_hex(
            serde_json::to_string(&blank)
                .expect("a review always serializes")
                .as_bytes(),
        )
    }

    /// Whether the claim's quote or citation changed since this review.
    pub fn is_stale(&self, claim: &Claim) -> bool {
        self.quote_sha256 != sha256_hex(claim.quote.as_bytes())
            || self.citation_sha256 != sha256_hex(claim.citation().as_bytes())
    }
}

/// What [`check`] found wrong with a log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// The line (from 1) where the chain breaks.
    pub line: usize,
    /// What is wrong there.
    pub reason: String,
}

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} line {}: {}", REVIEWS_FILE, self.line, self.reason)
    }
}

/// The head file: how long the log was after the last append, and its last hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Head {
    count: usize,
    sha256: String,
}

/// Reads and checks the log's entries against each other and against `head` (when known).
fn check_bytes(bytes: &[u8], head: Option<&Head>) -> std::result::Result<Vec<Review>, Broken> {
    let text = std::str::from_utf8(bytes).map_err(|e| Broken {
        line: 1 + bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count(),
        reason: "not UTF-8 text".into(),
    })?;
    let mut reviews: Vec<Review> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let review: Review = serde_json::from_str(line).map_err(|e| Broken {
            line: number,
            reason: format!("not a review entry ({e})"),
        })?;
        if review.own_hash() != review.sha256 {
            return Err(Broken {
                line: number,
                reason: "the entry was changed after it was written (its sha256 does not match)"
                    .into(),
            });
        }
        let expected = reviews.last().map_or(GENESIS, |r| r.sha256.as_str());
        if review.prev_sha256 != expected {
            return Err(Broken {
                line: number,
                reason: "the chain is broken here: an entry before it was removed, reordered or \
                         replaced"
                    .into(),
            });
        }
        reviews.push(review);
    }
    if let Some(head) = head {
        match head.count.checked_sub(1).map(|i| reviews.get(i)) {
            Some(None) => {
                return Err(Broken {
                    line: reviews.len() + 1,
                    reason: format!(
                        "the log ends after {} entries but {} were written: entries were removed \
                         from its end",
                        reviews.len(),
                        head.count
                    ),
                })
            }
            Some(Some(last)) if last.sha256 != head.sha256 => {
                return Err(Broken {
                    line: head.count,
                    reason: "the entry differs from the one last written here".into(),
                })
            }
            _ => {}
        }
    }
    Ok(reviews)
}

fn head(store: &Store) -> Result<Option<Head>> {
    let path = store.root().join(REVIEWS_HEAD);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| Error::CorruptStore {
                path,
                reason: e.to_string(),
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(&path, e)),
    }
}

/// The log's entries in order, checked; an empty list when there is no log yet. `Err(Ok)` is
/// a broken chain (see [`Broken`]); `Err(Err)` a file that cannot be read.
pub fn check(store: &Store) -> Result<std::result::Result<Vec<Review>, Broken>> {
    let path = store.root().join(REVIEWS_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(Error::io(&path, e)),
    };
    Ok(check_bytes(&bytes, head(store)?.as_ref()))
}

/// The log's entries, or an error naming the broken line.
pub fn read(store: &Store) -> Result<Vec<Review>> {
    check(store)?.map_err(|broken| Error::CorruptStore {
        path: store.root().join(REVIEWS_FILE),
        reason: format!("{broken}; the log is left as it is"),
    })
}

/// Appends a review of `claim`, under the lock, to an intact log.
pub fn append(
    store: &Store,
    claim: &Claim,
    status: Verdict,
    by: &str,
    note: &str,
) -> Result<Review> {
    let _lock = store.lock_named(REVIEWS_LOCK)?;
    let reviews = read(store)?;
    let mut review = Review {
        claim_id: claim.id.clone(),
        status,
        by: by.to_string(),
        at: OffsetDateTime::now_utc(),
        note: note.to_string(),
        quote_sha256: sha256_hex(claim.quote.as_bytes()),
        citation_sha256: sha256_hex(claim.citation().as_bytes()),
        prev_sha256: reviews
            .last()
            .map_or_else(|| GENESIS.to_string(), |r| r.sha256.clone()),
        sha256: String::new(),
    };
    review.sha256 = review.own_hash();
    let path = store.root().join(REVIEWS_FILE);
    let mut line = serde_json::to_string(&review).expect("a review always serializes");
    line.push('\n');
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
    file.write_all(line.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| Error::io(&path, e))?;
    let head = Head {
        count: reviews.len() + 1,
        sha256: review.sha256.clone(),
    };
    crate::files::write_atomic(
        &store.root().join(REVIEWS_HEAD),
        &serde_json::to_vec(&head).expect("a head always serializes"),
    )?;
    Ok(review)
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

    fn log(entries: &[Review]) -> Vec<u8> {
        entries
            .iter()
            .map(|e| serde_json::to_string(e).unwrap() + "\n")
            .collect::<String>()
            .into_bytes()
    }

    fn chain() -> Vec<Review> {
        let a = entry("a", GENESIS);
        let b = entry("b", &a.sha256);
        let c = entry("c", &b.sha256);
        vec![a, b, c]
    }

    #[test]
    fn an_intact_chain_reads_back() {
        let entries = chain();
        let head = Head {
            count: 3,
            sha256: entries[2].sha256.clone(),
        };
        assert_eq!(check_bytes(&log(&entries), Some(&head)).unwrap(), entries);
        assert_eq!(check_bytes(b"", None).unwrap(), []);
    }

    #[test]
    fn an_edited_removed_or_swapped_entry_names_its_line() {
        let entries = chain();
        let bytes = log(&entries);
        // one byte of the second entry's note
        let text = String::from_utf8(bytes.clone()).unwrap();
        let edited = text
            .replacen("\"note\":\"\"", "\"note\":\"x\"", 2)
            .replacen("\"note\":\"x\"", "\"note\":\"\"", 1);
        assert_eq!(check_bytes(edited.as_bytes(), None).unwrap_err().line, 2);
        // the middle entry removed
        let removed = log(&[entries[0].clone(), entries[2].clone()]);
        assert_eq!(check_bytes(&removed, None).unwrap_err().line, 2);
        // two entries swapped
        let swapped = log(&[entries[1].clone(), entries[0].clone(), entries[2].clone()]);
        assert_eq!(check_bytes(&swapped, None).unwrap_err().line, 1);
        // the last entry removed: only the head knows
        let head = Head {
            count: 3,
            sha256: entries[2].sha256.clone(),
        };
        let short = log(&entries[..2]);
        let broken = check_bytes(&short, Some(&head)).unwrap_err();
        assert_eq!(broken.line, 3);
        assert!(broken.reason.contains("removed"), "{broken}");
        // not JSON
        assert_eq!(check_bytes(b"{\n", None).unwrap_err().line, 1);
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
        let claim = |id: &str, quote: &str| Claim {
            id: id.into(),
            kind: "access".into(),
            rule: "access-modal".into(),
            found_by: crate::claims::FoundBy::Rule,
            score: None,
            quote: quote.into(),
            speaker: Some("Engineering Manager".into()),
            recording: "standup.wav".into(),
            sha256: "3fa2c4d5e6f70011".into(),
            recording_date: None,
            start_ms: 1_000,
            end_ms: 5_000,
            segments: [0, 0],
            actor: None,
            data: None,
            place: None,
            dates: Vec::new(),
            context_before: None,
            context_after: None,
            flags: Vec::new(),
        };
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
