//! The system's `ffmpeg`, as the fallback decoder for what symphonia cannot read: Windows Media
//! (WMA in ASF), AMR voice memos, AVI and FLV video, GSM and other rare WAV codecs. `make setup`
//! installs it; `VERBATIM_FFMPEG` names another binary, or turns the fallback off when empty.
//!
//! `ffprobe` (beside `ffmpeg`) reports the first audio stream's codec, rate, channels and date
//! tag; `ffmpeg` streams that stream as 32-bit float PCM at its own rate and channel count
//! through a pipe, and the caller resamples it exactly as it does symphonia's output, so memory
//! grows only with the 16 kHz result.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use serde::Deserialize;

use crate::error::{Error, Result};

/// Where ffmpeg was looked for and what it is.
#[derive(Debug, Clone)]
pub struct Ffmpeg {
    ffmpeg: PathBuf,
    ffprobe: PathBuf,
    /// "ffmpeg 6.1.1-3ubuntu5": for provenance.
    pub version: String,
}

/// The first audio stream, as ffprobe describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamInfo {
    /// The codec in words ("Windows Media Audio 2").
    pub codec: String,
    /// Samples per second.
    pub sample_rate: u32,
    /// Channel count.
    pub channels: usize,
    /// A creation or recording date tag, as written.
    pub date: Option<String>,
}

/// The ffmpeg to use: `VERBATIM_FFMPEG` when set (empty: none), else `ffmpeg` on the PATH; with
/// its version. None when there is none that runs.
pub fn find() -> Option<&'static Ffmpeg> {
    static FOUND: OnceLock<Option<Ffmpeg>> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            let ffmpeg = match std::env::var_os("VERBATIM_FFMPEG") {
                Some(path) if path.is_empty() => return None,
                Some(path) => PathBuf::from(path),
                None => PathBuf::from("ffmpeg"),
            };
            let ffprobe = ffmpeg.with_file_name(
                ffmpeg
                    .file_name()
                    .and_then(|n| n.to_str())
                    .map_or("ffprobe".to_string(), |n| n.replace("ffmpeg", "ffprobe")),
            );
            let out = Command::new(&ffmpeg)
                .arg("-version")
                .stdin(Stdio::null())
                .output()
                .ok()?;
            let first = String::from_utf8_lossy(&out.stdout)
                .lines()
                .next()
                .unwrap_or_default()
                .to_string();
            let version = first
                .strip_prefix("ffmpeg version ")
                .and_then(|rest| rest.split_whitespace().next())
                .map(|v| format!("ffmpeg {v}"))?;
            Some(Ffmpeg {
                ffmpeg,
                ffprobe,
                version,
            })
        })
        .as_ref()
}

#[derive(Deserialize)]
struct Probe {
    #[serde(default)]
    streams: Vec<ProbeStream>,
    #[serde(default)]
    format: Option<ProbeFormat>,
}

#[derive(Deserialize)]
struct ProbeStream {
    codec_name: Option<String>,
    codec_long_name: Option<String>,
    sample_rate: Option<String>,
    channels: Option<usize>,
}

#[derive(Deserialize)]
struct ProbeFormat {
    #[serde(default)]
    tags: std::collections::BTreeMap<String, String>,
}

