//! Sentences of a transcript with their times: the unit a claim quotes. A sentence may span
//! segments (Whisper cuts mid-sentence) and a segment may hold several sentences; a sentence
//! never spans a change of speaker, a flagged segment or a long silence.

use crate::model::{Segment, Transcript};
use crate::sentence::{split, TimedWord, MAX_PAUSE_MS};

/// One word of the sentence stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// The word with its punctuation.
    pub text: String,
    /// Start in ms.
    pub start_ms: u64,
    /// End in ms.
    pub end_ms: u64,
    /// Whisper's probability, when the word was transcribed (imported cues have none).
    pub probability: Option<f32>,
    /// How sure diarization is of the word's speaker, when speakers were found by voice.
    pub speaker_confidence: Option<f32>,
    /// The segment the word belongs to.
    pub segment: usize,
}

/// A sentence: its words, its speaker and its text (the words joined by single spaces).
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    /// The words in order.
    pub tokens: Vec<Token>,
    /// The speaker of every word, where known.
    pub speaker: Option<String>,
    /// The words joined by single spaces.
    pub text: String,
}

impl Sentence {
    /// Start of the first word, in ms.
    pub fn start_ms(&self) -> u64 {
        self.tokens.first().map_or(0, |t| t.start_ms)
    }

    /// End of the last word, in ms.
    pub fn end_ms(&self) -> u64 {
        self.tokens.last().map_or(0, |t| t.end_ms)
    }

    /// The first and last segment the sentence touches.
    pub fn segments(&self) -> (usize, usize) {
        (
            self.tokens.first().map_or(0, |t| t.segment),
            self.tokens.last().map_or(0, |t| t.segment),
        )
    }

    /// The lowest speaker confidence of its words, when speakers were found by voice.
    pub fn min_speaker_confidence(&self) -> Option<f32> {
        self.tokens
            .iter()
            .filter_map(|t| t.speaker_confidence)
            .min_by(|a, b| a.total_cmp(b))
    }

    /// The lowest word probability, when the words were transcribed.
    pub fn min_probability(&self) -> Option<f32> {
        self.tokens
            .iter()
            .filter_map(|t| t.probability)
            .min_by(|a, b| a.total_cmp(b))
    }
}

/// Splits a transcript's speech into sentences, in time order: runs of speech segments by one
/// speaker, without a flagged segment or a long pause between them, each split by the one
/// sentence splitter ([`crate::sentence::split`]).
pub fn sentences(transcript: &Transcript) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut run: Vec<Token> = Vec::new();
    let mut speaker: Option<String> = None;
    let mut previous_end: Option<u64> = None;
    for segment in &transcript.segments {
        if !segment.is_speech() {
            split_run(&mut run, &speaker, &mut out);
            previous_end = None;
            continue;
        }
        if segment.speaker != speaker
            || previous_end.is_some_and(|end| segment.start_ms > end + MAX_PAUSE_MS)
        {
            split_run(&mut run, &speaker, &mut out);
        }
        speaker = segment.speaker.clone();
        run.extend(tokens_of(segment));
        previous_end = Some(segment.end_ms);
    }
    split_run(&mut run, &speaker, &mut out);
    out
}

impl TimedWord for Token {
    fn text(&self) -> &str {
        &self.text
    }
    fn start_ms(&self) -> u64 {
        self.start_ms
    }
    fn end_ms(&self) -> u64 {
        self.end_ms
    }
}

