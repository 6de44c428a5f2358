#!/usr/bin/env python3
"""Regenerate the sample corpus (corpus/*) and the bad inputs (tests/data/bad/*).

Python 3 standard library only; calls espeak-ng, ffmpeg, ffprobe and sox.

    python3 corpus/make_corpus.py            # corpus + bad inputs, then verify
    python3 corpus/make_corpus.py --corpus   # only the corpus and truth.json
    python3 corpus/make_corpus.py --bad      # only tests/data/bad/*
    python3 corpus/make_corpus.py --verify   # only check files against truth.json

Every utterance in corpus/script.json is synthesized on its own with espeak-ng
(22050 Hz mono), trimmed to its first/last sample above a threshold, peak
normalised, and placed on a silent 22050 Hz timeline after a 0.5 s lead-in with
deterministic pauses of 0.6-1.5 s. Because the script places every line, the
start/end of each line is known to the sample; truth.json records them in ms.
The timeline is then converted by ffmpeg into the target container/codec/rate.
The output is deterministic for a given espeak-ng/ffmpeg/sox version.
"""
import argparse
import array
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import wave

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BAD_DIR = os.path.join(ROOT, "tests", "data", "bad")

RATE = 22050                 # espeak-ng's native rate; the master timeline
LEAD_IN_S = 0.5
TAIL_S = 0.7
PAUSES_S = [0.9, 1.3, 0.7, 1.1, 1.5, 0.6, 1.2, 0.8, 1.0, 1.4]
TRIM_THRESHOLD = 300         # |sample| above this counts as speech (about -40 dBFS)
PEAK = 20000                 # each utterance is scaled to this peak (about -4.3 dBFS)
GRID = 441                   # total length is a multiple of 20 ms (441 samples at 22050 Hz)

FFMPEG = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y"]
BITEXACT = ["-fflags", "+bitexact", "-flags:a", "+bitexact", "-map_metadata", "-1"]


def run(cmd, **kw):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    if r.returncode != 0:
        sys.exit("command failed: %s\n%s" % (" ".join(cmd), r.stderr.decode(errors="replace")))
    return r.stdout


def tool_version(cmd, pattern):
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT).stdout.decode()
    m = re.search(pattern, out)
    return m.group(1) if m else "unknown"


# --------------------------------------------------------------------------- synthesis

def voice_label(v):
    """The voice as written in truth.json: espeak-ng -v name, plus -p when not default."""
    return v["voice"] + (" -p %d" % v["pitch"] if "pitch" in v else "")


def synth(text, v, path):
    cmd = ["espeak-ng", "-v", v["voice"], "-s", str(v.get("speed", 150))]
    if "pitch" in v:
        cmd += ["-p", str(v["pitch"])]
    cmd += ["-w", path, "--", text]
    run(cmd)
    with wave.open(path, "rb") as w:
        assert w.getframerate() == RATE and w.getnchannels() == 1 and w.getsampwidth() == 2, path
        a = array.array("h")
        a.frombytes(w.readframes(w.getnframes()))
    if sys.byteorder != "little":
        a.byteswap()
    first = next(i for i, s in enumerate(a) if abs(s) > TRIM_THRESHOLD)
    last = max(i for i, s in enumerate(a) if abs(s) > TRIM_THRESHOLD)
    seg = a[first:last + 1]
    peak = max(abs(s) for s in seg)
    g = PEAK / peak
    return array.array("h", (max(-32768, min(32767, int(round(s * g)))) for s in seg))


def zeros(n):
    return array.array("h", bytes(2 * n))


def write_wav(path, samples, rate=RATE):
    data = array.array("h", samples)
    if sys.byteorder != "little":
        data.byteswap()
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(data.tobytes())


def speak_text(text, respell, say=None):
    if say is not None:
        return say
    for k, v in respell.items():
        text = re.sub(r"\b%s\b" % re.escape(k), v, text)
    return text


