//! Integration tests: the real `verbatim` binary, the real Whisper model, real audio, in
//! temporary stores. One module per subcommand; `Workdir` is the shared harness.
//!
//! The model comes from `VERBATIM_MODELS` or the repository's `models/` folder; `make test`
//! fetches it first.

mod bundle;
mod claims;
mod crash;
mod import;
mod ingest;
mod journal;
mod long;
mod meaning;
mod merge;
mod models;
mod queue;
mod quote;
mod relisten;
mod reproduce;
mod review;
mod search;
mod serve;
mod speakers;
mod transcript;

#[path = "../support/long_recording.rs"]
mod long_recording;
#[path = "../support/score.rs"]
mod score;
#[path = "../support/sets.rs"]
mod sets;
#[path = "../support/speaker_score.rs"]
mod speaker_score;

pub use score::{heard_words, normalize_words, score, Score};

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The models folder the tests use.
pub fn models_dir() -> PathBuf {
    std::env::var_os("VERBATIM_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("models"))
}

/// The tiny.en model; a test without it cannot run, so say how to get it.
pub fn tiny_model() -> PathBuf {
    let path = models_dir().join("ggml-tiny.en.bin");
    assert!(
        path.exists(),
        "{} is missing: run `make model` (or `verbatim models fetch tiny.en`) first",
        path.display()
    );
    path
}

/// A temporary folder with its own evidence store.
#[derive(Debug)]
pub struct Workdir {
    dir: tempfile::TempDir,
}

impl Workdir {
    #[allow(clippy::new_without_default)] // a fresh temporary folder each time: not a default
    pub fn new() -> Workdir {
        Workdir {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn store(&self) -> PathBuf {
        self.path().join("store")
    }

    /// `verbatim` with this workdir's store and the shared models folder, not yet started.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_verbatim"));
        command
            .args(args)
            .env("VERBATIM_STORE", self.store())
            .env("VERBATIM_MODELS", models_dir())
            // Tests run in parallel: one Whisper thread each keeps the cores from contending.
            .env("VERBATIM_THREADS", "1")
            .current_dir(self.path());
        command
    }

    /// A bash command line with this workdir's environment, where `verbatim` is the binary
    /// under test; not yet started.
    pub fn shell(&self, line: &str) -> Command {
        let bin = Path::new(env!("CARGO_BIN_EXE_verbatim"));
        let path =
            std::env::join_paths(std::iter::once(bin.parent().unwrap().to_path_buf()).chain(
                std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
            ))
            .unwrap();
        let verbatim = self.command(&[]);
        let mut shell = Command::new("bash");
        shell.args(["-c", line]).env("PATH", path);
        for (key, value) in verbatim.get_envs() {
            if let Some(value) = value {
                shell.env(key, value);
            }
        }
        shell.current_dir(self.path());
        shell
    }

    /// Runs `verbatim` with this workdir's store and the shared models folder.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = self
            .command(args)
            .output()
            .expect("the verbatim binary runs");
        Run { output }
    }

    /// Copies a file into the workdir under a new name and returns its path.
    pub fn copy(&self, from: &Path, name: &str) -> PathBuf {
        let to = self.path().join(name);
        std::fs::copy(from, &to).expect("copy fixture");
        to
    }

    /// The parsed manifest.
    pub fn manifest(&self) -> Value {
        let bytes = std::fs::read(self.store().join("manifest.json")).expect("manifest exists");
        serde_json::from_slice(&bytes).expect("manifest parses")
    }
}

/// A finished run of the binary.
pub struct Run {
    pub output: Output,
}

impl Run {
    pub fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }
    /// Asserts success and returns stdout.
    pub fn ok(&self) -> String {
        assert_eq!(
            self.code(),
            0,
            "stdout:\n{}\nstderr:\n{}",
            self.stdout(),
            self.stderr()
        );
        self.stdout()
    }
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.ok()).expect("stdout is JSON")
    }
}

/// SHA-256 hex of a file.
/// The sample corpus's seven recordings, in name order.
pub fn corpus_audio_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join("corpus"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            !matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("json" | "md" | "py" | "sh")
            )
        })
        .collect();
    files.sort();
    assert_eq!(files.len(), 7, "{files:?}");
    files
}

pub fn sha256_of(path: &Path) -> String {
    use sha2::{Digest, Sha256};
    let bytes = std::fs::read(path).expect("readable");
    format!("{:x}", Sha256::digest(bytes))
}
