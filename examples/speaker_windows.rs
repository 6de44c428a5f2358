//! Tuning aid (not a test): writes, as JSON lines, every embedded voice window of each
//! recording in a truth file (the windows `diarize` clusters), with the true speaker holding
//! most of the window's time (or null), for offline study of the clustering. Never run it on
//! the reserved evaluation recordings.
//!
//! `cargo run --release --example speaker_windows -- models tests/data/speakers/dev_meetings.json real-voices/meetings > /tmp/windows.jsonl`

use std::path::Path;

use serde_json::{json, Value};
use verbatim::audio::{self, vad};
use verbatim::speakers::diarize::{speech_windows, DiarizeConfig};
use verbatim::speakers::encoder::VoiceEncoder;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let models = args.next().unwrap_or_else(|| "models".into());
    let truth_path = args.next().unwrap_or_else(|| "corpus/truth.json".into());
    let audio_dir = args.next().unwrap_or_else(|| "corpus".into());
    let encoder = VoiceEncoder::load(&verbatim::models::resemblyzer::weights_path(
        models.as_ref(),
    ))?;
    let step_ms = DiarizeConfig::default().step_ms;
    let truth: Value = serde_json::from_str(&std::fs::read_to_string(&truth_path)?)?;
    for recording in truth["recordings"].as_array().ok_or("recordings")? {
        let file = recording["file"].as_str().ok_or("file")?;
        let decoded = audio::decode_file(&Path::new(&audio_dir).join(file))?;
        let speech = vad::speech_spans(&decoded.samples, &vad::VadConfig::default());
        let lines: Vec<(u64, u64, &str)> = recording["lines"]
            .as_array()
            .ok_or("lines")?
            .iter()
            .filter_map(|l| {
                Some((
                    l["start_ms"].as_u64()?,
                    l["end_ms"].as_u64()?,
                    l["speaker"].as_str()?,
                ))
            })
            .collect();
        for (span, embedding) in speech_windows(&encoder, &decoded.samples, &speech, step_ms) {
            let mut best: Option<(&str, u64)> = None;
            for &(start, end, who) in &lines {
                let overlap = end
                    .min(span.end_ms)
                    .saturating_sub(start.max(span.start_ms));
                if overlap > best.map_or(0, |b| b.1) {
                    best = Some((who, overlap));
                }
            }
            println!(
                "{}",
                json!({
                    "file": file,
                    "start_ms": span.start_ms,
                    "end_ms": span.end_ms,
                    "speaker": best.map(|b| b.0),
                    "embedding": embedding.to_vec(),
                })
            );
        }
    }
    Ok(())
}
