//! Transcription on NATS workers (`verbatim-bench queue`): the corpus submitted to a real
//! `nats-server -js` on loopback, then 1 and then 2 workers (`--threads 1` each) until the
//! queue is empty: wall time and throughput (audio seconds per second); then `queue collect`
//! into a fresh store: its cost per recording.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::AudioSetup;

pub fn queue_bench(setup: &AudioSetup) -> anyhow::Result<()> {
    let Some(server) = ["/usr/sbin/nats-server", "/usr/bin/nats-server"]
        .into_iter()
        .find(|p| Path::new(p).exists())
    else {
        println!("queue: skipped, nats-server is not installed (`make setup`)");
        return Ok(());
    };
    let corpus = setup.root.join("corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&corpus)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    files.retain(|p| verbatim::audio::has_audio_extension(p));
    files.sort();
    let audio_s = 619.0;
    println!(
        "queue ({} corpus recordings, {audio_s:.0} s of audio, workers at --threads 1):",
        files.len()
    );
    println!("| workers | wall | throughput (audio s / s) | collect, per recording |");
    println!("|---|---|---|---|");
    for workers in [1, 2] {
        let dir = setup.out.join(format!("queue-{workers}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let mut nats = Command::new(server)
            .args(["-js", "-a", "127.0.0.1", "-p", &port.to_string(), "-sd"])
            .arg(dir.join("nats"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            anyhow::ensure!(
                started.elapsed() < Duration::from_secs(10),
                "nats-server did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let url = format!("nats://127.0.0.1:{port}");
        let verbatim = |args: &[&str]| {
            let mut command = Command::new(&setup.verbatim);
            command
                .args(args)
                .env("VERBATIM_MODELS", setup.root.join("models"))
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            command
        };
        let mut submit = vec!["queue", "submit", "--nats", &url];
        submit.extend(files.iter().filter_map(|p| p.to_str()));
        anyhow::ensure!(verbatim(&submit).status()?.success(), "queue submit failed");
        let started = Instant::now();
        let children: Vec<Child> = (0..workers)
            .map(|_| {
                verbatim(&[
                    "worker",
                    "--nats",
                    &url,
                    "--threads",
                    "1",
                    "--exit-when-idle",
                ])
                .spawn()
            })
            .collect::<Result<_, _>>()?;
        for mut child in children {
            anyhow::ensure!(child.wait()?.success(), "a worker failed");
        }
        let wall = started.elapsed().as_secs_f64();
        let store = dir.join("store");
        let started = Instant::now();
        anyhow::ensure!(
            verbatim(&[
                "--store",
                store.to_str().unwrap_or_default(),
                "queue",
                "collect",
                "--nats",
                &url
            ])
            .status()?
            .success(),
            "queue collect failed"
        );
        let collect = started.elapsed().as_secs_f64();
        let _ = nats.kill();
        let _ = nats.wait();
        println!(
            "| {workers} | {wall:.1} s | {:.1} | {:.2} s |",
            audio_s / wall,
            collect / files.len() as f64
        );
    }
    Ok(())
}
