#!/usr/bin/env python3
"""Build the third held-out noisy set: real-voice meetings + generated mechanical/household noise.

Run from the repository root:  python3 scripts/heldout-noise3/build.py
              check the output: python3 scripts/heldout-noise3/build.py --check
Reads tests/data/asr/dev_english.json and the meetings under real-voices/asr-meetings/
(read-only; scripts/fetch-real-voices.sh, then
`cargo run --release --example asr_meetings -- real-voices tests/data/asr/dev_english.json`).
Writes only under heldout-noise3/ (git-ignored; HELDOUT_DIR overrides it): audio/*.wav
(16 kHz mono 16-bit, prefix "h3") and truth.json (same shape as heldout-noise2/truth.json; times
shifted by each file's lead_ms and, after a mid-meeting insert, by the insert's length).

Purpose: measure whether gap markers lie over real speech or over mere noise, on noise kinds
unlike those of the first two held-out sets and of development. Written by a helper that had not
seen verbatim's source, README, benches or the earlier sets' noise code. None of the noise is
speech-like (no babble, voices, singing, humming, TV or animals). Kinds, 2-3 per meeting:
  m0 reader, author, host:          wind buffeting the microphone + pen tapping on a desk
  m1 four people, fast alternation: washing machine (tumble wash, drain pump, spin-up)
                                    + electric kettle heating to a boil and clicking off
                                    + mouse clicks and scroll-wheel ticks
  m2 five people, long pauses:      open-fire crackle + distant train passing (twice)
                                    + footsteps on a hard floor
  m3 six people:                    vacuum cleaner in another room (off for a while mid-file)
                                    + coffee machine (grinder, pump, steam wand; two cups)
                                    + handling noise of a phone picked up / put down
Noise alone before the first line / after the last line (the source's own 500 ms head and short
tail included): m0 3.3 / 6.4 s, m1 6.2 / 3.7 s, m2 4.6 / 5.1 s, m3 6.8 / 3.1 s.
Mid-meeting inserts of noise alone (speech track silent), at the middle of the pause between two
lines, later lines shifted by its length: m0 5.3 s after line 6 (of 0..14), m2 7.6 s after line 6
(of 0..10), m3 4.4 s after line 16 (of 0..22); m1 has none. Its own timing is otherwise kept.
Two SNRs: 8 dB and 0 dB, speech RMS over the union of the truth lines against noise RMS over the
whole file; if the mix would clip, speech and noise are scaled down together (SNR unchanged).
Each kind is scaled to unit RMS over its own active spans, then weighted in dB (mix.kinds).

Python 3 standard library only; all noise synthesised here, every random source is
random.Random(seed) with a fixed integer seed (seeds in truth.json); deterministic output.
The same noise signal of a meeting is used at both SNRs (scaled differently).

Output SHA-256 (built on the build machine, Python 3.11.7, about 25 s; run twice, identical):
  ca52ee59197c4e4b69d6c01fbf4bfc14c435ed000b9bd109f2ea1338640beb7d heldout-noise3/audio/h3-m0-reader-author-host-snr00.wav
  1e86b699329f9038b7168cf4d16cd3bc4fd6dde2c9d8aa21c42270258336948f heldout-noise3/audio/h3-m0-reader-author-host-snr08.wav
  5bffce4c8d11613d828c8bc1f4fa2ae96c3843b8a181e44b5fbd35036a77db46 heldout-noise3/audio/h3-m1-four-people-fast-alternation-snr00.wav
  accaaaf6d13fed356583b0ab801660f80bdeaa57256cecabe63823a9b41ba022 heldout-noise3/audio/h3-m1-four-people-fast-alternation-snr08.wav
  97ab44f9fcae55e532c58eb10bc72bf9850d4be4bfa6bb80923debd7fbf4c4ea heldout-noise3/audio/h3-m2-five-people-long-pauses-snr00.wav
  edee35c39876485c12bced7243764d1b527db7617b16c11e29696f95cbac303c heldout-noise3/audio/h3-m2-five-people-long-pauses-snr08.wav
  dfe3a039210001e84e65790756cf5d689fef7aa1980b1a30f76e1fad4e8c25bd heldout-noise3/audio/h3-m3-six-people-snr00.wav
  e81cc62a22f3eef41c0389902a55a96d73e06ae4901597297c104a36c85520d9 heldout-noise3/audio/h3-m3-six-people-snr08.wav
  220b15002b81cbbce6ef3db2aa58531c34c1e96bdc84f9451e9b7fb9f4d37f64 heldout-noise3/truth.json
"""
import array, hashlib, json, math, os, random, sys, time, wave

SR = 16000
TWO_PI = 2.0 * math.pi
SNRS = (8, 0)
SRC_JSON = "tests/data/asr/dev_english.json"
SRC_DIR = "real-voices/asr-meetings"
OUT_DIR = os.environ.get("HELDOUT_DIR", "heldout-noise3")
PEAK = 0.95  # full-scale fraction the mix may reach before the common output gain

MEETINGS = [
    dict(idx=0, source="reader, author, host.wav", seed=7301,
         kinds={"wind_buffeting": 0, "pen_tapping": -5},
         before_ms=3300, after_ms=6400, insert=dict(after_line=6, length_ms=5300)),
    dict(idx=1, source="four people, fast alternation.wav", seed=7302,
         kinds={"washing_machine": 0, "electric_kettle": -2, "mouse_clicks": -14},
         before_ms=6200, after_ms=3700, insert=None),
    dict(idx=2, source="five people, long pauses.wav", seed=7303,
         kinds={"fire_crackle": 0, "distant_train": -2, "footsteps_hard_floor": -4},
         before_ms=4600, after_ms=5100, insert=dict(after_line=6, length_ms=7600)),
    dict(idx=3, source="six people.wav", seed=7304,
         kinds={"vacuum_other_room": 0, "coffee_machine": -2, "phone_handling": -5},
         before_ms=6800, after_ms=3100, insert=dict(after_line=16, length_ms=4400)),
]


# ----------------------------------------------------------------------------- small DSP kit

def white(rng, n):
    """uniform white noise scaled to unit variance"""
    r = rng.random
    s = math.sqrt(3.0)
    return [(r() * 2.0 - 1.0) * s for _ in range(n)]


