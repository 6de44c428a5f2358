//! `verbatim queue submit|collect|status` and `verbatim worker`: transcription on many machines
//! through a NATS JetStream server (see `verbatim::queue`).

use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use verbatim::audio::vad::VadConfig;
use verbatim::hash::sha256_file;
use verbatim::pipeline::{
    collect_inputs, merge_recordings, Failure, IngestConfig, Ingester, Input, Outcome, Reach,
    SpeakerMode, VerifierModel,
};
use verbatim::queue::{self, Connection, Queue};
use verbatim::speakers::diarize::DiarizeConfig;
use verbatim::speakers::registry::Registry;
use verbatim::store::Store;
use verbatim::transcribe::{default_threads, TranscribeOptions};

use super::Status;
use crate::cli::{NatsArgs, QueueCommand, TableFormat, WorkerArgs};

fn connection(args: &NatsArgs) -> Connection {
    Connection {
        url: args.url.clone(),
        creds: args.creds.clone(),
        user: args.user.clone().zip(args.password.clone()),
        token: args.token.clone(),
        nkey: args.nkey.clone(),
        tls_ca: args.tls_ca.clone(),
        allow_anonymous: args.anonymous,
    }
}

pub fn run(
    store_dir: &Path,
    sources: &super::claims::ClaimSources,
    command: QueueCommand,
) -> anyhow::Result<Status> {
    match command {
        QueueCommand::Submit { nats, paths, date } => submit(&nats, &paths, date),
        QueueCommand::Collect { nats } => collect(store_dir, sources, &nats),
        QueueCommand::Status { nats, format } => status(&nats, format),
    }
}

fn submit(nats: &NatsArgs, paths: &[PathBuf], date: Option<time::Date>) -> anyhow::Result<Status> {
    let queue = Queue::connect(&connection(nats))?;
    let (mut submitted, mut present, mut skipped, mut failed) = (0, 0, 0, 0);
    for input in collect_inputs(paths) {
        let path = match input {
            Input::File(path) => path,
            Input::Skipped(path, reason) => {
                super::print(&format!("skipped  {}: {reason}\n", path.display()))?;
                skipped += 1;
                continue;
            }
            Input::Failed(_, error) => {
                eprintln!("failed   {error}");
                failed += 1;
                continue;
            }
        };
        let checked = std::fs::metadata(&path)
            .map_err(|e| verbatim::error::Error::io(&path, e))
            .and_then(|m| {
                if m.len() == 0 {
                    Err(verbatim::error::Error::EmptyFile { path: path.clone() })
                } else {
                    sha256_file(&path)
                }
            });
        let sha256 = match checked {
            Ok(sha256) => sha256,
            Err(error) => {
                eprintln!("failed   {error}");
                failed += 1;
                continue;
            }
        };
        let short = &sha256[..12];
        if queue.submit(&path, &sha256, date)? {
            super::print(&format!("submitted {}  sha256:{short}\n", path.display()))?;
            submitted += 1;
        } else {
            super::print(&format!(
                "present  {}  sha256:{short}: these bytes were submitted already, nothing sent\n",
                path.display()
            ))?;
            present += 1;
        }
    }
    super::print(&format!(
        "{submitted} submitted, {present} already submitted, {skipped} skipped, {failed} failed; \
         server {}\n",
        nats.url
    ))?;
    Ok(if failed > 0 {
        Status::Partial
    } else {
        Status::Success
    })
}

