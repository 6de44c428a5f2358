//! Evidence bundles (`verbatim bundle`): a zip an editor or a lawyer can open without verbatim,
//! holding the quote table, for each claim its audio clip (the quote with [`CLIP_MARGIN_MS`]
//! either side, cut from the source) and transcript excerpt, the manifest entries of the
//! recordings, the rules and models used, the review log, a `SHA256SUMS` file and a README
//! saying how to check it.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use crate::audio::WHISPER_SAMPLE_RATE;
use crate::claims::Claim;
use crate::error::{Error, Result};
use crate::hash::sha256_hex;
use crate::model::{hms, Recording};
use crate::store::Store;

/// Audio kept either side of a quote in its clip.
pub const CLIP_MARGIN_MS: u64 = 2_000;

/// What goes into a bundle besides what the store holds.
pub struct Inputs<'a> {
    /// The claims, as they are exported.
    pub claims: &'a [Claim],
    /// The quote table as CSV.
    pub claims_csv: String,
    /// The quote table as Markdown.
    pub claims_md: String,
    /// The rules in force, as `verbatim rules` prints them.
    pub rules: String,
    /// Folder that relative source paths are resolved against.
    pub root: &'a Path,
}

/// A bundle's files (path inside the zip, bytes), and a note for each claim without a clip.
pub struct Bundle {
    /// The files, `SHA256SUMS` and `README.txt` last.
    pub files: Vec<(String, Vec<u8>)>,
    /// Why a claim has no clip (an imported transcript, a source gone or changed).
    pub notes: Vec<String>,
}

/// 16 kHz mono samples as a 16-bit PCM WAV file.
fn wav(samples: &[f32]) -> Vec<u8> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: WHISPER_SAMPLE_RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut writer = hound::WavWriter::new(&mut out, spec).expect("a WAV header to memory");
        for sample in samples {
            let value = (sample.clamp(-1.0, 1.0) * 32767.0).round() as i16;
            writer.write_sample(value).expect("writing to memory");
        }
        writer.finalize().expect("writing to memory");
    }
    out.into_inner()
}

/// The clip window of a claim in a recording `total_ms` long.
pub fn clip_window(claim: &Claim, total_ms: u64) -> (u64, u64) {
    (
        claim.start_ms.saturating_sub(CLIP_MARGIN_MS),
        (claim.end_ms + CLIP_MARGIN_MS).min(total_ms),
    )
}

/// The transcript's lines over `start_ms..end_ms`, with times and speakers.
fn excerpt(
    store: &Store,
    recording: &Recording,
    claim: &Claim,
    window: (u64, u64),
) -> Result<String> {
    let transcript = store.transcript(recording)?;
    let mut out = format!(
        "{}\nclaim {} ({}): \"{}\"\n{}\n\n",
        recording.name,
        claim.id,
        claim.kind,
        claim.quote,
        claim.citation()
    );
    for segment in &transcript.segments {
        if segment.end_ms > window.0 && segment.start_ms < window.1 {
            out.push_str(&format!(
                "[{} --> {}] {}: {}\n",
                hms(segment.start_ms),
                hms(segment.end_ms),
                segment.speaker.as_deref().unwrap_or("unknown speaker"),
                segment.text.trim()
            ));
        }
    }
    Ok(out)
}

