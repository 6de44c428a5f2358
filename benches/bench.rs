//! `make bench`: figures for README, never assertions.
//!
//! Ingest: for the sample corpus and a 10-minute recording made from it, the wall time, real-time
//! factor and peak memory of `verbatim ingest`, beside a bare whisper-rs transcription of the
//! same 16 kHz audio with the same model and threads; the ratio of the two is the pipeline's
//! overhead (goal: at most 1.10).
//!
//! Each measured run is a child process, so its peak RSS is its own.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use whisper_rs::{FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters};

const TEN_MINUTES_MS: u64 = 600_000;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("bare") {
        bare(
            Path::new(&args[2]),
            Path::new(&args[3]),
            args[4].parse().unwrap(),
        );
        return;
    }
    if let Err(e) = run() {
        eprintln!("verbatim-bench: {e:#}");
        std::process::exit(2);
    }
}

fn run() -> anyhow::Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = root.join("bench-out");
    std::fs::create_dir_all(&out)?;
    let model = root.join("models/ggml-tiny.en.bin");
    let verbatim = root.join("target/release/verbatim");
    let threads = verbatim::transcribe::default_threads();
    anyhow::ensure!(model.exists(), "run `make model` first");
    anyhow::ensure!(verbatim.exists(), "run `cargo build --release` first");

    let corpus: Vec<PathBuf> = verbatim::ingest::collect_inputs(&[root.join("corpus")])
        .into_iter()
        .filter_map(|i| match i {
            verbatim::ingest::Input::File(p) => Some(p),
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
        let store = out.join("store");
        let _ = std::fs::remove_dir_all(&store);
        let mut command = Command::new(&verbatim);
        command
            .arg("--store")
            .arg(&store)
            .arg("--models-dir")
            .arg(root.join("models"))
            .arg("ingest")
            .arg("--threads")
            .arg(threads.to_string())
            .args(&files);
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
    Ok(())
}

/// Runs a command, returning its wall time in seconds and its peak RSS in KiB.
fn measure(mut command: Command) -> anyhow::Result<(f64, u64)> {
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
    Ok((wall, usage.ru_maxrss as u64))
}

/// Bare whisper-rs: decode to 16 kHz (the same decoder), then one `full` call.
fn bare(model: &Path, file: &Path, threads: usize) {
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
    params.set_print_progress(false);
    params.set_print_realtime(false);
    params.set_print_timestamps(false);
    state.full(params, &audio.samples).expect("transcribes");
    let text: String = state
        .as_iter()
        .map(|s| s.to_str_lossy().unwrap_or_default().into_owned())
        .collect();
    std::hint::black_box(text);
}

/// Joins the corpus recordings (16 kHz mono, 1 s apart) until there are ten minutes.
fn make_long_recording(corpus: &[PathBuf], out: &Path) -> anyhow::Result<()> {
    if out.exists() {
        return Ok(());
    }
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
