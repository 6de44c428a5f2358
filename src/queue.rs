//! Transcription past one machine, on NATS JetStream: `verbatim queue submit` puts each audio
//! file into an object store under its SHA-256 and enqueues one job for it; any number of
//! `verbatim worker`s pull jobs, run the ingest pipeline on the audio and publish the result;
//! `verbatim queue collect` merges finished results into the local store; `verbatim queue
//! status` says where every job is.
//!
//! What lives on the server (all created on first use, file-backed):
//! - the object store [`BUCKET`]: the audio, one object per SHA-256;
//! - the stream [`JOBS`] (work-queue retention, subjects `verbatim.jobs.<sha256>`), read by
//!   the durable pull consumer [`WORKERS`]: a job is removed only once a worker acknowledges
//!   it, after publishing its result; a worker killed mid-job never acknowledges, and the job
//!   is delivered again once the acknowledgement wait has passed (workers send progress while
//!   they transcribe, so a long recording is not redelivered while it is being worked on);
//! - the stream [`RESULTS`] (`verbatim.results.<sha256>`), read by the durable consumer
//!   [`COLLECTOR`]: results stay there after collection, so a lost store can be collected again;
//! - the stream [`DEAD`] (`verbatim.dead.<sha256>`): a job that failed on `max_deliver` tries,
//!   with its error;
//! - the key-value bucket [`WORKING`]: which worker holds which job, since when.
//!
//! Publishing a job or a result carries its SHA-256 as the message id, so the server drops a
//! duplicate sent within its window; past that, submitting the same bytes again is refused
//! because the object is already there, and a result collected twice finds the recording
//! already stored. Results are checked against their job's SHA-256 before they are collected.

use std::path::{Path, PathBuf};

use std::time::Duration;

use async_nats::jetstream::{self, consumer::pull, stream, AckKind};
use async_nats::HeaderMap;
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::error::{Error, Result};
use crate::model::{Recording, Transcript};
use crate::speakers::registry::Speaker;

time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");

/// The object store holding the audio.
pub const BUCKET: &str = "verbatim-audio";
/// The work-queue stream of jobs.
pub const JOBS: &str = "VERBATIM_JOBS";
/// The stream of finished results.
pub const RESULTS: &str = "VERBATIM_RESULTS";
/// The stream of jobs that failed on every try.
pub const DEAD: &str = "VERBATIM_DEAD";
/// The workers' durable consumer on [`JOBS`].
pub const WORKERS: &str = "workers";
/// The collector's durable consumer on [`RESULTS`].
pub const COLLECTOR: &str = "collector";
/// The key-value bucket of jobs in progress.
pub const WORKING: &str = "verbatim-working";

/// How to reach and authenticate to the server.
#[derive(Debug, Clone, Default)]
pub struct Connection {
    /// `nats://host:port` (or `tls://`), possibly with `user:password@`.
    pub url: String,
    /// A credentials file (JWT and seed).
    pub creds: Option<PathBuf>,
    /// A user and password.
    pub user: Option<(String, String)>,
    /// A token.
    pub token: Option<String>,
    /// An nkey seed.
    pub nkey: Option<String>,
    /// A CA certificate to trust for TLS.
    pub tls_ca: Option<PathBuf>,
    /// Allow connecting without credentials to a server that is not on this machine.
    pub allow_anonymous: bool,
}

/// One job: a recording to transcribe.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    /// SHA-256 of the audio (the object's name).
    pub sha256: String,
    /// The file's name as submitted.
    pub name: String,
    /// Its path on the submitting machine, recorded as the recording's source.
    pub source_path: String,
    /// Its size.
    pub size_bytes: u64,
    /// A recording date given with `--date` at submission.
    #[serde(default, with = "iso_date::option")]
    pub date: Option<Date>,
    /// When it was submitted.
    #[serde(with = "time::serde::rfc3339")]
    pub submitted_at: OffsetDateTime,
}

/// What a worker made of a job.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Outcome {
    /// The job.
    pub job: Job,
    /// The worker (host and process).
    pub worker: String,
    /// The recording's provenance as ingest records it (source path: the submitted one).
    pub recording: Recording,
    /// Its transcript, speakers named by the worker's own ids.
    pub transcript: Transcript,
    /// The worker's speakers in this recording, with their voice centroids.
    pub speakers: Vec<Speaker>,
}

