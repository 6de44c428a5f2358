//! Claims: sentences that rules classify as statements about data (who can access it, who
//! cannot, where it is kept, which role holds it), each with everything needed to cite it: the
//! recording and its SHA-256, the speaker, start and end from the word timestamps, the dates it
//! mentions resolved against the recording date, its neighbouring sentences, and warnings.

pub mod dates;
pub mod rules;
pub mod sentences;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::Date;

use crate::error::Result;
use crate::meaning::ClaimModel;
use crate::model::{Recording, Transcript, LOW_SPEAKER_CONFIDENCE};
use crate::text::is_repetition_loop;
use dates::{find_dates, DateMention};
pub use rules::{RuleMatch, Rules};
use sentences::{sentences, Sentence};

/// The store folder holding each recording's claims (`claims/<sha256>.json`).
pub const CLAIMS_DIR: &str = "claims";

time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");

/// Why a reporter should look twice at a claim before quoting it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimFlag {
    /// Whisper heard at least one quoted word with low probability.
    LowProbability,
    /// The quote repeats itself the way Whisper's hallucinations do.
    Repetition,
    /// The speaker is not known.
    UnknownSpeaker,
    /// Diarization was unsure who said at least one quoted word (confidence under
    /// [`crate::model::LOW_SPEAKER_CONFIDENCE`]).
    UncertainSpeaker,
    /// The recording date is not known, so relative dates cannot be resolved.
    UnknownRecordingDate,
    /// A date mentioned could not be resolved to the calendar.
    UnresolvedDate,
    /// A date mentioned has more than one valid reading ("last Tuesday" said on a Wednesday,
    /// "3/4/21"): the most likely is `resolved`, the others are its `alternatives`.
    AmbiguousDate,
    /// The quote comes from an imported transcript: no audio was transcribed by verbatim.
    ImportedTranscript,
    /// `verbatim verify` found the source file changed since it was ingested.
    SourceChanged,
    /// `verbatim verify` could not find the source file.
    SourceMissing,
    /// Only the meaning model found this claim, no rule: listen before quoting it.
    ModelOnly,
    /// A second model, listening again, heard other words (`verbatim relisten`).
    SecondListenDiffers,
}

/// How a claim was found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FoundBy {
    /// A rule matched (its id is the claim's `rule`).
    #[default]
    Rule,
    /// The meaning model classified the sentence (its probability is the claim's `score`).
    Model,
}

impl FoundBy {
    /// The name written in exports.
    pub fn name(self) -> &'static str {
        match self {
            FoundBy::Rule => "rule",
            FoundBy::Model => "model",
        }
    }
}

/// The `rule` of a claim that only the model found.
const MODEL_RULE: &str = "model";
/// Model claims scoring below this are not stored at all.
const MODEL_FLOOR: f32 = 0.3;
/// `claims --min-score` unless given: model claims below it are not shown. Chosen on the
/// development panel (`heldout.json` and the five older held-out sets, 1,633 sentences) as the
/// lowest score that flags under a tenth of the non-claims with a margin: precision 0.902,
/// recall 0.881, 8.1% flagged (0.55: 10.3%; 0.7: 0.920, 0.848, 4.9%). Lower it for more leads.
pub const DEFAULT_MIN_SCORE: f32 = 0.6;

impl ClaimFlag {
    /// The flag's name as written in exports.
    pub fn name(self) -> &'static str {
        match self {
            ClaimFlag::LowProbability => "low_probability",
            ClaimFlag::Repetition => "repetition",
            ClaimFlag::UnknownSpeaker => "unknown_speaker",
            ClaimFlag::UncertainSpeaker => "uncertain_speaker",
            ClaimFlag::UnknownRecordingDate => "unknown_recording_date",
            ClaimFlag::UnresolvedDate => "unresolved_date",
            ClaimFlag::AmbiguousDate => "ambiguous_date",
            ClaimFlag::ImportedTranscript => "imported_transcript",
            ClaimFlag::SourceChanged => "source_changed",
            ClaimFlag::SourceMissing => "source_missing",
            ClaimFlag::ModelOnly => "model_only",
            ClaimFlag::SecondListenDiffers => "second_listen_differs",
        }
    }
}

