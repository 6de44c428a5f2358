//! `verbatim-bench asr`: word error rate on the English development meetings
//! (`tests/data/asr/dev_english.json`, audio built by `examples/asr_meetings.rs` from the clips
//! and reference texts of `scripts/fetch-real-voices.sh`), for `verbatim ingest` with and
//! without its voice detector, beside faster-whisper on the same tiny.en weights (CTranslate2,
//! f32 and int8, with and without its VAD filter; `scripts/bench-faster-whisper.sh`).
//! Development figures: the clips are public test data other projects ship, and tuning on them
//! tells nothing about held-out speech.
//!
//! Both sides are normalised the same way ([`wer_words`]) and aligned word by word with a
//! standard Levenshtein alignment; WER is (substitutions + deletions + insertions) / reference
//! words, per meeting and pooled over all meetings.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::{ingest_command, measure_cpu};

/// One setting's result: per meeting (errors, reference words), and the cost.
struct Row {
    label: String,
    per_meeting: Vec<Alignment>,
    wall_s: f64,
    cpu_s: f64,
    transcribe_s: Option<f64>,
    rss_kib: u64,
    /// The machine's 1-minute load average just before the run: other work on the machine
    /// slows the run, and this says how busy it was.
    load: Option<f64>,
    note: String,
}