/// A job that failed on every try.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeadLetter {
    /// The job.
    pub job: Job,
    /// The last error.
    pub error: String,
    /// The worker that gave up.
    pub worker: String,
    /// Tries made.
    pub tries: i64,
}

/// A job a worker holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Working {
    /// The worker.
    pub worker: String,
    /// Since when.
    #[serde(with = "time::serde::rfc3339")]
    pub since: OffsetDateTime,
}

/// A client and its JetStream context, with a runtime to drive them from synchronous code.
pub struct Queue {
    runtime: tokio::runtime::Runtime,
    jetstream: jetstream::Context,
    url: String,
}

fn nats_error(url: &str, what: &str, e: impl std::fmt::Display) -> Error {
    Error::Input(format!("NATS server {url}: {what}: {e}"))
}

impl Queue {
    /// Connects and makes sure the streams, consumers and buckets exist.
    pub fn connect(connection: &Connection) -> Result<Queue> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .map_err(|e| Error::Input(format!("cannot start the NATS client: {e}")))?;
        let url = connection.url.clone();
        let has_credentials = connection.creds.is_some()
            || connection.user.is_some()
            || connection.token.is_some()
            || connection.nkey.is_some()
            || url.contains('@');
        if !has_credentials && !connection.allow_anonymous && !is_loopback(&url) {
            return Err(Error::Usage(format!(
                "NATS server {url} is not on this machine and no credentials were given \
                 (--nats-creds, --nats-user/--nats-password, --nats-token or --nats-nkey); \
                 --nats-anonymous connects without them"
            )));
        }
        let jetstream = runtime.block_on(async {
            let mut options = match (&connection.user, &connection.token, &connection.nkey) {
                (Some((user, password)), _, _) => {
                    async_nats::ConnectOptions::with_user_and_password(
                        user.clone(),
                        password.clone(),
                    )
                }
                (_, Some(token), _) => async_nats::ConnectOptions::with_token(token.clone()),
                (_, _, Some(seed)) => async_nats::ConnectOptions::with_nkey(seed.clone()),
                _ => async_nats::ConnectOptions::new(),
            };
            if let Some(creds) = &connection.creds {
                options = options
                    .credentials_file(creds.clone())
                    .await
                    .map_err(|e| nats_error(&url, "reading the credentials file", e))?;
            }
            if let Some(ca) = &connection.tls_ca {
                options = options.add_root_certificates(ca.clone()).require_tls(true);
            }
            let client = options
                .name("verbatim")
                .connection_timeout(Duration::from_secs(5))
                .connect(url.as_str())
                .await
                .map_err(|e| nats_error(&url, "cannot connect", e))?;
            let jetstream = jetstream::new(client);
            ensure_layout(&jetstream, &url).await?;
            Ok::<_, Error>(jetstream)
        })?;
        Ok(Queue {
            runtime,
            jetstream,
            url,
        })
    }

    /// Puts one file's audio and its job on the queue; `Ok(false)` when these bytes were
    /// submitted already (nothing is sent).
    pub fn submit(&self, path: &Path, sha256: &str, date: Option<Date>) -> Result<bool> {
        let url = &self.url;
        self.runtime.block_on(async {
            let bucket = self
                .jetstream
                .get_object_store(BUCKET)
                .await
                .map_err(|e| nats_error(url, "the audio bucket", e))?;
            if bucket.info(sha256).await.is_ok() {
                return Ok(false);
            }
            let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
            bucket
                .put(sha256, &mut &bytes[..])
                .await
                .map_err(|e| nats_error(url, "storing the audio", e))?;
            let job = Job {
                sha256: sha256.to_string(),
                name: path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into(),
                ),
                source_path: std::path::absolute(path)
                    .unwrap_or_else(|_| path.to_path_buf())
                    .display()
                    .to_string(),
                size_bytes: bytes.len() as u64,
                date,
                submitted_at: OffsetDateTime::now_utc(),
            };
            publish(
                &self.jetstream,
                url,
                &format!("verbatim.jobs.{sha256}"),
                sha256,
                &job,
            )
            .await?;
            Ok(true)
        })
    }

    /// Waits up to `wait` for a job; `None` when there is none.
    pub fn next_job(&self, wait: Duration) -> Result<Option<Delivery>> {
        let url = &self.url;
        self.runtime.block_on(async {
            let consumer: jetstream::consumer::Consumer<pull::Config> = self
                .jetstream
                .get_consumer_from_stream(WORKERS, JOBS)
                .await
                .map_err(|e| nats_error(url, "the workers' consumer", e))?;
            let mut batch = consumer
                .fetch()
                .max_messages(1)
                .expires(wait)
                .messages()
                .await
                .map_err(|e| nats_error(url, "fetching a job", e))?;
            let Some(message) = batch.next().await else {
                return Ok(None);
            };
            let message = message.map_err(|e| nats_error(url, "fetching a job", e))?;
            let job: Job = serde_json::from_slice(&message.payload).map_err(|e| {
                Error::Input(format!("NATS server {url}: a job that is not JSON: {e}"))
            })?;
            if job.sha256.len() != 64 || !job.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
                // not a job `submit` writes: removed, never worked on
                let _ = message.ack_with(AckKind::Term).await;
                return Err(Error::Input(format!(
                    "NATS server {url}: a job without a SHA-256 ({:?}) was removed",
                    job.sha256
                )));
            }
            let tries = message.info().map(|i| i.delivered).unwrap_or(1);
            Ok(Some(Delivery {
                job,
                tries,
                message,
            }))
        })
    }

    /// True when no job waits and none is held by a worker (a job whose worker died counts as
    /// held until its acknowledgement wait has passed and it waits again).
    pub fn idle(&self) -> Result<bool> {
        let url = &self.url;
        self.runtime.block_on(async {
            let mut consumer: jetstream::consumer::Consumer<pull::Config> = self
                .jetstream
                .get_consumer_from_stream(WORKERS, JOBS)
                .await
                .map_err(|e| nats_error(url, "the workers' consumer", e))?;
            let info = consumer
                .info()
                .await
                .map_err(|e| nats_error(url, "the workers' consumer", e))?;
            Ok(info.num_pending == 0 && info.num_ack_pending == 0)
        })
    }

    /// The audio of `job`, written to `to`, checked against its SHA-256.
    pub fn fetch_audio(&self, job: &Job, to: &Path) -> Result<()> {
        let url = &self.url;
        self.runtime.block_on(async {
            use tokio::io::AsyncReadExt;
            let bucket = self
                .jetstream
                .get_object_store(BUCKET)
                .await
                .map_err(|e| nats_error(url, "the audio bucket", e))?;
            let mut object = bucket
                .get(&job.sha256)
                .await
                .map_err(|e| nats_error(url, &format!("the audio of {}", job.name), e))?;
            let mut bytes = Vec::new();
            object
                .read_to_end(&mut bytes)
                .await
                .map_err(|e| nats_error(url, &format!("reading the audio of {}", job.name), e))?;
            let sha256 = crate::hash::sha256_hex(&bytes);
            if sha256 != job.sha256 {
                return Err(Error::Input(format!(
                    "{}: the audio fetched has SHA-256 {sha256}, not the job's {}",
                    job.name, job.sha256
                )));
            }
            std::fs::write(to, &bytes).map_err(|e| Error::io(to, e))
        })
    }

    /// Tells the server the job is still being worked on, so it is not delivered again.
    pub fn keep_alive(&self, delivery: &Delivery) {
        let _ = self
            .runtime
            .block_on(delivery.message.ack_with(AckKind::Progress));
    }

    /// Records that `worker` holds the job (for `status`).
    pub fn mark_working(&self, job: &Job, worker: &str) -> Result<()> {
        let url = &self.url;
        let working = Working {
            worker: worker.to_string(),
            since: OffsetDateTime::now_utc(),
        };
        self.runtime.block_on(async {
            let kv = self
                .jetstream
                .get_key_value(WORKING)
                .await
                .map_err(|e| nats_error(url, "the working bucket", e))?;
            kv.put(
                &job.sha256,
                serde_json::to_vec(&working).expect("serializes").into(),
            )
            .await
            .map_err(|e| nats_error(url, "recording the job in progress", e))?;
            Ok(())
        })
    }

    /// Publishes a result, then acknowledges its job (in that order: a crash between them
    /// redoes the job, and the duplicate result is dropped by its message id or at collect).
    pub fn finish(&self, delivery: Delivery, outcome: &Outcome) -> Result<()> {
        let url = &self.url;
        let sha256 = &delivery.job.sha256;
        self.runtime.block_on(async {
            publish(
                &self.jetstream,
                url,
                &format!("verbatim.results.{sha256}"),
                sha256,
                outcome,
            )
            .await?;
            delivery
                .message
                .double_ack()
                .await
                .map_err(|e| nats_error(url, "acknowledging the job", e))?;
            self.clear_working(sha256).await;
            Ok(())
        })
    }

    /// A job failed: tried again later, or, on its `max_tries`-th try, dead-lettered with its
    /// error and removed from the queue. Returns true when it was dead-lettered.
    pub fn fail(
        &self,
        delivery: Delivery,
        error: &str,
        worker: &str,
        max_tries: i64,
    ) -> Result<bool> {
        let url = &self.url;
        let sha256 = delivery.job.sha256.clone();
        self.runtime.block_on(async {
            self.clear_working(&sha256).await;
            if delivery.tries < max_tries {
                delivery
                    .message
                    .ack_with(AckKind::Nak(Some(Duration::from_secs(1))))
                    .await
                    .map_err(|e| nats_error(url, "returning the job", e))?;
                return Ok(false);
            }
            let letter = DeadLetter {
                job: delivery.job.clone(),
                error: error.to_string(),
                worker: worker.to_string(),
                tries: delivery.tries,
            };
            publish(
                &self.jetstream,
                url,
                &format!("verbatim.dead.{sha256}"),
                &sha256,
                &letter,
            )
            .await?;
            delivery
                .message
                .ack_with(AckKind::Term)
                .await
                .map_err(|e| nats_error(url, "removing the failed job", e))?;
            Ok(true)
        })
    }

    async fn clear_working(&self, sha256: &str) {
        if let Ok(kv) = self.jetstream.get_key_value(WORKING).await {
            let _ = kv.delete(sha256).await;
        }
    }

    /// Takes every result not yet collected, in order, handing each to `collect`; a result is
    /// acknowledged once `collect` returns `Ok`.
    pub fn collect(&self, mut collect: impl FnMut(Result<Outcome>) -> Result<()>) -> Result<usize> {
        let url = &self.url;
        self.runtime.block_on(async {
            let consumer: jetstream::consumer::Consumer<pull::Config> = self
                .jetstream
                .get_consumer_from_stream(COLLECTOR, RESULTS)
                .await
                .map_err(|e| nats_error(url, "the collector's consumer", e))?;
            let mut count = 0;
            loop {
                let mut batch = consumer
                    .fetch()
                    .max_messages(16)
                    .expires(Duration::from_millis(500))
                    .messages()
                    .await
                    .map_err(|e| nats_error(url, "fetching results", e))?;
                let mut any = false;
                while let Some(message) = batch.next().await {
                    let message = message.map_err(|e| nats_error(url, "fetching results", e))?;
                    any = true;
                    let subject_sha = message.subject.as_str().rsplit('.').next().unwrap_or("");
                    let outcome = serde_json::from_slice::<Outcome>(&message.payload)
                        .map_err(|e| Error::Input(format!("a result that is not one: {e}")))
                        .and_then(|o| check_outcome(o, subject_sha));
                    collect(outcome)?;
                    message
                        .double_ack()
                        .await
                        .map_err(|e| nats_error(url, "acknowledging a result", e))?;
                    count += 1;
                }
                if !any {
                    return Ok(count);
                }
            }
        })
    }

    /// Where every job is.
    pub fn status(&self) -> Result<Status> {
        let url = &self.url;
        self.runtime.block_on(async {
            let js = &self.jetstream;
            let messages = |name: &'static str| async move {
                let mut stream = js
                    .get_stream(name)
                    .await
                    .map_err(|e| nats_error(url, name, e))?;
                let info = stream.info().await.map_err(|e| nats_error(url, name, e))?;
                Ok::<u64, Error>(info.state.messages)
            };
            let queued = messages(JOBS).await?;
            let done = messages(RESULTS).await?;
            let mut collector: jetstream::consumer::Consumer<pull::Config> = js
                .get_consumer_from_stream(COLLECTOR, RESULTS)
                .await
                .map_err(|e| nats_error(url, "the collector's consumer", e))?;
            let collected = collector
                .info()
                .await
                .map_err(|e| nats_error(url, "the collector's consumer", e))?
                .ack_floor
                .stream_sequence;
            let mut in_progress = Vec::new();
            if let Ok(kv) = js.get_key_value(WORKING).await {
                if let Ok(mut keys) = kv.keys().await {
                    while let Some(Ok(key)) = keys.next().await {
                        if let Ok(Some(value)) = kv.get(&key).await {
                            if let Ok(working) = serde_json::from_slice::<Working>(&value) {
                                in_progress.push((key, working));
                            }
                        }
                    }
                }
            }
            let mut failed = Vec::new();
            let dead = js
                .get_stream(DEAD)
                .await
                .map_err(|e| nats_error(url, DEAD, e))?;
            let mut sequence = 1;
            let last = {
                let mut dead = dead.clone();
                dead.info()
                    .await
                    .map_err(|e| nats_error(url, DEAD, e))?
                    .state
                    .last_sequence
            };
            while sequence <= last {
                if let Ok(raw) = dead.get_raw_message(sequence).await {
                    if let Ok(letter) = serde_json::from_slice::<DeadLetter>(&raw.payload) {
                        failed.push(letter);
                    }
                }
                sequence += 1;
            }
            Ok(Status {
                pending: queued.saturating_sub(in_progress.len() as u64),
                in_progress,
                done,
                collected: collected.min(done),
                failed,
            })
        })
    }
}

