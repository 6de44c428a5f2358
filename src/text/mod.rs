//! Text rules that both transcription and the stages after it apply, kept here so that no stage
//! imports another: what Whisper writes that is not speech, repetition loops, normalised words
//! for comparing texts ([`filter`]), and sub-word tokens joined into timed words ([`words`]),
//! for Whisper's own tokens and for those of an imported whisper.cpp JSON alike.

pub mod filter;
pub mod words;

pub use filter::{is_non_speech, is_repetition_loop, normalized_words};
pub use words::{assemble_words, RawToken};
