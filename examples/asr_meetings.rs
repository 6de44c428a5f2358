//! Builds English development meetings with text truth, for word error rate: the English clips
//! that `scripts/fetch-real-voices.sh` fetches into `real-voices/<person>/`, each with its
//! reference text beside it (`<clip stem>.txt`), trimmed to their speech (with a little margin,
//! so no word is cut), levelled, joined with pauses, different people alternating and coming back,
//! with a low noise floor; all choices from a fixed seed, so the same clips give the same
//! meetings. The approach of `examples/dev_meetings.rs`, with the text of every turn.
//!
//! Writes the audio to `real-voices/asr-meetings/` (git-ignored) and the truth (speaker, start,
//! end, clip, text and language of every turn, in the shape of
//! `tests/data/speakers/dev_meetings.json`) to the path given, which the repository keeps as data.
//! `verbatim-bench asr` scores transcripts of these meetings against it.
//!
//! `cargo run --release --example asr_meetings -- real-voices tests/data/asr/dev_english.json`

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use verbatim::audio::{self, vad};

mod common;
use common::{level, write_wav, Rng, RATE};

/// The English speakers with reference texts (folders under `real-voices/`).
const ENGLISH: &[&str] = &[
    "f5-en",
    "librispeech-61",
    "librivox-reader",
    "mfa-author",
    "podcast-uk-host",
    "podcast-us-guest",
];

/// Speech kept either side of what the voice detector finds, so no soft onset or ending of a
/// word in the reference text is cut off.
const MARGIN_MS: u64 = 150;

/// One clip: its person, file, reference text, and speech samples (trimmed, levelled).
struct Clip {
    person: String,
    file: String,
    text: String,
    samples: Vec<f32>,
}

/// A meeting to build: its name, the people in it, how long it should run, the pause range
/// between turns, and how often (one turn in `long_every`) a long pause comes instead.
struct Plan {
    name: &'static str,
    people: &'static [&'static str],
    target_s: u64,
    pause_ms: (u64, u64),
    long_pause: Option<(usize, (u64, u64))>,
}

const PLANS: &[Plan] = &[
    Plan {
        name: "reader, author, host",
        people: &["librivox-reader", "mfa-author", "podcast-uk-host"],
        target_s: 75,
        pause_ms: (300, 1500),
        long_pause: None,
    },
    Plan {
        name: "four people, fast alternation",
        people: &[
            "podcast-us-guest",
            "mfa-author",
            "podcast-uk-host",
            "librivox-reader",
        ],
        target_s: 80,
        pause_ms: (300, 600),
        long_pause: None,
    },
    Plan {
        name: "five people, long pauses",
        people: &[
            "mfa-author",
            "librispeech-61",
            "podcast-us-guest",
            "f5-en",
            "librivox-reader",
        ],
        target_s: 100,
        pause_ms: (300, 1500),
        long_pause: Some((3, (3000, 6000))),
    },
    Plan {
        name: "six people",
        people: ENGLISH,
        target_s: 130,
        pause_ms: (300, 1500),
        long_pause: None,
    },
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let voices = PathBuf::from(args.next().unwrap_or_else(|| "real-voices".into()));
    let truth_path = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "tests/data/asr/dev_english.json".into()),
    );
    let clips = load_clips(&voices)?;
    let out = voices.join("asr-meetings");
    std::fs::create_dir_all(&out)?;
    let mut rng = Rng(0x5EED_2026_A5E1);
    let mut recordings = Vec::new();
    for plan in PLANS {
        let file = format!("{}.wav", plan.name);
        let (samples, lines) = build(plan, &clips, &mut rng)?;
        let seconds = samples.len() as f64 / RATE as f64;
        if !(60.0..=180.0).contains(&seconds) {
            return Err(format!("{file}: {seconds:.1} s, not 1-3 minutes").into());
        }
        write_wav(&out.join(&file), &samples)?;
        let speakers: serde_json::Map<String, Value> = plan
            .people
            .iter()
            .map(|p| (p.to_string(), json!(p)))
            .collect();
        let words: usize = lines
            .iter()
            .map(|l| l["text"].as_str().unwrap_or("").split_whitespace().count())
            .sum();
        println!(
            "{file}: {seconds:.1} s, {} turns, {} people, {words} reference words",
            lines.len(),
            plan.people.len()
        );
        recordings.push(json!({"file": file, "speakers": speakers, "lines": lines}));
    }
    let truth = json!({
        "about": "English development meetings for word error rate, built by \
                  examples/asr_meetings.rs from real recorded voices with reference texts \
                  (scripts/fetch-real-voices.sh; sources and hashes in that script): each turn one \
                  clip of one person, trimmed to its speech with a 150 ms margin, levelled, pauses \
                  and order from a fixed seed. Times are sample-exact from the assembly; text is the \
                  clip's reference text in its source's own spelling and case. Development data, \
                  not a held-out test.",
        "recordings": recordings,
    });
    if let Some(parent) = truth_path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&truth_path, serde_json::to_string_pretty(&truth)? + "\n")?;
    println!("truth: {}", truth_path.display());
    Ok(())
}

