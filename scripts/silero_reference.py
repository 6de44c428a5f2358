#!/usr/bin/env python3
"""Reference speech probabilities for verbatim's Silero VAD port (src/audio/silero.rs).

Runs the silero-vad authors' own tinygrad port (`silero_vad/tinygrad_model.py` in the PyPI
wheel `silero-vad==6.2.3`) on `tests/data/jfk.wav`, with the streaming loop its docstring gives
(512-sample chunks, 64 samples of context, zero-padded at the end), and writes
`tests/data/silero_reference.json`.

    python3 -m venv /tmp/sv && /tmp/sv/bin/pip install tinygrad==0.14.0 numpy
    pip download --no-deps silero-vad==6.2.3 -d /tmp/sv-wheel && unzip /tmp/sv-wheel/*.whl -d /tmp/sv-wheel/w
    /tmp/sv/bin/python scripts/silero_reference.py /tmp/sv-wheel/w
"""
import hashlib, json, os, sys, wave

import numpy as np
from tinygrad import Tensor
from tinygrad.nn.state import load_state_dict, safe_load

root = sys.argv[1]
sys.path.insert(0, os.path.join(root, "silero_vad"))
from tinygrad_model import TinySileroVAD  # noqa: E402

weights = os.path.join(root, "silero_vad", "data", "silero_vad_16k.safetensors")
model = TinySileroVAD()
load_state_dict(model, safe_load(weights))

with wave.open("tests/data/jfk.wav") as w:
    audio = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(np.float32) / 32768.0
n = len(audio)
audio = np.concatenate([np.zeros(64, np.float32), audio, np.zeros((-n) % 512, np.float32)])
state, out = None, []
for i in range(64, len(audio), 512):
    p, state = model(Tensor(audio[None, i - 64:i + 512]), state)
    out.append(float(p.numpy().reshape(-1)[0]))
    # the state's values, not the lazy graph that made them (which would grow chunk by chunk)
    state = Tensor(state.numpy())
    if len(out) % 50 == 0:
        print(len(out), "chunks", file=sys.stderr, flush=True)

json.dump(
    {
        "about": "speech probability per 512-sample chunk of tests/data/jfk.wav, from the "
        "tinygrad port shipped in silero-vad 6.2.3 (scripts/silero_reference.py)",
        "weights_sha256": hashlib.sha256(open(weights, "rb").read()).hexdigest(),
        "jfk_probabilities": [round(p, 7) for p in out],
    },
    open("tests/data/silero_reference.json", "w"),
    indent=1,
)
print(len(out), "chunks;", sum(p >= 0.5 for p in out), "at or above 0.5")