/// A quote that a rule classified, with everything needed to cite it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    /// Stable id: the same recording, sentence and rule give the same id on every scan.
    pub id: String,
    /// The kind (`access`, `denial`, `storage`, `authority`, or a user's own).
    pub kind: String,
    /// The id of the rule that matched (`model` when only the model found it).
    pub rule: String,
    /// Whether a rule or the meaning model found it.
    #[serde(default)]
    pub found_by: FoundBy,
    /// The model's probability for the kind, for claims the model found.
    #[serde(default)]
    pub score: Option<f32>,
    /// The whole sentence that matched, as transcribed.
    pub quote: String,
    /// The speaker, where known.
    pub speaker: Option<String>,
    /// The recording's name.
    pub recording: String,
    /// SHA-256 of the recording's source file.
    pub sha256: String,
    /// The recording date, where known.
    #[serde(with = "iso_date::option")]
    pub recording_date: Option<Date>,
    /// Start of the quote's first word, ms from the start of the recording.
    pub start_ms: u64,
    /// End of the quote's last word.
    pub end_ms: u64,
    /// The first and last segment the quote spans.
    pub segments: [usize; 2],
    /// Who holds or uses the data, as said.
    pub actor: Option<String>,
    /// Which data, as said.
    pub data: Option<String>,
    /// Where, as said.
    pub place: Option<String>,
    /// Dates the quote mentions, resolved against the recording date.
    pub dates: Vec<DateMention>,
    /// The sentence before, for context.
    pub context_before: Option<String>,
    /// The sentence after.
    pub context_after: Option<String>,
    /// Warnings.
    pub flags: Vec<ClaimFlag>,
    /// What a second model heard here (`verbatim relisten`), shown while the quote is the one
    /// it checked; never stored with the claims.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_listen: Option<crate::relisten::SecondListen>,
    /// Its latest review (`verbatim review`); never stored with the claims.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<crate::review::ReviewState>,
}

impl Claim {
    /// A citation a reader can follow to the audio:
    /// `2021-09-14 security standup, 00:01:23-00:01:31, Security Lead, sha256:3fa2c4d5e6f7`.
    pub fn citation(&self) -> String {
        crate::quote::citation(
            &self.recording,
            self.recording_date,
            self.start_ms,
            self.end_ms,
            self.speaker.as_deref(),
            &self.sha256,
        )
    }
}

/// The claims of one recording and the rules that found them, as the store keeps them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimSet {
    /// The [`Rules::fingerprint`] of what extracted the claims (the rules' SHA-256, or with
    /// the meaning model, a SHA-256 over rules, examples, weights and classifier version).
    pub rules_sha256: String,
    /// The claims in time order.
    pub claims: Vec<Claim>,
}

