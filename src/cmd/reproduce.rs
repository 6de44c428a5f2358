//! `verbatim verify --reproduce`: each chosen recording transcribed again from its source with
//! the model and settings its provenance records, compared word for word with the stored
//! transcript (see `verbatim::reproduce`).

use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;

use serde::Serialize;
use verbatim::audio::silero::Silero;
use verbatim::model::{hms, Recording};
use verbatim::relisten::source_samples;
use verbatim::reproduce::{self, Comparison, Recipe};
use verbatim::store::Store;
use verbatim::transcribe::{WhisperModel, WordTimes};

/// One recording's reproduction.
#[derive(Debug, Serialize)]
pub struct Reproduction {
    /// The recording's name.
    pub recording: String,
    /// Its source's SHA-256.
    pub sha256: String,
    /// `reproduced`, `differs` or `skipped`.
    pub status: &'static str,
    /// The model it was transcribed with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The threads Whisper ran on now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threads: Option<usize>,
    /// The threads recorded at ingest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recorded_threads: Option<usize>,
    /// The comparison, when it was transcribed again.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub comparison: Option<Comparison>,
    /// Why it was skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Reproduction {
    /// True when it was transcribed again to the same words, times and probabilities.
    pub fn reproduced(&self) -> bool {
        self.status == "reproduced"
    }

    fn skipped(recording: &Recording, reason: String) -> Reproduction {
        Reproduction {
            recording: recording.name.clone(),
            sha256: recording.sha256.clone(),
            status: "skipped",
            model: recording.model.as_ref().map(|m| m.name.clone()),
            threads: None,
            recorded_threads: recording.settings.as_ref().map(|s| s.threads),
            comparison: None,
            reason: Some(reason),
        }
    }
}

/// Transcribes each of `recordings` again and compares; one that cannot be (no source, no
/// model, unreadable settings) is skipped with its reason while the rest carry on.
pub fn run(
    store: &Store,
    recordings: &[&Recording],
    root: &Path,
    models_dir: &Path,
    threads: Option<usize>,
) -> anyhow::Result<Vec<Reproduction>> {
    // the model last loaded, by its SHA-256: found and hashed once, not once a recording
    let mut loaded: Option<(String, WordTimes, WhisperModel)> = None;
    let mut out = Vec::new();
    for recording in recordings {
        eprintln!("reproducing {}", recording.name);
        match reproduce_one(store, recording, root, models_dir, threads, &mut loaded) {
            Ok(reproduction) => out.push(reproduction),
            Err(reason) => out.push(Reproduction::skipped(recording, reason)),
        }
    }
    Ok(out)
}

fn reproduce_one(
    store: &Store,
    recording: &Recording,
    root: &Path,
    models_dir: &Path,
    threads: Option<usize>,
    loaded: &mut Option<(String, WordTimes, WhisperModel)>,
) -> Result<Reproduction, String> {
    if let Some(reason) = reproduce::cannot_reproduce(recording) {
        return Err(reason);
    }
    let (Some(info), Some(settings)) = (&recording.model, &recording.settings) else {
        return Err("its provenance records no model or settings".into());
    };
    let mut recipe = Recipe::from_settings(settings)?;
    if let Some(threads) = threads {
        recipe.options.threads = threads.max(1);
    }
    let stored = store
        .transcript(recording)
        .map_err(|e| format!("reading its stored transcript: {e}"))?;
    let fresh =
        !matches!(loaded, Some((sha, w, _)) if *sha == info.sha256 && *w == recipe.word_times);
    if fresh {
        let path = reproduce::find_model(models_dir, &info.name, &info.sha256)
            .map_err(|e| e.to_string())?;
        let model = WhisperModel::load_with(&path, recipe.word_times).map_err(|e| e.to_string())?;
        *loaded = Some((info.sha256.clone(), recipe.word_times, model));
    }
    let model = &loaded.as_ref().expect("a model was just loaded").2;
    let samples = source_samples(recording, root).map_err(|e| e.to_string())?;
    let second = if recipe.gap_check {
        let path = verbatim::models::silero::weights_path(models_dir);
        Some(Arc::new(Silero::load(&path).map_err(|e| e.to_string())?))
    } else {
        None
    };
    let speech = reproduce::speech(&samples, &recipe, second);
    let source = root.join(&recording.source_path);
    let heard = model
        .transcribe(
            &source,
            &samples,
            speech.as_ref(),
            &recipe.options,
            Rc::new(|_| {}),
        )
        .map_err(|e| e.to_string())?;
    let comparison = reproduce::compare(&stored, &heard);
    Ok(Reproduction {
        recording: recording.name.clone(),
        sha256: recording.sha256.clone(),
        status: if comparison.identical() {
            "reproduced"
        } else {
            "differs"
        },
        model: Some(info.name.clone()),
        threads: Some(recipe.options.threads),
        recorded_threads: Some(settings.threads),
        comparison: Some(comparison),
        reason: None,
    })
}

/// The reproductions as lines, with a summary.
pub fn table(reproductions: &[Reproduction]) -> String {
    let mut out = String::new();
    for r in reproductions {
        let threads = r.threads.unwrap_or(0);
        let how = format!(
            "{}, {threads} thread{}{}",
            r.model.as_deref().unwrap_or("?"),
            if threads == 1 { "" } else { "s" },
            match (r.threads, r.recorded_threads) {
                (Some(now), Some(then)) if now != then => format!("; ingested on {then}"),
                _ => String::new(),
            }
        );
        match (&r.comparison, &r.reason) {
            (Some(c), _) if c.identical() => out.push_str(&format!(
                "ok       {}  reproduced: {} words, the same words, times and probabilities \
                 ({how})\n",
                r.recording, c.stored_words
            )),
            (Some(c), _) => {
                out.push_str(&format!(
                    "DIFFERS  {}  not reproduced ({how}): {} stored words, {} now\n",
                    r.recording, c.stored_words, c.reproduced_words
                ));
                for change in &c.changes {
                    out.push_str(&format!(
                        "           {}  stored {:?}, now {:?}\n",
                        hms(change.at_ms),
                        change.stored,
                        change.reproduced
                    ));
                }
                if c.moved_words > 0 {
                    out.push_str(&format!(
                        "           {} words at other times (up to {} ms)\n",
                        c.moved_words, c.max_move_ms
                    ));
                }
                if c.probability_differs > 0 {
                    out.push_str(&format!(
                        "           {} words with other probabilities\n",
                        c.probability_differs
                    ));
                }
                if c.language_differs {
                    out.push_str("           the language detected differs\n");
                }
            }
            (None, reason) => out.push_str(&format!(
                "SKIPPED  {}  not reproduced: {}\n",
                r.recording,
                reason.as_deref().unwrap_or("")
            )),
        }
    }
    let same = reproductions.iter().filter(|r| r.reproduced()).count();
    let skipped = reproductions
        .iter()
        .filter(|r| r.comparison.is_none())
        .count();
    out.push_str(&format!(
        "{} recordings transcribed again: {same} reproduced, {} differ, {skipped} skipped\n",
        reproductions.len() - skipped,
        reproductions.len() - skipped - same
    ));
    out
}
