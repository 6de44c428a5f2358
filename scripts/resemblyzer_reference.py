#!/usr/bin/env python3
"""Reference values for verbatim's Rust port of Resemblyzer's GE2E voice encoder.

This script documents how tests/data/speakers/resemblyzer_reference.json was made. It runs the
real Python package (PyPI Resemblyzer==0.1.4) on two inputs and writes every intermediate the
Rust implementation should reproduce:

  jfk        tests/data/jfk.wav taken whole: preprocess_wav (volume normalisation, webrtcvad
             silence trimming), mel spectrogram, the network on the first 160-frame partial,
             embed_utterance (partial slices, per-partial embeddings, final embedding).
  synthetic  a 3.0 s signal built from integer arithmetic and sines in this script (also written
             as tests/data/speakers/synthetic_3s.wav), run WITHOUT preprocess_wav, so the front
             end and the network are tested independently of webrtcvad.
  quiet_jfk  normalize_volume alone on jfk scaled by 1/64, because jfk itself is louder than
             -30 dBFS and preprocess_wav leaves its volume unchanged (increase only).

It also records the layout of resemblyzer/pretrained.pt (a *legacy*, non-zip PyTorch file),
each model_state tensor's name, shape, byte offset in the file and SHA-256, and the SHA-256 of
pretrained.pt and of the wheel.

Setup used (see tests/data/speakers/README.md for the versions it produced):

    python3 -m venv /tmp/rz
    /tmp/rz/bin/pip download --no-deps Resemblyzer==0.1.4 -d /tmp/rzwheel
    /tmp/rz/bin/pip install /tmp/rzwheel/Resemblyzer-0.1.4-py3-none-any.whl 'setuptools<81'
    /tmp/rz/bin/python scripts/resemblyzer_reference.py --wheel /tmp/rzwheel/Resemblyzer-0.1.4-py3-none-any.whl

(webrtcvad 2.0.10 imports pkg_resources, which setuptools 81 and later no longer ship.)
Floats are written with the shortest decimal that reads back as the same float32 value, except
values documented as float64 (sums, checksums).
"""

import argparse
import collections
import hashlib
import json
import math
import os
import pickle
import platform
import struct
import sys
import wave
from importlib import metadata
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
JFK = REPO / "tests" / "data" / "jfk.wav"
OUT_DIR = REPO / "tests" / "data" / "speakers"


# ----------------------------------------------------------------------------------------------
# JSON with exact float32 values
# ----------------------------------------------------------------------------------------------
class F32(list):
    """A list of float32 values, written with numpy's shortest round-trip float32 repr."""


def f32(values):
    return F32(np.asarray(values, dtype=np.float32).reshape(-1).tolist())


