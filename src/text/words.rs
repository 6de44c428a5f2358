//! Joining Whisper's sub-word tokens into words: a token that starts with a space starts a new
//! word, anything else (word pieces, punctuation) continues the current one. A word spans from
//! its first token's start to its last token's end, clamped to its segment.

use crate::model::Word;

/// One text token as Whisper produced it (special tokens already removed).
#[derive(Debug, Clone, PartialEq)]
pub struct RawToken {
    /// The token's bytes (a multi-byte character may be split across tokens).
    pub bytes: Vec<u8>,
    /// Start in ms from the beginning of the recording.
    pub start_ms: u64,
    /// End in ms from the beginning of the recording.
    pub end_ms: u64,
    /// The token's probability.
    pub probability: f32,
}

/// Joins tokens into words, each with its start, end and mean token probability.
pub fn assemble_words(
    tokens: &[RawToken],
    segment_start_ms: u64,
    segment_end_ms: u64,
) -> Vec<Word> {
    let mut words = Vec::new();
    let mut current: Vec<&RawToken> = Vec::new();
    for token in tokens {
        if token.bytes.first() == Some(&b' ') && !current.is_empty() {
            words.extend(finish_word(&current, segment_start_ms, segment_end_ms));
            current.clear();
        }
        current.push(token);
    }
    words.extend(finish_word(&current, segment_start_ms, segment_end_ms));
    words
}

fn finish_word(tokens: &[&RawToken], segment_start_ms: u64, segment_end_ms: u64) -> Option<Word> {
    let bytes: Vec<u8> = tokens
        .iter()
        .flat_map(|t| t.bytes.iter().copied())
        .collect();
    let text = String::from_utf8_lossy(&bytes).trim().to_string();
    if text.is_empty() {
        return None;
    }
    let clamp = |ms: u64| ms.clamp(segment_start_ms, segment_end_ms.max(segment_start_ms));
    let start_ms = clamp(tokens.first()?.start_ms);
    let end_ms = clamp(tokens.last()?.end_ms).max(start_ms);
    let probability = tokens.iter().map(|t| t.probability).sum::<f32>() / tokens.len() as f32;
    Some(Word {
        text,
        start_ms,
        end_ms,
        probability,
        speaker_confidence: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(text: &str, start_ms: u64, end_ms: u64, probability: f32) -> RawToken {
        RawToken {
            bytes: text.as_bytes().to_vec(),
            start_ms,
            end_ms,
            probability,
        }
    }

    #[test]
    fn pieces_and_punctuation_join_the_word_before() {
        let tokens = [
            token(" And", 0, 300, 0.9),
            token(" so", 300, 500, 0.8),
            token(" Amer", 500, 700, 0.6),
            token("icans", 700, 1000, 0.4),
            token(",", 1000, 1010, 1.0),
        ];
        let words = assemble_words(&tokens, 0, 2000);
        let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["And", "so", "Americans,"]);
        assert_eq!((words[2].start_ms, words[2].end_ms), (500, 1010));
        assert!((words[2].probability - 2.0 / 3.0).abs() < 1e-6);
    }

    #[test]
    fn a_character_split_across_tokens_is_rejoined() {
        let e_acute = "é".as_bytes();
        let tokens = [
            RawToken {
                bytes: vec![b' ', b'c', b'a', b'f', e_acute[0]],
                start_ms: 0,
                end_ms: 100,
                probability: 1.0,
            },
            RawToken {
                bytes: vec![e_acute[1]],
                start_ms: 100,
                end_ms: 200,
                probability: 1.0,
            },
        ];
        assert_eq!(assemble_words(&tokens, 0, 200)[0].text, "café");
    }

    #[test]
    fn times_are_clamped_to_the_segment() {
        let words = assemble_words(&[token(" late", 900, 2500, 1.0)], 1000, 2000);
        assert_eq!((words[0].start_ms, words[0].end_ms), (1000, 2000));
    }

    #[test]
    fn no_tokens_no_words() {
        assert!(assemble_words(&[], 0, 0).is_empty());
        assert!(assemble_words(&[token(" ", 0, 10, 1.0)], 0, 10).is_empty());
    }
}
