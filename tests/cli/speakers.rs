//! Speakers: diarization of the corpus meetings against the truth, identity across recordings,
//! rename / merge / split-off propagating to transcripts, claims and the index, channels.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use crate::ingest::corpus_store;
use crate::speaker_score::{accuracy, truth_speaker, words};
use crate::{repo, Workdir};

fn truth() -> Value {
    let text = std::fs::read_to_string(repo().join("corpus/truth.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn transcript(work: &Workdir, name: &str) -> Value {
    work.run(&["transcript", name, "--format", "json"]).json()
}

#[test]
fn corpus_words_go_to_the_right_speaker_and_counts_are_estimated() {
    let work = corpus_store();
    let truth = truth();
    let manifest = work.manifest();
    // truth voice -> the store-wide ids it got in every recording
    let mut ids_of_voice: HashMap<String, Vec<String>> = HashMap::new();
    for expected in truth["recordings"].as_array().unwrap() {
        let file = expected["file"].as_str().unwrap();
        let lines = expected["lines"].as_array().unwrap();
        let speakers = expected["speakers"].as_object().unwrap();
        let recording = manifest["recordings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == file)
            .unwrap();
        assert_eq!(
            recording["diarization"]["speakers"].as_u64().unwrap() as usize,
            speakers.len(),
            "{file}: speaker count"
        );
        assert!(recording["diarization"]["model"]
            .as_str()
            .unwrap()
            .contains("resemblyzer"));
        let t = transcript(work, file);
        let (accuracy, counted, mapping) = accuracy(&t, lines);
        eprintln!("{file}: {counted} words, attribution accuracy {accuracy:.3}");
        assert!(
            counted > 20,
            "{file}: {counted} words matched to truth lines"
        );
        assert!(accuracy >= 0.90, "{file}: accuracy {accuracy:.3}");
        // one found speaker per truth speaker
        let mut mapped: Vec<&String> = mapping.values().collect();
        mapped.sort();
        mapped.dedup();
        assert_eq!(mapped.len(), speakers.len(), "{file}: {mapping:?}");
        for (id, name) in mapping {
            let voice = speakers[&name].as_str().unwrap().to_string();
            ids_of_voice.entry(voice).or_default().push(id);
        }
    }
    // the same voice got the same id in every recording it speaks in
    for (voice, ids) in &ids_of_voice {
        let first = &ids[0];
        assert!(ids.iter().all(|id| id == first), "{voice}: {ids:?}");
    }
    let distinct: std::collections::HashSet<&String> = ids_of_voice.values().flatten().collect();
    assert_eq!(distinct.len(), ids_of_voice.len(), "{ids_of_voice:?}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A copy of the ingested corpus store, to change without disturbing other tests.
pub(crate) fn corpus_copy() -> Workdir {
    let work = Workdir::new();
    copy_dir(&corpus_store().store(), &work.store());
    work
}

/// The store-wide id of the truth speaker `name` in recording `file`.
fn id_of(work: &Workdir, file: &str, name: &str) -> String {
    let truth = truth();
    let expected = truth["recordings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["file"] == file)
        .unwrap()
        .clone();
    let (_, _, mapping) = accuracy(
        &transcript(work, file),
        expected["lines"].as_array().unwrap(),
    );
    mapping
        .into_iter()
        .find(|(_, truth)| truth == name)
        .map(|(id, _)| id)
        .unwrap()
}

#[test]
fn a_name_given_once_reaches_every_recording_the_index_claims_and_later_ingests() {
    let work = corpus_copy();
    let id = id_of(&work, "2021-09-14 security standup.wav", "Security Lead");
    let out = work.run(&["speakers", "rename", &id, "Security Lead"]).ok();
    assert!(out.contains("3 recordings updated"), "{out}");
    // every recording with that voice shows the name on that voice's lines
    for file in [
        "2021-09-14 security standup.wav",
        "2022-01-11 escalation call.ogg",
        "board call.ogg",
    ] {
        let labels: Vec<String> = words(&transcript(&work, file))
            .into_iter()
            .filter(|w| w.id == id)
            .map(|w| w.label)
            .collect();
        assert!(!labels.is_empty(), "{file}");
        assert!(labels.iter().all(|l| l == "Security Lead"), "{file}");
    }
    let listed = work.run(&["speakers", "list", "--format", "json"]).json();
    let row = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id.as_str())
        .unwrap();
    assert_eq!(row["name"], "Security Lead");
    assert_eq!(row["recordings"].as_array().unwrap().len(), 3);
    // the voice model's mean confidence over the speaker's words: espeak-ng voices in long
    // turns are told apart surely
    let confidence = row["confidence"].as_f64().unwrap();
    assert!((0.8..=1.0).contains(&confidence), "{row}");
    // the index and the claims follow without re-transcribing
    let hits = work
        .run(&[
            "search",
            "Beijing",
            "--speaker",
            "Security Lead",
            "--format",
            "json",
        ])
        .json();
    assert!(!hits.as_array().unwrap().is_empty(), "{hits}");
    let claims = work.run(&["claims", "--format", "json"]).json();
    let named = claims
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["speaker"] == "Security Lead")
        .count();
    assert!(named > 0, "no claim carries the new name");
    assert!(claims
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["speaker"] != id.as_str()));

    // a later recording with the same voice gets the name: the first 15 s of the standup
    // (Security Lead and Engineering Manager), as a new file
    let clip = work.path().join("standup clip.wav");
    let mut reader =
        hound::WavReader::open(repo().join("corpus/2021-09-14 security standup.wav")).unwrap();
    let spec = reader.spec();
    let samples: Vec<i16> = reader
        .samples::<i16>()
        .take(15 * spec.sample_rate as usize)
        .map(Result::unwrap)
        .collect();
    let mut writer = hound::WavWriter::create(&clip, spec).unwrap();
    for s in samples {
        writer.write_sample(s).unwrap();
    }
    writer.finalize().unwrap();
    let manager = id_of(
        &work,
        "2021-09-14 security standup.wav",
        "Engineering Manager",
    );
    let out = work.run(&["ingest", clip.to_str().unwrap()]).ok();
    assert!(out.contains("2 speakers"), "{out}");
    let clip_words = words(&transcript(&work, "standup clip.wav"));
    let truth = truth();
    let lines = truth["recordings"][0]["lines"].as_array().unwrap();
    let mut right = 0;
    for word in &clip_words {
        match truth_speaker(lines, word) {
            Some("Security Lead") => right += usize::from(word.label == "Security Lead"),
            Some("Engineering Manager") => right += usize::from(word.id == manager),
            _ => {}
        }
    }
    assert!(
        right as f64 >= 0.9 * clip_words.len() as f64,
        "{right} of {} words",
        clip_words.len()
    );
}

#[test]
fn merge_and_split_off_rewrite_transcripts_and_claims() {
    let work = corpus_copy();
    let lead = id_of(&work, "board call.ogg", "Security Lead");
    let owner = id_of(&work, "board call.ogg", "Product Owner");
    let before = work.run(&["speakers", "list", "--format", "json"]).json();
    let out = work.run(&["speakers", "merge", &lead, &owner]).ok();
    assert!(
        out.contains(&format!("merged {owner} into {lead}")),
        "{out}"
    );
    let after = work.run(&["speakers", "list", "--format", "json"]).json();
    assert_eq!(
        after.as_array().unwrap().len(),
        before.as_array().unwrap().len() - 1
    );
    let board = words(&transcript(&work, "board call.ogg"));
    assert!(board.iter().all(|w| w.id == lead));
    // the merged id still names the speaker
    let renamed = work.run(&["speakers", "rename", &owner, "Both"]).ok();
    assert!(renamed.contains(&format!("renamed {lead}")), "{renamed}");

    let out = work
        .run(&["speakers", "split-off", &lead, "--recording", "board call"])
        .ok();
    let new_id = out
        .split_whitespace()
        .skip_while(|w| *w != "as")
        .nth(1)
        .unwrap()
        .trim_end_matches(';')
        .to_string();
    let board = words(&transcript(&work, "board call.ogg"));
    assert!(board.iter().all(|w| w.id == new_id), "{out}");
    let claims = work
        .run(&["claims", "--recording", "board call", "--format", "json"])
        .json();
    assert!(claims
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["speaker"] == new_id.as_str()));
    // bad requests are refused with a reason, and nothing changes
    for args in [
        vec!["speakers", "rename", "S999", "Nobody"],
        vec!["speakers", "rename", &lead, "S12"],
        vec!["speakers", "rename", &lead, ""],
        vec!["speakers", "merge", &lead, &lead],
    ] {
        let run = work.run(&args);
        assert_eq!(run.code(), 2, "{args:?}");
        assert!(run.stderr().contains("speaker"), "{}", run.stderr());
    }
    // merge, rename and split-off were journaled: the store verifies; an edit of the registry
    // outside verbatim does not
    let out = work.run(&["verify"]).ok();
    assert!(out.contains("ok       journal"), "{out}");
    let registry = work.store().join("speakers.json");
    let text = std::fs::read_to_string(&registry).unwrap();
    std::fs::write(&registry, text.replacen("Both", "Bath", 1)).unwrap();
    let run = work.run(&["verify"]);
    assert_eq!(run.code(), 1, "{}", run.stdout());
    assert!(
        run.stdout()
            .contains("CHANGED  speakers.json: changed outside verbatim"),
        "{}",
        run.stdout()
    );
}

#[test]
fn an_interrupted_rename_is_finished_by_the_next_command() {
    let work = corpus_copy();
    let id = id_of(&work, "untitled memo.wav", "Legal Counsel");
    // what a crash right after saving the renamed registry with its jobs leaves
    let path = work.store().join("speakers.json");
    let mut registry: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let speaker = registry["speakers"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|s| s["id"] == id.as_str())
        .unwrap();
    speaker["name"] = "Counsel".into();
    let jobs: Vec<Value> = speaker["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| serde_json::json!({"sha256": m["sha256"], "rewrite": []}))
        .collect();
    registry["pending"] = jobs.into();
    std::fs::write(&path, serde_json::to_vec(&registry).unwrap()).unwrap();
    work.run(&["speakers", "list"]).ok();
    let after: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert!(after.get("pending").is_none(), "{after}");
    let memo = words(&transcript(&work, "untitled memo.wav"));
    assert!(memo.iter().all(|w| w.label == "Counsel"));
}

/// Writes a 16 kHz stereo WAV whose left channel is `left` and right channel `right` (16-bit
/// mono files at 16 kHz), the right one starting after the left one ends plus a second.
fn stereo(left: &Path, right: &Path, out: &Path) -> (u64, u64) {
    let read = |path: &Path| -> Vec<i16> {
        let mut reader = hound::WavReader::open(path).unwrap();
        assert_eq!(reader.spec().sample_rate, 16_000);
        match reader.spec().bits_per_sample {
            8 => reader
                .samples::<i8>()
                .map(|s| i16::from(s.unwrap()) << 8)
                .collect(),
            _ => reader.samples::<i16>().map(Result::unwrap).collect(),
        }
    };
    let (l, r) = (read(left), read(right));
    let offset = l.len() + 16_000;
    let total = offset + r.len();
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 16_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(out, spec).unwrap();
    for i in 0..total {
        writer.write_sample(l.get(i).copied().unwrap_or(0)).unwrap();
        let right = i.checked_sub(offset).and_then(|j| r.get(j)).copied();
        writer.write_sample(right.unwrap_or(0)).unwrap();
    }
    writer.finalize().unwrap();
    (l.len() as u64 / 16, offset as u64 / 16)
}

#[test]
fn channels_carry_their_own_speakers() {
    let work = Workdir::new();
    let file = work.path().join("two channels.wav");
    let (left_end_ms, right_start_ms) = stereo(
        &repo().join("corpus/untitled memo.wav"),
        &repo().join("tests/data/jfk.wav"),
        &file,
    );
    let out = work
        .run(&["ingest", "--channels", file.to_str().unwrap()])
        .ok();
    assert!(out.contains("2 speakers"), "{out}");
    let manifest = work.manifest();
    let method = manifest["recordings"][0]["diarization"]["method"]
        .as_str()
        .unwrap();
    assert!(method.contains("per channel"), "{method}");
    let all = words(&transcript(&work, "two channels.wav"));
    let left: Vec<_> = all.iter().filter(|w| w.mid_ms < left_end_ms).collect();
    let right: Vec<_> = all.iter().filter(|w| w.mid_ms > right_start_ms).collect();
    assert!(left.len() > 20 && right.len() > 10, "{out}");
    assert!(left.iter().all(|w| w.id == left[0].id));
    assert!(right.iter().all(|w| w.id == right[0].id));
    assert_ne!(left[0].id, right[0].id);
    // one voice per channel: the loudest channel is sure of (nearly) every word
    let sure = all.iter().filter(|w| w.confidence >= 0.9).count();
    assert!(sure as f64 >= 0.9 * all.len() as f64, "{all:?}");
}

#[test]
fn one_real_voice_is_one_speaker() {
    let work = Workdir::new();
    let jfk = work.copy(&repo().join("tests/data/jfk.wav"), "jfk.wav");
    let out = work.run(&["ingest", jfk.to_str().unwrap()]).ok();
    assert!(out.contains(", 1 speaker\n"), "{out}");
    let all = words(&transcript(&work, "jfk.wav"));
    assert!(all.len() > 15);
    assert!(
        all.iter().all(|w| w.id == "S1" && w.label == "S1"),
        "{all:?}"
    );
    // a count given on the command line is obeyed
    let again = work.copy(&repo().join("tests/data/jfk.wav"), "jfk two.wav");
    std::fs::write(&again, {
        let mut bytes = std::fs::read(&again).unwrap();
        bytes.push(0); // other bytes, so not the stored recording
        bytes
    })
    .unwrap();
    let out = work
        .run(&["ingest", "--speakers", "2", again.to_str().unwrap()])
        .ok();
    assert!(out.contains("2 speakers"), "{out}");
    assert!(!out.contains("note:"), "{out}");
}

/// The diarization method of the store's only recording, after checking that its provenance
/// names the ECAPA weights by hash.
fn ecapa_method(work: &Workdir) -> String {
    let listed = work.run(&["list", "--format", "json"]).json();
    let diarization = &listed[0]["diarization"];
    assert_eq!(
        diarization["voiceprint_sha256"],
        verbatim::speakers::ecapa::WEIGHTS_SHA256,
        "{listed}"
    );
    diarization["method"].as_str().unwrap().to_string()
}

/// A models folder in `work` with Whisper tiny.en and the GE2E weights only.
fn models_without_ecapa(work: &Workdir) -> std::path::PathBuf {
    let models = work.path().join("models");
    std::fs::create_dir_all(&models).unwrap();
    for file in ["ggml-tiny.en.bin", "resemblyzer-0.1.4-pretrained.pt"] {
        std::os::unix::fs::symlink(crate::models_dir().join(file), models.join(file)).unwrap();
    }
    models
}

/// One voice heard through two different channels: the corpus interview, its second half
/// low-passed at 1.8 kHz (a two-pole Butterworth, as `sox lowpass 1800` filters) and 3 dB
/// louder, like a second session on another microphone. GE2E alone splits it in two; by
/// default the ECAPA model then hears both halves as one person, and the provenance says so.
#[test]
fn one_voice_through_two_channels_is_one_speaker() {
    let work = Workdir::new();
    let decoded =
        verbatim::audio::decode_file(&repo().join("corpus/interview 2021-12-02.m4a")).unwrap();
    let mut samples = decoded.samples;
    let half = 23 * 16_000;
    assert!(samples.len() > 2 * half - 16_000, "{}", samples.len());
    // RBJ low-pass biquad at 1.8 kHz, Q 1/sqrt(2)
    let w = 2.0 * std::f32::consts::PI * 1_800.0 / 16_000.0;
    let alpha = w.sin() / (2.0 * std::f32::consts::FRAC_1_SQRT_2);
    let (b0, b1, a0, a1, a2) = (
        (1.0 - w.cos()) / 2.0,
        1.0 - w.cos(),
        1.0 + alpha,
        -2.0 * w.cos(),
        1.0 - alpha,
    );
    let (mut x1, mut x2, mut y1, mut y2) = (0f32, 0f32, 0f32, 0f32);
    let gain = 10f32.powf(3.0 / 20.0);
    for x in &mut samples[half..] {
        let y = (b0 * *x + b1 * x1 + b0 * x2 - a1 * y1 - a2 * y2) / a0;
        (x2, x1, y2, y1) = (x1, *x, y1, y);
        *x = y * gain;
    }
    let file = work.path().join("two sessions.wav");
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 16_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(&file, spec).unwrap();
    for x in samples {
        writer
            .write_sample((x * 32_767.0).clamp(-32_768.0, 32_767.0) as i16)
            .unwrap();
    }
    writer.finalize().unwrap();

    let out = work.run(&["ingest", file.to_str().unwrap()]).ok();
    assert!(out.contains(", 1 speaker\n"), "{out}");
    let method = ecapa_method(&work);
    assert!(method.contains("one voice"), "{method}");

    // without the ECAPA model: GE2E's two clusters stand, and a note says what is missing
    let models = models_without_ecapa(&work);
    let out = work
        .command(&[
            "--store",
            work.path().join("second store").to_str().unwrap(),
            "--models-dir",
            models.to_str().unwrap(),
            "ingest",
            file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains(", 2 speakers\n"), "{stdout}");
    assert!(stderr.contains("verbatim models fetch ecapa"), "{stderr}");
}

/// `--voiceprints`: the ECAPA model runs, its hash is in the provenance, every speaker keeps a
/// 192-d voiceprint, and the same voice in another file is matched by it.
#[test]
fn voiceprints_are_recorded_and_match_the_same_voice_in_another_file() {
    let work = Workdir::new();
    let jfk = work.copy(&repo().join("tests/data/jfk.wav"), "jfk.wav");
    let out = work
        .run(&["ingest", "--voiceprints", jfk.to_str().unwrap()])
        .ok();
    assert!(out.contains(", 1 speaker"), "{out}");
    let method = ecapa_method(&work);
    assert!(
        method.contains("voiceprints: speechbrain spkrec-ecapa-voxceleb"),
        "{method}"
    );
    // the same voice, other bytes: matched to S1 by voiceprint
    let again = work.copy(&repo().join("tests/data/jfk.wav"), "jfk again.wav");
    std::fs::write(&again, {
        let mut bytes = std::fs::read(&again).unwrap();
        bytes.extend_from_slice(&[0; 3200]);
        bytes
    })
    .unwrap();
    work.run(&["ingest", "--voiceprints", again.to_str().unwrap()])
        .ok();
    let registry: Value =
        serde_json::from_str(&std::fs::read_to_string(work.store().join("speakers.json")).unwrap())
            .unwrap();
    let speakers = registry["speakers"].as_array().unwrap();
    assert_eq!(speakers.len(), 1, "{registry}");
    let members = speakers[0]["members"].as_array().unwrap();
    assert_eq!(members.len(), 2);
    let prints: Vec<Vec<f64>> = members
        .iter()
        .map(|m| serde_json::from_value(m["voiceprint"].clone()).unwrap())
        .collect();
    assert!(prints.iter().all(|p| p.len() == 192));
    let cos: f64 = prints[0].iter().zip(&prints[1]).map(|(a, b)| a * b).sum();
    assert!(cos > 0.95, "{cos}");
    let all = words(&transcript(&work, "jfk again.wav"));
    assert!(all.iter().all(|w| w.id == "S1"), "{all:?}");
}

/// `--voiceprints` without the ECAPA model names the file and how to fetch it, and stores
/// nothing.
#[test]
fn voiceprints_without_the_model_say_how_to_fetch_it() {
    let work = Workdir::new();
    let models = models_without_ecapa(&work);
    let jfk = work.copy(&repo().join("tests/data/jfk.wav"), "jfk.wav");
    let out = work
        .command(&[
            "--models-dir",
            models.to_str().unwrap(),
            "ingest",
            "--voiceprints",
            jfk.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("spkrec-ecapa-voxceleb-embedding_model.ckpt")
            && stderr.contains("verbatim models fetch ecapa"),
        "{stderr}"
    );
    let listed = work.run(&["list", "--format", "json"]);
    assert!(
        listed.stderr().contains("no evidence store") || listed.json() == serde_json::json!([]),
        "{}",
        listed.stdout()
    );
}

/// Settings that cannot fit a recording say so on its ingest line: 30 speakers asked of an
/// 11-second clip, `--channels` on a mono file.
#[test]
fn settings_that_do_not_fit_a_recording_print_a_note() {
    let work = Workdir::new();
    let jfk = work.copy(&repo().join("tests/data/jfk.wav"), "jfk.wav");
    let out = work
        .run(&["ingest", "--speakers", "30", jfk.to_str().unwrap()])
        .ok();
    let line = out.lines().find(|l| l.contains("jfk.wav")).unwrap();
    assert!(
        line.contains("note: --speakers 30 asks for more voices than")
            && line.contains("3 s each at least"),
        "{out}"
    );
    let mono = work.copy(&repo().join("tests/data/jfk.wav"), "jfk mono.wav");
    std::fs::write(&mono, {
        let mut bytes = std::fs::read(&mono).unwrap();
        bytes.push(0);
        bytes
    })
    .unwrap();
    let out = work
        .run(&["ingest", "--channels", mono.to_str().unwrap()])
        .ok();
    let line = out.lines().find(|l| l.contains("jfk mono.wav")).unwrap();
    assert!(
        line.contains(
            ", 1 speaker  note: --channels on a mono file: speakers were told apart by voice"
        ),
        "{out}"
    );
    // the note is kept with the recording's provenance
    let listed = work.run(&["list", "--format", "json"]).json();
    let notes: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["diarization"]["note"].as_str())
        .collect();
    assert_eq!(notes.len(), 2, "{listed}");
}

#[test]
fn speakers_of_a_recording_that_was_never_stored_are_forgotten_by_the_next_command() {
    let work = corpus_copy();
    // what an ingest that saved the registry and then crashed before storing its recording
    // leaves: members of a recording the manifest lacks, one of them a speaker of its own
    let path = work.store().join("speakers.json");
    let mut registry: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let ghost = "f".repeat(64);
    let speakers = registry["speakers"].as_array_mut().unwrap();
    let mut member = speakers[0]["members"][0].clone();
    member["sha256"] = ghost.clone().into();
    speakers[0]["members"]
        .as_array_mut()
        .unwrap()
        .push(member.clone());
    let listed_before = speakers.len();
    speakers.push(serde_json::json!({"id": "S999", "members": [member]}));
    std::fs::write(&path, serde_json::to_vec(&registry).unwrap()).unwrap();

    let listed = work.run(&["speakers", "list", "--format", "json"]).json();
    assert_eq!(listed.as_array().unwrap().len(), listed_before, "{listed}");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains(&ghost));
    assert!(!text.contains("S999"));
}

/// Tests that need no model, no transcription and no browser: `make test-fast` runs them.
mod fast {
    use super::*;

    #[test]
    fn speaker_commands_on_a_missing_store_say_so_and_create_nothing() {
        let work = Workdir::new();
        for args in [
            vec!["speakers", "list"],
            vec!["speakers", "rename", "S1", "Someone"],
        ] {
            let run = work.run(&args);
            assert_eq!(run.code(), 2, "{args:?}");
            assert!(
                run.stderr().contains("no evidence store"),
                "{}",
                run.stderr()
            );
        }
        assert!(!work.store().exists());
    }
}
