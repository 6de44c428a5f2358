//! `verbatim import`: transcripts made elsewhere become recordings; every format round-trips
//! through `transcript --format` of its kind; malformed files name their line.

use crate::{repo, Workdir};

fn fixtures() -> std::path::PathBuf {
    repo().join("tests/data/import")
}

/// Tests that need no model, no transcription and no browser: `make test-fast` runs them.
mod fast {
    use super::*;

    #[test]
    fn a_folder_of_transcripts_imports_and_malformed_files_name_their_line() {
        let work = Workdir::new();
        let run = work.run(&["import", fixtures().to_str().unwrap()]);
        assert_eq!(run.code(), 1, "a malformed file makes the exit code 1");
        let (stdout, stderr) = (run.stdout(), run.stderr());
        assert!(
            stdout.contains("5 added, 0 already present, 0 skipped, 5 failed"),
            "{stdout}"
        );
        for (file, line, problem) in [
            ("bad.srt", 6, "expected a cue timing line"),
            ("bad.vtt", 1, "WEBVTT"),
            ("bad-whispercpp.json", 8, "EOF while parsing"),
            ("bad-whisperx.json", 6, "expected a time in seconds"),
            ("bad.txt", 3, "unknown timestamp [00:99:00]"),
        ] {
            let expected = format!("{file}:{line}: ");
            let error = stderr
                .lines()
                .find(|l| l.contains(&expected))
                .unwrap_or_else(|| panic!("no {expected:?} error in:\n{stderr}"));
            assert!(
                error.starts_with("failed") && error.contains(problem),
                "{error}"
            );
        }
        let listed = work.run(&["list", "--format", "json"]).json();
        let formats: Vec<(&str, &str)> = listed
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["name"].as_str().unwrap(),
                    r["source"]["format"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            formats,
            [
                ("meeting.srt", "srt"),
                ("meeting.vtt", "vtt"),
                ("notes.txt", "text"),
                ("whispercpp.json", "whisper.cpp"),
                ("whisperx.json", "whisperx")
            ]
        );
        for r in listed.as_array().unwrap() {
            assert_eq!(r["source"]["kind"], "imported_transcript");
            assert_eq!(r["model"], serde_json::Value::Null);
            let file = fixtures().join(r["name"].as_str().unwrap());
            assert_eq!(r["sha256"], crate::sha256_of(&file));
        }
        // The same bytes again: nothing new.
        let again = work.run(&["import", fixtures().join("meeting.srt").to_str().unwrap()]);
        assert!(again.ok().contains("0 added, 1 already present"));
    }

    #[test]
    fn srt_cues_and_speakers_come_back_as_they_were() {
        let work = Workdir::new();
        work.run(&["import", fixtures().join("meeting.srt").to_str().unwrap()])
            .ok();
        let srt = work.run(&["transcript", "meeting", "--format", "srt"]).ok();
        assert_eq!(
            srt,
            "1\n00:00:01,000 --> 00:00:04,500\nAlice Moreau: Good morning, everyone. Let's start with the budget.\n\n\
             2\n00:00:05,200 --> 00:00:09,800\nBob: The Q3 numbers are in: revenue is up twelve percent.\n\n\
             3\n00:00:10,000 --> 00:00:12,250\n[laughter]\n\n\
             4\n00:00:13,000 --> 00:00:15,500\nAlice Moreau: Great. <i>Really</i> great.\n\n\
             5\n00:00:16,000 --> 00:00:18,000\nso we agreed: ship it on Friday.\n\n"
        );
    }

    #[test]
    fn vtt_voices_and_entities_come_back_as_they_were() {
        let work = Workdir::new();
        work.run(&["import", fixtures().join("meeting.vtt").to_str().unwrap()])
            .ok();
        let vtt = work
            .run(&["transcript", "meeting.vtt", "--format", "vtt"])
            .ok();
        assert_eq!(
            vtt,
            "WEBVTT\n\n\
             00:00:01.000 --> 00:00:04.500\n<v Alice Moreau>Good morning, everyone. Let's start with the budget.\n\n\
             00:00:05.200 --> 00:00:09.800\n<v Bob>The Q3 numbers are in: R&amp;D is &lt;5%&gt; over.\n\n\
             00:00:10.000 --> 00:00:12.250\n[laughter]\n\n\
             00:00:13.000 --> 00:00:15.500\n<v Alice Moreau>Great. Really great.\n\n"
        );
    }

