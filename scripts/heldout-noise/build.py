#!/usr/bin/env python3
"""Build the held-out noisy set: real-voice meetings + generated room noise.

Run from the repository root. Reads tests/data/asr/dev_english.json and the meetings under
real-voices/asr-meetings/ (read-only; scripts/fetch-real-voices.sh, then
`cargo run --release --example asr_meetings -- real-voices tests/data/asr/dev_english.json`).
Writes only under heldout-noise/ (git-ignored; HELDOUT_DIR overrides it): audio/*.wav,
truth.json, work/ (intermediate noise).

Written for issue 15 by a helper that had not seen verbatim's voice-activity thresholds or its
development noise; measured once (2026-12-04): see README, "Gap markers on held-out noise".

Every random source is ffmpeg `anoisesrc` with an explicit seed, or Python
random.Random(seed) for event times; every command is recorded in truth.json.
"""
import array, hashlib, json, math, os, random, shlex, subprocess, sys, wave

SR = 16000
ROOT = os.environ.get("HELDOUT_DIR", "heldout-noise")
AUDIO = os.path.join(ROOT, "audio")
WORK = os.path.join(ROOT, "work")
SRC_JSON = "tests/data/asr/dev_english.json"
SRC_DIR = "real-voices/asr-meetings"
SNRS = [15, 5]

F32 = ["-t", "raw", "-r", str(SR), "-e", "floating-point", "-b", "32", "-c", "1"]


def run(cmd, log):
    log.append(shlex.join(cmd))
    subprocess.run(cmd, check=True)


def ff_noise(color, seed, dur, out, log, amp=0.5):
    run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
         f"anoisesrc=d={dur:.3f}:c={color}:r={SR}:a={amp}:s={seed}",
         "-ac", "1", "-f", "f32le", out], log)


def sox_filter(inp, out, effects, log):
    run(["sox"] + F32 + [inp] + F32 + [out] + effects, log)


def read_f32(path, n):
    a = array.array("f")
    with open(path, "rb") as f:
        a.frombytes(f.read())
    if sys.byteorder != "little":
        a.byteswap()
    a = list(a[:n])
    if len(a) < n:
        a += [0.0] * (n - len(a))
    return a


def rms(x):
    return math.sqrt(sum(v * v for v in x) / max(1, len(x)))


def db(x):
    return 20 * math.log10(max(x, 1e-12))


def scale_to(x, target_rms):
    r = rms(x)
    g = target_rms / r if r > 0 else 0.0
    return [v * g for v in x]


# ---- noise components: each returns a list of N floats -------------------

def c_brown_rumble(N, dur, seed, tag, log, p):
    """Air-conditioning / fan rumble: brown noise, band 20-250 Hz."""
    a, b = f"{WORK}/{tag}_brown.f32", f"{WORK}/{tag}_brown_f.f32"
    ff_noise("brown", seed, dur, a, log)
    sox_filter(a, b, ["highpass", "20", "lowpass", "250"], log)
    return read_f32(b, N)


def c_hum60(N, dur, seed, tag, log, p):
    """Mains hum 60 Hz with harmonics (odd-heavy, like a transformer/ballast)."""
    a = f"{WORK}/{tag}_hum.f32"
    expr = ("0.5*sin(2*PI*60*t)+0.15*sin(2*PI*120*t)+0.3*sin(2*PI*180*t)"
            "+0.08*sin(2*PI*240*t)+0.12*sin(2*PI*300*t)+0.05*sin(2*PI*420*t)")
    run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
         f"aevalsrc=exprs='{expr}':s={SR}:d={dur:.3f}", "-ac", "1", "-f", "f32le", a], log)
    return read_f32(a, N)


def c_laptop_fan(N, dur, seed, tag, log, p):
    """Laptop fan: white hiss band-limited 1.2-6.5 kHz with a 3 kHz bump, plus a faint 230 Hz blade tone."""
    a, b, t = f"{WORK}/{tag}_fanw.f32", f"{WORK}/{tag}_fanw_f.f32", f"{WORK}/{tag}_fant.f32"
    ff_noise("white", seed, dur, a, log)
    sox_filter(a, b, ["gain", "-6", "sinc", "1200-6500", "equalizer", "3000", "1q", "4"], log)
    run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
         f"aevalsrc=exprs='0.5*sin(2*PI*230*t)+0.2*sin(2*PI*460*t)':s={SR}:d={dur:.3f}",
         "-ac", "1", "-f", "f32le", t], log)
    hiss = scale_to(read_f32(b, N), 1.0)
    tone = scale_to(read_f32(t, N), 10 ** (-12 / 20))  # tone 12 dB under the hiss
    return [h + q for h, q in zip(hiss, tone)]


def c_hvac(N, dur, seed, tag, log, p):
    """HVAC duct noise: pink noise band-passed 150-1200 Hz."""
    a, b = f"{WORK}/{tag}_hvac.f32", f"{WORK}/{tag}_hvac_f.f32"
    ff_noise("pink", seed, dur, a, log)
    sox_filter(a, b, ["sinc", "150-1200"], log)
    return read_f32(b, N)


