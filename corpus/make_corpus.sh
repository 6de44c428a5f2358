#!/usr/bin/env bash
# Regenerates corpus/* and tests/data/bad/* (see corpus/README.md). Needs espeak-ng, ffmpeg, ffprobe, sox, python3.
# Usage: corpus/make_corpus.sh [--corpus] [--bad] [--verify]   (no flag: everything, then verify)
set -euo pipefail
exec python3 "$(dirname "$0")/make_corpus.py" "$@"