pub fn asr_bench(root: &Path, out: &Path, verbatim: &Path, threads: usize) -> anyhow::Result<()> {
    let truth_path = root.join("tests/data/asr/dev_english.json");
    let audio = root.join("real-voices/asr-meetings");
    let truth: Value = serde_json::from_str(&std::fs::read_to_string(&truth_path)?)?;
    let recordings = truth["recordings"].as_array().unwrap();
    let files: Vec<PathBuf> = recordings
        .iter()
        .map(|r| audio.join(r["file"].as_str().unwrap()))
        .collect();
    if let Some(missing) = files.iter().find(|f| !f.exists()) {
        println!(
            "English development meetings: {} is missing (run scripts/fetch-real-voices.sh, then \
             `cargo run --release --example asr_meetings -- real-voices \
             tests/data/asr/dev_english.json`)",
            missing.display()
        );
        return Ok(());
    }
    // each line normalised on its own (an all-capital reference is not a run of initialisms)
    let references: Vec<Vec<String>> = recordings
        .iter()
        .map(|r| {
            r["lines"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|l| wer_words(l["text"].as_str().unwrap()))
                .collect()
        })
        .collect();
    let detail = out.join("asr");
    std::fs::create_dir_all(&detail)?;
    let mut rows = Vec::new();

    // the 8-bit copy `verbatim models quantize tiny.en` writes (made here when missing)
    let q8 = root.join("models/ggml-tiny.en-q8_0.bin");
    if !q8.exists() {
        let made = Command::new(verbatim)
            .arg("--models-dir")
            .arg(root.join("models"))
            .args(["models", "quantize", "tiny.en"])
            .status()?;
        anyhow::ensure!(made.success(), "verbatim models quantize tiny.en failed");
    }
    for (label, extra) in [
        ("verbatim, default", &["--no-speakers"][..]),
        ("verbatim, --no-vad", &["--no-speakers", "--no-vad"][..]),
        ("verbatim, --beam 5", &["--no-speakers", "--beam", "5"][..]),
        (
            "verbatim, --model tiny.en-q8_0",
            &["--no-speakers", "--model", "tiny.en-q8_0"][..],
        ),
    ] {
        let store = out.join("asr-store");
        let load = load_average();
        let (wall_s, rss_kib, cpu_s) = measure_cpu(ingest_command(
            verbatim, root, &store, threads, extra, &files,
        ))?;
        let mut hypotheses = Vec::new();
        let mut flagged_words = 0;
        for recording in recordings {
            let file = recording["file"].as_str().unwrap();
            let output = Command::new(verbatim)
                .arg("--store")
                .arg(&store)
                .args(["transcript", file, "--format", "json"])
                .output()?;
            anyhow::ensure!(output.status.success(), "verbatim transcript {file} failed");
            let doc: Value = serde_json::from_slice(&output.stdout)?;
            let mut text = Vec::new();
            for segment in doc["transcript"]["segments"].as_array().unwrap() {
                let flags: Vec<&str> = segment["flags"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                if flags.contains(&"gap") {
                    continue;
                }
                let words = segment["text"].as_str().unwrap_or("");
                if !flags.is_empty() {
                    flagged_words += wer_words(words).len();
                }
                text.push(words.to_string());
            }
            hypotheses.push(text);
        }
        let note = if flagged_words > 0 {
            format!("{flagged_words} words in segments flagged repetition/outside speech, counted")
        } else {
            String::new()
        };
        rows.push(score_row(
            label,
            &references,
            &hypotheses,
            (wall_s, cpu_s, None, rss_kib, load),
            note,
            &detail,
            recordings,
        )?);
    }

    let script = root.join("scripts/bench-faster-whisper.sh");
    let setup = Command::new(&script)
        .arg("setup")
        .stderr(std::process::Stdio::inherit())
        .output();
    let fw_ready = match setup {
        Ok(o) if o.status.success() => true,
        Ok(o) => {
            println!(
                "faster-whisper: no virtualenv or model ({} setup exited with {}); verbatim's \
                 figures only",
                script.display(),
                o.status
            );
            false
        }
        Err(e) => {
            println!(
                "faster-whisper: {} could not run ({e}); verbatim's figures only",
                script.display()
            );
            false
        }
    };
    let mut fw_versions = String::new();
    if fw_ready {
        for (compute, vad) in [
            ("float32", "on"),
            ("float32", "off"),
            ("int8", "on"),
            ("int8", "off"),
        ] {
            let json = detail.join(format!("faster-whisper-{compute}-vad-{vad}.json"));
            let mut command = Command::new(&script);
            command
                .args(["run", "--compute-type", compute, "--vad", vad, "--threads"])
                .arg(threads.to_string())
                .arg("--out")
                .arg(&json)
                .args(&files);
            let load = load_average();
            let (wall_s, rss_kib, cpu_s) = measure_cpu(command)?;
            let doc: Value = serde_json::from_slice(&std::fs::read(&json)?)?;
            fw_versions = format!(
                "faster-whisper {}, CTranslate2 {}",
                doc["faster_whisper"].as_str().unwrap_or("?"),
                doc["ctranslate2"].as_str().unwrap_or("?")
            );
            let hypotheses: Vec<Vec<String>> = doc["files"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    f["segments"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|s| s["text"].as_str().unwrap_or("").to_string())
                        .collect()
                })
                .collect();
            let short = if compute == "float32" { "f32" } else { compute };
            let filter = if vad == "on" { "vad_filter" } else { "no VAD" };
            rows.push(score_row(
                &format!("faster-whisper {short}, {filter}"),
                &references,
                &hypotheses,
                (wall_s, cpu_s, doc["transcribe_s"].as_f64(), rss_kib, load),
                String::new(),
                &detail,
                recordings,
            )?);
        }
    }

    let audio_s: f64 = files
        .iter()
        .map(|f| verbatim::audio::decode_file(f).map(|a| a.duration_ms() as f64 / 1000.0))
        .sum::<Result<f64, _>>()?;
    let reference_words: usize = references.iter().map(Vec::len).sum();
    println!();
    println!(
        "English development meetings (development figures, not held-out): {} meetings, {:.0} s \
         of audio, {reference_words} reference words; tiny.en, {threads} threads, greedy{}",
        recordings.len(),
        audio_s,
        if fw_versions.is_empty() {
            String::new()
        } else {
            format!("; {fw_versions}")
        }
    );
    let names: Vec<&str> = recordings
        .iter()
        .map(|r| r["file"].as_str().unwrap().trim_end_matches(".wav"))
        .collect();
    println!("per meeting, in order: {}", names.join("; "));
    // CTranslate2's OpenMP threads spin while they wait: on a busy machine faster-whisper's f32
    // times grow many-fold unless OMP_WAIT_POLICY=PASSIVE (inherited from this process's env)
    if let Ok(policy) = std::env::var("OMP_WAIT_POLICY") {
        println!("OMP_WAIT_POLICY={policy}");
    }
    println!(
        "| engine, setting | WER | per meeting | sub / del / ins | wall | CPU | transcribe only | peak RSS | load before |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for row in &rows {
        let pooled = row
            .per_meeting
            .iter()
            .fold(Alignment::default(), |a, b| a.plus(b));
        let per: Vec<String> = row
            .per_meeting
            .iter()
            .map(|a| format!("{:.3}", a.wer()))
            .collect();
        println!(
            "| {} | {:.3} ({} of {}) | {} | {} / {} / {} | {:.1} s | {:.1} s | {} | {} MiB | {} |{}",
            row.label,
            pooled.wer(),
            pooled.errors(),
            pooled.reference,
            per.join(", "),
            pooled.substitutions,
            pooled.deletions,
            pooled.insertions,
            row.wall_s,
            row.cpu_s,
            row.transcribe_s
                .map_or("-".to_string(), |s| format!("{s:.1} s")),
            row.rss_kib / 1024,
            row.load.map_or("-".to_string(), |l| format!("{l:.2}")),
            if row.note.is_empty() {
                String::new()
            } else {
                format!(" {}", row.note)
            }
        );
    }
    println!(
        "wall: the whole process (verbatim ingest: decode, voice detection, transcription, index, \
         claims; faster-whisper: Python start, model load, transcription); CPU: user + system \
         seconds of the process, less disturbed by other work than wall; transcribe only: \
         faster-whisper's own timing of its transcribe calls; load before: the machine's 1-minute \
         load average as the run began (above the thread count, other work slowed the times). \
         Normalised texts per meeting: {}",
        detail.display()
    );
    Ok(())
}