def encode(master, out, enc):
    """Convert the 22050 Hz mono master into the target format with ffmpeg."""
    codec = enc["codec"]
    args = ["-i", master] + BITEXACT + ["-ar", str(enc["sample_rate"]), "-ac", str(enc["channels"])]
    if codec in ("pcm_s16le", "pcm_u8"):
        args += ["-c:a", codec]
    elif codec == "mp3":
        args += ["-c:a", "libmp3lame", "-b:a", enc.get("bitrate", "64k")]
    elif codec == "flac":
        args += ["-c:a", "flac", "-compression_level", "8", "-sample_fmt", "s16"]
    elif codec == "vorbis":
        args += ["-c:a", "libvorbis", "-q:a", enc.get("quality", "1")]
    elif codec == "aac":
        args += ["-c:a", "aac", "-b:a", enc.get("bitrate", "48k")]
    else:
        sys.exit("unknown codec " + codec)
    for k, v in enc.get("tags", {}).items():
        args += ["-metadata", "%s=%s" % (k, v)]
    run(FFMPEG + args + [out])


# --------------------------------------------------------------------------- dates

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]
MONTH_ABBR = {m[:3]: i + 1 for i, m in enumerate(MONTHS)}
MONTH_ABBR["sept"] = 9
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def month_num(word):
    w = word.lower().rstrip(".")
    if w in MONTHS:
        return MONTHS.index(w) + 1
    return MONTH_ABBR.get(w)


def add_months(y, m, k):
    n = y * 12 + (m - 1) + k
    return n // 12, n % 12 + 1


def week_range(d, weeks_back):
    monday = d - dt.timedelta(days=d.weekday()) - dt.timedelta(weeks=weeks_back)
    return "%s/%s" % (monday.isoformat(), (monday + dt.timedelta(days=6)).isoformat())


def resolve(text, rec, tense):
    """Independent re-derivation of a date expression; conventions in corpus/README.md."""
    if rec is None:
        return None
    t = text.lower().strip()
    t = re.sub(r"^(as of|on|in|by|since|for) ", "", t)
    day = dt.timedelta(days=1)
    if t == "today":
        return rec.isoformat()
    if t == "yesterday":
        return (rec - day).isoformat()
    if t == "tomorrow":
        return (rec + day).isoformat()
    if t == "last week":
        return week_range(rec, 1)
    if t == "next week":
        return week_range(rec, -1)
    m = re.fullmatch(r"(\w+) weeks ago", t)
    if m:
        return week_range(rec, NUMBERS.get(m.group(1)) or int(m.group(1)))
    m = re.fullmatch(r"(\w+) days ago", t)
    if m:
        return (rec - (NUMBERS.get(m.group(1)) or int(m.group(1))) * day).isoformat()
    if t in ("last month", "next month"):
        y, mo = add_months(rec.year, rec.month, -1 if t == "last month" else 1)
        return "%04d-%02d" % (y, mo)
    m = re.fullmatch(r"(next )?(\w+day)", t)
    if m and m.group(2) in WEEKDAYS:
        wd = WEEKDAYS.index(m.group(2))
        if m.group(1) or tense == "future":      # first such weekday after the recording day
            delta = (wd - rec.weekday()) % 7 or 7
            return (rec + delta * day).isoformat()
        if tense == "past":                       # most recent such weekday before it
            delta = (rec.weekday() - wd) % 7 or 7
            return (rec - delta * day).isoformat()
        raise ValueError("weekday without tense: " + text)
    m = re.fullmatch(r"([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?, (\d{4})", t)      # September 20, 2021
    if m and month_num(m.group(1)):
        return dt.date(int(m.group(3)), month_num(m.group(1)), int(m.group(2))).isoformat()
    m = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)? ([a-z]+)\.? (\d{4})", t)      # 20 September 2021
    if m and month_num(m.group(2)):
        return dt.date(int(m.group(3)), month_num(m.group(2)), int(m.group(1))).isoformat()
    m = re.fullmatch(r"([a-z]+)\.? (\d{4})", t)                                 # Sept. 2021
    if m and month_num(m.group(1)):
        return "%s-%02d" % (m.group(2), month_num(m.group(1)))
    m = re.fullmatch(r"([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?", t)               # October 1st
    if m and month_num(m.group(1)):
        cand = [dt.date(rec.year + k, month_num(m.group(1)), int(m.group(2))) for k in (-1, 0, 1)]
        if tense == "past":
            return max(c for c in cand if c <= rec).isoformat()
        if tense == "future":
            return min(c for c in cand if c >= rec).isoformat()
        raise ValueError("day of month without tense: " + text)
    mo = month_num(t)
    if mo:                                                                      # in January
        if mo == rec.month:
            return "%04d-%02d" % (rec.year, mo)
        if tense == "future":
            return "%04d-%02d" % (rec.year + (mo < rec.month), mo)
        if tense == "past":
            return "%04d-%02d" % (rec.year - (mo > rec.month), mo)
        raise ValueError("month without tense: " + text)
    raise ValueError("unknown date expression: " + text)