/// Where the jobs are (see [`Queue::status`]).
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    /// Jobs waiting for a worker.
    pub pending: u64,
    /// Jobs a worker holds: (SHA-256, who and since when).
    pub in_progress: Vec<(String, Working)>,
    /// Results published.
    pub done: u64,
    /// Results collected into a store.
    pub collected: u64,
    /// Jobs that failed on every try, with their errors.
    pub failed: Vec<DeadLetter>,
}

/// A job as delivered to a worker.
pub struct Delivery {
    /// The job.
    pub job: Job,
    /// How many times it has been delivered, this one included.
    pub tries: i64,
    message: jetstream::Message,
}

/// A result whose recording, transcript and job agree with each other and with the subject
/// it came on.
fn check_outcome(outcome: Outcome, subject_sha: &str) -> Result<Outcome> {
    let sha = &outcome.job.sha256;
    if outcome.recording.sha256 != *sha || outcome.transcript.sha256 != *sha || subject_sha != sha {
        return Err(Error::Input(format!(
            "a result for {} does not match its job's SHA-256 {sha} (recording {}, transcript \
             {}): not collected",
            outcome.job.name, outcome.recording.sha256, outcome.transcript.sha256
        )));
    }
    Ok(outcome)
}

async fn publish<T: Serialize>(
    jetstream: &jetstream::Context,
    url: &str,
    subject: &str,
    id: &str,
    value: &T,
) -> Result<()> {
    let mut headers = HeaderMap::new();
    headers.insert("Nats-Msg-Id", id);
    let payload = serde_json::to_vec(value).expect("queue messages serialize");
    jetstream
        .publish_with_headers(subject.to_string(), headers, payload.into())
        .await
        .map_err(|e| nats_error(url, &format!("publishing to {subject}"), e))?
        .await
        .map_err(|e| nats_error(url, &format!("publishing to {subject}"), e))?;
    Ok(())
}

