//! Text Whisper writes that is not speech: `[BLANK_AUDIO]`, `(music)`, `*sigh*` and the like.
//! Such segments never reach the store as quotes.

/// True when the whole text is one or more non-speech markers (bracketed, parenthesised or
/// starred annotations) and nothing else.
pub fn is_non_speech(text: &str) -> bool {
    let mut rest = text.trim();
    if rest.is_empty() {
        return true;
    }
    while !rest.is_empty() {
        let Some(open) = rest.chars().next() else {
            break;
        };
        let close = match open {
            '[' => ']',
            '(' => ')',
            '*' => '*',
            '♪' => '♪',
            _ => return false,
        };
        let inner = &rest[open.len_utf8()..];
        let Some(end) = inner.find(close) else {
            return false;
        };
        rest = inner[end + close.len_utf8()..].trim_start();
    }
    true
}

/// Lower-case words without punctuation.
pub fn normalized_words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric() || *c == '\'')
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// True when the text loops: one word five times running, or a phrase of two to six words
/// three times running (Whisper's typical hallucination on noise or after silence).
pub fn is_repetition_loop(text: &str) -> bool {
    let words = normalized_words(text);
    (1..=6).any(|n| {
        let needed = if n == 1 { 5 } else { 3 };
        (0..words.len()).any(|start| {
            let phrase = &words[start..(start + n).min(words.len())];
            if phrase.len() < n {
                return false;
            }
            let mut count = 1;
            let mut at = start + n;
            while at + n <= words.len() && words[at..at + n] == *phrase {
                count += 1;
                at += n;
            }
            count >= needed
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loops_are_recognised_and_ordinary_repetition_is_not() {
        assert!(is_repetition_loop(
            "Thank you. Thank you. Thank you. Thank you."
        ));
        assert!(is_repetition_loop("the the the the the"));
        assert!(is_repetition_loop(
            "I will see you next time. I will see you next time. I will see you next time."
        ));
        assert!(!is_repetition_loop("No, no, no, that is not what we said."));
        assert!(!is_repetition_loop(
            "Access is the problem. Storage is not the problem."
        ));
        assert!(!is_repetition_loop(""));
    }

    #[test]
    fn markers_are_not_speech() {
        for text in [
            "[BLANK_AUDIO]",
            " (music) ",
            "[Silence] [BLANK_AUDIO]",
            "*sigh*",
            "♪ la ♪",
            "",
        ] {
            assert!(is_non_speech(text), "{text:?}");
        }
    }

    #[test]
    fn speech_with_markers_is_speech() {
        for text in [
            "You can see everything.",
            "[laughs] We keep it in Virginia.",
            "(a) is fine",
            "[unclosed",
        ] {
            assert!(!is_non_speech(text), "{text:?}");
        }
    }
}
