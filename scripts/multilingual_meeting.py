#!/usr/bin/env python3
"""Builds the development meeting that switches language, for `verbatim-bench asr` (issue 15):
eleven real utterances in Mandarin, English, Spanish, Swedish and Japanese from the clips
`scripts/fetch-real-voices.sh` fetches (../shared/REAL-VOICES.md), decoded to 16 kHz mono with
ffmpeg and joined with 1.2 s of faint room noise (seeded, about -60 dBFS).

    scripts/multilingual_meeting.py [REAL_VOICES_DIR] [TRUTH_JSON]

Writes REAL_VOICES_DIR/asr-meetings/five languages.wav (default real-voices/) and the truth,
each utterance's time, language, clip and (where the clip comes with one) text, to TRUTH_JSON
(default tests/data/asr/dev_multilingual.json). Development data: these clips are public test
data other projects ship; the Mandarin texts are AISHELL-1's and F5-TTS's own. The fourth NST
Swedish clip fetched, u0016001, is left out: it holds no speech (a 0.1 s click, peak -30 dBFS;
Whisper base hears nothing in it even without voice detection).
"""

import json
import os
import random
import struct
import subprocess
import sys
import wave

RATE = 16_000
PAUSE_MS = 1_200

# (clip under real-voices/, language, reference text or None)
UTTERANCES = [
    ("aishell-s0764/BAC009S0764W0121.wav", "zh", "甚至出现交易几乎停滞的情况"),
    ("f5-en/basic_ref_en.wav", "en", None),
    ("mls-spanish/13697_11991_000000.wav", "es", None),
    ("cv-japanese/common_voice_ja_24511055.mp3", "ja", None),
    ("aishell-s0764/BAC009S0764W0122.wav", "zh", "一二线城市虽然也处于调整中"),
    ("librispeech-61/61-70968-0000.flac", "en", None),
    ("nst-swedish/se10x016-08071999-1334_u0016002.wav", "sv", None),
    ("f5-zh/basic_ref_zh.wav", "zh", "对，这就是我，万人敬仰的太乙真人。"),
    ("nst-swedish/se10x016-08071999-1334_u0016003.wav", "sv", None),
    ("mfa-author/english_slow.wav", "en", None),
    ("nst-swedish/se10x016-08071999-1334_u0016004.wav", "sv", None),
]


def decode(path):
    """The clip as 16 kHz mono 16-bit samples (bytes)."""
    return subprocess.run(
        ["ffmpeg", "-v", "error", "-i", path, "-ac", "1", "-ar", str(RATE), "-f", "s16le", "-"],
        check=True,
        capture_output=True,
    ).stdout


def text_beside(path):
    """The reference text in the .txt next to a clip, when there is one."""
    txt = os.path.splitext(path)[0] + ".txt"
    if os.path.exists(txt):
        with open(txt, encoding="utf-8") as f:
            return " ".join(f.read().split())
    return None


def main():
    voices = sys.argv[1] if len(sys.argv) > 1 else "real-voices"
    truth_path = sys.argv[2] if len(sys.argv) > 2 else "tests/data/asr/dev_multilingual.json"
    rng = random.Random(15)
    noise = lambda n: struct.pack(f"<{n}h", *(rng.randint(-30, 30) for _ in range(n)))
    audio = bytearray()
    lines = []
    for clip, language, text in UTTERANCES:
        path = os.path.join(voices, clip)
        audio += noise(RATE * PAUSE_MS // 1000)
        start_ms = len(audio) // 2 * 1000 // RATE
        audio += decode(path)
        lines.append(
            {
                "clip": clip,
                "language": language,
                "start_ms": start_ms,
                "end_ms": len(audio) // 2 * 1000 // RATE,
                "text": text or text_beside(path),
            }
        )
    audio += noise(RATE * PAUSE_MS // 1000)
    out_dir = os.path.join(voices, "asr-meetings")
    os.makedirs(out_dir, exist_ok=True)
    wav_path = os.path.join(out_dir, "five languages.wav")
    with wave.open(wav_path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(bytes(audio))
    truth = {
        "description": "Development meeting that switches among five languages (issue 15), built "
        "by scripts/multilingual_meeting.py from real clips listed in ../shared/REAL-VOICES.md. "
        "Development data, not held out.",
        "file": "five languages.wav",
        "duration_ms": len(audio) // 2 * 1000 // RATE,
        "lines": lines,
    }
    with open(truth_path, "w", encoding="utf-8") as f:
        json.dump(truth, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"{wav_path}: {truth['duration_ms'] / 1000:.1f} s, {len(lines)} utterances")


if __name__ == "__main__":
    main()
