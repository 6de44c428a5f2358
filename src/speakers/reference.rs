//! Test helpers: the reference values Resemblyzer 0.1.4 computed
//! (`tests/data/speakers/resemblyzer_reference.json`) and the inputs they were computed on.

use sha2::{Digest, Sha256};

/// The reference JSON.
pub(crate) fn reference() -> serde_json::Value {
    named("resemblyzer_reference.json")
}

/// A reference JSON of `tests/data/speakers/` by file name.
pub(crate) fn named(file: &str) -> serde_json::Value {
    let path = format!("{}/tests/data/speakers/{file}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The largest absolute difference between `got` and the reference's float list `want`.
pub(crate) fn max_diff(got: &[f32], want: &serde_json::Value) -> f32 {
    let want = floats(want);
    assert_eq!(got.len(), want.len());
    got.iter()
        .zip(&want)
        .map(|(g, w)| (g - w).abs())
        .fold(0f32, f32::max)
}

/// A 16-bit WAV file (path relative to the crate) as floats, s16 / 32768 like librosa.
pub(crate) fn wav_s16(relative: &str) -> Vec<f32> {
    let path = format!("{}/{relative}", env!("CARGO_MANIFEST_DIR"));
    let mut reader = hound::WavReader::open(path).unwrap();
    reader
        .samples::<i16>()
        .map(|s| f32::from(s.unwrap()) / 32768.0)
        .collect()
}

/// SHA-256 of floats as little-endian bytes.
pub(crate) fn sha256_f32(values: &[f32]) -> String {
    let mut hasher = Sha256::new();
    for value in values {
        hasher.update(value.to_le_bytes());
    }
    crate::hash::hex(&hasher.finalize())
}

/// `preprocess_wav(jfk.wav)` rebuilt from the reference's own VAD mask (30 ms windows kept where
/// `dilated_mask` is 1; jfk gets no volume change).
pub(crate) fn jfk_preprocessed(reference: &serde_json::Value) -> Vec<f32> {
    let samples = wav_s16("tests/data/jfk.wav");
    let mask = reference["jfk"]["preprocess"]["trim_long_silences"]["dilated_mask"]
        .as_str()
        .unwrap();
    samples
        .chunks_exact(480)
        .zip(mask.bytes())
        .filter(|(_, keep)| *keep == b'1')
        .flat_map(|(window, _)| window.iter().copied())
        .collect()
}

/// A float list from the JSON.
pub(crate) fn floats(value: &serde_json::Value) -> Vec<f32> {
    serde_json::from_value(value.clone()).unwrap()
}
