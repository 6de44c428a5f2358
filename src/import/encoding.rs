//! The text of a transcript file, whatever its encoding: a byte-order mark says UTF-8, UTF-16
//! or UTF-32 (either byte order); without one, UTF-8 is read as it is and anything else as
//! Windows-1252, the encoding older subtitle tools on Windows write. `--encoding` overrides
//! the guess. The file's SHA-256 is always of its bytes as they are.

use std::fmt;
use std::str::FromStr;

use encoding_rs::Encoding;

/// An encoding a transcript can be read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    /// UTF-8 (a BOM, if any, is dropped).
    Utf8,
    /// UTF-16, little-endian.
    Utf16Le,
    /// UTF-16, big-endian.
    Utf16Be,
    /// UTF-32, little-endian.
    Utf32Le,
    /// UTF-32, big-endian.
    Utf32Be,
    /// A single- or multi-byte legacy encoding that encoding_rs knows (WHATWG labels:
    /// `windows-1252`, `latin1`, `shift_jis`, `gbk`, ...).
    Legacy(&'static Encoding),
}

impl TextEncoding {
    /// The encoding's name, as recorded in the manifest and shown on the `added` line.
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf16Le => "UTF-16LE",
            TextEncoding::Utf16Be => "UTF-16BE",
            TextEncoding::Utf32Le => "UTF-32LE",
            TextEncoding::Utf32Be => "UTF-32BE",
            TextEncoding::Legacy(encoding) => encoding.name(),
        }
    }
}

impl fmt::Display for TextEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for TextEncoding {
    type Err = String;

    fn from_str(label: &str) -> Result<Self, String> {
        let lower = label.trim().to_ascii_lowercase();
        match lower.replace('_', "-").as_str() {
            "utf-8" | "utf8" => return Ok(TextEncoding::Utf8),
            "utf-16le" | "utf-16" | "utf16le" | "utf16" => return Ok(TextEncoding::Utf16Le),
            "utf-16be" | "utf16be" => return Ok(TextEncoding::Utf16Be),
            "utf-32le" | "utf-32" | "utf32le" | "utf32" => return Ok(TextEncoding::Utf32Le),
            "utf-32be" | "utf32be" => return Ok(TextEncoding::Utf32Be),
            _ => {}
        }
        match Encoding::for_label(lower.as_bytes()) {
            Some(encoding) if encoding == encoding_rs::UTF_8 => Ok(TextEncoding::Utf8),
            Some(encoding) if encoding == encoding_rs::UTF_16LE => Ok(TextEncoding::Utf16Le),
            Some(encoding) if encoding == encoding_rs::UTF_16BE => Ok(TextEncoding::Utf16Be),
            Some(encoding) if encoding == encoding_rs::REPLACEMENT => {
                Err(format!("unknown encoding {label:?}"))
            }
            Some(encoding) => Ok(TextEncoding::Legacy(encoding)),
            None => Err(format!(
                "unknown encoding {label:?} (utf-8, utf-16le, utf-16be, utf-32le, utf-32be, \
                 windows-1252, or another WHATWG label)"
            )),
        }
    }
}

/// Decoded text, and how it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, without a byte-order mark.
    pub text: String,
    /// The encoding it was read in.
    pub encoding: TextEncoding,
    /// Why: a byte-order mark, `--encoding`, valid UTF-8, or the Windows-1252 fallback.
    pub how: How,
}

/// How the encoding was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// The bytes are valid UTF-8 with no byte-order mark.
    Plain,
    /// A byte-order mark at the start.
    ByteOrderMark,
    /// The `--encoding` option.
    Given,
    /// Not UTF-8 and no byte-order mark: read as Windows-1252.
    Fallback,
}

/// Why bytes could not be read as text: the byte offset and the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// Offset of the first byte that could not be decoded.
    pub offset: usize,
    /// What was wrong.
    pub reason: String,
}