/// Splits one speaker's run of words into sentences and empties the run.
fn split_run(run: &mut Vec<Token>, speaker: &Option<String>, out: &mut Vec<Sentence>) {
    let tokens = std::mem::take(run);
    let ranges = split(&tokens);
    let mut tokens = tokens.into_iter();
    for range in ranges {
        let tokens: Vec<Token> = tokens.by_ref().take(range.len()).collect();
        let text = tokens
            .iter()
            .map(|t| t.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        out.push(Sentence {
            tokens,
            speaker: speaker.clone(),
            text,
        });
    }
}

/// The words of a segment: Whisper's own, or for an imported cue its text split on spaces
/// with times spread over the cue by character position.
fn tokens_of(segment: &Segment) -> Vec<Token> {
    if !segment.words.is_empty() {
        return segment
            .words
            .iter()
            .filter(|w| !w.text.trim().is_empty())
            .map(|w| Token {
                text: w.text.trim().to_string(),
                start_ms: w.start_ms,
                end_ms: w.end_ms,
                probability: Some(w.probability),
                speaker_confidence: w.speaker_confidence,
                segment: segment.index,
            })
            .collect();
    }
    let text = segment.text.as_str();
    let chars = text.chars().count().max(1) as u64;
    let span = segment.end_ms.saturating_sub(segment.start_ms);
    let at = |byte: usize| segment.start_ms + span * text[..byte].chars().count() as u64 / chars;
    let mut tokens = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (c.is_whitespace(), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                tokens.push(Token {
                    text: text[s..i].to_string(),
                    start_ms: at(s),
                    end_ms: at(i),
                    probability: None,
                    speaker_confidence: None,
                    segment: segment.index,
                });
                start = None;
            }
            _ => {}
        }
    }
    tokens
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::{SegmentFlag, Word};

    /// An imported cue: a segment without word times.
    pub(crate) fn cue(
        index: usize,
        start_ms: u64,
        end_ms: u64,
        speaker: &str,
        text: &str,
    ) -> Segment {
        Segment {
            index,
            start_ms,
            end_ms,
            text: text.into(),
            speaker: Some(speaker.into()),
            speaker_id: None,
            words: Vec::new(),
            no_speech_probability: None,
            flags: Vec::new(),
            language: None,
        }
    }

    fn transcript(segments: Vec<Segment>) -> Transcript {
        Transcript {
            sha256: "00".into(),
            language: "en".into(),
            segments,
            faint_activity: Vec::new(),
        }
    }

    fn texts(t: &Transcript) -> Vec<String> {
        sentences(t).into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn a_segment_with_two_sentences_splits_and_times_follow_the_characters() {
        let t = transcript(vec![cue(
            0,
            1_000,
            3_000,
            "A",
            "Yes. You can see everything.",
        )]);
        let s = sentences(&t);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].text, "Yes.");
        assert_eq!(s[1].text, "You can see everything.");
        assert_eq!(s[0].start_ms(), 1_000);
        // "You" starts at character 5 of 28: 1000 + 2000 * 5 / 28.
        assert_eq!(s[1].start_ms(), 1_357);
        assert_eq!(s[1].end_ms(), 3_000);
    }

    #[test]
    fn a_sentence_continues_into_the_next_segment_of_the_same_speaker() {
        let t = transcript(vec![
            cue(0, 0, 2_000, "A", "The data is stored"),
            cue(1, 2_100, 4_000, "A", "in Virginia. Next."),
            cue(2, 4_100, 5_000, "B", "Really"),
            cue(3, 5_100, 6_000, "A", "yes."),
        ]);
        let s = sentences(&t);
        assert_eq!(s[0].text, "The data is stored in Virginia.");
        assert_eq!(s[0].segments(), (0, 1));
        assert_eq!(s[0].speaker.as_deref(), Some("A"));
        // A change of speaker ends a sentence even without punctuation.
        assert_eq!(texts(&t)[2..], ["Really", "yes."]);
    }

    #[test]
    fn abbreviations_initials_and_numbers_do_not_end_sentences() {
        let t = transcript(vec![cue(
            0,
            0,
            9_000,
            "A",
            "Visible since Sept. 2021 to Mr. Li and J. Doe in the U.S. office. Done? Yes!",
        )]);
        assert_eq!(
            texts(&t),
            [
                "Visible since Sept. 2021 to Mr. Li and J. Doe in the U.S. office.",
                "Done?",
                "Yes!"
            ]
        );
    }

    #[test]
    fn flagged_segments_and_long_pauses_break_sentences_and_are_never_quoted() {
        let mut hallucination = cue(1, 2_000, 3_000, "A", "Thank you. Thank you.");
        hallucination.flags.push(SegmentFlag::Repetition);
        let t = transcript(vec![
            cue(0, 0, 1_000, "A", "The admin"),
            hallucination,
            cue(2, 3_000, 4_000, "A", "can see"),
            cue(3, 9_000, 10_000, "A", "everything"),
        ]);
        assert_eq!(texts(&t), ["The admin", "can see", "everything"]);
    }

    #[test]
    fn whisper_words_keep_their_own_times_and_probabilities() {
        let mut segment = cue(0, 0, 2_000, "A", "We can query it.");
        segment.words = [
            ("We", 100, 300, 0.9),
            ("can", 300, 500, 0.8),
            ("query", 600, 900, 0.3),
            ("it.", 900, 1_200, 0.95),
        ]
        .iter()
        .map(|&(text, start_ms, end_ms, probability)| Word {
            text: text.into(),
            start_ms,
            end_ms,
            probability,
            speaker_confidence: None,
        })
        .collect();
        let s = sentences(&transcript(vec![segment]));
        assert_eq!(s.len(), 1);
        assert_eq!((s[0].start_ms(), s[0].end_ms()), (100, 1_200));
        assert_eq!(s[0].min_probability(), Some(0.3));
    }
}
