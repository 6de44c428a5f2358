//! Tuning aid (not a test): diarizes each corpus recording with the settings given and prints,
//! per recording, the clusters found against the true speakers (10 ms frames of the truth's
//! lines), the share of frames right, the centroids' similarities, and how alike the same voice
//! is across recordings. `make bench` reports the figures that count; this shows why.
//!
//! `DIARIZE_MAX_SPEAKERS=16 DIARIZE_STEP_MS=800 DIARIZE_ECAPA=off cargo run --release --example diarize_corpus -- models`
//!
//! `DIARIZE_VOICE`: the second voice model, `ecapa` (the default, as `verbatim ingest` runs) or
//! `campplus` (CAM++, with its bars in `speakers::voice`).
//!
//! `DIARIZE_ECAPA`: `one-voice` (the default, as `verbatim ingest` runs), `voiceprints` (as
//! `ingest --voiceprints`) or `off` (GE2E alone).
//!
//! Other recordings in the same truth shape: `... -- models TRUTH.json AUDIO_DIR`, such as the
//! real-voice development meetings (`tests/data/speakers/dev_meetings.json`,
//! `real-voices/meetings`; see `examples/dev_meetings.rs`).

use std::path::Path;

use serde_json::Value;
use verbatim::audio::{self, vad};
use verbatim::model::Span;
use verbatim::speakers::diarize::{diarize, DiarizeConfig, Verifier};
use verbatim::speakers::ecapa;
use verbatim::speakers::encoder::{cosine, Embedding, VoiceEncoder};
use verbatim::speakers::registry;
use verbatim::speakers::voice::VoiceModelKind;