fn collect(
    store_dir: &Path,
    sources: &super::claims::ClaimSources,
    nats: &NatsArgs,
) -> anyhow::Result<Status> {
    let queue = Queue::connect(&connection(nats))?;
    let mut store = Store::open(store_dir)
        .with_context(|| format!("opening the evidence store {}", store_dir.display()))?;
    let rules = super::claims::load_rules(store_dir, sources)?;
    super::claims::prepare_model(&rules)?;
    verbatim::pipeline::sync(&store, &rules)?;
    let (mut added, mut present, mut refused) = (0, 0, 0);
    queue.collect(|outcome| {
        let outcome = match outcome {
            Ok(outcome) => outcome,
            Err(error) => {
                eprintln!("refused  {error}");
                refused += 1;
                return Ok(());
            }
        };
        let registry = Registry {
            speakers: outcome.speakers,
            ..Registry::default()
        };
        let merged = merge_recordings(
            &mut store,
            &rules,
            vec![(outcome.recording, outcome.transcript)],
            &registry,
        )?;
        let mut text = String::new();
        for r in &merged.added {
            text.push_str(&format!(
                "added    {}  sha256:{}  transcribed on {}\n",
                r.name,
                r.short_hash(),
                outcome.worker
            ));
        }
        for r in &merged.present {
            text.push_str(&format!(
                "present  {}  sha256:{}  already stored\n",
                r.name,
                r.short_hash()
            ));
        }
        for note in &merged.notes {
            text.push_str(&format!("note     {note}\n"));
        }
        let _ = super::print(&text);
        added += merged.added.len();
        present += merged.present.len();
        Ok(())
    })?;
    super::print(&format!(
        "{added} added, {present} already present, {refused} refused; store {}\n",
        store_dir.display()
    ))?;
    Ok(if refused > 0 {
        Status::Partial
    } else {
        Status::Success
    })
}

fn status(nats: &NatsArgs, format: TableFormat) -> anyhow::Result<Status> {
    let queue = Queue::connect(&connection(nats))?;
    let status = queue.status()?;
    let text = match format {
        TableFormat::Json => serde_json::to_string_pretty(&status)? + "\n",
        TableFormat::Table => {
            let mut text = format!(
                "pending      {}\nin progress  {}\ndone         {}\ncollected    {}\nfailed       {}\n",
                status.pending,
                status.in_progress.len(),
                status.done,
                status.collected,
                status.failed.len()
            );
            for (sha256, working) in &status.in_progress {
                text.push_str(&format!(
                    "  working  sha256:{}  on {} since {}\n",
                    &sha256[..sha256.len().min(12)],
                    working.worker,
                    working
                        .since
                        .format(&time::format_description::well_known::Rfc3339)
                        .unwrap_or_default()
                ));
            }
            for letter in &status.failed {
                text.push_str(&format!(
                    "  FAILED   {}  sha256:{}  after {} tries on {}: {}\n",
                    letter.job.name,
                    &letter.job.sha256[..12],
                    letter.tries,
                    letter.worker,
                    letter.error
                ));
            }
            text
        }
    };
    super::print(&text)?;
    Ok(Status::Success)
}

/// `verbatim worker`: jobs until stopped (or, with `--exit-when-idle`, until none waits).
pub fn worker(sources: &super::claims::ClaimSources, args: WorkerArgs) -> anyhow::Result<Status> {
    let models_dir = sources.models_dir.as_path();
    // a worker without its models says so before it takes a job
    let model_path = super::ingest::resolve_model(models_dir, &args.model)?;
    let voice = verbatim::models::resemblyzer::weights_path(models_dir);
    if !voice.exists() {
        anyhow::bail!(
            "the voice model is not at {} (run `verbatim models fetch resemblyzer`)",
            voice.display()
        );
    }
    let queue = Queue::connect(&connection(&args.nats))?;
    let name = format!("{}:{}", hostname(), std::process::id());
    let config = IngestConfig {
        model_path,
        options: TranscribeOptions {
            threads: args.threads.unwrap_or_else(default_threads).max(1),
            ..TranscribeOptions::default()
        },
        date: None,
        vad: Some(VadConfig::default()),
        gap_check: super::ingest::gap_check(models_dir),
        word_times: Default::default(),
        speakers: SpeakerMode::Voice {
            model_path: voice,
            config: DiarizeConfig::default(),
            verifier: VerifierModel::default_in(models_dir),
        },
    };
    let mut done = 0;
    loop {
        let Some(delivery) = queue.next_job(Duration::from_secs(2))? else {
            if args.exit_when_idle && queue.idle()? {
                break;
            }
            continue;
        };
        let job = delivery.job.clone();
        queue.mark_working(&job, &name)?;
        eprintln!(
            "working  {}  sha256:{}  (try {})",
            job.name,
            &job.sha256[..12],
            delivery.tries
        );
        let working = AtomicBool::new(true);
        let result = std::thread::scope(|scope| {
            // progress reports keep the job from being delivered to another worker meanwhile
            scope.spawn(|| {
                let every = queue::ack_wait() / 3;
                let mut last = Instant::now();
                while working.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(200));
                    if last.elapsed() >= every {
                        queue.keep_alive(&delivery);
                        last = Instant::now();
                    }
                }
            });
            // a defect that panics on one file must not take every worker down in turn: it
            // fails that job, which is dead-lettered after its tries
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                work(&queue, &job, &config, sources, &name)
            }))
            .unwrap_or_else(|panic| {
                let what = panic
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| panic.downcast_ref::<&str>().copied())
                    .unwrap_or("a panic");
                Err(Failure::File(verbatim::error::Error::Input(format!(
                    "{}: internal error while transcribing ({what}); please report it",
                    job.name
                ))))
            });
            working.store(false, Ordering::Relaxed);
            result
        });
        match result {
            Ok(outcome) => {
                queue.finish(delivery, &outcome)?;
                super::print(&format!(
                    "done     {}  sha256:{}  {} segments\n",
                    job.name,
                    &job.sha256[..12],
                    outcome.transcript.segments.len()
                ))?;
                done += 1;
            }
            Err(Failure::File(error)) => {
                // the file as submitted, not this worker's copy of it
                let error = error
                    .to_string()
                    .replace(&job_audio(&job).display().to_string(), &job.source_path);
                if queue.fail(delivery, &error, &name, args.max_tries)? {
                    eprintln!(
                        "dead     {}: {error} (gave up after {} tries)",
                        job.name, args.max_tries
                    );
                } else {
                    eprintln!("failed   {}: {error} (to be tried again)", job.name);
                }
            }
            Err(Failure::Batch(error)) => {
                // this worker cannot go on (a model, its disk): the job goes back at once
                queue.fail(delivery, &error.to_string(), &name, i64::MAX)?;
                return Err(error.into());
            }
        }
    }
    eprintln!("{done} jobs done; no job waiting");
    Ok(Status::Success)
}