/// The multilingual acceptance of issue 15 on development data, with the multilingual `base`
/// model (fetched with `verbatim models fetch base` when missing) and `--language auto`:
/// character error rate on the three Mandarin clips against simplified-character truth, and the
/// language found for each utterance of the meeting that switches among five languages
/// (`scripts/multilingual_meeting.py`).
pub fn multilingual_bench(
    root: &Path,
    out: &Path,
    verbatim: &Path,
    threads: usize,
) -> anyhow::Result<()> {
    let truth_path = root.join("tests/data/asr/dev_multilingual.json");
    let voices = root.join("real-voices");
    let truth: Value = serde_json::from_str(&std::fs::read_to_string(&truth_path)?)?;
    let meeting = voices
        .join("asr-meetings")
        .join(truth["file"].as_str().unwrap_or_default());
    println!();
    if !meeting.exists() {
        println!(
            "Multilingual development meeting: {} is missing (run scripts/fetch-real-voices.sh, \
             then scripts/multilingual_meeting.py)",
            meeting.display()
        );
        return Ok(());
    }
    let models = root.join("models");
    if !models.join("ggml-base.bin").exists() {
        let fetched = Command::new(verbatim)
            .arg("--models-dir")
            .arg(&models)
            .args(["models", "fetch", "base"])
            .status()?;
        anyhow::ensure!(fetched.success(), "verbatim models fetch base failed");
    }
    let lines = truth["lines"].as_array().unwrap();
    let chinese: Vec<&Value> = lines.iter().filter(|l| l["language"] == "zh").collect();
    let clips: Vec<PathBuf> = chinese
        .iter()
        .map(|l| voices.join(l["clip"].as_str().unwrap()))
        .collect();
    let base = ["--model", "base", "--language", "auto", "--no-speakers"];
    let store = out.join("asr-multilingual-store");
    let (clips_wall, _, _) = measure_cpu(ingest_command(
        verbatim, root, &store, threads, &base, &clips,
    ))?;
    println!(
        "Multilingual (development figures, not held-out): base, --language auto, {threads} threads"
    );
    println!("| Mandarin clip | reference | verbatim | CER |");
    println!("|---|---|---|---|");
    let mut total = Alignment::default();
    for (line, clip) in chinese.iter().zip(&clips) {
        let name = clip.file_name().unwrap().to_string_lossy().to_string();
        let doc = transcript_json(verbatim, &store, &name)?;
        let heard: String = doc["transcript"]["segments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["text"].as_str().unwrap_or(""))
            .collect();
        let reference = line["text"].as_str().unwrap();
        let alignment = align(&cer_chars(reference), &cer_chars(&heard));
        println!(
            "| {name} | {reference} | {heard} | {:.3} ({} of {}) |",
            alignment.wer(),
            alignment.errors(),
            alignment.reference
        );
        total = total.plus(&alignment);
    }
    println!(
        "| all three | | | **{:.3}** ({} of {} characters; {clips_wall:.1} s) |",
        total.wer(),
        total.errors(),
        total.reference
    );
    println!(
        "CER: characters after removing punctuation and spaces, Arabic digits read as Chinese \
         numerals (Whisper writes 一二线 as 1、2线)"
    );

    let (wall, rss, _) = measure_cpu(ingest_command(
        verbatim,
        root,
        &store,
        threads,
        &base,
        std::slice::from_ref(&meeting),
    ))?;
    let name = meeting.file_name().unwrap().to_string_lossy().to_string();
    let doc = transcript_json(verbatim, &store, &name)?;
    let overall = doc["transcript"]["language"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let segments = doc["transcript"]["segments"].as_array().unwrap();
    println!();
    println!(
        "Meeting switching among five languages: {:.0} s, {} utterances; {wall:.1} s, {} MiB",
        truth["duration_ms"].as_f64().unwrap_or(0.0) / 1000.0,
        lines.len(),
        rss / 1024
    );
    println!("| utterance | language | found | heard |");
    println!("|---|---|---|---|");
    let mut right = 0;
    for line in lines {
        let (start, end) = (
            line["start_ms"].as_u64().unwrap(),
            line["end_ms"].as_u64().unwrap(),
        );
        // the language of the segments over the utterance, weighed by their overlap
        let mut by_language: Vec<(String, u64)> = Vec::new();
        let mut heard = String::new();
        for segment in segments {
            let (s, e) = (
                segment["start_ms"].as_u64().unwrap(),
                segment["end_ms"].as_u64().unwrap(),
            );
            let overlap = e.min(end).saturating_sub(s.max(start));
            if overlap == 0 {
                continue;
            }
            let language = segment["language"].as_str().unwrap_or(&overall).to_string();
            match by_language.iter_mut().find(|(l, _)| *l == language) {
                Some((_, ms)) => *ms += overlap,
                None => by_language.push((language, overlap)),
            }
            heard.push_str(segment["text"].as_str().unwrap_or(""));
            heard.push(' ');
        }
        let found = by_language
            .into_iter()
            .max_by_key(|(_, ms)| *ms)
            .map_or_else(|| "-".to_string(), |(l, _)| l);
        let expected = line["language"].as_str().unwrap();
        right += usize::from(found == expected);
        let heard: String = heard.trim().chars().take(60).collect();
        println!(
            "| {} | {expected} | {found} | {heard} |",
            line["clip"].as_str().unwrap()
        );
    }
    println!(
        "right language: **{right} of {}** utterances ({:.0}%)",
        lines.len(),
        100.0 * right as f64 / lines.len().max(1) as f64
    );
    Ok(())
}

/// `verbatim transcript NAME --format json` from `store`.
fn transcript_json(verbatim: &Path, store: &Path, name: &str) -> anyhow::Result<Value> {
    let output = Command::new(verbatim)
        .arg("--store")
        .arg(store)
        .args(["transcript", name, "--format", "json"])
        .output()?;
    anyhow::ensure!(output.status.success(), "verbatim transcript {name} failed");
    Ok(serde_json::from_slice(&output.stdout)?)
}

/// The characters a character error rate counts: letters and digits only (punctuation and
/// spaces dropped), Arabic digits read as Chinese numerals.
pub fn cer_chars(text: &str) -> Vec<String> {
    const NUMERALS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .map(|c| match c.to_digit(10) {
            Some(d) if c.is_ascii_digit() => NUMERALS[d as usize].to_string(),
            _ => c.to_string(),
        })
        .collect()
}

/// Scores one setting's hypotheses (per meeting, the text of each segment) against the
/// references and writes both, normalised, to `detail/<label>.txt` for reading.
fn score_row(
    label: &str,
    references: &[Vec<String>],
    hypotheses: &[Vec<String>],
    (wall_s, cpu_s, transcribe_s, rss_kib, load): (f64, f64, Option<f64>, u64, Option<f64>),
    note: String,
    detail: &Path,
    recordings: &[Value],
) -> anyhow::Result<Row> {
    let mut per_meeting = Vec::new();
    let mut text = String::new();
    for ((reference, hypothesis), recording) in references.iter().zip(hypotheses).zip(recordings) {
        let words: Vec<String> = hypothesis.iter().flat_map(|s| wer_words(s)).collect();
        let alignment = align(reference, &words);
        text.push_str(&format!(
            "# {}: WER {:.3}\nREF: {}\nHYP: {}\n\n",
            recording["file"].as_str().unwrap_or(""),
            alignment.wer(),
            reference.join(" "),
            words.join(" ")
        ));
        per_meeting.push(alignment);
    }
    let file: String = label
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    std::fs::write(detail.join(format!("{file}.txt")), text)?;
    Ok(Row {
        label: label.to_string(),
        per_meeting,
        wall_s,
        cpu_s,
        transcribe_s,
        rss_kib,
        load,
        note,
    })
}

/// The 1-minute load average (Linux), if known.
fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Word counts of a Levenshtein alignment.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Alignment {
    pub reference: usize,
    pub substitutions: usize,
    pub deletions: usize,
    pub insertions: usize,
}

impl Alignment {
    pub fn errors(&self) -> usize {
        self.substitutions + self.deletions + self.insertions
    }
    pub fn wer(&self) -> f64 {
        self.errors() as f64 / self.reference.max(1) as f64
    }
    fn plus(self, other: &Alignment) -> Alignment {
        Alignment {
            reference: self.reference + other.reference,
            substitutions: self.substitutions + other.substitutions,
            deletions: self.deletions + other.deletions,
            insertions: self.insertions + other.insertions,
        }
    }
}

/// The fewest edits turning `reference` into `hypothesis` (each substitution, deletion and
/// insertion costing 1), with the counts of each kind along one best path.
pub fn align(reference: &[String], hypothesis: &[String]) -> Alignment {
    let (n, m) = (reference.len(), hypothesis.len());
    // cost[i][j]: edits between reference[..i] and hypothesis[..j]
    let mut cost = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in cost.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, c) in cost[0].iter_mut().enumerate() {
        *c = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let diagonal = cost[i - 1][j - 1] + usize::from(reference[i - 1] != hypothesis[j - 1]);
            cost[i][j] = diagonal.min(cost[i - 1][j] + 1).min(cost[i][j - 1] + 1);
        }
    }
    let mut counts = Alignment {
        reference: n,
        ..Alignment::default()
    };
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        if i > 0
            && j > 0
            && cost[i][j] == cost[i - 1][j - 1] + usize::from(reference[i - 1] != hypothesis[j - 1])
        {
            counts.substitutions += usize::from(reference[i - 1] != hypothesis[j - 1]);
            i -= 1;
            j -= 1;
        } else if i > 0 && cost[i][j] == cost[i - 1][j] + 1 {
            counts.deletions += 1;
            i -= 1;
        } else {
            counts.insertions += 1;
            j -= 1;
        }
    }
    counts
}