/// Extracts every claim from a recording's transcript: the rules' matches, then, where the
/// rules carry a meaning model, what the model finds that no rule did. A model that cannot be
/// loaded is an error naming its file.
pub fn extract(rules: &Rules, recording: &Recording, transcript: &Transcript) -> Result<ClaimSet> {
    let sentences = sentences(transcript);
    let all_matches: Vec<_> = sentences.iter().map(|s| rules.matches(&s.text)).collect();
    let model_scores = match &rules.meaning {
        Some(lazy) => Some(model_scores(
            rules,
            &*lazy.get()?,
            &sentences,
            &all_matches,
        )?),
        None => None,
    };
    let mut claims = Vec::new();
    for ((i, sentence), matches) in sentences.iter().enumerate().zip(all_matches) {
        let found_by_model = model_scores
            .as_ref()
            .map(|scores| model_kinds(&matches, &scores[i]))
            .unwrap_or_default();
        if matches.is_empty() && found_by_model.is_empty() {
            continue;
        }
        let dates = find_dates(&sentence.text, recording.recording_date);
        let flags = flags(rules, recording, sentence, &dates);
        let context = |at: Option<usize>| {
            at.and_then(|at| sentences.get(at))
                .map(|s: &Sentence| s.text.clone())
        };
        let (first, last) = sentence.segments();
        let claim = |id: String, kind: &str, rule: &str| Claim {
            id,
            kind: kind.to_string(),
            rule: rule.to_string(),
            found_by: FoundBy::Rule,
            score: None,
            quote: sentence.text.clone(),
            speaker: sentence.speaker.clone(),
            recording: recording.name.clone(),
            sha256: recording.sha256.clone(),
            recording_date: recording.recording_date,
            start_ms: sentence.start_ms(),
            end_ms: sentence.end_ms(),
            segments: [first, last],
            actor: None,
            data: None,
            place: None,
            dates: dates.clone(),
            context_before: context(i.checked_sub(1)),
            context_after: context(Some(i + 1)),
            second_listen: None,
            review: None,
            flags: flags.clone(),
        };
        for m in matches {
            let id = claim_id(&recording.sha256, sentence.start_ms(), m.rule, m.start);
            claims.push(Claim {
                actor: m.actor,
                data: m.data,
                place: m.place,
                ..claim(id, m.kind, m.rule)
            });
        }
        for (kind, score) in found_by_model {
            let rule = format!("{MODEL_RULE}:{kind}");
            let id = claim_id(&recording.sha256, sentence.start_ms(), &rule, 0);
            let mut claim = claim(id, &kind, MODEL_RULE);
            claim.found_by = FoundBy::Model;
            claim.score = Some((score * 1000.0).round() / 1000.0);
            claim.flags.push(ClaimFlag::ModelOnly);
            claims.push(claim);
        }
    }
    Ok(ClaimSet {
        rules_sha256: rules.fingerprint.clone(),
        claims,
    })
}

/// The kinds each text claims, as `extract` would find them in a transcript where each text is
/// said alone (model claims at `min_score` or more): for evaluating rules and model on
/// labelled sentences.
pub fn kinds_of(
    rules: &Rules,
    texts: &[&str],
    min_score: f32,
) -> Result<Vec<std::collections::BTreeSet<String>>> {
    let recording = Recording::labelled_sentences();
    let transcript = Transcript {
        sha256: recording.sha256.clone(),
        language: "en".into(),
        segments: texts
            .iter()
            .enumerate()
            .map(|(i, text)| crate::model::Segment {
                index: i,
                start_ms: i as u64 * 10_000,
                end_ms: i as u64 * 10_000 + 5_000,
                text: text.to_string(),
                // a speaker of its own: no sentence runs into the next text
                speaker: Some(format!("S{i}")),
                speaker_id: None,
                words: Vec::new(),
                no_speech_probability: None,
                flags: Vec::new(),
                language: None,
            })
            .collect(),
        faint_activity: Vec::new(),
    };
    let mut out = vec![std::collections::BTreeSet::new(); texts.len()];
    for claim in extract(rules, &recording, &transcript)?.claims {
        if claim.found_by == FoundBy::Model && claim.score.unwrap_or(0.0) < min_score {
            continue;
        }
        out[claim.segments[0]].insert(claim.kind);
    }
    Ok(out)
}

/// The model's probability of each kind for the sentences it is asked about: those that are not
/// questions the settings skip nor matched by `settings.model_exclude`, where no rule matched or where the sentence has more than one
/// clause (a rule's match may be one of two claims). The others get no scores and are not
/// embedded: on the development panel, asking about one-clause sentences a rule matched too
/// added 0.002 recall, and the encoder is the pass's cost.
///
/// The rules' `exclude` patterns (hypotheticals, plans, reported questions, requests) keep the
/// rules from matching but not the model, which has cues of its own for these and was taught
/// them as non-claims: the patterns also catch claims ("I tried to pull the churn list and got
/// access denied", "we can't see what they buy"). Leaving each development set out of training
/// in turn, letting the model judge them gave recall 0.926 against 0.915 at precision 0.903
/// against 0.905 (non-claims flagged 0.042 against 0.038).
fn model_scores(
    rules: &Rules,
    model: &ClaimModel,
    sentences: &[Sentence],
    matches: &[Vec<RuleMatch>],
) -> Result<Vec<Vec<(String, f32)>>> {
    let asked: Vec<usize> = (0..sentences.len())
        .filter(|&i| asks(rules, &sentences[i].text, !matches[i].is_empty()))
        .collect();
    let texts: Vec<&str> = asked.iter().map(|&i| sentences[i].text.as_str()).collect();
    let embeddings = model.encoder.embed_features(&texts)?;
    let rows: Vec<(&[f32], &str)> = embeddings
        .iter()
        .zip(&texts)
        .map(|(embedding, text)| (embedding.as_slice(), *text))
        .collect();
    let mut out = vec![Vec::new(); sentences.len()];
    for (&i, scores) in asked.iter().zip(model.classifier.scores_many(&rows)) {
        out[i] = scores
            .into_iter()
            .map(|(kind, p)| (kind.to_string(), p))
            .collect();
    }
    Ok(out)
}