def c_keyboard(N, dur, seed, tag, log, p):
    """Typing: bursts of 4-25 keystrokes, 70-260 ms apart, bursts 2-10 s apart.
    Each keystroke = 6-14 ms of highpassed (2 kHz) white noise cut from a seeded
    stream, exponential decay (tau 2.5 ms), random level within 8 dB."""
    a, b = f"{WORK}/{tag}_key.f32", f"{WORK}/{tag}_key_f.f32"
    ff_noise("white", seed, dur, a, log)
    sox_filter(a, b, ["highpass", "2000", "highpass", "2000"], log)
    src = scale_to(read_f32(b, N), 1.0)
    rng = random.Random(seed)
    out = [0.0] * N
    t = rng.uniform(0.3, 3.0)
    events = 0
    while t < dur:
        for _ in range(rng.randint(4, 25)):
            if t >= dur:
                break
            s0 = int(t * SR)
            L = int(rng.uniform(0.006, 0.014) * SR)
            g = 10 ** (rng.uniform(-8, 0) / 20)
            off = rng.randrange(0, N - L)
            for k in range(L):
                if s0 + k < N:
                    out[s0 + k] += g * src[off + k] * math.exp(-k / (0.0025 * SR))
            events += 1
            t += rng.uniform(0.07, 0.26)
        t += rng.uniform(2.0, 10.0)
    p["keystrokes"] = events
    p["log"].append(f"python: keyboard clicks placed with random.Random({seed}) (see build.py c_keyboard): {events} keystrokes")
    return out


def c_thump(N, dur, seed, tag, log, p):
    """Door slam / desk thump: 300 ms of lowpassed (120 Hz) brown noise, 3 ms attack,
    exponential decay (tau 70 ms), one every 10-30 s, random level within 6 dB."""
    a, b = f"{WORK}/{tag}_thump.f32", f"{WORK}/{tag}_thump_f.f32"
    ff_noise("brown", seed, dur, a, log)
    sox_filter(a, b, ["lowpass", "120", "lowpass", "120"], log)
    src = scale_to(read_f32(b, N), 1.0)
    rng = random.Random(seed)
    out = [0.0] * N
    t = rng.uniform(1.0, 12.0)
    times = []
    while t < dur - 0.3:
        s0 = int(t * SR)
        L = int(0.3 * SR)
        g = 10 ** (rng.uniform(-6, 0) / 20)
        off = rng.randrange(0, N - L)
        att = int(0.003 * SR)
        for k in range(L):
            env = (k / att) if k < att else math.exp(-(k - att) / (0.07 * SR))
            out[s0 + k] += g * src[off + k] * env
        times.append(round(t, 3))
        t += rng.uniform(10.0, 30.0)
    p["thump_times_s"] = times
    p["log"].append(f"python: thumps placed with random.Random({seed}) (see build.py c_thump) at s={times}")
    return out


COMPONENTS = {
    "brown_rumble": c_brown_rumble, "hum60": c_hum60, "laptop_fan": c_laptop_fan,
    "hvac": c_hvac, "keyboard": c_keyboard, "thump": c_thump,
}
# continuous beds: level in dB relative to each other (RMS); transients: peak-ish
# level given as RMS-of-source dB relative to the bed's RMS (before envelopes).
MIXES = [
    # meeting 0
    dict(seed=1101, beds={"brown_rumble": 0, "hum60": -8}, trans={"keyboard": 6},
         lfo=dict(depth_db=4.0, period_s=27.0)),
    # meeting 1
    dict(seed=2202, beds={"laptop_fan": 0, "hvac": -3}, trans={"thump": 12},
         lfo=None),
    # meeting 2
    dict(seed=3303, beds={"hvac": 0, "hum60": -10}, trans={"keyboard": 4, "thump": 10},
         lfo=dict(depth_db=5.0, period_s=41.0)),
    # meeting 3
    dict(seed=4404, beds={"brown_rumble": 0, "laptop_fan": -4}, trans={"keyboard": 5, "thump": 9},
         lfo=dict(depth_db=3.0, period_s=19.0)),
]


def read_wav16(path):
    with wave.open(path, "rb") as w:
        assert w.getnchannels() == 1 and w.getsampwidth() == 2 and w.getframerate() == SR, path
        a = array.array("h")
        a.frombytes(w.readframes(w.getnframes()))
    if sys.byteorder != "little":
        a.byteswap()
    return a


def write_wav16(path, x):
    a = array.array("h", (max(-32768, min(32767, int(round(v)))) for v in x))
    if sys.byteorder != "little":
        a.byteswap()
    with wave.open(path, "wb") as w:
        w.setnchannels(1); w.setsampwidth(2); w.setframerate(SR)
        w.writeframes(a.tobytes())


def slug(name):
    s = "".join(c if c.isalnum() else "-" for c in name.rsplit(".", 1)[0].lower())
    while "--" in s:
        s = s.replace("--", "-")
    return s.strip("-")


