//! The application layer: what happens to a batch of inputs between the command line (or the
//! web page) and the stages. It finds the inputs ([`inputs`]), turns each into a recording and
//! its transcript, from audio ([`audio`]) or from a transcript made elsewhere ([`import`]),
//! stores them with their claims, embeddings and index entries ([`commit`]), carries speaker
//! changes into everything derived ([`speakers`]) and mends what a crash left half done
//! ([`repair`]). The stages never call each other; they meet here, through [`crate::model`]
//! types.
//!
//! A batch goes on past a bad file and stops for a broken store or model: every step that can
//! fail says which, through [`Failure`], so the decision is made where the error arises and
//! not by guessing from its kind afterwards.

pub mod audio;
pub mod commit;
mod dates;
pub mod import;
pub mod inputs;
pub mod merge;
pub mod repair;
pub mod speakers;

pub use audio::{IngestConfig, Ingester, SpeakerMode, VerifierModel};
pub use commit::{commit_batch, refresh_claims};
pub use dates::{date_in_name, recording_date};
pub use import::{prepare_import, ImportOptions, Prepared};
pub use inputs::{collect_inputs, collect_transcript_inputs, Input};
pub use merge::{merge_recordings, merge_store, Merged};
pub use repair::{rescan, sync, sync_embeddings};
pub use speakers::{change_speakers, rename_speaker, Renamed};

use crate::error::Error;
use crate::model::Recording;

/// What happened to one file that was processed.
#[derive(Debug)]
pub enum Outcome {
    /// Stored.
    Added(Box<Recording>),
    /// These bytes were stored already; nothing changed.
    AlreadyPresent(Box<Recording>),
}

/// Why one input of a batch was not stored, and how far the failure reaches.
#[derive(Debug)]
pub enum Failure {
    /// This file cannot be used (unreadable, not audio, Whisper failed on it): it is reported
    /// and the batch goes on with the next one.
    File(Error),
    /// Nothing more can be done (a model cannot be loaded, the store cannot be written): the
    /// batch stops.
    Batch(Error),
}

impl Failure {
    /// The error, whichever its reach.
    pub fn into_error(self) -> Error {
        match self {
            Failure::File(error) | Failure::Batch(error) => error,
        }
    }
}

/// Says, where an error arises, whether it fails one file or the batch.
pub trait Reach<T> {
    /// An error here is this file's failure.
    fn or_file(self) -> Result<T, Failure>;
    /// An error here stops the batch.
    fn or_batch(self) -> Result<T, Failure>;
}

impl<T> Reach<T> for crate::Result<T> {
    fn or_file(self) -> Result<T, Failure> {
        self.map_err(Failure::File)
    }

    fn or_batch(self) -> Result<T, Failure> {
        self.map_err(Failure::Batch)
    }
}
