//! `verbatim serve`: the local web page over the store. Prints the URL as the first line of
//! stdout (tests and scripts read it), warns on stderr when the address is not loopback, then
//! serves until interrupted.

use std::path::Path;

use verbatim::web::Server;

use super::claims::load_rules;
use super::transcript::open_existing;
use super::{print, Status};
use crate::cli::ServeArgs;

pub fn run(
    store_dir: &Path,
    sources: &super::claims::ClaimSources,
    args: ServeArgs,
) -> anyhow::Result<Status> {
    let addr = args.addr;
    open_existing(store_dir)?;
    let rules = load_rules(store_dir, sources)?;
    let server = Server::bind(addr, store_dir, rules)?;
    let bound = server.local_addr();
    if !bound.ip().is_loopback() {
        eprintln!(
            "WARNING: serving on {bound}, which is not a loopback address: anyone who can reach \
             this machine on that port can read every transcript and play every recording in \
             {}. Use --addr 127.0.0.1:PORT to keep it on this machine.",
            store_dir.display()
        );
    }
    print(&format!("http://{bound}\n"))?;
    server.run()?;
    Ok(Status::Success)
}
