//! One module per subcommand: each turns its clap arguments into a library configuration, calls
//! the library, and prints. Nothing else in the crate knows about the command line.

mod bundle;
mod claims;
mod import;
mod ingest;
mod list;
mod merge;
mod models;
mod queue;
mod quote;
mod relisten;
mod reproduce;
mod review;
mod search;
mod serve;
mod speakers;
mod transcript;
mod verify;

use std::io::{self, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::cli::{Cli, Command};

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Everything worked.
    Success,
    /// Some inputs failed while others worked (or nothing matched).
    Partial,
    /// The command could not do its work.
    Error,
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> ExitCode {
        match status {
            Status::Success => ExitCode::SUCCESS,
            Status::Partial => ExitCode::from(1),
            Status::Error => ExitCode::from(2),
        }
    }
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<Status> {
    let models = verbatim::models::locate(cli.models_dir.as_deref());
    let sources = claims::ClaimSources {
        rules: cli.rules.clone(),
        examples: cli.examples.clone(),
        models_dir: models.path.clone(),
    };
    match cli.command {
        Command::Ingest(args) => ingest::run(&cli.store, &sources, args),
        Command::Import(args) => import::run(&cli.store, &sources, args),
        Command::Queue { command } => queue::run(&cli.store, &sources, command),
        Command::Worker(args) => queue::worker(&sources, args),
        Command::Merge(args) => merge::run(&cli.store, &sources, args),
        Command::Claims(args) => claims::run(&cli.store, &sources, args),
        Command::Timeline(args) => claims::timeline(&cli.store, &sources, args),
        Command::Rules(args) => claims::rules(&cli.store, &sources, args),
        Command::Verify(args) => verify::run(&cli.store, &sources, args),
        Command::Quote(args) => quote::run(&cli.store, args),
        Command::Review(args) => review::review(&cli.store, &sources, args),
        Command::Reviews(args) => review::reviews(&cli.store, &sources, args),
        Command::Relisten(args) => relisten::run(&cli.store, &sources, args),
        Command::Bundle(args) => bundle::run(&cli.store, &sources, args),
        Command::Speakers { command } => speakers::run(&cli.store, &sources, command),
        Command::Serve(args) => serve::run(&cli.store, &sources, args),
        Command::Search(args) => search::run(&cli.store, &sources, args),
        Command::Reindex(args) => search::reindex(&cli.store, &sources, args),
        Command::Transcript(args) => transcript::run(&cli.store, args),
        Command::List(args) => list::run(&cli.store, args),
        Command::Models { command } => models::run(&models, command),
    }
}

/// The library filter of the `--kind`, `--speaker`, `--recording`, `--from` and `--to` options.
pub fn filter(filters: &crate::cli::Filters) -> anyhow::Result<verbatim::select::Filter> {
    Ok(verbatim::select::Filter {
        kind: filters.kind.clone(),
        speaker: filters.speaker.clone(),
        recording: filters.recording.clone(),
        from: filters.from,
        to: filters.to,
        min_score: None,
    })
}

/// True when the error is stdout closing under us (`verbatim ... | head`): not a failure.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Set once stdout has closed under us (`verbatim ... | head -1`).
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes to stdout: every line a command prints goes through here. Once the reader has gone
/// (`| head -1`), later output is dropped quietly and the command carries on to the end, so an
/// ingest of several files still stores them all and exits as it would have.
pub fn print(text: &str) -> anyhow::Result<()> {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return Ok(());
    }
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        result => Ok(result?),
    }
}

/// `println!` through [`print`]: `outln!("{x}")?`.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cmd::print(&format!("{}\n", format_args!($($arg)*)))
    };
}
pub(crate) use outln;