/// The streams, consumers and buckets, created where missing.
async fn ensure_layout(js: &jetstream::Context, url: &str) -> Result<()> {
    let fail = |what: &str, e: &dyn std::fmt::Display| nats_error(url, what, e);
    for (name, subjects, retention) in [
        (JOBS, "verbatim.jobs.>", stream::RetentionPolicy::WorkQueue),
        (
            RESULTS,
            "verbatim.results.>",
            stream::RetentionPolicy::Limits,
        ),
        (DEAD, "verbatim.dead.>", stream::RetentionPolicy::Limits),
    ] {
        js.get_or_create_stream(stream::Config {
            name: name.to_string(),
            subjects: vec![subjects.to_string()],
            retention,
            storage: stream::StorageType::File,
            duplicate_window: Duration::from_secs(120),
            ..Default::default()
        })
        .await
        .map_err(|e| fail(&format!("creating the stream {name}"), &e))?;
    }
    let jobs = js
        .get_stream(JOBS)
        .await
        .map_err(|e| fail("the jobs stream", &e))?;
    jobs.get_or_create_consumer(
        WORKERS,
        pull::Config {
            durable_name: Some(WORKERS.to_string()),
            ack_policy: jetstream::consumer::AckPolicy::Explicit,
            ack_wait: ack_wait(),
            ..Default::default()
        },
    )
    .await
    .map_err(|e| fail("creating the workers' consumer", &e))?;
    let results = js
        .get_stream(RESULTS)
        .await
        .map_err(|e| fail("the results stream", &e))?;
    results
        .get_or_create_consumer(
            COLLECTOR,
            pull::Config {
                durable_name: Some(COLLECTOR.to_string()),
                ack_policy: jetstream::consumer::AckPolicy::Explicit,
                ..Default::default()
            },
        )
        .await
        .map_err(|e| fail("creating the collector's consumer", &e))?;
    if js.get_object_store(BUCKET).await.is_err() {
        js.create_object_store(jetstream::object_store::Config {
            bucket: BUCKET.to_string(),
            storage: stream::StorageType::File,
            ..Default::default()
        })
        .await
        .map_err(|e| fail("creating the audio bucket", &e))?;
    }
    if js.get_key_value(WORKING).await.is_err() {
        js.create_key_value(jetstream::kv::Config {
            bucket: WORKING.to_string(),
            storage: stream::StorageType::File,
            ..Default::default()
        })
        .await
        .map_err(|e| fail("creating the working bucket", &e))?;
    }
    Ok(())
}

