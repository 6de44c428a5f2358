#!/usr/bin/env python3
"""Transcribes audio files with faster-whisper, for `verbatim-bench asr` (bench only: run it in
the virtualenv `scripts/bench-faster-whisper.sh` makes; faster-whisper is never a dependency of
verbatim). Greedy decoding (beam_size=1), English, on the CPU, faster-whisper's other defaults
(temperature fallback, conditioning on previous text) left as they are.

    faster_whisper_run.py --model DIR [--compute-type float32|int8] [--vad on|off]
                          [--threads 2] [--word-timestamps on|off]
                          [--out FILE] FILES...

Prints (or writes to FILE) JSON: the settings, the versions, the model load time, and per file
the segment texts (with their words under --word-timestamps on) and the seconds transcription
took (the segment generator drained).
"""

import argparse
import json
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="CTranslate2 Whisper model folder")
    parser.add_argument("--compute-type", default="float32")
    parser.add_argument("--vad", choices=["on", "off"], default="on")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--word-timestamps", choices=["on", "off"], default="off")
    parser.add_argument("--out", help="write the JSON here instead of stdout")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()

    started = time.perf_counter()
    import ctranslate2
    import faster_whisper
    from faster_whisper import WhisperModel

    model = WhisperModel(
        args.model,
        device="cpu",
        compute_type=args.compute_type,
        cpu_threads=args.threads,
        num_workers=1,
        local_files_only=True,
    )
    load_s = time.perf_counter() - started

    files = []
    for path in args.files:
        began = time.perf_counter()
        segments, info = model.transcribe(
            path,
            language="en",
            beam_size=1,
            vad_filter=args.vad == "on",
            word_timestamps=args.word_timestamps == "on",
        )
        texts = []
        for s in segments:
            segment = {"start": round(s.start, 3), "end": round(s.end, 3), "text": s.text}
            if s.words is not None:
                segment["words"] = [
                    {"start": round(w.start, 3), "end": round(w.end, 3), "word": w.word}
                    for w in s.words
                ]
            texts.append(segment)
        files.append(
            {
                "file": path,
                "audio_s": round(info.duration, 3),
                "seconds": round(time.perf_counter() - began, 3),
                "segments": texts,
            }
        )
    doc = {
        "engine": "faster-whisper",
        "faster_whisper": faster_whisper.__version__,
        "ctranslate2": ctranslate2.__version__,
        "compute_type": args.compute_type,
        "vad_filter": args.vad == "on",
        "threads": args.threads,
        "beam_size": 1,
        "word_timestamps": args.word_timestamps == "on",
        "load_s": round(load_s, 3),
        "transcribe_s": round(sum(f["seconds"] for f in files), 3),
        "files": files,
    }
    text = json.dumps(doc, ensure_ascii=False, indent=1)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as out:
            out.write(text + "\n")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
