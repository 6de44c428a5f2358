//! A second listen: each claim's stretch of audio, with a margin either side, transcribed again
//! by a second model (by default `base`, when ingest used `tiny.en`), and the claim's quote
//! compared with what it heard. Where the words differ in substance the claim is flagged
//! `second_listen_differs`: a cheap, independent check that the first model did not mishear
//! the words a story would quote.
//!
//! Words are compared as `verbatim quote` compares them ([`crate::quote::words`]): case,
//! punctuation and the way numbers are written do not count, nor do hesitations ("um", "uh").
//! The quote is aligned within what the second model heard over the whole stretch, so words in
//! the margins do not count either.
//!
//! A difference counts only where the second model was sure of what it heard: a word it heard
//! instead of the quote's, or beside it, with a probability of at least [`SURE`]; a quoted word
//! it did not hear, when it was sure of the words either side. Where it was itself unsure (it
//! misheard a name, or heard nothing), the difference is kept in `unsure` and does not flag
//! the claim: the second model's own mishearings are not evidence against the first.
//!
//! Results are derived data, one file per recording (`second-listen/<sha256>.json`, claim id to
//! [`SecondListen`]), journaled like every write. A result is shown with a claim only while the
//! claim's quote is the one it was compared with.

use std::collections::BTreeMap;
use std::path::Path;
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::audio::WHISPER_SAMPLE_RATE;
use crate::claims::{Claim, ClaimFlag};
use crate::error::{Error, Result};
use crate::hash::{sha256_file, sha256_hex};
use crate::model::{Recording, SourceKind};
use crate::quote::{self, Edit};
use crate::store::Store;
use crate::transcribe::{TranscribeOptions, WhisperModel};

/// Where second listens are stored, one file per recording.
pub const SECOND_LISTEN_DIR: &str = "second-listen";
/// Audio taken either side of a claim, so the second model hears its words in context.
pub const MARGIN_MS: u64 = 5_000;
/// The probability from which the second model is taken to be sure of a word: the bar below
/// which a quoted word is flagged `low_probability`.
pub const SURE: f32 = 0.5;
/// Words that do not count as a difference: hesitations and their spellings.
const HESITATIONS: &[&str] = &[
    "um", "umm", "uh", "uhm", "er", "erm", "ah", "hmm", "mm", "mhm",
];

/// What a second model heard where a claim was said.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecondListen {
    /// The second model's name (`base`).
    pub model: String,
    /// SHA-256 of its weights.
    pub model_sha256: String,
    /// Its beam width.
    pub beam: usize,
    /// The stretch listened to, claim plus margins (milliseconds into the recording).
    pub start_ms: u64,
    /// Its end.
    pub end_ms: u64,
    /// Everything the second model heard over the stretch.
    pub text: String,
    /// True when the quote's words are all in what it heard, in order, with no other words
    /// between them.
    pub agrees: bool,
    /// The quote's words against the second model's (`said`), where it was sure of them:
    /// changed, added by the first model (`added`), or heard only by the second (`dropped`).
    pub differences: Vec<Edit>,
    /// Differences where the second model was itself unsure: shown, not counted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unsure: Vec<Edit>,
    /// SHA-256 of the quote it was compared with.
    pub quote_sha256: String,
}

/// The quote's differences from what was heard (each written word with its probability): the
/// edits of its best alignment within it, less hesitations, split into those the second model
/// was sure of and those it was not (see the module's notes).
pub fn differences(quote_text: &str, heard: &[(String, f32)]) -> (Vec<Edit>, Vec<Edit>) {
    let keep = |w: &String| !HESITATIONS.contains(&w.as_str());
    let quote_words: Vec<String> = quote::words(quote_text).into_iter().filter(keep).collect();
    let mut said: Vec<String> = Vec::new();
    let mut sure: Vec<bool> = Vec::new();
    for (written, probability) in heard {
        for word in quote::words(written).into_iter().filter(keep) {
            said.push(word);
            sure.push(*probability >= SURE);
        }
    }
    let mut counted = Vec::new();
    let mut unsure = Vec::new();
    for (edit, at) in quote::best_alignment(&quote_words, &said) {
        let is_sure = match edit {
            Edit::Changed { .. } | Edit::Dropped { .. } => sure[at],
            // a word the second model did not hear: sure only if it heard both sides clearly
            Edit::Added { .. } => {
                let before = at.checked_sub(1).map(|i| sure[i]);
                let after = sure.get(at).copied();
                (before.is_some() || after.is_some())
                    && before.unwrap_or(true)
                    && after.unwrap_or(true)
            }
        };
        if is_sure {
            counted.push(edit);
        } else {
            unsure.push(edit);
        }
    }
    (counted, unsure)
}

