//! verbatim: an offline transcript evidence analyzer.
//!
//! The library turns recordings into citable evidence: it decodes audio ([`audio`]), transcribes
//! it with Whisper ([`transcribe`]), keeps every transcript with its provenance in an evidence
//! store on disk ([`store`]), with a hash-chained journal of every write ([`journal`]), and renders transcripts for people and tools ([`export`]). Claims
//! ([`claims`]) come from rules and, beside them, a sentence-embedding model ([`meaning`]),
//! which also ranks segments for search by meaning ([`search`]); [`sentence`] is the one
//! sentence splitter; [`text`] holds the token joining and text filters the stages share.
//! [`pipeline`] wires those stages together; [`select`] chooses what the reading commands show;
//! [`web`] is the local web page over all of it. The `verbatim` binary is a thin shell.
//!
//! ```no_run
//! use verbatim::store::Store;
//! let store = Store::open(".verbatim".as_ref())?;
//! for recording in store.recordings() {
//!     println!("{} {}", recording.short_hash(), recording.name);
//! }
//! # Ok::<(), verbatim::Error>(())
//! ```
#![deny(missing_docs)]

pub mod audio;
pub mod bundle;
pub mod chain;
pub mod claims;
pub mod dsp;
pub mod error;
pub mod export;
pub mod files;
pub mod hash;
pub mod import;
pub mod journal;
pub mod meaning;
pub mod model;
pub mod models;
pub mod phase;
pub mod pipeline;
pub mod queue;
pub mod quote;
pub mod relisten;
pub mod reproduce;
pub mod review;
pub mod search;
pub mod select;
pub mod sentence;
pub mod speakers;
pub mod store;
pub mod text;
pub mod transcribe;
pub mod verify;
pub mod web;

pub use error::{Error, Result};

/// The version recorded in every manifest entry.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
