//! Builds room versions of the development meetings (issue 14): each person of a meeting
//! `examples/dev_meetings.rs` built is heard from their own place in one reverberant room, with
//! the room's noise, as a table microphone hears a meeting. The clips stay close-talk
//! recordings; this puts a simulated room between them and the microphone, so the diarization
//! can be measured where the room, not the voice, dominates what the windows share.
//!
//! The room: each meeting draws a reverberation time (RT60, 0.35 to 0.8 s) and a volume (40 to
//! 120 m³); each person a distance to the microphone (0.8 to 3 m). A person's impulse response
//! is the direct sound (1/distance, delayed by distance / 343 m/s) plus a diffuse tail: Gaussian
//! noise decaying by 60 dB over the RT60, darkened by a one-pole low-pass, whose energy to the
//! direct sound's is (distance / critical distance)², the critical distance being
//! 0.057·√(volume / RT60) (Sabine's diffuse-field estimate). So a person 2 m away in a 0.6 s
//! room is heard about 10 dB more by reflections than directly, as in a meeting room far-field.
//! Pink noise is added at 12 to 20 dB under the speech. All choices come from a fixed seed.
//!
//! Times do not move (the direct path is under 9 ms); a turn's reverberant tail runs into the
//! pause after it, as in a room. The truth is the development meetings' own
//! (`tests/data/speakers/dev_meetings.json`): same files, same turns.
//!
//! `cargo run --release --example room_meetings -- real-voices tests/data/speakers/dev_meetings.json`
//! writes `real-voices/room-meetings/*.wav`; then, for instance,
//! `cargo run --release --example diarize_corpus -- models tests/data/speakers/dev_meetings.json real-voices/room-meetings`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use realfft::num_complex::Complex;
use realfft::RealFftPlanner;
use serde_json::Value;
use verbatim::audio;

#[allow(dead_code)] // the helpers this example does not need
mod common;
use common::{write_wav, Rng, RATE};

const SPEED_OF_SOUND: f32 = 343.0;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let voices = PathBuf::from(args.next().unwrap_or_else(|| "real-voices".into()));
    let truth_path = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "tests/data/speakers/dev_meetings.json".into()),
    );
    let truth: Value = serde_json::from_str(&std::fs::read_to_string(&truth_path)?)?;
    let out = voices.join("room-meetings");
    std::fs::create_dir_all(&out)?;
    let mut rng = Rng(0x800F_2026_1206);
    let mut planner = RealFftPlanner::<f32>::new();
    for recording in truth["recordings"]
        .as_array()
        .ok_or("truth has no recordings")?
    {
        let file = recording["file"]
            .as_str()
            .ok_or("a recording has no file")?;
        let source = voices.join("meetings").join(file);
        let dry = audio::decode_file(&source)?.samples;
        let rt60 = 0.35 + 0.45 * uniform(&mut rng);
        let volume = 40.0 + 80.0 * uniform(&mut rng);
        let critical = 0.057 * (volume / rt60).sqrt();
        let snr_db = 12.0 + 8.0 * uniform(&mut rng);
        let mut places: BTreeMap<String, (f32, Vec<f32>)> = BTreeMap::new();
        let mut wet = vec![0.0f32; dry.len()];
        for line in recording["lines"]
            .as_array()
            .ok_or("a recording has no lines")?
        {
            let person = line["speaker"].as_str().ok_or("a line has no speaker")?;
            let (_, response) = places.entry(person.to_string()).or_insert_with(|| {
                let distance = 0.8 + 2.2 * uniform(&mut rng);
                let response = impulse_response(distance, rt60, critical, &mut rng);
                (distance, response)
            });
            let start = (line["start_ms"].as_u64().ok_or("no start")? * RATE / 1000) as usize;
            let end = (line["end_ms"].as_u64().ok_or("no end")? * RATE / 1000) as usize;
            let turn = &dry[start.min(dry.len())..end.min(dry.len())];
            let heard = convolve(&mut planner, turn, response);
            for (i, s) in heard.iter().enumerate() {
                if let Some(w) = wet.get_mut(start + i) {
                    *w += s;
                }
            }
        }
        // pink noise (Paul Kellet's economy filter) at snr_db under the speech's level
        let speech_power = power_of_lines(&wet, recording);
        let mut pink = pink_noise(wet.len(), &mut rng);
        let noise_power = pink.iter().map(|s| s * s).sum::<f32>() / pink.len().max(1) as f32;
        let gain = (speech_power / noise_power.max(1e-12) / 10f32.powf(snr_db / 10.0)).sqrt();
        pink.iter_mut().for_each(|s| *s *= gain);
        let mut mixed: Vec<f32> = wet.iter().zip(&pink).map(|(s, n)| s + n).collect();
        let peak = mixed.iter().fold(0.0f32, |m, s| m.max(s.abs()));
        let scale = 0.9 / peak.max(1e-6);
        mixed.iter_mut().for_each(|s| *s *= scale);
        write_wav(&out.join(file), &mixed)?;
        let where_: Vec<String> = places
            .iter()
            .map(|(p, (d, _))| format!("{p} {d:.1} m"))
            .collect();
        println!(
            "{file}: RT60 {rt60:.2} s, {volume:.0} m³ (critical distance {critical:.2} m), \
             noise {snr_db:.1} dB under speech; {}",
            where_.join(", ")
        );
    }
    Ok(())
}

