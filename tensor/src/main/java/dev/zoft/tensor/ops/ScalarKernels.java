package dev.zoft.tensor.ops;

import static dev.zoft.tensor.Tensor.F32_LE;

import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tensor.random.PerturbationGenerator;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * The scalar twin of every kernel: plain loops that define each op and serve as the test oracle
 * for {@link VectorKernels}. Accumulation is in float, in increasing index order, unless a
 * method says otherwise. Work is still split across the pool by output rows, so the oracle is
 * usable on real model sizes.
 */
final class ScalarKernels implements Kernels {
    /** Rows per chunk for row-wise ops: enough elements that waking a thread pays off. */
    private static final long MIN_CHUNK_ELEMENTS = 1 << 14;

    private final WorkerPool pool;

    ScalarKernels(WorkerPool pool) {
        if (pool == null) {
            throw new IllegalArgumentException("pool is null");
        }
        this.pool = pool;
    }

    @Override
    public VectorWidth width() {
        return VectorWidth.SCALAR;
    }

    @Override
    public WorkerPool pool() {
        return pool;
    }

    static long grainFor(long cols) {
        return Math.max(1, MIN_CHUNK_ELEMENTS / Math.max(1, cols));
    }

    /** Dot product in k order, then the bias: {@code out[m,n] = (Σ_k x[m,k]·w[n,k]) + bias[n]}. */
    @Override
    public void matmulTransposed(Tensor x, Tensor w, Tensor bias, Tensor out) {
        long[] mnk = Checks.matmul(x, w, bias, out);
        long n = mnk[1];
        long k = mnk[2];
        MemorySegment xs = x.segment();
        MemorySegment ws = w.segment();
        MemorySegment bs = bias == null ? null : bias.segment();
        MemorySegment os = out.segment();
        pool.parallelFor(mnk[0], 1, (from, to) -> {
            for (long m = from; m < to; m++) {
                for (long j = 0; j < n; j++) {
                    float acc = 0f;
                    for (long i = 0; i < k; i++) {
                        acc += xs.getAtIndex(F32_LE, m * k + i) * w.getFloat(j * k + i);
                    }
                    if (bs != null) {
                        acc += bs.getAtIndex(F32_LE, j);
                    }
                    os.setAtIndex(F32_LE, m * n + j, acc);
                }
            }
        });
    }

    /** The definition: perturb copies of w and bias in place, then the plain GEMM. */
    @Override
    public void matmulTransposedPerturbed(Tensor x, Tensor w, Tensor bias, Tensor out, FusedPerturbation p) {
        Checks.matmul(x, w, bias, out);
        Objects.requireNonNull(p, "perturbation");
        Checks.perturbedRange(p, w, bias);
        try (Arena arena = Arena.ofShared()) {
            matmulTransposed(x, perturbedCopy(arena, w, p.weightIndex(), p),
                    bias == null ? null : perturbedCopy(arena, bias, p.biasIndex(), p), out);
        }
    }

    private static Tensor perturbedCopy(Arena arena, Tensor t, long index, FusedPerturbation p) {
        Tensor copy = t.toF32(arena);
        PerturbationGenerator.of(VectorWidth.SCALAR).axpy(p.distribution(), p.seed(), index, p.c(), copy.segment(), t.numel());
        return copy;
    }

    @Override
    public void addInPlace(Tensor a, Tensor b) {
        Checks.f32("a", a);
        Checks.f32("b", b);
        Checks.sameShape("a", a, "b", b);
        long cols = a.cols();
        MemorySegment as = a.segment();
        MemorySegment bs = b.segment();
        pool.parallelFor(a.rows(), grainFor(cols), (from, to) -> {
            for (long i = from * cols; i < to * cols; i++) {
                as.setAtIndex(F32_LE, i, as.getAtIndex(F32_LE, i) + bs.getAtIndex(F32_LE, i));
            }
        });
    }