/// Hesitations, dropped from both sides.
const FILLERS: &[&str] = &["uh", "um", "uhm", "hm", "hmm", "mm", "mhm"];

/// Words for WER: hyphens and dashes as spaces; other punctuation removed (apostrophes join:
/// "can't" is "cant"; other marks split: "M.F.A." is "m f a"); in a text with lower case letters
/// an all-capital word of 2-5 letters is an initialism, spelled letter by letter ("MFA" is
/// "m f a", as the references write it; an all-capital reference such as LibriSpeech's is left
/// whole); numerals spelled out as words (years 1100-2099 as pairs: "2020" is "twenty twenty");
/// "mr", "mrs", "dr" as "mister", "missus", "doctor"; lower case; hesitations ([`FILLERS`])
/// dropped.
pub fn wer_words(text: &str) -> Vec<String> {
    let mixed_case = text.chars().any(char::is_lowercase);
    // digits grouped with commas ("1,000") are one number
    let chars: Vec<char> = text.chars().collect();
    let mut cleaned = String::with_capacity(text.len());
    for (k, &c) in chars.iter().enumerate() {
        let between_digits = k > 0
            && k + 1 < chars.len()
            && chars[k - 1].is_ascii_digit()
            && chars[k + 1].is_ascii_digit();
        match c {
            // kept as a mark: a grouped number is never read as a year
            ',' if between_digits => cleaned.push('_'),
            '\'' | '\u{2019}' | '\u{2018}' => {}
            c if c.is_alphanumeric() => cleaned.push(c),
            _ => cleaned.push(' '),
        }
    }
    let mut words = Vec::new();
    for token in cleaned.split_whitespace() {
        let letters = token.chars().count();
        if mixed_case && (2..=5).contains(&letters) && token.chars().all(|c| c.is_ascii_uppercase())
        {
            words.extend(token.chars().map(|c| c.to_ascii_lowercase().to_string()));
            continue;
        }
        let grouped = token.contains('_');
        let lower = token.replace('_', "").to_lowercase();
        if lower.chars().all(|c| c.is_ascii_digit()) {
            words.extend(spell_number(&lower, !grouped));
            continue;
        }
        match lower.as_str() {
            "mr" => words.push("mister".into()),
            "mrs" => words.push("missus".into()),
            "dr" => words.push("doctor".into()),
            w if FILLERS.contains(&w) => {}
            _ => words.push(lower),
        }
    }
    words
}