impl Ffmpeg {
    /// The file's first audio stream. Errors name the file and say what ffprobe found wrong.
    pub fn probe(&self, path: &Path) -> Result<StreamInfo> {
        let out = Command::new(&self.ffprobe)
            .args(["-v", "error", "-select_streams", "a:0", "-show_entries"])
            .arg("stream=codec_name,codec_long_name,sample_rate,channels:format_tags")
            .args(["-of", "json", "-i"])
            .arg(path)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| Error::Decode {
                path: path.into(),
                reason: format!("ffprobe could not run: {e}"),
            })?;
        let said = first_line(&String::from_utf8_lossy(&out.stderr), path);
        let probe: Probe = serde_json::from_slice(&out.stdout).map_err(|_| Error::NotAudio {
            path: path.into(),
            reason: said.clone(),
        })?;
        let Some(stream) = probe.streams.into_iter().next() else {
            return Err(Error::NotAudio {
                path: path.into(),
                reason: if out.status.success() {
                    "the container holds no audio track".into()
                } else {
                    said
                },
            });
        };
        let date = probe.format.and_then(|f| {
            f.tags.into_iter().find_map(|(k, v)| {
                let k = k.to_ascii_lowercase();
                (k == "creation_time" || k == "date").then_some(v)
            })
        });
        Ok(StreamInfo {
            codec: stream
                .codec_long_name
                .or(stream.codec_name)
                .unwrap_or_else(|| "unknown".into()),
            sample_rate: stream.sample_rate.and_then(|r| r.parse().ok()).unwrap_or(0),
            channels: stream.channels.unwrap_or(0),
            date,
        })
    }

    /// Streams the first audio stream as interleaved float samples at its own rate and channel
    /// count, `chunk` by `chunk`. Returns whether ffmpeg stopped on an error part-way (what came
    /// before is kept), or the error when it gave nothing.
    pub fn stream(
        &self,
        path: &Path,
        info: &StreamInfo,
        mut chunk: impl FnMut(&[f32]) -> Result<()>,
    ) -> Result<bool> {
        let mut child = Command::new(&self.ffmpeg)
            .args(["-nostdin", "-v", "error", "-i"])
            .arg(path)
            .args(["-map", "0:a:0", "-vn", "-sn", "-dn", "-f", "f32le"])
            .args(["-acodec", "pcm_f32le", "pipe:1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| Error::Decode {
                path: path.into(),
                reason: format!("ffmpeg could not run: {e}"),
            })?;
        // stderr drains on its own thread, so a chatty ffmpeg never blocks on a full pipe
        let mut stderr = child.stderr.take().expect("stderr is piped");
        let said = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        let mut stdout = child.stdout.take().expect("stdout is piped");
        let frame = 4 * info.channels.max(1);
        let mut bytes = vec![0u8; frame * 4096];
        let mut filled = 0;
        let mut samples = Vec::with_capacity(bytes.len() / 4);
        let mut got = false;
        let mut failed: Option<Error> = None;
        loop {
            let n = match stdout.read(&mut bytes[filled..]) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    failed = Some(Error::io(path, e));
                    break;
                }
            };
            filled += n;
            let whole = filled / frame * frame;
            samples.clear();
            samples.extend(
                bytes[..whole]
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])),
            );
            bytes.copy_within(whole..filled, 0);
            filled -= whole;
            if !samples.is_empty() {
                got = true;
                if let Err(e) = chunk(&samples) {
                    failed = Some(e);
                    break;
                }
            }
        }
        drop(stdout);
        if failed.is_some() {
            let _ = child.kill();
        }
        let status = child.wait().map_err(|e| Error::io(path, e))?;
        let said = said.join().unwrap_or_default();
        if let Some(e) = failed {
            return Err(e);
        }
        if !got {
            return Err(Error::Decode {
                path: path.into(),
                reason: format!("ffmpeg decoded no audio: {}", first_line(&said, path)),
            });
        }
        Ok(!status.success())
    }
}

/// ffmpeg's first line of complaint, without the file name it starts with.
fn first_line(said: &str, path: &Path) -> String {
    let line = said.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let shown = path.display().to_string();
    let line = line
        .strip_prefix(&shown)
        .map(|rest| rest.trim_start_matches(':').trim())
        .unwrap_or(line.trim());
    if line.is_empty() {
        "ffmpeg could not read it".into()
    } else {
        line.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ffmpegs_complaint_loses_the_file_name_it_repeats() {
        let path = Path::new("/tmp/a b.wma");
        assert_eq!(
            first_line(
                "/tmp/a b.wma: Invalid data found when processing input\n",
                path
            ),
            "Invalid data found when processing input"
        );
        assert_eq!(first_line("\n", path), "ffmpeg could not read it");
        assert_eq!(
            first_line("[asf @ 0x1] header damaged\n", path),
            "[asf @ 0x1] header damaged"
        );
    }
}
