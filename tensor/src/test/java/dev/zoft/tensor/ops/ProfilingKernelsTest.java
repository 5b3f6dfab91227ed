package dev.zoft.tensor.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.parallel.WorkerPool;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * {@link ProfilingKernels} computes exactly what the kernels it wraps compute and counts every
 * call: a small two-layer model (an encoder layer and a decoder layer with a streaming LM head,
 * together every op of {@link Kernels}) runs once on plain kernels and once through the profiler
 * on the same kernels, and every intermediate tensor must agree bit for bit. One vector width only
 * (the configured one), so this class can share a JVM with the other single-width tests.
 */
class ProfilingKernelsTest {
    private static final Arena ARENA = Arena.ofAuto();
    private static final WorkerPool POOL = WorkerPool.create(2);
    private static final Kernels PLAIN = Kernels.create(VectorWidth.configured(), POOL);

    private static final int B = 2;
    private static final int T = 5;
    private static final int H = 16;
    private static final int HEADS = 4;
    private static final int KV_HEADS = 2;
    private static final int HEAD_DIM = H / HEADS;
    private static final int FFN = 24;
    private static final int VOCAB = 37;
    private static final int VOCAB_CHUNK = 15;

    /** Calls of each op in one {@link #forward} (the test's definition of the tiny model). */
    private static final Map<String, Long> CALLS_PER_FORWARD = Map.ofEntries(
            Map.entry(ProfilingKernels.GATHER, 1L),
            Map.entry(ProfilingKernels.LAYER_NORM, 2L),
            Map.entry(ProfilingKernels.MATMUL, 6L + 7L + 3L), // encoder 6, decoder 7, head 3 chunks
            Map.entry(ProfilingKernels.ATTENTION, 1L),
            Map.entry(ProfilingKernels.SOFTMAX, 1L),
            Map.entry(ProfilingKernels.ADD, 4L),
            Map.entry(ProfilingKernels.GELU, 1L),
            Map.entry(ProfilingKernels.MEAN_POOL, 1L),
            Map.entry(ProfilingKernels.RMS_NORM, 3L),
            Map.entry(ProfilingKernels.ROPE, 2L),
            Map.entry(ProfilingKernels.CAUSAL_ATTENTION, 1L),
            Map.entry(ProfilingKernels.SILU_MUL, 1L),
            Map.entry(ProfilingKernels.GELU_TANH, 1L),
            Map.entry(ProfilingKernels.RELU, 1L),
            Map.entry(ProfilingKernels.LOG_SUM_EXP, 3L));

    /** The tiny model's weights and inputs, drawn from one seed. */
    private record Model(Map<String, Tensor> w, int[] ids, int[] mask, int[] positions, Tensor cos, Tensor sin) {
        static Model random(long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            Map<String, Tensor> w = new LinkedHashMap<>();
            w.put("embed", uniform(r, VOCAB, H));
            for (String n : List.of("q", "k", "v", "o")) {
                w.put("enc." + n, uniform(r, H, H));
                w.put("enc." + n + ".b", uniform(r, H));
            }
            w.put("enc.up", uniform(r, FFN, H));
            w.put("enc.down", uniform(r, H, FFN));
            w.put("ln.g", uniform(r, H));
            w.put("ln.b", uniform(r, H));
            w.put("dec.q", uniform(r, H, H));
            w.put("dec.k", uniform(r, KV_HEADS * HEAD_DIM, H));
            w.put("dec.v", uniform(r, KV_HEADS * HEAD_DIM, H));
            w.put("dec.o", uniform(r, H, H));
            w.put("dec.gate", uniform(r, FFN, H));
            w.put("dec.up", uniform(r, FFN, H));
            w.put("dec.down", uniform(r, H, FFN));
            w.put("rms.g", uniform(r, H));
            int[] ids = r.ints((long) B * T, 0, VOCAB).toArray();
            int[] mask = new int[B * T];
            int[] positions = new int[B * T];
            for (int b = 0; b < B; b++) {
                int len = r.nextInt(1, T + 1);
                for (int t = 0; t < T; t++) {
                    mask[b * T + t] = t < len ? 1 : 0;
                    positions[b * T + t] = t;
                }
            }
            return new Model(w, ids, mask, positions, uniform(r, T, HEAD_DIM / 2), uniform(r, T, HEAD_DIM / 2));
        }
    }

