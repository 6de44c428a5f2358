//! Named moments in a command's work, for crash tests: where a kill is worth testing. With
//! `VERBATIM_PHASES` set, each moment is written to stderr as `phase NAME` (and flushed); with
//! `VERBATIM_HALT_AT=NAME:N` the process also stops still at the N-th `NAME`, so that a test's
//! SIGKILL lands exactly there rather than after a guessed number of milliseconds. Unset (as
//! for every user), a phase costs one environment lookup, done once.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// The moments marked: a recording's speakers named in the registry, its transcript and
/// manifest entry stored, its claims stored, its segment embeddings stored, a batch indexed.
pub const SPEAKERS_NAMED: &str = "speakers-named";
/// See [`SPEAKERS_NAMED`].
pub const STORED: &str = "stored";
/// See [`SPEAKERS_NAMED`].
pub const CLAIMS_STORED: &str = "claims-stored";
/// See [`SPEAKERS_NAMED`].
pub const EMBEDDED: &str = "embedded";
/// See [`SPEAKERS_NAMED`].
pub const INDEXED: &str = "indexed";

struct Settings {
    log: bool,
    halt: Option<(String, usize)>,
}

fn settings() -> &'static Settings {
    static SETTINGS: OnceLock<Settings> = OnceLock::new();
    SETTINGS.get_or_init(|| Settings {
        log: std::env::var_os("VERBATIM_PHASES").is_some(),
        halt: std::env::var("VERBATIM_HALT_AT").ok().and_then(|spec| {
            let (name, n) = spec.rsplit_once(':')?;
            Some((name.to_string(), n.parse().ok()?))
        }),
    })
}

/// Marks that the work has reached `name`.
pub fn reached(name: &str) {
    static SEEN: AtomicUsize = AtomicUsize::new(0);
    let settings = settings();
    if !settings.log && settings.halt.is_none() {
        return;
    }
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "phase {name}");
    let _ = stderr.flush();
    if let Some((halt, n)) = &settings.halt {
        if halt == name && SEEN.fetch_add(1, Ordering::SeqCst) + 1 == *n {
            let _ = writeln!(stderr, "phase halted");
            let _ = stderr.flush();
            loop {
                std::thread::park();
            }
        }
    }
}