/// Uniform in 0..1.
fn uniform(rng: &mut Rng) -> f32 {
    (rng.next() >> 40) as f32 / (1u64 << 24) as f32
}

/// Standard normal (Box-Muller).
fn gaussian(rng: &mut Rng) -> f32 {
    let u = uniform(rng).max(1e-7);
    let v = uniform(rng);
    (-2.0 * u.ln()).sqrt() * (std::f32::consts::TAU * v).cos()
}

/// Direct sound plus an exponentially decaying, darkened diffuse tail (see the module's notes).
fn impulse_response(distance: f32, rt60: f32, critical: f32, rng: &mut Rng) -> Vec<f32> {
    let rate = RATE as f32;
    let delay = (distance / SPEED_OF_SOUND * rate).round() as usize;
    let length = delay + (rt60 * rate) as usize;
    let mut tail = vec![0.0f32; length];
    let mut low = 0.0f32;
    // the tail begins 2.5 ms after the direct sound (the first reflections)
    let onset = delay + (0.0025 * rate) as usize;
    for (n, t) in tail.iter_mut().enumerate().skip(onset) {
        let seconds = (n - onset) as f32 / rate;
        let envelope = (-6.91 * seconds / rt60).exp();
        low = 0.6 * low + 0.4 * gaussian(rng);
        *t = low * envelope;
    }
    let tail_energy: f32 = tail.iter().map(|t| t * t).sum();
    let direct = 1.0 / distance;
    let wanted = direct * direct * (distance / critical).powi(2);
    let scale = (wanted / tail_energy.max(1e-12)).sqrt();
    tail.iter_mut().for_each(|t| *t *= scale);
    tail[delay] += direct;
    tail
}

/// Full linear convolution by FFT.
fn convolve(planner: &mut RealFftPlanner<f32>, signal: &[f32], response: &[f32]) -> Vec<f32> {
    if signal.is_empty() {
        return Vec::new();
    }
    let n = (signal.len() + response.len() - 1).next_power_of_two();
    let forward: Arc<dyn realfft::RealToComplex<f32>> = planner.plan_fft_forward(n);
    let inverse = planner.plan_fft_inverse(n);
    let spectrum = |x: &[f32]| -> Vec<Complex<f32>> {
        let mut input = vec![0.0f32; n];
        input[..x.len()].copy_from_slice(x);
        let mut output = forward.make_output_vec();
        forward
            .process(&mut input, &mut output)
            .expect("sizes from the plan");
        output
    };
    let a = spectrum(signal);
    let b = spectrum(response);
    let mut product: Vec<Complex<f32>> = a.iter().zip(&b).map(|(x, y)| x * y).collect();
    let mut result = inverse.make_output_vec();
    inverse
        .process(&mut product, &mut result)
        .expect("sizes from the plan");
    result.truncate(signal.len() + response.len() - 1);
    result.iter_mut().for_each(|s| *s /= n as f32);
    result
}

/// Mean power over the truth's turns.
fn power_of_lines(samples: &[f32], recording: &Value) -> f32 {
    let (mut sum, mut count) = (0.0f64, 0usize);
    for line in recording["lines"].as_array().into_iter().flatten() {
        let start = (line["start_ms"].as_u64().unwrap_or(0) * RATE / 1000) as usize;
        let end = (line["end_ms"].as_u64().unwrap_or(0) * RATE / 1000) as usize;
        for s in &samples[start.min(samples.len())..end.min(samples.len())] {
            sum += f64::from(s * s);
            count += 1;
        }
    }
    (sum / count.max(1) as f64) as f32
}

/// Pink noise by Paul Kellet's economy filter over white noise.
fn pink_noise(length: usize, rng: &mut Rng) -> Vec<f32> {
    let (mut b0, mut b1, mut b2) = (0.0f32, 0.0f32, 0.0f32);
    (0..length)
        .map(|_| {
            let white = gaussian(rng);
            b0 = 0.99765 * b0 + white * 0.0990460;
            b1 = 0.96300 * b1 + white * 0.2965164;
            b2 = 0.57000 * b2 + white * 1.0526913;
            b0 + b1 + b2 + white * 0.1848
        })
        .collect()
}