/// Whether the sentence model is asked about a sentence (see [`model_scores`]).
pub fn asks_model(rules: &Rules, text: &str) -> bool {
    asks(rules, text, !rules.matches(text).is_empty())
}

/// [`asks_model`] once the rules' matches are known.
fn asks(rules: &Rules, text: &str, matched: bool) -> bool {
    !rules.skipped_question(text)
        && !rules.model_excluded(text)
        && (!matched || clauses().is_match(text))
}

/// A sign of a second clause: a comma or semicolon, or a joining word.
fn clauses() -> &'static regex::Regex {
    static CLAUSES: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    CLAUSES.get_or_init(|| {
        regex::Regex::new(r"(?i),|;|\b(and|but|which|where|so|while|then|plus|also|both)\b")
            .expect("the clause pattern compiles")
    })
}

/// What the model finds that the rules did not: every kind scoring at least `MODEL_FLOOR`
/// that no rule found in the sentence. Each kind is scored on its own, so a sentence may make
/// two claims, and the model may add a second kind beside a rule's.
fn model_kinds(matches: &[RuleMatch], scores: &[(String, f32)]) -> Vec<(String, f32)> {
    scores
        .iter()
        .filter(|(kind, p)| *p >= MODEL_FLOOR && !matches.iter().any(|m| m.kind == kind))
        .cloned()
        .collect()
}

fn flags(
    rules: &Rules,
    recording: &Recording,
    sentence: &Sentence,
    dates: &[DateMention],
) -> Vec<ClaimFlag> {
    let mut flags = Vec::new();
    if sentence
        .min_probability()
        .is_some_and(|p| p < rules.settings.low_probability)
    {
        flags.push(ClaimFlag::LowProbability);
    }
    if is_repetition_loop(&sentence.text) {
        flags.push(ClaimFlag::Repetition);
    }
    if sentence.speaker.is_none() {
        flags.push(ClaimFlag::UnknownSpeaker);
    } else if sentence
        .min_speaker_confidence()
        .is_some_and(|c| c < LOW_SPEAKER_CONFIDENCE)
    {
        flags.push(ClaimFlag::UncertainSpeaker);
    }
    if recording.recording_date.is_none() {
        flags.push(ClaimFlag::UnknownRecordingDate);
    }
    if dates.iter().any(|d| d.resolved.is_none()) {
        flags.push(ClaimFlag::UnresolvedDate);
    }
    if dates.iter().any(|d| d.is_ambiguous()) {
        flags.push(ClaimFlag::AmbiguousDate);
    }
    if recording.audio.is_none() {
        flags.push(ClaimFlag::ImportedTranscript);
    }
    flags
}