def dump_json(obj, indent=0):
    pad = "  " * indent
    pad1 = "  " * (indent + 1)
    if isinstance(obj, F32):
        return "[" + ", ".join(fmt_f32(v) for v in obj) + "]"
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [f"{pad1}{json.dumps(str(k))}: {dump_json(v, indent + 1)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, (list, tuple)):
        if all(isinstance(v, (int, float, str, bool)) or v is None for v in obj):
            return "[" + ", ".join(dump_json(v) for v in obj) + "]"
        items = [pad1 + dump_json(v, indent + 1) for v in obj]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    if isinstance(obj, float):
        if not math.isfinite(obj):
            raise ValueError(obj)
        return repr(obj)  # float64, exact
    if isinstance(obj, (np.integer,)):
        return str(int(obj))
    return json.dumps(obj)


def fmt_f32(v):
    x = np.float32(v)
    if not np.isfinite(x):
        raise ValueError(v)
    s = np.format_float_positional(x, unique=True, trim="0") if 1e-4 <= abs(x) < 1e7 or x == 0 \
        else np.format_float_scientific(x, unique=True, trim="-")
    assert np.float32(float(s)) == x, (s, x)
    return s


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sha256_f32(a):
    return hashlib.sha256(np.ascontiguousarray(a, dtype="<f4").tobytes()).hexdigest()


# ----------------------------------------------------------------------------------------------
# pretrained.pt: legacy (pre-1.6, non-zip) PyTorch serialisation, read without torch
# ----------------------------------------------------------------------------------------------
def legacy_torch_layout(path):
    """Parse the legacy format the way torch.serialization._legacy_load does:
    pickle(magic 0x1950a86a20f9469cfc6c) pickle(protocol 1001) pickle(sys_info)
    pickle(object; storages are persistent ids ('storage', <class torch.FloatStorage>, key,
    location, numel)) pickle(list of storage keys), then for each key in that list:
    i64 little-endian element count followed by count * element_size raw bytes."""

    class StorageType:
        def __init__(self, name):
            self.name = name

    def rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False,
                          backward_hooks=None, *rest):
        return {"storage": storage, "offset": storage_offset, "shape": list(size),
                "stride": list(stride)}

    class Unpickler(pickle.Unpickler):
        def find_class(self, module, name):
            if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
                return rebuild_tensor_v2
            if module == "torch" and name.endswith("Storage"):
                return StorageType(name)
            if (module, name) == ("collections", "OrderedDict"):
                return collections.OrderedDict
            raise pickle.UnpicklingError(f"unexpected class {module}.{name}")

        def persistent_load(self, pid):
            assert pid[0] == "storage", pid
            return {"type": pid[1].name, "key": pid[2], "location": pid[3], "numel": pid[4]}

    with open(path, "rb") as f:
        magic = pickle.load(f)
        protocol = pickle.load(f)
        sys_info = pickle.load(f)
        obj = Unpickler(f).load()
        keys = pickle.load(f)
        storage_keys_end = f.tell()
        data_at = {}
        for key in keys:
            pos = f.tell()
            (numel,) = struct.unpack("<q", f.read(8))
            data_at[key] = {"count_at": pos, "data_at": pos + 8, "numel": numel}
            f.seek(numel * 4, os.SEEK_CUR)  # every storage here is a FloatStorage
        end = f.tell()
        f.seek(0, os.SEEK_END)
        assert end == f.tell(), "trailing bytes after the storages"

    tensors = []
    for name, t in obj["model_state"].items():
        st = t["storage"]
        assert st["type"] == "FloatStorage"
        d = data_at[st["key"]]
        assert d["numel"] == st["numel"]
        tensors.append({
            "name": name,
            "shape": t["shape"],
            "stride": t["stride"],
            "dtype": "float32",
            "storage_key": st["key"],
            "storage_location": st["location"],
            "storage_numel": st["numel"],
            "storage_offset_elements": t["offset"],
            "file_byte_offset": d["data_at"] + 4 * t["offset"],
        })
    return {
        "magic": hex(magic),
        "protocol_version": protocol,
        "sys_info": sys_info,
        "top_level_keys": list(obj.keys()),
        "step": obj.get("step"),
        "storage_keys_in_file_order": keys,
        "storage_data_start": storage_keys_end,
        "storages": {k: v for k, v in data_at.items()},
    }, tensors


# ----------------------------------------------------------------------------------------------
# The synthetic input
# ----------------------------------------------------------------------------------------------
def synthetic_int16():
    """3.0 s at 16 kHz (48000 samples) of int16, reproducible without numpy:
      noise[n]: 32-bit LCG state = (1664525 * state + 1013904223) mod 2^32, state0 = 12345,
                updated once per sample BEFORE use; noise = ((state >> 16) mod 1001) - 500
      tone(n) = 0.6 sin(2 pi 150 n / 16000) + 0.25 sin(2 pi 450 n / 16000 + 0.5)
                + 0.15 sin(2 pi 1234.5 n / 16000 + 1.0)          (float64)
      env(n)  = 0.55 + 0.45 sin(2 pi 3 n / 16000)                (3 Hz amplitude modulation)
      s[n]    = clamp(round_half_even(9000 * tone(n) * env(n)) + noise[n], -32768, 32767)
    The float wav is s / 32768 as float32 (what librosa.load gives for s16 audio)."""
    n = np.arange(48000, dtype=np.float64)
    sr = 16000.0
    tone = (0.6 * np.sin(2 * np.pi * 150.0 * n / sr)
            + 0.25 * np.sin(2 * np.pi * 450.0 * n / sr + 0.5)
            + 0.15 * np.sin(2 * np.pi * 1234.5 * n / sr + 1.0))
    env = 0.55 + 0.45 * np.sin(2 * np.pi * 3.0 * n / sr)
    state = 12345
    noise = np.empty(48000, dtype=np.int64)
    for i in range(48000):
        state = (1664525 * state + 1013904223) & 0xFFFFFFFF
        noise[i] = ((state >> 16) % 1001) - 500
    s = np.rint(9000.0 * tone * env).astype(np.int64) + noise
    return np.clip(s, -32768, 32767).astype(np.int16)


