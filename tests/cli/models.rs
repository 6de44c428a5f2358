//! `verbatim models` and `--model`: corrupt, truncated and missing model files.

use crate::{repo, tiny_model, Workdir};

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
fn fetch_reports_a_model_already_present_with_its_hash() {
    let work = Workdir::new();
    let out = work.run(&["models", "fetch", "tiny.en"]).ok();
    assert!(out.starts_with("present"), "{out}");
    assert!(out.contains(&crate::sha256_of(&tiny_model())), "{out}");
    let unknown = work.run(&["models", "fetch", "huge"]);
    assert_eq!(unknown.code(), 2);
    assert!(unknown.stderr().contains("unknown model \"huge\""));
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
