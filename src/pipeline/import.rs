//! Import: a transcript made elsewhere (SRT, WebVTT, whisper.cpp or WhisperX JSON, text) read
//! in its encoding, parsed and made a recording whose identity is the file's SHA-256.

use std::fs;
use std::path::Path;

use time::{Date, OffsetDateTime};

use super::dates::date_in_name;
use super::inputs::{absolute, file_name};
use crate::error::{Error, Result};
use crate::hash::sha256_hex;
use crate::import::{self, ImportFormat};
use crate::model::{DateSource, Recording, SourceKind, Transcript};
use crate::store::Store;

/// A transcript file read and parsed, ready for [`commit_batch`](super::commit_batch).
#[derive(Debug)]
pub enum Prepared {
    /// A recording not in the store yet.
    New(Box<Recording>, Transcript),
    /// These bytes are stored already.
    Present(Box<Recording>),
}

/// Transcript files larger than this are refused rather than read into memory.
const MAX_TRANSCRIPT_BYTES: u64 = 256 * 1024 * 1024;

/// How a transcript file is read for import.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// The format, else detected from the extension and content.
    pub format: Option<ImportFormat>,
    /// The recording date, else an ISO date in the file name, else unknown.
    pub date: Option<Date>,
    /// The text encoding, else a byte-order mark's, else UTF-8, else Windows-1252.
    pub encoding: Option<import::encoding::TextEncoding>,
}

/// Reads and parses a transcript made elsewhere for import, without storing it
/// ([`commit_batch`](super::commit_batch) stores it). Its identity is the SHA-256 of the transcript file: the same
/// bytes again are [`Prepared::Present`]. An error is this file's failure.
pub fn prepare_import(store: &Store, path: &Path, options: ImportOptions) -> Result<Prepared> {
    let ImportOptions {
        format,
        date,
        encoding,
    } = options;
    let size = fs::metadata(path).map_err(|e| Error::io(path, e))?.len();
    if size == 0 {
        return Err(Error::EmptyFile { path: path.into() });
    }
    if size > MAX_TRANSCRIPT_BYTES {
        return Err(Error::Input(format!(
            "{}: {size} bytes is more than the {MAX_TRANSCRIPT_BYTES} a transcript may have",
            path.display()
        )));
    }
    let bytes = fs::read(path).map_err(|e| Error::io(path, e))?;
    let sha256 = sha256_hex(&bytes);
    if let Some(existing) = store.find_by_sha256(&sha256) {
        return Ok(Prepared::Present(Box::new(existing.clone())));
    }
    let size_bytes = bytes.len() as u64;
    let decoded = import::encoding::decode(&bytes, encoding).map_err(|e| Error::Malformed {
        path: path.into(),
        line: bytes[..e.offset].iter().filter(|b| **b == b'\n').count() + 1,
        reason: e.reason,
    })?;
    let text = decoded.text;
    let encoding =
        (decoded.how != import::encoding::How::Plain).then(|| decoded.encoding.name().to_string());
    let format = match format {
        Some(format) => format,
        None => import::detect_format(path, &text)?,
    };
    let segments = import::parse(path, &text, format)?;
    let name = file_name(path);
    let (recording_date, date_source) = match (date, date_in_name(&name)) {
        (Some(date), _) => (Some(date), DateSource::Argument),
        (None, Some(date)) => (Some(date), DateSource::FileName),
        (None, None) => (None, DateSource::Unknown),
    };
    let recording = Recording {
        name,
        source_path: absolute(path),
        source: SourceKind::ImportedTranscript {
            format: format.name().into(),
            encoding,
        },
        size_bytes,
        sha256: sha256.clone(),
        recording_date,
        date_source,
        duration_ms: segments.iter().map(|s| s.end_ms).max().unwrap_or(0),
        audio: None,
        model: None,
        settings: None,
        verbatim_version: crate::VERSION.into(),
        ingested_at: OffsetDateTime::now_utc(),
        segment_count: segments.len(),
        diarization: None,
        transcribed_by: None,
    };
    let transcript = Transcript {
        sha256,
        language: "unknown".into(),
        segments,
        faint_activity: Vec::new(),
    };
    Ok(Prepared::New(Box::new(recording), transcript))
}