def main():
    os.makedirs(AUDIO, exist_ok=True)
    os.makedirs(WORK, exist_ok=True)
    src = json.load(open(SRC_JSON))
    out_recs = []
    for mi, (rec, mix) in enumerate(zip(src["recordings"], MIXES)):
        path = os.path.join(SRC_DIR, rec["file"])
        speech = read_wav16(path)
        sha_src = hashlib.sha256(open(path, "rb").read()).hexdigest()
        # speech level over the union of truth spans
        acc, cnt = 0.0, 0
        covered = bytearray(len(speech))
        for ln in rec["lines"]:
            for i in range(ln["start_ms"] * 16, min(len(speech), ln["end_ms"] * 16)):
                covered[i] = 1
        for i, c in enumerate(covered):
            if c:
                v = speech[i]; acc += v * v; cnt += 1
        speech_rms = math.sqrt(acc / cnt)
        rng = random.Random(mix["seed"])
        lead_ms = rng.randint(3000, 5000)
        tail_ms = rng.randint(3000, 5000)
        N = (lead_ms + tail_ms) * 16 + len(speech)
        dur = N / SR + 0.1
        tag = f"m{mi}"
        log = []
        p = {"log": log}
        # beds
        bed = [0.0] * N
        for name, ldb in mix["beds"].items():
            x = scale_to(COMPONENTS[name](N, dur, mix["seed"] + len(log) + 1, f"{tag}_{name}", log, p),
                         10 ** (ldb / 20))
            bed = [u + v for u, v in zip(bed, x)]
        lfo = mix["lfo"]
        if lfo:
            ph = rng.uniform(0, 2 * math.pi)
            D, P = lfo["depth_db"], lfo["period_s"]
            bed = [v * 10 ** (D * math.sin(2 * math.pi * i / (P * SR) + ph) / 20) for i, v in enumerate(bed)]
            log.append(f"python: bed level x 10^({D}*sin(2*pi*t/{P}+{ph:.4f})/20) (slow level variation, +-{D} dB, period {P} s)")
        bed_rms = rms(bed)
        noise = list(bed)
        for name, ldb in mix["trans"].items():
            x = COMPONENTS[name](N, dur, mix["seed"] + 100 + len(log), f"{tag}_{name}", log, p)
            # the source stream was unit RMS before envelopes; scale relative to bed RMS
            g = bed_rms * 10 ** (ldb / 20)
            noise = [u + g * v for u, v in zip(noise, x)]
        noise_rms = rms(noise)
        base = {
            "source_file": rec["file"], "source_sha256": sha_src,
            "speech_level_dbfs": round(db(speech_rms / 32768), 2),
            "lead_ms": lead_ms, "tail_ms": tail_ms,
            "mix": {k: v for k, v in mix.items()},
            "noise_commands": log,
            "noise_extras": {k: v for k, v in p.items() if k != "log"},
        }
        for snr in SNRS:
            target = speech_rms * 10 ** (-snr / 20)
            g = target / noise_rms
            mixed = [g * v for v in noise]
            off = lead_ms * 16
            for i, v in enumerate(speech):
                mixed[off + i] += v
            peak = max(abs(v) for v in mixed)
            overall = 1.0
            if peak > 32000:
                overall = 32000 / peak
                mixed = [v * overall for v in mixed]
            fname = f"{tag}-{slug(rec['file'])}-snr{snr:02d}.wav"
            write_wav16(os.path.join(AUDIO, fname), mixed)
            lines = [{"speaker": ln["speaker"], "start_ms": ln["start_ms"] + lead_ms,
                      "end_ms": ln["end_ms"] + lead_ms, "text": ln["text"]} for ln in rec["lines"]]
            r = dict(file=fname, snr_db=snr, duration_ms=round(len(mixed) / 16),
                     sha256=hashlib.sha256(open(os.path.join(AUDIO, fname), "rb").read()).hexdigest(),
                     noise_level_dbfs=round(db(target / 32768), 2),
                     output_gain_to_avoid_clipping=round(overall, 4), **base)
            r["noise_recipe"] = (
                f"beds {mix['beds']} (dB rel. RMS), transients {mix['trans']} (dB of unit-RMS source rel. bed RMS, before envelope), "
                f"lfo {mix['lfo']}; whole noise scaled so its RMS over the file = speech RMS over truth spans - {snr} dB; "
                f"speech placed after {lead_ms} ms noise-only lead-in, {tail_ms} ms noise-only tail")
            r["lines"] = lines
            out_recs.append(r)
            print(fname, f"speech {base['speech_level_dbfs']} dBFS, noise {r['noise_level_dbfs']} dBFS, "
                  f"lead {lead_ms} tail {tail_ms}, clip-gain {overall:.3f}", flush=True)
    truth = {
        "about": "Held-out noisy set: dev_english meetings (real voices) mixed with generated room noise at two SNRs; "
                 "times shifted by each file's lead_ms. Built by build.py in this folder.",
        "built_from": {"json": SRC_JSON, "audio_dir": SRC_DIR},
        "recordings": out_recs,
    }
    json.dump(truth, open(os.path.join(ROOT, "truth.json"), "w"), indent=1)


if __name__ == "__main__":
    main()
