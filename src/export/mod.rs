//! Rendering stored evidence for people and tools. Each renderer is a pure function of the
//! stored data, so the same bytes come out every time.

pub mod claims;
pub mod csv;
pub mod timeline;
mod transcript;

pub use transcript::{render_transcript, TranscriptFormat};

/// Text made safe inside XML and HTML, in elements and in quoted attributes: the five markup
/// characters become references, and control characters XML forbids become U+FFFD.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}
