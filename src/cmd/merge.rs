//! `verbatim merge`: other stores' recordings, speakers, second listens and reviews brought into
//! this store; one line per recording and a summary per store; a store that cannot be merged is
//! reported and the next one is merged.

use std::path::Path;

use anyhow::Context;
use verbatim::pipeline::{merge_store, sync};
use verbatim::store::Store;

use super::Status;
use crate::cli::MergeArgs;

pub fn run(
    store_dir: &Path,
    sources: &super::claims::ClaimSources,
    args: MergeArgs,
) -> anyhow::Result<Status> {
    let mut store = Store::open(store_dir)
        .with_context(|| format!("opening the evidence store {}", store_dir.display()))?;
    let rules = super::claims::load_rules(store_dir, sources)?;
    super::claims::prepare_model(&rules)?;
    // what a crash left half done here is mended first, as import does
    sync(&store, &rules)?;
    let (mut added, mut present, mut failed) = (0, 0, 0);
    for other in &args.stores {
        match merge_store(&mut store, &rules, other) {
            Ok(merged) => {
                let mut text = String::new();
                for r in &merged.added {
                    text.push_str(&format!("added    {}  sha256:{}\n", r.name, r.short_hash()));
                }
                for r in &merged.present {
                    text.push_str(&format!(
                        "present  {}  sha256:{}  already stored\n",
                        r.name,
                        r.short_hash()
                    ));
                }
                for (id, name) in &merged.named {
                    text.push_str(&format!(
                        "named    {id} {name:?}, as in {}\n",
                        other.display()
                    ));
                }
                for note in &merged.notes {
                    text.push_str(&format!("note     {note}\n"));
                }
                text.push_str(&format!(
                    "merged   {}: {} added, {} already present, {} review entries appended, \
                     second listens of {} recordings copied\n",
                    other.display(),
                    merged.added.len(),
                    merged.present.len(),
                    merged.reviews,
                    merged.second_listens
                ));
                super::print(&text)?;
                added += merged.added.len();
                present += merged.present.len();
            }
            Err(error) => {
                eprintln!("failed   {error}");
                failed += 1;
            }
        }
    }
    super::print(&format!(
        "{added} added, {present} already present, {failed} stores failed; store {}\n",
        store_dir.display()
    ))?;
    Ok(if failed > 0 {
        Status::Partial
    } else {
        Status::Success
    })
}