/// Reads `bytes` as text: in `given` when set, else as the byte-order mark says, else as UTF-8
/// when valid, else as Windows-1252.
pub fn decode(bytes: &[u8], given: Option<TextEncoding>) -> Result<Decoded, DecodeError> {
    let (bom, body) = match byte_order_mark(bytes) {
        Some((encoding, length)) => (Some(encoding), &bytes[length..]),
        None => (None, bytes),
    };
    let (encoding, how) = match (given, bom) {
        (Some(encoding), _) => (encoding, How::Given),
        (None, Some(encoding)) => (encoding, How::ByteOrderMark),
        (None, None) => match std::str::from_utf8(bytes) {
            Ok(text) => {
                return Ok(Decoded {
                    text: text.to_string(),
                    encoding: TextEncoding::Utf8,
                    how: How::Plain,
                })
            }
            Err(_) => (
                TextEncoding::Legacy(encoding_rs::WINDOWS_1252),
                How::Fallback,
            ),
        },
    };
    // A given encoding that matches the mark drops the mark; one that does not reads it all.
    let body = if bom == Some(encoding) { body } else { bytes };
    let offset = bytes.len() - body.len();
    let text = match encoding {
        TextEncoding::Utf8 => {
            std::str::from_utf8(body)
                .map(str::to_string)
                .map_err(|e| DecodeError {
                    offset: offset + e.valid_up_to(),
                    reason: "not UTF-8 text".into(),
                })?
        }
        TextEncoding::Utf16Le | TextEncoding::Utf16Be => {
            if body.len() % 2 != 0 {
                return Err(DecodeError {
                    offset: bytes.len() - 1,
                    reason: format!("{encoding} text ends in half a character"),
                });
            }
            let units = body.chunks_exact(2).map(|pair| match encoding {
                TextEncoding::Utf16Le => u16::from_le_bytes([pair[0], pair[1]]),
                _ => u16::from_be_bytes([pair[0], pair[1]]),
            });
            let mut text = String::with_capacity(body.len() / 2);
            for (i, c) in char::decode_utf16(units).enumerate() {
                text.push(c.map_err(|e| DecodeError {
                    offset: offset + 2 * i,
                    reason: format!("not {encoding} text: {e}"),
                })?);
            }
            text
        }
        TextEncoding::Utf32Le | TextEncoding::Utf32Be => {
            if body.len() % 4 != 0 {
                return Err(DecodeError {
                    offset: bytes.len() - body.len() % 4,
                    reason: format!("{encoding} text ends in part of a character"),
                });
            }
            let mut text = String::with_capacity(body.len() / 4);
            for (i, quad) in body.chunks_exact(4).enumerate() {
                let quad = [quad[0], quad[1], quad[2], quad[3]];
                let value = match encoding {
                    TextEncoding::Utf32Le => u32::from_le_bytes(quad),
                    _ => u32::from_be_bytes(quad),
                };
                text.push(char::from_u32(value).ok_or_else(|| DecodeError {
                    offset: offset + 4 * i,
                    reason: format!("not {encoding} text: {value:#x} is not a character"),
                })?);
            }
            text
        }
        TextEncoding::Legacy(legacy) => {
            let (text, had_errors) = legacy.decode_without_bom_handling(body);
            if had_errors {
                return Err(DecodeError {
                    offset,
                    reason: format!("not {} text", legacy.name()),
                });
            }
            text.into_owned()
        }
    };
    Ok(Decoded {
        text,
        encoding,
        how,
    })
}