def lp1(x, fc):
    a = 1.0 - math.exp(-TWO_PI * fc / SR)
    y = 0.0
    out = [0.0] * len(x)
    for i, v in enumerate(x):
        y += a * (v - y)
        out[i] = y
    return out


def hp1(x, fc):
    a = 1.0 - math.exp(-TWO_PI * fc / SR)
    y = 0.0
    out = [0.0] * len(x)
    for i, v in enumerate(x):
        y += a * (v - y)
        out[i] = v - y
    return out


def bp(x, f0, q):
    """RBJ band-pass, 0 dB peak gain"""
    w0 = TWO_PI * f0 / SR
    al = math.sin(w0) / (2.0 * q)
    c = math.cos(w0)
    a0 = 1.0 + al
    b0, b2, a1, a2 = al / a0, -al / a0, -2.0 * c / a0, (1.0 - al) / a0
    x1 = x2 = y1 = y2 = 0.0
    out = [0.0] * len(x)
    for i, v in enumerate(x):
        y = b0 * v + b2 * x2 - a1 * y1 - a2 * y2
        x2, x1, y2, y1 = x1, v, y1, y
        out[i] = y
    return out


def rms(x, spans=None):
    if spans is None:
        return math.sqrt(sum(v * v for v in x) / max(1, len(x)))
    tot, n = 0.0, 0
    for a, b in spans:
        seg = x[a:b]
        tot += sum(v * v for v in seg)
        n += len(seg)
    return math.sqrt(tot / max(1, n))


def unit(x):
    r = rms(x) or 1.0
    return [v / r for v in x]


def ctrl(vals, step, n):
    """linear interpolation of control values spaced `step` samples apart to n samples"""
    out = [0.0] * n
    for k in range(len(vals) - 1):
        s = k * step
        if s >= n:
            break
        a = vals[k]
        d = (vals[k + 1] - a) / step
        for j in range(min(step, n - s)):
            out[s + j] = a + d * j
    last = (len(vals) - 1) * step
    for i in range(max(0, last), n):
        out[i] = vals[-1]
    return out


def smooth_random(rng, m, a):
    """m control values of one-pole-smoothed uniform noise, normalised to mean 0, std 1"""
    y = 0.0
    out = []
    for _ in range(m + 50):
        y += a * ((rng.random() * 2.0 - 1.0) - y)
        out.append(y)
    out = out[50:]
    mu = sum(out) / m
    sd = math.sqrt(sum((v - mu) ** 2 for v in out) / m) or 1.0
    return [(v - mu) / sd for v in out]


def damped(f, tau, amp, dur=None, phase=0.0):
    n = int((dur if dur is not None else 6.0 * tau) * SR)
    w = TWO_PI * f / SR
    k = 1.0 / (tau * SR)
    return [amp * math.exp(-i * k) * math.sin(w * i + phase) for i in range(n)]


def summed(*evs):
    n = max(len(e) for e in evs)
    out = [0.0] * n
    for e in evs:
        for i, v in enumerate(e):
            out[i] += v
    return out


def delayed(ev, d):
    return [0.0] * int(d * SR) + ev


def add_at(buf, pos, ev, g=1.0):
    n = len(buf)
    for j in range(max(0, -pos), min(len(ev), n - pos)):
        buf[pos + j] += g * ev[j]


def burst(rng, dur, tau, amp=1.0):
    """exponentially decaying white-noise burst"""
    n = int(dur * SR)
    k = 1.0 / (tau * SR)
    r = rng.random
    return [amp * (r() * 2.0 - 1.0) * math.exp(-i * k) for i in range(n)]