    /** Runs the tiny model on {@code k}; returns every tensor and accumulator it produced, in order, as floats. */
    private static List<float[]> forward(Kernels k, Model m) {
        List<float[]> out = new ArrayList<>();
        Map<String, Tensor> w = m.w();
        int rows = B * T;
        Tensor h = zeros(rows, H);
        k.embeddingGather(w.get("embed"), m.ids(), h);
        out.add(h.toFloatArray());

        // An encoder layer: LayerNorm, attention, GELU FFN, mean pooling.
        Tensor n = zeros(rows, H);
        k.layerNorm(h, w.get("ln.g"), w.get("ln.b"), 1e-5f, n);
        Tensor q = zeros(rows, H);
        Tensor kk = zeros(rows, H);
        Tensor v = zeros(rows, H);
        k.matmulTransposed(n, w.get("enc.q"), w.get("enc.q.b"), q);
        k.matmulTransposed(n, w.get("enc.k"), w.get("enc.k.b"), kk);
        k.matmulTransposed(n, w.get("enc.v"), w.get("enc.v.b"), v);
        Tensor ctx = zeros(rows, H);
        k.attention(q, kk, v, B, T, HEADS, HEAD_DIM, m.mask(), ctx);
        Tensor o = zeros(rows, H);
        k.matmulTransposed(ctx, w.get("enc.o"), w.get("enc.o.b"), o);
        k.addInPlace(h, o);
        Tensor up = zeros(rows, FFN);
        k.matmulTransposed(h, w.get("enc.up"), null, up);
        k.gelu(up);
        Tensor down = zeros(rows, H);
        k.matmulTransposed(up, w.get("enc.down"), null, down);
        k.addInPlace(h, down);
        k.layerNorm(h, w.get("ln.g"), w.get("ln.b"), 1e-5f, h);
        Tensor pooled = zeros(B, H);
        k.meanPool(h, m.mask(), B, T, pooled);
        Tensor probs = pooled.toF32(ARENA);
        k.softmaxRows(probs);
        out.addAll(List.of(n.toFloatArray(), q.toFloatArray(), ctx.toFloatArray(), up.toFloatArray(), h.toFloatArray(),
                pooled.toFloatArray(), probs.toFloatArray()));

        // A decoder layer: RMSNorm, RoPE, grouped-query causal attention, SwiGLU; tanh GELU and ReLU on side branches.
        k.rmsNorm(h, w.get("rms.g"), 1e-6f, n);
        Tensor dq = zeros(rows, H);
        Tensor dk = zeros(rows, KV_HEADS * HEAD_DIM);
        Tensor dv = zeros(rows, KV_HEADS * HEAD_DIM);
        k.matmulTransposed(n, w.get("dec.q"), null, dq);
        k.matmulTransposed(n, w.get("dec.k"), null, dk);
        k.matmulTransposed(n, w.get("dec.v"), null, dv);
        k.rope(dq, HEADS, HEAD_DIM, m.positions(), m.cos(), m.sin(), false);
        k.rope(dk, KV_HEADS, HEAD_DIM, m.positions(), m.cos(), m.sin(), false);
        k.causalAttention(dq, dk, dv, B, T, HEADS, KV_HEADS, HEAD_DIM, m.mask(), ctx);
        k.matmulTransposed(ctx, w.get("dec.o"), null, o);
        k.addInPlace(h, o);
        k.rmsNorm(h, w.get("rms.g"), 1e-6f, n);
        Tensor gate = zeros(rows, FFN);
        k.matmulTransposed(n, w.get("dec.gate"), null, gate);
        k.matmulTransposed(n, w.get("dec.up"), null, up);
        Tensor side = up.toF32(ARENA);
        k.geluTanh(side);
        Tensor side2 = up.toF32(ARENA);
        k.relu(side2);
        k.siluMul(gate, up);
        k.matmulTransposed(gate, w.get("dec.down"), null, down);
        k.addInPlace(h, down);
        k.rmsNorm(h, w.get("rms.g"), 1e-6f, n);
        out.addAll(List.of(dq.toFloatArray(), dk.toFloatArray(), ctx.toFloatArray(), gate.toFloatArray(),
                side.toFloatArray(), side2.toFloatArray(), h.toFloatArray(), n.toFloatArray()));

        // The streaming LM head over the tied embeddings, in vocabulary chunks.
        float[] max = new float[rows];
        double[] sum = new double[rows];
        Arrays.fill(max, Float.NEGATIVE_INFINITY);
        Tensor embed = w.get("embed");
        for (int v0 = 0; v0 < VOCAB; v0 += VOCAB_CHUNK) {
            int cw = Math.min(VOCAB_CHUNK, VOCAB - v0);
            Tensor logits = zeros(rows, cw);
            k.matmulTransposed(n, embed.slice(v0, v0 + cw), null, logits);
            k.accumulateLogSumExp(logits, max, sum);
            out.add(logits.toFloatArray());
        }
        out.add(max.clone());
        float[] sums = new float[rows * 2];
        for (int i = 0; i < rows; i++) {
            long bits = Double.doubleToRawLongBits(sum[i]);
            sums[2 * i] = Float.intBitsToFloat((int) bits);
            sums[2 * i + 1] = Float.intBitsToFloat((int) (bits >>> 32));
        }
        out.add(sums);
        return out;
    }

    @Property(tries = 20)
    void theProfiledForwardIsThePlainOneBitForBit(@ForAll long seed) {
        Model m = Model.random(seed);
        List<float[]> plain = forward(PLAIN, m);
        ProfilingKernels profiled = new ProfilingKernels(PLAIN);
        List<float[]> viaProfiler = forward(profiled, m);
        assertEquals(plain.size(), viaProfiler.size());
        for (int i = 0; i < plain.size(); i++) {
            assertBitsEqual(plain.get(i), viaProfiler.get(i), "output " + i + " of the forward");
        }
    }