    /// Exporting an imported transcript and importing the export gives the same transcript back:
    /// for SRT, VTT and TXT, from every source format.
    #[test]
    fn every_export_imports_back_to_the_same_transcript() {
        let work = Workdir::new();
        work.run(&["import", fixtures().to_str().unwrap()]);
        for source in [
            "meeting.srt",
            "meeting.vtt",
            "notes.txt",
            "whispercpp.json",
            "whisperx.json",
        ] {
            for format in ["srt", "vtt", "txt"] {
                let first = work.run(&["transcript", source, "--format", format]).ok();
                let copy = work.path().join(format!("copy of {source}.{format}"));
                // A marker line keeps the copy's bytes (and so its hash) distinct from other copies.
                let body = if format == "txt" {
                    format!("# copy of {source}\n{first}")
                } else {
                    first.clone()
                };
                std::fs::write(&copy, body).unwrap();
                work.run(&["import", copy.to_str().unwrap()]).ok();
                let second = work
                    .run(&[
                        "transcript",
                        copy.file_name().unwrap().to_str().unwrap(),
                        "--format",
                        format,
                    ])
                    .ok();
                let body_of = |text: &str| -> String {
                    text.lines()
                        .filter(|l| !l.starts_with('#'))
                        .collect::<Vec<_>>()
                        .join("\n")
                };
                assert_eq!(body_of(&second), body_of(&first), "{source} as {format}");
            }
        }
    }

    /// A hostile cue that starts with a spreadsheet formula: no CSV cell from `claims`, `search` or
    /// `timeline` starts with `=` (OWASP: a leading apostrophe), `--csv-raw` gives the bytes back,
    /// and JSON keeps the text verbatim.
    #[test]
    fn csv_exports_do_not_start_a_cell_with_a_formula() {
        let work = Workdir::new();
        let cue =
            r#"=HYPERLINK("http://x","y") the master admin in Beijing can see all user data."#;
        let srt = work.path().join("2021-11-03 hostile.srt");
        std::fs::write(&srt, format!("1\n00:00:01,000 --> 00:00:06,000\n{cue}\n\n")).unwrap();
        work.run(&["import", srt.to_str().unwrap()]).ok();
        let cells_of = |csv: &str| -> Vec<String> {
            let mut reader = ::csv::Reader::from_reader(csv.as_bytes());
            reader
                .records()
                .flat_map(|r| r.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
                .collect()
        };
        for args in [
            &["claims", "--format", "csv"][..],
            &["search", "HYPERLINK", "--format", "csv"],
            &["timeline", "--format", "csv"],
        ] {
            let cells = cells_of(&work.run(args).ok());
            let quoted: Vec<&String> = cells.iter().filter(|c| c.contains("HYPERLINK")).collect();
            assert!(!quoted.is_empty(), "{args:?}: the cue is exported");
            for cell in &quoted {
                assert!(cell.starts_with("'=HYPERLINK("), "{args:?}: {cell:?}");
            }
            for cell in &cells {
                assert!(!cell.trim_start().starts_with('='), "{args:?}: {cell:?}");
            }
            let raw = [args, &["--csv-raw"]].concat();
            let raw_cells = cells_of(&work.run(&raw).ok());
            assert!(
                raw_cells.iter().any(|c| c.starts_with("=HYPERLINK(")),
                "{raw:?}: the bytes as spoken"
            );
        }
        let json = work.run(&["claims", "--format", "json"]).json();
        assert!(json[0]["quote"]
            .as_str()
            .unwrap()
            .starts_with("=HYPERLINK("));
    }

    /// `verbatim <command> | head -1` exits 0 with no panic, whatever the command prints after the
    /// reader has gone.
    #[test]
    fn a_closed_pipe_ends_no_command_with_a_panic() {
        let work = Workdir::new();
        // Enough output (about 400 KB of search hits) that writes go on after `head` has exited.
        let mut srt = String::new();
        for i in 0..3000u32 {
            let (s, e) = (i * 2000, i * 2000 + 1500);
            let t = |ms: u32| {
                format!(
                    "{:02}:{:02}:{:02},{:03}",
                    ms / 3_600_000,
                    ms / 60_000 % 60,
                    ms / 1000 % 60,
                    ms % 1000
                )
            };
            srt.push_str(&format!(
                "{}\n{} --> {}\nSpeaker {}: The vendor in Shenzhen can see all user data, line {i}.\n\n",
                i + 1,
                t(s),
                t(e),
                i % 3
            ));
        }
        let file = work.path().join("2021-11-03 long call.srt");
        std::fs::write(&file, srt).unwrap();
        work.run(&["import", file.to_str().unwrap()]).ok();
        for command in [
            "list",
            "search vendor --limit 3000",
            "claims",
            "claims --format csv",
            "timeline",
            "transcript '2021-11-03 long call'",
            "speakers list",
        ] {
            let output = work
                .shell(&format!("set -o pipefail; verbatim {command} | head -1"))
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(0), "{command}: {stderr}");
            assert!(!stderr.contains("panicked"), "{command}: {stderr}");
            assert_eq!(String::from_utf8_lossy(&output.stdout).lines().count(), 1);
        }
    }

