//! Rendering stored evidence for people and tools. Each renderer is a pure function of the
//! stored data, so the same bytes come out every time.

pub mod claims;
pub mod timeline;
mod transcript;

pub use transcript::{render_transcript, TranscriptFormat};