/// Every English clip with a reference text, in name order, trimmed to its speech (plus
/// [`MARGIN_MS`]) and levelled. Texts with markup (`<cutoff-...>`, `<hes-...>`, `<unk>`,
/// `[laughter]`) say what was heard in a way no transcript can match, so those clips stay out.
fn load_clips(voices: &Path) -> Result<Vec<Clip>, Box<dyn std::error::Error>> {
    let mut clips = Vec::new();
    for person in ENGLISH {
        let dir = voices.join(person);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|e| format!("{}: {e} (run scripts/fetch-real-voices.sh)", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| audio::has_audio_extension(p))
            .collect();
        files.sort();
        for path in files {
            let Ok(text) = std::fs::read_to_string(path.with_extension("txt")) else {
                continue;
            };
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if text.is_empty() || text.contains(['<', '>', '[', ']']) {
                continue;
            }
            let decoded = audio::decode_file(&path)?;
            let speech = vad::speech_spans(&decoded.samples, &vad::VadConfig::default());
            let (Some(first), Some(last)) = (speech.first(), speech.last()) else {
                continue;
            };
            let (start, end) = (
                (first.start_ms.saturating_sub(MARGIN_MS) * RATE / 1000) as usize,
                (((last.end_ms + MARGIN_MS) * RATE / 1000) as usize).min(decoded.samples.len()),
            );
            if end <= start {
                continue;
            }
            let mut samples = decoded.samples[start..end].to_vec();
            level(&mut samples);
            clips.push(Clip {
                person: person.to_string(),
                file: format!(
                    "{person}/{}",
                    path.file_name().unwrap_or_default().to_string_lossy()
                ),
                text,
                samples,
            });
        }
    }
    Ok(clips)
}

/// One meeting: the first turns introduce the plan's people in order, later ones go to anyone
/// but the last speaker who still has an unused clip, until the meeting reaches its target
/// length; each turn an unused clip, a pause after it; a low noise floor under everything.
fn build(
    plan: &Plan,
    clips: &[Clip],
    rng: &mut Rng,
) -> Result<(Vec<f32>, Vec<Value>), Box<dyn std::error::Error>> {
    let mut used = vec![false; clips.len()];
    let mut samples: Vec<f32> = vec![0.0; (RATE / 2) as usize];
    let mut lines = Vec::new();
    let mut last: Option<&str> = None;
    let free_of = |person: &str, used: &[bool]| -> Vec<usize> {
        (0..clips.len())
            .filter(|&i| !used[i] && clips[i].person == person)
            .collect()
    };
    while (samples.len() as u64) < plan.target_s * RATE {
        let turn = lines.len();
        let person = if turn < plan.people.len() {
            plan.people[turn]
        } else {
            let others: Vec<&str> = plan
                .people
                .iter()
                .copied()
                .filter(|p| Some(*p) != last && !free_of(p, &used).is_empty())
                .collect();
            if others.is_empty() {
                break;
            }
            others[rng.below(others.len())]
        };
        let free = free_of(person, &used);
        if free.is_empty() {
            return Err(format!("{}: no clip of {person}", plan.name).into());
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
            "text": clips[i].text,
            "language": "en",
        }));
        let pause = match plan.long_pause {
            Some((every, (low, high))) if rng.below(every) == 0 => rng.between_ms(low, high),
            _ => rng.between_ms(plan.pause_ms.0, plan.pause_ms.1),
        };
        samples.extend(std::iter::repeat_n(0.0, (pause * RATE / 1000) as usize));
        last = Some(person);
    }
    for s in &mut samples {
        // uniform noise at about -60 dBFS
        *s += ((rng.next() >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 0.002;
    }
    Ok((samples, lines))
}
