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

#[cfg(test)]
mod tests {
    use super::*;

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