/// `c` and 12 hex digits of SHA-256 over the recording hash, sentence start, rule and offset.
fn claim_id(sha256: &str, start_ms: u64, rule: &str, offset: usize) -> String {
    let digest = Sha256::digest(format!("{sha256}\n{start_ms}\n{rule}\n{offset}").as_bytes());
    format!("c{}", crate::hash::hex(&digest[..6]))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::sentences::tests::cue;
    use super::*;
    use crate::model::sample_recording;

    /// A claim for tests of what reads claims: an access claim in `standup.wav` at 1 s.
    pub(crate) fn sample_claim(id: &str, quote: &str) -> Claim {
        Claim {
            id: id.into(),
            kind: "access".into(),
            rule: "access-modal".into(),
            found_by: FoundBy::Rule,
            score: None,
            quote: quote.into(),
            speaker: Some("Engineering Manager".into()),
            recording: "standup.wav".into(),
            sha256: "3fa2c4d5e6f70011".into(),
            recording_date: None,
            start_ms: 1_000,
            end_ms: 6_000,
            segments: [0, 0],
            actor: None,
            data: None,
            place: None,
            dates: Vec::new(),
            context_before: None,
            context_after: None,
            flags: Vec::new(),
            second_listen: None,
            review: None,
        }
    }

    #[test]
    fn a_claim_carries_its_citation_context_dates_and_flags() {
        let mut recording = sample_recording("2021-09-14 security standup.wav", "3fa2c4d5e6f70011");
        recording.recording_date = Some(time::macros::date!(2021 - 09 - 14));
        let transcript = Transcript {
            sha256: recording.sha256.clone(),
            language: "en".into(),
            segments: vec![
                cue(0, 80_000, 82_000, "Security Lead", "Who approved that?"),
                cue(
                    1,
                    83_000,
                    88_500,
                    "Engineering Manager",
                    "Last month an engineer in Beijing downloaded every user profile.",
                ),
                cue(2, 89_000, 90_000, "Security Lead", "Noted."),
            ],
            faint_activity: Vec::new(),
        };
        let set = extract(&Rules::builtin(), &recording, &transcript).unwrap();
        assert_eq!(set.claims.len(), 1, "{:#?}", set.claims);
        let claim = &set.claims[0];
        assert_eq!(claim.kind, "access");
        assert_eq!(claim.speaker.as_deref(), Some("Engineering Manager"));
        assert_eq!((claim.start_ms, claim.end_ms), (83_000, 88_500));
        assert_eq!(claim.place.as_deref(), Some("Beijing"));
        assert_eq!(claim.data.as_deref(), Some("every user profile"));
        assert_eq!(claim.dates[0].text, "Last month");
        assert_eq!(
            claim.dates[0].resolved.map(|r| r.to_string()).as_deref(),
            Some("2021-08")
        );
        assert_eq!(claim.context_before.as_deref(), Some("Who approved that?"));
        assert_eq!(claim.context_after.as_deref(), Some("Noted."));
        assert_eq!(
            claim.citation(),
            "2021-09-14 security standup, 00:01:23-00:01:28, Engineering Manager, sha256:3fa2c4d5e6f7"
        );
        assert!(claim.id.starts_with('c') && claim.id.len() == 13);
        // The same input gives the same ids.
        assert_eq!(
            extract(&Rules::builtin(), &recording, &transcript).unwrap(),
            set
        );
    }

    #[test]
    fn a_word_with_an_uncertain_speaker_flags_the_claim_that_quotes_it() {
        let recording = sample_recording("call.wav", "3fa2c4d5e6f70011");
        let text = "The master admin in Beijing can see all user data.";
        let words = |confidence: f32| -> Vec<crate::model::Word> {
            text.split(' ')
                .enumerate()
                .map(|(i, w)| crate::model::Word {
                    text: w.into(),
                    start_ms: 1000 + 300 * i as u64,
                    end_ms: 1250 + 300 * i as u64,
                    probability: 0.9,
                    // one word in the middle carries the given confidence
                    speaker_confidence: Some(if i == 4 { confidence } else { 0.95 }),
                })
                .collect()
        };
        for (confidence, flagged) in [(0.4, true), (0.8, false)] {
            let mut segment = cue(0, 1000, 4000, "S2", text);
            segment.speaker_id = Some("S2".into());
            segment.words = words(confidence);
            let transcript = Transcript {
                sha256: recording.sha256.clone(),
                language: "en".into(),
                segments: vec![segment],
                faint_activity: Vec::new(),
            };
            let set = extract(&Rules::builtin(), &recording, &transcript).unwrap();
            assert!(!set.claims.is_empty());
            for claim in &set.claims {
                assert_eq!(
                    claim.flags.contains(&ClaimFlag::UncertainSpeaker),
                    flagged,
                    "{confidence}: {:?}",
                    claim.flags
                );
                assert!(!claim.flags.contains(&ClaimFlag::UnknownSpeaker));
            }
        }
    }
}

