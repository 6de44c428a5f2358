#!/usr/bin/env python3
"""Build the second held-out noisy set: real-voice meetings + generated household/street noise.

Run from the repository root:  python3 scripts/heldout-noise2/build.py
Reads tests/data/asr/dev_english.json and the meetings under real-voices/asr-meetings/
(read-only; scripts/fetch-real-voices.sh, then
`cargo run --release --example asr_meetings -- real-voices tests/data/asr/dev_english.json`).
Writes only under heldout-noise2/ (git-ignored; HELDOUT_DIR overrides it): audio/*.wav and
truth.json (same shape as heldout-noise/truth.json; times shifted by each file's lead_ms).

Purpose: measure whether gap markers lie over real speech or over mere noise, on noise kinds
unlike those of the first held-out set (scripts/heldout-noise/) and of development. Written by a
helper that had not seen verbatim's source, README or the development noise. None of the noise is
speech-like (no babble, voices, singing or humming). Kinds, 2-3 per meeting, all different:
  m0 reader, author, host:          rain on a window pane + distant road traffic
  m1 four people, fast alternation: air conditioner tone (137 Hz, not mains) + ticking wall clock
                                    + phone vibrating on a table
  m2 five people, long pauses:      water running in a sink + cutlery / cup clinks
  m3 six people:                    aquarium bubbler + inkjet printer + distant jackhammer
Each meeting gets 3.5-5.5 s of noise alone before its first line and after its last line; its own
timing is otherwise kept. Two SNRs: 12 dB and 3 dB, speech RMS over the union of the truth lines
against noise RMS over the whole file (as in the first set).

Python 3 standard library only; all noise synthesised here, every random source is
random.Random(seed) with a fixed integer seed (seeds in truth.json); deterministic output.

Output SHA-256 (built 2026-12-05 on the build machine, Python 3.11.7; run twice, identical):
  6ab0caabdcce318490dcb70eb0529e2e0a5d27758f0059580587fd48a17a16dc heldout-noise2/audio/h2-m0-reader-author-host-snr03.wav
  530260ffe769898eac19ba59e4dccaef2d5427a74043e83d5ce103db32359bbd heldout-noise2/audio/h2-m0-reader-author-host-snr12.wav
  851c8740d662697ba73d955b249715bc30f1a029d59544e28ce87d0fb81b5f6c heldout-noise2/audio/h2-m1-four-people-fast-alternation-snr03.wav
  105ddb5de4b77273671e238e383d27ab4e6816bca8cda22c922d645cfc83246c heldout-noise2/audio/h2-m1-four-people-fast-alternation-snr12.wav
  04873f12c7c8b59052d6ba85aa8a7cf211c16a181111455ea5b51bd9b7e91bae heldout-noise2/audio/h2-m2-five-people-long-pauses-snr03.wav
  f61a6f85174adb4d696b9b17e55160a5de7ba5995155edd8b8856f90d02c1ca5 heldout-noise2/audio/h2-m2-five-people-long-pauses-snr12.wav
  95a97e537de5b50d0a7713809a10324e61a30317eeebf1e884253cbb6237a694 heldout-noise2/audio/h2-m3-six-people-snr03.wav
  e68a97908a365d77bfc780c2dadb51af946b422f1afaaa75d8df2a9d33c564ff heldout-noise2/audio/h2-m3-six-people-snr12.wav
  76bf36ca39446c09f98fe97f5abaec40edf3ed6697626031b5470a6878f307af heldout-noise2/truth.json
"""
import array, hashlib, json, math, os, random, sys, wave

SR = 16000
ROOT = os.environ.get("HELDOUT_DIR", "heldout-noise2")
AUDIO = os.path.join(ROOT, "audio")
SRC_JSON = "tests/data/asr/dev_english.json"
SRC_DIR = "real-voices/asr-meetings"
SNRS = [12, 3]
PREFIX = "h2"
TWO_PI = 2.0 * math.pi


# ---- small DSP kit (pure Python, arrays of doubles) -----------------------------------------

def zeros(n):
    return array.array("d", bytes(8 * n))


def white(rng, n):
    g = rng.gauss
    return array.array("d", (g(0.0, 1.0) for _ in range(n)))


