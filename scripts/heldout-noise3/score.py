#!/usr/bin/env python3
"""Score verbatim's gap markers on the third held-out noisy set (scripts/heldout-noise3/build.py).

usage: python3 scripts/heldout-noise3/score.py STORE [--truth TRUTH_JSON] [--bin VERBATIM]
                                                     [--from-files]
(default truth: heldout-noise3/truth.json, or $HELDOUT_DIR/truth.json;
 default binary: target/release/verbatim, or $VERBATIM_BIN)

The store must hold the set's audio (heldout-noise3/audio/*.wav) ingested under their file names.
For each recording the transcript is read with
    VERBATIM --store STORE transcript NAME --format json
(--from-files: read STORE/manifest.json and STORE/transcripts/<sha256>.json instead, as
scripts/heldout-noise/score.py does; also used, with a note, when the command fails).

Scoring is that of scripts/heldout-noise2/score.py (itself that of scripts/heldout-noise/score.py),
unchanged:
  gap marker: a transcript segment whose text starts with "[unintelligible" or whose "flags"
      list contains "gap".
  marker over no speech: less than half of the marker's duration lies inside the union of the
      truth lines (a zero-length marker: its instant is not inside any line).
  truth line lost: no transcribed word (of a non-marker segment) has its midpoint inside the
      line, and no marker overlaps the line.
plus a count of faint_activity spans: segments whose flags (or kind/type) name faint activity,
and any list of spans under a key naming it ("faint_activity", ...) in the transcript JSON,
each span counted once; those of them over no speech (same half rule) are shown too.
Goal: markers over no speech <= 5 % of markers, and 0 lines lost.
The truth lines of this set are already shifted by each file's lead_ms and mid-meeting insert
(truth.json), so no further shift is applied here.
"""
import json, os, subprocess, sys
from collections import OrderedDict


def is_marker(seg):
    text = (seg.get("text") or "").lstrip()
    flags = seg.get("flags") or []
    return text.startswith("[unintelligible") or "gap" in flags


def names_faint(v):
    return isinstance(v, str) and "faint" in v.lower()


def is_faint(seg):
    flags = seg.get("flags") or []
    if isinstance(flags, str):
        flags = [flags]
    return any(names_faint(f) for f in flags) or names_faint(seg.get("kind")) or names_faint(seg.get("type"))


def inside_ms(s, e, spans):
    """ms of [s, e) inside the union of spans (spans sorted, may overlap)."""
    tot, cur = 0, s
    for a, b in spans:
        a, b = max(a, cur), min(b, e)
        if b > a:
            tot += b - a
            cur = b
    return tot


def over_no_speech(s, e, spans):
    if e > s:
        return inside_ms(s, e, spans) * 2 < (e - s)
    return not any(a <= s <= b for a, b in spans)


def find_segments(doc):
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict):
        if isinstance(doc.get("segments"), list):
            return doc["segments"]
        for v in doc.values():
            if isinstance(v, dict) and isinstance(v.get("segments"), list):
                return v["segments"]
    return []


def span_of(x):
    if isinstance(x, dict) and "start_ms" in x and "end_ms" in x:
        return (int(x["start_ms"]), int(x["end_ms"]))
    if isinstance(x, (list, tuple)) and len(x) == 2 and all(isinstance(v, (int, float)) for v in x):
        return (int(x[0]), int(x[1]))
    return None


def faint_spans(doc, segs):
    """Faint-activity spans, each counted once: flagged segments plus span lists under keys
    naming faint activity (top level, or one level down)."""
    found = set()
    for s in segs:
        if is_faint(s):
            found.add((int(s["start_ms"]), int(s["end_ms"])))
    dicts = [doc] if isinstance(doc, dict) else []
    if isinstance(doc, dict):
        dicts += [v for v in doc.values() if isinstance(v, dict)]
    for d in dicts:
        for k, v in d.items():
            if names_faint(k) and isinstance(v, list):
                for x in v:
                    sp = span_of(x)
                    if sp:
                        found.add(sp)
    return sorted(found)