const FRAME_MS: u64 = 10;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let models = args.next().unwrap_or_else(|| "models".into());
    let truth_path = args.next().unwrap_or_else(|| "corpus/truth.json".into());
    let audio_dir = args.next().unwrap_or_else(|| "corpus".into());
    let encoder = VoiceEncoder::load(&verbatim::models::resemblyzer::weights_path(
        models.as_ref(),
    ))?;
    let mode = std::env::var("DIARIZE_ECAPA").unwrap_or_else(|_| "one-voice".into());
    let kind: VoiceModelKind = std::env::var("DIARIZE_VOICE")
        .unwrap_or_else(|_| "ecapa".into())
        .parse()?;
    let ecapa = match mode.as_str() {
        "off" => None,
        "one-voice" | "voiceprints" => Some(kind.load(&kind.weights_path(models.as_ref()))?),
        other => {
            return Err(format!("DIARIZE_ECAPA={other}: one-voice, voiceprints or off").into())
        }
    };
    let verifier = match (&ecapa, mode.as_str()) {
        (Some(ecapa), "voiceprints") => Verifier::Voiceprints(ecapa),
        (Some(ecapa), _) => Verifier::OneVoice(ecapa),
        (None, _) => Verifier::Off,
    };
    let mut config = DiarizeConfig::default();
    if let Ok(t) = std::env::var("DIARIZE_MAX_SPEAKERS") {
        config.max_speakers = t.parse()?;
    }
    if let Ok(t) = std::env::var("DIARIZE_STEP_MS") {
        config.step_ms = t.parse()?;
    }
    let corpus = Path::new(&audio_dir);
    let truth: Value = serde_json::from_str(&std::fs::read_to_string(&truth_path)?)?;
    let mut named: Vec<(String, String, Embedding)> = Vec::new();
    let mut printed: Vec<(String, String, Option<Vec<f32>>)> = Vec::new();
    for recording in truth["recordings"].as_array().ok_or("recordings")? {
        let file = recording["file"].as_str().ok_or("file")?;
        let decoded = audio::decode_file(&corpus.join(file))?;
        let speech = vad::speech_spans(&decoded.samples, &vad::VadConfig::default());
        let started = std::time::Instant::now();
        let d = diarize(&encoder, verifier, &decoded.samples, &speech, &config);
        let took = started.elapsed();
        let names: Vec<&str> = recording["speakers"]
            .as_object()
            .ok_or("speakers")?
            .keys()
            .map(String::as_str)
            .collect();
        // clusters x true speakers, in frames of the truth's lines
        let mut confusion = vec![vec![0usize; names.len()]; d.speakers.len()];
        let mut unlabelled = 0;
        for line in recording["lines"].as_array().ok_or("lines")? {
            let who = names
                .iter()
                .position(|n| Some(*n) == line["speaker"].as_str())
                .ok_or("line speaker")?;
            let (start, end) = (
                line["start_ms"].as_u64().ok_or("start_ms")?,
                line["end_ms"].as_u64().ok_or("end_ms")?,
            );
            for at in (start..end).step_by(FRAME_MS as usize) {
                let frame = Span {
                    start_ms: at,
                    end_ms: at + FRAME_MS,
                };
                match d.speaker_of(frame) {
                    Some((cluster, _)) => confusion[cluster][who] += 1,
                    None => unlabelled += 1,
                }
            }
        }
        let total: usize = confusion.iter().flatten().sum::<usize>() + unlabelled;
        let right: usize = confusion
            .iter()
            .map(|row| row.iter().max().copied().unwrap_or(0))
            .sum();
        // one-to-one: each cluster and each person used once, largest overlaps first (greedy)
        let mut cells: Vec<(usize, usize, usize)> = confusion
            .iter()
            .enumerate()
            .flat_map(|(c, row)| row.iter().enumerate().map(move |(p, n)| (*n, c, p)))
            .collect();
        cells.sort_by(|a, b| b.cmp(a));
        let (mut clusters_taken, mut people_taken) = (Vec::new(), Vec::new());
        let mut one_to_one = 0;
        for (n, c, p) in cells {
            if !clusters_taken.contains(&c) && !people_taken.contains(&p) {
                clusters_taken.push(c);
                people_taken.push(p);
                one_to_one += n;
            }
        }
        println!(
            "{file}: {} speakers (truth {}), {} windows, {:.2} s, frames right {:.3}, one-to-one {:.3} (unlabelled {unlabelled})",
            d.speakers.len(),
            names.len(),
            d.windows,
            took.as_secs_f32(),
            right as f32 / total.max(1) as f32,
            one_to_one as f32 / total.max(1) as f32
        );
        for (c, row) in confusion.iter().enumerate() {
            println!("   cluster {c}: {row:?}");
            let best = (0..row.len()).max_by_key(|&i| row[i]).unwrap_or(0);
            let voice = recording["speakers"][names[best]].as_str().unwrap_or("?");
            named.push((file.to_string(), voice.to_string(), d.speakers[c].centroid));
            printed.push((
                file.to_string(),
                voice.to_string(),
                d.speakers[c].voiceprint.clone(),
            ));
        }
        for a in &d.speakers {
            let sims: Vec<String> = d
                .speakers
                .iter()
                .map(|b| format!("{:.2}", cosine(&a.centroid, &b.centroid)))
                .collect();
            println!("   similarity: {}", sims.join(" "));
        }
        for a in &d.speakers {
            let sims: Vec<String> = d
                .speakers
                .iter()
                .map(|b| match (&a.voiceprint, &b.voiceprint) {
                    (Some(x), Some(y)) => format!("{:.2}", ecapa::cosine(x, y)),
                    _ => "-".into(),
                })
                .collect();
            println!("   voiceprints: {}", sims.join(" "));
        }
    }
    let centroids: Vec<(String, String, Vec<f32>)> = named
        .iter()
        .map(|(f, v, e)| (f.clone(), v.clone(), e.to_vec()))
        .collect();
    identity("GE2E centroids", &centroids, &[registry::GE2E_MATCH]);
    let voiceprints: Vec<(String, String, Vec<f32>)> = printed
        .iter()
        .cloned()
        .filter_map(|(f, v, e)| Some((f, v, e?)))
        .collect();
    if !voiceprints.is_empty() {
        identity(
            &format!("{} voiceprints", kind.name()),
            &voiceprints,
            &[registry::MATCH_THRESHOLD],
        );
        both_models(&named, &printed);
    }
    Ok(())
}