/// The encoding a byte-order mark at the start says, and the mark's length. UTF-32LE's mark
/// begins with UTF-16LE's, so it is tried first.
fn byte_order_mark(bytes: &[u8]) -> Option<(TextEncoding, usize)> {
    match bytes {
        [0xFF, 0xFE, 0x00, 0x00, ..] => Some((TextEncoding::Utf32Le, 4)),
        [0x00, 0x00, 0xFE, 0xFF, ..] => Some((TextEncoding::Utf32Be, 4)),
        [0xEF, 0xBB, 0xBF, ..] => Some((TextEncoding::Utf8, 3)),
        [0xFF, 0xFE, ..] => Some((TextEncoding::Utf16Le, 2)),
        [0xFE, 0xFF, ..] => Some((TextEncoding::Utf16Be, 2)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "1\n00:00:01,000 --> 00:00:02,000\nZoë: café — naïve 你好 🎙\n";

    fn encoded(encoding: TextEncoding) -> Vec<u8> {
        let mut out = Vec::new();
        match encoding {
            TextEncoding::Utf8 => {
                out.extend([0xEF, 0xBB, 0xBF]);
                out.extend(TEXT.as_bytes());
            }
            TextEncoding::Utf16Le | TextEncoding::Utf16Be => {
                for unit in std::iter::once(0xFEFF).chain(TEXT.encode_utf16()) {
                    out.extend(if encoding == TextEncoding::Utf16Le {
                        unit.to_le_bytes()
                    } else {
                        unit.to_be_bytes()
                    });
                }
            }
            TextEncoding::Utf32Le | TextEncoding::Utf32Be => {
                for c in std::iter::once('\u{FEFF}').chain(TEXT.chars()) {
                    out.extend(if encoding == TextEncoding::Utf32Le {
                        (c as u32).to_le_bytes()
                    } else {
                        (c as u32).to_be_bytes()
                    });
                }
            }
            TextEncoding::Legacy(_) => unreachable!(),
        }
        out
    }

    #[test]
    fn byte_order_marks_say_the_encoding() {
        for encoding in [
            TextEncoding::Utf8,
            TextEncoding::Utf16Le,
            TextEncoding::Utf16Be,
            TextEncoding::Utf32Le,
            TextEncoding::Utf32Be,
        ] {
            let decoded = decode(&encoded(encoding), None).unwrap();
            assert_eq!(decoded.text, TEXT, "{encoding}");
            assert_eq!(decoded.encoding, encoding);
            assert_eq!(decoded.how, How::ByteOrderMark);
        }
    }

    #[test]
    fn plain_utf8_is_read_as_is_and_anything_else_as_windows_1252() {
        let plain = decode("café".as_bytes(), None).unwrap();
        assert_eq!((plain.text.as_str(), plain.how), ("café", How::Plain));
        // "Café Zoë – ok" in Windows-1252: é = E9, ë = EB, en dash = 96
        let cp1252 = decode(b"Caf\xE9 Zo\xEB \x96 ok", None).unwrap();
        assert_eq!(cp1252.text, "Café Zoë – ok");
        assert_eq!(cp1252.encoding.name(), "windows-1252");
        assert_eq!(cp1252.how, How::Fallback);
    }

    #[test]
    fn a_given_encoding_wins() {
        let latin = decode(b"Caf\xE9", Some("latin1".parse().unwrap())).unwrap();
        assert_eq!((latin.text.as_str(), latin.how), ("Café", How::Given));
        let utf16 = decode(&encoded(TextEncoding::Utf16Be), Some(TextEncoding::Utf16Be)).unwrap();
        assert_eq!(utf16.text, TEXT);
        let wrong = decode(b"Caf\xE9", Some(TextEncoding::Utf8)).unwrap_err();
        assert_eq!(wrong.offset, 3);
        assert!("klingon".parse::<TextEncoding>().is_err());
        assert_eq!(
            "UTF-16".parse::<TextEncoding>(),
            Ok(TextEncoding::Utf16Le),
            "a bare UTF-16 label means little-endian, as on Windows"
        );
    }

    #[test]
    fn broken_utf16_and_utf32_are_errors_with_an_offset() {
        let mut odd = encoded(TextEncoding::Utf16Le);
        odd.push(0x41);
        assert!(decode(&odd, None).unwrap_err().reason.contains("half"));
        // an unpaired high surrogate
        let lone = [0xFF, 0xFE, 0x41, 0x00, 0x00, 0xD8, 0x41, 0x00];
        assert_eq!(decode(&lone, None).unwrap_err().offset, 4);
        let big = [0xFF, 0xFE, 0x00, 0x00, 0x00, 0x00, 0x11, 0x00];
        assert!(decode(&big, None).unwrap_err().reason.contains("0x110000"));
    }
}
