//! Inputs: paths from the command line expanded into the files of a batch. A file is taken as
//! given; a folder is walked for files of the wanted kind; a missing path, an empty folder or a
//! link loop is a failed input that names its path.

use std::fs;
use std::path::{Path, PathBuf};

use crate::audio;
use crate::error::Error;

/// One input, as found on the command line or in a folder.
#[derive(Debug)]
pub enum Input {
    /// A file to ingest.
    File(PathBuf),
    /// A file passed over, with the reason (a folder's non-audio file).
    Skipped(PathBuf, String),
    /// An input that cannot be ingested at all (missing path, empty folder).
    Failed(PathBuf, Error),
}

/// Expands paths into inputs: files as given (whatever their extension), folders walked in
/// name order for files with an audio extension.
pub fn collect_inputs(paths: &[PathBuf]) -> Vec<Input> {
    collect_matching(paths, audio::has_audio_extension, "audio")
}

/// Transcript file extensions `verbatim import` picks up in folders.
const TRANSCRIPT_EXTENSIONS: &[&str] = &["srt", "vtt", "json", "txt", "md"];

/// As [`collect_inputs`], for transcript files.
pub fn collect_transcript_inputs(paths: &[PathBuf]) -> Vec<Input> {
    collect_matching(
        paths,
        |path| {
            path.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| TRANSCRIPT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        },
        "transcript",
    )
}

fn collect_matching(paths: &[PathBuf], wanted: fn(&Path) -> bool, what: &str) -> Vec<Input> {
    let mut inputs = Vec::new();
    for path in paths {
        match fs::metadata(path) {
            Err(e) => inputs.push(Input::Failed(path.clone(), Error::io(path, e))),
            Ok(meta) if meta.is_dir() => {
                let before = inputs.len();
                walk(path, wanted, what, &mut inputs);
                let found = inputs[before..].iter().any(|i| matches!(i, Input::File(_)));
                if !found {
                    inputs.push(Input::Failed(
                        path.clone(),
                        Error::Input(format!(
                            "{}: no {what} files in this folder",
                            path.display()
                        )),
                    ));
                }
            }
            Ok(_) => inputs.push(Input::File(path.clone())),
        }
    }
    inputs
}

/// Walks a folder depth-first in name order (walkdir), following symbolic links with walkdir's
/// loop check, and skipping hidden files and folders: each file is an input, or skipped by its
/// extension; an unreadable entry or a link loop is a failed input that names its path.
fn walk(dir: &Path, wanted: fn(&Path) -> bool, what: &str, inputs: &mut Vec<Input>) {
    let hidden = |entry: &walkdir::DirEntry| {
        entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with('.')
    };
    let entries = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !hidden(e));
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                let error = match e.loop_ancestor() {
                    Some(ancestor) => Error::Input(format!(
                        "{}: a symbolic link loop back to {}; not followed",
                        path.display(),
                        ancestor.display()
                    )),
                    None => Error::io(
                        &path,
                        e.into_io_error()
                            .unwrap_or_else(|| std::io::Error::other("unreadable folder entry")),
                    ),
                };
                inputs.push(Input::Failed(path, error));
                continue;
            }
        };
        if entry.file_type().is_dir() {
            continue;
        }
        let path = entry.into_path();
        if wanted(&path) {
            inputs.push(Input::File(path));
        } else {
            let article = if what.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            inputs.push(Input::Skipped(
                path,
                format!("not {article} {what} file extension"),
            ));
        }
    }
}

/// The path as an absolute path (without resolving links), so that `verify` finds the source
/// from any folder.
pub(super) fn absolute(path: &Path) -> String {
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

/// The file's name, else the whole path.
pub(super) fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_paths_and_empty_folders_fail_and_other_files_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.wav"), b"x").unwrap();
        fs::write(dir.path().join("notes.txt"), b"x").unwrap();
        fs::write(dir.path().join(".hidden.wav"), b"x").unwrap();
        let empty = dir.path().join("empty");
        fs::create_dir(&empty).unwrap();
        let missing = dir.path().join("missing.mp3");
        let inputs = collect_inputs(&[dir.path().to_path_buf(), missing.clone()]);
        let summary: Vec<String> = inputs
            .iter()
            .map(|i| match i {
                Input::File(p) => format!("file {}", p.file_name().unwrap().to_string_lossy()),
                Input::Skipped(p, _) => {
                    format!("skip {}", p.file_name().unwrap().to_string_lossy())
                }
                Input::Failed(p, _) => format!("fail {}", p.file_name().unwrap().to_string_lossy()),
            })
            .collect();
        assert_eq!(
            summary,
            ["file a.wav", "skip notes.txt", "fail missing.mp3"]
        );
    }
}