def write_wav16(path, samples, sr=16000):
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sr)
        w.writeframes(samples.astype("<i2").tobytes())


# ----------------------------------------------------------------------------------------------
# Stages
# ----------------------------------------------------------------------------------------------
def mel_summary(mel):
    return {
        "shape": list(mel.shape),
        "dtype": str(mel.dtype),
        "frames_0_to_3": [f32(mel[i]) for i in range(min(4, mel.shape[0]))],
        # jfk.wav starts with 699 zero samples, so its frames 0..3 are all zero: 200..203 have speech.
        "frames_200_to_203": [f32(mel[i]) for i in range(200, min(204, mel.shape[0]))],
        "frame_sums_f64": [float(x) for x in mel.astype(np.float64).sum(axis=1)],
        "total_sum_f64": float(mel.astype(np.float64).sum()),
        "max": f32([mel.max()])[0],
        "sha256_f32le": sha256_f32(mel),
    }


def embed_summary(encoder, wav):
    import torch
    from resemblyzer import audio

    embed, partial_embeds, wav_slices = encoder.embed_utterance(wav, return_partials=True)
    # Recompute the slices the same way embed_utterance does, to record mel slices and padding.
    wav_s, mel_s = encoder.compute_partial_slices(len(wav), 1.3, 0.75)
    assert [(s.start, s.stop) for s in wav_s] == [(s.start, s.stop) for s in wav_slices]
    max_len = wav_s[-1].stop
    padded = np.pad(wav, (0, max_len - len(wav)), "constant") if max_len >= len(wav) else wav
    mel_padded = audio.wav_to_mel_spectrogram(padded)
    # Raw (pre-L2) partial outputs, for debugging a port.
    mels = torch.from_numpy(np.array([mel_padded[s] for s in mel_s]))
    with torch.no_grad():
        _, (hidden, _) = encoder.lstm(mels)
        raw = encoder.relu(encoder.linear(hidden[-1])).numpy()
    raw_mean = np.mean(partial_embeds, axis=0)
    return {
        "rate": 1.3,
        "min_coverage": 0.75,
        "n_samples_in": len(wav),
        "padded_to_samples": int(len(padded)),
        "mel_frames_of_padded_wav": int(mel_padded.shape[0]),
        "wav_slices": [[int(s.start), int(s.stop)] for s in wav_s],
        "mel_slices": [[int(s.start), int(s.stop)] for s in mel_s],
        "partial_raw_relu_outputs_before_l2": [f32(r) for r in raw],
        "partial_embeddings": [f32(p) for p in partial_embeds],
        "mean_of_partials_before_l2": f32(raw_mean),
        "embedding": f32(embed),
        "embedding_l2_norm_f64": float(np.linalg.norm(embed.astype(np.float64))),
    }