const ONES: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

/// A run of digits as spoken words: with `year_like`, 1100-2099 as two pairs ("nineteen oh
/// five", "twenty twenty", with "two thousand ..." for 2000-2009), other numbers as cardinals up
/// to the trillions, leading zeros and longer runs digit by digit.
fn spell_number(digits: &str, year_like: bool) -> Vec<String> {
    let words = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
    let by_digit = || {
        digits
            .chars()
            .map(|c| ONES[c.to_digit(10).unwrap() as usize].to_string())
            .collect()
    };
    if digits.len() > 1 && digits.starts_with('0') || digits.len() > 15 {
        return by_digit();
    }
    let n: u64 = digits.parse().unwrap();
    if year_like && digits.len() == 4 && (1100..2100).contains(&n) && !(2000..2010).contains(&n) {
        let (high, low) = (n / 100, n % 100);
        let tail = match low {
            0 => "hundred".to_string(),
            1..=9 => format!("oh {}", ONES[low as usize]),
            _ => below_hundred(low),
        };
        return words(&format!("{} {tail}", below_hundred(high)));
    }
    words(&cardinal(n))
}

fn below_hundred(n: u64) -> String {
    match n {
        0..=19 => ONES[n as usize].to_string(),
        _ if n.is_multiple_of(10) => TENS[(n / 10) as usize].to_string(),
        _ => format!("{} {}", TENS[(n / 10) as usize], ONES[(n % 10) as usize]),
    }
}