def load_via_command(binary, store, name):
    cmd = [binary, "--store", store, "transcript", name, "--format", "json"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"`{' '.join(cmd)}` exited {p.returncode}: {p.stderr.strip()[-300:]}")
    return json.loads(p.stdout)


def load_via_files(store, t, manifest_cache):
    if "m" not in manifest_cache:
        manifest_cache["m"] = json.load(open(os.path.join(store, "manifest.json")))
    recs = manifest_cache["m"].get("recordings", [])
    m = next((r for r in recs if r.get("name") == t["file"]), None) or next(
        (r for r in recs if r.get("sha256") == t.get("sha256")), None)
    if m is None:
        raise RuntimeError(f"{t['file']}: not in the store's manifest")
    tp = os.path.join(store, "transcripts", m["sha256"] + ".json")
    if not os.path.exists(tp):
        raise RuntimeError(f"{t['file']}: transcript {tp} missing")
    return json.load(open(tp))


def main():
    args = sys.argv[1:]
    truth_path = os.path.join(os.environ.get("HELDOUT_DIR", "heldout-noise3"), "truth.json")
    binary = os.environ.get("VERBATIM_BIN", os.path.join("target", "release", "verbatim"))
    from_files = False
    for opt in ("--truth", "--bin"):
        if opt in args:
            i = args.index(opt)
            if i + 1 >= len(args):
                sys.exit(__doc__)
            if opt == "--truth":
                truth_path = args[i + 1]
            else:
                binary = args[i + 1]
            del args[i:i + 2]
    if "--from-files" in args:
        from_files = True
        args.remove("--from-files")
    if len(args) != 1:
        sys.exit(__doc__)
    store = args[0]
    truth = json.load(open(truth_path))

    levels = OrderedDict()
    rows, errors, notes = [], [], []
    bad_markers, lost_lines = [], []
    cache = {}
    for t in truth["recordings"]:
        try:
            if from_files:
                doc = load_via_files(store, t, cache)
            else:
                try:
                    doc = load_via_command(binary, store, t["file"])
                except (OSError, RuntimeError, ValueError) as e:
                    doc = load_via_files(store, t, cache)
                    notes.append(f"{t['file']}: read from the store's files ({e})")
        except (OSError, RuntimeError, ValueError) as e:
            errors.append(f"{t['file']}: {e}")
            continue
        segs = find_segments(doc)
        lines = [(l["start_ms"], l["end_ms"], l.get("text", "")) for l in t["lines"]]
        spans = sorted((a, b) for a, b, _ in lines)
        markers = [(s["start_ms"], s["end_ms"], (s.get("text") or "").strip()) for s in segs if is_marker(s)]
        faint = faint_spans(doc, segs)
        words, wordless = [], []
        for s in segs:
            if is_marker(s):
                continue
            ws = s.get("words")
            if ws:
                for w in ws:
                    words.append((w["start_ms"] + w["end_ms"]) / 2)
            elif ws is None and (s.get("text") or "").strip() and not is_faint(s):
                # no word timings in this output: the segment's span stands for its words
                wordless.append((s["start_ms"], s["end_ms"]))
        if wordless:
            notes.append(f"{t['file']}: {len(wordless)} segment(s) without word timings; their spans stand for their words")
        false_m = [(s, e, x) for s, e, x in markers if over_no_speech(s, e, spans)]
        faint_ns = [(s, e) for s, e in faint if over_no_speech(s, e, spans)]
        lost = []
        for a, b, text in lines:
            has_word = any(a <= x <= b for x in words) or any(s < b and e > a for s, e in wordless)
            has_marker = any(s < b and e > a for s, e, _ in markers) or any(
                s == e and a <= s <= b for s, e, _ in markers)
            if not has_word and not has_marker:
                lost.append((a, b, text))
        snr = t["snr_db"]
        lv = levels.setdefault(snr, dict(rec=0, markers=0, false=0, lines=0, lost=0, ms=0, false_ms=0,
                                         faint=0, faint_ns=0))
        lv["rec"] += 1
        lv["markers"] += len(markers)
        lv["false"] += len(false_m)
        lv["lines"] += len(lines)
        lv["lost"] += len(lost)
        lv["ms"] += sum(e - s for s, e, _ in markers)
        lv["false_ms"] += sum(e - s for s, e, _ in false_m)
        lv["faint"] += len(faint)
        lv["faint_ns"] += len(faint_ns)
        rows.append(dict(file=t["file"], snr=snr, segs=len(segs), markers=len(markers), false=len(false_m),
                         ms=sum(e - s for s, e, _ in markers), faint=len(faint), faint_ns=len(faint_ns),
                         lines=len(lines), lost=len(lost)))
        for s, e, x in false_m:
            near = min(spans, key=lambda ab: max(ab[0] - e, s - ab[1], 0)) if spans else None
            gap = max(near[0] - e, s - near[1], 0) if near else None
            bad_markers.append(f"{t['file']} (SNR {snr} dB): marker over no speech {s}-{e} ms "
                               f"({(e - s) / 1000:.2f} s, {inside_ms(s, e, spans)} ms inside lines"
                               f"{f', nearest line {near[0]}-{near[1]} ms, {gap} ms away' if near else ''}) {x!r}")
        for a, b, text in lost:
            lost_lines.append(f"{t['file']} (SNR {snr} dB): line lost {a}-{b} ms {text!r}")

    def pct(a, b):
        return f"{100.0 * a / b:.1f} %" if b else "-"

    head = ("| recording | segments | gap markers | over no speech | marker s | faint_activity "
            "| faint over no speech | truth lines | lines lost |")
    rule = "|---|--:|--:|--:|--:|--:|--:|--:|--:|"
    for snr, lv in levels.items():
        print(f"### SNR {snr} dB\n")
        print(head)
        print(rule)
        for r in rows:
            if r["snr"] == snr:
                print(f"| {r['file']} | {r['segs']} | {r['markers']} | {r['false']} | {r['ms'] / 1000:.1f} | "
                      f"{r['faint']} | {r['faint_ns']} | {r['lines']} | {r['lost']} |")
        print(f"| **all {lv['rec']}** | | **{lv['markers']}** | **{lv['false']}** ({pct(lv['false'], lv['markers'])}) | "
              f"{lv['ms'] / 1000:.1f} | {lv['faint']} | {lv['faint_ns']} | {lv['lines']} | **{lv['lost']}** |")
        print()
    print("### Summary\n")
    print("| SNR dB | recordings | gap markers | over no speech | share | marker s | faint_activity | truth lines | lines lost |")
    print("|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    tot = dict(rec=0, markers=0, false=0, lines=0, lost=0, ms=0, false_ms=0, faint=0, faint_ns=0)
    for snr, lv in levels.items():
        for k in tot:
            tot[k] += lv[k]
        print(f"| {snr} | {lv['rec']} | {lv['markers']} | {lv['false']} | {pct(lv['false'], lv['markers'])} | "
              f"{lv['ms'] / 1000:.1f} | {lv['faint']} | {lv['lines']} | {lv['lost']} |")
    print(f"| total | {tot['rec']} | {tot['markers']} | {tot['false']} | {pct(tot['false'], tot['markers'])} | "
          f"{tot['ms'] / 1000:.1f} | {tot['faint']} | {tot['lines']} | {tot['lost']} |")
    print()
    ok = (tot["false"] * 100 <= 5 * tot["markers"]) and tot["lost"] == 0 and not errors
    print(f"goal (no-speech markers <= 5% of markers, 0 lines lost): {'met' if ok else 'NOT met'}")
    if bad_markers or lost_lines:
        print()
    for x in bad_markers:
        print("- " + x)
    for x in lost_lines:
        print("- " + x)
    for n in notes:
        print("note:", n)
    for e in errors:
        print("error:", e)
    if errors:
        sys.exit(2)


if __name__ == "__main__":
    main()
