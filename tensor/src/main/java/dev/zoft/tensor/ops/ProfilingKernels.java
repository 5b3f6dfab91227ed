package dev.zoft.tensor.ops;

import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.parallel.WorkerPool;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link Kernels} decorator that runs every op on another {@code Kernels} and accumulates, per op,
 * the number of calls and the wall time spent inside them ({@link System#nanoTime()} around the
 * delegated call). Matrix products are also kept apart by shape ({@code M×N×K}), so a profile can
 * tell the LM head from the layers' GEMMs. Models take their kernels as a constructor argument, so
 * wrapping them profiles a forward without changing the model:
 *
 * <pre>{@code
 * ProfilingKernels k = new ProfilingKernels(Kernels.create(VectorWidth.configured(), pool));
 * DecoderModel model = DecoderModel.load(config, store, k, false);
 * model.causalLmLoss(batch, labels);
 * System.out.print(k.table());
 * }</pre>
 *
 * <p>The results are the wrapped kernels' bit for bit (the decorator only times). The overhead is
 * two {@code nanoTime} calls and a map update per op, negligible next to ops over whole batches;
 * the time of an op includes the waits of its parallel-for. Counting is thread-safe; time spent by
 * concurrent callers simply adds up.
 */
public final class ProfilingKernels implements Kernels {

    /** Op names, as {@link OpStats#op()} reports them (the {@link Kernels} method names). */
    public static final String MATMUL = "matmulTransposed";
    public static final String MATMUL_PERTURBED = "matmulTransposedPerturbed";
    public static final String ADD = "addInPlace";
    public static final String LAYER_NORM = "layerNorm";
    public static final String GELU = "gelu";
    public static final String SOFTMAX = "softmaxRows";
    public static final String ATTENTION = "attention";
    public static final String GATHER = "embeddingGather";
    public static final String MEAN_POOL = "meanPool";
    public static final String RMS_NORM = "rmsNorm";
    public static final String ROPE = "rope";
    public static final String SILU_MUL = "siluMul";
    public static final String GELU_TANH = "geluTanh";
    public static final String RELU = "relu";
    public static final String CAUSAL_ATTENTION = "causalAttention";
    public static final String LOG_SUM_EXP = "accumulateLogSumExp";

    /**
     * One op's (or one matmul shape's) accumulated figures.
     *
     * @param op    the {@link Kernels} method
     * @param m     for {@link #MATMUL} kept by shape: rows of x (tokens); else 0
     * @param n     for {@link #MATMUL} kept by shape: rows of w (output features); else 0
     * @param k     for {@link #MATMUL} kept by shape: the reduction length; else 0
     * @param calls number of calls
     * @param nanos wall nanoseconds inside them
     */
    public record OpStats(String op, long m, long n, long k, long calls, long nanos) {
        /** Milliseconds inside the op. */
        public double millis() {
            return nanos / 1e6;
        }

        /** {@code "M×N×K"} for a matmul shape, empty otherwise. */
        public String shape() {
            return m == 0 && n == 0 && k == 0 ? "" : m + "×" + n + "×" + k;
        }
    }

    private record Key(String op, long m, long n, long k) {
    }

    private static final class Counter {
        final LongAdder calls = new LongAdder();
        final LongAdder nanos = new LongAdder();
    }

    private final Kernels delegate;
    private final Map<Key, Counter> counters = new ConcurrentHashMap<>();

    /** Profiles {@code delegate}: every op runs there. */
    public ProfilingKernels(Kernels delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The kernels every op is delegated to. */
    public Kernels delegate() {
        return delegate;
    }

    /** The figures so far, one entry per op (and per matmul shape) that was called, sorted by time, largest first. */
    public List<OpStats> snapshot() {
        List<OpStats> out = new ArrayList<>();
        counters.forEach((k, c) -> out.add(new OpStats(k.op(), k.m(), k.n(), k.k(), c.calls.sum(), c.nanos.sum())));
        out.sort(Comparator.comparingLong(OpStats::nanos).reversed().thenComparing(OpStats::op).thenComparing(OpStats::shape));
        return out;
    }

    /** The figures summed per op (matmul shapes merged), sorted by time, largest first. */
    public List<OpStats> byOp() {
        Map<String, long[]> sums = new LinkedHashMap<>();
        for (OpStats s : snapshot()) {
            long[] a = sums.computeIfAbsent(s.op(), k -> new long[2]);
            a[0] += s.calls();
            a[1] += s.nanos();
        }
        List<OpStats> out = new ArrayList<>();
        sums.forEach((op, a) -> out.add(new OpStats(op, 0, 0, 0, a[0], a[1])));
        out.sort(Comparator.comparingLong(OpStats::nanos).reversed().thenComparing(OpStats::op));
        return out;
    }

    /** Total calls of {@code op} (all shapes). */
    public long calls(String op) {
        long n = 0;
        for (Map.Entry<Key, Counter> e : counters.entrySet()) {
            if (e.getKey().op().equals(op)) {
                n += e.getValue().calls.sum();
            }
        }
        return n;
    }

    /** Wall nanoseconds inside all ops so far. */
    public long totalNanos() {
        long n = 0;
        for (Counter c : counters.values()) {
            n += c.nanos.sum();
        }
        return n;
    }

    /** Forgets every figure. Not atomic with respect to ops running concurrently. */
    public void reset() {
        counters.clear();
    }

    /**
     * A printable table: op, calls, ms, % of the time inside ops; each matmul shape on its own
     * indented line under the matmul total.
     */
    public String table() {
        long total = totalNanos();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-32s %10s %12s %7s%n", "op", "calls", "ms", "%"));
        List<OpStats> shapes = snapshot();
        for (OpStats op : byOp()) {
            sb.append(row(op.op(), op, total));
            if (op.op().equals(MATMUL)) {
                for (OpStats s : shapes) {
                    if (s.op().equals(MATMUL)) {
                        sb.append(row("  " + s.shape(), s, total));
                    }
                }
            }
        }
        sb.append(String.format(Locale.ROOT, "%-32s %10s %12.1f %7.1f%n", "total", "", total / 1e6, total == 0 ? 0.0 : 100.0));
        return sb.toString();
    }

    private static String row(String label, OpStats s, long total) {
        return String.format(Locale.ROOT, "%-32s %10d %12.1f %7.1f%n", label, s.calls(), s.millis(),
                total == 0 ? 0.0 : 100.0 * s.nanos() / total);
    }

    private void record(String op, long start) {
        record(op, 0, 0, 0, start);
    }

    private void record(String op, long m, long n, long k, long start) {
        long elapsed = System.nanoTime() - start;
        Counter c = counters.computeIfAbsent(new Key(op, m, n, k), key -> new Counter());
        c.calls.increment();
        c.nanos.add(elapsed);
    }

    @Override
    public VectorWidth width() {
        return delegate.width();
    }

    @Override
    public WorkerPool pool() {
        return delegate.pool();
    }

    @Override
    public void matmulTransposed(Tensor x, Tensor w, Tensor bias, Tensor out) {
        long t = System.nanoTime();
        delegate.matmulTransposed(x, w, bias, out);
        // Shape from the arguments the delegate has just accepted (it checks them).
        record(MATMUL, x.rows(), w.rows(), x.cols(), t);
    }

    @Override
    public void matmulTransposedPerturbed(Tensor x, Tensor w, Tensor bias, Tensor out, FusedPerturbation p) {
        long t = System.nanoTime();
        delegate.matmulTransposedPerturbed(x, w, bias, out, p);
        record(MATMUL_PERTURBED, x.rows(), w.rows(), x.cols(), t);
    }

    @Override
    public void addInPlace(Tensor a, Tensor b) {
        long t = System.nanoTime();
        delegate.addInPlace(a, b);
        record(ADD, t);
    }

    @Override
    public void layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor out) {
        long t = System.nanoTime();
        delegate.layerNorm(x, gamma, beta, eps, out);
        record(LAYER_NORM, t);
    }

    @Override
    public void gelu(Tensor x) {
        long t = System.nanoTime();
        delegate.gelu(x);
        record(GELU, t);
    }

    @Override
    public void softmaxRows(Tensor x) {
        long t = System.nanoTime();
        delegate.softmaxRows(x);
        record(SOFTMAX, t);
    }

    @Override
    public void attention(Tensor q, Tensor k, Tensor v, int batch, int seqLen, int heads, int headDim, int[] mask, Tensor out) {
        long t = System.nanoTime();
        delegate.attention(q, k, v, batch, seqLen, heads, headDim, mask, out);
        record(ATTENTION, t);
    }

    @Override
    public void embeddingGather(Tensor table, int[] ids, Tensor out) {
        long t = System.nanoTime();
        delegate.embeddingGather(table, ids, out);
        record(GATHER, t);
    }

    @Override
    public void meanPool(Tensor hidden, int[] mask, int batch, int seqLen, Tensor out) {
        long t = System.nanoTime();
        delegate.meanPool(hidden, mask, batch, seqLen, out);
        record(MEAN_POOL, t);
    }

    @Override
    public void rmsNorm(Tensor x, Tensor gamma, float eps, Tensor out) {
        long t = System.nanoTime();
        delegate.rmsNorm(x, gamma, eps, out);
        record(RMS_NORM, t);
    }

    @Override
    public void rope(Tensor x, int heads, int headDim, int[] positions, Tensor cos, Tensor sin, boolean interleaved) {
        long t = System.nanoTime();
        delegate.rope(x, heads, headDim, positions, cos, sin, interleaved);
        record(ROPE, t);
    }

    @Override
    public void siluMul(Tensor gate, Tensor up) {
        long t = System.nanoTime();
        delegate.siluMul(gate, up);
        record(SILU_MUL, t);
    }

    @Override
    public void geluTanh(Tensor x) {
        long t = System.nanoTime();
        delegate.geluTanh(x);
        record(GELU_TANH, t);
    }

    @Override
    public void relu(Tensor x) {
        long t = System.nanoTime();
        delegate.relu(x);
        record(RELU, t);
    }

    @Override
    public void causalAttention(Tensor q, Tensor k, Tensor v, int batch, int seqLen, int heads, int kvHeads, int headDim,
                                int[] mask, Tensor out) {
        long t = System.nanoTime();
        delegate.causalAttention(q, k, v, batch, seqLen, heads, kvHeads, headDim, mask, out);
        record(CAUSAL_ATTENTION, t);
    }

    @Override
    public void accumulateLogSumExp(Tensor logits, float[] max, double[] sum) {
        long t = System.nanoTime();
        delegate.accumulateLogSumExp(logits, max, sum);
        record(LOG_SUM_EXP, t);
    }

    @Override
    public String toString() {
        return "ProfilingKernels[" + delegate + "]";
    }
}
