package dev.zoft.tensor.ops;

import static dev.zoft.tensor.Tensor.F32_LE;

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
    /** The perturbations set, by the first global index of their range. */
    private final TreeMap<Long, Active> active = new TreeMap<>();

    private record Registered(long address, long bytes, long index, int elementBytes) {
    }

    /** {@code c·z(seed)} over the global indices {@code [from, to)}. */
    private record Active(long from, long to, Distribution distribution, long seed, float c) {
    }

    /** A registered tensor (or slice) at global index {@code index}, under the perturbation {@code p}. */
    private record Hit(long index, Active p) {
    }

    /** Perturbing kernels over {@code base}; with no perturbation set they are {@code base}. */
    public PerturbedKernels(Kernels base) {
        this.base = Objects.requireNonNull(base, "base");
        this.generator = PerturbationGenerator.of(base.width());
    }

    /**
     * Registers a parameter tensor in native memory whose element {@code i} is global parameter
     * {@code index + i}. Tensors must not overlap. It may be read-only and stored as BF16 or F16:
     * the perturbed value is then its exact F32 value plus {@code c·z}.
     */
    public void register(Tensor parameter, long index) {
        MemorySegment s = parameter.segment();
        if (!s.isNative()) {
            throw new IllegalArgumentException("a perturbed parameter must live in native memory, got a heap tensor " + parameter);
        }
        if (index < 0 || parameter.numel() > Long.MAX_VALUE - index) {
            throw new IllegalArgumentException("parameter index " + index + " of " + parameter + " is out of range");
        }
        long address = s.address();
        int elementBytes = parameter.dtype().byteSize();
        long bytes = parameter.numel() * elementBytes;
        Map.Entry<Long, Registered> below = registered.floorEntry(address + bytes - 1);
        if (bytes > 0 && below != null && below.getValue().address() + below.getValue().bytes() > address) {
            throw new IllegalArgumentException(parameter + " overlaps a registered parameter");
        }
        if (bytes > 0) {
            registered.put(address, new Registered(address, bytes, index, elementBytes));
        }
    }

    /** From now on, ops see every registered parameter as {@code θ + c·z(seed)} (replacing all perturbations set). */
    public void perturb(Distribution distribution, long seed, float c) {
        clear();
        perturb(0, Long.MAX_VALUE, distribution, seed, c);
    }

    /**
     * From now on, ops see the registered parameters with global indices in {@code [from, to)} as
     * {@code θ + c·z(seed)}, besides the perturbations already set, whose ranges it must not overlap.
     * A registered tensor must lie wholly inside or wholly outside the range.
     */
    public void perturb(long from, long to, Distribution distribution, long seed, float c) {
        Objects.requireNonNull(distribution, "distribution");
        if (!Float.isFinite(c)) {
            throw new IllegalArgumentException("the coefficient c must be finite, got " + c);
        }
        if (from < 0 || to <= from) {
            throw new IllegalArgumentException("empty or negative index range [" + from + ", " + to + ")");
        }
        Map.Entry<Long, Active> below = active.floorEntry(to - 1);
        if (below != null && below.getValue().to() > from) {
            throw new IllegalArgumentException("index range [" + from + ", " + to + ") overlaps a perturbation already set");
        }
        active.put(from, new Active(from, to, distribution, seed, c));
    }

    /** From now on, ops see the parameters as they are. */
    public void clear() {
        active.clear();
    }

    /** The kernels this one delegates to. */
    public Kernels base() {
        return base;
    }

    /** The global index of {@code t}'s first element and its perturbation, or null if t is not (in) a perturbed parameter. */
    private Hit hit(Tensor t) {
        if (active.isEmpty() || t == null || !t.segment().isNative()) {
            return null;
        }
        long address = t.segment().address();
        Map.Entry<Long, Registered> e = registered.floorEntry(address);
        if (e == null) {
            return null;
        }
        Registered r = e.getValue();
        if (address >= r.address() + r.bytes()) {
            return null;
        }
        long end = address + t.numel() * t.dtype().byteSize();
        if (t.dtype().byteSize() != r.elementBytes() || end > r.address() + r.bytes()
                || (address - r.address()) % r.elementBytes() != 0) {
            throw new IllegalArgumentException(t + " straddles the end of a registered parameter");
        }
        long index = r.index() + (address - r.address()) / r.elementBytes();
        Map.Entry<Long, Active> a = active.floorEntry(index);
        if (a == null || index >= a.getValue().to()) {
            return null;
        }
        if (index + t.numel() > a.getValue().to()) {
            throw new IllegalArgumentException(t + " straddles the end of a perturbed index range");
        }
        return new Hit(index, a.getValue());
    }

    /** A perturbed copy of a small parameter (norm weights, biases), in {@code arena}. */
    private Tensor perturbedCopy(Arena arena, Tensor t, Hit h) {
        Tensor copy = t.toF32(arena);
        generator.axpy(h.p().distribution(), h.p().seed(), h.index(), h.p().c(), copy.segment(), t.numel());
        return copy;
    }

    private void refuse(String op, Tensor t) {
        if (hit(t) != null) {
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
        Hit hw = hit(w);
        Hit hb = hit(bias);
        if (hw == null && hb == null) {
            base.matmulTransposed(x, w, bias, out);
            return;
        }
        try (Arena arena = Arena.ofShared()) {
            if (hw == null) {
                base.matmulTransposed(x, w, perturbedCopy(arena, bias, hb), out);
                return;
            }
            Active p = hw.p();
            boolean fuseBias = hb != null && hb.p() == p;
            base.matmulTransposedPerturbed(x, w, fuseBias ? bias : null, out,
                    new FusedPerturbation(p.distribution(), p.seed(), p.c(), hw.index(), fuseBias ? hb.index() : 0));
            if (bias != null && !fuseBias) {
                // The kernel adds its bias last too: the same float sum.
                addBias(out, hb == null ? bias : perturbedCopy(arena, bias, hb));
            }
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
        Hit hg = hit(gamma);
        Hit hb = hit(beta);
        if (hg == null && hb == null) {
            base.layerNorm(x, gamma, beta, eps, out);
            return;
        }
        try (Arena arena = Arena.ofShared()) {
            base.layerNorm(x, hg == null ? gamma : perturbedCopy(arena, gamma, hg),
                    hb == null ? beta : perturbedCopy(arena, beta, hb), eps, out);
        }
    }

    @Override
    public void rmsNorm(Tensor x, Tensor gamma, float eps, Tensor out) {
        Hit hg = hit(gamma);
        if (hg == null) {
            base.rmsNorm(x, gamma, eps, out);
            return;
        }
        try (Arena arena = Arena.ofShared()) {
            base.rmsNorm(x, perturbedCopy(arena, gamma, hg), eps, out);
        }
    }

    /** Gathers the rows as they are, then adds {@code c·z} of each gathered row's own indices. */
    @Override
    public void embeddingGather(Tensor table, int[] ids, Tensor out) {
        base.embeddingGather(table, ids, out);
        Hit ht = hit(table);
        if (ht == null) {
            return;
        }
        Active p = ht.p();
        long h = table.cols();
        long bytes = h * Float.BYTES;
        MemorySegment o = out.segment();
        for (int r = 0; r < ids.length; r++) {
            generator.axpy(p.distribution(), p.seed(), ht.index() + ids[r] * h, p.c(), o.asSlice(r * bytes, bytes), h);
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
