//! `verbatim queue` and `verbatim worker` against a real `nats-server -js` on loopback, started
//! and stopped by each test with its own storage folder (`make setup` installs the server).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::Workdir;

/// A `nats-server -js` on a free loopback port, killed when dropped.
struct Server {
    child: Child,
    port: u16,
    storage: PathBuf,
    extra: Vec<String>,
}

impl Server {
    fn start(work: &Workdir, extra: &[&str]) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let storage = work.path().join("nats");
        let extra: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        let child = spawn_server(port, &storage, &extra);
        Server {
            child,
            port,
            storage,
            extra,
        }
    }

    fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Stops the server (SIGKILL) and starts it again on the same port and storage.
    fn restart(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        self.child = spawn_server(self.port, &self.storage, &self.extra);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_server(port: u16, storage: &Path, extra: &[String]) -> Child {
    // Debian puts it in /usr/sbin, which a user's PATH may lack
    let binary = ["/usr/sbin/nats-server", "/usr/bin/nats-server"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .unwrap_or("nats-server");
    let child = Command::new(binary)
        .args(["-js", "-a", "127.0.0.1", "-p", &port.to_string(), "-sd"])
        .arg(storage)
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect(
            "nats-server is not installed: `make setup` installs it (apt-get install nats-server)",
        );
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "nats-server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

/// Every process of a test sees a short acknowledgement wait, so a killed worker's job comes
/// back within seconds.
const ACK_WAIT_S: &str = "4";

fn verbatim(work: &Workdir, args: &[&str]) -> crate::Run {
    let output = work
        .command(args)
        .env("VERBATIM_ACK_WAIT_S", ACK_WAIT_S)
        .output()
        .unwrap();
    crate::Run { output }
}

/// A worker as its own process, its stderr lines sent to the returned channel.
fn worker(work: &Workdir, url: &str, extra: &[&str]) -> (Child, mpsc::Receiver<String>) {
    let mut args = vec![
        "worker",
        "--nats",
        url,
        "--threads",
        "1",
        "--exit-when-idle",
    ];
    args.extend_from_slice(extra);
    let mut child = work
        .command(&args)
        .env("VERBATIM_ACK_WAIT_S", ACK_WAIT_S)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if send.send(line).is_err() {
                break;
            }
        }
    });
    (child, receive)
}

/// The acceptance run: the corpus submitted, two workers, one killed in mid-transcription, a
/// third started, then everything collected: the store equals one ingest of the same files.
#[test]
fn two_workers_one_killed_then_collected_equal_one_ingest() {
    let work = Workdir::new();
    let server = Server::start(&work, &[]);
    let url = server.url();
    let files = crate::corpus_audio_files();
    let mut submit = vec!["queue", "submit", "--nats", &url];
    submit.extend(files.iter().map(|p| p.to_str().unwrap()));
    let out = verbatim(&work, &submit).ok();
    assert!(out.contains("7 submitted, 0 already submitted"), "{out}");
    // the same bytes again: nothing new
    let again = verbatim(
        &work,
        &[
            "queue",
            "submit",
            "--nats",
            &url,
            files[0].to_str().unwrap(),
        ],
    )
    .ok();
    assert!(
        again.contains("0 submitted, 1 already submitted"),
        "{again}"
    );

    let (mut first, first_lines) = worker(&work, &url, &[]);
    let (mut second, second_lines) = worker(&work, &url, &[]);
    // the first worker is killed two seconds into a job
    let killed_job = loop {
        let line = first_lines
            .recv_timeout(Duration::from_secs(120))
            .expect("the first worker takes a job");
        if let Some(rest) = line.strip_prefix("working  ") {
            break rest.split("  sha256:").next().unwrap().to_string();
        }
    };
    std::thread::sleep(Duration::from_secs(2));
    first.kill().unwrap();
    first.wait().unwrap();
    let (mut third, third_lines) = worker(&work, &url, &[]);
    assert!(second.wait().unwrap().success());
    assert!(third.wait().unwrap().success());
    let later: Vec<String> = second_lines
        .try_iter()
        .chain(third_lines.try_iter())
        .collect();
    assert!(
        later
            .iter()
            .any(|l| l.starts_with(&format!("working  {killed_job}  ")) && !l.ends_with("(try 1)")),
        "the killed job ({killed_job}) was not done again: {later:#?}"
    );

    let status = verbatim(
        &work,
        &["queue", "status", "--nats", &url, "--format", "json"],
    )
    .json();
    assert_eq!(status["done"], 7, "{status}");
    assert_eq!(status["pending"], 0, "{status}");
    assert_eq!(status["failed"].as_array().unwrap().len(), 0, "{status}");
    let collected = verbatim(&work, &["queue", "collect", "--nats", &url]).ok();
    assert!(
        collected.contains("7 added, 0 already present, 0 refused"),
        "{collected}"
    );
    assert_eq!(
        crate::merge::contents_up_to_ids(&work),
        crate::merge::contents_up_to_ids(crate::ingest::corpus_store())
    );
    // provenance: the worker that transcribed each, and the same model as a local ingest
    let local_model = crate::ingest::corpus_store().manifest()["recordings"][0]["model"].clone();
    for recording in work.manifest()["recordings"].as_array().unwrap() {
        assert!(
            recording["transcribed_by"]
                .as_str()
                .is_some_and(|w| w.contains(':')),
            "{recording}"
        );
        assert_eq!(recording["model"], local_model);
    }
    let again = verbatim(&work, &["queue", "collect", "--nats", &url]).ok();
    assert!(
        again.contains("0 added, 0 already present, 0 refused"),
        "{again}"
    );
    let status = verbatim(
        &work,
        &["queue", "status", "--nats", &url, "--format", "json"],
    )
    .json();
    assert_eq!(status["collected"], 7, "{status}");
    let verify = verbatim(&work, &["verify"]);
    assert_eq!(verify.code(), 0, "{}{}", verify.stdout(), verify.stderr());
}