def vad_trace(wav):
    """trim_long_silences step by step (same code as resemblyzer.audio), for the record."""
    import webrtcvad
    from scipy.ndimage import binary_dilation
    from resemblyzer import hparams as hp

    spw = (hp.vad_window_length * hp.sampling_rate) // 1000
    wav = wav[:len(wav) - (len(wav) % spw)]
    pcm = (np.round(wav * 32767)).astype(np.int16)
    vad = webrtcvad.Vad(mode=3)
    flags = np.array([vad.is_speech(pcm[i:i + spw].tobytes(), sample_rate=hp.sampling_rate)
                      for i in range(0, len(wav), spw)])
    width = hp.vad_moving_average_width
    padded = np.concatenate((np.zeros((width - 1) // 2), flags, np.zeros(width // 2)))
    ret = np.cumsum(padded, dtype=float)
    ret[width:] = ret[width:] - ret[:-width]
    avg = ret[width - 1:] / width
    smoothed = np.round(avg).astype(bool)
    dilated = binary_dilation(smoothed, np.ones(hp.vad_max_silence_length + 1))
    bits = lambda a: "".join("1" if x else "0" for x in a)
    return {
        "samples_per_window": spw,
        "n_samples_after_truncation": int(len(wav)),
        "n_windows": int(len(flags)),
        "pcm_sha256_s16le": hashlib.sha256(pcm.astype("<i2").tobytes()).hexdigest(),
        "vad_flags": bits(flags),
        "smoothed_mask": bits(smoothed),
        "dilated_mask": bits(dilated),
        "kept_windows": int(dilated.sum()),
        "kept_samples": int(dilated.sum() * spw),
    }

# ----------------------------------------------------------------------------------------------
# The recipe written down in tests/data/speakers/README.md, in plain numpy (no librosa, no torch),
# checked against the package so that the README is known to be complete.
# ----------------------------------------------------------------------------------------------
def recipe_mel_filterbank(sr=16000, n_fft=400, n_mels=40):
    def hz_to_mel(f):  # Slaney: linear below 1 kHz, logarithmic above
        f = np.asarray(f, dtype=np.float64)
        m = f / (200.0 / 3)
        return np.where(f >= 1000.0, 15.0 + np.log(np.maximum(f, 1e-10) / 1000.0) / (np.log(6.4) / 27.0), m)

    def mel_to_hz(m):
        m = np.asarray(m, dtype=np.float64)
        return np.where(m >= 15.0, 1000.0 * np.exp((np.log(6.4) / 27.0) * (m - 15.0)), m * (200.0 / 3))

    fft_freqs = np.arange(n_fft // 2 + 1) * sr / n_fft
    mel_f = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(sr / 2), n_mels + 2))
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fft_freqs[None, :]
    weights = np.zeros((n_mels, n_fft // 2 + 1))
    for i in range(n_mels):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        weights[i] = np.maximum(0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_f[2:n_mels + 2] - mel_f[:n_mels]))[:, None]
    return weights.astype(np.float32)


def recipe_mel(wav):
    n_fft, hop = 400, 160
    x = np.pad(wav.astype(np.float64), (n_fft // 2, n_fft // 2))  # center=True, zeros
    n_frames = 1 + len(wav) // hop
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n_fft) / n_fft)  # periodic Hann
    frames = np.stack([x[t * hop:t * hop + n_fft] for t in range(n_frames)])
    power = np.abs(np.fft.rfft(frames * window, axis=1)) ** 2  # [T, 201]
    return (power @ recipe_mel_filterbank().astype(np.float64).T).astype(np.float32)  # [T, 40]


def recipe_encoder(state, mel):
    sig = lambda z: 1.0 / (1.0 + np.exp(-z))
    x = mel.astype(np.float64)
    for layer in range(3):
        w_ih = state[f"lstm.weight_ih_l{layer}"].numpy().astype(np.float64)
        w_hh = state[f"lstm.weight_hh_l{layer}"].numpy().astype(np.float64)
        b = (state[f"lstm.bias_ih_l{layer}"].numpy().astype(np.float64)
             + state[f"lstm.bias_hh_l{layer}"].numpy().astype(np.float64))
        h = np.zeros(256)
        c = np.zeros(256)
        out = []
        for t in range(x.shape[0]):
            g = w_ih @ x[t] + w_hh @ h + b
            i, f, gg, o = sig(g[0:256]), sig(g[256:512]), np.tanh(g[512:768]), sig(g[768:1024])
            c = f * c + i * gg
            h = o * np.tanh(c)
            out.append(h)
        x = np.stack(out)
    e = np.maximum(0, state["linear.weight"].numpy().astype(np.float64) @ h
                   + state["linear.bias"].numpy().astype(np.float64))
    return e / np.linalg.norm(e)


def recipe_partial_slices(n_samples, rate=1.3, min_coverage=0.75):
    n_frames = -(-(n_samples + 1) // 160)  # ceil((n + 1) / 160)
    step = int(np.round((16000 / rate) / 160))  # 77
    starts = list(range(0, max(1, n_frames - 160 + step + 1), step))
    if len(starts) > 1 and (n_samples - starts[-1] * 160) / (160 * 160) < min_coverage:
        starts.pop()
    return [[s, s + 160] for s in starts]


def recipe_vad_masks(flags):
    """smoothed[i] = (flags[i-3] + ... + flags[i+4], out of range = 0) >= 5   (np.round(k/8):
    4/8 = 0.5 rounds to even, i.e. 0); kept[i] = any(smoothed[i-3 ..= i+3])."""
    n = len(flags)
    f = [1 if c == "1" else 0 for c in flags]
    sm = [sum(f[j] for j in range(i - 3, i + 5) if 0 <= j < n) >= 5 for i in range(n)]
    kept = [any(sm[j] for j in range(i - 3, i + 4) if 0 <= j < n) for i in range(n)]
    bits = lambda a: "".join("1" if x else "0" for x in a)
    return bits(sm), bits(kept)


def rel_err(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-30))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wheel", help="the Resemblyzer wheel file, to record its SHA-256")
    ap.add_argument("--out", default=str(OUT_DIR / "resemblyzer_reference.json"))
    args = ap.parse_args()

    import torch
    torch.set_num_threads(1)
    torch.manual_seed(0)
    import librosa
    import scipy
    import resemblyzer
    from resemblyzer import VoiceEncoder, preprocess_wav, wav_to_mel_spectrogram, hparams as hp
    from resemblyzer.audio import normalize_volume

    pkg_dir = Path(resemblyzer.__file__).resolve().parent
    weights = pkg_dir / "pretrained.pt"

    versions = {"python": platform.python_version()}
    for dist in ["Resemblyzer", "torch", "numpy", "scipy", "librosa", "webrtcvad", "soundfile",
                 "soxr", "numba", "setuptools"]:
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None

    # --- weights ------------------------------------------------------------------------------
    layout, tensors = legacy_torch_layout(weights)
    ckpt = torch.load(weights, map_location="cpu")
    state = ckpt["model_state"]
    with open(weights, "rb") as f:
        blob = f.read()
    for t in tensors:
        ref = state[t["name"]].contiguous().numpy()
        n = int(np.prod(t["shape"]))
        raw = np.frombuffer(blob, dtype="<f4", count=n, offset=t["file_byte_offset"])
        assert np.array_equal(raw.reshape(ref.shape), ref), t["name"]
        t["sha256_f32le"] = sha256_f32(ref)
        t["used_by_voice_encoder"] = not t["name"].startswith("similarity_")
        if ref.size == 1:
            t["value"] = f32(ref)
    encoder = VoiceEncoder(device="cpu", verbose=False)
    encoder.eval()
    missing = encoder.load_state_dict(state, strict=False)

    # --- jfk ----------------------------------------------------------------------------------
    raw_wav, sr = librosa.load(str(JFK), sr=None)
    with wave.open(str(JFK), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 16000)
        s16 = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    assert np.array_equal(raw_wav, s16.astype(np.float32) / np.float32(32768)), "load scaling"

    int16_max = 2 ** 15 - 1
    rms = np.sqrt(np.mean((raw_wav * int16_max) ** 2))
    dbfs = 20 * np.log10(rms / int16_max)
    pre = preprocess_wav(JFK)  # the path form: librosa.load(sr=None) then resample 16k->16k
    pre_arr = preprocess_wav(raw_wav, source_sr=16000)
    assert np.array_equal(pre, pre_arr)
    vad = vad_trace(normalize_volume(raw_wav, hp.audio_norm_target_dBFS, increase_only=True))
    assert vad["kept_samples"] == len(pre)

    mel_pre = wav_to_mel_spectrogram(pre)
    first = torch.from_numpy(mel_pre[None, 0:hp.partials_n_frames])
    with torch.no_grad():
        first_embed = encoder(first)[0].numpy()
        _, (hidden, _) = encoder.lstm(first)
        first_raw = encoder.relu(encoder.linear(hidden[-1]))[0].numpy()
    jfk_embed = embed_summary(encoder, pre)
    # embed_utterance runs all partials as one batch; the batch of 1 here differs by float noise.
    first_partial_diff = float(np.max(np.abs(
        first_embed - np.array(jfk_embed["partial_embeddings"][0], dtype=np.float32))))

    jfk = {
        "input": {
            "path": "tests/data/jfk.wav",
            "sha256": sha256_file(JFK),
            "format": "RIFF WAVE, PCM s16le, mono, 16000 Hz",
            "n_samples": int(len(raw_wav)),
            "load": "librosa.load(path, sr=None): float32 = s16 / 32768",
            "first_nonzero_index": int(np.flatnonzero(raw_wav)[0]),
            "sum_of_squares_f64": float(np.sum(raw_wav.astype(np.float64) ** 2)),
        },
        "preprocess": {
            "call": "resemblyzer.preprocess_wav('tests/data/jfk.wav')",
            "rms_int16_units_f32": f32([rms])[0],
            "dBFS_f32": f32([dbfs])[0],
            "dBFS_change": f32([hp.audio_norm_target_dBFS - dbfs])[0],
            "volume_changed": bool(hp.audio_norm_target_dBFS - dbfs >= 0),
            "trim_long_silences": vad,
            "n_samples": int(len(pre)),
            "dtype": str(pre.dtype),
            "first_16": f32(pre[:16]),
            "last_16": f32(pre[-16:]),
            "sum_of_squares_f64": float(np.sum(pre.astype(np.float64) ** 2)),
            "sha256_f32le": sha256_f32(pre),
        },
        "mel": dict(call="resemblyzer.audio.wav_to_mel_spectrogram(preprocessed wav)",
                    **mel_summary(mel_pre)),
        "first_partial_forward": {
            "call": "VoiceEncoder.forward(mel[None, 0:160]) on the mel above",
            "raw_relu_output_before_l2": f32(first_raw),
            "embedding": f32(first_embed),
            "max_abs_diff_to_embed_utterance_partial_0": first_partial_diff,
        },
        "embed_utterance": dict(call="VoiceEncoder.embed_utterance(preprocessed wav)", **jfk_embed),
    }

    # --- synthetic ----------------------------------------------------------------------------
    syn16 = synthetic_int16()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    syn_path = OUT_DIR / "synthetic_3s.wav"
    write_wav16(syn_path, syn16)
    syn = syn16.astype(np.float32) / np.float32(32768)
    syn_loaded, _ = librosa.load(str(syn_path), sr=None)
    assert np.array_equal(syn, syn_loaded)
    mel_syn = wav_to_mel_spectrogram(syn)
    synthetic = {
        "input": {
            "generator": synthetic_int16.__doc__.strip(),
            "file": "tests/data/speakers/synthetic_3s.wav",
            "file_sha256": sha256_file(syn_path),
            "samples_s16le_sha256": hashlib.sha256(syn16.astype("<i2").tobytes()).hexdigest(),
            "n_samples": int(len(syn16)),
            "first_16_s16": [int(x) for x in syn16[:16]],
            "sum_of_squares_f64": float(np.sum(syn.astype(np.float64) ** 2)),
            "preprocess_wav": "NOT applied",
        },
        "mel": dict(call="resemblyzer.audio.wav_to_mel_spectrogram(wav)", **mel_summary(mel_syn)),
        "embed_utterance": dict(call="VoiceEncoder.embed_utterance(wav)",
                                **embed_summary(encoder, syn)),
    }

    # --- normalize_volume on a quiet input ----------------------------------------------------
    quiet = raw_wav * np.float32(1 / 64)
    q_rms = np.sqrt(np.mean((quiet * int16_max) ** 2))
    q_dbfs = 20 * np.log10(q_rms / int16_max)
    q_change = hp.audio_norm_target_dBFS - q_dbfs
    q_gain = 10 ** (q_change / 20)
    q_out = normalize_volume(quiet, hp.audio_norm_target_dBFS, increase_only=True)
    assert np.array_equal(q_out, quiet * q_gain)
    idx = np.flatnonzero(quiet)[:16]
    quiet_jfk = {
        "input": "jfk float32 wav (s16 / 32768) * float32(1/64)",
        "call": "resemblyzer.audio.normalize_volume(wav, -30, increase_only=True)",
        "rms_int16_units_f32": f32([q_rms])[0],
        "dBFS_f32": f32([q_dbfs])[0],
        "dBFS_change_f32": f32([q_change])[0],
        "gain_f32": f32([q_gain])[0],
        "dtypes": f"rms {q_rms.dtype}, dBFS {q_dbfs.dtype}, gain {np.asarray(q_gain).dtype}, out {q_out.dtype}",
        "first_16_nonzero_indices": [int(i) for i in idx],
        "output_at_those_indices": f32(q_out[idx]),
        "output_sum_of_squares_f64": float(np.sum(q_out.astype(np.float64) ** 2)),
    }

    # --- front-end constants ------------------------------------------------------------------
    mel_basis = librosa.filters.mel(sr=hp.sampling_rate, n_fft=400, n_mels=hp.mel_n_channels)
    bands = []
    for row in mel_basis:
        nz = np.flatnonzero(row)
        bands.append({"first_bin": int(nz[0]), "weights": f32(row[nz[0]:nz[-1] + 1])})
    from scipy.signal import get_window
    window = get_window("hann", 400, fftbins=True)

    # --- the README's recipe, checked ----------------------------------------------------------
    recipe = {
        "mel_filterbank_max_abs_diff": float(np.max(np.abs(recipe_mel_filterbank() - mel_basis))),
        "jfk_mel_max_rel_err": rel_err(recipe_mel(pre), mel_pre),
        "synthetic_mel_max_rel_err": rel_err(recipe_mel(syn), mel_syn),
        "jfk_first_partial_embedding_max_abs_diff_f64_lstm": float(np.max(np.abs(
            recipe_encoder(state, mel_pre[0:160]) - first_embed))),
        "synthetic_last_partial_embedding_max_abs_diff_f64_lstm": float(np.max(np.abs(
            recipe_encoder(state, recipe_mel(np.pad(syn, (0, 50240 - len(syn))))[154:314])
            - np.array(synthetic["embed_utterance"]["partial_embeddings"][-1])))),
        "jfk_vad_masks_match": recipe_vad_masks(vad["vad_flags"])
        == (vad["smoothed_mask"], vad["dilated_mask"]),
        "jfk_slices_match": recipe_partial_slices(len(pre)) == jfk_embed["mel_slices"],
        "synthetic_slices_match": recipe_partial_slices(len(syn))
        == synthetic["embed_utterance"]["mel_slices"],
    }
    assert recipe["jfk_vad_masks_match"], recipe
    assert recipe["jfk_slices_match"] and recipe["synthetic_slices_match"], recipe
    assert recipe["mel_filterbank_max_abs_diff"] < 1e-6, recipe
    assert recipe["jfk_mel_max_rel_err"] < 1e-4 and recipe["synthetic_mel_max_rel_err"] < 1e-4, recipe
    assert recipe["jfk_first_partial_embedding_max_abs_diff_f64_lstm"] < 1e-4, recipe

    result = {
        "about": "Reference values from PyPI Resemblyzer==0.1.4 for verbatim's Rust GE2E voice "
                 "encoder; made by scripts/resemblyzer_reference.py. See README.md beside this file.",
        "versions": versions,
        "platform": platform.platform(),
        "torch_num_threads": torch.get_num_threads(),
        "wheel": {
            "file": "Resemblyzer-0.1.4-py3-none-any.whl",
            "sha256": sha256_file(args.wheel) if args.wheel else None,
            "size": os.path.getsize(args.wheel) if args.wheel else None,
        },
        "hparams": {k: getattr(hp, k) for k in dir(hp) if not k.startswith("_")
                    and isinstance(getattr(hp, k), (int, float))},
        "weights": {
            "path_in_wheel": "resemblyzer/pretrained.pt",
            "sha256": sha256_file(weights),
            "size": os.path.getsize(weights),
            "format": "legacy (pre-1.6, non-zip) torch.save: 5 consecutive pickles, then raw storages",
            "layout": layout,
            "load_state_dict_strict_false": {"missing": list(missing.missing_keys),
                                              "unexpected": list(missing.unexpected_keys)},
            "model_state": tensors,
        },
        "front_end_constants": {
            "hann_window_periodic_400_first_4_f64": [float(x) for x in window[:4]],
            "hann_window_sha256_f32le": sha256_f32(window),
            "mel_filterbank": {
                "call": "librosa.filters.mel(sr=16000, n_fft=400, n_mels=40) (htk=False, "
                        "norm='slaney', fmin=0, fmax=8000, dtype float32); shape [40, 201]",
                "sha256_f32le": sha256_f32(mel_basis),
                "bands": bands,
            },
        },
        "readme_recipe_check": recipe,
        "jfk": jfk,
        "synthetic": synthetic,
        "quiet_jfk_normalize_volume": quiet_jfk,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(dump_json(result) + "\n")
    json.loads(out.read_text())  # well-formed
    print(f"wrote {out} ({out.stat().st_size} bytes) and {syn_path} ({syn_path.stat().st_size} bytes)")


if __name__ == "__main__":
    sys.exit(main())