/// Pairs of speakers from different recordings by both models at once: the 12 same-person
/// pairs least alike by ECAPA, and the 8 different-person pairs most alike by either model.
/// Only speakers with a voiceprint count, so this prints with `DIARIZE_ECAPA=voiceprints`.
fn both_models(
    named: &[(String, String, Embedding)],
    printed: &[(String, String, Option<Vec<f32>>)],
) {
    let (mut same, mut different) = (Vec::new(), Vec::new());
    for i in 0..named.len() {
        for j in i + 1..named.len() {
            if named[i].0 == named[j].0 {
                continue;
            }
            let (Some(x), Some(y)) = (&printed[i].2, &printed[j].2) else {
                continue;
            };
            let pair = (
                cosine(&named[i].2, &named[j].2),
                ecapa::cosine(x, y),
                format!(
                    "{} {} / {} {}",
                    named[i].0, named[i].1, named[j].0, named[j].1
                ),
            );
            if named[i].1 == named[j].1 {
                same.push(pair);
            } else {
                different.push(pair);
            }
        }
    }
    same.sort_by(|a, b| a.1.total_cmp(&b.1));
    println!("same person across recordings (GE2E, ECAPA), least alike by ECAPA first:");
    for (g, e, what) in same.iter().take(12) {
        println!("   {g:.3} {e:.3}  {what}");
    }
    println!("different people, most alike by ECAPA:");
    different.sort_by(|a, b| b.1.total_cmp(&a.1));
    for (g, e, what) in different.iter().take(8) {
        println!("   {g:.3} {e:.3}  {what}");
    }
    println!("different people, most alike by GE2E:");
    different.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (g, e, what) in different.iter().take(8) {
        println!("   {g:.3} {e:.3}  {what}");
    }
}

/// Same-person and different-person pairs of speakers from different recordings: the
/// equal-error rate, and the error rates at the given thresholds and just above the most alike
/// different people.
fn identity(what: &str, named: &[(String, String, Vec<f32>)], thresholds: &[f32]) {
    println!("identity across recordings by {what}:");
    let (mut same, mut different) = (Vec::new(), Vec::new());
    for (i, a) in named.iter().enumerate() {
        for b in named[i + 1..].iter().filter(|b| b.0 != a.0) {
            let s = ecapa::cosine(&a.2, &b.2);
            if a.1 == b.1 {
                same.push(s);
            } else {
                different.push((s, a.1.clone(), b.1.clone()));
            }
        }
    }
    same.sort_by(f32::total_cmp);
    different.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!(
        "same voice across recordings: {} pairs, lowest {:?}",
        same.len(),
        same.first()
    );
    println!(
        "different voices, most alike: {:?}",
        &different[..8.min(different.len())]
    );
    // identity across recordings: the error rates of a centroid threshold
    let rates = |t: f32| {
        let false_accept =
            different.iter().filter(|d| d.0 >= t).count() as f32 / different.len().max(1) as f32;
        let false_reject =
            same.iter().filter(|&&s| s < t).count() as f32 / same.len().max(1) as f32;
        (false_accept, false_reject)
    };
    let mut candidates: Vec<f32> = same
        .iter()
        .copied()
        .chain(different.iter().map(|d| d.0))
        .collect();
    candidates.sort_by(f32::total_cmp);
    if let Some(&eer_at) = candidates.iter().min_by(|&&a, &&b| {
        let (fa, fr) = rates(a);
        let (fb, gb) = rates(b);
        (fa - fr).abs().total_cmp(&(fb - gb).abs())
    }) {
        let (fa, fr) = rates(eer_at);
        println!(
            "equal-error rate across recordings: {:.3} at cosine {eer_at:.3} (false accepts {fa:.3}, false rejects {fr:.3})",
            (fa + fr) / 2.0
        );
    }
    let never_merge = different.first().map_or(0.0, |d| d.0) + 1e-3;
    for &t in std::iter::once(&never_merge).chain(thresholds) {
        let (fa, fr) = rates(t);
        println!("at cosine {t:.3}: different people merged {fa:.3}, one person split {fr:.3}");
    }
}
