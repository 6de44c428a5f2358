//! The `verbatim` binary: parse the command line, run it, print the error chain, exit.
//! Exit codes: 0 success; 1 some inputs failed (or, for queries, nothing matched); 2 error.

mod cli;
mod cmd;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
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
