//! The long test recording (issue: long recordings): the sample corpus recordings joined with
//! 60-second silences into one 16 kHz WAV of over 20 minutes, with the ground truth shifted to
//! match. Shared by the integration tests and the bench binary (`#[path]`-included).

use std::path::Path;

use serde_json::{json, Value};

/// Silence before, between and after the joined recordings.
pub const SILENCE_MS: u64 = 60_000;

/// Writes the long recording to `wav` (always anew: the corpus may have been regenerated) and
/// returns its ground truth:
/// `{"duration_ms", "silences": [[start, end], ...], "lines": [{"start_ms", "end_ms", "text", ...}]}`.
pub fn build(repo: &Path, wav: &Path) -> Value {
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(repo.join("corpus/truth.json")).unwrap())
            .unwrap();
    let recordings = truth["recordings"].as_array().unwrap();
    // Every recording once, then the first meeting again, to pass 20 minutes.
    let order: Vec<&Value> = recordings.iter().chain(recordings.first()).collect();
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 16_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let temp = wav.with_extension("partial");
    let mut writer = hound::WavWriter::create(&temp, spec).unwrap();
    let mut at_ms = 0;
    let mut silences = Vec::new();
    let mut lines = Vec::new();
    let mut silence = |at_ms: &mut u64, writer: &mut hound::WavWriter<_>| {
        silences.push(json!([*at_ms, *at_ms + SILENCE_MS]));
        for _ in 0..SILENCE_MS * 16 {
            writer.write_sample(0i16).unwrap();
        }
        *at_ms += SILENCE_MS;
    };
    silence(&mut at_ms, &mut writer);
    for recording in order {
        let file = repo
            .join("corpus")
            .join(recording["file"].as_str().unwrap());
        let audio = verbatim::audio::decode_file(&file).unwrap();
        for sample in &audio.samples {
            writer
                .write_sample((sample.clamp(-1.0, 1.0) * 32767.0) as i16)
                .unwrap();
        }
        for line in recording["lines"].as_array().unwrap() {
            let mut shifted = line.clone();
            shifted["start_ms"] = json!(line["start_ms"].as_u64().unwrap() + at_ms);
            shifted["end_ms"] = json!(line["end_ms"].as_u64().unwrap() + at_ms);
            lines.push(shifted);
        }
        at_ms += audio.samples.len() as u64 / 16;
        silence(&mut at_ms, &mut writer);
    }
    writer.finalize().unwrap();
    std::fs::rename(&temp, wav).unwrap();
    json!({"duration_ms": at_ms, "silences": silences, "lines": lines})
}