/// A file that fails on every try is dead-lettered with its error, and `status` shows it; a
/// finished result survives the server's restart and is collected after it.
#[test]
fn a_corrupt_file_is_dead_lettered_and_a_restart_loses_no_result() {
    let work = Workdir::new();
    let mut server = Server::start(&work, &[]);
    let url = server.url();
    let bad = crate::repo().join("tests/data/bad/not-audio.wav");
    let good = crate::repo().join("tests/data/jfk.wav");
    verbatim(
        &work,
        &[
            "queue",
            "submit",
            "--nats",
            &url,
            bad.to_str().unwrap(),
            good.to_str().unwrap(),
        ],
    )
    .ok();
    let (mut one, lines) = worker(&work, &url, &["--max-tries", "2"]);
    assert!(one.wait().unwrap().success());
    let lines: Vec<String> = lines.try_iter().collect();
    assert!(
        lines.iter().any(|l| l.starts_with("dead     not-audio.wav")
            && l.contains("not a recognised audio file")
            && l.contains("gave up after 2 tries")),
        "{lines:#?}"
    );
    let status = verbatim(&work, &["queue", "status", "--nats", &url]).ok();
    assert!(status.contains("failed       1"), "{status}");
    assert!(
        status.contains("FAILED   not-audio.wav") && status.contains("after 2 tries"),
        "{status}"
    );
    // the error names the file as submitted, not the worker's copy
    assert!(status.contains(bad.to_str().unwrap()), "{status}");

    server.restart();
    let collected = verbatim(&work, &["queue", "collect", "--nats", &url]).ok();
    assert!(
        collected.contains("1 added, 0 already present, 0 refused"),
        "{collected}"
    );
    let transcript = work.run(&["transcript", "jfk.wav"]).ok();
    assert!(
        transcript.contains("ask not what your country can do for you"),
        "{transcript}"
    );
}

mod fast {
    use super::*;

    #[test]
    fn an_unreachable_server_wrong_credentials_and_a_missing_model_are_named() {
        let work = Workdir::new();
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let unreachable = verbatim(
            &work,
            &[
                "queue",
                "status",
                "--nats",
                &format!("nats://127.0.0.1:{closed}"),
            ],
        );
        assert_eq!(unreachable.code(), 2);
        assert!(
            unreachable.stderr().contains("cannot connect"),
            "{}",
            unreachable.stderr()
        );
        // a server elsewhere is not spoken to without credentials
        let remote = verbatim(
            &work,
            &["queue", "status", "--nats", "nats://203.0.113.9:4222"],
        );
        assert_eq!(remote.code(), 2);
        assert!(
            remote.stderr().contains("no credentials"),
            "{}",
            remote.stderr()
        );

        let server = Server::start(&work, &["--user", "ana", "--pass", "right"]);
        let url = server.url();
        let wrong = verbatim(
            &work,
            &[
                "queue",
                "status",
                "--nats",
                &url,
                "--nats-user",
                "ana",
                "--nats-password",
                "wrong",
            ],
        );
        assert_eq!(wrong.code(), 2);
        assert!(
            wrong.stderr().to_lowercase().contains("authoriz"),
            "{}",
            wrong.stderr()
        );
        let right = verbatim(
            &work,
            &[
                "queue",
                "status",
                "--nats",
                &url,
                "--nats-user",
                "ana",
                "--nats-password",
                "right",
            ],
        )
        .ok();
        assert!(right.contains("pending      0"), "{right}");
        // a worker without its model says what is missing before it takes a job
        let no_model = verbatim(
            &work,
            &[
                "worker",
                "--nats",
                &url,
                "--nats-user",
                "ana",
                "--nats-password",
                "right",
                "--model",
                "no-such-model",
                "--exit-when-idle",
            ],
        );
        assert_eq!(no_model.code(), 2);
        assert!(
            no_model.stderr().contains("not found") && no_model.stderr().contains("models fetch"),
            "{}",
            no_model.stderr()
        );
    }
}
