//! The library's error type: every failure names the file (or item) and the problem, so that
//! a batch can report it on one line and carry on.

use std::path::PathBuf;

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The input file has no bytes at all.
    #[error("{path}: empty file (0 bytes)")]
    EmptyFile {
        /// The file involved.
        path: PathBuf,
    },
    /// The file is not audio in any container verbatim can read.
    #[error("{path}: not a recognised audio file ({reason})")]
    NotAudio {
        /// The file involved.
        path: PathBuf,
        /// What the probe said.
        reason: String,
    },
    /// A format only the ffmpeg fallback reads, and ffmpeg is not installed.
    #[error(
        "{path}: {what}: verbatim reads this through ffmpeg, which is not installed \
         (`make setup`, or `apt-get install ffmpeg`; or VERBATIM_FFMPEG=/path/to/ffmpeg)"
    )]
    NeedsFfmpeg {
        /// The file involved.
        path: PathBuf,
        /// What the file is, or its codec.
        what: String,
    },
    /// The container holds audio in a codec verbatim cannot decode.
    #[error("{path}: unsupported codec ({codec})")]
    UnsupportedCodec {
        /// The file involved.
        path: PathBuf,
        /// The codec's name or id.
        codec: String,
    },
    /// Decoding failed part-way through.
    #[error("{path}: decoding failed: {reason}")]
    Decode {
        /// The file involved.
        path: PathBuf,
        /// What went wrong, with the position where known.
        reason: String,
    },
    /// The audio is too short to hold speech.
    #[error("{path}: audio too short ({duration_ms} ms; at least {minimum_ms} ms needed)")]
    TooShort {
        /// The file involved.
        path: PathBuf,
        /// Its decoded duration.
        duration_ms: u64,
        /// The minimum accepted.
        minimum_ms: u64,
    },
    /// A model file is missing, corrupt or of the wrong kind.
    #[error("model {path}: {reason}")]
    Model {
        /// The model file or directory.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// Whisper itself reported a failure.
    #[error("transcribing {path}: {reason}")]
    Transcribe {
        /// The recording being transcribed.
        path: PathBuf,
        /// Whisper's error.
        reason: String,
    },
    /// A stored file (manifest, transcript) cannot be parsed.
    #[error("{path}: corrupt store file: {reason}")]
    CorruptStore {
        /// The store file.
        path: PathBuf,
        /// The parser's message.
        reason: String,
    },
    /// The search index failed: it cannot be opened, read or written, or another process holds
    /// its writer lock. The tantivy error is kept as the source.
    #[error("search index {}: {source}{}", path.display(), index_hint(source))]
    Index {
        /// The index folder.
        path: PathBuf,
        /// tantivy's error.
        source: tantivy::TantivyError,
    },
    /// A malformed input (transcript, rules, date...) with the line where it went wrong.
    #[error("{path}:{line}: {reason}")]
    Malformed {
        /// The input file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// No recording matches the given name, stem or hash prefix.
    #[error("no recording matches {0:?} (see `verbatim list`)")]
    UnknownRecording(String),
    /// Several recordings match; the user must pick one by hash prefix.
    #[error("{name:?} matches {} recordings: {}; name one by its hash prefix", candidates.len(), candidates.join(", "))]
    AmbiguousRecording {
        /// What the user asked for.
        name: String,
        /// `sha256-prefix name` of each match.
        candidates: Vec<String>,
    },
    /// The web server cannot listen on its address (in use, not this machine's, not allowed).
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address asked for.
        addr: std::net::SocketAddr,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The request cannot be done as asked: a bad argument, query or form value, a name that
    /// is taken, a speaker who is not there. The user's to fix; the web page answers 400.
    #[error("{0}")]
    Usage(String),
    /// An input the user named cannot be used as a whole: a rules or examples file, a folder
    /// with no files of the kind wanted, a transcript over the size limit. The message names it.
    #[error("{0}")]
    Input(String),
    /// Writing CSV failed.
    #[error("writing CSV: {0}")]
    Csv(#[from] csv::Error),
}

/// What to do about an index error, where there is something to do.
fn index_hint(error: &tantivy::TantivyError) -> &'static str {
    use tantivy::directory::error::LockError;
    use tantivy::TantivyError as E;
    match error {
        E::LockFailure(LockError::LockBusy, _) => {
            " (another verbatim process is writing to this store; run this again when it is done)"
        }
        E::DataCorruption(_)
        | E::SchemaError(_)
        | E::IncompatibleIndex(_)
        | E::OpenReadError(_) => {
            " (run `verbatim reindex` to rebuild it from the stored transcripts)"
        }
        _ => "",
    }
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::directory::error::LockError;

    #[test]
    fn index_errors_keep_their_source_and_say_what_to_do() {
        let busy = Error::Index {
            path: "store/index".into(),
            source: tantivy::TantivyError::LockFailure(LockError::LockBusy, None),
        };
        let text = busy.to_string();
        assert!(text.starts_with("search index store/index: "), "{text}");
        assert!(
            text.contains("another verbatim process is writing"),
            "{text}"
        );
        assert!(std::error::Error::source(&busy).is_some());
        let corrupt = Error::Index {
            path: "store/index".into(),
            source: tantivy::TantivyError::SchemaError("no field".into()),
        };
        assert!(corrupt.to_string().contains("verbatim reindex"));
    }
}
