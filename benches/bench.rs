//! `make bench`: figures for README, never assertions.
//!
//! Ingest: for the sample corpus and a 10-minute recording made from it, the wall time, real-time
//! factor and peak memory of `verbatim ingest`, beside a bare whisper-rs transcription of the
//! same 16 kHz audio with the same model and threads; the ratio of the two is the pipeline's
//! overhead (goal: at most 1.10).
//!
//! Speakers (`verbatim-bench speakers`): per corpus recording, diarization time beside bare
//! transcription time, and word attribution accuracy against the truth; the corpus ingest with
//! and without speakers. `verbatim-bench dev-meetings`: the real-voice development meetings (dry,
//! in rooms, English) and the short synthetic ones; `verbatim-bench meetings TRUTH AUDIO_DIR`:
//! any set of meetings in the development meetings' truth shape (a held-out set, scored once).
//!
//! ASR (`verbatim-bench asr`, `asr.rs`): word error rate on the English development meetings,
//! verbatim with and without voice detection beside faster-whisper on the same tiny.en weights.
//!
//! Gaps (`verbatim-bench gaps`, `gaps.rs`): gap markers over no speech, and speech lost, on the
//! English development meetings mixed with generated room noise.
//!
//! Second listen (`verbatim-bench relisten`, `relisten.rs`): time per claim, and the flags
//! against the corpus truth; `verbatim-bench relisten-dev`: the same on the English development
//! meetings of real voices, for each bar on the log-likelihood ratio.
//!
//! Queue (`verbatim-bench queue`, `queue.rs`): throughput of 1 and 2 NATS workers on the
//! corpus, and the cost of `queue collect` per recording.
//!
//! Each measured run is a child process, so its peak RSS is its own.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde_json::{json, Value};
use whisper_rs::{FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters};

mod asr;
mod gaps;
#[path = "../tests/support/long_recording.rs"]
mod long_recording;
mod queue;
mod relisten;
#[path = "../tests/support/score.rs"]
mod score;
#[path = "../tests/support/speaker_score.rs"]
mod speaker_score;

const TEN_MINUTES_MS: u64 = 600_000;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("bare") {
        let out = args.get(5).map(PathBuf::from);
        bare(
            Path::new(&args[2]),
            Path::new(&args[3]),
            args[4].parse().unwrap(),
            out.as_deref(),
        );
        return;
    }
    let result = match args.get(1).map(String::as_str) {
        Some("index") => index_bench(
            args.get(2)
                .and_then(|n| n.parse().ok())
                .unwrap_or(1_000_000),
        ),
        Some("ingest") => run(),
        Some("serve") => {
            serve_bench(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("bench-out/store-index"))
        }
        Some("speakers") => speakers_bench(),
        Some("multilingual") => AudioSetup::new().and_then(|setup| {
            asr::multilingual_bench(&setup.root, &setup.out, &setup.verbatim, setup.threads)
        }),
        Some("long") => AudioSetup::new().and_then(|setup| {
            long_meeting(
                &setup.root,
                &setup.out,
                &setup.model,
                &setup.verbatim,
                setup.threads,
            )
        }),
        Some("dev-meetings") => AudioSetup::new().and_then(|setup| {
            dev_meetings(&setup.root, &setup.out, &setup.verbatim, setup.threads)
        }),
        Some("meetings") => match (args.get(2), args.get(3)) {
            (Some(truth), Some(audio)) => AudioSetup::new().and_then(|setup| {
                println!("## Meetings of {truth} (audio in {audio})");
                meeting_set(
                    &setup.root,
                    &setup.out,
                    &setup.verbatim,
                    setup.threads,
                    Path::new(truth),
                    Path::new(audio),
                )
            }),
            _ => Err(anyhow::anyhow!(
                "usage: verbatim-bench meetings TRUTH.json AUDIO_DIR (truth in the shape of \
                 tests/data/speakers/dev_meetings.json)"
            )),
        },
        Some("gaps") => AudioSetup::new().and_then(|setup| {
            gaps::gaps_bench(&setup.root, &setup.out, &setup.verbatim, setup.threads)
        }),
        Some("queue") => AudioSetup::new().and_then(|setup| queue::queue_bench(&setup)),
        Some("relisten") => AudioSetup::new()
            .and_then(|setup| relisten::relisten_bench(&setup, args.get(2).map(Path::new))),
        Some("relisten-dev") => AudioSetup::new()
            .and_then(|setup| relisten::relisten_dev_bench(&setup, args.get(2).map(Path::new))),
        Some("asr") => AudioSetup::new().and_then(|setup| {
            asr::asr_bench(&setup.root, &setup.out, &setup.verbatim, setup.threads)?;
            asr::multilingual_bench(&setup.root, &setup.out, &setup.verbatim, setup.threads)
        }),
        Some("meaning") => {
            meaning_bench(args.get(2).and_then(|n| n.parse().ok()).unwrap_or(100_000))
        }
        _ => run()
            .and_then(|_| {
                let setup = AudioSetup::new()?;
                asr::asr_bench(&setup.root, &setup.out, &setup.verbatim, setup.threads)?;
                asr::multilingual_bench(&setup.root, &setup.out, &setup.verbatim, setup.threads)?;
                gaps::gaps_bench(&setup.root, &setup.out, &setup.verbatim, setup.threads)?;
                relisten::relisten_dev_bench(&setup, None)?;
                relisten::relisten_bench(&setup, None)?;
                queue::queue_bench(&setup)
            })
            .and_then(|_| speakers_bench())
            .and_then(|_| meaning_bench(100_000))
            .and_then(|_| index_bench(1_000_000)),
    };
    if let Err(e) = result {
        eprintln!("verbatim-bench: {e:#}");
        std::process::exit(2);
    }
}

