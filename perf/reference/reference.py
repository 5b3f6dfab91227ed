#!/usr/bin/python3
"""The PyTorch / OpenBLAS reference figures of issue 4, measured on this machine.

Run with the Debian interpreter that has torch 1.13 and numpy:

    /usr/bin/python3 perf/reference/reference.py [--quick] [--out FILE] [--only GROUPS] [--threads 1,2]

Every figure is the same work as the matching zoft benchmark in perf/src/main/java/dev/zoft/perf
(shapes, batch, what the loss covers); see README.md next to this script for the mapping and the
JSON keys. Each (group, thread count) is measured in a fresh subprocess because OpenBLAS reads its
thread count and kernel choice from the environment when it loads: the subprocess gets
OMP/OPENBLAS/MKL_NUM_THREADS set and OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE removed (with either
set, OpenBLAS does not pick its AVX-512 kernel). The core type OpenBLAS reports is recorded.

Figures are medians over repeats after warm-up. Weights are random: speed does not depend on them.
"""

import argparse
import ctypes
import json
import os
import platform
import statistics
import subprocess
import sys
import time

GROUPS = ("sgemm", "stream", "perturb", "minilm", "mezo_minilm", "smollm", "mezo_smollm")

# zoft's out = x · wᵀ, x [M×K], w [N×K]: (M, K, N).
SGEMM_SHAPES = ((1024, 384, 1536), (1024, 768, 3072), (512, 384, 1536), (2048, 1536, 384))

# all-MiniLM-L6-v2.
MINILM = dict(layers=6, hidden=384, heads=12, ffn=1536, vocab=30522, max_pos=512, type_vocab=2, ln_eps=1e-12)
MINILM_BATCH, MINILM_SEQ = 16, 64
# zoft's ClassificationHead: cosine against one vector per class, over a temperature.
HEAD_CLASSES, HEAD_TEMPERATURE, HEAD_NORM_EPS = 2, 0.05, 1e-8

# SmolLM2-135M.
SMOLLM = dict(layers=30, hidden=576, heads=9, kv_heads=3, head_dim=64, ffn=1536, vocab=49152, rms_eps=1e-5,
              rope_theta=100000.0)
SMOLLM_BATCH, SMOLLM_SEQ = 4, 256

# MeZO's hyperparameters (their values do not change the cost).
MEZO_EPS, MEZO_LR, MEZO_WEIGHT_DECAY = 1e-3, 1e-6, 0.0

# Repeats: (warm-up, measured) per group, full and --quick.
REPEATS = {
    "sgemm": ((3, 15), (1, 3)),
    "stream": ((2, 10), (1, 3)),
    "perturb": ((1, 5), (1, 2)),
    "minilm": ((3, 10), (1, 3)),
    "mezo_minilm": ((2, 5), (1, 2)),
    "smollm": ((1, 3), (1, 1)),
    "mezo_smollm": ((1, 3), (1, 1)),
}
STREAM_FLOATS = (1 << 25, 1 << 24)  # 128 / 64 MiB an array: 3 arrays are ≫ the 32 MiB L3


# ---------------------------------------------------------------- environment

def loaded_libraries():
    """Shared objects mapped into this process whose names mention BLAS, LAPACK, OpenMP or MKL."""
    libs = set()
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                parts = line.split()
                if len(parts) >= 6 and parts[5].startswith("/"):
                    name = os.path.basename(parts[5]).lower()
                    if any(k in name for k in ("blas", "lapack", "gomp", "iomp", "mkl", "dnnl")):
                        libs.add(parts[5])
    except OSError:
        pass
    return sorted(libs)


def openblas_info():
    """What each loaded OpenBLAS says about itself: core type (kernel), config, threads."""
    info = []
    for path in loaded_libraries():
        if "blas" not in os.path.basename(path).lower():
            continue
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        entry = {"library": path, "resolved": os.path.realpath(path)}
        for fn, key in (("openblas_get_corename", "core_type"), ("openblas_get_config", "config")):
            f = getattr(lib, fn, None)
            if f is not None:
                f.restype = ctypes.c_char_p
                entry[key] = f().decode()
        f = getattr(lib, "openblas_get_num_threads", None)
        if f is not None:
            f.restype = ctypes.c_int
            entry["threads"] = f()
        info.append(entry)
    return info


