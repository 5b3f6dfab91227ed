#!/usr/bin/python3
"""Golden fixtures for zoft's decoder LMs (dev.zoft.transformer.decoder).

Writes tiny random-weight models of each supported family as Hugging Face folders
(config.json + safetensors written here byte by byte, one of them sharded) and, for a few
token sequences, the logits, causal-LM losses and label-word log-probabilities computed by
independent plain-PyTorch reference models below (no `transformers` package: each forward is
written from the published architecture). The reference runs in float64 on the stored weights
(BF16/F16 weights are rounded exactly as stored, then widened), so the Java F32 forward should
agree to about 1e-5.

Run with Debian's python (PyTorch 1.13):

    /usr/bin/python3 transformer/fixtures-gen/make_decoder_fixtures.py \
        --out transformer/src/test/resources/fixtures/decoder

Also: --stories PATH/stories260K.bin writes stories260K_expected.json, the logits of the
llama2.c checkpoint read directly from its .bin (see read_llama2c).
"""
import argparse
import json
import math
import os
import struct

import torch

DT = torch.float64


# ----------------------------------------------------------------------------- safetensors

ST_DTYPE = {torch.float32: "F32", torch.bfloat16: "BF16", torch.float16: "F16"}


def tensor_bytes(t):
    t = t.contiguous()
    if t.dtype == torch.float32:
        return t.numpy().tobytes()
    return t.view(torch.int16).numpy().tobytes()