# --------------------------------------------------------------------------- corpus

def j(obj):
    return json.dumps(obj, ensure_ascii=False)


def dump_truth(truth, path):
    out = ["{", '  "generator": %s,' % j(truth["generator"]), '  "recordings": [']
    for ri, r in enumerate(truth["recordings"]):
        out.append("    {")
        keys = [k for k in r if k != "lines"]
        for k in keys:
            out.append('      %s: %s,' % (j(k), j(r[k])))
        out.append('      "lines": [')
        for li, l in enumerate(r["lines"]):
            out.append("        " + j(l) + ("," if li + 1 < len(r["lines"]) else ""))
        out.append("      ]")
        out.append("    }" + ("," if ri + 1 < len(truth["recordings"]) else ""))
    out += ["  ]", "}"]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


def make_corpus(tmp):
    with open(os.path.join(HERE, "script.json"), encoding="utf-8") as f:
        script = json.load(f)
    voices, respell = script["voices"], script.get("respell", {})
    truth = {"generator": {
        "script": "corpus/make_corpus.py",
        "espeak-ng": tool_version(["espeak-ng", "--version"], r"text-to-speech: (\S+)"),
        "ffmpeg": tool_version(["ffmpeg", "-version"], r"ffmpeg version (\S+)"),
        "sox": tool_version(["sox", "--version"], r"SoX v(\S+)"),
        "timeline_rate": RATE, "trim_threshold": TRIM_THRESHOLD,
    }, "recordings": []}
    n = 0
    for ri, rec in enumerate(script["recordings"]):
        rdate = dt.date.fromisoformat(rec["recording_date"]) if rec["recording_date"] else None
        timeline = zeros(int(LEAD_IN_S * RATE))
        lines, speakers = [], {}
        for li, line in enumerate(rec["lines"]):
            v = voices[line["speaker"]]
            speakers.setdefault(line["speaker"], voice_label(v))
            n += 1
            seg = synth(speak_text(line["text"], respell, line.get("say")), v,
                        os.path.join(tmp, "u%04d.wav" % n))
            if li > 0:
                pause = PAUSES_S[(li + 3 * ri) % len(PAUSES_S)]
                timeline.extend(zeros(int(round(pause * RATE))))
            start = len(timeline)
            timeline.extend(seg)
            end = len(timeline)
            dates = []
            for d in line.get("dates", []):
                if d["text"] not in line["text"]:
                    sys.exit("date text %r not in line %r" % (d["text"], line["text"]))
                got = resolve(d["text"], rdate, d.get("tense"))
                if got != d["resolved"]:
                    sys.exit("%s: %r resolves to %r, script says %r"
                             % (rec["file"], d["text"], got, d["resolved"]))
                dates.append({"text": d["text"], "resolved": d["resolved"]})
            lines.append({
                "start_ms": int(round(start * 1000 / RATE)),
                "end_ms": int(round(end * 1000 / RATE)),
                "speaker": line["speaker"],
                "text": line["text"],
                "claims": line.get("claims", []),
                "near_miss": bool(line.get("near_miss", False)),
                "dates": dates,
            })
        total = len(timeline) + int(TAIL_S * RATE)
        total = -(-total // GRID) * GRID
        timeline.extend(zeros(total - len(timeline)))
        master = os.path.join(tmp, "master%d.wav" % ri)
        write_wav(master, timeline)
        enc = rec["encode"]
        encode(master, os.path.join(HERE, rec["file"]), enc)
        entry = {
            "file": rec["file"],
            "recording_date": rec["recording_date"],
            "date_source": rec["date_source"],
            "duration_ms": total * 1000 // RATE,
            "sample_rate": enc["sample_rate"],
            "channels": enc["channels"],
            "codec": enc["codec"],
        }
        if enc.get("tags"):
            entry["tags"] = enc["tags"]
        entry["speakers"] = speakers
        entry["lines"] = lines
        truth["recordings"].append(entry)
        print("wrote %-36s %6.1f s  %2d lines  %d speakers"
              % (rec["file"], total / RATE, len(lines), len(speakers)))
    dump_truth(truth, os.path.join(HERE, "truth.json"))
    print("wrote truth.json")


# --------------------------------------------------------------------------- bad inputs

def make_bad(tmp):
    os.makedirs(BAD_DIR, exist_ok=True)
    p = lambda name: os.path.join(BAD_DIR, name)
    with open(os.path.join(HERE, "script.json"), encoding="utf-8") as f:
        voices = json.load(f)["voices"]

    open(p("empty.wav"), "wb").close()
    # 50 ms of a 440 Hz tone, 16 kHz mono s16
    run(["sox", "-R", "-D", "-n", "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", p("short.wav"),
         "synth", "0.05", "sine", "440", "vol", "0.5"])
    with open(p("short.wav"), "rb") as f:
        head = f.read(20)
    with open(p("truncated-header.wav"), "wb") as f:
        f.write(head)
    # 3.0 s of speech as MP3, cut at 60 % of its bytes
    speech = synth("You can see everything in China.", voices["Security Lead"], os.path.join(tmp, "b.wav"))
    three = zeros(int(0.3 * RATE))
    three.extend(speech)
    three.extend(zeros(max(0, 3 * RATE - len(three))))
    write_wav(os.path.join(tmp, "three.wav"), three[:3 * RATE])
    run(FFMPEG + ["-i", os.path.join(tmp, "three.wav")] + BITEXACT +
        ["-ar", "22050", "-ac", "1", "-c:a", "libmp3lame", "-b:a", "32k", os.path.join(tmp, "full.mp3")])
    with open(os.path.join(tmp, "full.mp3"), "rb") as f:
        data = f.read()
    with open(p("truncated-data.mp3"), "wb") as f:
        f.write(data[:len(data) * 60 // 100])
    with open(p("not-audio.wav"), "w", encoding="utf-8") as f:
        f.write("This is a plain text file with a .wav name. It holds no RIFF header and no audio.\n")
    with open(p("notes.txt"), "w", encoding="utf-8") as f:
        f.write("Meeting notes, 2021-09-14\n- follow up with legal about the Beijing access report\n"
                "- nothing in this file is audio\n")
    # GSM 6.10 (WAVE_FORMAT_GSM610, tag 0x0031) inside a RIFF/WAVE container, 8 kHz mono
    run(["sox", "-R", "-D", os.path.join(tmp, "three.wav"), "-r", "8000", "-c", "1", "-e", "gsm-full-rate",
         p("unsupported.wav")])
    run(["sox", "-R", "-D", "-n", "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", p("silence.wav"),
         "trim", "0", "10"])
    for name in sorted(os.listdir(BAD_DIR)):
        print("wrote tests/data/bad/%-22s %7d bytes" % (name, os.path.getsize(p(name))))


# --------------------------------------------------------------------------- verify

def ffprobe(path):
    out = run(["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", path])
    return json.loads(out)


def decode_mono16k(path):
    raw = run(FFMPEG + ["-i", path, "-ac", "1", "-ar", "16000", "-f", "s16le", "-"])
    a = array.array("h")
    a.frombytes(raw)
    if sys.byteorder != "little":
        a.byteswap()
    return a


def rms(a, lo, hi):
    seg = a[max(0, lo):max(0, hi)]
    return (sum(s * s for s in seg) / len(seg)) ** 0.5 if seg else 0.0


def verify():
    with open(os.path.join(HERE, "truth.json"), encoding="utf-8") as f:
        truth = json.load(f)
    ok, total = True, 0
    for r in truth["recordings"]:
        path = os.path.join(HERE, r["file"])
        size = os.path.getsize(path)
        total += size
        info = ffprobe(path)
        st = info["streams"][0]
        probe_ms = float(info["format"]["duration"]) * 1000
        tags = {k.upper(): v for k, v in info["format"].get("tags", {}).items()}
        tags.update({k.upper(): v for k, v in st.get("tags", {}).items()})
        problems = []
        if st["codec_name"] != r["codec"]:
            problems.append("codec %s" % st["codec_name"])
        if int(st["sample_rate"]) != r["sample_rate"]:
            problems.append("rate %s" % st["sample_rate"])
        if st["channels"] != r["channels"]:
            problems.append("channels %s" % st["channels"])
        # decoded length (ffmpeg honours the MP3 LAME gapless header and the MP4 edit list)
        a = decode_mono16k(path)
        dur_ms = len(a) / 16.0
        if abs(dur_ms - r["duration_ms"]) > 5:
            problems.append("decoded duration %.0f ms vs %d" % (dur_ms, r["duration_ms"]))
        # ffprobe's MP3 estimate counts the 1105-sample encoder delay and the frame padding
        if abs(probe_ms - r["duration_ms"]) > 80:
            problems.append("ffprobe duration %.0f ms vs %d" % (probe_ms, r["duration_ms"]))
        for k, v in r.get("tags", {}).items():
            if tags.get(k) != v:
                problems.append("tag %s=%r" % (k, tags.get(k)))
        # every line must be loud where truth says speech, and the gaps silent
        ms = lambda t: int(t * 16)
        worst_gap, weakest = 0.0, 1e9
        prev_end = 0
        for l in r["lines"]:
            weakest = min(weakest, rms(a, ms(l["start_ms"]), ms(l["end_ms"])))
            worst_gap = max(worst_gap, rms(a, ms(prev_end) + 480, ms(l["start_ms"]) - 480))
            prev_end = l["end_ms"]
        if weakest < 1000 or worst_gap > 100:
            problems.append("speech rms %.0f / gap rms %.0f" % (weakest, worst_gap))
        ok &= not problems
        print("%-36s %8d B  decoded %6.0f ms, ffprobe %6.0f ms (truth %6d)  %-9s %5d Hz %d ch  line rms>=%5.0f gap rms<=%3.0f  %s"
              % (r["file"], size, dur_ms, probe_ms, r["duration_ms"], st["codec_name"], int(st["sample_rate"]),
                 st["channels"], weakest, worst_gap, "OK" if not problems else "; ".join(problems)))
    print("corpus audio total %d bytes" % total)
    if os.path.isdir(BAD_DIR):
        p = os.path.join(BAD_DIR, "unsupported.wav")
        if os.path.exists(p):
            st = ffprobe(p)["streams"][0]
            print("tests/data/bad/unsupported.wav: codec %s (tag %s)" % (st["codec_name"], st.get("codec_tag_string")))
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", action="store_true", help="regenerate corpus/ audio and truth.json")
    ap.add_argument("--bad", action="store_true", help="regenerate tests/data/bad/")
    ap.add_argument("--verify", action="store_true", help="check the corpus files against truth.json")
    a = ap.parse_args()
    everything = not (a.corpus or a.bad or a.verify)
    for tool in ("espeak-ng", "ffmpeg", "ffprobe", "sox"):
        if shutil.which(tool) is None:
            sys.exit("missing tool: " + tool)
    tmp = tempfile.mkdtemp(prefix="verbatim-corpus-")
    try:
        if a.corpus or everything:
            make_corpus(tmp)
        if a.bad or everything:
            make_bad(tmp)
        if a.verify or everything:
            if not verify():
                sys.exit("verification failed")
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