def rbj(kind, f, q=0.7071, gain_db=0.0):
    """RBJ audio-EQ-cookbook biquad coefficients (b0, b1, b2, a1, a2), normalised by a0."""
    w = TWO_PI * f / SR
    cw, sw = math.cos(w), math.sin(w)
    al = sw / (2 * q)
    if kind == "lp":
        b = ((1 - cw) / 2, 1 - cw, (1 - cw) / 2); a = (1 + al, -2 * cw, 1 - al)
    elif kind == "hp":
        b = ((1 + cw) / 2, -(1 + cw), (1 + cw) / 2); a = (1 + al, -2 * cw, 1 - al)
    elif kind == "bp":  # constant 0 dB peak gain
        b = (al, 0.0, -al); a = (1 + al, -2 * cw, 1 - al)
    elif kind == "peak":
        A = 10 ** (gain_db / 40)
        b = (1 + al * A, -2 * cw, 1 - al * A); a = (1 + al / A, -2 * cw, 1 - al / A)
    else:
        raise ValueError(kind)
    return (b[0] / a[0], b[1] / a[0], b[2] / a[0], a[1] / a[0], a[2] / a[0])


def biquad(x, c):
    b0, b1, b2, a1, a2 = c
    y = zeros(len(x))
    x1 = x2 = y1 = y2 = 0.0
    for i, v in enumerate(x):
        o = b0 * v + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
        x2 = x1; x1 = v; y2 = y1; y1 = o
        y[i] = o
    return y


def chain(x, *filters):
    for f in filters:
        x = biquad(x, rbj(*f))
    return x


def onepole(x, fc):
    """One-pole low-pass (for control signals)."""
    a = math.exp(-TWO_PI * fc / SR)
    y = zeros(len(x))
    s = 0.0
    for i, v in enumerate(x):
        s = (1 - a) * v + a * s
        y[i] = s
    return y


def rms(x, spans=None):
    if spans is None:
        return math.sqrt(math.fsum(v * v for v in x) / max(1, len(x)))
    acc, cnt = 0.0, 0
    for a, b in spans:
        acc += math.fsum(x[i] * x[i] for i in range(a, b))
        cnt += b - a
    return math.sqrt(acc / max(1, cnt))


def scaled(x, g):
    return array.array("d", (v * g for v in x))


def unit(x):
    r = rms(x)
    return scaled(x, 1.0 / r if r > 0 else 0.0)


def merge_spans(spans, n):
    out = []
    for a, b in sorted((max(0, a), min(n, b)) for a, b in spans):
        if b <= a:
            continue
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [tuple(s) for s in out]