def write_safetensors(path, tensors):
    header = {"__metadata__": {"format": "pt"}}
    blobs = []
    offset = 0
    for name, t in tensors.items():
        b = tensor_bytes(t)
        header[name] = {"dtype": ST_DTYPE[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def write_sharded(folder, tensors, shards=2):
    names = list(tensors)
    per = (len(names) + shards - 1) // shards
    weight_map = {}
    for s in range(shards):
        part = names[s * per:(s + 1) * per]
        file = "model-%05d-of-%05d.safetensors" % (s + 1, shards)
        write_safetensors(os.path.join(folder, file), {n: tensors[n] for n in part})
        for n in part:
            weight_map[n] = file
    with open(os.path.join(folder, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": sum(t.numel() * t.element_size() for t in tensors.values())},
                   "weight_map": weight_map}, f, indent=1)


# ----------------------------------------------------------------------------- reference pieces

def rms_norm(x, w, eps):
    return x * torch.rsqrt((x * x).mean(-1, keepdim=True) + eps) * w


def layer_norm(x, w, b, eps):
    mean = x.mean(-1, keepdim=True)
    var = ((x - mean) ** 2).mean(-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * w + b


def rope_inv_freq(cfg):
    d = cfg.get("head_dim", cfg["hidden_size"] // cfg["num_attention_heads"])
    theta = cfg.get("rope_theta", 10000.0)
    inv = [1.0 / theta ** (2.0 * i / d) for i in range(d // 2)]
    rs = cfg.get("rope_scaling")
    if rs:  # Llama-3: keep short wavelengths, divide long ones by factor, interpolate between
        lo = rs["original_max_position_embeddings"] / rs["low_freq_factor"]
        hi = rs["original_max_position_embeddings"] / rs["high_freq_factor"]
        out = []
        for f in inv:
            wl = 2 * math.pi / f
            if wl < hi:
                out.append(f)
            elif wl > lo:
                out.append(f / rs["factor"])
            else:
                s = (rs["original_max_position_embeddings"] / wl - rs["low_freq_factor"]) / (
                    rs["high_freq_factor"] - rs["low_freq_factor"])
                out.append((1 - s) * f / rs["factor"] + s * f)
        inv = out
    return torch.tensor(inv, dtype=DT)


def apply_rope(x, inv):
    """x [T, heads, d], Hugging Face's rotate_half pairing (i, i + d/2)."""
    t = x.shape[0]
    ang = torch.arange(t, dtype=DT)[:, None] * inv[None, :]
    cos = torch.cat([ang.cos(), ang.cos()], -1)[:, None, :]
    sin = torch.cat([ang.sin(), ang.sin()], -1)[:, None, :]
    half = x.shape[-1] // 2
    rot = torch.cat([-x[..., half:], x[..., :half]], -1)
    return x * cos + rot * sin


def causal_attention(q, k, v):
    """q [T, H, d], k/v [T, KV, d]; query head h reads kv head h // (H / KV)."""
    group = q.shape[1] // k.shape[1]
    k = k.repeat_interleave(group, dim=1)
    v = v.repeat_interleave(group, dim=1)
    scores = torch.einsum("thd,shd->hts", q, k) / math.sqrt(q.shape[-1])
    t = q.shape[0]
    causal = torch.ones(t, t, dtype=torch.bool).tril()
    scores = scores.masked_fill(~causal, float("-inf"))
    p = scores.softmax(-1)
    return torch.einsum("hts,shd->thd", p, v).reshape(t, -1)


def W(w, name):
    return w[name].to(DT)


def llama_forward(cfg, w, ids):
    p = "model."
    h_dim = cfg["hidden_size"]
    nh = cfg["num_attention_heads"]
    nkv = cfg.get("num_key_value_heads", nh)
    d = cfg.get("head_dim", h_dim // nh)
    eps = cfg.get("rms_norm_eps", 1e-6)
    inv = rope_inv_freq(cfg)
    x = W(w, p + "embed_tokens.weight")[ids]
    t = len(ids)

    def lin(x, name, bias):
        y = x @ W(w, name + ".weight").T
        return y + W(w, name + ".bias") if bias and (name + ".bias") in w else y

    for i in range(cfg["num_hidden_layers"]):
        l = p + "layers.%d." % i
        n = rms_norm(x, W(w, l + "input_layernorm.weight"), eps)
        q = lin(n, l + "self_attn.q_proj", True).reshape(t, nh, d)
        k = lin(n, l + "self_attn.k_proj", True).reshape(t, nkv, d)
        v = lin(n, l + "self_attn.v_proj", True).reshape(t, nkv, d)
        a = causal_attention(apply_rope(q, inv), apply_rope(k, inv), v)
        x = x + lin(a, l + "self_attn.o_proj", True)
        n = rms_norm(x, W(w, l + "post_attention_layernorm.weight"), eps)
        g = lin(n, l + "mlp.gate_proj", True)
        u = lin(n, l + "mlp.up_proj", True)
        x = x + lin(torch.nn.functional.silu(g) * u, l + "mlp.down_proj", True)
    x = rms_norm(x, W(w, p + "norm.weight"), eps)
    head = W(w, p + "embed_tokens.weight") if cfg.get("tie_word_embeddings", False) else W(w, "lm_head.weight")
    return x @ head.T


def gelu_new(x):
    return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


def gpt2_forward(cfg, w, ids):
    p = "transformer."
    h_dim = cfg["n_embd"]
    nh = cfg["n_head"]
    d = h_dim // nh
    eps = cfg.get("layer_norm_epsilon", 1e-5)
    t = len(ids)
    x = W(w, p + "wte.weight")[ids] + W(w, p + "wpe.weight")[torch.arange(t)]

    def conv1d(x, name):  # Conv1D: weight [in, out], y = x W + b
        return x @ W(w, name + ".weight") + W(w, name + ".bias")

    for i in range(cfg["n_layer"]):
        l = p + "h.%d." % i
        n = layer_norm(x, W(w, l + "ln_1.weight"), W(w, l + "ln_1.bias"), eps)
        qkv = conv1d(n, l + "attn.c_attn")
        q, k, v = qkv.split(h_dim, dim=-1)
        a = causal_attention(q.reshape(t, nh, d), k.reshape(t, nh, d), v.reshape(t, nh, d))
        x = x + conv1d(a, l + "attn.c_proj")
        n = layer_norm(x, W(w, l + "ln_2.weight"), W(w, l + "ln_2.bias"), eps)
        x = x + conv1d(gelu_new(conv1d(n, l + "mlp.c_fc")), l + "mlp.c_proj")
    x = layer_norm(x, W(w, p + "ln_f.weight"), W(w, p + "ln_f.bias"), eps)
    return x @ W(w, p + "wte.weight").T


def opt_forward(cfg, w, ids):
    p = "model.decoder."
    h_dim = cfg["hidden_size"]
    nh = cfg["num_attention_heads"]
    d = h_dim // nh
    eps = 1e-5
    t = len(ids)
    x = W(w, p + "embed_tokens.weight")[ids] + W(w, p + "embed_positions.weight")[torch.arange(t) + 2]

    def lin(x, name):
        return x @ W(w, name + ".weight").T + W(w, name + ".bias")

    for i in range(cfg["num_hidden_layers"]):
        l = p + "layers.%d." % i
        n = layer_norm(x, W(w, l + "self_attn_layer_norm.weight"), W(w, l + "self_attn_layer_norm.bias"), eps)
        q = lin(n, l + "self_attn.q_proj").reshape(t, nh, d)
        k = lin(n, l + "self_attn.k_proj").reshape(t, nh, d)
        v = lin(n, l + "self_attn.v_proj").reshape(t, nh, d)
        x = x + lin(causal_attention(q, k, v), l + "self_attn.out_proj")
        n = layer_norm(x, W(w, l + "final_layer_norm.weight"), W(w, l + "final_layer_norm.bias"), eps)
        x = x + lin(torch.relu(lin(n, l + "fc1")), l + "fc2")
    x = layer_norm(x, W(w, p + "final_layer_norm.weight"), W(w, p + "final_layer_norm.bias"), eps)
    return x @ W(w, p + "embed_tokens.weight").T


# ----------------------------------------------------------------------------- random models

def rnd(g, *shape, scale=0.3, shift=0.0):
    return torch.randn(*shape, generator=g, dtype=torch.float32) * scale + shift


def llama_weights(cfg, g):
    h = cfg["hidden_size"]
    nh = cfg["num_attention_heads"]
    nkv = cfg.get("num_key_value_heads", nh)
    d = cfg.get("head_dim", h // nh)
    f = cfg["intermediate_size"]
    v = cfg["vocab_size"]
    qkv_bias = cfg["model_type"] == "qwen2" or cfg.get("attention_bias", False)
    o_bias = cfg["model_type"] != "qwen2" and cfg.get("attention_bias", False)
    w = {"model.embed_tokens.weight": rnd(g, v, h, scale=1.0)}
    for i in range(cfg["num_hidden_layers"]):
        l = "model.layers.%d." % i
        w[l + "input_layernorm.weight"] = rnd(g, h, scale=0.1, shift=1.0)
        for name, out in (("q_proj", nh * d), ("k_proj", nkv * d), ("v_proj", nkv * d)):
            w[l + "self_attn." + name + ".weight"] = rnd(g, out, h)
            if qkv_bias:
                w[l + "self_attn." + name + ".bias"] = rnd(g, out, scale=0.2)
        w[l + "self_attn.o_proj.weight"] = rnd(g, h, nh * d)
        if o_bias:
            w[l + "self_attn.o_proj.bias"] = rnd(g, h, scale=0.2)
        w[l + "post_attention_layernorm.weight"] = rnd(g, h, scale=0.1, shift=1.0)
        w[l + "mlp.gate_proj.weight"] = rnd(g, f, h)
        w[l + "mlp.up_proj.weight"] = rnd(g, f, h)
        w[l + "mlp.down_proj.weight"] = rnd(g, h, f)
    w["model.norm.weight"] = rnd(g, h, scale=0.1, shift=1.0)
    if not cfg.get("tie_word_embeddings", False):
        w["lm_head.weight"] = rnd(g, v, h)
    return w


def gpt2_weights(cfg, g):
    h = cfg["n_embd"]
    f = cfg.get("n_inner") or 4 * h
    p = "transformer."
    w = {p + "wte.weight": rnd(g, cfg["vocab_size"], h, scale=1.0), p + "wpe.weight": rnd(g, cfg["n_positions"], h, scale=0.5)}
    for i in range(cfg["n_layer"]):
        l = p + "h.%d." % i
        for ln in ("ln_1", "ln_2"):
            w[l + ln + ".weight"] = rnd(g, h, scale=0.1, shift=1.0)
            w[l + ln + ".bias"] = rnd(g, h, scale=0.1)
        for name, fin, fout in (("attn.c_attn", h, 3 * h), ("attn.c_proj", h, h), ("mlp.c_fc", h, f), ("mlp.c_proj", f, h)):
            w[l + name + ".weight"] = rnd(g, fin, fout)
            w[l + name + ".bias"] = rnd(g, fout, scale=0.2)
    w[p + "ln_f.weight"] = rnd(g, h, scale=0.1, shift=1.0)
    w[p + "ln_f.bias"] = rnd(g, h, scale=0.1)
    return w


def opt_weights(cfg, g):
    h = cfg["hidden_size"]
    f = cfg["ffn_dim"]
    p = "model.decoder."
    w = {p + "embed_tokens.weight": rnd(g, cfg["vocab_size"], h, scale=1.0),
         p + "embed_positions.weight": rnd(g, cfg["max_position_embeddings"] + 2, h, scale=0.5)}
    for i in range(cfg["num_hidden_layers"]):
        l = p + "layers.%d." % i
        for ln in ("self_attn_layer_norm", "final_layer_norm"):
            w[l + ln + ".weight"] = rnd(g, h, scale=0.1, shift=1.0)
            w[l + ln + ".bias"] = rnd(g, h, scale=0.1)
        for name, fout, fin in (("self_attn.q_proj", h, h), ("self_attn.k_proj", h, h), ("self_attn.v_proj", h, h),
                                ("self_attn.out_proj", h, h), ("fc1", f, h), ("fc2", h, f)):
            w[l + name + ".weight"] = rnd(g, fout, fin)
            w[l + name + ".bias"] = rnd(g, fout, scale=0.2)
    w[p + "final_layer_norm.weight"] = rnd(g, h, scale=0.1, shift=1.0)
    w[p + "final_layer_norm.bias"] = rnd(g, h, scale=0.1)
    return w


MODELS = [
    # name, config, weights dtype, sharded
    ("llama_gqa_tied", {"model_type": "llama", "vocab_size": 61, "hidden_size": 16, "num_hidden_layers": 2,
                        "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 24,
                        "max_position_embeddings": 64, "rms_norm_eps": 1e-5, "rope_theta": 10000.0,
                        "tie_word_embeddings": True, "hidden_act": "silu"}, torch.float32, False),
    ("qwen2_qkv_bias", {"model_type": "qwen2", "vocab_size": 53, "hidden_size": 16, "num_hidden_layers": 2,
                        "num_attention_heads": 4, "num_key_value_heads": 1, "intermediate_size": 20,
                        "max_position_embeddings": 64, "rms_norm_eps": 1e-6, "rope_theta": 1000000.0,
                        "tie_word_embeddings": False, "hidden_act": "silu", "use_sliding_window": False,
                        "sliding_window": 32}, torch.bfloat16, True),
    ("llama3_rope_scaling", {"model_type": "llama", "vocab_size": 47, "hidden_size": 32, "num_hidden_layers": 2,
                             "num_attention_heads": 2, "num_key_value_heads": 2, "head_dim": 16,
                             "intermediate_size": 24, "max_position_embeddings": 128, "rms_norm_eps": 1e-5,
                             "rope_theta": 10000.0, "attention_bias": True, "tie_word_embeddings": False,
                             "hidden_act": "silu",
                             "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                              "high_freq_factor": 4.0, "original_max_position_embeddings": 64}},
     torch.float16, False),
    ("gpt2", {"model_type": "gpt2", "vocab_size": 59, "n_embd": 16, "n_layer": 2, "n_head": 4, "n_positions": 32,
              "n_inner": None, "layer_norm_epsilon": 1e-5, "activation_function": "gelu_new"}, torch.float32, False),
    ("opt", {"model_type": "opt", "vocab_size": 57, "hidden_size": 16, "num_hidden_layers": 2,
             "num_attention_heads": 4, "ffn_dim": 24, "max_position_embeddings": 32, "do_layer_norm_before": True,
             "word_embed_proj_dim": 16, "activation_function": "relu"}, torch.float32, False),
]

FORWARD = {"llama": llama_forward, "qwen2": llama_forward, "gpt2": gpt2_forward, "opt": opt_forward}
WEIGHTS = {"llama": llama_weights, "qwen2": llama_weights, "gpt2": gpt2_weights, "opt": opt_weights}


def expected_for(forward, cfg, w, sequences, prompt_lengths, label_words):
    """Logits of each unpadded sequence, the two causal-LM losses, label-word log-probs at the last token."""
    logits, nll_all, nll_cont, label = [], [], [], []
    for seq, plen in zip(sequences, prompt_lengths):
        lg = forward(cfg, w, torch.tensor(seq))
        logits.append([round(float(v), 7) for v in lg.reshape(-1)])
        lp = lg.log_softmax(-1)
        for t in range(len(seq) - 1):
            nll = -float(lp[t, seq[t + 1]])
            nll_all.append(nll)
            if t + 1 >= max(1, plen):
                nll_cont.append(nll)
        label.append([round(float(lp[-1, wd]), 7) for wd in label_words])
    return {"sequences": sequences, "logits": logits, "loss": sum(nll_all) / len(nll_all),
            "prompt_lengths": prompt_lengths, "continuation_loss": sum(nll_cont) / len(nll_cont),
            "label_words": label_words, "label_log_probs": label}


def make(out):
    for index, (name, cfg, dtype, sharded) in enumerate(MODELS):
        g = torch.Generator().manual_seed(1000 + index)
        w = {k: v.to(dtype) for k, v in WEIGHTS[cfg["model_type"]](cfg, g).items()}
        folder = os.path.join(out, name)
        os.makedirs(folder, exist_ok=True)
        for f in os.listdir(folder):
            os.remove(os.path.join(folder, f))
        with open(os.path.join(folder, "config.json"), "w") as f:
            json.dump(cfg, f, indent=1)
        if sharded:
            write_sharded(folder, w)
        else:
            write_safetensors(os.path.join(folder, "model.safetensors"), w)
        vocab = cfg["vocab_size"]
        lengths = [7, 3, 12]
        sequences = [torch.randint(0, vocab, (n,), generator=g).tolist() for n in lengths]
        exp = expected_for(FORWARD[cfg["model_type"]], cfg, w, sequences, [2, 1, 5], [3, vocab - 1, 10])
        with open(os.path.join(folder, "expected.json"), "w") as f:
            json.dump(exp, f)
        print(name, "loss %.6f" % exp["loss"])


# ----------------------------------------------------------------------------- llama2.c

def read_llama2c(path):
    """stories260K.bin: seven int32 (dim, hidden, layers, heads, kv heads, vocab (negative = unshared), seq_len),
    then float32 arrays in llama2.c's legacy order."""
    with open(path, "rb") as f:
        data = f.read()
    dim, hidden, layers, heads, kv, vocab, seq = struct.unpack("<7i", data[:28])
    shared = vocab > 0
    vocab = abs(vocab)
    flat = torch.frombuffer(bytearray(data[28:]), dtype=torch.float32)
    off = 0
    d = dim // heads

    def take(*shape):
        nonlocal off
        n = 1
        for s in shape:
            n *= s
        t = flat[off:off + n].reshape(*shape)
        off += n
        return t

    w = {"embed": take(vocab, dim), "rms_att": take(layers, dim), "wq": take(layers, heads * d, dim),
         "wk": take(layers, kv * d, dim), "wv": take(layers, kv * d, dim), "wo": take(layers, dim, heads * d),
         "rms_ffn": take(layers, dim), "w1": take(layers, hidden, dim), "w2": take(layers, dim, hidden),
         "w3": take(layers, hidden, dim), "rms_final": take(dim)}
    take(seq, d // 2)  # freq_cis_real
    take(seq, d // 2)  # freq_cis_imag
    w["head"] = w["embed"] if shared else take(vocab, dim)
    return {"dim": dim, "hidden": hidden, "layers": layers, "heads": heads, "kv": kv, "vocab": vocab, "seq": seq}, w


def llama2c_forward(c, w, ids):
    """llama2.c's run.c: RMSNorm eps 1e-5, RoPE on interleaved pairs (2i, 2i+1), θ = 10000."""
    t = len(ids)
    d = c["dim"] // c["heads"]
    x = w["embed"].to(DT)[ids]
    inv = torch.tensor([1.0 / 10000.0 ** (2.0 * i / d) for i in range(d // 2)], dtype=DT)
    ang = torch.arange(t, dtype=DT)[:, None] * inv[None, :]
    cos, sin = ang.cos()[:, None, :], ang.sin()[:, None, :]

    def rope(v):
        a, b = v[..., 0::2], v[..., 1::2]
        out = torch.empty_like(v)
        out[..., 0::2] = a * cos - b * sin
        out[..., 1::2] = a * sin + b * cos
        return out

    for l in range(c["layers"]):
        n = rms_norm(x, w["rms_att"][l].to(DT), 1e-5)
        q = (n @ w["wq"][l].to(DT).T).reshape(t, c["heads"], d)
        k = (n @ w["wk"][l].to(DT).T).reshape(t, c["kv"], d)
        v = (n @ w["wv"][l].to(DT).T).reshape(t, c["kv"], d)
        x = x + causal_attention(rope(q), rope(k), v) @ w["wo"][l].to(DT).T
        n = rms_norm(x, w["rms_ffn"][l].to(DT), 1e-5)
        x = x + (torch.nn.functional.silu(n @ w["w1"][l].to(DT).T) * (n @ w["w3"][l].to(DT).T)) @ w["w2"][l].to(DT).T
    x = rms_norm(x, w["rms_final"].to(DT), 1e-5)
    return x @ w["head"].to(DT).T


def make_stories(path, out):
    c, w = read_llama2c(path)
    g = torch.Generator().manual_seed(260)
    sequences = [[1] + torch.randint(2, c["vocab"], (n - 1,), generator=g).tolist() for n in (9, 4, 16)]
    exp = expected_for(lambda cfg, ww, ids: llama2c_forward(c, w, ids), None, None, sequences, [1, 1, 1], [3, 100, 511])
    with open(os.path.join(out, "stories260K_expected.json"), "w") as f:
        json.dump(exp, f)
    print("stories260K", c, "loss %.6f" % exp["loss"])


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--stories")
    a = ap.parse_args()
    torch.set_grad_enabled(False)
    make(a.out)
    if a.stories:
        make_stories(a.stories, a.out)