def alternatives():
    """Debian's BLAS choice: /etc/alternatives/libblas.so.3* and friends."""
    out = {}
    folder = "/etc/alternatives"
    try:
        for name in sorted(os.listdir(folder)):
            if name.startswith(("libblas.so.3", "liblapack.so.3", "libopenblas")):
                out[name] = os.path.realpath(os.path.join(folder, name))
    except OSError:
        pass
    return out


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            flags, model = "", ""
            for line in f:
                if line.startswith("model name") and not model:
                    model = line.split(":", 1)[1].strip()
                if line.startswith("flags") and not flags:
                    flags = line.split(":", 1)[1]
        return model, ("avx512f" in flags.split())
    except OSError:
        return platform.processor(), False


def torch_cpu_capability(torch):
    """The SIMD level torch's own kernels (not BLAS) dispatch to, as its build report says."""
    for line in torch.__config__.show().splitlines():
        if "CPU capability usage:" in line:
            return line.split(":", 1)[1].strip()
    return None


def environment():
    import numpy
    import torch
    model, avx512 = cpu_model()
    return {
        "python": sys.version.split()[0],
        "executable": sys.executable,
        "torch": torch.__version__,
        "numpy": numpy.__version__,
        "torch_cpu_capability": torch_cpu_capability(torch),
        "torch_mkldnn": torch.backends.mkldnn.is_available(),
        "cpu": model,
        "avx512f": avx512,
        "cores": os.cpu_count(),
        "alternatives": alternatives(),
        "loaded_libraries": loaded_libraries(),
        "openblas": openblas_info(),
    }


# ---------------------------------------------------------------- timing

def median_seconds(fn, warmup, repeats):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


# ---------------------------------------------------------------- SGEMM and STREAM

def bench_sgemm(warmup, repeats):
    import numpy as np
    import torch
    rng = np.random.default_rng(42)
    out = {}
    for m, k, n in SGEMM_SHAPES:
        x = rng.uniform(-1, 1, (m, k)).astype(np.float32)
        w = rng.uniform(-1, 1, (n, k)).astype(np.float32)
        bias = rng.uniform(-1, 1, n).astype(np.float32)
        flops = 2.0 * m * n * k
        res = np.empty((m, n), dtype=np.float32)
        wt = w.T  # a view: numpy hands OpenBLAS the transposed flag, as zoft reads w row-major
        t = median_seconds(lambda: np.matmul(x, wt, out=res), warmup, repeats)
        key = f"{m}x{k}x{n}"
        out[f"sgemm_numpy_gflops.{key}"] = flops / t / 1e9
        tx, tw, tb = torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(bias)
        tres = torch.empty(m, n)
        with torch.inference_mode():
            t = median_seconds(lambda: torch.mm(tx, tw.t(), out=tres), warmup, repeats)
            out[f"sgemm_torch_mm_gflops.{key}"] = flops / t / 1e9
            # nn.Linear's work, bias included, as zoft's GemmBenchmark computes it.
            t = median_seconds(lambda: torch.addmm(tb, tx, tw.t(), out=tres), warmup, repeats)
            out[f"sgemm_torch_addmm_gflops.{key}"] = flops / t / 1e9
    return out


def bench_stream(warmup, repeats, floats):
    import numpy as np
    import torch
    s = np.float32(3.0)
    a = np.zeros(floats, dtype=np.float32)
    b = np.full(floats, 1.0, dtype=np.float32)
    c = np.full(floats, 2.0, dtype=np.float32)
    stream_bytes = 3.0 * 4 * floats  # STREAM's count: read b, read c, write a (no write-allocate)

    def numpy_triad():
        # numpy has no fused triad: two in-place ufunc passes (numpy's single thread), bytes counted as STREAM does.
        np.multiply(c, s, out=a)
        np.add(a, b, out=a)

    t = median_seconds(numpy_triad, warmup, repeats)
    out = {"stream_triad_numpy_gbps": stream_bytes / t / 1e9}
    ta, tb, tc = torch.from_numpy(a), torch.from_numpy(b), torch.from_numpy(c)
    with torch.inference_mode():
        # One fused pass a = b + s·c, parallel over torch's threads: the STREAM triad itself.
        t = median_seconds(lambda: torch.add(tb, tc, alpha=3.0, out=ta), warmup, repeats)
    out["stream_triad_gbps"] = stream_bytes / t / 1e9
    out["stream_array_mib"] = 4.0 * floats / (1 << 20)
    return out


