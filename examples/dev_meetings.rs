//! Builds development meetings from real recorded voices (issue 14): clips fetched by
//! `scripts/fetch-real-voices.sh` into `real-voices/<person>/`, each trimmed to its speech and
//! levelled, joined with pauses, speakers coming back, with a low noise floor; all choices from a
//! fixed seed, so the same clips give the same meetings. Writes the audio to
//! `real-voices/meetings/` and the truth (speaker, start, end and clip of every turn, in the
//! corpus truth's shape) to the path given, which the repository keeps as data.
//!
//! `cargo run --release --example dev_meetings -- real-voices tests/data/speakers/dev_meetings.json`

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use verbatim::audio::{self, vad};

mod common;
use common::{level, write_wav, Rng, RATE};

/// One clip: its person, file, and speech samples (trimmed, levelled).
struct Clip {
    person: String,
    file: String,
    samples: Vec<f32>,
}

/// A meeting to build: its name, the people in it, turns, the pause range between turns.
struct Plan {
    name: &'static str,
    people: &'static [&'static str],
    turns: usize,
    pause_ms: (u64, u64),
}

const PLANS: &[Plan] = &[
    Plan {
        name: "two people",
        people: &["mfa-author", "librivox-reader"],
        turns: 10,
        pause_ms: (300, 1500),
    },
    Plan {
        name: "three people, two languages",
        people: &["librispeech-61", "aishell-s0764", "mfa-author"],
        turns: 8,
        pause_ms: (300, 1500),
    },
    Plan {
        name: "four people",
        people: &["nst-swedish", "mfa-author", "librivox-reader", "f5-en"],
        turns: 10,
        pause_ms: (300, 1500),
    },
    Plan {
        name: "five people, fast alternation",
        people: &[
            "mfa-author",
            "librivox-reader",
            "nst-swedish",
            "mls-spanish",
            "cv-japanese",
        ],
        turns: 12,
        pause_ms: (300, 600),
    },
    Plan {
        name: "six people",
        people: &[
            "librivox-reader",
            "mfa-author",
            "f5-zh",
            "aishell-s0764",
            "librispeech-61",
            "nst-swedish",
        ],
        turns: 12,
        pause_ms: (300, 1500),
    },
    Plan {
        name: "one person, many sessions",
        people: &["mfa-author"],
        turns: 8,
        pause_ms: (300, 1500),
    },
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let voices = PathBuf::from(args.next().unwrap_or_else(|| "real-voices".into()));
    let truth_path = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "tests/data/speakers/dev_meetings.json".into()),
    );
    let mut clips = load_clips(&voices)?;
    let out = voices.join("meetings");
    std::fs::create_dir_all(&out)?;
    let mut rng = Rng(0x5EED_2026_1202);
    let mut recordings = Vec::new();
    for plan in PLANS {
        let file = format!("{}.wav", plan.name);
        let (samples, lines) = build(plan, &mut clips, &mut rng)?;
        write_wav(&out.join(&file), &samples)?;
        let speakers: serde_json::Map<String, Value> = plan
            .people
            .iter()
            .map(|p| (p.to_string(), json!(p)))
            .collect();
        println!(
            "{file}: {:.1} s, {} turns, {} people",
            samples.len() as f64 / RATE as f64,
            lines.len(),
            plan.people.len()
        );
        recordings.push(json!({"file": file, "speakers": speakers, "lines": lines}));
    }
    let truth = json!({
        "about": "Development meetings for speaker attribution, built by examples/dev_meetings.rs \
                  from real recorded voices (scripts/fetch-real-voices.sh; sources and hashes in \
                  that script): each turn one clip of one person, trimmed to its speech, levelled, \
                  pauses and order from a fixed seed. Times are sample-exact from the assembly.",
        "recordings": recordings,
    });
    if let Some(parent) = truth_path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&truth_path, serde_json::to_string_pretty(&truth)? + "\n")?;
    println!("truth: {}", truth_path.display());
    Ok(())
}

/// Every clip under `voices/<person>/`, in name order, trimmed to its speech and levelled.
fn load_clips(voices: &Path) -> Result<Vec<Clip>, Box<dyn std::error::Error>> {
    let mut clips = Vec::new();
    let mut people: Vec<PathBuf> = std::fs::read_dir(voices)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_dir()
                && p.file_name()
                    .is_some_and(|n| n != "meetings" && n != "asr-meetings" && n != ".downloads")
        })
        .collect();
    people.sort();
    for dir in people {
        let person = dir
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| audio::has_audio_extension(p))
            .collect();
        files.sort();
        for path in files {
            let decoded = audio::decode_file(&path)?;
            let speech = vad::speech_spans(&decoded.samples, &vad::VadConfig::default());
            let (Some(first), Some(last)) = (speech.first(), speech.last()) else {
                continue;
            };
            let (start, end) = (
                (first.start_ms * RATE / 1000) as usize,
                ((last.end_ms * RATE / 1000) as usize).min(decoded.samples.len()),
            );
            // under a second of speech says too little about a voice to be a turn
            if end <= start + RATE as usize {
                continue;
            }
            let mut samples = decoded.samples[start..end].to_vec();
            level(&mut samples);
            clips.push(Clip {
                person: person.clone(),
                file: format!(
                    "{person}/{}",
                    path.file_name().unwrap_or_default().to_string_lossy()
                ),
                samples,
            });
        }
    }
    Ok(clips)
}

/// One meeting: turns by the plan's people (never the same person twice running, each person
/// coming back), each an unused clip; a low noise floor under everything.
fn build(
    plan: &Plan,
    clips: &mut [Clip],
    rng: &mut Rng,
) -> Result<(Vec<f32>, Vec<Value>), Box<dyn std::error::Error>> {
    let mut used = vec![false; clips.len()];
    let mut samples: Vec<f32> = vec![0.0; (RATE / 2) as usize];
    let mut lines = Vec::new();
    let mut last: Option<&str> = None;
    for turn in 0..plan.turns {
        // the first turns introduce everyone in order; later ones pick anyone but the last
        let person = if turn < plan.people.len() {
            plan.people[turn]
        } else {
            let others: Vec<&str> = plan
                .people
                .iter()
                .copied()
                .filter(|p| Some(*p) != last || plan.people.len() == 1)
                .collect();
            others[rng.below(others.len())]
        };
        let free: Vec<usize> = (0..clips.len())
            .filter(|&i| !used[i] && clips[i].person == person)
            .collect();
        if free.is_empty() {
            continue;
        }
        let i = free[rng.below(free.len())];
        used[i] = true;
        let start = samples.len() as u64;
        samples.extend_from_slice(&clips[i].samples);
        let end = samples.len() as u64;
        lines.push(json!({
            "speaker": person,
            "start_ms": start * 1000 / RATE,
            "end_ms": end * 1000 / RATE,
            "clip": clips[i].file,
        }));
        let pause = rng.between_ms(plan.pause_ms.0, plan.pause_ms.1);
        samples.extend(std::iter::repeat_n(0.0, (pause * RATE / 1000) as usize));
        last = Some(person);
    }
    for s in &mut samples {
        // uniform noise at about -60 dBFS
        *s += ((rng.next() >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 0.002;
    }
    if lines.is_empty() {
        return Err(format!("{}: no clips for its people", plan.name).into());
    }
    Ok((samples, lines))
}