/// Builds the bundle of `inputs.claims`. A claim whose audio cannot be had still gets its
/// excerpt, and a note says why it has no clip.
pub fn build(store: &Store, inputs: &Inputs) -> Result<Bundle> {
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("claims.csv".into(), inputs.claims_csv.clone().into_bytes()),
        ("claims.md".into(), inputs.claims_md.clone().into_bytes()),
        ("rules.txt".into(), inputs.rules.clone().into_bytes()),
    ];
    let mut notes = Vec::new();
    let mut by_recording: BTreeMap<&str, Vec<&Claim>> = BTreeMap::new();
    for claim in inputs.claims {
        by_recording.entry(&claim.sha256).or_default().push(claim);
    }
    let mut recordings = Vec::new();
    for (sha256, claims) in by_recording {
        let recording = store.find_by_sha256(sha256).ok_or_else(|| {
            Error::Input(format!(
                "a claim names recording {sha256}, which is not stored"
            ))
        })?;
        recordings.push(recording);
        let samples = match crate::relisten::source_samples(recording, inputs.root) {
            Ok(samples) => Some(samples),
            Err(e) => {
                notes.push(format!("no audio clips for {}: {e}", recording.name));
                None
            }
        };
        for claim in claims {
            let per_ms = u64::from(WHISPER_SAMPLE_RATE) / 1000;
            let total_ms = samples
                .as_ref()
                .map_or(recording.duration_ms, |s| s.len() as u64 / per_ms);
            let window = clip_window(claim, total_ms);
            if let Some(samples) = &samples {
                let cut = &samples[(window.0 * per_ms) as usize..(window.1 * per_ms) as usize];
                files.push((format!("clips/{}.wav", claim.id), wav(cut)));
            }
            files.push((
                format!("excerpts/{}.txt", claim.id),
                excerpt(store, recording, claim, window)?.into_bytes(),
            ));
        }
    }
    files.push((
        "recordings.json".into(),
        serde_json::to_vec_pretty(&recordings).expect("recordings always serialize"),
    ));
    for name in [crate::review::REVIEWS_FILE, crate::review::REVIEWS_HEAD] {
        match std::fs::read(store.root().join(name)) {
            Ok(bytes) => files.push((name.to_string(), bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(store.root().join(name), e)),
        }
    }
    files.push((
        "README.txt".into(),
        readme(inputs.claims.len(), &notes).into_bytes(),
    ));
    let sums: String = files
        .iter()
        .map(|(path, bytes)| format!("{}  {path}\n", sha256_hex(bytes)))
        .collect();
    files.push(("SHA256SUMS".into(), sums.into_bytes()));
    Ok(Bundle { files, notes })
}

fn readme(claims: usize, notes: &[String]) -> String {
    let mut text = format!(
        "Evidence bundle made by verbatim {} ({claims} claims)\n\n\
         claims.csv, claims.md   the quote table: each quote with its speaker, recording, times,\n\
         \x20                       citation (with the source's SHA-256) and review status\n\
         clips/<claim>.wav       the audio of each quote, {} s either side, cut from the source\n\
         \x20                       (16 kHz mono, 16-bit)\n\
         excerpts/<claim>.txt    the transcript around each quote, with times and speakers\n\
         recordings.json         each recording's provenance: source SHA-256, model and its\n\
         \x20                       SHA-256, settings, date and where it came from\n\
         rules.txt               the claim rules that found these quotes\n\
         reviews.jsonl           the review log (hash-chained: each entry holds the SHA-256 of\n\
         \x20                       the one before); absent when nothing was reviewed\n\
         SHA256SUMS              the SHA-256 of every other file\n\n\
         To check it:\n\
         1. In the unpacked folder, run `sha256sum -c SHA256SUMS`: every line must say OK.\n\
         2. To tie a clip to the original recording, hash the original (`sha256sum FILE`) and\n\
         \x20  compare with its sha256 in recordings.json and in the quote's citation; the\n\
         \x20  clip starts {} s before the quote's start time.\n\
         3. Listen to each clip and read its quote.\n",
        crate::VERSION,
        CLIP_MARGIN_MS / 1000,
        CLIP_MARGIN_MS / 1000
    );
    if !notes.is_empty() {
        text.push_str("\nNotes:\n");
        for note in notes {
            text.push_str(&format!("- {note}\n"));
        }
    }
    text
}

/// Writes the bundle as a zip at `path` (atomically: a failed write leaves nothing).
pub fn write_zip(path: &Path, bundle: &Bundle) -> Result<()> {
    crate::files::write_atomic_with(path, |out| {
        let mut buffer = std::io::Cursor::new(Vec::new());
        {
            let mut zip = zip::ZipWriter::new(&mut buffer);
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            for (name, bytes) in &bundle.files {
                zip.start_file(name.as_str(), options)
                    .map_err(std::io::Error::other)?;
                zip.write_all(bytes)?;
            }
            zip.finish().map_err(std::io::Error::other)?;
        }
        out.write_all(&buffer.into_inner())
    })
    .map(drop)
}