/// The index benchmark: `segments` segments of generated text transcripts (1,000 segments a
/// file, sentences drawn from the corpus truth, speakers and dates varied), imported by the real
/// binary; then query latencies through the library.
fn index_bench(segments: usize) -> anyhow::Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = root.join("bench-out");
    let folder = out.join("index-corpus");
    let store = out.join("store-index");
    let _ = std::fs::remove_dir_all(&folder);
    let _ = std::fs::remove_dir_all(&store);
    std::fs::create_dir_all(&folder)?;
    let sentences = corpus_lines(&root)?;
    let speakers = [
        "Security Lead",
        "Engineering Manager",
        "Data Analyst",
        "Product Owner",
        "Legal Counsel",
    ];
    let mut seed: u64 = 0x2021_0914;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize % n
    };
    let files = write_meetings(&folder, segments, |_, _| {
        (
            speakers[next(speakers.len())].to_string(),
            sentences[next(sentences.len())].clone(),
        )
    })?;
    let mut command = Command::new(root.join("target/release/verbatim"));
    command
        .arg("--store")
        .arg(&store)
        .arg("import")
        .arg(&folder);
    let (wall, rss) = measure(command)?;
    let index_bytes: u64 = std::fs::read_dir(store.join("index"))?
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum();
    println!();
    println!("index benchmark: {segments} segments in {files} imported text transcripts");
    println!(
        "import + index: {wall:.1} s, {:.0} segments/s, peak RSS {} MiB, index on disk {:.0} MiB",
        segments as f64 / wall,
        rss / 1024,
        index_bytes as f64 / 1_048_576.0
    );
    let index = verbatim::search::SearchIndex::open(&store)?;
    let queries: [(&str, verbatim::search::SearchQuery); 4] = [
        ("phrase", query("\"see everything\"", None, false)),
        (
            "boolean",
            query("beijing AND (admin OR engineer)", None, false),
        ),
        ("fuzzy", query("acess~1", None, false)),
        (
            "filtered",
            query("\"user data\"~3", Some("Security Lead"), true),
        ),
    ];
    println!("| query | p50 | p99 | hits (limit 20) |");
    println!("|---|---|---|---|");
    for (label, q) in &queries {
        let mut times = Vec::new();
        let mut hits = 0;
        for _ in 0..50 {
            let started = Instant::now();
            hits = index.search(q)?.len();
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(|a, b| a.total_cmp(b));
        println!(
            "| {label} `{}` | {:.1} ms | {:.1} ms | {hits} |",
            q.text,
            times[times.len() / 2],
            times[times.len() * 99 / 100]
        );
    }
    claims_bench(&store)?;
    serve_bench(&store)
}

/// `verbatim serve` on the store the index benchmark built (`verbatim-bench serve` reuses it):
/// search pages under 8 concurrent clients, then the claims page, each request a new HTTP
/// connection as a browser's first request would be.
fn serve_bench(store: &Path) -> anyhow::Result<()> {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::process::Stdio;
    anyhow::ensure!(
        store.join("manifest.json").exists(),
        "{} has no store: run `verbatim-bench index` first",
        store.display()
    );
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let starting = Instant::now();
    let mut child = Command::new(root.join("target/release/verbatim"))
        .arg("--store")
        .arg(store)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("piped")).read_line(&mut line)?;
    let authority = line.trim().trim_start_matches("http://").to_string();
    let start_s = starting.elapsed().as_secs_f64();
    let get = |target: &str| -> anyhow::Result<(f64, usize)> {
        let started = Instant::now();
        let mut stream = std::net::TcpStream::connect(&authority)?;
        write!(
            stream,
            "GET {target} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n"
        )?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response)?;
        anyhow::ensure!(response.starts_with(b"HTTP/1.1 200"), "{target}: not 200");
        Ok((started.elapsed().as_secs_f64() * 1000.0, response.len()))
    };
    let targets = [
        "/?q=%22see+everything%22",
        "/?q=beijing+AND+%28admin+OR+engineer%29",
        "/?q=acess~1",
        "/?q=%22user+data%22~3&speaker=Security+Lead&sort=date",
    ];
    let (first_ms, _) = get(targets[0])?;
    let clients = 8;
    let per_client = 50;
    let times = std::sync::Mutex::new(Vec::new());
    let started = Instant::now();
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let handles: Vec<_> = (0..clients)
            .map(|c| {
                let (get, times, targets) = (&get, &times, &targets);
                scope.spawn(move || -> anyhow::Result<()> {
                    for i in 0..per_client {
                        let (ms, _) = get(targets[(c + i) % targets.len()])?;
                        times.lock().expect("no panic").push(ms);
                    }
                    Ok(())
                })
            })
            .collect();
        for handle in handles {
            handle.join().expect("client thread")?;
        }
        Ok(())
    })?;
    let wall = started.elapsed().as_secs_f64();
    let mut times = times.into_inner().expect("no panic");
    times.sort_by(|a, b| a.total_cmp(b));
    let (claims_cold, bytes) = get("/claims")?;
    let mut claims_warm: Vec<f64> = (0..10)
        .map(|_| get("/claims?kind=access&speaker=Legal+Counsel").map(|(ms, _)| ms))
        .collect::<anyhow::Result<_>>()?;
    claims_warm.sort_by(|a, b| a.total_cmp(b));
    let (claims_all, _) = get("/claims")?;
    let _ = child.kill();
    let _ = child.wait();
    println!();
    println!("serve: listening after {start_s:.1} s (store, index and every claim read)");
    println!(
        "serve: {} search pages from {clients} concurrent clients in {wall:.1} s ({:.0}/s): \
         p50 {:.1} ms, p99 {:.1} ms (the first request, which reads the store, {first_ms:.0} ms)",
        times.len(),
        times.len() as f64 / wall,
        times[times.len() / 2],
        times[times.len() * 99 / 100],
    );
    println!(
        "serve: /claims first request {claims_cold:.0} ms ({} KiB page), then {claims_all:.0} ms; \
         filtered (kind and speaker) p50 {:.1} ms",
        bytes / 1024,
        claims_warm[claims_warm.len() / 2]
    );
    Ok(())
}