    /**
     * Two passes per row: mean = (Σ x)/H, then the biased variance (Σ (x − mean)²)/H, both summed in
     * float in index order; {@code out = (x − mean) · (1/√(var + eps)) · gamma + beta}.
     */
    @Override
    public void layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor out) {
        Checks.layerNorm(x, gamma, beta, eps, out);
        long h = x.cols();
        MemorySegment xs = x.segment();
        MemorySegment gs = gamma.segment();
        MemorySegment bs = beta.segment();
        MemorySegment os = out.segment();
        pool.parallelFor(x.rows(), grainFor(h), (from, to) -> {
            for (long r = from; r < to; r++) {
                long base = r * h;
                float sum = 0f;
                for (long i = 0; i < h; i++) {
                    sum += xs.getAtIndex(F32_LE, base + i);
                }
                float mean = sum / h;
                float sq = 0f;
                for (long i = 0; i < h; i++) {
                    float d = xs.getAtIndex(F32_LE, base + i) - mean;
                    sq += d * d;
                }
                float inv = (float) (1.0 / Math.sqrt(sq / h + eps));
                for (long i = 0; i < h; i++) {
                    float d = xs.getAtIndex(F32_LE, base + i) - mean;
                    os.setAtIndex(F32_LE, base + i, d * inv * gs.getAtIndex(F32_LE, i) + bs.getAtIndex(F32_LE, i));
                }
            }
        });
    }

    /** Exact GELU evaluated in double through {@link Erf#gelu}, rounded once to float. */
    @Override
    public void gelu(Tensor x) {
        Checks.f32("x", x);
        long cols = x.cols();
        MemorySegment xs = x.segment();
        pool.parallelFor(x.rows(), grainFor(cols), (from, to) -> {
            for (long i = from * cols; i < to * cols; i++) {
                xs.setAtIndex(F32_LE, i, (float) Erf.gelu(xs.getAtIndex(F32_LE, i)));
            }
        });
    }

    /** {@code x_i ← exp(x_i − max) / Σ_j exp(x_j − max)}, exp in double rounded to float, sum in float. */
    @Override
    public void softmaxRows(Tensor x) {
        Checks.f32("x", x);
        long cols = x.cols();
        MemorySegment xs = x.segment();
        pool.parallelFor(x.rows(), grainFor(cols), (from, to) -> {
            for (long r = from; r < to; r++) {
                softmaxRow(xs, r * cols, cols);
            }
        });
    }

    private static void softmaxRow(MemorySegment xs, long base, long cols) {
        float max = Float.NEGATIVE_INFINITY;
        for (long i = 0; i < cols; i++) {
            max = Math.max(max, xs.getAtIndex(F32_LE, base + i));
        }
        float sum = 0f;
        for (long i = 0; i < cols; i++) {
            float e = (float) Math.exp(xs.getAtIndex(F32_LE, base + i) - max);
            xs.setAtIndex(F32_LE, base + i, e);
            sum += e;
        }
        for (long i = 0; i < cols; i++) {
            xs.setAtIndex(F32_LE, base + i, xs.getAtIndex(F32_LE, base + i) / sum);
        }
    }

    /**
     * Per query row and head: {@code s_j = (Σ_d q_d·k_jd) · scale} over the unmasked keys j, then
     * {@code p_j = exp(s_j − max s) / Σ exp(s − max s)}, then {@code out_d = Σ_j p_j·v_jd} in key order.
     */
    @Override
    public void attention(Tensor q, Tensor k, Tensor v, int batch, int seqLen, int heads, int headDim, int[] mask, Tensor out) {
        Checks.attention(q, k, v, batch, seqLen, heads, headDim, mask, out);
        long width = (long) heads * headDim;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        MemorySegment qs = q.segment();
        MemorySegment ks = k.segment();
        MemorySegment vs = v.segment();
        MemorySegment os = out.segment();
        pool.parallelFor((long) batch * seqLen, 1, (from, to) -> {
            float[] p = new float[seqLen];
            for (long row = from; row < to; row++) {
                long b = row / seqLen;
                long first = b * seqLen;
                for (int h = 0; h < heads; h++) {
                    long qOff = row * width + (long) h * headDim;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int j = 0; j < seqLen; j++) {
                        if (mask[(int) (first + j)] == 0) {
                            continue;
                        }
                        long kOff = (first + j) * width + (long) h * headDim;
                        float dot = 0f;
                        for (int d = 0; d < headDim; d++) {
                            dot += qs.getAtIndex(F32_LE, qOff + d) * ks.getAtIndex(F32_LE, kOff + d);
                        }
                        p[j] = dot * scale;
                        max = Math.max(max, p[j]);
                    }
                    float sum = 0f;
                    for (int j = 0; j < seqLen; j++) {
                        if (mask[(int) (first + j)] != 0) {
                            p[j] = (float) Math.exp(p[j] - max);
                            sum += p[j];
                        }
                    }
                    for (int d = 0; d < headDim; d++) {
                        float acc = 0f;
                        for (int j = 0; j < seqLen; j++) {
                            if (mask[(int) (first + j)] != 0) {
                                acc += (p[j] / sum) * vs.getAtIndex(F32_LE, (first + j) * width + (long) h * headDim + d);
                            }
                        }
                        os.setAtIndex(F32_LE, qOff + d, acc);
                    }
                }
            }
        });
    }

    @Override
    public void embeddingGather(Tensor table, int[] ids, Tensor out) {
        Checks.embeddingGather(table, ids, out);
        long h = table.cols();
        MemorySegment ts = table.segment();
        MemorySegment os = out.segment();
        pool.parallelFor(ids.length, grainFor(h), (from, to) -> {
            for (long r = from; r < to; r++) {
                long src = ids[(int) r] * h;
                for (long i = 0; i < h; i++) {
                    os.setAtIndex(F32_LE, r * h + i, table.getFloat(src + i));
                }
            }
        });
    }

    /** Sums unmasked rows in token order, then divides each sum by max(1, token count). */
    @Override
    public void meanPool(Tensor hidden, int[] mask, int batch, int seqLen, Tensor out) {
        Checks.meanPool(hidden, mask, batch, seqLen, out);
        long h = hidden.cols();
        MemorySegment hs = hidden.segment();
        MemorySegment os = out.segment();
        pool.parallelFor(batch, 1, (from, to) -> {
            for (long b = from; b < to; b++) {
                int count = 0;
                for (int t = 0; t < seqLen; t++) {
                    count += mask[(int) (b * seqLen + t)];
                }
                float denom = Math.max(1, count);
                for (long i = 0; i < h; i++) {
                    float sum = 0f;
                    for (long t = 0; t < seqLen; t++) {
                        if (mask[(int) (b * seqLen + t)] != 0) {
                            sum += hs.getAtIndex(F32_LE, (b * seqLen + t) * h + i);
                        }
                    }
                    os.setAtIndex(F32_LE, b * h + i, sum / denom);
                }
            }
        });
    }

    // ---------------------------------------------------------------- decoder ops
    // Transcendentals go through StrictMath: its results are specified bit for bit, so the twin
    // gives the same bits interpreted and JIT-compiled.

    /** Two passes per row: Σ x² in float in index order, then {@code out = x · (1/√(Σx²/H + eps)) · gamma}. */
    @Override
    public void rmsNorm(Tensor x, Tensor gamma, float eps, Tensor out) {
        checkRmsNorm(x, gamma, eps, out);
        long h = x.cols();
        MemorySegment xs = x.segment();
        MemorySegment gs = gamma.segment();
        MemorySegment os = out.segment();
        pool.parallelFor(x.rows(), grainFor(h), (from, to) -> {
            for (long r = from; r < to; r++) {
                long base = r * h;
                float sq = 0f;
                for (long i = 0; i < h; i++) {
                    float v = xs.getAtIndex(F32_LE, base + i);
                    sq += v * v;
                }
                float inv = (float) (1.0 / Math.sqrt(sq / h + eps));
                for (long i = 0; i < h; i++) {
                    os.setAtIndex(F32_LE, base + i, xs.getAtIndex(F32_LE, base + i) * inv * gs.getAtIndex(F32_LE, i));
                }
            }
        });
    }

    /** Each pair as {@code (a·c − b·s, b·c + a·s)}: two products and one add or subtract, rounded in float. */
    @Override
    public void rope(Tensor x, int heads, int headDim, int[] positions, Tensor cos, Tensor sin, boolean interleaved) {
        checkRope(x, heads, headDim, positions, cos, sin, interleaved);
        long width = x.cols();
        int half = headDim / 2;
        MemorySegment xs = x.segment();
        MemorySegment cs = cos.segment();
        MemorySegment ss = sin.segment();
        pool.parallelFor(x.rows(), grainFor(width), (from, to) -> {
            for (long r = from; r < to; r++) {
                ropeRow(xs, cs, ss, r * width, (long) positions[(int) r] * half, heads, headDim, interleaved);
            }
        });
    }

    /** One row of {@link #rope}, shared with the vector kernels (RoPE is O(tokens·H), not worth lanes). */
    static void ropeRow(MemorySegment xs, MemorySegment cs, MemorySegment ss, long rowBase, long tableBase,
                        int heads, int headDim, boolean interleaved) {
        int half = headDim / 2;
        for (int h = 0; h < heads; h++) {
            long head = rowBase + (long) h * headDim;
            for (int i = 0; i < half; i++) {
                long ia = interleaved ? head + 2L * i : head + i;
                long ib = interleaved ? head + 2L * i + 1 : head + half + i;
                float a = xs.getAtIndex(F32_LE, ia);
                float b = xs.getAtIndex(F32_LE, ib);
                float c = cs.getAtIndex(F32_LE, tableBase + i);
                float s = ss.getAtIndex(F32_LE, tableBase + i);
                xs.setAtIndex(F32_LE, ia, a * c - b * s);
                xs.setAtIndex(F32_LE, ib, b * c + a * s);
            }
        }
    }

    /** {@code silu(g) = g / (1 + e^−g)} in double, rounded to float, then times up in float. */
    @Override
    public void siluMul(Tensor gate, Tensor up) {
        checkSameShapeF32("gate", gate, "up", up);
        long cols = gate.cols();
        MemorySegment gs = gate.segment();
        MemorySegment us = up.segment();
        pool.parallelFor(gate.rows(), grainFor(cols), (from, to) -> {
            for (long i = from * cols; i < to * cols; i++) {
                double g = gs.getAtIndex(F32_LE, i);
                float silu = (float) (g / (1.0 + StrictMath.exp(-g)));
                gs.setAtIndex(F32_LE, i, silu * us.getAtIndex(F32_LE, i));
            }
        });
    }

    /** Evaluated in double, rounded once to float. */
    @Override
    public void geluTanh(Tensor x) {
        Checks.f32("x", x);
        long cols = x.cols();
        MemorySegment xs = x.segment();
        pool.parallelFor(x.rows(), grainFor(cols), (from, to) -> {
            for (long i = from * cols; i < to * cols; i++) {
                xs.setAtIndex(F32_LE, i, (float) geluTanh(xs.getAtIndex(F32_LE, i)));
            }
        });
    }

    /** The tanh GELU of one value in double: {@code x / (1 + e^(−2u))}. */
    static double geluTanh(double x) {
        double u = GELU_TANH_C * (x + 0.044715 * x * x * x);
        return x / (1.0 + StrictMath.exp(-2.0 * u));
    }

    /** √(2/π). */
    static final double GELU_TANH_C = 0.7978845608028654;

    @Override
    public void relu(Tensor x) {
        Checks.f32("x", x);
        long cols = x.cols();
        MemorySegment xs = x.segment();
        pool.parallelFor(x.rows(), grainFor(cols), (from, to) -> {
            for (long i = from * cols; i < to * cols; i++) {
                xs.setAtIndex(F32_LE, i, Math.max(xs.getAtIndex(F32_LE, i), 0f));
            }
        });
    }

    /**
     * Per query row and head, over the allowed keys j (j ≤ t, unmasked) in order:
     * {@code s_j = (Σ_d q_d·k_jd)·scale}, {@code p_j = e^(s_j − max)/Σ e^(s − max)}, {@code out_d = Σ_j p_j·v_jd}.
     */
    @Override
    public void causalAttention(Tensor q, Tensor k, Tensor v, int batch, int seqLen, int heads, int kvHeads,
                                int headDim, int[] mask, Tensor out) {
        checkCausalAttention(q, k, v, batch, seqLen, heads, kvHeads, headDim, mask, out);
        long qWidth = (long) heads * headDim;
        long kvWidth = (long) kvHeads * headDim;
        int group = heads / kvHeads;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        MemorySegment qs = q.segment();
        MemorySegment ks = k.segment();
        MemorySegment vs = v.segment();
        MemorySegment os = out.segment();
        pool.parallelFor((long) batch * seqLen, 1, (from, to) -> {
            float[] p = new float[seqLen];
            for (long row = from; row < to; row++) {
                long first = row / seqLen * seqLen;
                int t = (int) (row - first);
                for (int h = 0; h < heads; h++) {
                    long qOff = row * qWidth + (long) h * headDim;
                    long kvCol = (long) (h / group) * headDim;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int j = 0; j <= t; j++) {
                        if (mask[(int) (first + j)] == 0) {
                            continue;
                        }
                        long kOff = (first + j) * kvWidth + kvCol;
                        float dot = 0f;
                        for (int d = 0; d < headDim; d++) {
                            dot += qs.getAtIndex(F32_LE, qOff + d) * ks.getAtIndex(F32_LE, kOff + d);
                        }
                        p[j] = dot * scale;
                        max = Math.max(max, p[j]);
                    }
                    float sum = 0f;
                    for (int j = 0; j <= t; j++) {
                        if (mask[(int) (first + j)] != 0) {
                            p[j] = (float) StrictMath.exp(p[j] - max);
                            sum += p[j];
                        }
                    }
                    for (int d = 0; d < headDim; d++) {
                        float acc = 0f;
                        for (int j = 0; j <= t; j++) {
                            if (mask[(int) (first + j)] != 0) {
                                acc += (p[j] / sum) * vs.getAtIndex(F32_LE, (first + j) * kvWidth + kvCol + d);
                            }
                        }
                        os.setAtIndex(F32_LE, qOff + d, acc);
                    }
                }
            }
        });
    }

    /** The chunk's max, then Σ e^(x − m) in float in column order, combined with the running sum in double. */
    @Override
    public void accumulateLogSumExp(Tensor logits, float[] max, double[] sum) {
        checkLogSumExp(logits, max, sum);
        long cols = logits.cols();
        MemorySegment ls = logits.segment();
        pool.parallelFor(logits.rows(), grainFor(cols), (from, to) -> {
            for (long r = from; r < to; r++) {
                long base = r * cols;
                float m = Float.NEGATIVE_INFINITY;
                for (long i = 0; i < cols; i++) {
                    m = Math.max(m, ls.getAtIndex(F32_LE, base + i));
                }
                float s = 0f;
                for (long i = 0; i < cols; i++) {
                    s += (float) StrictMath.exp(ls.getAtIndex(F32_LE, base + i) - m);
                }
                combineLogSumExp(max, sum, (int) r, m, s);
            }
        });
    }

    /** Merges a chunk's (max m, Σ e^(x − m) = s) into the running pair of row r. */
    static void combineLogSumExp(float[] max, double[] sum, int r, float m, float s) {
        float old = max[r];
        if (m == Float.NEGATIVE_INFINITY) {
            return; // an empty or all −∞ chunk adds nothing
        }
        if (old >= m) {
            sum[r] += s * StrictMath.exp((double) m - old);
        } else {
            sum[r] = (old == Float.NEGATIVE_INFINITY ? 0 : sum[r] * StrictMath.exp((double) old - m)) + s;
            max[r] = m;
        }
    }

    // ---------------------------------------------------------------- checks of the decoder ops

    static void checkSameShapeF32(String a, Tensor ta, String b, Tensor tb) {
        Checks.f32(a, ta);
        Checks.f32(b, tb);
        Checks.sameShape(a, ta, b, tb);
        Checks.noOverlap(a, ta, b, tb);
    }

    static void checkRmsNorm(Tensor x, Tensor gamma, float eps, Tensor out) {
        Checks.f32("x", x);
        Checks.f32("gamma", gamma);
        Checks.f32("out", out);
        Checks.sameShape("x", x, "out", out);
        if (gamma.numel() != x.cols()) {
            throw new IllegalArgumentException("gamma " + gamma + " must have H = " + x.cols() + " elements");
        }
        if (!(eps >= 0) || Float.isInfinite(eps)) {
            throw new IllegalArgumentException("rmsNorm eps must be finite and >= 0, got " + eps);
        }
        if (out.segment().address() != x.segment().address() && Checks.overlaps(out.segment(), x.segment())) {
            throw new IllegalArgumentException("out " + out + " partially overlaps x " + x);
        }
        Checks.noOverlap("out", out, "gamma", gamma);
    }

    static void checkRope(Tensor x, int heads, int headDim, int[] positions, Tensor cos, Tensor sin, boolean interleaved) {
        Checks.f32("x", x);
        Checks.f32("cos", cos);
        Checks.f32("sin", sin);
        if (heads < 1 || headDim < 2 || headDim % 2 != 0) {
            throw new IllegalArgumentException("rope needs heads >= 1 and an even headDim >= 2, got heads=" + heads
                    + " headDim=" + headDim);
        }
        if (x.cols() != (long) heads * headDim) {
            throw new IllegalArgumentException("x " + x + " must have heads·headDim = " + (long) heads * headDim + " columns");
        }
        if (cos.rank() != 2 || cos.cols() != headDim / 2 || sin.rank() != 2 || sin.dim(0) != cos.dim(0)
                || sin.cols() != headDim / 2) {
            throw new IllegalArgumentException("cos " + cos + " and sin " + sin + " must both be [maxPositions × "
                    + headDim / 2 + "]");
        }
        if (positions == null || positions.length != x.rows()) {
            throw new IllegalArgumentException("positions must have one entry per row of x (" + x.rows() + "), got "
                    + (positions == null ? "null" : positions.length));
        }
        long table = cos.dim(0);
        for (int i = 0; i < positions.length; i++) {
            if (positions[i] < 0 || positions[i] >= table) {
                throw new IndexOutOfBoundsException("positions[" + i + "] = " + positions[i]
                        + " is outside the rope table of " + table + " positions");
            }
        }
        Checks.noOverlap("x", x, "cos", cos);
        Checks.noOverlap("x", x, "sin", sin);
    }

    static void checkCausalAttention(Tensor q, Tensor k, Tensor v, int batch, int seqLen, int heads, int kvHeads,
                                     int headDim, int[] mask, Tensor out) {
        Checks.f32("q", q);
        Checks.f32("k", k);
        Checks.f32("v", v);
        Checks.f32("out", out);
        if (batch < 0 || seqLen < 0 || heads < 1 || kvHeads < 1 || headDim < 1 || heads % kvHeads != 0) {
            throw new IllegalArgumentException("causal attention needs batch, seqLen >= 0, headDim >= 1 and heads a"
                    + " multiple of kvHeads >= 1; got batch=" + batch + " seqLen=" + seqLen + " heads=" + heads
                    + " kvHeads=" + kvHeads + " headDim=" + headDim);
        }
        long rows = (long) batch * seqLen;
        long qCols = (long) heads * headDim;
        long kvCols = (long) kvHeads * headDim;
        for (var e : new Object[][] {{"q", q, qCols}, {"k", k, kvCols}, {"v", v, kvCols}, {"out", out, qCols}}) {
            Tensor t = (Tensor) e[1];
            if (t.rows() != rows || t.cols() != (Long) e[2]) {
                throw new IllegalArgumentException(e[0] + " " + t + " must be [" + rows + " × " + e[2] + "]");
            }
        }
        Checks.mask("mask", mask, rows);
        Checks.noOverlap("out", out, "q", q);
        Checks.noOverlap("out", out, "k", k);
        Checks.noOverlap("out", out, "v", v);
    }

    static void checkLogSumExp(Tensor logits, float[] max, double[] sum) {
        Checks.f32("logits", logits);
        if (max == null || sum == null || max.length != logits.rows() || sum.length != logits.rows()) {
            throw new IllegalArgumentException("max and sum must have one entry per row of logits " + logits);
        }
    }
}
