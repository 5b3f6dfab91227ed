package dev.zoft.tensor.ops;

import static dev.zoft.tensor.Tensor.F32_LE;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tensor.random.Distribution;
import dev.zoft.tensor.random.PerturbationGenerator;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Kernels that evaluate a model at {@code θ + c·z(seed)} without writing θ: the fused perturbation
 * mode of a zeroth-order step. Register each parameter tensor with its global parameter index,
 * call {@link #perturb}, run the model's forward on these kernels, then {@link #clear}.
 *
 * <p>While a perturbation is set, every op that reads a registered tensor sees it perturbed: a GEMM
 * weight through {@link Kernels#matmulTransposedPerturbed} (z generated as the weight is packed),
 * norm weights and biases through small perturbed copies, embedding rows perturbed after the
 * gather. A slice of a registered tensor (a vocabulary chunk of a tied LM head) is found by its
 * address and gets the matching indices. Every value is computed as the in-place pass computes it
 * (the float product {@code c·z}, then the float sum), so outputs are bit-identical to perturbing
 * the registered tensors in place with the same kernels. Registered tensors are only read: they
 * may be read-only (a mapped checkpoint).
 *
 * <p>An op the mode cannot perturb (e.g. {@link #addInPlace} with a registered tensor as its
 * addend) throws rather than silently reading unperturbed values. Not thread-safe: one forward at
 * a time, as the models already are.
 */
public final class PerturbedKernels implements Kernels {

    private final Kernels base;
    private final PerturbationGenerator generator;
    /** Registered tensors by the native address of their first byte. */
    private final TreeMap<Long, Registered> registered = new TreeMap<>();
    private Distribution distribution;
    private long seed;
    private float c;

    private record Registered(long address, long bytes, long index) {
    }

    /** Perturbing kernels over {@code base}; with no perturbation set they are {@code base}. */
    public PerturbedKernels(Kernels base) {
        this.base = Objects.requireNonNull(base, "base");
        this.generator = PerturbationGenerator.of(base.width());
    }

    /**
     * Registers an F32 parameter tensor in native memory whose element {@code i} is global
     * parameter {@code index + i}. Tensors must not overlap.
     */
    public void register(Tensor parameter, long index) {
        parameter.requireF32();
        MemorySegment s = parameter.segment();
        if (!s.isNative()) {
            throw new IllegalArgumentException("a perturbed parameter must live in native memory, got a heap tensor " + parameter);
        }
        if (index < 0 || parameter.numel() > Long.MAX_VALUE - index) {
            throw new IllegalArgumentException("parameter index " + index + " of " + parameter + " is out of range");
        }
        long address = s.address();
        long bytes = parameter.numel() * Float.BYTES;
        Map.Entry<Long, Registered> below = registered.floorEntry(address + bytes - 1);
        if (bytes > 0 && below != null && below.getValue().address() + below.getValue().bytes() > address) {
            throw new IllegalArgumentException(parameter + " overlaps a registered parameter");
        }
        if (bytes > 0) {
            registered.put(address, new Registered(address, bytes, index));
        }
    }

    /** From now on, ops see every registered parameter as {@code θ + c·z(seed)}. */
    public void perturb(Distribution distribution, long seed, float c) {
        if (!Float.isFinite(c)) {
            throw new IllegalArgumentException("the coefficient c must be finite, got " + c);
        }
        this.distribution = Objects.requireNonNull(distribution, "distribution");
        this.seed = seed;
        this.c = c;
    }

    /** From now on, ops see the parameters as they are. */
    public void clear() {
        distribution = null;
    }

    /** The kernels this one delegates to. */
    public Kernels base() {
        return base;
    }

    /** The global index of {@code t}'s first element when a perturbation is set and t is (in) a registered tensor, else −1. */
    private long indexOf(Tensor t) {
        if (distribution == null || t == null || !t.segment().isNative()) {
            return -1;
        }
        long address = t.segment().address();
        Map.Entry<Long, Registered> e = registered.floorEntry(address);
        if (e == null) {
            return -1;
        }
        Registered r = e.getValue();
        long end = address + t.numel() * Float.BYTES;
        if (address >= r.address() + r.bytes()) {
            return -1;
        }
        if (end > r.address() + r.bytes() || (address - r.address()) % Float.BYTES != 0) {
            throw new IllegalArgumentException(t + " straddles the end of a registered parameter");
        }
        return r.index() + (address - r.address()) / Float.BYTES;
    }

    /** A perturbed copy of a small parameter (norm weights, biases), in {@code arena}. */
    private Tensor perturbedCopy(Arena arena, Tensor t, long index) {
        Tensor copy = Tensor.allocate(arena, DType.F32, t.shape());
        MemorySegment.copy(t.segment(), 0, copy.segment(), 0, t.numel() * Float.BYTES);
        generator.axpy(distribution, seed, index, c, copy.segment(), t.numel());
        return copy;
    }

    private void refuse(String op, Tensor t) {
        if (indexOf(t) >= 0) {
            throw new IllegalStateException(op + " cannot read a perturbed parameter (" + t + ") in fused mode");
        }
    }

    @Override
    public VectorWidth width() {
        return base.width();
    }

    @Override
    public WorkerPool pool() {
        return base.pool();
    }

    @Override
    public void matmulTransposed(Tensor x, Tensor w, Tensor bias, Tensor out) {
        long wi = indexOf(w);
        long bi = indexOf(bias);
        if (wi < 0 && bi < 0) {
            base.matmulTransposed(x, w, bias, out);
            return;
        }
        if (wi < 0) {
            try (Arena arena = Arena.ofShared()) {
                base.matmulTransposed(x, w, perturbedCopy(arena, bias, bi), out);
            }
            return;
        }
        base.matmulTransposedPerturbed(x, w, bi < 0 ? null : bias, out,
                new FusedPerturbation(distribution, seed, c, wi, Math.max(bi, 0)));
        if (bias != null && bi < 0) {
            addBias(out, bias); // the kernel adds its bias last too: the same float sum
        }
    }

    private static void addBias(Tensor out, Tensor bias) {
        MemorySegment o = out.segment();
        MemorySegment b = bias.segment();
        long n = bias.numel();
        long rows = out.numel() / Math.max(1, n);
        for (long r = 0; r < rows; r++) {
            for (long j = 0; j < n; j++) {
                long at = r * n + j;
                o.setAtIndex(F32_LE, at, o.getAtIndex(F32_LE, at) + b.getAtIndex(F32_LE, j));
            }
        }
    }

    @Override
    public void matmulTransposedPerturbed(Tensor x, Tensor w, Tensor bias, Tensor out, FusedPerturbation p) {
        refuse("a second fused perturbation", w);
        refuse("a second fused perturbation", bias);
        base.matmulTransposedPerturbed(x, w, bias, out, p);
    }

    @Override
    public void addInPlace(Tensor a, Tensor b) {
        refuse("addInPlace", b);
        refuse("addInPlace", a);
        base.addInPlace(a, b);
    }

    @Override
    public void layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor out) {
        long gi = indexOf(gamma);
        long bi = indexOf(beta);
        if (gi < 0 && bi < 0) {
            base.layerNorm(x, gamma, beta, eps, out);
            return;
        }
        try (Arena arena = Arena.ofShared()) {
            base.layerNorm(x, gi < 0 ? gamma : perturbedCopy(arena, gamma, gi),
                    bi < 0 ? beta : perturbedCopy(arena, beta, bi), eps, out);
        }
    }

    @Override
    public void rmsNorm(Tensor x, Tensor gamma, float eps, Tensor out) {
        long gi = indexOf(gamma);
        if (gi < 0) {
            base.rmsNorm(x, gamma, eps, out);
            return;
        }
        try (Arena arena = Arena.ofShared()) {
            base.rmsNorm(x, perturbedCopy(arena, gamma, gi), eps, out);
        }
    }

    /** Gathers the rows as they are, then adds {@code c·z} of each gathered row's own indices. */
    @Override
    public void embeddingGather(Tensor table, int[] ids, Tensor out) {
        base.embeddingGather(table, ids, out);
        long ti = indexOf(table);
        if (ti < 0) {
            return;
        }
        long h = table.cols();
        long bytes = h * Float.BYTES;
        MemorySegment o = out.segment();
        for (int r = 0; r < ids.length; r++) {
            generator.axpy(distribution, seed, ti + ids[r] * h, c, o.asSlice(r * bytes, bytes), h);
        }
    }

    @Override
    public void gelu(Tensor x) {
        base.gelu(x);
    }

    @Override
    public void softmaxRows(Tensor x) {
        base.softmaxRows(x);
    }

    @Override
    public void attention(Tensor q, Tensor k, Tensor v, int batch, int seqLen, int heads, int headDim, int[] mask, Tensor out) {
        base.attention(q, k, v, batch, seqLen, heads, headDim, mask, out);
    }

    @Override
    public void meanPool(Tensor hidden, int[] mask, int batch, int seqLen, Tensor out) {
        base.meanPool(hidden, mask, batch, seqLen, out);
    }

    @Override
    public void rope(Tensor x, int heads, int headDim, int[] positions, Tensor cos, Tensor sin, boolean interleaved) {
        base.rope(x, heads, headDim, positions, cos, sin, interleaved);
    }

    @Override
    public void siluMul(Tensor gate, Tensor up) {
        base.siluMul(gate, up);
    }

    @Override
    public void geluTanh(Tensor x) {
        base.geluTanh(x);
    }

    @Override
    public void relu(Tensor x) {
        base.relu(x);
    }

    @Override
    public void causalAttention(Tensor q, Tensor k, Tensor v, int batch, int seqLen, int heads, int kvHeads, int headDim,
                                int[] mask, Tensor out) {
        base.causalAttention(q, k, v, batch, seqLen, heads, kvHeads, headDim, mask, out);
    }

    @Override
    public void accumulateLogSumExp(Tensor logits, float[] max, double[] sum) {
        base.accumulateLogSumExp(logits, max, sum);
    }
}
