#!/usr/bin/env python3
"""Score verbatim's gap markers on the held-out noisy set.

usage: python3 scripts/heldout-noise/score.py STORE [--truth TRUTH_JSON]
(default truth: heldout-noise/truth.json, or $HELDOUT_DIR/truth.json)

A gap marker is a transcript segment whose text starts with "[unintelligible"
or whose "flags" list contains "gap".
  marker over no speech: less than half of the marker's duration lies inside
      the union of the truth lines (a zero-length marker: its instant is not
      inside any line).
  truth line lost: no transcribed word (of a non-marker segment) has its
      midpoint inside the line, and no marker overlaps the line.
Goal: markers over no speech <= 5 % of markers, and 0 lines lost.
"""
import json, os, sys
from collections import OrderedDict


def is_marker(seg):
    text = (seg.get("text") or "").lstrip()
    flags = seg.get("flags") or []
    return text.startswith("[unintelligible") or "gap" in flags


def inside_ms(s, e, spans):
    """ms of [s, e) inside the union of spans (spans sorted, may overlap)."""
    tot, cur = 0, s
    for a, b in spans:
        a, b = max(a, cur), min(b, e)
        if b > a:
            tot += b - a
            cur = b
    return tot


def main():
    args = sys.argv[1:]
    truth_path = os.path.join(os.environ.get("HELDOUT_DIR", "heldout-noise"), "truth.json")
    if "--truth" in args:
        i = args.index("--truth")
        truth_path = args[i + 1]
        del args[i:i + 2]
    if len(args) != 1:
        sys.exit(__doc__)
    store = args[0]
    truth = json.load(open(truth_path))
    manifest = json.load(open(os.path.join(store, "manifest.json")))
    by_name = {r["name"]: r for r in manifest.get("recordings", [])}
    by_sha = {r["sha256"]: r for r in manifest.get("recordings", [])}

    levels = OrderedDict()
    rows, errors = [], []
    for t in truth["recordings"]:
        m = by_name.get(t["file"]) or by_sha.get(t.get("sha256"))
        if m is None:
            errors.append(f"{t['file']}: not in the store's manifest")
            continue
        tp = os.path.join(store, "transcripts", m["sha256"] + ".json")
        if not os.path.exists(tp):
            errors.append(f"{t['file']}: transcript {tp} missing")
            continue
        segs = json.load(open(tp)).get("segments", [])
        lines = [(l["start_ms"], l["end_ms"]) for l in t["lines"]]
        spans = sorted(lines)
        markers = [(s["start_ms"], s["end_ms"]) for s in segs if is_marker(s)]
        words = []
        for s in segs:
            if is_marker(s):
                continue
            for w in s.get("words") or []:
                words.append((w["start_ms"] + w["end_ms"]) / 2)
        false_m = []
        for s, e in markers:
            if e > s:
                bad = inside_ms(s, e, spans) * 2 < (e - s)
            else:
                bad = not any(a <= s <= b for a, b in spans)
            if bad:
                false_m.append((s, e))
        lost = []
        for a, b in lines:
            has_word = any(a <= x <= b for x in words)
            has_marker = any(s < b and e > a for s, e in markers) or any(
                s == e and a <= s <= b for s, e in markers)
            if not has_word and not has_marker:
                lost.append((a, b))
        lv = levels.setdefault(t["snr_db"], dict(rec=0, markers=0, false=0, lines=0, lost=0, ms=0, false_ms=0))
        lv["rec"] += 1
        lv["markers"] += len(markers)
        lv["false"] += len(false_m)
        lv["lines"] += len(lines)
        lv["lost"] += len(lost)
        lv["ms"] += sum(e - s for s, e in markers)
        lv["false_ms"] += sum(e - s for s, e in false_m)
        rows.append((t["file"], t["snr_db"], len(segs), len(markers), false_m, len(lines), lost))

    def pct(a, b):
        return f"{100.0 * a / b:5.1f}%" if b else "    -"

    print("per recording:")
    print(f"  {'file':45s} {'snr':>3s} {'segs':>4s} {'mark':>4s} {'nospch':>6s} {'lines':>5s} {'lost':>4s}")
    for f, snr, ns, nm, fm, nl, lo in rows:
        print(f"  {f:45s} {snr:3d} {ns:4d} {nm:4d} {len(fm):6d} {nl:5d} {len(lo):4d}")
        for s, e in fm:
            print(f"      marker over no speech: {s}-{e} ms")
        for a, b in lo:
            print(f"      line lost: {a}-{b} ms")
    print()
    hdr = f"{'SNR dB':>7s} {'recs':>4s} {'markers':>7s} {'no-speech':>9s} {'share':>6s} {'marker s':>8s} {'lines':>5s} {'lost':>4s}"
    print(hdr)
    tot = dict(rec=0, markers=0, false=0, lines=0, lost=0, ms=0, false_ms=0)
    for snr, lv in levels.items():
        for k in tot:
            tot[k] += lv[k]
        print(f"{snr:7d} {lv['rec']:4d} {lv['markers']:7d} {lv['false']:9d} {pct(lv['false'], lv['markers']):>6s} "
              f"{lv['ms'] / 1000:8.1f} {lv['lines']:5d} {lv['lost']:4d}")
    print(f"{'total':>7s} {tot['rec']:4d} {tot['markers']:7d} {tot['false']:9d} {pct(tot['false'], tot['markers']):>6s} "
          f"{tot['ms'] / 1000:8.1f} {tot['lines']:5d} {tot['lost']:4d}")
    ok = (tot["false"] * 100 <= 5 * tot["markers"]) and tot["lost"] == 0
    print(f"goal (no-speech markers <= 5% of markers, 0 lines lost): {'met' if ok else 'NOT met'}")
    for e in errors:
        print("error:", e)
    if errors:
        sys.exit(2)


if __name__ == "__main__":
    main()