/// How long a job may go without a word from its worker before it is delivered again:
/// `VERBATIM_ACK_WAIT_S` (seconds), else 60 s. Workers report progress far more often.
pub fn ack_wait() -> Duration {
    std::env::var("VERBATIM_ACK_WAIT_S")
        .ok()
        .and_then(|s| s.parse().ok())
        .map_or(Duration::from_secs(60), Duration::from_secs)
}

/// Whether the URL's host is this machine.
fn is_loopback(url: &str) -> bool {
    let host = url
        .split("://")
        .last()
        .unwrap_or(url)
        .rsplit('@')
        .next()
        .unwrap_or("");
    let host = host.split([',', '/']).next().unwrap_or("");
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(h, _)| h),
    };
    matches!(host, "localhost" | "127.0.0.1" | "::1") || host.starts_with("127.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_is_collected_only_when_every_sha256_is_its_jobs() {
        let sha = "a".repeat(64);
        let other = "b".repeat(64);
        let outcome = |recording: &str, transcript: &str| Outcome {
            job: Job {
                sha256: sha.clone(),
                name: "call.wav".into(),
                source_path: "/in/call.wav".into(),
                size_bytes: 10,
                date: None,
                submitted_at: OffsetDateTime::UNIX_EPOCH,
            },
            worker: "host:1".into(),
            recording: crate::model::sample_recording("call.wav", recording),
            transcript: Transcript {
                sha256: transcript.into(),
                language: "en".into(),
                segments: Vec::new(),
                faint_activity: Vec::new(),
            },
            speakers: Vec::new(),
        };
        assert!(check_outcome(outcome(&sha, &sha), &sha).is_ok());
        for (recording, transcript, subject) in [
            (&other, &sha, &sha),
            (&sha, &other, &sha),
            (&sha, &sha, &other),
        ] {
            let refused = check_outcome(outcome(recording, transcript), subject).unwrap_err();
            assert!(
                refused
                    .to_string()
                    .contains("does not match its job's SHA-256"),
                "{refused}"
            );
        }
    }

    #[test]
    fn only_loopback_hosts_count_as_this_machine() {
        for url in [
            "nats://127.0.0.1:4222",
            "localhost:4222",
            "nats://u:p@localhost",
            "nats://[::1]:4222",
        ] {
            assert!(is_loopback(url), "{url}");
        }
        for url in [
            "nats://10.0.0.5:4222",
            "tls://nats.example.org",
            "demo.nats.io",
        ] {
            assert!(!is_loopback(url), "{url}");
        }
    }
}