    @Property(tries = 10)
    void everyCallIsCountedOnceAndResetForgetsThem(@ForAll @IntRange(min = 1, max = 4) int forwards, @ForAll long seed) {
        Model m = Model.random(seed);
        ProfilingKernels k = new ProfilingKernels(PLAIN);
        for (int i = 0; i < forwards; i++) {
            forward(k, m);
        }
        long totalCalls = 0;
        for (ProfilingKernels.OpStats s : k.byOp()) {
            assertEquals(CALLS_PER_FORWARD.get(s.op()) * forwards, s.calls(), s.op());
            assertTrue(s.nanos() >= 0, s.op());
            totalCalls += s.calls();
        }
        assertEquals(CALLS_PER_FORWARD.keySet().size(), k.byOp().size(), "every op of Kernels is seen");
        assertEquals(CALLS_PER_FORWARD.values().stream().mapToLong(Long::longValue).sum() * forwards, totalCalls);
        assertEquals(k.byOp().stream().mapToLong(ProfilingKernels.OpStats::nanos).sum(), k.totalNanos());
        k.reset();
        assertEquals(List.of(), k.snapshot());
        assertEquals(0, k.totalNanos());
        assertEquals(0, k.calls(ProfilingKernels.MATMUL));
    }

    @Test
    void matmulsAreAlsoKeptByShape() {
        ProfilingKernels k = new ProfilingKernels(PLAIN);
        forward(k, Model.random(1));
        Map<String, Long> byShape = new LinkedHashMap<>();
        for (ProfilingKernels.OpStats s : k.snapshot()) {
            if (s.op().equals(ProfilingKernels.MATMUL)) {
                byShape.put(s.shape(), s.calls());
            } else {
                assertEquals("", s.shape(), s.op() + " has no shape");
            }
        }
        int rows = B * T;
        assertEquals(Map.of(
                rows + "×" + H + "×" + H, 6L,                                       // enc q,k,v,o; dec q,o
                rows + "×" + FFN + "×" + H, 3L,                                     // enc up; dec gate, up
                rows + "×" + H + "×" + FFN, 2L,                                     // enc down; dec down
                rows + "×" + (KV_HEADS * HEAD_DIM) + "×" + H, 2L,                   // dec k, v
                rows + "×" + VOCAB_CHUNK + "×" + H, 2L,                             // full head chunks
                rows + "×" + (VOCAB - 2 * VOCAB_CHUNK) + "×" + H, 1L), byShape);   // the last, partial chunk
        String table = k.table();
        for (String op : CALLS_PER_FORWARD.keySet()) {
            assertTrue(table.contains(op), "the table names " + op + ":\n" + table);
        }
        assertTrue(table.contains("  " + rows + "×" + FFN + "×" + H), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("total")), table);
    }

    @Test
    void aRejectedCallThrowsTheWrappedKernelsExceptionAndIsNotCounted() {
        ProfilingKernels k = new ProfilingKernels(PLAIN);
        Tensor x = zeros(3, 4);
        Tensor w = zeros(5, 6); // K mismatch: 4 against 6
        Tensor out = zeros(3, 5);
        IllegalArgumentException plain = assertThrows(IllegalArgumentException.class, () -> PLAIN.matmulTransposed(x, w, null, out));
        IllegalArgumentException profiled = assertThrows(IllegalArgumentException.class, () -> k.matmulTransposed(x, w, null, out));
        assertEquals(plain.getMessage(), profiled.getMessage());
        assertEquals(0, k.calls(ProfilingKernels.MATMUL));
        assertThrows(NullPointerException.class, () -> new ProfilingKernels(null));
    }

    @Test
    void widthAndPoolAreTheWrappedKernels() {
        ProfilingKernels k = new ProfilingKernels(PLAIN);
        assertSame(PLAIN, k.delegate());
        assertSame(PLAIN.pool(), k.pool());
        assertEquals(PLAIN.width(), k.width());
    }

    private static void assertBitsEqual(float[] expected, float[] actual, String what) {
        int[] e = new int[expected.length];
        int[] a = new int[actual.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = Float.floatToRawIntBits(expected[i]);
        }
        for (int i = 0; i < a.length; i++) {
            a[i] = Float.floatToRawIntBits(actual[i]);
        }
        assertArrayEquals(e, a, what);
    }

    private static Tensor zeros(long... shape) {
        return Tensor.allocate(ARENA, DType.F32, shape);
    }

    private static Tensor uniform(SplittableRandom r, long... shape) {
        Tensor t = Tensor.allocate(ARENA, DType.F32, shape);
        for (long i = 0; i < t.numel(); i++) {
            t.setFloat(i, (float) (r.nextDouble() - 0.5));
        }
        return t;
    }
}