fn cardinal(n: u64) -> String {
    if n < 100 {
        return below_hundred(n);
    }
    if n < 1000 {
        let rest = n % 100;
        let head = format!("{} hundred", ONES[(n / 100) as usize]);
        return if rest == 0 {
            head
        } else {
            format!("{head} {}", below_hundred(rest))
        };
    }
    for (scale, name) in [
        (1_000_000_000_000u64, "trillion"),
        (1_000_000_000, "billion"),
        (1_000_000, "million"),
        (1_000, "thousand"),
    ] {
        if n >= scale {
            let rest = n % scale;
            let head = format!("{} {name}", cardinal(n / scale));
            return if rest == 0 {
                head
            } else {
                format!("{head} {}", cardinal(rest))
            };
        }
    }
    unreachable!()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(text: &str) -> Vec<String> {
        text.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn counts_characters_for_chinese() {
        assert_eq!(
            cer_chars("对，这就是我 1、2线"),
            ["对", "这", "就", "是", "我", "一", "二", "线"]
        );
    }

    #[test]
    fn normalises_both_sides_alike() {
        assert_eq!(
            wer_words("I can't think of an animal that's less chad-like, uh, than a sloth."),
            w("i cant think of an animal thats less chad like than a sloth")
        );
        assert_eq!(
            wer_words("HE BEGAN A CONFUSED COMPLAINT"),
            w("he began a confused complaint")
        );
        assert_eq!(
            wer_words(" MFA is like putty. M.F.A. is like NA"),
            w("m f a is like putty m f a is like n a")
        );
        assert_eq!(
            wer_words("Mr. Dashwood had 4 games in 2020, 1,250 fans; um, 1905"),
            w(
                "mister dashwood had four games in twenty twenty one thousand two hundred fifty \
               fans nineteen oh five"
            )
        );
        assert_eq!(
            wer_words("2005 and 007"),
            w("two thousand five and zero zero seven")
        );
    }

    #[test]
    fn counts_each_kind_of_error() {
        let kinds = |r: &str, h: &str| {
            let a = align(&w(r), &w(h));
            (a.substitutions, a.deletions, a.insertions, a.reference)
        };
        assert_eq!(kinds("a b c", "a x c"), (1, 0, 0, 3));
        assert_eq!(kinds("a b c d", "a c d"), (0, 1, 0, 4));
        assert_eq!(kinds("a b", "a b c"), (0, 0, 1, 2));
        assert_eq!(kinds("a b c d e", "x a b d e"), (0, 1, 1, 5));
        assert_eq!(
            align(&w("the cat sat on the mat"), &w("the cat sat on mat today")).errors(),
            2
        );
        assert_eq!(align(&w("a b"), &w("")).deletions, 2);
        assert_eq!(align(&w(""), &w("a b")).insertions, 2);
        assert_eq!(align(&w("a b c"), &w("a b c")).errors(), 0);
    }
}
