#!/usr/bin/env python3
"""Short synthetic meetings for speaker-count development (issue 14).

Six meetings of 20 to 30 s with 3 to 5 espeak-ng voices each, none of them a voice of the
sample corpus, turns of one short sentence (about 1 to 4 s), pauses of 0.15 to 0.8 s, and
speakers coming back. Everything is drawn from a fixed seed, so the same espeak-ng and sox
give the same files.

    python3 scripts/short_meetings.py [OUT_DIR]      # default: short-meetings/ (git-ignored)

Writes OUT_DIR/<name>.wav (16 kHz mono) and OUT_DIR/truth.json in the shape of
corpus/truth.json (recordings -> file, speakers, lines with start_ms, end_ms, speaker, text),
so `examples/diarize_corpus.rs` and `verbatim-bench` read it. The truth is also kept in the
repository at tests/data/speakers/short_meetings.json; the script checks that it wrote the
same lines. Python 3 standard library; calls espeak-ng.
"""
import array
import json
import os
import random
import subprocess
import sys
import tempfile
import wave

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
KEPT_TRUTH = os.path.join(ROOT, "tests", "data", "speakers", "short_meetings.json")
SEED = 20261205
RATE = 22050  # espeak-ng's rate; resampled to 16 kHz at the end
OUT_RATE = 16000
TRIM = 300
PEAK = 20000

# none of these is a corpus voice (en-us+m7, en+f4, en+klatt3, en+m3, en-us+f2, en-us+Alex,
# en-us+m1, en+klatt -p 90)
VOICES = [
    "en-us+m2", "en+f1", "en-gb+m5", "en+f3", "en-us+klatt2", "en+m6",
    "en-gb-scotland+f5", "en-us+david", "en+m4", "en-us+f5", "en+klatt4", "en-gb+m8",
]

SENTENCES = [
    "Let's get started, we have a lot to cover.",
    "I sent the numbers this morning.",
    "Did everyone see the new dashboard?",
    "The migration finished on Friday.",
    "We still need sign off from legal.",
    "Can you share your screen?",
    "I think that was the old version.",
    "Support got three tickets about it.",
    "The vendor wants an answer by Monday.",
    "That matches what we saw last week.",
    "Who owns the access list now?",
    "I'll follow up after this call.",
    "The backup job failed twice.",
    "We should move it to the next sprint.",
    "Nobody outside the team can open it.",
    "The audit starts in two weeks.",
    "Give me a second to find the link.",
    "Sounds good to me.",
    "Let's not change the schedule again.",
    "The logs go back ninety days.",
    "I can take that one.",
    "Does the contract cover the test data?",
    "We rotated the keys yesterday.",
    "I'm not sure that's right.",
    "The report is in the shared folder.",
    "Let's keep this one short.",
    "The office in Austin is closed today.",
    "We need a cleaner way to handle exports.",
    "Okay, next item.",
    "That's everything from my side.",
]

# (name, voices, seconds)
MEETINGS = [
    ("three voices a", 3, 22),
    ("four voices a", 4, 24),
    ("five voices a", 5, 24),
    ("three voices b, fast turns", 3, 28),
    ("four voices b", 4, 27),
    ("five voices b, fast turns", 5, 29),
]