/// Claim extraction over every stored transcript, through the library, one thread: the same
/// work `import` does per file and `claims --rescan` does for the whole store.
fn claims_bench(store_dir: &Path) -> anyhow::Result<()> {
    let store = verbatim::store::Store::open(store_dir)?;
    let rules = verbatim::claims::Rules::builtin();
    let transcripts = store
        .recordings()
        .iter()
        .map(|r| Ok((r.clone(), store.transcript(r)?)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let segments: usize = transcripts.iter().map(|(_, t)| t.segments.len()).sum();
    let started = Instant::now();
    let mut claims = 0;
    for (recording, transcript) in &transcripts {
        claims += verbatim::claims::extract(&rules, recording, transcript)?
            .claims
            .len();
    }
    let wall = started.elapsed().as_secs_f64();
    println!(
        "claim extraction: {segments} segments in {wall:.1} s ({:.0} segments/s, one thread), {claims} claims",
        segments as f64 / wall
    );
    Ok(())
}

/// The sentence model: the classifier's training, the claim pass in sentences a second on the
/// development sentences (unique texts, a cold encoder), the meaning work on the corpus truth
/// (claims and segment embeddings) and search by meaning over `segments` imported segments.
fn meaning_bench(segments: usize) -> anyhow::Result<()> {
    use verbatim::meaning::{classifier::Examples, encoder, ClaimModel};
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let models = root.join("models");
    anyhow::ensure!(
        verbatim::models::minilm::present(&models),
        "run `make model` first (the sentence model)"
    );
    let dir = encoder::model_dir(&models);
    let started = Instant::now();
    let text_encoder = std::sync::Arc::new(encoder::TextEncoder::load(&dir)?);
    let load = started.elapsed().as_secs_f64();
    let examples = Examples::builtin();
    let started = Instant::now();
    let model = ClaimModel::train(text_encoder, &examples)?;
    let train = started.elapsed().as_secs_f64();
    println!();
    println!(
        "sentence model: loaded in {load:.2} s; classifier taught by {} example sentences in {train:.1} s",
        examples.labelled().len()
    );
    let mut sentences = Vec::new();
    for path in [
        "tests/data/claims/sentences.json",
        "tests/data/claims/heldout.json",
    ] {
        let set: Value = serde_json::from_slice(&std::fs::read(root.join(path))?)?;
        for s in set["sentences"].as_array().unwrap() {
            sentences.push(s["text"].as_str().unwrap().to_string());
        }
    }
    // the claim pass as extraction runs it: rules on every sentence, the model on those no
    // rule matched (questions aside) or a second clause follows (a fresh encoder: nothing cached)
    let fresh = std::sync::Arc::new(verbatim::meaning::LazyClaimModel::new(
        &dir,
        Examples::builtin(),
    ));
    let rules = verbatim::claims::Rules::builtin().with_meaning(fresh.clone())?;
    fresh.get()?;
    let texts: Vec<&str> = sentences.iter().map(String::as_str).collect();
    let asked = texts
        .iter()
        .filter(|t| verbatim::claims::asks_model(&rules, t))
        .count();
    let started = Instant::now();
    let found = verbatim::claims::kinds_of(&rules, &texts, verbatim::claims::DEFAULT_MIN_SCORE)?;
    let wall = started.elapsed().as_secs_f64();
    println!(
        "claim pass with the model: {} sentences in {wall:.2} s, {:.0} sentences/s (the model asked about {asked}; {} with a claim)",
        texts.len(),
        texts.len() as f64 / wall,
        found.iter().filter(|k| !k.is_empty()).count()
    );
    let plain = encoder::TextEncoder::load(&dir)?;
    let started = Instant::now();
    plain.embed(&texts)?;
    let wall = started.elapsed().as_secs_f64();
    println!(
        "encoder alone: {} sentences in {wall:.2} s, {:.0} sentences/s",
        texts.len(),
        texts.len() as f64 / wall
    );

    // the meaning work of an ingest of the corpus: claims (rules and model) and segment
    // embeddings, timed again through the library with a cold encoder
    let verbatim_bin = root.join("target/release/verbatim");
    let corpus_store = root.join("bench-out/store-meaning-ingest");
    let _ = std::fs::remove_dir_all(&corpus_store);
    let mut command = Command::new(&verbatim_bin);
    command
        .arg("--store")
        .arg(&corpus_store)
        .arg("--models-dir")
        .arg(&models)
        .arg("ingest")
        .arg(root.join("corpus"));
    let (ingest_wall, _) = measure(command)?;
    let stored = verbatim::store::Store::open(&corpus_store)?;
    let lazy = std::sync::Arc::new(verbatim::meaning::LazyClaimModel::new(
        &dir,
        Examples::builtin(),
    ));
    let rules = verbatim::claims::Rules::builtin().with_meaning(lazy.clone())?;
    lazy.get()?; // the classifier from its cache, as a second ingest finds it
    let started = Instant::now();
    for recording in stored.recordings() {
        let transcript = stored.transcript(recording)?;
        verbatim::claims::extract(&rules, recording, &transcript)?;
        let texts: Vec<&str> = transcript
            .segments
            .iter()
            .filter(|s| s.is_speech())
            .map(|s| s.text.as_str())
            .collect();
        lazy.encoder()?.embed(&texts)?;
    }
    let meaning_work = started.elapsed().as_secs_f64();
    println!(
        "ingest of the corpus: {ingest_wall:.1} s in all; claims and embeddings {meaning_work:.2} s of it, {:.1}% of the rest (decoding, voice activity, transcription, speakers)",
        100.0 * meaning_work / (ingest_wall - meaning_work)
    );

    // search by meaning over generated transcripts (corpus truth lines, as in the index bench)
    let out = root.join("bench-out");
    let folder = out.join("meaning-corpus");
    let store = out.join("store-meaning");
    let _ = std::fs::remove_dir_all(&folder);
    let _ = std::fs::remove_dir_all(&store);
    std::fs::create_dir_all(&folder)?;
    let mut lines = corpus_lines(&root)?;
    lines.extend(sentences);
    write_meetings(&folder, segments, |file, i| {
        (
            format!("Speaker {}", i % 5),
            lines[(file * 7919 + i * 104_729) % lines.len()].clone(),
        )
    })?;
    let mut command = Command::new(root.join("target/release/verbatim"));
    command
        .arg("--store")
        .arg(&store)
        .arg("--models-dir")
        .arg(&models)
        .arg("import")
        .arg(&folder);
    let (wall, rss) = measure(command)?;
    println!(
        "import with claims and embeddings: {segments} segments ({} distinct texts) in {wall:.1} s, peak RSS {} MiB",
        lines.len(),
        rss / 1024
    );
    let store = verbatim::store::Store::open(&store)?;
    let all = verbatim::search::SearchQuery {
        limit: 10,
        ..Default::default()
    };
    let started = Instant::now();
    let index = verbatim::search::meaning::MeaningIndex::load(&store, &all)?;
    let load = started.elapsed().as_secs_f64() * 1000.0;
    let questions = [
        "who could see American user data",
        "where are the backups kept",
        "nobody outside the country can read the records",
        "the administrator holds the encryption keys",
    ];
    let mut times = Vec::new();
    for round in 0..10 {
        for question in questions {
            // a new question each time: the query's own embedding is part of the cost
            let q = verbatim::search::SearchQuery {
                text: format!("{question} {round}"),
                limit: 10,
                ..Default::default()
            };
            let started = Instant::now();
            index.search(&store, &model.encoder, &q)?;
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "search by meaning over {} segments: embeddings loaded in {load:.0} ms; query p50 {:.1} ms, p99 {:.1} ms",
        index.len(),
        times[times.len() / 2],
        times[times.len() * 99 / 100]
    );
    Ok(())
}

/// The text of every line of the corpus truth.
fn corpus_lines(root: &Path) -> anyhow::Result<Vec<String>> {
    let truth: Value = serde_json::from_slice(&std::fs::read(root.join("corpus/truth.json"))?)?;
    Ok(truth["recordings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["lines"].as_array().unwrap().iter())
        .map(|l| l["text"].as_str().unwrap().to_string())
        .collect())
}

/// Writes `segments` lines as text transcripts of 1,000 lines each (36 s apart), dated over
/// 150 days from 2021-09-01 by their names; `line(file, i)` gives each line's speaker and text.
/// Returns the number of files.
fn write_meetings(
    folder: &Path,
    segments: usize,
    mut line: impl FnMut(usize, usize) -> (String, String),
) -> anyhow::Result<usize> {
    let per_file = 1_000;
    let files = segments.div_ceil(per_file);
    for file in 0..files {
        let day = time::macros::date!(2021 - 09 - 01) + time::Duration::days((file % 150) as i64);
        let mut text = String::with_capacity(per_file * 80);
        for i in 0..per_file.min(segments - file * per_file) {
            let seconds = i * 36;
            let (speaker, words) = line(file, i);
            text.push_str(&format!(
                "[{:02}:{:02}:{:02}] {speaker}: {words}\n",
                seconds / 3600,
                seconds / 60 % 60,
                seconds % 60,
            ));
        }
        std::fs::write(folder.join(format!("{day} meeting {file:04}.txt")), text)?;
    }
    Ok(files)
}

fn query(text: &str, speaker: Option<&str>, dated: bool) -> verbatim::search::SearchQuery {
    verbatim::search::SearchQuery {
        text: text.into(),
        speaker: speaker.map(Into::into),
        from: dated.then_some(time::macros::date!(2021 - 10 - 01)),
        to: dated.then_some(time::macros::date!(2021 - 12 - 31)),
        limit: 20,
        ..Default::default()
    }
}

/// What the audio benches share: the repository, `bench-out/`, the Whisper model, the built
/// binary and the threads Whisper runs on.
struct AudioSetup {
    root: PathBuf,
    out: PathBuf,
    model: PathBuf,
    verbatim: PathBuf,
    threads: usize,
}

impl AudioSetup {
    fn new() -> anyhow::Result<Self> {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let out = root.join("bench-out");
        std::fs::create_dir_all(&out)?;
        let model = root.join("models/ggml-tiny.en.bin");
        let verbatim = root.join("target/release/verbatim");
        anyhow::ensure!(model.exists(), "run `make model` first");
        anyhow::ensure!(verbatim.exists(), "run `cargo build --release` first");
        Ok(AudioSetup {
            root,
            out,
            model,
            verbatim,
            threads: verbatim::transcribe::default_threads(),
        })
    }
}

fn run() -> anyhow::Result<()> {
    let AudioSetup {
        root,
        out,
        model,
        verbatim,
        threads,
    } = AudioSetup::new()?;

    let corpus: Vec<PathBuf> = verbatim::pipeline::collect_inputs(&[root.join("corpus")])
        .into_iter()
        .filter_map(|i| match i {
            verbatim::pipeline::Input::File(p) => Some(p),
            _ => None,
        })
        .collect();
    let long = out.join("ten-minutes.wav");
    make_long_recording(&corpus, &long)?;

    println!("ingest benchmark: tiny.en, {threads} threads, greedy");
    println!(
        "| input | audio | bare whisper-rs wall | bare RTF | bare peak RSS | verbatim ingest wall | ingest RTF | ingest peak RSS | ratio |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for (label, files) in [
        ("sample corpus (7 files)", corpus.clone()),
        ("10-minute recording", vec![long.clone()]),
    ] {
        let audio_ms: u64 = files
            .iter()
            .map(|f| verbatim::audio::decode_file(f).map(|a| a.duration_ms()))
            .sum::<Result<u64, _>>()?;
        let mut bare_wall = 0.0;
        let mut bare_rss = 0;
        for file in &files {
            let me = std::env::current_exe()?;
            let mut command = Command::new(me);
            command
                .arg("bare")
                .arg(&model)
                .arg(file)
                .arg(threads.to_string());
            let (wall, rss) = measure(command)?;
            bare_wall += wall;
            bare_rss = bare_rss.max(rss);
        }
        let command = ingest_command(&verbatim, &root, &out.join("store"), threads, &[], &files);
        let (ingest_wall, ingest_rss) = measure(command)?;
        let audio_s = audio_ms as f64 / 1000.0;
        println!(
            "| {label} | {:.0} s | {bare_wall:.1} s | {:.3} | {} MiB | {ingest_wall:.1} s | {:.3} | {} MiB | {:.3} |",
            audio_s,
            bare_wall / audio_s,
            bare_rss / 1024,
            ingest_wall / audio_s,
            ingest_rss / 1024,
            ingest_wall / bare_wall
        );
    }
    long_meeting(&root, &out, &model, &verbatim, threads)
}

/// Speakers: per corpus recording, the time diarization takes (through the library, after
/// decoding and voice detection, as ingest runs it) beside a bare whisper-rs transcription of the
/// same audio, and the word attribution accuracy of a real `verbatim ingest` against the truth.
fn speakers_bench() -> anyhow::Result<()> {
    use verbatim::speakers::diarize::{diarize, DiarizeConfig, Verifier};
    let AudioSetup {
        root,
        out,
        model,
        verbatim,
        threads,
    } = AudioSetup::new()?;
    let weights = verbatim::models::resemblyzer::weights_path(&root.join("models"));
    let encoder = verbatim::speakers::encoder::VoiceEncoder::load(&weights)?;
    // as ingest runs by default: the second model checks a split recording for one voice
    let ecapa_path = verbatim::models::ecapa::weights_path(&root.join("models"));
    let ecapa = ecapa_path
        .exists()
        .then(|| verbatim::speakers::voice::VoiceModelKind::Ecapa.load(&ecapa_path))
        .transpose()?;
    let verifier = ecapa.as_ref().map_or(Verifier::Off, Verifier::OneVoice);
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("corpus/truth.json"))?)?;
    let store = out.join("speakers-store");
    let files: Vec<PathBuf> = truth["recordings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| root.join("corpus").join(r["file"].as_str().unwrap()))
        .collect();
    let (plain_wall, _) = measure(ingest_command(
        &verbatim,
        &root,
        &out.join("no-speakers-store"),
        threads,
        &["--no-speakers"],
        &files,
    ))?;
    let (ingest_wall, _) = measure(ingest_command(
        &verbatim,
        &root,
        &store,
        threads,
        &[],
        &files,
    ))?;
    println!(
        "speakers benchmark: Resemblyzer GE2E in Rust on {threads} threads; transcription: bare \
         whisper-rs tiny.en, {threads} threads"
    );
    println!(
        "corpus ingest: {plain_wall:.1} s with --no-speakers, {ingest_wall:.1} s with speakers \
         (+{:.1} s, {:.0}%)",
        ingest_wall - plain_wall,
        100.0 * (ingest_wall - plain_wall) / plain_wall
    );
    println!(
        "| recording | audio | speakers found / true | words | attribution accuracy | transcription | diarization | diarization / transcription |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let (mut total_transcribe, mut total_diarize) = (0.0, 0.0);
    for (expected, file) in truth["recordings"].as_array().unwrap().iter().zip(&files) {
        let decoded = verbatim::audio::decode_file(file)?;
        let speech = verbatim::audio::vad::speech_spans(
            &decoded.samples,
            &verbatim::audio::vad::VadConfig::default(),
        );
        let started = Instant::now();
        let diarization = diarize(
            &encoder,
            verifier,
            &decoded.samples,
            &speech,
            &DiarizeConfig::default(),
        );
        let diarize_s = started.elapsed().as_secs_f64();
        let mut command = Command::new(std::env::current_exe()?);
        command
            .arg("bare")
            .arg(&model)
            .arg(file)
            .arg(threads.to_string());
        let (transcribe_s, _) = measure(command)?;
        let transcript: Value = serde_json::from_slice(
            &Command::new(&verbatim)
                .arg("--store")
                .arg(&store)
                .args([
                    "transcript",
                    expected["file"].as_str().unwrap(),
                    "--format",
                    "json",
                ])
                .output()?
                .stdout,
        )?;
        let (accuracy, words, _) =
            speaker_score::accuracy(&transcript, expected["lines"].as_array().unwrap());
        total_transcribe += transcribe_s;
        total_diarize += diarize_s;
        println!(
            "| {} | {:.1} s | {} / {} | {words} | {accuracy:.3} | {transcribe_s:.2} s | {diarize_s:.2} s | {:.2} |",
            expected["file"].as_str().unwrap(),
            decoded.duration_ms() as f64 / 1000.0,
            diarization.speakers.len(),
            expected["speakers"].as_object().unwrap().len(),
            diarize_s / transcribe_s
        );
    }
    println!(
        "| all | | | | | {total_transcribe:.2} s | {total_diarize:.2} s | {:.2} |",
        total_diarize / total_transcribe
    );
    dev_meetings(&root, &out, &verbatim, threads)
}

/// The development meetings, scored by [`meeting_set`]: the real-voice ones
/// (`tests/data/speakers/dev_meetings.json`, audio built by `examples/dev_meetings.rs` from
/// `scripts/fetch-real-voices.sh`'s clips), then the short synthetic ones
/// (`tests/data/speakers/short_meetings.json`: 20 to 30 s, 3 to 5 espeak-ng voices that are
/// not the corpus's, written by `scripts/short_meetings.py`, which this runs when its audio is
/// missing).
fn dev_meetings(root: &Path, out: &Path, verbatim: &Path, threads: usize) -> anyhow::Result<()> {
    // (title, truth, audio folder, how to build the audio when it is missing)
    let built = "run scripts/fetch-real-voices.sh, then `cargo run --release --example";
    let sets = [
        (
            "real-voice development meetings (tiny.en)",
            "tests/data/speakers/dev_meetings.json",
            "real-voices/meetings",
            format!("{built} dev_meetings -- real-voices tests/data/speakers/dev_meetings.json`"),
        ),
        // the same meetings heard in simulated rooms (examples/room_meetings.rs)
        (
            "the same meetings in simulated rooms (tiny.en; reverberation, noise, a table microphone)",
            "tests/data/speakers/dev_meetings.json",
            "real-voices/room-meetings",
            format!(
                "{built} dev_meetings`, then `... --example room_meetings -- real-voices \
                 tests/data/speakers/dev_meetings.json`"
            ),
        ),
        // the English meetings built for transcription (issue 15), never used to tune
        // diarization: two of their six people (the podcast host and guest) are in no meeting
        // above
        (
            "real-voice English meetings of the transcription bench (tiny.en; not used to tune diarization)",
            "tests/data/asr/dev_english.json",
            "real-voices/asr-meetings",
            format!("{built} asr_meetings -- real-voices tests/data/asr/dev_english.json`"),
        ),
    ];
    for (title, truth, audio, how) in sets {
        let audio = root.join(audio);
        if audio.is_dir() {
            println!("\n{title}:");
            meeting_set(root, out, verbatim, threads, &root.join(truth), &audio)?;
        } else {
            println!("\n{title}: {} is missing ({how})", audio.display());
        }
    }
    let short = root.join("short-meetings");
    if !short.join("truth.json").exists() {
        let status = Command::new("python3")
            .arg(root.join("scripts/short_meetings.py"))
            .arg(&short)
            .stdout(std::process::Stdio::null())
            .status()?;
        anyhow::ensure!(status.success(), "scripts/short_meetings.py failed");
    }
    println!("\nshort synthetic development meetings (espeak-ng, tiny.en):");
    meeting_set(
        root,
        out,
        verbatim,
        threads,
        &root.join("tests/data/speakers/short_meetings.json"),
        &short,
    )
}

/// A set of meetings (`truth`, audio in `audio`), ingested by the real binary without and with
/// `--voiceprints`: the words attributed right under a one-to-one mapping of found speakers to
/// people (greedy, largest overlaps first; words whose midpoint falls in exactly one person's
/// line), the speaker counts (people with 3 s or more), and identity across the meetings
/// (store-wide ids per person, ids given to two people).
fn meeting_set(
    root: &Path,
    out: &Path,
    verbatim: &Path,
    threads: usize,
    truth: &Path,
    audio: &Path,
) -> anyhow::Result<()> {
    use std::collections::{BTreeMap, BTreeSet};
    let truth: Value = serde_json::from_str(&std::fs::read_to_string(truth)?)?;
    let recordings = truth["recordings"].as_array().unwrap();
    println!("| run | words right | per meeting | counts right | ids per person | ids given to two people | ingest wall |");
    println!("|---|---|---|---|---|---|---|");
    let files: Vec<PathBuf> = recordings
        .iter()
        .map(|r| audio.join(r["file"].as_str().unwrap()))
        .collect();
    for (label, extra) in [
        ("default", &[][..]),
        ("--voiceprints", &["--voiceprints"][..]),
    ] {
        let store = out.join("dev-meetings-store");
        let (wall, _) = measure(ingest_command(
            verbatim, root, &store, threads, extra, &files,
        ))?;
        let (mut right, mut counted, mut counts_right) = (0usize, 0usize, 0usize);
        let mut per_meeting = Vec::new();
        let mut ids_of: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut people_of: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        // (recording SHA-256, store-wide id, person) for each mapped speaker
        let mut mapped: Vec<(String, String, String)> = Vec::new();
        for recording in recordings {
            let file = recording["file"].as_str().unwrap();
            let transcript: Value = serde_json::from_slice(
                &Command::new(verbatim)
                    .arg("--store")
                    .arg(&store)
                    .args(["transcript", file, "--format", "json"])
                    .output()?
                    .stdout,
            )?;
            let lines = recording["lines"].as_array().unwrap();
            let span = |l: &Value| {
                (
                    l["start_ms"].as_u64().unwrap(),
                    l["end_ms"].as_u64().unwrap(),
                )
            };
            // (found id, person) -> words
            let mut cells: BTreeMap<(String, String), usize> = BTreeMap::new();
            let mut found: BTreeSet<String> = BTreeSet::new();
            let mut words = 0;
            for segment in transcript["transcript"]["segments"].as_array().unwrap() {
                let id = segment["speaker_id"].as_str().unwrap_or("").to_string();
                if !id.is_empty() {
                    found.insert(id.clone());
                }
                for word in segment["words"].as_array().into_iter().flatten() {
                    let mid =
                        (word["start_ms"].as_u64().unwrap() + word["end_ms"].as_u64().unwrap()) / 2;
                    let hits: Vec<&Value> = lines
                        .iter()
                        .filter(|l| (span(l).0..span(l).1).contains(&mid))
                        .collect();
                    if let [line] = hits[..] {
                        words += 1;
                        let person = line["speaker"].as_str().unwrap().to_string();
                        *cells.entry((id.clone(), person)).or_default() += 1;
                    }
                }
            }
            let mut ordered: Vec<(usize, String, String)> =
                cells.into_iter().map(|((id, p), n)| (n, id, p)).collect();
            ordered.sort_by(|a, b| b.cmp(a));
            let (mut ids_taken, mut people_taken) = (BTreeSet::new(), BTreeSet::new());
            let mut here = 0;
            for (n, id, person) in ordered {
                if !id.is_empty() && !ids_taken.contains(&id) && !people_taken.contains(&person) {
                    ids_taken.insert(id.clone());
                    people_taken.insert(person.clone());
                    here += n;
                    ids_of.entry(person.clone()).or_default().insert(id.clone());
                    mapped.push((
                        transcript["transcript"]["sha256"]
                            .as_str()
                            .unwrap_or("")
                            .to_string(),
                        id.clone(),
                        person.clone(),
                    ));
                    people_of.entry(id).or_default().insert(person);
                }
            }
            let mut talk: BTreeMap<&str, u64> = BTreeMap::new();
            for line in lines {
                let (s, e) = span(line);
                *talk.entry(line["speaker"].as_str().unwrap()).or_default() += e - s;
            }
            let people = talk.values().filter(|&&ms| ms >= 3_000).count();
            counts_right += usize::from(found.len() == people);
            per_meeting.push(format!("{:.2}", here as f64 / words.max(1) as f64));
            right += here;
            counted += words;
        }
        let split = ids_of.values().filter(|ids| ids.len() > 1).count();
        let shared = people_of.values().filter(|p| p.len() > 1).count();
        println!(
            "| {label} | {:.3} of {counted} | {} | {counts_right} of {} | {} of {} people keep one id | {shared} | {wall:.1} s |",
            right as f64 / counted.max(1) as f64,
            per_meeting.join(", "),
            recordings.len(),
            ids_of.len() - split,
            ids_of.len(),
        );
        let registry: Value = serde_json::from_slice(&std::fs::read(store.join("speakers.json"))?)?;
        for (what, field) in [
            ("GE2E centroids", "centroid"),
            ("ECAPA voiceprints", "voiceprint"),
        ] {
            // each mapped speaker's embedding in its recording
            let mut named: Vec<(&str, &str, Vec<f32>)> = Vec::new();
            for (sha, id, person) in &mapped {
                let member = registry["speakers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|s| s["id"] == id.as_str())
                    .flat_map(|s| s["members"].as_array().unwrap())
                    .find(|m| m["sha256"] == sha.as_str());
                if let Some(v) = member.and_then(|m| m[field].as_array()) {
                    let v = v.iter().map(|x| x.as_f64().unwrap() as f32).collect();
                    named.push((sha, person, v));
                }
            }
            let (mut same, mut different) = (Vec::new(), Vec::new());
            for (i, a) in named.iter().enumerate() {
                for b in named[i + 1..].iter().filter(|b| b.0 != a.0) {
                    let s = verbatim::speakers::ecapa::cosine(&a.2, &b.2);
                    if a.1 == b.1 {
                        same.push(s);
                    } else {
                        different.push(s);
                    }
                }
            }
            if same.is_empty() || different.is_empty() {
                continue;
            }
            let (eer, at) = equal_error_rate(&same, &different);
            println!(
                "  {label}, identity across meetings by {what}: {} same-person and {} \
                 different-person pairs, EER {eer:.3} at cosine {at:.3}; same person from \
                 {:.3}, different people up to {:.3}",
                same.len(),
                different.len(),
                same.iter().copied().fold(f32::MAX, f32::min),
                different.iter().copied().fold(f32::MIN, f32::max),
            );
        }
    }
    Ok(())
}

/// The equal-error rate of a similarity threshold between same-person and different-person
/// scores, and the threshold where false accepts and false rejects are closest.
fn equal_error_rate(same: &[f32], different: &[f32]) -> (f32, f32) {
    let rates = |t: f32| {
        let accept = different.iter().filter(|&&d| d >= t).count() as f32 / different.len() as f32;
        let reject = same.iter().filter(|&&s| s < t).count() as f32 / same.len() as f32;
        (accept, reject)
    };
    same.iter()
        .chain(different)
        .map(|&t| (rates(t), t))
        .min_by(|a, b| {
            ((a.0).0 - (a.0).1)
                .abs()
                .total_cmp(&((b.0).0 - (b.0).1).abs())
        })
        .map_or((0.0, 0.0), |((fa, fr), t)| ((fa + fr) / 2.0, t))
}

/// The long-recording comparison: the corpus joined with 60 s silences (over 20 minutes),
/// bare whisper-rs, verbatim (with speakers, as a user runs it, and without its voice detector)
/// and faster-whisper, scored against the shifted ground truth.
fn long_meeting(
    root: &Path,
    out: &Path,
    model: &Path,
    verbatim: &Path,
    threads: usize,
) -> anyhow::Result<()> {
    let wav = out.join("long-meeting.wav");
    let truth = long_recording::build(root, &wav);
    let lines = truth["lines"].as_array().unwrap();
    let audio_s = truth["duration_ms"].as_f64().unwrap() / 1000.0;
    println!();
    println!(
        "long meeting: {:.1} min ({} lines, {} silences of 60 s), tiny.en, {threads} threads",
        audio_s / 60.0,
        lines.len(),
        truth["silences"].as_array().unwrap().len()
    );
    println!("| run | wall | RTF | peak RSS | lines dropped | start within 1.0 s | median first-word error | words inside silences | word recall |");
    println!("|---|---|---|---|---|---|---|---|---|");
    let bare_json = out.join("long-bare.json");
    let mut command = Command::new(std::env::current_exe()?);
    command
        .arg("bare")
        .arg(model)
        .arg(&wav)
        .arg(threads.to_string())
        .arg(&bare_json);
    let (wall, rss) = measure(command)?;
    let doc: Value = serde_json::from_slice(&std::fs::read(&bare_json)?)?;
    report_long("bare whisper-rs", wall, audio_s, rss, &doc, &truth);

    for (label, extra) in [
        ("verbatim ingest (with speakers)", &[][..]),
        ("verbatim ingest --no-speakers", &["--no-speakers"][..]),
        (
            "verbatim ingest --no-speakers --word-times tokens",
            &["--no-speakers", "--word-times", "tokens"][..],
        ),
        ("verbatim ingest --no-vad", &["--no-vad"][..]),
    ] {
        let store = out.join("store-long");
        let command = ingest_command(
            verbatim,
            root,
            &store,
            threads,
            extra,
            std::slice::from_ref(&wav),
        );
        let (wall, rss) = measure(command)?;
        let output = Command::new(verbatim)
            .arg("--store")
            .arg(&store)
            .args(["transcript", "long-meeting", "--format", "json"])
            .output()?;
        let doc: Value = serde_json::from_slice(&output.stdout)?;
        report_long(label, wall, audio_s, rss, &doc, &truth);
    }
    long_meeting_faster_whisper(root, out, &wav, audio_s, &truth, threads)
}

/// faster-whisper (its VAD filter on, greedy, word timestamps on, as verbatim gives words) on
/// the long meeting, f32 and int8, when `scripts/bench-faster-whisper.sh setup` can make its
/// virtualenv.
fn long_meeting_faster_whisper(
    root: &Path,
    out: &Path,
    wav: &Path,
    audio_s: f64,
    truth: &Value,
    threads: usize,
) -> anyhow::Result<()> {
    let script = root.join("scripts/bench-faster-whisper.sh");
    let ready = Command::new(&script)
        .arg("setup")
        .stderr(std::process::Stdio::inherit())
        .output()
        .is_ok_and(|o| o.status.success());
    if !ready {
        println!(
            "| faster-whisper | (no virtualenv: {} setup failed) |",
            script.display()
        );
        return Ok(());
    }
    for compute in ["int8", "float32"] {
        let json = out.join(format!("long-faster-whisper-{compute}.json"));
        let mut command = Command::new(&script);
        command
            .args(["run", "--compute-type", compute, "--vad", "on"])
            .args(["--word-timestamps", "on", "--threads"])
            .arg(threads.to_string())
            .arg("--out")
            .arg(&json)
            .arg(wav);
        let (wall, rss) = measure(command)?;
        let doc: Value = serde_json::from_slice(&std::fs::read(&json)?)?;
        let label = format!("faster-whisper {compute}, vad_filter, word timestamps");
        report_long(&label, wall, audio_s, rss, &as_transcript(&doc), truth);
    }
    Ok(())
}

/// faster-whisper's output (`scripts/faster_whisper_run.py`, one file, with words) in the shape
/// of `verbatim transcript --format json`, so that the same scoring applies.
fn as_transcript(doc: &Value) -> Value {
    let ms = |v: &Value| (v.as_f64().unwrap_or(0.0) * 1000.0).round().max(0.0) as u64;
    let segments: Vec<Value> = doc["files"][0]["segments"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|s| {
            let words: Vec<Value> = s["words"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .map(|w| {
                    json!({
                        "text": w["word"].as_str().unwrap_or("").trim(),
                        "start_ms": ms(&w["start"]),
                        "end_ms": ms(&w["end"]),
                    })
                })
                .collect();
            json!({
                "text": s["text"].as_str().unwrap_or("").trim(),
                "start_ms": ms(&s["start"]),
                "end_ms": ms(&s["end"]),
                "words": words,
            })
        })
        .collect();
    json!({"transcript": {"segments": segments}})
}

fn report_long(label: &str, wall: f64, audio_s: f64, rss_kib: u64, doc: &Value, truth: &Value) {
    let result = score::score(doc, truth["lines"].as_array().unwrap());
    let heard = score::heard_words(doc);
    let in_silence = truth["silences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let (from, to) = (s[0].as_u64().unwrap(), s[1].as_u64().unwrap());
            heard
                .iter()
                .filter(|w| w.1 > from + 500 && w.1 < to - 500)
                .count()
        })
        .sum::<usize>();
    println!(
        "| {label} | {wall:.1} s | {:.3} | {} MiB | {} of {} | {:.1}% | {} ms | {in_silence} | {:.3} |",
        wall / audio_s,
        rss_kib / 1024,
        result.dropped.len(),
        result.lines,
        100.0 * result.on_time_share(),
        result.median_first_word_error_ms(),
        result.word_recall()
    );
}

/// `verbatim ingest` of `files` into a fresh `store`.
fn ingest_command(
    verbatim: &Path,
    root: &Path,
    store: &Path,
    threads: usize,
    extra: &[&str],
    files: &[PathBuf],
) -> Command {
    let _ = std::fs::remove_dir_all(store);
    let mut command = Command::new(verbatim);
    command
        .arg("--store")
        .arg(store)
        .arg("--models-dir")
        .arg(root.join("models"))
        .arg("ingest")
        .arg("--threads")
        .arg(threads.to_string())
        .args(extra)
        .args(files);
    command
}

/// Runs a command, returning its wall time in seconds and its peak RSS in KiB.
fn measure(command: Command) -> anyhow::Result<(f64, u64)> {
    measure_cpu(command).map(|(wall, rss, _)| (wall, rss))
}

/// [`measure`], with the CPU seconds (user + system) the command used as well: a figure other
/// work on the machine disturbs far less than the wall time.
fn measure_cpu(mut command: Command) -> anyhow::Result<(f64, u64, f64)> {
    let started = Instant::now();
    let child = command.stdout(std::process::Stdio::null()).spawn()?;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it for the child we spawned.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed().as_secs_f64();
    anyhow::ensure!(waited == pid, "wait4 failed for {command:?}");
    anyhow::ensure!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{command:?} failed"
    );
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Ok((
        wall,
        usage.ru_maxrss as u64,
        seconds(usage.ru_utime) + seconds(usage.ru_stime),
    ))
}

/// Bare whisper-rs: decode to 16 kHz (the same decoder), then one `full` call with greedy
/// decoding and token timestamps. With `out`, writes the words in the shape of
/// `verbatim transcript --format json` so the same scoring applies.
fn bare(model: &Path, file: &Path, threads: usize, out: Option<&Path>) {
    let audio = verbatim::audio::decode_file(file).expect("decodable");
    whisper_rs::install_logging_hooks();
    let context = WhisperContext::new_with_params(
        model.to_str().unwrap(),
        WhisperContextParameters::default(),
    )
    .expect("model loads");
    let mut state = context.create_state().expect("state");
    let mut params = FullParams::new(SamplingStrategy::Greedy { best_of: 1 });
    params.set_n_threads(threads as i32);
    params.set_language(Some("en"));
    params.set_token_timestamps(true);
    params.set_print_progress(false);
    params.set_print_realtime(false);
    params.set_print_timestamps(false);
    state.full(params, &audio.samples).expect("transcribes");
    let eot = context.token_eot();
    let segments: Vec<Value> = state
        .as_iter()
        .map(|segment| {
            let words: Vec<Value> = (0..segment.n_tokens())
                .filter_map(|i| segment.get_token(i))
                .filter(|t| t.token_id() < eot)
                .map(|t| {
                    let data = t.token_data();
                    json!({
                        "text": t.to_str_lossy().unwrap_or_default(),
                        "start_ms": data.t0.max(0) * 10,
                        "end_ms": data.t1.max(0) * 10,
                    })
                })
                .collect();
            json!({"text": segment.to_str_lossy().unwrap_or_default(), "words": words})
        })
        .collect();
    if let Some(out) = out {
        let doc = json!({"transcript": {"segments": segments}});
        std::fs::write(out, serde_json::to_vec(&doc).unwrap()).expect("writable");
    }
}

/// Joins the corpus recordings (16 kHz mono, 1 s apart) until there are ten minutes.
fn make_long_recording(corpus: &[PathBuf], out: &Path) -> anyhow::Result<()> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 16_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(out, spec)?;
    let mut written_ms = 0;
    'fill: loop {
        for file in corpus {
            let audio = verbatim::audio::decode_file(file)?;
            for sample in audio
                .samples
                .iter()
                .chain(std::iter::repeat_n(&0.0, 16_000))
            {
                writer.write_sample((sample.clamp(-1.0, 1.0) * 32767.0) as i16)?;
            }
            written_ms += audio.duration_ms() + 1000;
            if written_ms >= TEN_MINUTES_MS {
                break 'fill;
            }
        }
    }
    writer.finalize()?;
    Ok(())
}
