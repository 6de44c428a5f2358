//! The `verbatim` binary: parse the command line, run it, print the error chain, exit.
//! Exit codes: 0 success; 1 some inputs failed (or, for queries, nothing matched); 2 error.

mod cli;
mod cmd;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    // every write to a store is journaled with the command that made it
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    verbatim::journal::set_reason(format!("verbatim {}", args.join(" ")));
    match cmd::run(cli) {
        Ok(code) => code.into(),
        Err(error) => {
            if cmd::is_broken_pipe(&error) {
                return ExitCode::SUCCESS;
            }
            eprintln!("verbatim: error: {error:#}");
            cmd::Status::Error.into()
        }
    }
}