def synth(text, voice, path):
    subprocess.run(["espeak-ng", "-v", voice, "-s", "165", "-w", path, "--", text],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with wave.open(path, "rb") as w:
        assert w.getframerate() == RATE and w.getnchannels() == 1 and w.getsampwidth() == 2
        a = array.array("h")
        a.frombytes(w.readframes(w.getnframes()))
    if sys.byteorder != "little":
        a.byteswap()
    first = next(i for i, s in enumerate(a) if abs(s) > TRIM)
    last = max(i for i, s in enumerate(a) if abs(s) > TRIM)
    a = a[first:last + 1]
    peak = max(abs(s) for s in a)
    return [int(s * PEAK / peak) for s in a]


def resample(samples, src, dst):
    """Linear interpolation; espeak's output has little energy near 8 kHz."""
    n = int(len(samples) * dst / src)
    out = []
    for i in range(n):
        x = i * src / dst
        j = int(x)
        f = x - j
        b = samples[j + 1] if j + 1 < len(samples) else samples[j]
        out.append(int(round(samples[j] * (1 - f) + b * f)))
    return out


def build(out_dir):
    rng = random.Random(SEED)
    os.makedirs(out_dir, exist_ok=True)
    recordings = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, n_voices, seconds in MEETINGS:
            fast = "fast" in name
            voices = rng.sample(VOICES, n_voices)
            people = voices  # a voice is a person, across meetings too
            timeline = [0] * int(0.4 * RATE)
            lines = []
            talk = [0] * n_voices
            order = list(range(n_voices))
            rng.shuffle(order)
            turn = 0
            # until the length is reached and everyone has said 3.2 s (at most 30 s)
            while len(timeline) < 30 * RATE and (
                len(timeline) < seconds * RATE or min(talk) < 3.2 * RATE
            ):
                # everyone speaks once first, then anyone but the last speaker, the one who
                # has said least more often than not, so each gets 3 s or more
                if turn < n_voices:
                    who = order[turn]
                else:
                    last = lines[-1]["who"]
                    choices = [i for i in range(n_voices) if i != last]
                    if rng.random() < 0.6:
                        who = min(choices, key=lambda i: talk[i])
                    else:
                        who = rng.choice(choices)
                text = rng.choice(SENTENCES)
                if fast:
                    text = text.split(",")[0].rstrip(".?") + "."
                wav = os.path.join(tmp, "u.wav")
                samples = synth(text, voices[who], wav)
                start = len(timeline)
                timeline.extend(samples)
                lines.append({"who": who, "start": start, "end": len(timeline), "text": text})
                talk[who] += len(samples)
                pause = rng.uniform(0.15, 0.4) if fast else rng.uniform(0.3, 0.8)
                timeline.extend([0] * int(pause * RATE))
                turn += 1
            timeline.extend([0] * int(0.5 * RATE))
            out = resample(timeline, RATE, OUT_RATE)
            file = name + ".wav"
            with wave.open(os.path.join(out_dir, file), "wb") as w:
                w.setnchannels(1)
                w.setsampwidth(2)
                w.setframerate(OUT_RATE)
                w.writeframes(array.array("h", out).tobytes())
            recordings.append({
                "file": file,
                "speakers": {people[i]: voices[i] for i in range(n_voices)},
                "lines": [{
                    "start_ms": l["start"] * 1000 // RATE,
                    "end_ms": l["end"] * 1000 // RATE,
                    "speaker": people[l["who"]],
                    "text": l["text"],
                } for l in lines],
            })
    truth = {
        "generator": "scripts/short_meetings.py, seed %d" % SEED,
        "recordings": recordings,
    }
    with open(os.path.join(out_dir, "truth.json"), "w") as f:
        json.dump(truth, f, indent=1)
        f.write("\n")
    return truth


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "short-meetings")
    truth = build(out_dir)
    for r in truth["recordings"]:
        talk = {}
        for l in r["lines"]:
            talk[l["speaker"]] = talk.get(l["speaker"], 0) + l["end_ms"] - l["start_ms"]
        print("%-28s %5.1f s  %s" % (r["file"], r["lines"][-1]["end_ms"] / 1000,
              ", ".join("%s %.1f s" % (v, talk[k] / 1000) for k, v in r["speakers"].items())))
    if os.path.exists(KEPT_TRUTH):
        with open(KEPT_TRUTH) as f:
            kept = json.load(f)
        if kept["recordings"] != truth["recordings"]:
            sys.exit("the meetings differ from %s (another espeak-ng version?)" % KEPT_TRUTH)
        print("same lines as %s" % os.path.relpath(KEPT_TRUTH, ROOT))


if __name__ == "__main__":
    main()