/// A second listen of `quote` from the words the model heard over `start_ms..end_ms`.
pub fn judge(
    quote: &str,
    model: &crate::model::ModelInfo,
    beam: usize,
    (start_ms, end_ms): (u64, u64),
    heard: &[(String, f32)],
) -> SecondListen {
    let (differences, unsure) = differences(quote, heard);
    let text: Vec<&str> = heard.iter().map(|(w, _)| w.as_str()).collect();
    SecondListen {
        model: model.name.clone(),
        model_sha256: model.sha256.clone(),
        beam,
        start_ms,
        end_ms,
        agrees: differences.is_empty(),
        text: text.join(" "),
        differences,
        unsure,
        quote_sha256: sha256_hex(quote.as_bytes()),
    }
}

/// A recording's audio, 16 kHz mono, for listening again: read from its source (relative paths
/// resolved against `root`) after checking the source still has the recorded SHA-256. An
/// imported transcript has no audio, and says so.
pub fn source_samples(recording: &Recording, root: &Path) -> Result<Vec<f32>> {
    if let SourceKind::ImportedTranscript { format, .. } = &recording.source {
        return Err(Error::Input(format!(
            "{}: imported from a {format} transcript: there is no audio to listen to again",
            recording.name
        )));
    }
    let path = root.join(&recording.source_path);
    let sha256 = sha256_file(&path)?;
    if sha256 != recording.sha256 {
        return Err(Error::Input(format!(
            "{}: the source's bytes changed since ingest (sha256 is now {}, recorded {}); \
             `verbatim verify` reports it",
            path.display(),
            &sha256[..12],
            recording.short_hash()
        )));
    }
    Ok(crate::audio::decode_file(&path)?.samples)
}

/// Listens to `claim` again with `model`: its stretch of `samples` (the recording's audio)
/// with [`MARGIN_MS`] either side, transcribed on its own, compared with the quote.
pub fn listen(
    model: &WhisperModel,
    source: &Path,
    samples: &[f32],
    claim: &Claim,
    options: &TranscribeOptions,
) -> Result<SecondListen> {
    listen_to(
        model,
        source,
        samples,
        &claim.quote,
        (claim.start_ms, claim.end_ms),
        options,
    )
    .map_err(|error| match error {
        Error::Input(reason) => Error::Input(format!("claim {}: {reason}", claim.id)),
        other => other,
    })
}

/// Samples in a millisecond at Whisper's rate.
const PER_MS: u64 = WHISPER_SAMPLE_RATE as u64 / 1000;

/// Listens again to `quote`, said over `said_ms` (milliseconds into `samples`, the
/// recording's audio): the stretch with [`MARGIN_MS`] either side, transcribed on its own, its
/// words compared with the quote's.
pub fn listen_to(
    model: &WhisperModel,
    source: &Path,
    samples: &[f32],
    quote: &str,
    said_ms: (u64, u64),
    options: &TranscribeOptions,
) -> Result<SecondListen> {
    let total_ms = samples.len() as u64 / PER_MS;
    let start_ms = said_ms.0.saturating_sub(MARGIN_MS);
    let end_ms = (said_ms.1 + MARGIN_MS).min(total_ms);
    if start_ms >= end_ms {
        return Err(Error::Input(format!(
            "{}: the quote at {} ms lies past the end of the audio ({total_ms} ms)",
            source.display(),
            said_ms.0
        )));
    }
    let stretch = &samples[(start_ms * PER_MS) as usize..(end_ms * PER_MS) as usize];
    let heard = model.transcribe(source, stretch, None, options, Rc::new(|_| {}))?;
    let words: Vec<(String, f32)> = heard
        .segments
        .iter()
        .filter(|s| s.is_speech())
        .flat_map(|s| &s.words)
        .map(|w| (w.text.clone(), w.probability))
        .collect();
    Ok(judge(
        quote,
        model.info(),
        options.beam,
        (start_ms, end_ms),
        &words,
    ))
}

