package dev.zoft.tensor.ops;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/** Argument checks shared by every {@link Kernels} implementation, so both twins reject the same inputs. */
final class Checks {
    private Checks() {
    }

    /** A weight read as stored: F32, or BF16/F16 decoded to F32 as it is read. */
    static void stored(String name, Tensor t) {
        if (t == null) {
            throw new IllegalArgumentException(name + " is null");
        }
    }

    static void f32(String name, Tensor t) {
        if (t == null) {
            throw new IllegalArgumentException(name + " is null");
        }
        if (t.dtype() != DType.F32) {
            throw new IllegalArgumentException(name + " must be F32, got " + t);
        }
    }

    static void noOverlap(String a, Tensor ta, String b, Tensor tb) {
        if (tb != null && overlaps(ta.segment(), tb.segment())) {
            throw new IllegalArgumentException(a + " " + ta + " must not share memory with " + b + " " + tb);
        }
    }

    static boolean overlaps(MemorySegment a, MemorySegment b) {
        return a.byteSize() > 0 && b.byteSize() > 0 && a.asOverlappingSlice(b).isPresent();
    }

    static void sameShape(String a, Tensor ta, String b, Tensor tb) {
        if (ta.numel() != tb.numel() || ta.cols() != tb.cols()) {
            throw new IllegalArgumentException(a + " " + ta + " and " + b + " " + tb + " differ in shape");
        }
    }

    /** {@code out[M×N] = x[M×K] · w[N×K]ᵀ + bias[N]}: returns {M, N, K}. */
    static long[] matmul(Tensor x, Tensor w, Tensor bias, Tensor out) {
        f32("x", x);
        stored("w", w);
        f32("out", out);
        if (w.rank() != 2) {
            throw new IllegalArgumentException("w must be a [N × K] matrix, got " + w);
        }
        long k = x.cols();
        long n = w.dim(0);
        if (w.dim(1) != k) {
            throw new IllegalArgumentException("x " + x + " has K = " + k + " but w " + w + " has K = " + w.dim(1));
        }
        long m = x.rows();
        if (out.rows() != m || out.cols() != n) {
            throw new IllegalArgumentException("out " + out + " must be [" + m + " × " + n + "] for x " + x + " and w " + w);
        }
        if (bias != null) {
            f32("bias", bias);
            if (bias.numel() != n) {
                throw new IllegalArgumentException("bias " + bias + " must have N = " + n + " elements");
            }
            noOverlap("out", out, "bias", bias);
        }
        noOverlap("out", out, "x", x);
        noOverlap("out", out, "w", w);
        return new long[] {m, n, k};
    }

    /** The parameter indices of a fused perturbation of w (and bias) must not overflow a long. */
    static void perturbedRange(FusedPerturbation p, Tensor w, Tensor bias) {
        if (w.numel() > Long.MAX_VALUE - p.weightIndex()
                || (bias != null && bias.numel() > Long.MAX_VALUE - p.biasIndex())) {
            throw new IllegalArgumentException("the perturbed parameter indices of " + w + " overflow a long");
        }
    }

    static void layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor out) {
        f32("x", x);
        f32("gamma", gamma);
        f32("beta", beta);
        f32("out", out);
        sameShape("x", x, "out", out);
        long h = x.cols();
        if (gamma.numel() != h || beta.numel() != h) {
            throw new IllegalArgumentException("gamma " + gamma + " and beta " + beta + " must have H = " + h + " elements");
        }
        if (!(eps >= 0) || Float.isInfinite(eps)) {
            throw new IllegalArgumentException("layerNorm eps must be finite and >= 0, got " + eps);
        }
        // out may be x itself, but not a shifted view of it: rows are read twice before writing.
        if (out.segment().address() != x.segment().address() && overlaps(out.segment(), x.segment())) {
            throw new IllegalArgumentException("out " + out + " partially overlaps x " + x);
        }
        noOverlap("out", out, "gamma", gamma);
        noOverlap("out", out, "beta", beta);
    }

    static void attention(Tensor q, Tensor k, Tensor v, int batch, int seqLen, int heads, int headDim, int[] mask, Tensor out) {
        f32("q", q);
        f32("k", k);
        f32("v", v);
        f32("out", out);
        if (batch < 0 || seqLen < 0 || heads < 1 || headDim < 1) {
            throw new IllegalArgumentException("attention needs batch, seqLen >= 0 and heads, headDim >= 1; got batch="
                    + batch + " seqLen=" + seqLen + " heads=" + heads + " headDim=" + headDim);
        }
        long rows = (long) batch * seqLen;
        long cols = (long) heads * headDim;
        for (var e : new Object[][] {{"q", q}, {"k", k}, {"v", v}, {"out", out}}) {
            Tensor t = (Tensor) e[1];
            if (t.rows() != rows || t.cols() != cols) {
                throw new IllegalArgumentException(e[0] + " " + t + " must be [" + rows + " × " + cols
                        + "] (batch·seqLen × heads·headDim)");
            }
        }
        mask("mask", mask, rows);
        noOverlap("out", out, "q", q);
        noOverlap("out", out, "k", k);
        noOverlap("out", out, "v", v);
    }

    static void mask(String name, int[] mask, long length) {
        if (mask == null) {
            throw new IllegalArgumentException(name + " is null");
        }
        if (mask.length != length) {
            throw new IllegalArgumentException(name + " has " + mask.length + " entries, expected " + length);
        }
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] != 0 && mask[i] != 1) {
                throw new IllegalArgumentException(name + "[" + i + "] = " + mask[i] + " (must be 0 or 1)");
            }
        }
    }

    static void embeddingGather(Tensor table, int[] ids, Tensor out) {
        stored("table", table);
        f32("out", out);
        if (ids == null) {
            throw new IllegalArgumentException("ids is null");
        }
        if (table.rank() != 2) {
            throw new IllegalArgumentException("table must be a [V × H] matrix, got " + table);
        }
        if (out.rows() != ids.length || out.cols() != table.cols()) {
            throw new IllegalArgumentException("out " + out + " must be [" + ids.length + " × " + table.cols() + "]");
        }
        long vocab = table.dim(0);
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new IndexOutOfBoundsException("ids[" + i + "] = " + ids[i] + " is outside the table of " + vocab + " rows");
            }
        }
        noOverlap("out", out, "table", table);
    }

    static void meanPool(Tensor hidden, int[] mask, int batch, int seqLen, Tensor out) {
        f32("hidden", hidden);
        f32("out", out);
        if (batch < 0 || seqLen < 0) {
            throw new IllegalArgumentException("meanPool needs batch, seqLen >= 0; got " + batch + ", " + seqLen);
        }
        long rows = (long) batch * seqLen;
        if (hidden.rows() != rows) {
            throw new IllegalArgumentException("hidden " + hidden + " must have batch·seqLen = " + rows + " rows");
        }
        if (out.rows() != batch || out.cols() != hidden.cols()) {
            throw new IllegalArgumentException("out " + out + " must be [" + batch + " × " + hidden.cols() + "]");
        }
        mask("mask", mask, rows);
        noOverlap("out", out, "hidden", hidden);
    }
}