    /// SRT and WebVTT with a byte-order mark in UTF-16 or UTF-32 (either byte order) import with
    /// the same cues as their UTF-8 originals; a Windows-1252 file imports with its accented
    /// letters right and a note on its `added` line; `--encoding` overrides the guess.
    #[test]
    fn transcripts_in_utf16_utf32_and_windows_1252_import_with_the_right_text() {
        let work = Workdir::new();
        let encodings = repo().join("tests/data/import-encodings");
        work.run(&["import", fixtures().join("meeting.srt").to_str().unwrap()])
            .ok();
        work.run(&["import", fixtures().join("meeting.vtt").to_str().unwrap()])
            .ok();
        let original = |ext: &str| {
            let name = format!("meeting.{ext}");
            work.run(&["transcript", &name, "--format", ext]).ok()
        };
        let (srt, vtt) = (original("srt"), original("vtt"));
        for encoding in ["utf16le", "utf16be", "utf32le", "utf32be"] {
            for (ext, expected) in [("srt", &srt), ("vtt", &vtt)] {
                let name = format!("meeting-{encoding}.{ext}");
                let added = work
                    .run(&["import", encodings.join(&name).to_str().unwrap()])
                    .ok();
                let label = encoding.to_uppercase().replace("UTF", "UTF-");
                assert!(added.contains(&format!("{label} text")), "{added}");
                let text = work.run(&["transcript", &name, "--format", ext]).ok();
                assert_eq!(&text, expected, "{name}");
            }
        }
        let cp1252 = encodings.join("meeting-cp1252.srt");
        let added = work.run(&["import", cp1252.to_str().unwrap()]).ok();
        assert!(
            added.contains("note: not UTF-8, read as windows-1252"),
            "{added}"
        );
        let json = work
            .run(&["transcript", "meeting-cp1252.srt", "--format", "json"])
            .json();
        let texts: Vec<&str> = json["transcript"]["segments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["text"].as_str().unwrap())
            .collect();
        assert_eq!(
            texts,
            [
                "The café’s “loyalty” export – all 5€ vouchers – is in Málaga.",
                "Señor Núñez can see every customer’s address."
            ]
        );
        let listed = work.run(&["list", "--format", "json"]).json();
        let entry = listed
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == "meeting-cp1252.srt")
            .unwrap();
        assert_eq!(entry["source"]["encoding"], "windows-1252");
        assert_eq!(entry["sha256"], crate::sha256_of(&cp1252));
        // Told it is Latin-1 (ISO-8859-1, which WHATWG maps to windows-1252), a copy reads the same.
        let copy = work.copy(&cp1252, "copy-latin1.srt");
        std::fs::OpenOptions::new()
            .append(true)
            .open(&copy)
            .and_then(|mut f| std::io::Write::write_all(&mut f, b"\r\n"))
            .unwrap();
        let given = work
            .run(&["import", "--encoding", "latin1", copy.to_str().unwrap()])
            .ok();
        assert!(given.contains("1 added"), "{given}");
        let bad = work.run(&["import", "--encoding", "klingon", copy.to_str().unwrap()]);
        assert_eq!(bad.code(), 2);
        assert!(
            bad.stderr().contains("unknown encoding \"klingon\""),
            "{}",
            bad.stderr()
        );
    }

    /// A folder with a symbolic link back to itself: the walk reports the loop once, naming
    /// it, imports every real file once, and does not hang.
    #[test]
    fn a_symbolic_link_loop_in_a_folder_is_reported_and_the_rest_imports() {
        let work = Workdir::new();
        let folder = work.path().join("transcripts");
        let inner = folder.join("inner");
        std::fs::create_dir_all(&inner).unwrap();
        std::fs::copy(fixtures().join("meeting.srt"), folder.join("a.srt")).unwrap();
        std::fs::copy(fixtures().join("meeting.vtt"), inner.join("b.vtt")).unwrap();
        std::os::unix::fs::symlink(&folder, inner.join("back")).unwrap();
        let run = work.run(&["import", folder.to_str().unwrap()]);
        assert_eq!(run.code(), 1, "{}", run.stderr());
        assert!(
            run.stdout()
                .contains("2 added, 0 already present, 0 skipped, 1 failed"),
            "{}",
            run.stdout()
        );
        assert!(
            run.stderr().contains("back: a symbolic link loop back to"),
            "{}",
            run.stderr()
        );
    }
}