/// One job through the ingest pipeline, in a store of its own in a temporary folder: the
/// recording, its transcript and its speakers as the collector needs them.
fn work(
    queue: &Queue,
    job: &queue::Job,
    config: &IngestConfig,
    sources: &super::claims::ClaimSources,
    worker: &str,
) -> Result<queue::Outcome, Failure> {
    let audio = job_audio(job);
    let dir = audio.parent().expect("in its folder").to_path_buf();
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)
        .map_err(|e| verbatim::error::Error::io(&dir, e))
        .or_batch()?;
    let result = (|| {
        queue.fetch_audio(job, &audio).or_file()?;
        let store_dir = dir.join("store");
        let mut store = Store::open(&store_dir).or_batch()?;
        // the collector extracts claims with its own rules; here the built-in rules suffice
        let rules = verbatim::select::claim_rules(
            &store_dir,
            sources.rules.as_deref(),
            None,
            &dir.join("no-sentence-model"),
        )
        .or_batch()?;
        let mut config = config.clone();
        config.date = job.date;
        let outcome =
            Ingester::new(&mut store, config, &rules).ingest_file(&audio, Rc::new(|_| {}))?;
        let mut recording = match outcome {
            Outcome::Added(r) | Outcome::AlreadyPresent(r) => *r,
        };
        let store = Store::open(&store_dir).or_batch()?;
        let transcript = store.transcript(&recording).or_batch()?;
        let speakers = Registry::load(&store_dir)
            .or_batch()?
            .speakers
            .into_iter()
            .filter(|s| s.members.iter().any(|m| m.sha256 == recording.sha256))
            .collect();
        recording.source_path = job.source_path.clone();
        recording.name = job.name.clone();
        recording.transcribed_by = Some(worker.to_string());
        Ok(queue::Outcome {
            job: job.clone(),
            worker: worker.to_string(),
            recording,
            transcript,
            speakers,
        })
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// Where a worker puts a job's audio: a folder of its own under the temporary folder, the
/// file under the last part of the job's name only, so a name never places a file elsewhere.
fn job_audio(job: &queue::Job) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "verbatim-worker-{}-{}",
        std::process::id(),
        &job.sha256[..16]
    ));
    let file = Path::new(&job.name)
        .file_name()
        .map_or_else(|| "audio".into(), |n| n.to_os_string());
    dir.join(file)
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "unknown-host".into())
}