def adsr(n, att, rel):
    """attack / release ramps (samples) over n samples, raised-cosine"""
    out = [1.0] * n
    att, rel = max(1, min(att, n // 2)), max(1, min(rel, n // 2))
    for i in range(att):
        out[i] = 0.5 - 0.5 * math.cos(math.pi * i / att)
    for i in range(rel):
        out[n - 1 - i] = 0.5 - 0.5 * math.cos(math.pi * i / rel)
    return out


def span(t0, t1, N):
    return (max(0, int(t0 * SR)), min(N, int(t1 * SR)))


def r3(x):
    return round(x, 3)


# ----------------------------------------------------------------------------- noise kinds
# each: k_NAME(N, rng, ex) -> (samples, active spans in samples); ex collects event details.

def k_wind_buffeting(N, rng, ex):
    """wind on an unshielded microphone: low-frequency buffeting in gusts, overloading the capsule"""
    D = N / SR
    step = 160
    M = N // step + 2
    slow = smooth_random(rng, M, 0.02)
    env = [0.3 * math.exp(0.35 * v) for v in slow]
    gusts = []
    t = rng.uniform(0.3, 3.0)
    while t < D:
        d = rng.uniform(0.8, 4.0)
        a = rng.uniform(0.6, 2.2)
        gusts.append([r3(t), r3(d), round(a, 2)])
        i0, i1 = int(t * SR / step), min(M, int((t + d) * SR / step) + 1)
        for i in range(i0, i1):
            u = (i * step / SR - t) / d
            if 0.0 <= u < 0.25:
                s = math.sin(0.5 * math.pi * u / 0.25) ** 2
            elif 0.25 <= u <= 1.0:
                s = math.cos(0.5 * math.pi * (u - 0.25) / 0.75) ** 2
            else:
                s = 0.0
            env[i] += a * s
        t += d * 0.5 + rng.expovariate(1.0 / 4.5)
    flutter = smooth_random(rng, M, 0.3)
    env = [max(0.0, e * (1.0 + 0.25 * f)) for e, f in zip(env, flutter)]
    ev = ctrl(env, step, N)
    r = unit(hp1(lp1(lp1(white(rng, N), 140.0), 320.0), 15.0))
    h = unit(lp1(hp1(white(rng, N), 700.0), 3500.0))
    th = math.tanh
    out = [th(1.4 * e * x) / 1.4 + 0.1 * (e ** 1.5) * y for e, x, y in zip(ev, r, h)]
    ex["wind_gusts_t_d_amp"] = gusts
    return out, [(0, N)]


def k_pen_tapping(N, rng, ex):
    """a ballpoint pen tapped on a wooden desk in nervous bursts"""
    D = N / SR
    out = [0.0] * N
    variants = []
    for _ in range(10):
        desk = damped(rng.uniform(170, 320), rng.uniform(0.008, 0.016), 0.6)
        f = rng.uniform(2000, 4200)
        tau = rng.uniform(0.0012, 0.003)
        pen = damped(f, tau, 1.0)
        pen2 = damped(f * 2.7, tau * 0.6, 0.4)
        click = burst(rng, 0.0005, 0.00015, 0.8)
        variants.append(summed(desk, pen, pen2, click))
    spans, eps = [], []
    t = rng.uniform(0.5, 4.0)
    while t < D - 0.5:
        d = rng.uniform(1.5, 6.5)
        rate = rng.uniform(3.5, 7.5)
        tt, n = t, 0
        while tt < min(t + d, D - 0.1):
            add_at(out, int(tt * SR), rng.choice(variants), rng.uniform(0.55, 1.0))
            n += 1
            tt += (1.0 / rate) * rng.uniform(0.85, 1.15)
        eps.append([r3(t), r3(tt - t), round(rate, 2), n])
        spans.append(span(t, tt + 0.05, N))
        t = tt + rng.uniform(2.0, 10.0)
    ex["pen_tapping_bursts_t_d_rate_taps"] = eps
    return out, spans


def k_washing_machine(N, rng, ex):
    """front loader in the next room: tumble wash with water slosh and clothes dropping, a drain
    pump, then spin-up (rumble, air noise, motor whine, cabinet rattle through resonance)"""
    D = N / SR
    step = 160
    M = N // step + 2
    t_we = 0.55 * D
    turns = []
    t = 0.0
    while t < t_we:
        d = rng.uniform(8.0, 12.0)
        turns.append((t, min(t + d, t_we)))
        t += d + rng.uniform(2.0, 4.0)
    t_sp = t_we + 4.0
    drain = (t_we + 0.5, t_we + 7.0)
    fr_c, pump_c = [0.0] * M, [0.0] * M
    for i in range(M):
        ti = i * step / SR
        fr = 0.0
        for a, b in turns:
            if a <= ti <= b:
                fr = 0.8 * min(1.0, (ti - a) / 0.7 if a > 0 else 1.0, (b - ti) / 0.7)
        if ti >= t_sp:
            u = ti - t_sp
            if u < 6.0:
                fr = 0.8 + 1.2 * u / 6.0
            elif u < 21.0:
                fr = 2.0 + 11.0 * ((u - 6.0) / 15.0) ** 1.5
            else:
                fr = 13.0
        fr_c[i] = fr
        if drain[0] <= ti <= drain[1]:
            pump_c[i] = min(1.0, (ti - drain[0]) / 0.2, (drain[1] - ti) / 0.2)
    frs = ctrl(fr_c, step, N)
    pump = ctrl(pump_c, step, N)
    nw = unit(bp(white(rng, N), 600.0, 0.7))
    nr = unit(lp1(lp1(white(rng, N), 90.0), 180.0))
    na = unit(lp1(white(rng, N), 1500.0))
    ng = unit(bp(white(rng, N), 350.0, 2.0))
    out = [0.0] * N
    motor = [0.0] * N
    drops, rattles = [], []
    ph_d = ph_m = 0.0
    n_sp = int(t_sp * SR)
    half_prev = 0
    rev_prev = 0
    sin = math.sin
    wp1, wp2, wi = TWO_PI * 147.0 / SR, TWO_PI * 294.0 / SR, TWO_PI * 2600.0 / SR
    for i in range(N):
        fr = frs[i]
        ph_d += fr / SR
        ph_m += fr * 14.0 / SR
        ph_m -= int(ph_m)
        wash_w = (fr / 0.8 if fr <= 0.8 else max(0.0, 1.0 - (fr - 0.8) / 3.0))
        spin_w = (fr / 13.0) ** 2
        v = nw[i] * (wash_w * (0.5 + 0.5 * sin(TWO_PI * 2.0 * ph_d)) * 0.6 + (0.12 if i < n_sp else 0.0))
        v += nr[i] * (0.25 * wash_w + 1.2 * spin_w) * (0.75 + 0.25 * sin(TWO_PI * ph_d))
        v += na[i] * 0.5 * spin_w
        p = pump[i]
        if p > 0.0:
            v += p * (0.25 * sin(wp1 * i) + 0.12 * sin(wp2 * i) + 0.3 * ng[i])
        v += 0.02 * sin(wi * i)
        if fr > 0.02:
            motor[i] = (2.0 * ph_m - 1.0) * 0.25 * fr / 13.0
        out[i] = v
        h = int(ph_d * 2.0)
        if h != half_prev:
            half_prev = h
            if 0.4 < fr <= 0.9:
                drops.append(i)
        rv = int(ph_d)
        if rv != rev_prev:
            rev_prev = rv
            if 3.0 < fr < 7.0:
                rattles.append(i)
    motor = lp1(motor, 1200.0)
    for i in range(N):
        out[i] += motor[i]
    splashes = [hp1(burst(rng, 0.3, 0.09), 150.0) for _ in range(6)]
    kept = []
    for i in drops:
        if rng.random() < 0.75:
            add_at(out, i, damped(rng.uniform(65, 95), 0.05, 0.9))
            add_at(out, i, rng.choice(splashes), 0.6)
            kept.append(r3(i / SR))
    kr = []
    for i in rattles:
        if rng.random() < 0.6:
            add_at(out, i, damped(rng.uniform(550, 900), 0.005, 0.5 * rng.uniform(0.5, 1.0)))
            kr.append(r3(i / SR))
    ex["washer_turns_s"] = [[r3(a), r3(b)] for a, b in turns]
    ex["washer_drain_pump_s"] = [r3(drain[0]), r3(drain[1])]
    ex["washer_spin_start_s"] = r3(t_sp)
    ex["washer_clothes_drops"] = len(kept)
    ex["washer_rattles_s"] = kr
    return out, [(0, N)]


def k_electric_kettle(N, rng, ex):
    """electric kettle: hiss and roar of heating, bubbling at the boil, switch click, dying away"""
    D = N / SR
    t_on = rng.uniform(0.12, 0.2) * D
    heat = rng.uniform(40.0, 48.0)
    boil = rng.uniform(5.0, 7.0)
    t_off = t_on + heat + boil
    fade = 4.5
    t_end = min(D, t_off + fade)
    a, b = span(t_on, t_end, N)
    n = b - a
    step = 160
    M = n // step + 2
    hiss_c, roar_c = [0.0] * M, [0.0] * M
    wob = smooth_random(rng, M, 0.05)
    for i in range(M):
        t = i * step / SR
        if t < heat:
            p = t / heat
            hs = math.sin(0.5 * math.pi * min(p / 0.85, 1.0)) ** 2 * (1.0 - 0.5 * max(0.0, (p - 0.85) / 0.15))
            rr = p ** 2.2
        elif t < heat + boil:
            hs, rr = 0.5, 0.8 * (1.0 + 0.15 * wob[i])
        else:
            g = math.exp(-(t - heat - boil) / 1.2)
            hs, rr = 0.5 * g, 0.8 * g
        hiss_c[i], roar_c[i] = hs, rr
    hiss_e, roar_e = ctrl(hiss_c, step, n), ctrl(roar_c, step, n)
    gs = 48
    gran = ctrl([0.3 + rng.random() ** 3 * 1.4 for _ in range(n // gs + 2)], gs, n)
    hiss = unit(lp1(hp1(white(rng, n), 1500.0), 6000.0))
    roar = unit(bp(white(rng, n), 280.0, 0.9))
    seg = [0.8 * he * g * h + 0.9 * re * r for he, g, h, re, r in zip(hiss_e, gran, hiss, roar_e, roar)]
    # bubbles: short upward chirps (bursting steam bubbles), from late heating on
    nb = 0
    t = heat * 0.8
    while t < heat + boil + fade:
        if t < heat:
            rate = 60.0 * (t - heat * 0.8) / (heat * 0.2) + 1.0
            g = 1.0
        elif t < heat + boil:
            rate, g = 80.0, 1.0
        else:
            rate, g = 80.0, math.exp(-(t - heat - boil) / 1.2)
        f0 = rng.uniform(400, 1400)
        L = int(0.012 * SR)
        ph, ch = 0.0, []
        amp = 0.35 * rng.uniform(0.3, 1.0) * g
        for j in range(L):
            ph += TWO_PI * f0 * (1.0 + 0.6 * j / (0.006 * SR)) / SR
            ch.append(amp * math.exp(-j / (0.004 * SR)) * math.sin(ph))
        add_at(seg, int(t * SR), ch)
        nb += 1
        t += rng.expovariate(rate)
    click = summed(damped(1900, 0.002, 2.0), damped(260, 0.012, 1.0),
                   delayed(damped(2300, 0.0015, 0.8), 0.02))
    add_at(seg, int((heat + boil) * SR), click)
    out = [0.0] * N
    add_at(out, a, seg)
    ex["kettle_on_s"] = r3(t_on)
    ex["kettle_boil_s"] = r3(t_on + heat)
    ex["kettle_click_off_s"] = r3(t_off)
    ex["kettle_bubbles"] = nb
    return out, [(a, b)]


def k_mouse_clicks(N, rng, ex):
    """computer mouse: button press/release clicks, double clicks, scroll-wheel detent ticks"""
    D = N / SR
    out = [0.0] * N
    clicks = [summed(damped(rng.uniform(3500, 6000), 0.0006, 1.0), damped(rng.uniform(1500, 2500), 0.0018, 0.5),
                     damped(rng.uniform(350, 500), 0.004, 0.25)) for _ in range(8)]
    ticks = [summed(damped(rng.uniform(2000, 3200), 0.0008, 1.0), damped(rng.uniform(800, 1200), 0.0015, 0.3))
             for _ in range(4)]
    spans, sess = [], []
    counts = dict(single=0, double=0, scroll=0)

    def click(t, g):
        add_at(out, int(t * SR), rng.choice(clicks), g)

    t = rng.uniform(1.0, 5.0)
    while t < D - 1.0:
        d = rng.uniform(2.0, 6.0)
        tt = t + rng.uniform(0.1, 0.6)
        end = min(t + d, D - 0.5)
        while tt < end:
            x = rng.random()
            if x < 0.6:
                click(tt, 1.0)
                click(tt + rng.uniform(0.07, 0.13), 0.6)
                counts["single"] += 1
                tt += 0.15
            elif x < 0.75:
                for o, g in ((0.0, 1.0), (0.06, 0.6), (rng.uniform(0.13, 0.17), 1.0), (0.21, 0.6)):
                    click(tt + o, g)
                counts["double"] += 1
                tt += 0.25
            else:
                k = rng.randint(5, 25)
                iv = 1.0 / rng.uniform(15, 35)
                for j in range(k):
                    add_at(out, int((tt + j * iv) * SR), rng.choice(ticks), rng.uniform(0.2, 0.3))
                counts["scroll"] += 1
                tt += k * iv
            tt += rng.uniform(0.3, 1.5)
        sess.append([r3(t), r3(tt - t)])
        spans.append(span(t, tt, N))
        t = tt + rng.uniform(4.0, 14.0)
    ex["mouse_sessions_t_d"] = sess
    ex["mouse_actions"] = counts
    return out, spans


def k_fire_crackle(N, rng, ex):
    """open fire / wood stove: low flame roar, faint hiss, clustered crackles and a few pops"""
    D = N / SR
    step = 800
    M = N // step + 2
    flame = ctrl([math.exp(0.4 * v) for v in smooth_random(rng, M, 0.1)], step, N)
    roar = unit(lp1(lp1(white(rng, N), 180.0), 400.0))
    hiss = unit(hp1(white(rng, N), 3000.0))
    out = [f * (0.6 * r + 0.08 * h) for f, r, h in zip(flame, roar, hiss)]
    t = rng.expovariate(1.3)
    ncl = ncr = npop = 0
    while t < D - 0.3:
        k = rng.randint(1, 12)
        w = rng.uniform(0.01, 0.25)
        for _ in range(k):
            tc = t + rng.uniform(0.0, w)
            amp = min(8.0, 0.3 * rng.paretovariate(1.6))
            L = int(rng.uniform(0.0002, 0.0015) * SR) + 2
            b = burst(rng, L / SR, L / SR / 3.0, amp)
            cr = [b[0]] + [b[j] - b[j - 1] for j in range(1, len(b))]
            add_at(out, int(tc * SR), cr)
            ncr += 1
            if rng.random() < 0.06:
                add_at(out, int(tc * SR), damped(rng.uniform(700, 2200), 0.003, amp * 0.5))
                npop += 1
        ncl += 1
        t += w + rng.expovariate(1.3)
    ex["fire_crackle_clusters"] = ncl
    ex["fire_crackles"] = ncr
    ex["fire_pops"] = npop
    return out, [(0, N)]


def k_distant_train(N, rng, ex):
    """a train passing in the distance: swelling rumble and air noise, rail-joint clacks"""
    D = N / SR
    out = [0.0] * N
    passes = [(rng.uniform(0.22, 0.35) * D, rng.uniform(24.0, 32.0), 1.0),
              (rng.uniform(0.70, 0.82) * D, rng.uniform(18.0, 26.0), 0.8)]
    spans, info = [], []
    clack_v = [summed(damped(rng.uniform(220, 380), 0.01, 1.0), damped(rng.uniform(700, 1100), 0.004, 0.4))
               for _ in range(6)]
    for c, w, peak in passes:
        t0 = max(0.0, c - w / 2.0)
        t1 = min(D, c + w / 2.0)
        a, b = span(t0, t1, N)
        n = b - a
        env = [peak * math.sin(math.pi * ((a + j) / SR - (c - w / 2.0)) / w) ** 2 for j in range(n)]
        rum = unit(hp1(lp1(lp1(white(rng, n), 70.0), 160.0), 20.0))
        air = unit(lp1(lp1(white(rng, n), 500.0), 900.0))
        seg = [e * (0.8 * r + 0.35 * x) for e, r, x in zip(env, rum, air)]
        cl = [0.0] * n
        v = rng.uniform(18.0, 26.0)
        tc = c - w / 2.0 + rng.uniform(0.0, 1.0)
        ncl = 0
        while tc < c + w / 2.0:
            for off in (0.0, 2.5 / v, 15.0 / v, 17.5 / v):
                tt = tc + off
                u = (tt - (c - w / 2.0)) / w
                if 0.0 < u < 1.0:
                    e = peak * math.sin(math.pi * u) ** 2
                    if e > 0.15:
                        add_at(cl, int(tt * SR) - a, rng.choice(clack_v), 0.6 * e ** 1.3 * rng.uniform(0.7, 1.0))
                        ncl += 1
            tc += 20.0 / v
        cl = lp1(cl, 1200.0)
        for j in range(n):
            seg[j] += cl[j]
        add_at(out, a, seg)
        spans.append((a, b))
        info.append([r3(t0), r3(t1), round(peak, 2), round(v, 1), ncl])
    ex["train_passes_t0_t1_peak_speed_clacks"] = info
    return out, spans


def k_footsteps_hard_floor(N, rng, ex):
    """someone in hard shoes walking across a hard floor: heel strike click + thud, toe scuff"""
    D = N / SR
    out = [0.0] * N
    steps = []
    for _ in range(8):
        heel = summed(damped(rng.uniform(85, 130), 0.025, 1.0), damped(rng.uniform(900, 1400), 0.006, 0.45),
                      damped(rng.uniform(3000, 5000), 0.0008, 0.6))
        scuff = bp(burst(rng, 0.04, 0.015, 0.5), 1800.0, 0.8)
        toe = summed(damped(rng.uniform(140, 180), 0.015, 0.3), scuff)
        steps.append(summed(heel, delayed(toe, rng.uniform(0.08, 0.14))))
    spans, eps = [], []
    t = rng.uniform(2.0, 10.0)
    while t < D - 3.0:
        n = rng.randint(5, 14)
        iv = rng.uniform(0.5, 0.62)
        tk = t
        for k in range(n):
            if tk > D - 0.3:
                break
            a = (0.3 + 0.7 * math.sin(math.pi * (k + 0.5) / n)) * (0.85 if k % 2 else 1.0)
            add_at(out, int(tk * SR), rng.choice(steps), a)
            tk += iv * rng.uniform(0.96, 1.04)
        eps.append([r3(t), r3(tk - t), n])
        spans.append(span(t, tk + 0.2, N))
        t = tk + rng.uniform(8.0, 20.0)
    ex["footsteps_walks_t_d_steps"] = eps
    return out, spans


def k_vacuum_other_room(N, rng, ex):
    """vacuum cleaner in the next room (wall-muffled): motor whine, airflow swelling with the
    back-and-forth strokes; running at the start, spin-down, a pause, spin-up, running to the end"""
    D = N / SR
    # already running when the file starts, switched off a while, switched on again until the end
    b1 = rng.uniform(0.34, 0.40) * D
    a2 = b1 + rng.uniform(8.0, 14.0)
    periods = [(0.0, b1), (a2, D)]
    out = [0.0] * N
    spans = []
    for a, b in periods:
        s0, s1 = span(a, min(D, b + 4.0), N)
        n = s1 - s0
        step = 160
        M = n // step + 2
        strokes = smooth_random(rng, M, 0.02)
        sp_c, st_c, bl_c = [], [], []
        ph = rng.random()
        for i in range(M):
            t = i * step / SR
            if t < b - a:
                s = min(1.0, t / 1.2) ** 0.7 if a > 0.0 else 1.0
            else:
                s = math.exp(-(t - (b - a)) / 1.0)
            ph += (0.55 + 0.1 * strokes[i]) * step / SR
            st = math.sin(TWO_PI * ph)
            sp_c.append(s)
            st_c.append(1.0 + 0.3 * st)
            bl_c.append(1.0 + 0.025 * max(0.0, st))
        sp, st, bl = ctrl(sp_c, step, n), ctrl(st_c, step, n), ctrl(bl_c, step, n)
        air = unit(lp1(white(rng, n), 600.0))
        seg = [0.0] * n
        p = 0.0
        sin = math.sin
        for j in range(n):
            s = sp[j]
            p += 360.0 * s * bl[j] / SR
            p -= int(p)
            seg[j] = (2.0 * p - 1.0) * 0.3 * s + 0.15 * s * sin(TWO_PI * 7.0 * p) + air[j] * s * s * st[j]
        seg = lp1(lp1(seg, 900.0), 1500.0)
        add_at(out, s0, seg)
        spans.append((s0, s1))
    ex["vacuum_on_off_s"] = [[r3(a), r3(b)] for a, b in periods]
    return out, spans


def k_coffee_machine(N, rng, ex):
    """bean-to-cup coffee machine: grinder (motor + crunching beans), brewing pump with gurgle,
    steam wand hiss; two cups"""
    D = N / SR
    out = [0.0] * N
    spans, info = [], []

    def saw(n, f0, rise_last=0.0, rise=0.0):
        p, o = 0.0, [0.0] * n
        for j in range(n):
            f = f0 * (1.0 + rise * max(0.0, (j - (n - rise_last)) / max(1, rise_last)))
            p += f / SR
            p -= int(p)
            o[j] = 2.0 * p - 1.0
        return o

    def grind(t, d):
        n = int(d * SR)
        end = int(0.8 * SR)
        m = saw(n, rng.uniform(175, 205), end, 0.12)
        gs = 64
        gran = ctrl([rng.random() ** 2 * 2.0 for _ in range(n // gs + 2)], gs, n)
        cr = unit(hp1(white(rng, n), 900.0))
        env = adsr(n, int(0.05 * SR), int(0.3 * SR))
        m = lp1(m, 2500.0)
        seg = [e * (0.35 * mm + (1.0 if j < n - end else 0.2) * g * c)
               for j, (e, mm, g, c) in enumerate(zip(env, m, gran, cr))]
        add_at(out, int(t * SR), seg)
        info.append(["grind", r3(t), r3(d)])
        spans.append(span(t, t + d, N))

    def pump(t, d):
        d = min(d, D - 0.5 - t)
        if d < 3.0:
            return
        n = int(d * SR)
        m = lp1(saw(n, 73.0), 600.0)
        step = 320
        am = ctrl([math.exp(0.5 * v) for v in smooth_random(rng, n // step + 2, 0.15)], step, n)
        gu = unit(bp(white(rng, n), 700.0, 1.5))
        env = adsr(n, int(0.3 * SR), int(0.5 * SR))
        add_at(out, int(t * SR), [e * (0.3 * mm + 0.5 * a * g) for e, mm, a, g in zip(env, m, am, gu)])
        info.append(["pump", r3(t), r3(d)])
        spans.append(span(t, t + d, N))

    def steam(t, d):
        n = int(d * SR)
        step = 160
        am = ctrl([0.75 + 0.25 * v for v in smooth_random(rng, n // step + 2, 0.3)], step, n)
        bs = ctrl([max(0.0, v) ** 2 for v in smooth_random(rng, n // step + 2, 0.2)], step, n)
        hs = unit(hp1(white(rng, n), 2500.0))
        gl = unit(bp(white(rng, n), 300.0, 1.0))
        env = adsr(n, int(0.15 * SR), int(0.4 * SR))
        add_at(out, int(t * SR), [e * (a * h + 0.4 * b * g) for e, a, h, b, g in zip(env, am, hs, bs, gl)])
        info.append(["steam", r3(t), r3(d)])
        spans.append(span(t, t + d, N))

    t = rng.uniform(0.15, 0.22) * D
    g1 = rng.uniform(4.0, 6.0)
    grind(t, g1)
    t += g1 + rng.uniform(3.0, 6.0)
    p1 = rng.uniform(18.0, 25.0)
    pump(t, p1)
    t += p1 + rng.uniform(4.0, 8.0)
    s1 = rng.uniform(7.0, 11.0)
    steam(t, s1)
    t += s1 + rng.uniform(6.0, 12.0)
    g2 = rng.uniform(3.5, 5.0)
    if t + g2 < D - 1.0:
        grind(t, g2)
        t += g2 + rng.uniform(3.0, 6.0)
        pump(t, rng.uniform(15.0, 20.0))
    ex["coffee_episodes_kind_t_d"] = info
    return out, spans


def k_phone_handling(N, rng, ex):
    """handling noise of a phone recording the meeting: picked up, fingers rubbing the case,
    put back down"""
    D = N / SR
    out = [0.0] * N
    spans, evs = [], []
    t = rng.uniform(3.0, 9.0)
    while t < D - 2.5:
        d = rng.uniform(0.6, 2.0)
        kind = rng.choice(["pick_up", "put_down", "pick_up_and_back"])
        n = int(d * SR)
        step = 480
        env = ctrl([rng.random() ** 2 for _ in range(n // step + 2)], step, n)
        env = lp1(env, 30.0)
        rub = unit(hp1(lp1(white(rng, n), 1500.0), 100.0))
        low = unit(lp1(white(rng, n), 60.0))
        seg = [e * (0.35 * r + 0.5 * l) for e, r, l in zip(env, rub, low)]
        bump = summed(damped(rng.uniform(40, 80), 0.04, 1.0), damped(rng.uniform(2000, 3200), 0.001, 0.5))
        if kind in ("pick_up", "pick_up_and_back"):
            add_at(seg, 0, bump)
        if kind in ("put_down", "pick_up_and_back"):
            add_at(seg, max(0, n - int(0.05 * SR)), bump, 0.8)
        add_at(out, int(t * SR), seg)
        evs.append([kind, r3(t), r3(d)])
        spans.append(span(t, t + d + 0.25, N))
        t += d + rng.uniform(6.0, 16.0)
    ex["phone_handling_kind_t_d"] = evs
    return out, spans


KINDS = {name[2:]: fn for name, fn in globals().items() if name.startswith("k_")}


# ----------------------------------------------------------------------------- assembly

def sha256_file(p):
    h = hashlib.sha256()
    with open(p, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()


def read_wav(p):
    with wave.open(p, "rb") as w:
        assert w.getnchannels() == 1 and w.getsampwidth() == 2 and w.getframerate() == SR, p
        a = array.array("h", w.readframes(w.getnframes()))
    if sys.byteorder == "big":
        a.byteswap()
    return a


def write_wav(p, samples):
    a = array.array("h", samples)
    if sys.byteorder == "big":
        a.byteswap()
    with wave.open(p, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SR)
        w.writeframes(a.tobytes())


def slug(s):
    s = s.rsplit(".", 1)[0].lower()
    out = "".join(c if c.isalnum() else "-" for c in s)
    while "--" in out:
        out = out.replace("--", "-")
    return out.strip("-")


def union(spans):
    out = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [tuple(x) for x in out]


def db(x):
    return 20.0 * math.log10(x) if x > 0 else -999.0


def layout(m, rec):
    """placement of the source in the output: lead, optional insert, tail (all in ms)"""
    lines = rec["lines"]
    src_n = len(read_wav(os.path.join(SRC_DIR, m["source"])))
    src_ms = src_n * 1000 // SR
    first, last = lines[0]["start_ms"], lines[-1]["end_ms"]
    lead = m["before_ms"] - first
    tail = m["after_ms"] - (src_n / SR * 1000.0 - last)
    tail = int(round(tail))
    ins = None
    if m["insert"]:
        k = m["insert"]["after_line"]
        g0, g1 = lines[k]["end_ms"], lines[k + 1]["start_ms"]
        ins = dict(after_line=k, at_source_ms=(g0 + g1) // 2, length_ms=m["insert"]["length_ms"],
                   source_pause_ms=[g0, g1])
    return lead, tail, ins, src_n, src_ms


def build_meeting(m, rec, src_sha):
    t_start = time.time()
    src = read_wav(os.path.join(SRC_DIR, m["source"]))
    lead, tail, ins, src_n, _ = layout(m, rec)
    sp = [0.0] * (lead * 16)
    if ins:
        cut = ins["at_source_ms"] * 16
        sp += [v / 32768.0 for v in src[:cut]]
        sp += [0.0] * (ins["length_ms"] * 16)
        sp += [v / 32768.0 for v in src[cut:]]
    else:
        sp += [v / 32768.0 for v in src]
    sp += [0.0] * (tail * 16)
    N = len(sp)

    def shift(ms):
        s = ms + lead
        if ins and ms >= ins["at_source_ms"]:
            s += ins["length_ms"]
        return s

    lines = [dict(speaker=l["speaker"], start_ms=shift(l["start_ms"]), end_ms=shift(l["end_ms"]), text=l["text"])
             for l in rec["lines"]]
    line_spans = union([(l["start_ms"] * 16, l["end_ms"] * 16) for l in lines])
    s_rms = rms(sp, line_spans)

    # noise: each kind unit RMS over its active spans, weighted in dB
    noise = [0.0] * N
    extras, cmds, comps = {}, [], {}
    for j, (kind, wdb) in enumerate(m["kinds"].items()):
        kseed = m["seed"] * 100 + j + 1
        x, spans = KINDS[kind](N, random.Random(kseed), extras)
        spans = union(spans)
        r = rms(x, spans) or 1.0
        g = 10.0 ** (wdb / 20.0) / r
        x = [v * g for v in x]
        cov = sum(b - a for a, b in spans) / N
        cmds.append(f"python: {kind} = build.py k_{kind}(N={N}, random.Random({kseed})), unit RMS over its "
                    f"{len(spans)} active span(s) ({100.0 * cov:.1f} % of the file), x 10^({wdb}/20)")
        comps[kind] = x
        for i, v in enumerate(x):
            noise[i] += v
    n_rms = rms(noise)
    share = {k: round(db(rms(x) / n_rms), 2) for k, x in comps.items()}
    comps = None

    first_line, last_line = lines[0]["start_ms"], lines[-1]["end_ms"]
    dur_ms = N * 1000 // SR
    results = []
    for snr in SNRS:
        k = s_rms * 10.0 ** (-snr / 20.0) / n_rms
        mix = [a + k * b for a, b in zip(sp, noise)]
        peak = max(max(mix), -min(mix))
        og = min(1.0, PEAK / peak)
        q = []
        for v in mix:
            x = int(round(v * og * 32768.0))
            q.append(32767 if x > 32767 else (-32768 if x < -32768 else x))
        name = f"h3-m{m['idx']}-{slug(m['source'])}-snr{snr:02d}.wav"
        path = os.path.join(OUT_DIR, "audio", name)
        write_wav(path, q)
        snr_got = db(s_rms / (k * n_rms))
        entry = dict(
            file=name, snr_db=snr, duration_ms=dur_ms, sha256=sha256_file(path),
            noise_level_dbfs=round(db(og * k * n_rms), 2),
            snr_over_lines_db=round(snr_got, 2) + 0.0,
            output_gain_to_avoid_clipping=round(og, 4),
            source_file=m["source"], source_sha256=src_sha,
            speech_level_dbfs=round(db(og * s_rms), 2),
            speech_level_in_source_dbfs=round(db(s_rms), 2),
            lead_ms=lead, tail_ms=tail,
            noise_alone_before_first_line_ms=first_line,
            noise_alone_after_last_line_ms=dur_ms - last_line,
            mid_insert=(dict(after_line=ins["after_line"], at_source_ms=ins["at_source_ms"],
                             at_ms=ins["at_source_ms"] + lead, length_ms=ins["length_ms"],
                             source_pause_ms=ins["source_pause_ms"],
                             noise_alone_ms=[lines[ins["after_line"]]["end_ms"],
                                             lines[ins["after_line"] + 1]["start_ms"]],
                             noise_alone_length_ms=lines[ins["after_line"] + 1]["start_ms"]
                             - lines[ins["after_line"]]["end_ms"]) if ins else None),
            mix=dict(seed=m["seed"], kinds=dict(m["kinds"])),
            noise_kinds=list(m["kinds"]),
            noise_kind_share_db=share,
            noise_commands=cmds,
            noise_extras=extras,
            noise_recipe=(f"kinds {dict(m['kinds'])} (dB; each kind unit RMS over its own active spans); whole "
                          f"noise scaled so its RMS over the file = speech RMS over the truth lines - {snr} dB; "
                          f"speech placed after {lead} ms of noise-only lead-in ({first_line} ms before the first "
                          f"line), {tail} ms noise-only tail ({dur_ms - last_line} ms after the last line)"
                          + (f"; {ins['length_ms']} ms of noise alone inserted at source {ins['at_source_ms']} ms "
                             f"(middle of the pause after line {ins['after_line']}), later lines shifted by it"
                             if ins else "; no mid-meeting insert")
                          + f"; mix x {og:.4f} to keep the peak <= {PEAK} of full scale"),
            lines=lines,
        )
        results.append(entry)
        print(f"  {name}: {dur_ms / 1000:.1f} s, speech {entry['speech_level_dbfs']} dBFS, noise "
              f"{entry['noise_level_dbfs']} dBFS, SNR {entry['snr_over_lines_db']} dB, gain {og:.4f}", flush=True)
    print(f"  m{m['idx']} done in {time.time() - t_start:.1f} s", flush=True)
    return results


def build():
    t0 = time.time()
    truth_src = json.load(open(SRC_JSON))
    os.makedirs(os.path.join(OUT_DIR, "audio"), exist_ok=True)
    recs = []
    for m in MEETINGS:
        rec = next(r for r in truth_src["recordings"] if r["file"] == m["source"])
        print(f"m{m['idx']} {m['source']}", flush=True)
        recs += build_meeting(m, rec, sha256_file(os.path.join(SRC_DIR, m["source"])))
    doc = dict(
        about=("Held-out noisy set 3: dev_english meetings (real voices) mixed with generated mechanical and "
               "household noise (wind on the microphone, pen tapping, washing machine, kettle, mouse clicks, "
               "fire crackle, distant train, footsteps, vacuum cleaner in another room, coffee machine, phone "
               "handling; no speech-like noise) at two SNRs (8 and 0 dB); times shifted by each file's lead_ms "
               "and by its mid-meeting insert (mid_insert) where it has one. Built by "
               "scripts/heldout-noise3/build.py."),
        built_from=dict(json=SRC_JSON, audio_dir=SRC_DIR),
        recordings=recs,
    )
    with open(os.path.join(OUT_DIR, "truth.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"built {len(recs)} files in {OUT_DIR}/ in {time.time() - t0:.1f} s")
    for p in sorted(os.listdir(os.path.join(OUT_DIR, "audio"))):
        q = os.path.join(OUT_DIR, "audio", p)
        print(f"  {sha256_file(q)} {q}")
    q = os.path.join(OUT_DIR, "truth.json")
    print(f"  {sha256_file(q)} {q}")


def check():
    """Re-derive from the written files: format, duration, SHA-256, levels, and the SNR achieved
    (noise = written mix - gain x placed source speech, so quantisation counts as noise)."""
    truth = json.load(open(os.path.join(OUT_DIR, "truth.json")))
    src_truth = {r["file"]: r for r in json.load(open(SRC_JSON))["recordings"]}
    ok = True
    for t in truth["recordings"]:
        path = os.path.join(OUT_DIR, "audio", t["file"])
        with wave.open(path, "rb") as w:
            fmt = (w.getnchannels(), w.getsampwidth(), w.getframerate())
        out = read_wav(path)
        src = read_wav(os.path.join(SRC_DIR, t["source_file"]))
        lead, ins = t["lead_ms"] * 16, t["mid_insert"]
        sp = [0] * len(out)
        if ins:
            cut = ins["at_source_ms"] * 16
            sp[lead:lead + cut] = src[:cut]
            o = lead + cut + ins["length_ms"] * 16
            sp[o:o + len(src) - cut] = src[cut:]
        else:
            sp[lead:lead + len(src)] = src
        sp = sp[:len(out)]
        g = t["output_gain_to_avoid_clipping"]
        lines = union([(l["start_ms"] * 16, l["end_ms"] * 16) for l in t["lines"]])
        s = [v * g for v in sp]
        nz = [a - b for a, b in zip(out, s)]
        s_r, n_r = rms(s, lines), rms(nz)
        snr = round(db(s_r / n_r), 2) + 0.0
        # noise-alone stretches really hold no source speech
        alone = [(0, t["lines"][0]["start_ms"] * 16), (t["lines"][-1]["end_ms"] * 16, len(out))]
        if ins:
            alone.append((ins["noise_alone_ms"][0] * 16, ins["noise_alone_ms"][1] * 16))
        sp_alone = db(rms([v / 32768.0 for v in sp], alone) or 1e-12)
        # line texts / order unchanged, shifts consistent
        srcl = src_truth[t["source_file"]]["lines"]
        shifts = sorted({l["start_ms"] - sl["start_ms"] for l, sl in zip(t["lines"], srcl)})
        same = [l["text"] for l in t["lines"]] == [l["text"] for l in srcl]
        mix_dbfs = db(rms([v / 32768.0 for v in out]))
        noise_alone_dbfs = db(rms([v / 32768.0 for v in out], alone))
        peak = max(max(out), -min(out))
        # no near-silent stretch: quietest 500 ms window of the noise, relative to its file RMS
        W = SR // 2
        quiet = min(db(rms(nz[i:i + W]) / n_r) for i in range(0, len(nz) - W + 1, W))
        per = [round(db(rms(nz[a:b]) / 32768.0), 1) for a, b in alone]
        good = (fmt == (1, 2, SR) and len(out) * 1000 // SR == t["duration_ms"] and sha256_file(path) == t["sha256"]
                and abs(snr - t["snr_db"]) < 0.1 and same and peak < 32767 and sp_alone < -55.0 and quiet > -30.0)
        ok &= good
        print(f"{t['file']}: {'ok' if good else 'BAD'} fmt={fmt} {len(out) / SR:.2f} s, SNR achieved {snr:.2f} dB "
              f"(target {t['snr_db']}), speech {db(s_r / 32768.0):.2f} dBFS over lines, noise {db(n_r / 32768.0):.2f} dBFS, "
              f"mix {mix_dbfs:.2f} dBFS, peak {db(peak / 32768.0):.2f} dBFS, quietest 500 ms of noise {quiet:.1f} dB "
              f"under its RMS, noise-alone stretches {noise_alone_dbfs:.2f} dBFS (each {per} dBFS) "
              f"(source there {sp_alone:.1f} dBFS), before {t['noise_alone_before_first_line_ms']} ms, after "
              f"{t['noise_alone_after_last_line_ms']} ms, insert "
              f"{(ins['noise_alone_ms'], ins['length_ms']) if ins else None}, line shifts {shifts}, texts same {same}")
    print("all ok" if ok else "PROBLEMS")
    return ok


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:
        sys.exit(0 if check() else 1)
    if sys.argv[1:]:
        sys.exit(__doc__)
    build()