#[cfg(test)]
#[path = "../../tests/support/sets.rs"]
mod sets;

#[cfg(test)]
mod corpus_tests {
    //! The default rules against the sample corpus's ground truth and the separately written
    //! evaluation sentences (`tests/data/claims/sentences.json`).
    use super::sets::{labelled, load};
    use super::*;
    use std::collections::BTreeSet;

    /// (expected kinds, found kinds) per sentence text.
    fn score(cases: &[(String, BTreeSet<String>)]) -> (f64, f64, Vec<String>) {
        let rules = Rules::builtin();
        let (mut true_pos, mut found, mut expected) = (0, 0, 0);
        let mut errors = Vec::new();
        for (text, want) in cases {
            let got: BTreeSet<String> = rules
                .matches(text)
                .iter()
                .map(|m| m.kind.to_string())
                .collect();
            true_pos += got.intersection(want).count();
            found += got.len();
            expected += want.len();
            if &got != want {
                errors.push(format!("want {want:?} got {got:?}: {text}"));
            }
        }
        (
            true_pos as f64 / found.max(1) as f64,
            true_pos as f64 / expected.max(1) as f64,
            errors,
        )
    }

    #[test]
    fn default_rules_on_the_corpus_truth_find_every_claim_and_no_near_miss() {
        let truth = load("corpus/truth.json");
        let mut cases = Vec::new();
        for recording in truth["recordings"].as_array().unwrap() {
            for line in recording["lines"].as_array().unwrap() {
                let transcript = Transcript {
                    sha256: "00".into(),
                    language: "en".into(),
                    segments: vec![crate::model::Segment {
                        index: 0,
                        start_ms: 0,
                        end_ms: 1000,
                        text: line["text"].as_str().unwrap().into(),
                        speaker: None,
                        speaker_id: None,
                        words: Vec::new(),
                        no_speech_probability: None,
                        flags: Vec::new(),
                        language: None,
                    }],
                    faint_activity: Vec::new(),
                };
                let mut want: Vec<String> = line["claims"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c["kind"].as_str().unwrap().to_string())
                    .collect();
                want.sort();
                // Kinds per line, counted: a line may make two claims of one kind.
                let rules = Rules::builtin();
                let mut got: Vec<String> = sentences(&transcript)
                    .iter()
                    .flat_map(|s| rules.matches(&s.text))
                    .map(|m| m.kind.to_string())
                    .collect();
                got.sort();
                cases.push((line["text"].as_str().unwrap().to_string(), want, got));
            }
        }
        let errors: Vec<String> = cases
            .iter()
            .filter(|(_, want, got)| want != got)
            .map(|(text, want, got)| format!("want {want:?} got {got:?}: {text}"))
            .collect();
        assert!(
            errors.is_empty(),
            "{} lines wrong:\n{}",
            errors.len(),
            errors.join("\n")
        );
    }

    /// The sentences the rules were tuned on (written separately from the rules, then used to
    /// find what the rules missed).
    #[test]
    fn default_rules_on_the_tuning_sentences() {
        let (precision, recall, errors) = score(&labelled("tests/data/claims/sentences.json"));
        println!("tuning set: precision {precision:.3}, recall {recall:.3}");
        for error in &errors {
            println!("{error}");
        }
        assert!(
            precision >= 0.90 && recall >= 0.95,
            "precision {precision:.3}, recall {recall:.3}"
        );
    }

    /// Sentences written after the rules were tuned, whose individual errors were never read:
    /// the honest measure of how the rules do on new text. Only the figures are printed. The
    /// goal (recall 0.95) is not met here (README); the floor guards against regressions.
    #[test]
    fn default_rules_on_the_held_out_sentences() {
        let (precision, recall, errors) = score(&labelled("tests/data/claims/heldout.json"));
        println!(
            "held-out set: precision {precision:.3}, recall {recall:.3}, {} sentences wrong",
            errors.len()
        );
        assert!(
            precision >= 0.90 && recall >= 0.60,
            "precision {precision:.3}, recall {recall:.3}"
        );
    }
}