/// A recording's stored second listens, by claim id (empty when none).
pub fn load(store: &Store, sha256: &str) -> Result<BTreeMap<String, SecondListen>> {
    Ok(store
        .derived(SECOND_LISTEN_DIR, sha256)?
        .unwrap_or_default())
}

/// Adds `found` to a recording's stored second listens (replacing those of the same claims).
pub fn save(store: &Store, sha256: &str, found: BTreeMap<String, SecondListen>) -> Result<()> {
    let mut all = load(store, sha256)?;
    all.extend(found);
    store.put_derived(SECOND_LISTEN_DIR, sha256, &all)
}

/// Gives each claim its second listen, where one was made of the quote it has now, and flags
/// those that differ.
pub fn attach(claims: &mut [Claim], stored: &BTreeMap<String, SecondListen>) {
    for claim in claims {
        let Some(listen) = stored.get(&claim.id) else {
            continue;
        };
        if listen.quote_sha256 != sha256_hex(claim.quote.as_bytes()) {
            continue;
        }
        if !listen.agrees {
            claim.flags.push(ClaimFlag::SecondListenDiffers);
        }
        claim.second_listen = Some(listen.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words heard, each with probability 0.9 except those listed as unsure.
    fn heard(text: &str, unsure: &[&str]) -> Vec<(String, f32)> {
        text.split_whitespace()
            .map(|w| (w.to_string(), if unsure.contains(&w) { 0.2 } else { 0.9 }))
            .collect()
    }

    #[test]
    fn only_differences_of_substance_count() {
        let counted = |quote: &str, said: &[(String, f32)]| differences(quote, said).0;
        // case, punctuation, numbers written either way, hesitations and margin words do not
        assert!(counted(
            "Yes, you can see everything in China.",
            &heard("so um yes you can see everything in China, and then", &[])
        )
        .is_empty());
        assert!(counted(
            "We kept it for 30 days.",
            &heard("we kept it for thirty days", &[])
        )
        .is_empty());
        // a changed word does, and says which
        let edits = counted(
            "He bought phone numbers and were named.",
            &heard("he pulled phone numbers and birthdays", &[]),
        );
        assert!(
            edits.contains(&Edit::Changed {
                quote: "bought".into(),
                said: "pulled".into()
            }),
            "{edits:?}"
        );
        // a word the first model put in, between two words the second heard clearly
        assert_eq!(
            counted("We never kept it.", &heard("we kept it", &[])),
            [Edit::Added {
                quote: "never".into()
            }]
        );
        // the second model's own unsure mishearing, or silence, is kept apart
        let (counted, unsure) = differences(
            "All the user data is stored in Virginia.",
            &heard("all the user data is stored in maternity", &["maternity"]),
        );
        assert!(
            counted.is_empty() && unsure.len() == 1,
            "{counted:?} {unsure:?}"
        );
        let (counted, unsure) = differences("You can see it.", &[]);
        assert!(counted.is_empty() && unsure.len() == 4);
    }

    #[test]
    fn a_second_listen_is_attached_only_to_the_quote_it_checked() {
        let mut claim = crate::claims::tests::sample_claim("a", "He connects us to everything.");
        let model = crate::model::ModelInfo {
            name: "base".into(),
            sha256: "60ed".into(),
        };
        let listen = judge(
            &claim.quote,
            &model,
            5,
            (0, 6_000),
            &heard("he has access to everything", &[]),
        );
        assert!(!listen.agrees);
        let stored = BTreeMap::from([("a".to_string(), listen)]);
        let mut claims = vec![claim.clone()];
        attach(&mut claims, &stored);
        assert_eq!(claims[0].flags, [ClaimFlag::SecondListenDiffers]);
        assert_eq!(claims[0].second_listen.as_ref().unwrap().model, "base");
        // after a rescan changed the quote, the old listen is not shown
        claim.quote = "He has access to everything.".into();
        let mut claims = vec![claim];
        attach(&mut claims, &stored);
        assert!(claims[0].second_listen.is_none() && claims[0].flags.is_empty());
    }
}
