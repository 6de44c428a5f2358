//! Words for the index in any script: tantivy's simple tokenizer splits on what is not a letter
//! or digit, which leaves a Chinese or Japanese sentence (written without spaces) as one token
//! that no phrase can find. This tokenizer does the same for spaced scripts and makes each Han,
//! kana or Hangul character a token of its own, so a Chinese phrase is a phrase query over
//! consecutive characters. Latin text tokenizes exactly as before, so existing indexes stay valid.

use tantivy::tokenizer::{
    LowerCaser, RemoveLongFilter, Stemmer, TextAnalyzer, Token, TokenStream, Tokenizer,
};

/// Whether `c` is written without spaces between words: Han (CJK unified ideographs and
/// extensions, compatibility ideographs), Hiragana, Katakana, Hangul syllables.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF       // Hiragana, Katakana
        | 0x3400..=0x4DBF     // CJK extension A
        | 0x4E00..=0x9FFF     // CJK unified ideographs
        | 0xAC00..=0xD7AF     // Hangul syllables
        | 0xF900..=0xFAFF     // CJK compatibility ideographs
        | 0x20000..=0x2FA1F   // CJK extensions B-F, compatibility supplement
    )
}

/// Splits on what is not a letter or digit, and around every [`is_cjk`] character.
#[derive(Clone, Default)]
pub struct ScriptTokenizer {
    tokens: Vec<Token>,
}

/// The tokens of one text.
pub struct ScriptTokenStream<'a> {
    tokens: &'a mut [Token],
    next: usize,
}

impl Tokenizer for ScriptTokenizer {
    type TokenStream<'a> = ScriptTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ScriptTokenStream<'a> {
        self.tokens.clear();
        let mut word: Option<usize> = None;
        let push = |tokens: &mut Vec<Token>, from: usize, to: usize| {
            tokens.push(Token {
                offset_from: from,
                offset_to: to,
                position: tokens.len(),
                text: text[from..to].to_string(),
                position_length: 1,
            });
        };
        for (at, c) in text.char_indices() {
            let cjk = is_cjk(c);
            if !c.is_alphanumeric() || cjk {
                if let Some(from) = word.take() {
                    push(&mut self.tokens, from, at);
                }
                if cjk {
                    push(&mut self.tokens, at, at + c.len_utf8());
                }
            } else if word.is_none() {
                word = Some(at);
            }
        }
        if let Some(from) = word {
            push(&mut self.tokens, from, text.len());
        }
        ScriptTokenStream {
            tokens: &mut self.tokens,
            next: 0,
        }
    }
}

impl TokenStream for ScriptTokenStream<'_> {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

/// tantivy's `default` analyzer (lower case, tokens over 40 bytes dropped) on this tokenizer.
pub fn default_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(ScriptTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .build()
}

/// tantivy's `en_stem` analyzer (also English stemming) on this tokenizer.
pub fn en_stem_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(ScriptTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(Stemmer::new(tantivy::tokenizer::Language::English))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<String> {
        let mut analyzer = default_analyzer();
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    #[test]
    fn chinese_is_split_into_characters_and_latin_text_as_before() {
        assert_eq!(tokens("甚至出现交易"), ["甚", "至", "出", "现", "交", "易"]);
        assert_eq!(
            tokens("Data in 北京, 2021!"),
            ["data", "in", "北", "京", "2021"]
        );
        assert_eq!(tokens("ライブ配信"), ["ラ", "イ", "ブ", "配", "信"]);
        assert_eq!(
            tokens("Hello, happy tax-payer"),
            ["hello", "happy", "tax", "payer"]
        );
        assert!(tokens("").is_empty() && tokens(" ,.").is_empty());
    }
}
