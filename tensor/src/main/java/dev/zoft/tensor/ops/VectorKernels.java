package dev.zoft.tensor.ops;

import static dev.zoft.tensor.Tensor.F32_LE;

import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tensor.random.PerturbationGenerator;
import java.util.Objects;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels at one {@link VectorWidth}.
 *
 * <p>The Vector API only compiles to SIMD instructions when the species is a JIT-time constant.
 * Each width is therefore a tiny subclass whose {@link #species()} returns a {@code static final};
 * every method holding a hot loop calls {@code species()} itself, so in a JVM that uses one width
 * (the normal case) the call is monomorphic, inlined and constant-folded. Tests that mix widths in
 * one JVM stay correct, only slower.
 *
 * <p>GEMM ({@link #matmulTransposed}) is {@link PackedGemm}: cache-blocked, packed, a 6 × 2-vector
 * register tile, and bit-identical for every thread count.
 */
public abstract sealed class VectorKernels implements Kernels
        permits VectorKernels.W128, VectorKernels.W256, VectorKernels.W512 {

    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final float INV_SQRT2 = 0.70710678118654752f;
    /** {@link Erf#P} rounded to float, for the vector GELU. */
    private static final float P0 = (float) Erf.P[0], P1 = (float) Erf.P[1], P2 = (float) Erf.P[2],
            P3 = (float) Erf.P[3], P4 = (float) Erf.P[4], P5 = (float) Erf.P[5], P6 = (float) Erf.P[6],
            P7 = (float) Erf.P[7], P8 = (float) Erf.P[8], P9 = (float) Erf.P[9];
    /** Query rows per attention block: four independent FMA chains share each K and V load. */
    static final int QB = 4;

    private final WorkerPool pool;
    private final VectorWidth width;
    private final PackedGemm gemm;
    private final PerturbationGenerator generator;

    VectorKernels(VectorWidth width, WorkerPool pool) {
        if (pool == null) {
            throw new IllegalArgumentException("pool is null");
        }
        this.width = width;
        this.pool = pool;
        this.gemm = PackedGemm.of(width);
        this.generator = PerturbationGenerator.of(width);
    }

    /** Vector kernels at {@code width}, which must not be {@link VectorWidth#SCALAR}. */
    public static VectorKernels create(VectorWidth width, WorkerPool pool) {
        return switch (width) {
            case SCALAR -> throw new IllegalArgumentException("VectorKernels need a vector width; use Kernels.scalar for the scalar twin");
            case W128 -> new W128(pool);
            case W256 -> new W256(pool);
            case W512 -> new W512(pool);
        };
    }

    /** The species of this width; overridden with a constant in each subclass. */
    abstract VectorSpecies<Float> species();

    @Override
    public final VectorWidth width() {
        return width;
    }

    @Override
    public final WorkerPool pool() {
        return pool;
    }

    // ---------------------------------------------------------------- GEMM

    @Override
    public void matmulTransposed(Tensor x, Tensor w, Tensor bias, Tensor out) {
        long[] mnk = Checks.matmul(x, w, bias, out);
        if (mnk[0] == 0 || mnk[1] == 0) {
            return;
        }
        gemm.multiply(pool, x.segment(), PackedGemm.plain(w, bias == null ? null : bias.segment(), mnk[2]),
                out.segment(), mnk[0], mnk[1], mnk[2]);
    }

    @Override
    public void matmulTransposedPerturbed(Tensor x, Tensor w, Tensor bias, Tensor out, FusedPerturbation p) {
        long[] mnk = Checks.matmul(x, w, bias, out);
        Objects.requireNonNull(p, "perturbation");
        Checks.perturbedRange(p, w, bias);
        if (mnk[0] == 0 || mnk[1] == 0) {
            return;
        }
        MemorySegment bs = bias == null ? null : bias.segment();
        gemm.multiply(pool, x.segment(), PackedGemm.perturbed(w, bs, mnk[1], mnk[2], p, generator),
                out.segment(), mnk[0], mnk[1], mnk[2]);
    }

    // ---------------------------------------------------------------- elementwise and row ops

    @Override
    public void addInPlace(Tensor a, Tensor b) {
        Checks.f32("a", a);
        Checks.f32("b", b);
        Checks.sameShape("a", a, "b", b);
        long cols = a.cols();
        MemorySegment as = a.segment();
        MemorySegment bs = b.segment();
        pool.parallelFor(a.rows(), ScalarKernels.grainFor(cols), (from, to) -> add(as, bs, from * cols, to * cols));
    }

    private void add(MemorySegment as, MemorySegment bs, long from, long to) {
        VectorSpecies<Float> s = species();
        long i = from;
        for (long end = to - s.length(); i <= end; i += s.length()) {
            long off = i * Float.BYTES;
            FloatVector.fromMemorySegment(s, as, off, LE).add(FloatVector.fromMemorySegment(s, bs, off, LE))
                    .intoMemorySegment(as, off, LE);
        }
        for (; i < to; i++) {
            as.setAtIndex(F32_LE, i, as.getAtIndex(F32_LE, i) + bs.getAtIndex(F32_LE, i));
        }
    }

    @Override
    public void layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor out) {
        Checks.layerNorm(x, gamma, beta, eps, out);
        long h = x.cols();
        MemorySegment xs = x.segment();
        MemorySegment gs = gamma.segment();
        MemorySegment bs = beta.segment();
        MemorySegment os = out.segment();
        pool.parallelFor(x.rows(), ScalarKernels.grainFor(h), (from, to) -> {
            for (long r = from; r < to; r++) {
                layerNormRow(xs, gs, bs, os, r * h * Float.BYTES, h, eps);
            }
        });
    }

    /** Same two passes as the scalar twin, with lane-wise partial sums reduced at the end of each pass. */
    private void layerNormRow(MemorySegment xs, MemorySegment gs, MemorySegment bs, MemorySegment os,
                              long base, long h, float eps) {
        VectorSpecies<Float> s = species();
        int lanes = s.length();
        long vecEnd = h - h % lanes;
        FloatVector acc = FloatVector.zero(s);
        for (long i = 0; i < vecEnd; i += lanes) {
            acc = acc.add(FloatVector.fromMemorySegment(s, xs, base + i * Float.BYTES, LE));
        }
        float sum = StableLanes.sum(acc);
        for (long i = vecEnd; i < h; i++) {
            sum += xs.get(F32_LE, base + i * Float.BYTES);
        }
        float mean = sum / h;
        FloatVector meanV = FloatVector.broadcast(s, mean);
        acc = FloatVector.zero(s);
        for (long i = 0; i < vecEnd; i += lanes) {
            FloatVector d = FloatVector.fromMemorySegment(s, xs, base + i * Float.BYTES, LE).sub(meanV);
            acc = d.fma(d, acc);
        }
        float sq = StableLanes.sum(acc);
        for (long i = vecEnd; i < h; i++) {
            float d = xs.get(F32_LE, base + i * Float.BYTES) - mean;
            sq += d * d;
        }
        float inv = (float) (1.0 / Math.sqrt(sq / h + eps));
        FloatVector invV = FloatVector.broadcast(s, inv);
        for (long i = 0; i < vecEnd; i += lanes) {
            long off = i * Float.BYTES;
            FloatVector d = FloatVector.fromMemorySegment(s, xs, base + off, LE).sub(meanV).mul(invV);
            d.fma(FloatVector.fromMemorySegment(s, gs, off, LE), FloatVector.fromMemorySegment(s, bs, off, LE))
                    .intoMemorySegment(os, base + off, LE);
        }
        for (long i = vecEnd; i < h; i++) {
            float d = xs.get(F32_LE, base + i * Float.BYTES) - mean;
            os.set(F32_LE, base + i * Float.BYTES, d * inv * gs.getAtIndex(F32_LE, i) + bs.getAtIndex(F32_LE, i));
        }
    }

    /** The same erfc approximation as {@link Erf} (Numerical Recipes erfcc), evaluated in float lanes. */
    @Override
    public void gelu(Tensor x) {
        Checks.f32("x", x);
        long cols = x.cols();
        MemorySegment xs = x.segment();
        pool.parallelFor(x.rows(), ScalarKernels.grainFor(cols), (from, to) -> geluRange(xs, from * cols, to * cols));
    }

    /**
     * All of the erfc math stays in this one method: a helper taking or returning vectors would be
     * too large to inline, and vectors crossing a real call are boxed on the heap.
     */
    private void geluRange(MemorySegment xs, long from, long to) {
        VectorSpecies<Float> s = species();
        FloatVector one = FloatVector.broadcast(s, 1f);
        FloatVector zero = FloatVector.zero(s);
        FloatVector c0 = FloatVector.broadcast(s, P0), c1 = FloatVector.broadcast(s, P1);
        FloatVector c2 = FloatVector.broadcast(s, P2), c3 = FloatVector.broadcast(s, P3);
        FloatVector c4 = FloatVector.broadcast(s, P4), c5 = FloatVector.broadcast(s, P5);
        FloatVector c6 = FloatVector.broadcast(s, P6), c7 = FloatVector.broadcast(s, P7);
        long i = from;
        for (long end = to - s.length(); i <= end; i += s.length()) {
            long off = i * Float.BYTES;
            FloatVector x = FloatVector.fromMemorySegment(s, xs, off, LE);
            FloatVector z = x.mul(INV_SQRT2);
            FloatVector a = z.abs();
            FloatVector t = one.div(a.fma(0.5f, 1f));
            FloatVector p = t.fma(P9, P8);
            p = p.fma(t, c7);
            p = p.fma(t, c6);
            p = p.fma(t, c5);
            p = p.fma(t, c4);
            p = p.fma(t, c3);
            p = p.fma(t, c2);
            p = p.fma(t, c1);
            p = p.fma(t, c0);
            FloatVector erfcA = t.mul(StableLanes.exp(a.neg().fma(a, p)));
            // x/2·(2 − erfc(|z|)) for x ≥ 0 and x/2·erfc(|z|) for x < 0 are both max(x, 0) − |x|/2·erfc(|z|):
            // one formula, no lane blend.
            x.max(zero).sub(x.abs().mul(0.5f).mul(erfcA)).intoMemorySegment(xs, off, LE);
        }
        for (; i < to; i++) {
            xs.setAtIndex(F32_LE, i, (float) Erf.gelu(xs.getAtIndex(F32_LE, i)));
        }
    }

    @Override
    public void softmaxRows(Tensor x) {
        Checks.f32("x", x);
        long cols = x.cols();
        MemorySegment xs = x.segment();
        pool.parallelFor(x.rows(), ScalarKernels.grainFor(cols), (from, to) -> {
            for (long r = from; r < to; r++) {
                softmaxRow(xs, r * cols * Float.BYTES, cols);
            }
        });
    }

    private void softmaxRow(MemorySegment xs, long base, long cols) {
        VectorSpecies<Float> s = species();
        int lanes = s.length();
        long vecEnd = cols - cols % lanes;
        FloatVector maxV = FloatVector.broadcast(s, Float.NEGATIVE_INFINITY);
        for (long i = 0; i < vecEnd; i += lanes) {
            maxV = maxV.max(FloatVector.fromMemorySegment(s, xs, base + i * Float.BYTES, LE));
        }
        float max = maxV.reduceLanes(VectorOperators.MAX);
        for (long i = vecEnd; i < cols; i++) {
            max = Math.max(max, xs.get(F32_LE, base + i * Float.BYTES));
        }
        FloatVector m = FloatVector.broadcast(s, max);
        FloatVector sumV = FloatVector.zero(s);
        for (long i = 0; i < vecEnd; i += lanes) {
            long off = base + i * Float.BYTES;
            FloatVector e = StableLanes.exp(FloatVector.fromMemorySegment(s, xs, off, LE).sub(m));
            e.intoMemorySegment(xs, off, LE);
            sumV = sumV.add(e);
        }
        float sum = StableLanes.sum(sumV);
        for (long i = vecEnd; i < cols; i++) {
            long off = base + i * Float.BYTES;
            float e = (float) Math.exp(xs.get(F32_LE, off) - max);
            xs.set(F32_LE, off, e);
            sum += e;
        }
        FloatVector sv = FloatVector.broadcast(s, sum);
        for (long i = 0; i < vecEnd; i += lanes) {
            long off = base + i * Float.BYTES;
            FloatVector.fromMemorySegment(s, xs, off, LE).div(sv).intoMemorySegment(xs, off, LE);
        }
        for (long i = vecEnd; i < cols; i++) {
            long off = base + i * Float.BYTES;
            xs.set(F32_LE, off, xs.get(F32_LE, off) / sum);
        }
    }

    // ---------------------------------------------------------------- attention

    /**
     * One work unit per (sequence, head). Per unit, K is transposed into {@code kt[d·Tp + j]} (Tp =
     * seqLen rounded up to whole vectors) so that a query's scores for a vector of keys are FMAs of
     * broadcast {@code q[d]} against {@code kt[d, j…]}: no horizontal reductions. Masked and padding
     * keys get a score of −∞, hence weight exactly 0. Then {@code out[d…] = Σ_j p_j · v[j, d…]} along
     * headDim, over the unmasked keys in key order. Queries go {@value #QB} at a time so that each K
     * and V vector load feeds {@value #QB} independent FMA chains; a ragged last block repeats its
     * last query (computed identically, stored once).
     */
    @Override
    public void attention(Tensor q, Tensor k, Tensor v, int batch, int seqLen, int heads, int headDim, int[] mask, Tensor out) {
        Checks.attention(q, k, v, batch, seqLen, heads, headDim, mask, out);
        if (batch == 0 || seqLen == 0) {
            return;
        }
        MemorySegment qs = q.segment();
        MemorySegment ks = k.segment();
        MemorySegment vs = v.segment();
        MemorySegment os = out.segment();
        pool.parallelFor((long) batch * heads, 1, (from, to) -> {
            int lanes = species().length();
            int tp = (seqLen + lanes - 1) / lanes * lanes;
            AttentionScratch scratch = new AttentionScratch(
                    new float[Math.multiplyExact(headDim, tp)], new float[QB * tp], new float[tp],
                    new float[QB * headDim], new int[seqLen]);
            for (long unit = from; unit < to; unit++) {
                attentionUnit(qs, ks, vs, os, (int) (unit / heads), (int) (unit % heads), seqLen, heads, headDim,
                        mask, tp, scratch);
            }
        });
    }

    /** Per-chunk buffers: K transposed, QB rows of scores, the mask as score bias, QB query rows, valid keys. */
    private record AttentionScratch(float[] kt, float[] scores, float[] maskBias, float[] qrows, int[] keys) {
    }

    private void attentionUnit(MemorySegment qs, MemorySegment ks, MemorySegment vs, MemorySegment os,
                               int b, int h, int seqLen, int heads, int headDim, int[] mask, int tp,
                               AttentionScratch scratch) {
        float[] kt = scratch.kt();
        float[] scores = scratch.scores();
        float[] maskBias = scratch.maskBias();
        float[] qrows = scratch.qrows();
        int[] keys = scratch.keys();
        long width = (long) heads * headDim;
        long first = (long) b * seqLen;
        long colOff = (long) h * headDim;
        int valid = 0;
        for (int j = 0; j < tp; j++) {
            boolean ok = j < seqLen && mask[(int) (first + j)] != 0;
            maskBias[j] = ok ? 0f : Float.NEGATIVE_INFINITY;
            if (ok) {
                keys[valid++] = j;
            }
        }
        if (valid == 0) {
            for (int t = 0; t < seqLen; t++) {
                os.asSlice(((first + t) * width + colOff) * Float.BYTES, (long) headDim * Float.BYTES).fill((byte) 0);
            }
            return;
        }
        for (int j = 0; j < seqLen; j++) {
            long row = (first + j) * width + colOff;
            for (int d = 0; d < headDim; d++) {
                kt[d * tp + j] = ks.getAtIndex(F32_LE, row + d);
            }
        }
        for (int t0 = 0; t0 < seqLen; t0 += QB) {
            for (int i = 0; i < QB; i++) {
                long qOff = (first + Math.min(t0 + i, seqLen - 1)) * width + colOff;
                MemorySegment.copy(qs, F32_LE, qOff * Float.BYTES, qrows, i * headDim, headDim);
            }
            attentionScores(kt, scores, maskBias, qrows, tp, headDim);
            for (int i = 0; i < QB; i++) {
                softmaxScores(scores, i * tp, tp);
            }
            attentionOutput(vs, os, scores, keys, valid, first, t0, seqLen, width, colOff, tp, headDim);
        }
    }

    /** scores[i·tp + j] = (q_i · k_j) · scale + maskBias[j] for the QB query rows. */
    private void attentionScores(float[] kt, float[] scores, float[] maskBias, float[] qrows, int tp, int headDim) {
        attentionScores(kt, scores, maskBias, qrows, tp, headDim, tp);
    }

    /** The same for the keys j &lt; span only (span a multiple of the lane count, at most tp). */
    private void attentionScores(float[] kt, float[] scores, float[] maskBias, float[] qrows, int tp, int headDim, int span) {
        VectorSpecies<Float> s = species();
        int lanes = s.length();
        float scale = (float) (1.0 / Math.sqrt(headDim));
        for (int j = 0; j < span; j += lanes) {
            FloatVector a0 = FloatVector.zero(s), a1 = a0, a2 = a0, a3 = a0;
            for (int d = 0; d < headDim; d++) {
                FloatVector kv = FloatVector.fromArray(s, kt, d * tp + j);
                a0 = FloatVector.broadcast(s, qrows[d]).fma(kv, a0);
                a1 = FloatVector.broadcast(s, qrows[headDim + d]).fma(kv, a1);
                a2 = FloatVector.broadcast(s, qrows[2 * headDim + d]).fma(kv, a2);
                a3 = FloatVector.broadcast(s, qrows[3 * headDim + d]).fma(kv, a3);
            }
            FloatVector bias = FloatVector.fromArray(s, maskBias, j);
            a0.mul(scale).add(bias).intoArray(scores, j);
            a1.mul(scale).add(bias).intoArray(scores, tp + j);
            a2.mul(scale).add(bias).intoArray(scores, 2 * tp + j);
            a3.mul(scale).add(bias).intoArray(scores, 3 * tp + j);
        }
    }

    /** In place over scores[base, base + tp): −∞ lanes become exactly 0. */
    private void softmaxScores(float[] scores, int base, int tp) {
        VectorSpecies<Float> s = species();
        int lanes = s.length();
        FloatVector maxV = FloatVector.broadcast(s, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < tp; j += lanes) {
            maxV = maxV.max(FloatVector.fromArray(s, scores, base + j));
        }
        FloatVector max = FloatVector.broadcast(s, maxV.reduceLanes(VectorOperators.MAX));
        FloatVector sumV = FloatVector.zero(s);
        for (int j = 0; j < tp; j += lanes) {
            FloatVector e = StableLanes.exp(FloatVector.fromArray(s, scores, base + j).sub(max));
            e.intoArray(scores, base + j);
            sumV = sumV.add(e);
        }
        FloatVector sum = FloatVector.broadcast(s, StableLanes.sum(sumV));
        for (int j = 0; j < tp; j += lanes) {
            FloatVector.fromArray(s, scores, base + j).div(sum).intoArray(scores, base + j);
        }
    }

    /** out[t0 + i, d…] = Σ over valid keys j (in order) of p_ij · v[j, d…], for the rows of the block that exist. */
    private void attentionOutput(MemorySegment vs, MemorySegment os, float[] scores, int[] keys, int valid,
                                 long first, int t0, int seqLen, long width, long colOff, int tp, int headDim) {
        VectorSpecies<Float> s = species();
        int lanes = s.length();
        int rowsHere = Math.min(QB, seqLen - t0);
        long o0 = ((first + t0) * width + colOff) * Float.BYTES;
        long rowBytes = width * Float.BYTES;
        int dVec = headDim - headDim % lanes;
        for (int d = 0; d < dVec; d += lanes) {
            FloatVector a0 = FloatVector.zero(s), a1 = a0, a2 = a0, a3 = a0;
            for (int n = 0; n < valid; n++) {
                int j = keys[n];
                FloatVector vv = FloatVector.fromMemorySegment(s, vs, ((first + j) * width + colOff + d) * Float.BYTES, LE);
                a0 = FloatVector.broadcast(s, scores[j]).fma(vv, a0);
                a1 = FloatVector.broadcast(s, scores[tp + j]).fma(vv, a1);
                a2 = FloatVector.broadcast(s, scores[2 * tp + j]).fma(vv, a2);
                a3 = FloatVector.broadcast(s, scores[3 * tp + j]).fma(vv, a3);
            }
            long off = o0 + (long) d * Float.BYTES;
            a0.intoMemorySegment(os, off, LE);
            if (rowsHere > 1) {
                a1.intoMemorySegment(os, off + rowBytes, LE);
            }
            if (rowsHere > 2) {
                a2.intoMemorySegment(os, off + 2 * rowBytes, LE);
            }
            if (rowsHere > 3) {
                a3.intoMemorySegment(os, off + 3 * rowBytes, LE);
            }
        }
        for (int d = dVec; d < headDim; d++) {
            for (int i = 0; i < rowsHere; i++) {
                float acc = 0f;
                for (int n = 0; n < valid; n++) {
                    int j = keys[n];
                    acc = Math.fma(scores[i * tp + j], vs.getAtIndex(F32_LE, (first + j) * width + colOff + d), acc);
                }
                os.set(F32_LE, o0 + i * rowBytes + (long) d * Float.BYTES, acc);
            }
        }
    }

    // ---------------------------------------------------------------- gather and pooling

    @Override
    public void embeddingGather(Tensor table, int[] ids, Tensor out) {
        Checks.embeddingGather(table, ids, out);
        long h = table.cols();
        long rowBytes = h * Float.BYTES;
        MemorySegment ts = table.segment();
        MemorySegment os = out.segment();
        pool.parallelFor(ids.length, ScalarKernels.grainFor(h), (from, to) -> {
            for (long r = from; r < to; r++) {
                if (table.dtype() == dev.zoft.tensor.DType.F32) {
                    MemorySegment.copy(ts, ids[(int) r] * rowBytes, os, r * rowBytes, rowBytes);
                } else {
                    HalfFloats.decode(table, ids[(int) r] * h, h, os, r * h);
                }
            }
        });
    }

    /** Same order of additions as the scalar twin (token order per element), so results match it exactly. */
    @Override
    public void meanPool(Tensor hidden, int[] mask, int batch, int seqLen, Tensor out) {
        Checks.meanPool(hidden, mask, batch, seqLen, out);
        long h = hidden.cols();
        MemorySegment hs = hidden.segment();
        MemorySegment os = out.segment();
        pool.parallelFor(batch, 1, (from, to) -> {
            for (long b = from; b < to; b++) {
                meanPoolSequence(hs, os, mask, b, seqLen, h);
            }
        });
    }

    private void meanPoolSequence(MemorySegment hs, MemorySegment os, int[] mask, long b, int seqLen, long h) {
        VectorSpecies<Float> s = species();
        int lanes = s.length();
        int count = 0;
        for (int t = 0; t < seqLen; t++) {
            count += mask[(int) (b * seqLen + t)];
        }
        float denom = Math.max(1, count);
        FloatVector denomV = FloatVector.broadcast(s, denom);
        long vecEnd = h - h % lanes;
        for (long i = 0; i < vecEnd; i += lanes) {
            FloatVector acc = FloatVector.zero(s);
            for (long t = 0; t < seqLen; t++) {
                if (mask[(int) (b * seqLen + t)] != 0) {
                    acc = acc.add(FloatVector.fromMemorySegment(s, hs, ((b * seqLen + t) * h + i) * Float.BYTES, LE));
                }
            }
            acc.div(denomV).intoMemorySegment(os, (b * h + i) * Float.BYTES, LE);
        }
        for (long i = vecEnd; i < h; i++) {
            float sum = 0f;
            for (long t = 0; t < seqLen; t++) {
                if (mask[(int) (b * seqLen + t)] != 0) {
                    sum += hs.getAtIndex(F32_LE, (b * seqLen + t) * h + i);
                }
            }
            os.setAtIndex(F32_LE, b * h + i, sum / denom);
        }
    }


    // ---------------------------------------------------------------- decoder ops

    /** Σ x² in lanes (fma), reduced in lane order by {@link StableLanes#sum}; then {@code x · inv · gamma} as the twin. */
    @Override
    public void rmsNorm(Tensor x, Tensor gamma, float eps, Tensor out) {
        ScalarKernels.checkRmsNorm(x, gamma, eps, out);
        long h = x.cols();
        MemorySegment xs = x.segment();
        MemorySegment gs = gamma.segment();
        MemorySegment os = out.segment();
        pool.parallelFor(x.rows(), ScalarKernels.grainFor(h), (from, to) -> {
            for (long r = from; r < to; r++) {
                rmsNormRow(xs, gs, os, r * h * Float.BYTES, h, eps);
            }
        });
    }

    private void rmsNormRow(MemorySegment xs, MemorySegment gs, MemorySegment os, long base, long h, float eps) {
        VectorSpecies<Float> s = species();
        int lanes = s.length();
        long vecEnd = h - h % lanes;
        FloatVector acc = FloatVector.zero(s);
        for (long i = 0; i < vecEnd; i += lanes) {
            FloatVector v = FloatVector.fromMemorySegment(s, xs, base + i * Float.BYTES, LE);
            acc = v.fma(v, acc);
        }
        float sq = StableLanes.sum(acc);
        for (long i = vecEnd; i < h; i++) {
            float v = xs.get(F32_LE, base + i * Float.BYTES);
            sq += v * v;
        }
        float inv = (float) (1.0 / Math.sqrt(sq / h + eps));
        for (long i = 0; i < vecEnd; i += lanes) {
            long off = i * Float.BYTES;
            FloatVector.fromMemorySegment(s, xs, base + off, LE).mul(inv).mul(FloatVector.fromMemorySegment(s, gs, off, LE))
                    .intoMemorySegment(os, base + off, LE);
        }
        for (long i = vecEnd; i < h; i++) {
            os.set(F32_LE, base + i * Float.BYTES, xs.get(F32_LE, base + i * Float.BYTES) * inv * gs.getAtIndex(F32_LE, i));
        }
    }

    /** The scalar twin's loop: O(tokens·H) next to the GEMMs' O(tokens·H²), and bit-identical to it. */
    @Override
    public void rope(Tensor x, int heads, int headDim, int[] positions, Tensor cos, Tensor sin, boolean interleaved) {
        ScalarKernels.checkRope(x, heads, headDim, positions, cos, sin, interleaved);
        long width = x.cols();
        int half = headDim / 2;
        MemorySegment xs = x.segment();
        MemorySegment cs = cos.segment();
        MemorySegment ss = sin.segment();
        pool.parallelFor(x.rows(), ScalarKernels.grainFor(width), (from, to) -> {
            for (long r = from; r < to; r++) {
                ScalarKernels.ropeRow(xs, cs, ss, r * width, (long) positions[(int) r] * half, heads, headDim, interleaved);
            }
        });
    }

    @Override
    public void siluMul(Tensor gate, Tensor up) {
        ScalarKernels.checkSameShapeF32("gate", gate, "up", up);
        long cols = gate.cols();
        MemorySegment gs = gate.segment();
        MemorySegment us = up.segment();
        pool.parallelFor(gate.rows(), ScalarKernels.grainFor(cols), (from, to) -> siluMulRange(gs, us, from * cols, to * cols));
    }

    private void siluMulRange(MemorySegment gs, MemorySegment us, long from, long to) {
        VectorSpecies<Float> s = species();
        long i = from;
        for (long end = to - s.length(); i <= end; i += s.length()) {
            long off = i * Float.BYTES;
            FloatVector g = FloatVector.fromMemorySegment(s, gs, off, LE);
            // g / (1 + e^−g): e^−g overflows to +∞ for g < −88, and g/∞ is the right limit, −0.
            g.div(StableLanes.exp(g.neg()).add(1f)).mul(FloatVector.fromMemorySegment(s, us, off, LE))
                    .intoMemorySegment(gs, off, LE);
        }
        for (; i < to; i++) {
            double g = gs.getAtIndex(F32_LE, i);
            gs.setAtIndex(F32_LE, i, (float) (g / (1.0 + StrictMath.exp(-g))) * us.getAtIndex(F32_LE, i));
        }
    }

    @Override
    public void geluTanh(Tensor x) {
        Checks.f32("x", x);
        long cols = x.cols();
        MemorySegment xs = x.segment();
        pool.parallelFor(x.rows(), ScalarKernels.grainFor(cols), (from, to) -> geluTanhRange(xs, from * cols, to * cols));
    }

    private void geluTanhRange(MemorySegment xs, long from, long to) {
        VectorSpecies<Float> s = species();
        float c = (float) ScalarKernels.GELU_TANH_C;
        long i = from;
        for (long end = to - s.length(); i <= end; i += s.length()) {
            long off = i * Float.BYTES;
            FloatVector x = FloatVector.fromMemorySegment(s, xs, off, LE);
            FloatVector u = x.mul(x).mul(x).mul(0.044715f).add(x).mul(c);
            x.div(StableLanes.exp(u.mul(-2f)).add(1f)).intoMemorySegment(xs, off, LE);
        }
        for (; i < to; i++) {
            xs.setAtIndex(F32_LE, i, (float) ScalarKernels.geluTanh(xs.getAtIndex(F32_LE, i)));
        }
    }

    @Override
    public void relu(Tensor x) {
        Checks.f32("x", x);
        long cols = x.cols();
        MemorySegment xs = x.segment();
        pool.parallelFor(x.rows(), ScalarKernels.grainFor(cols), (from, to) -> {
            VectorSpecies<Float> s = species();
            long i = from * cols;
            long stop = to * cols;
            for (long end = stop - s.length(); i <= end; i += s.length()) {
                long off = i * Float.BYTES;
                FloatVector.fromMemorySegment(s, xs, off, LE).max(0f).intoMemorySegment(xs, off, LE);
            }
            for (; i < stop; i++) {
                xs.setAtIndex(F32_LE, i, Math.max(xs.getAtIndex(F32_LE, i), 0f));
            }
        });
    }

    /**
     * The same blocking as {@link #attention}, one work unit per (sequence, query head), K of the
     * unit's key/value head transposed into {@code kt}. A block of {@value #QB} queries starting at
     * t0 only scores the keys {@code j < t0 + QB}; keys after a query's own position get a score of
     * −∞ (weight exactly 0), and a query with no allowed key (left padding) gets a zero row.
     */
    @Override
    public void causalAttention(Tensor q, Tensor k, Tensor v, int batch, int seqLen, int heads, int kvHeads, int headDim,
                                int[] mask, Tensor out) {
        ScalarKernels.checkCausalAttention(q, k, v, batch, seqLen, heads, kvHeads, headDim, mask, out);
        if (batch == 0 || seqLen == 0) {
            return;
        }
        MemorySegment qs = q.segment();
        MemorySegment ks = k.segment();
        MemorySegment vs = v.segment();
        MemorySegment os = out.segment();
        pool.parallelFor((long) batch * heads, 1, (from, to) -> {
            int lanes = species().length();
            int tp = (seqLen + lanes - 1) / lanes * lanes;
            AttentionScratch scratch = new AttentionScratch(
                    new float[Math.multiplyExact(headDim, tp)], new float[QB * tp], new float[tp],
                    new float[QB * headDim], new int[seqLen]);
            for (long unit = from; unit < to; unit++) {
                causalUnit(qs, ks, vs, os, (int) (unit / heads), (int) (unit % heads), seqLen, heads, kvHeads, headDim,
                        mask, tp, scratch);
            }
        });
    }

    private void causalUnit(MemorySegment qs, MemorySegment ks, MemorySegment vs, MemorySegment os,
                            int b, int h, int seqLen, int heads, int kvHeads, int headDim, int[] mask, int tp,
                            AttentionScratch scratch) {
        float[] kt = scratch.kt();
        float[] scores = scratch.scores();
        float[] maskBias = scratch.maskBias();
        float[] qrows = scratch.qrows();
        int[] keys = scratch.keys();
        int lanes = species().length();
        long qWidth = (long) heads * headDim;
        long kvWidth = (long) kvHeads * headDim;
        long first = (long) b * seqLen;
        long qCol = (long) h * headDim;
        long kvCol = (long) (h / (heads / kvHeads)) * headDim;
        int valid = 0;
        for (int j = 0; j < tp; j++) {
            boolean ok = j < seqLen && mask[(int) (first + j)] != 0;
            maskBias[j] = ok ? 0f : Float.NEGATIVE_INFINITY;
            if (ok) {
                keys[valid++] = j;
            }
        }
        for (int j = 0; j < seqLen; j++) {
            long row = (first + j) * kvWidth + kvCol;
            for (int d = 0; d < headDim; d++) {
                kt[d * tp + j] = ks.getAtIndex(F32_LE, row + d);
            }
        }
        int usedKeys = 0; // keys[0, usedKeys) are the valid keys before the block's end
        for (int t0 = 0; t0 < seqLen; t0 += QB) {
            int blockEnd = Math.min(seqLen, t0 + QB);
            int span = (blockEnd + lanes - 1) / lanes * lanes;
            while (usedKeys < valid && keys[usedKeys] < blockEnd) {
                usedKeys++;
            }
            for (int i = 0; i < QB; i++) {
                long qOff = (first + Math.min(t0 + i, seqLen - 1)) * qWidth + qCol;
                MemorySegment.copy(qs, F32_LE, qOff * Float.BYTES, qrows, i * headDim, headDim);
            }
            attentionScores(kt, scores, maskBias, qrows, tp, headDim, span);
            for (int i = 0; i < QB; i++) {
                int t = Math.min(t0 + i, seqLen - 1);
                if (valid == 0 || keys[0] > t) {
                    // No key at or before t: all weights 0, so a zero output row (not −∞ − −∞ = NaN).
                    java.util.Arrays.fill(scores, i * tp, i * tp + span, 0f);
                    continue;
                }
                java.util.Arrays.fill(scores, i * tp + t + 1, i * tp + span, Float.NEGATIVE_INFINITY);
                softmaxScores(scores, i * tp, span);
            }
            attentionOutputGrouped(vs, os, scores, keys, usedKeys, first, t0, seqLen, qWidth, kvWidth, qCol, kvCol, tp,
                    headDim);
        }
    }

    /** {@link #attentionOutput} with separate query and key/value row widths. */
    private void attentionOutputGrouped(MemorySegment vs, MemorySegment os, float[] scores, int[] keys, int valid,
                                        long first, int t0, int seqLen, long qWidth, long kvWidth, long qCol, long kvCol,
                                        int tp, int headDim) {
        VectorSpecies<Float> s = species();
        int lanes = s.length();
        int rowsHere = Math.min(QB, seqLen - t0);
        long o0 = ((first + t0) * qWidth + qCol) * Float.BYTES;
        long rowBytes = qWidth * Float.BYTES;
        int dVec = headDim - headDim % lanes;
        for (int d = 0; d < dVec; d += lanes) {
            FloatVector a0 = FloatVector.zero(s), a1 = a0, a2 = a0, a3 = a0;
            for (int n = 0; n < valid; n++) {
                int j = keys[n];
                FloatVector vv = FloatVector.fromMemorySegment(s, vs, ((first + j) * kvWidth + kvCol + d) * Float.BYTES, LE);
                a0 = FloatVector.broadcast(s, scores[j]).fma(vv, a0);
                a1 = FloatVector.broadcast(s, scores[tp + j]).fma(vv, a1);
                a2 = FloatVector.broadcast(s, scores[2 * tp + j]).fma(vv, a2);
                a3 = FloatVector.broadcast(s, scores[3 * tp + j]).fma(vv, a3);
            }
            long off = o0 + (long) d * Float.BYTES;
            a0.intoMemorySegment(os, off, LE);
            if (rowsHere > 1) {
                a1.intoMemorySegment(os, off + rowBytes, LE);
            }
            if (rowsHere > 2) {
                a2.intoMemorySegment(os, off + 2 * rowBytes, LE);
            }
            if (rowsHere > 3) {
                a3.intoMemorySegment(os, off + 3 * rowBytes, LE);
            }
        }
        for (int d = dVec; d < headDim; d++) {
            for (int i = 0; i < rowsHere; i++) {
                float acc = 0f;
                for (int n = 0; n < valid; n++) {
                    int j = keys[n];
                    acc = Math.fma(scores[i * tp + j], vs.getAtIndex(F32_LE, (first + j) * kvWidth + kvCol + d), acc);
                }
                os.set(F32_LE, o0 + i * rowBytes + (long) d * Float.BYTES, acc);
            }
        }
    }

    /** Lane-wise max and {@link StableLanes#exp} sums per row, the ragged tail through StrictMath like the twin. */
    @Override
    public void accumulateLogSumExp(Tensor logits, float[] max, double[] sum) {
        ScalarKernels.checkLogSumExp(logits, max, sum);
        long cols = logits.cols();
        MemorySegment ls = logits.segment();
        pool.parallelFor(logits.rows(), ScalarKernels.grainFor(cols), (from, to) -> {
            for (long r = from; r < to; r++) {
                logSumExpRow(ls, r * cols * Float.BYTES, cols, max, sum, (int) r);
            }
        });
    }

    private void logSumExpRow(MemorySegment ls, long base, long cols, float[] max, double[] sum, int r) {
        VectorSpecies<Float> s = species();
        int lanes = s.length();
        long vecEnd = cols - cols % lanes;
        FloatVector maxV = FloatVector.broadcast(s, Float.NEGATIVE_INFINITY);
        for (long i = 0; i < vecEnd; i += lanes) {
            maxV = maxV.max(FloatVector.fromMemorySegment(s, ls, base + i * Float.BYTES, LE));
        }
        float m = maxV.reduceLanes(VectorOperators.MAX);
        for (long i = vecEnd; i < cols; i++) {
            m = Math.max(m, ls.get(F32_LE, base + i * Float.BYTES));
        }
        if (m == Float.NEGATIVE_INFINITY) {
            return;
        }
        FloatVector mv = FloatVector.broadcast(s, m);
        FloatVector acc = FloatVector.zero(s);
        for (long i = 0; i < vecEnd; i += lanes) {
            acc = acc.add(StableLanes.exp(FloatVector.fromMemorySegment(s, ls, base + i * Float.BYTES, LE).sub(mv)));
        }
        float total = StableLanes.sum(acc);
        for (long i = vecEnd; i < cols; i++) {
            total += (float) StrictMath.exp(ls.get(F32_LE, base + i * Float.BYTES) - m);
        }
        ScalarKernels.combineLogSumExp(max, sum, r, m, total);
    }

    // ---------------------------------------------------------------- widths

    /** 128-bit lanes (4 floats). */
    static final class W128 extends VectorKernels {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_128;

        W128(WorkerPool pool) {
            super(VectorWidth.W128, pool);
        }

        @Override
        VectorSpecies<Float> species() {
            return S;
        }
    }

    /** 256-bit lanes (8 floats). */
    static final class W256 extends VectorKernels {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;

        W256(WorkerPool pool) {
            super(VectorWidth.W256, pool);
        }

        @Override
        VectorSpecies<Float> species() {
            return S;
        }
    }

    /** 512-bit lanes (16 floats). */
    static final class W512 extends VectorKernels {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;

        W512(WorkerPool pool) {
            super(VectorWidth.W512, pool);
        }

        @Override
        VectorSpecies<Float> species() {
            return S;
        }
    }
}
