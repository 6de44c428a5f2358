//! Speakers: who said each word. A real voice model (Resemblyzer's GE2E encoder, run in Rust)
//! embeds sliding windows of speech; the windows are clustered into the recording's speakers,
//! every word gets the speaker of its own time span with a confidence, and Whisper segments are
//! split where the speaker changes. Speakers keep a centroid in the store so that a voice named
//! once keeps its name in later recordings.

pub mod campplus;
pub mod diarize;
pub mod ecapa;
pub mod encoder;
pub mod mel;
pub mod registry;
pub mod spectral;
pub mod voice;

#[cfg(test)]
pub(crate) mod reference;
