//! `verbatim bundle` on the ingested corpus: the zip's clips are the source's audio at each
//! quote, and its SHA256SUMS checks with `sha256sum -c`.

use std::process::Command;

use serde_json::Value;

use crate::speakers::corpus_copy;

#[test]
fn a_bundle_holds_each_quotes_audio_cut_from_the_source_and_checks_with_sha256sum() {
    let work = corpus_copy();
    let claims = work
        .run(&["claims", "--kind", "access", "--format", "json"])
        .json();
    let claims = claims.as_array().unwrap();
    assert!(claims.len() >= 3);
    let zip_path = work.path().join("evidence.zip");
    let run = work.run(&["bundle", zip_path.to_str().unwrap(), "--kind", "access"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(
        run.stderr().contains(&format!(
            "{} claims, {} audio clips",
            claims.len(),
            claims.len()
        )),
        "{}",
        run.stderr()
    );

    // unpack it as an editor would, and check every file against SHA256SUMS
    let folder = work.path().join("unpacked");
    let file = std::fs::File::open(&zip_path).unwrap();
    zip::ZipArchive::new(file)
        .unwrap()
        .extract(&folder)
        .unwrap();
    let check = Command::new("sha256sum")
        .args(["-c", "SHA256SUMS"])
        .current_dir(&folder)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let listed = String::from_utf8_lossy(&check.stdout).lines().count();
    // the table twice, rules, provenance, README, and a clip and an excerpt per claim
    assert_eq!(listed, 5 + 2 * claims.len());

    let manifest = work.manifest();
    let margin = verbatim::bundle::CLIP_MARGIN_MS;
    for claim in claims {
        let id = claim["id"].as_str().unwrap();
        let recording = manifest["recordings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["sha256"] == claim["sha256"])
            .unwrap();
        let source = verbatim::audio::decode_file(std::path::Path::new(
            recording["source_path"].as_str().unwrap(),
        ))
        .unwrap()
        .samples;
        let mut reader = hound::WavReader::open(folder.join(format!("clips/{id}.wav"))).unwrap();
        let spec = reader.spec();
        assert_eq!((spec.sample_rate, spec.channels), (16_000, 1));
        let clip: Vec<f32> = reader
            .samples::<i16>()
            .map(|s| f32::from(s.unwrap()) / 32767.0)
            .collect();
        let start = claim["start_ms"].as_u64().unwrap().saturating_sub(margin);
        let end = (claim["end_ms"].as_u64().unwrap() + margin).min(source.len() as u64 / 16);
        assert_eq!(
            clip.len() as u64,
            (end - start) * 16,
            "{id}: the quote ± 2 s"
        );
        let expected = &source[(start * 16) as usize..(end * 16) as usize];
        let worst = clip
            .iter()
            .zip(expected)
            .map(|(a, b)| (a - b.clamp(-1.0, 1.0)).abs())
            .fold(0.0f32, f32::max);
        assert!(
            worst < 1e-4,
            "{id}: the clip is not the source's audio there ({worst})"
        );
        let excerpt = std::fs::read_to_string(folder.join(format!("excerpts/{id}.txt"))).unwrap();
        assert!(
            excerpt.contains(claim["quote"].as_str().unwrap()),
            "{excerpt}"
        );
    }
    let csv = std::fs::read_to_string(folder.join("claims.csv")).unwrap();
    assert_eq!(csv.lines().count(), claims.len() + 1);
    let recordings: Value =
        serde_json::from_slice(&std::fs::read(folder.join("recordings.json")).unwrap()).unwrap();
    assert!(recordings
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["model"]["sha256"].as_str().is_some_and(|s| s.len() == 64)));
    assert!(std::fs::read_to_string(folder.join("README.txt"))
        .unwrap()
        .contains("sha256sum -c SHA256SUMS"));

    // nothing to bundle is an error, and writes nothing
    let empty = work.path().join("empty.zip");
    let run = work.run(&[
        "bundle",
        empty.to_str().unwrap(),
        "--speaker",
        "Nobody At All",
    ]);
    assert_eq!(run.code(), 2, "{}", run.stderr());
    assert!(!empty.exists());
}