def slow_noise(rng, n, step_s):
    """Smooth random control signal, about unit amplitude: gaussian points every step_s,
    raised-cosine interpolation between them."""
    step = max(1, int(step_s * SR))
    pts = [rng.gauss(0.0, 1.0) for _ in range(n // step + 3)]
    out = zeros(n)
    for i in range(n):
        k, r = divmod(i, step)
        u = 0.5 - 0.5 * math.cos(math.pi * r / step)
        out[i] = pts[k] * (1 - u) + pts[k + 1] * u
    return out


def ring(out, s0, f, tau, amp, length=None, chirp=0.0, phase=0.0):
    """Add an exponentially decaying sinusoid at sample s0: frequency f Hz (rising by the
    fraction `chirp` over its length), time constant tau s. Partials above 7.6 kHz are skipped."""
    if f >= 7600 or amp == 0.0:
        return
    n = len(out)
    L = int((length if length is not None else 5 * tau) * SR)
    dec = math.exp(-1.0 / (tau * SR))
    w0 = TWO_PI * f / SR
    env, ph = amp, phase
    for k in range(min(L, n - s0)):
        out[s0 + k] += env * math.sin(ph)
        env *= dec
        ph += w0 * (1.0 + chirp * k / L)


def click(out, s0, src, off, tau, amp, length):
    """Add a noise click: `length` s of the stream src from `off`, decaying with time constant tau."""
    n = len(out)
    L = int(length * SR)
    dec = math.exp(-1.0 / (tau * SR))
    env = amp
    for k in range(min(L, n - s0)):
        out[s0 + k] += env * src[off + k]
        env *= dec


# ---- noise kinds: each returns (signal, active spans in samples) ----------------------------
# rng: random.Random(seed) private to the component; p: dict for recorded extras.

def k_rain_window(N, rng, p):
    """Rain on a window pane: a Poisson stream of tiny glass ticks (about 120/s; decaying
    2.2-6.5 kHz resonances of 1-3 ms within 20 dB, the larger drops also exciting a 0.7-1.2 kHz pane mode),
    a patter wash 6 dB under them (white noise band-passed at 4 kHz), drop rate and wash swelling
    with the shower (+-35 %, smooth over ~6 s); every 2-7 s a larger drip from the frame
    ('plink', 1.4-2.4 kHz, rising pitch, peak 10-16 dB over the rain's RMS)."""
    out = zeros(N)
    gust = slow_noise(rng, N, 6.0)
    base, depth = 120.0, 0.35
    rmax = base * (1 + 2.5 * depth)
    t, drops = 0.0, 0
    while True:
        t += rng.expovariate(rmax)
        s0 = int(t * SR)
        if s0 >= N:
            break
        rate = base * max(0.2, 1 + depth * gust[s0])
        if rng.random() * rmax > rate:
            continue
        lvl = -20.0 * rng.random() ** 0.8
        a = 10 ** (lvl / 20)
        ring(out, s0, rng.uniform(2200, 6500), rng.uniform(0.001, 0.003), a, phase=rng.uniform(0, TWO_PI))
        if lvl > -8:
            ring(out, s0, rng.uniform(700, 1200), rng.uniform(0.004, 0.008), 0.3 * a)
        drops += 1
    wash = unit(chain(white(rng, N), ("bp", 4000, 0.8)))
    r_drops = rms(out)
    g = r_drops * 10 ** (-6 / 20)
    for i in range(N):
        out[i] += g * wash[i] * max(0.2, 1 + depth * gust[i])
    r_rain = rms(out)
    t, plinks = rng.uniform(0.5, 2.5), []
    while int(t * SR) < N:
        ring(out, int(t * SR), rng.uniform(1400, 2400), rng.uniform(0.010, 0.020),
             r_rain * 10 ** (rng.uniform(10, 16) / 20), chirp=rng.uniform(0.05, 0.15))
        plinks.append(round(t, 3))
        t += rng.uniform(2.0, 7.0)
    p["rain_drops"] = drops
    p["rain_plinks_s"] = plinks
    return out, [(0, N)]


def k_road_traffic(N, rng, p):
    """Distant road traffic: a constant far-traffic bed (white noise low-passed at 160 Hz) and
    vehicles passing by every 3-14 s: each a swell of tyre/engine band noise (45-450 Hz) with a
    pass-by envelope (1 + ((t-t0)/w)^2)^-0.75, w 1.5-4 s, peak within 9 dB; 30 % are lorries that
    add a diesel engine tone (28-42 Hz and harmonics) with a Doppler drop of ~6 % as they pass."""
    band = unit(chain(white(rng, N), ("lp", 450), ("lp", 450), ("hp", 45)))
    bed = unit(chain(white(rng, N), ("lp", 160), ("lp", 160), ("hp", 25)))
    env = zeros(N)
    tone = zeros(N)
    t, vehicles = rng.uniform(1.0, 4.0), []
    while t < N / SR + 6:
        w = rng.uniform(1.5, 4.0)
        a = 10 ** (rng.uniform(-9, 0) / 20)
        lorry = rng.random() < 0.3
        f0 = rng.uniform(28, 42)
        ph0 = rng.uniform(0, TWO_PI)
        lo, hi = max(0, int((t - 8 * w) * SR)), min(N, int((t + 8 * w) * SR))
        ph = ph0
        for i in range(lo, hi):
            x = (i / SR - t) / w
            e = a * (1 + x * x) ** -0.75 * (0.5 + 0.5 * math.cos(math.pi * x / 8))
            env[i] += e * (0.7 if lorry else 1.0)
            if lorry:
                f = f0 * (1 - 0.03 * math.tanh(1.5 * x))
                ph += TWO_PI * f / SR
                s = 0.0
                for h in range(1, 9):
                    s += math.sin(h * ph + h * h) / h
                tone[i] += 0.6 * e * s
        vehicles.append(dict(t0_s=round(t, 3), w_s=round(w, 2), peak_db=round(20 * math.log10(a), 1), lorry=lorry))
        t += rng.uniform(3.0, 14.0)
    tone = chain(tone, ("lp", 400))
    out = zeros(N)
    for i in range(N):
        out[i] = env[i] * band[i] + tone[i] + 0.22 * bed[i]
    p["traffic_vehicles"] = vehicles
    return out, [(0, N)]


def k_aircon(N, rng, p):
    """Air conditioner: steady compressor tone at 137 Hz with harmonics 274/411/548/685 Hz, a
    second unit at 137.4 Hz beating with it (0.4 Hz), frequency wander +-0.2 %, a 1,090 Hz
    blower blade tone, and a faint broadband airflow (white noise 300-3000 Hz, 14 dB under)."""
    f0, fb = 137.0, 1090.0
    wander = slow_noise(rng, N, 3.0)
    amps = [1.0, 0.45, 0.3, 0.12, 0.08]
    offs = [rng.uniform(0, TWO_PI) for _ in range(8)]
    out = zeros(N)
    ph = ph2 = phb = 0.0
    sin = math.sin
    for i in range(N):
        m = 1 + 0.002 * wander[i]
        ph += TWO_PI * f0 * m / SR
        ph2 += TWO_PI * 137.4 * m / SR
        phb += TWO_PI * fb * (1 + 0.004 * wander[i]) / SR
        s = 0.0
        for h in range(5):
            s += amps[h] * sin((h + 1) * ph + offs[h])
        out[i] = s + 0.25 * sin(ph2 + offs[5]) + 0.12 * sin(phb + offs[6])
    air = unit(chain(white(rng, N), ("hp", 300), ("lp", 3000)))
    g = rms(out) * 10 ** (-14 / 20)
    for i in range(N):
        out[i] += g * air[i]
    return out, [(0, N)]


def k_wall_clock(N, rng, p):
    """Ticking wall clock: one tick a second (+-1.5 ms), alternating tick (2.95/4.4/6.1 kHz,
    body 880 Hz) and tock (2.45/3.9/5.3 kHz, body 760 Hz), each a set of decaying resonances
    (1.2-2 ms) with a smaller escapement click 12 ms later; level within +-1 dB."""
    out = zeros(N)
    spans = []
    t0 = rng.uniform(0.2, 1.0)
    k = 0
    while True:
        t = t0 + k + rng.gauss(0, 0.0015)
        s0 = int(t * SR)
        if s0 >= N:
            break
        tock = k % 2 == 1
        parts = (2450, 3900, 5300) if tock else (2950, 4400, 6100)
        body = 760 if tock else 880
        a = 10 ** (rng.uniform(-1, 1) / 20)
        for j, f in enumerate(parts):
            ring(out, s0, f, rng.uniform(0.0012, 0.002), a * (1.0, 0.6, 0.35)[j], phase=rng.uniform(0, TWO_PI))
            ring(out, s0 + int(0.012 * SR), f * 1.03, 0.0012, 0.4 * a * (1.0, 0.6, 0.35)[j])
        ring(out, s0, body, 0.005, 0.25 * a)
        spans.append((s0, s0 + int(0.03 * SR)))
        k += 1
    p["clock_ticks"] = k
    return out, merge_spans(spans, N)


def k_phone_vibration(N, rng, p):
    """Phone vibrating on a table: every 20-45 s either a call (5-10 pulses of 0.4 s, 0.55-0.65 s
    apart) or a message (2 pulses of 0.4 s, 0.2 s apart); motor 155-195 Hz spinning up over 60 ms
    and down over 50 ms, its table buzz a soft-clipped sine (odd harmonics) plus rattle (white
    noise band-passed at 2.5 kHz, gated by the motor phase)."""
    rattle = unit(chain(white(rng, N), ("bp", 2500, 2.0)))
    out = zeros(N)
    spans, episodes = [], []
    t = rng.uniform(0.8, 2.0)
    while t < N / SR:
        call = rng.random() < 0.5
        f = rng.uniform(155, 195)
        if call:
            n, gap = 5 + int(rng.random() * 6), rng.uniform(0.55, 0.65)
        else:
            n, gap = 2, 0.2
        a = 10 ** (rng.uniform(-3, 0) / 20)
        ts = t
        for _ in range(n):
            s0 = int(ts * SR)
            on, rel = int(0.4 * SR), int(0.05 * SR)
            ph = rng.uniform(0, TWO_PI)
            for k in range(on + rel):
                i = s0 + k
                if i >= N:
                    break
                if k < on:
                    e = 1 - math.exp(-k / (0.025 * SR))
                    fk = f * (0.6 + 0.4 * min(1.0, k / (0.06 * SR)))
                else:
                    e = (1 - math.exp(-on / (0.025 * SR))) * math.exp(-(k - on) / (0.015 * SR))
                    fk = f * (1 - 0.4 * (k - on) / rel)
                ph += TWO_PI * fk / SR
                sv = math.sin(ph)
                g = max(0.0, sv) ** 6
                out[i] += a * e * (math.tanh(2.5 * sv) + 0.5 * g * rattle[i])
            spans.append((s0, s0 + on + rel))
            ts += 0.4 + gap
        episodes.append(dict(t_s=round(t, 3), kind="call" if call else "message", pulses=n, motor_hz=round(f, 1)))
        t = ts + rng.uniform(20.0, 45.0)
    p["phone_episodes"] = episodes
    return out, merge_spans(spans, N)


def k_sink_water(N, rng, p):
    """Water running into a sink: splash noise (white noise 350-5500 Hz) with a fast gurgle
    (+-35 % amplitude, ~6 Hz) and a dense stream of small bubbles (150/s at full flow: decaying
    0.5-3.5 kHz resonances rising in pitch, 1.5-6 ms), 4 dB under the splash; the tap is turned
    between full, medium (-6 dB) and a trickle (-16 dB) every 5-18 s, 0.25 s transitions."""
    splash = unit(chain(white(rng, N), ("hp", 350), ("hp", 350), ("lp", 5500)))
    gurgle = unit(onepole(onepole(white(rng, N), 6.0), 6.0))
    target = zeros(N)
    t, plan = 0.0, []
    levels = [("full", 0.0), ("medium", -6.0), ("trickle", -16.0)]
    prev = None
    while t < N / SR:
        d = rng.uniform(5.0, 18.0)
        u = rng.random()
        name, ldb = levels[0] if u < 0.5 else levels[1] if u < 0.8 else levels[2]
        if prev == name == "trickle" or t == 0.0 and name == "trickle":
            name, ldb = levels[1]
        prev = name
        for i in range(int(t * SR), min(N, int((t + d) * SR))):
            target[i] = 10 ** (ldb / 20)
        plan.append((round(t, 2), name))
        t += d
    flow = onepole(target, 1 / (TWO_PI * 0.25))
    bub = zeros(N)
    t, nb = 0.0, 0
    rmax = 150.0
    while True:
        t += rng.expovariate(rmax)
        s0 = int(t * SR)
        if s0 >= N:
            break
        if rng.random() > flow[s0]:
            continue
        ring(bub, s0, 10 ** rng.uniform(math.log10(500), math.log10(3500)), rng.uniform(0.0015, 0.006),
             10 ** (rng.uniform(-18, 0) / 20), chirp=rng.uniform(0.1, 0.3), phase=rng.uniform(0, TWO_PI))
        nb += 1
    gb = 10 ** (-4 / 20) / max(1e-12, rms(bub))
    out = zeros(N)
    for i in range(N):
        out[i] = flow[i] * splash[i] * max(0.0, 1 + 0.35 * gurgle[i]) + gb * bub[i]
    p["sink_flow_plan_s"] = plan
    p["sink_bubbles"] = nb
    return out, [(0, N)]


def k_clinks(N, rng, p):
    """Cutlery and cups: every 5-16 s a cluster: stirring a cup (4-9 clinks 0.2-0.32 s apart),
    cutlery set down on a plate (1-2 clinks), or a cup put on its saucer (one clink and a bounce
    40-80 ms later, 8 dB down). Cup: partials 1/1.72/2.93/4.1 x 1.8-2.8 kHz, 80-220 ms decay;
    cutlery: free-bar partials 1/2.76/5.40 x 2.5-4.2 kHz, 50-140 ms; each with a 1.5 ms contact
    click (white noise high-passed at 3 kHz)."""
    hiss = unit(chain(white(rng, N), ("hp", 3000)))
    out = zeros(N)
    spans, clusters = [], []

    def clink(t, kind, a):
        s0 = int(t * SR)
        if s0 >= N:
            return
        if kind == "cup":
            f1, ratios, amps, tau = rng.uniform(1800, 2800), (1, 1.72, 2.93, 4.1), (1, .6, .35, .2), rng.uniform(0.08, 0.22)
        else:
            f1, ratios, amps, tau = rng.uniform(2500, 4200), (1, 2.76, 5.40), (1, .5, .3), rng.uniform(0.05, 0.14)
        for r, am in zip(ratios, amps):
            ring(out, s0, f1 * r, tau / math.sqrt(r), a * am * 10 ** (rng.uniform(-3, 3) / 20),
                 length=4 * tau / math.sqrt(r), phase=rng.uniform(0, TWO_PI))
        click(out, s0, hiss, int(rng.random() * (N - 400)), 0.0004, 1.5 * a, 0.0015)
        spans.append((s0, s0 + int(3 * tau * SR)))

    t = rng.uniform(0.8, 2.5)
    while t < N / SR:
        u = rng.random()
        a = 10 ** (rng.uniform(-6, 0) / 20)
        if u < 0.4:
            n, dt = 4 + int(rng.random() * 6), rng.uniform(0.2, 0.32)
            for j in range(n):
                clink(t + j * dt + rng.gauss(0, 0.02), "cup", a * 10 ** (rng.uniform(-4, 0) / 20))
            kind, end = f"stir x{n}", t + n * dt
        elif u < 0.7:
            n = 1 + int(rng.random() * 2)
            for j in range(n):
                clink(t + j * rng.uniform(0.15, 0.5), "cutlery", a)
            kind, end = f"cutlery x{n}", t + 0.6
        else:
            clink(t, "cup", a)
            clink(t + rng.uniform(0.04, 0.08), "cup", a * 10 ** (-8 / 20))
            kind, end = "cup on saucer", t + 0.3
        clusters.append((round(t, 3), kind))
        t = end + rng.uniform(5.0, 16.0)
    p["clink_clusters_s"] = clusters
    return out, merge_spans(spans, N)


def k_printer(N, rng, p):
    """Inkjet printer: a job every 15-35 s (after the previous one ends): paper pick 'zip'
    (0.45 s, noise band-passed at 1.8 kHz + 310 Hz roller), then 5-12 carriage passes of
    0.55-0.85 s, stepper whine 445 Hz one way and 470 Hz the other (soft-clipped sine, 40 ms
    ramps) with mechanical chatter (noise band-passed at 2.2 kHz, gated at a quarter of the step
    rate), a line-feed tick between passes, and a 0.7 s eject zip."""
    zipn = unit(chain(white(rng, N), ("bp", 1800, 1.5)))
    chat = unit(chain(white(rng, N), ("bp", 2200, 1.0)))
    out = zeros(N)
    spans, jobs = [], []

    def zipper(s0, L, a):
        ph = 0.0
        for k in range(L):
            i = s0 + k
            if i >= N:
                return
            e = math.sin(math.pi * k / L) ** 2
            ph += TWO_PI * 310 / SR
            out[i] += a * e * (zipn[i] + 0.5 * math.tanh(2 * math.sin(ph)))

    t = rng.uniform(1.0, 2.5)
    while t < N / SR:
        s = int(t * SR)
        a = 10 ** (rng.uniform(-3, 0) / 20)
        start = s
        zipper(s, int(0.45 * SR), 0.8 * a)
        s += int(0.5 * SR)
        n = 5 + int(rng.random() * 8)
        for j in range(n):
            f = (445.0 if j % 2 == 0 else 470.0) * (1 + rng.uniform(-0.01, 0.01))
            L = int(rng.uniform(0.55, 0.85) * SR)
            ramp = int(0.04 * SR)
            ph = 0.0
            for k in range(L):
                i = s + k
                if i >= N:
                    break
                r = min(1.0, k / ramp, (L - k) / ramp)
                ph += TWO_PI * f * (0.5 + 0.5 * r) / SR
                gate = (0.5 + 0.5 * math.sin(ph / 4)) ** 4
                out[i] += a * r * (0.6 * math.tanh(2 * math.sin(ph)) + 0.4 * gate * chat[i])
            s += L
            gap = int(rng.uniform(0.10, 0.16) * SR)
            if s < N:
                ring(out, s + gap // 3, 1400, 0.003, 0.7 * a)
            s += gap
        zipper(s, int(0.7 * SR), 0.8 * a)
        s += int(0.7 * SR)
        spans.append((start, s))
        jobs.append(dict(t_s=round(t, 3), passes=n, dur_s=round((s - start) / SR, 2)))
        t = s / SR + rng.uniform(15.0, 35.0)
    p["printer_jobs"] = jobs
    return out, merge_spans(spans, N)


def k_aquarium(N, rng, p):
    """Aquarium bubbler: a near-regular train of air bubbles (about 12/s, interval gaussian
    85 +- 30 ms, >= 30 ms), each a decaying 350-1100 Hz resonance rising 15-45 % in pitch
    (6-18 ms), half of them ending in a tiny surface pop (white noise high-passed at 2.5 kHz);
    under them a water bed (white noise 180-700 Hz, slow +-40 % swirl), 10 dB under."""
    pops = unit(chain(white(rng, N), ("hp", 2500)))
    bed = unit(chain(white(rng, N), ("hp", 180), ("lp", 700)))
    swirl = unit(onepole(onepole(white(rng, N), 3.0), 3.0))
    out = zeros(N)
    t, nb = rng.uniform(0.0, 0.1), 0
    while True:
        s0 = int(t * SR)
        if s0 >= N:
            break
        tau = rng.uniform(0.006, 0.018)
        a = 10 ** (rng.uniform(-14, 0) / 20)
        ring(out, s0, 10 ** rng.uniform(math.log10(350), math.log10(1100)), tau, a,
             chirp=rng.uniform(0.15, 0.45), phase=rng.uniform(0, TWO_PI))
        if rng.random() < 0.5:
            e = s0 + int(5 * tau * SR)
            if e < N:
                click(out, e, pops, int(rng.random() * (N - 400)), 0.0006, 0.3 * a, 0.003)
        nb += 1
        t += max(0.03, rng.gauss(0.085, 0.03))
    g = rms(out) * 10 ** (-10 / 20)
    for i in range(N):
        out[i] += g * bed[i] * max(0.0, 1 + 0.4 * swirl[i])
    p["aquarium_bubbles"] = nb
    return out, [(0, N)]


def k_jackhammer(N, rng, p):
    """Distant jackhammer: bursts of 2-6.5 s every 6-25 s, 20-26 blows/s (+-4 % jitter), each
    blow a 30 ms burst of low-passed (700 Hz) noise decaying 5 ms plus a 1.05-1.25 kHz ring
    (4 ms); 0.2 s fade-in, abrupt stop; all low-passed at 2 kHz for distance."""
    thud = unit(chain(white(rng, N), ("lp", 700), ("lp", 700)))
    out = zeros(N)
    spans, bursts = [], []
    t = rng.uniform(2.0, 8.0)
    while t < N / SR:
        on = rng.uniform(2.0, 6.5)
        rate = rng.uniform(20.0, 26.0)
        fr = rng.uniform(1050, 1250)
        a = 10 ** (rng.uniform(-5, 0) / 20)
        tb = t
        while tb < t + on:
            s0 = int(tb * SR)
            if s0 >= N:
                break
            e = a * min(1.0, (tb - t) / 0.2 + 0.05)
            click(out, s0, thud, int(rng.random() * (N - 600)), 0.005, e, 0.03)
            ring(out, s0, fr, 0.004, 0.25 * e)
            tb += (1 + rng.uniform(-0.04, 0.04)) / rate
        spans.append((int(t * SR), int((t + on) * SR) + int(0.03 * SR)))
        bursts.append(dict(t_s=round(t, 3), on_s=round(on, 2), blows_per_s=round(rate, 1)))
        t += on + rng.uniform(6.0, 25.0)
    out = chain(out, ("lp", 2000))
    p["jackhammer_bursts"] = bursts
    return out, merge_spans(spans, N)


KINDS = {
    "rain_window": k_rain_window, "road_traffic": k_road_traffic,
    "aircon": k_aircon, "wall_clock": k_wall_clock, "phone_vibration": k_phone_vibration,
    "sink_water": k_sink_water, "clinks": k_clinks,
    "aquarium": k_aquarium, "printer": k_printer, "jackhammer": k_jackhammer,
}
# Each kind is normalised to unit RMS over its own active spans (the whole file for continuous
# kinds, the events for intermittent ones), then weighted by `kinds` (dB); the sum is the noise,
# scaled as a whole to each SNR.
MIXES = [
    dict(seed=5101, kinds={"rain_window": 0, "road_traffic": -2}),                       # reader, author, host
    dict(seed=5202, kinds={"aircon": 0, "wall_clock": -4, "phone_vibration": 3}),         # four people
    dict(seed=5303, kinds={"sink_water": 0, "clinks": -3}),                               # five people
    dict(seed=5404, kinds={"aquarium": 0, "printer": 0, "jackhammer": -4}),              # six people
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


def db(x):
    return 20 * math.log10(max(x, 1e-12))


def slug(name):
    s = "".join(c if c.isalnum() else "-" for c in name.rsplit(".", 1)[0].lower())
    while "--" in s:
        s = s.replace("--", "-")
    return s.strip("-")


def main():
    os.makedirs(AUDIO, exist_ok=True)
    src = json.load(open(SRC_JSON))
    assert len(src["recordings"]) == len(MIXES)
    out_recs = []
    for mi, (rec, mix) in enumerate(zip(src["recordings"], MIXES)):
        path = os.path.join(SRC_DIR, rec["file"])
        speech = read_wav16(path)
        sha_src = hashlib.sha256(open(path, "rb").read()).hexdigest()
        ns = len(speech)
        line_spans = merge_spans([(l["start_ms"] * 16, l["end_ms"] * 16) for l in rec["lines"]], ns)
        speech_rms = math.sqrt(math.fsum(float(speech[i]) ** 2 for a, b in line_spans for i in range(a, b))
                               / sum(b - a for a, b in line_spans))
        rng = random.Random(mix["seed"])
        first = min(l["start_ms"] for l in rec["lines"])
        last = max(l["end_ms"] for l in rec["lines"])
        pre_ms = int(rng.uniform(3500, 5500))      # noise alone before the first line
        post_ms = int(rng.uniform(3500, 5500))     # and after the last line
        lead_ms = pre_ms - first
        tail_ms = post_ms - (ns // 16 - last)
        assert lead_ms >= 0 and tail_ms >= 0, (lead_ms, tail_ms)
        N = (lead_ms + tail_ms) * 16 + ns
        tag = f"m{mi}"
        noise = zeros(N)
        extras, steps, parts = {}, [], []
        for ki, (kind, wdb) in enumerate(mix["kinds"].items()):
            seed = mix["seed"] * 100 + ki + 1
            x, spans = KINDS[kind](N, random.Random(seed), extras)
            ra = rms(x, spans)
            g = 10 ** (wdb / 20) / ra
            for i in range(N):
                noise[i] += g * x[i]
            parts.append((kind, rms(x) * g))
            steps.append(f"python: {kind} = build.py k_{kind}(N={N}, random.Random({seed})), "
                         f"unit RMS over its {len(spans)} active span(s) "
                         f"({sum(b - a for a, b in spans) / N * 100:.1f} % of the file), x 10^({wdb}/20)")
            print(f"  {tag} {kind}: seed {seed}, active {sum(b - a for a, b in spans) / N * 100:.1f} %", flush=True)
        noise_rms = rms(noise)
        # noise RMS over the truth lines as placed in the output (for the local SNR)
        placed = [(a + lead_ms * 16, b + lead_ms * 16) for a, b in line_spans]
        noise_rms_lines = rms(noise, placed)
        base = {
            "source_file": rec["file"], "source_sha256": sha_src,
            "speech_level_dbfs": round(db(speech_rms / 32768), 2),
            "lead_ms": lead_ms, "tail_ms": tail_ms,
            "noise_alone_before_first_line_ms": pre_ms, "noise_alone_after_last_line_ms": post_ms,
            "mix": {k: v for k, v in mix.items()},
            "noise_kinds": list(mix["kinds"]),
            "noise_kind_share_db": {k: round(db(r / noise_rms), 2) for k, r in parts},
            "noise_commands": steps,
            "noise_extras": extras,
        }
        for snr in SNRS:
            target = speech_rms * 10 ** (-snr / 20)
            g = target / noise_rms
            mixed = scaled(noise, g)
            off = lead_ms * 16
            for i in range(ns):
                mixed[off + i] += speech[i]
            peak = max(abs(v) for v in mixed)
            overall = 1.0
            if peak > 32000:
                overall = 32000 / peak
                mixed = scaled(mixed, overall)
            fname = f"{PREFIX}-{tag}-{slug(rec['file'])}-snr{snr:02d}.wav"
            fpath = os.path.join(AUDIO, fname)
            write_wav16(fpath, mixed)
            lines = [{"speaker": ln["speaker"], "start_ms": ln["start_ms"] + lead_ms,
                      "end_ms": ln["end_ms"] + lead_ms, "text": ln["text"]} for ln in rec["lines"]]
            r = dict(file=fname, snr_db=snr, duration_ms=round(len(mixed) / 16),
                     sha256=hashlib.sha256(open(fpath, "rb").read()).hexdigest(),
                     noise_level_dbfs=round(db(target * overall / 32768), 2),
                     snr_over_lines_db=round(db(speech_rms / (noise_rms_lines * g)), 2),
                     output_gain_to_avoid_clipping=round(overall, 4), **base)
            r["noise_recipe"] = (
                f"kinds {mix['kinds']} (dB; each kind unit RMS over its own active spans); whole noise scaled so "
                f"its RMS over the file = speech RMS over the truth lines - {snr} dB; speech placed after "
                f"{lead_ms} ms of noise-only lead-in ({pre_ms} ms before the first line), {tail_ms} ms noise-only "
                f"tail ({post_ms} ms after the last line)")
            r["lines"] = lines
            out_recs.append(r)
            print(fname, f"speech {base['speech_level_dbfs']} dBFS, noise {r['noise_level_dbfs']} dBFS, "
                  f"SNR over lines {r['snr_over_lines_db']} dB, lead {lead_ms} tail {tail_ms}, "
                  f"clip-gain {overall:.3f}, sha256 {r['sha256']}", flush=True)
    truth = {
        "about": "Held-out noisy set 2: dev_english meetings (real voices) mixed with generated household and "
                 "street noise (rain, traffic, air conditioner, clock, phone vibration, sink, clinks, aquarium, "
                 "printer, jackhammer; no speech-like noise) at two SNRs; times shifted by each file's lead_ms. "
                 "Built by scripts/heldout-noise2/build.py.",
        "built_from": {"json": SRC_JSON, "audio_dir": SRC_DIR},
        "recordings": out_recs,
    }
    with open(os.path.join(ROOT, "truth.json"), "w") as f:
        json.dump(truth, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