# ---------------------------------------------------------------- models

def build_minilm():
    import torch
    from torch import nn
    c = MINILM

    class Layer(nn.Module):
        def __init__(self):
            super().__init__()
            h = c["hidden"]
            self.q, self.k, self.v, self.o = (nn.Linear(h, h) for _ in range(4))
            self.ln1 = nn.LayerNorm(h, eps=c["ln_eps"])
            self.up, self.down = nn.Linear(h, c["ffn"]), nn.Linear(c["ffn"], h)
            self.ln2 = nn.LayerNorm(h, eps=c["ln_eps"])

        def forward(self, x, additive_mask):
            b, t, h = x.shape
            nh = c["heads"]
            d = h // nh

            def heads(y):
                return y.view(b, t, nh, d).transpose(1, 2)

            q, k, v = heads(self.q(x)), heads(self.k(x)), heads(self.v(x))
            scores = torch.matmul(q, k.transpose(-1, -2)) / (d ** 0.5) + additive_mask
            ctx = torch.matmul(torch.softmax(scores, dim=-1), v).transpose(1, 2).reshape(b, t, h)
            x = self.ln1(x + self.o(ctx))  # BERT is post-LN
            return self.ln2(x + self.down(nn.functional.gelu(self.up(x))))

    class MiniLm(nn.Module):
        def __init__(self):
            super().__init__()
            h = c["hidden"]
            self.word = nn.Embedding(c["vocab"], h)
            self.pos = nn.Embedding(c["max_pos"], h)
            self.token_type = nn.Embedding(c["type_vocab"], h)
            self.ln = nn.LayerNorm(h, eps=c["ln_eps"])
            self.layers = nn.ModuleList(Layer() for _ in range(c["layers"]))
            self.head = nn.Parameter(torch.randn(HEAD_CLASSES, h))

        def forward(self, ids, mask, labels):
            b, t = ids.shape
            pos = torch.arange(t).unsqueeze(0)
            x = self.ln(self.word(ids) + self.pos(pos) + self.token_type(torch.zeros_like(ids)))
            additive = (1.0 - mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min
            for layer in self.layers:
                x = layer(x, additive)
            m = mask.unsqueeze(-1).to(x.dtype)
            pooled = (x * m).sum(1) / m.sum(1).clamp(min=1e-9)  # sentence-transformers' masked mean
            # zoft's head runs in double: cos(e, w_c) / τ, then the batch-mean cross-entropy.
            e, w = pooled.double(), self.head.double()
            en = e.norm(dim=-1, keepdim=True).clamp(min=HEAD_NORM_EPS)
            wn = w.norm(dim=-1, keepdim=True).clamp(min=HEAD_NORM_EPS)
            logits = (e @ w.t()) / (en * wn.t()) / HEAD_TEMPERATURE
            return nn.functional.cross_entropy(logits, labels)

    torch.manual_seed(0)
    model = MiniLm().eval()
    # all-MiniLM-L6-v2 without its pooler (unused by mean pooling) plus the 2 × 384 class vectors.
    require_params(model, 22_566_144, "MiniLM")
    gen = torch.Generator().manual_seed(42)
    # As zoft's BertForwardBenchmark: [CLS] ordinary word pieces [SEP], full mask.
    ids = torch.randint(1996, c["vocab"], (MINILM_BATCH, MINILM_SEQ), generator=gen)
    ids[:, 0], ids[:, -1] = 101, 102
    mask = torch.ones(MINILM_BATCH, MINILM_SEQ, dtype=torch.long)
    labels = torch.randint(0, HEAD_CLASSES, (MINILM_BATCH,), generator=gen)
    return model, (ids, mask, labels), MINILM_BATCH * MINILM_SEQ


def build_smollm():
    import torch
    from torch import nn
    c = SMOLLM

    class RmsNorm(nn.Module):
        def __init__(self, h):
            super().__init__()
            self.weight = nn.Parameter(torch.ones(h))

        def forward(self, x):
            return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + c["rms_eps"]) * self.weight

    def rotate_half(x):
        half = x.shape[-1] // 2
        return torch.cat((-x[..., half:], x[..., :half]), dim=-1)

    class Layer(nn.Module):
        def __init__(self):
            super().__init__()
            h, d = c["hidden"], c["head_dim"]
            self.norm1, self.norm2 = RmsNorm(h), RmsNorm(h)
            self.q = nn.Linear(h, c["heads"] * d, bias=False)
            self.k = nn.Linear(h, c["kv_heads"] * d, bias=False)
            self.v = nn.Linear(h, c["kv_heads"] * d, bias=False)
            self.o = nn.Linear(c["heads"] * d, h, bias=False)
            self.gate = nn.Linear(h, c["ffn"], bias=False)
            self.up = nn.Linear(h, c["ffn"], bias=False)
            self.down = nn.Linear(c["ffn"], h, bias=False)

        def forward(self, x, cos, sin, causal):
            b, t, _ = x.shape
            d, nh, nkv = c["head_dim"], c["heads"], c["kv_heads"]
            y = self.norm1(x)
            q = self.q(y).view(b, t, nh, d).transpose(1, 2)
            k = self.k(y).view(b, t, nkv, d).transpose(1, 2)
            v = self.v(y).view(b, t, nkv, d).transpose(1, 2)
            q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin  # RoPE, half-split layout
            k = k.repeat_interleave(nh // nkv, dim=1)  # grouped-query attention
            v = v.repeat_interleave(nh // nkv, dim=1)
            scores = torch.matmul(q, k.transpose(-1, -2)) / (d ** 0.5) + causal
            ctx = torch.matmul(torch.softmax(scores, dim=-1), v).transpose(1, 2).reshape(b, t, nh * d)
            x = x + self.o(ctx)
            y = self.norm2(x)
            return x + self.down(nn.functional.silu(self.gate(y)) * self.up(y))

    class SmolLm(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(c["vocab"], c["hidden"])
            self.layers = nn.ModuleList(Layer() for _ in range(c["layers"]))
            self.norm = RmsNorm(c["hidden"])

        def forward(self, ids):
            b, t = ids.shape
            d = c["head_dim"]
            inv = 1.0 / (c["rope_theta"] ** (torch.arange(0, d, 2, dtype=torch.float32) / d))
            ang = torch.outer(torch.arange(t, dtype=torch.float32), inv)
            ang = torch.cat((ang, ang), dim=-1)
            cos, sin = ang.cos()[None, None], ang.sin()[None, None]
            causal = torch.full((t, t), torch.finfo(torch.float32).min).triu(1)[None, None]
            x = self.embed(ids)
            for layer in self.layers:
                x = layer(x, cos, sin, causal)
            logits = self.norm(x) @ self.embed.weight.t()  # tied LM head
            # Causal-LM loss: every position predicts the next token.
            return nn.functional.cross_entropy(logits[:, :-1].reshape(-1, c["vocab"]), ids[:, 1:].reshape(-1))

    torch.manual_seed(0)
    model = SmolLm().eval()
    require_params(model, 134_515_008, "SmolLM2-135M")
    gen = torch.Generator().manual_seed(42)
    ids = torch.randint(0, c["vocab"], (SMOLLM_BATCH, SMOLLM_SEQ), generator=gen)
    return model, (ids,), SMOLLM_BATCH * SMOLLM_SEQ


def require_params(model, expected, name):
    """A shape slip would silently change the work measured: the parameter count pins the architecture."""
    count = sum(p.numel() for p in model.parameters())
    if count != expected:
        raise SystemExit(f"{name}-shaped model has {count:,} parameters, expected {expected:,}: the model code is wrong")


def weight_mib(model):
    # parameters() yields a tied tensor once, so the tied embedding is counted once.
    return sum(p.numel() * p.element_size() for p in model.parameters()) / (1 << 20)


# ---------------------------------------------------------------- forward and MeZO

def bench_forward(build, prefix, warmup, repeats):
    import torch
    model, inputs, tokens = build()
    with torch.inference_mode():
        t = median_seconds(lambda: model(*inputs).item(), warmup, repeats)
    return {f"{prefix}_forward_tokens_per_s": tokens / t, f"{prefix}_params": sum(p.numel() for p in model.parameters())}


class MeZo:
    """MeZO's published step (Malladi et al. 2023, Algorithm 1 as in their trainer's zo_step / zo_update).

    Every trainable tensor is perturbed out of place with z drawn by torch.normal after reseeding the
    global generator with the step's seed, so z is regenerated, never stored: +ε·z, −2ε·z, +ε·z (restore),
    then θ ← θ − lr·(g·z + wd·θ) with z regenerated once more (no weight decay on biases and norms).
    """

    def __init__(self, model, inputs):
        self.model = model
        self.inputs = inputs
        self.params = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
        self.forward_seconds = 0.0

    def _perturb(self, seed, scale):
        import torch
        torch.manual_seed(seed)
        for _, p in self.params:
            z = torch.normal(mean=0, std=1, size=p.data.size(), device=p.data.device, dtype=p.data.dtype)
            p.data = p.data + scale * z * MEZO_EPS

    def _forward(self):
        import torch
        t0 = time.perf_counter()
        self.model.eval()
        with torch.inference_mode():
            loss = self.model(*self.inputs).item()
        self.forward_seconds += time.perf_counter() - t0
        return loss

    def step(self, seed):
        import torch
        self._perturb(seed, 1)
        loss1 = self._forward()
        self._perturb(seed, -2)
        loss2 = self._forward()
        g = (loss1 - loss2) / (2 * MEZO_EPS)
        self._perturb(seed, 1)
        torch.manual_seed(seed)
        for name, p in self.params:
            z = torch.normal(mean=0, std=1, size=p.data.size(), device=p.data.device, dtype=p.data.dtype)
            lowered = name.lower()
            if "bias" not in lowered and "norm" not in lowered and "ln" not in lowered:
                p.data = p.data - MEZO_LR * (g * z + MEZO_WEIGHT_DECAY * p.data)
            else:
                p.data = p.data - MEZO_LR * (g * z)
        return loss1


def bench_mezo(build, prefix, warmup, repeats):
    import torch
    model, inputs, _ = build()
    for p in model.parameters():
        p.requires_grad_(True)  # MeZO's setting here: every parameter trains
    mezo = MeZo(model, inputs)
    seeds = iter(range(1, 1 << 30))
    for _ in range(warmup):
        mezo.step(next(seeds))
    steps, outside = [], []
    for _ in range(repeats):
        mezo.forward_seconds = 0.0
        t0 = time.perf_counter()
        mezo.step(next(seeds))
        total = time.perf_counter() - t0
        steps.append(total)
        outside.append((total - mezo.forward_seconds) / total)
    out = {
        f"{prefix}_mezo_step_ms": statistics.median(steps) * 1e3,
        f"{prefix}_mezo_outside_forward_fraction": statistics.median(outside),
        f"{prefix}_mezo_params": sum(p.numel() for _, p in mezo.params),
        f"{prefix}_weight_mib": weight_mib(model),
    }
    # This process did nothing but build the model and run MeZO steps: its high-water mark is MeZO's peak RSS.
    out[f"{prefix}_mezo_peak_rss_mib"] = peak_rss_mib()
    return out


def bench_perturb(warmup, repeats):
    """One pass of MeZO's perturbation loop (θ ← θ + ε·z, z regenerated by torch.normal) over each model's parameters."""
    import torch
    out = {}
    for build, prefix in ((build_minilm, "minilm"), (build_smollm, "smollm")):
        model, _, _ = build()
        mezo = MeZo(model, None)
        count = sum(p.numel() for _, p in mezo.params)
        seeds = iter(range(1, 1 << 30))
        with torch.no_grad():
            t = median_seconds(lambda: mezo._perturb(next(seeds), 1), warmup, repeats)
        out[f"perturbation_ns_per_param.{prefix}"] = t * 1e9 / count
        del model, mezo
    return out


def peak_rss_mib():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# ---------------------------------------------------------------- worker and driver

def run_worker(group, threads, quick):
    import torch
    torch.set_num_threads(threads)
    warmup, repeats = REPEATS[group][1 if quick else 0]
    if group == "sgemm":
        figures = bench_sgemm(warmup, repeats)
    elif group == "stream":
        figures = bench_stream(warmup, repeats, STREAM_FLOATS[1 if quick else 0])
    elif group == "perturb":
        figures = bench_perturb(warmup, repeats)
    elif group == "minilm":
        figures = bench_forward(build_minilm, "minilm", warmup, repeats)
    elif group == "mezo_minilm":
        figures = bench_mezo(build_minilm, "minilm", warmup, repeats)
    elif group == "smollm":
        figures = bench_forward(build_smollm, "smollm", warmup, repeats)
    elif group == "mezo_smollm":
        figures = bench_mezo(build_smollm, "smollm", warmup, repeats)
    else:
        raise SystemExit(f"unknown group {group!r}; groups are {', '.join(GROUPS)}")
    return {
        "figures": figures,
        "warmup": warmup,
        "repeats": repeats,
        "torch_threads": torch.get_num_threads(),
        "openblas": openblas_info(),
        "openblas_env": {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS")},
    }


def worker_env(threads):
    env = dict(os.environ)
    # OpenBLAS picks its AVX-512 kernel only when neither is set.
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(threads)
    return env


def spawn(group, threads, quick):
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", group, "--threads", str(threads)]
    if quick:
        cmd.append("--quick")
    proc = subprocess.run(cmd, env=worker_env(threads), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"reference group {group} at {threads} thread(s) failed (exit {proc.returncode}):\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def parse_list(text, allowed, what):
    items = [s.strip() for s in text.split(",") if s.strip()]
    for s in items:
        if s not in allowed:
            raise SystemExit(f"unknown {what} {s!r}; choose from {', '.join(allowed)}")
    return items


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats and smaller STREAM arrays (a smoke run)")
    ap.add_argument("--out", default=None, help="JSON output (default perf/target/reference.json)")
    ap.add_argument("--only", default=",".join(GROUPS), help="comma-separated groups: " + ", ".join(GROUPS))
    ap.add_argument("--threads", default="1,2", help="comma-separated thread counts (default 1,2)")
    ap.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()

    try:
        import numpy  # noqa: F401
        import torch  # noqa: F401
    except ImportError as e:
        raise SystemExit(f"reference.py needs torch and numpy ({e}); run it with /usr/bin/python3 (Debian python3-torch), "
                         f"not {sys.executable}")

    if args.worker:
        if args.worker not in GROUPS:
            raise SystemExit(f"unknown group {args.worker!r}; groups are {', '.join(GROUPS)}")
        print(json.dumps(run_worker(args.worker, int(args.threads), args.quick)))
        return

    groups = parse_list(args.only, GROUPS, "group")
    thread_counts = []
    for s in args.threads.split(","):
        if not s.strip().isdigit() or int(s) < 1:
            raise SystemExit(f"--threads wants positive integers, got {args.threads!r}")
        thread_counts.append(int(s))
    out_path = args.out or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "target", "reference.json")
    out_path = os.path.normpath(out_path)

    started = time.time()
    result = {
        "schema": 1,
        "quick": args.quick,
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "environment": environment(),
        "figures": {},
        "runs": [],
    }
    for threads in thread_counts:
        for group in groups:
            t0 = time.time()
            print(f"reference: {group} at {threads} thread(s) ...", file=sys.stderr, flush=True)
            run = spawn(group, threads, args.quick)
            run.update(group=group, threads=threads, seconds=round(time.time() - t0, 1))
            result["runs"].append(run)
            for key, value in run["figures"].items():
                result["figures"].setdefault(str(threads), {})[key] = value
    first = next((r for r in result["runs"] if r["openblas"]), None)
    result["environment"]["openblas_in_measurements"] = first["openblas"] if first else []
    result["seconds"] = round(time.time() - started, 1)
    os.makedirs(os.path.dirname(out_path) or ".", exist_ok=True)
    tmp = out_path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(result, f, indent=2, sort_keys=False)
        f.write("\n")
    os.replace(tmp, out_path)
    print(f"reference: wrote {out_path} in {result['seconds']} s", file=sys.stderr)


if __name__ == "__main__":
    main()
