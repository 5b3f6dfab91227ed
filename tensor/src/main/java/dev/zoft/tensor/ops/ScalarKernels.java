package dev.zoft.tensor.ops;

import static dev.zoft.tensor.Tensor.F32_LE;

import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.parallel.WorkerPool;
import java.lang.foreign.MemorySegment;

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
                        acc += xs.getAtIndex(F32_LE, m * k + i) * ws.getAtIndex(F32_LE, j * k + i);
                    }
                    if (bs != null) {
                        acc += bs.getAtIndex(F32_LE, j);
                    }
                    os.setAtIndex(F32_LE, m * n + j, acc);
                }
            }
        });
    }

    @Override
    public void addInPlace(Tensor a, Tensor b) {
        Checks.f32("a", a);
        Checks.f32("b", b);
        Checks.sameShape("a", a, "b", b);
        long cols = a.cols();
        MemorySegment as = a.segment();
        MemorySegment bs = b.segment();
        pool.parallelFor(Checks.rows(a), grainFor(cols), (from, to) -> {
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
        pool.parallelFor(Checks.rows(x), grainFor(h), (from, to) -> {
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
        pool.parallelFor(Checks.rows(x), grainFor(cols), (from, to) -> {
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
        pool.parallelFor(Checks.rows(x), grainFor(cols), (from, to) -> {
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
                    os.setAtIndex(F32_LE, r * h + i, ts.getAtIndex(F32_LE, src + i));
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
}
