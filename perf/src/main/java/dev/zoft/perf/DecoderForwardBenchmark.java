package dev.zoft.perf;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.weights.RopeLayout;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.transformer.decoder.DecoderBatch;
import dev.zoft.transformer.decoder.DecoderConfig;
import dev.zoft.transformer.decoder.DecoderConfig.Architecture;
import dev.zoft.transformer.decoder.DecoderModel;
import dev.zoft.weights.TensorStore;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decoder forward + causal-LM loss (streaming LM head over the 49,152-token vocabulary) of a
 * SmolLM2-135M-shaped Llama (hidden 576, 30 layers, 9 heads, 3 KV heads, intermediate 1536, tied
 * embeddings, 134.5 M parameters) with random weights, on a batch of 4 × 256 tokens, reported in
 * tokens per second. {@code dtype} is the checkpoint's weight type: BF16 weights are converted
 * once to F32 at load (compute is F32 either way, so the forward speed is the same; the load and
 * the memory differ). Needs about 1.1 GB of heap-free memory for BF16 (the BF16 source and its F32
 * copy). Vector width: {@code -Dzoft.vector.bits} (default: the host's).
 *
 * <p>One invocation is ~290 GFLOP (30 layers 236, LM head 58; ~5 s at steady state on one core), and the first ones run
 * the Vector API kernels interpreted and in C1 (a minute or more): keep the default warm-up; a
 * smoke run ({@code -wi 1 -w 1s}) measures mostly warm-up.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(DecoderForwardBenchmark.BATCH * DecoderForwardBenchmark.SEQ_LEN)
@Warmup(iterations = 2, time = 20)
@Measurement(iterations = 3, time = 20)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
public class DecoderForwardBenchmark {
    static final int BATCH = 4;
    static final int SEQ_LEN = 256;

    /** SmolLM2-135M's shape. */
    static final DecoderConfig SMOLLM2_135M = new DecoderConfig(Architecture.LLAMA, 49152, 576, 30, 9, 3, 64, 1536, 8192,
            1e-5f, 100000, null, RopeLayout.HALF_SPLIT, true, false, false, false);

    @Param({"1", "2"})
    int threads;

    @Param({"F32", "BF16"})
    String dtype;

    private Arena arena;
    private TensorStore store;
    private WorkerPool pool;
    private DecoderModel model;
    private DecoderBatch batch;
    private int[] labels;

    @Setup(Level.Trial)
    public void setUp() {
        DType type = DType.valueOf(dtype);
        arena = Arena.ofShared();
        store = randomWeights(SMOLLM2_135M, type, arena);
        pool = WorkerPool.create(threads);
        model = DecoderModel.load(SMOLLM2_135M, store, Kernels.create(VectorWidth.configured(), pool), false);
        SplittableRandom r = new SplittableRandom(42);
        List<int[]> seqs = new ArrayList<>();
        for (int b = 0; b < BATCH; b++) {
            seqs.add(r.ints(SEQ_LEN, 0, SMOLLM2_135M.vocabSize()).toArray());
        }
        batch = DecoderBatch.rightPadded(seqs, 0);
        labels = batch.nextTokenLabels();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        model.close();
        pool.close();
        store.close();
        arena.close();
    }

    /** Full forward and the streaming causal-LM loss over every next token. */
    @Benchmark
    public double forwardAndLoss() {
        return model.causalLmLoss(batch, labels);
    }

    /**
     * Random weights under Hugging Face Llama names: Linear weights uniform in ±1/√in (PyTorch's
     * default init scale), norms 1, embeddings ±0.05, stored as {@code type}.
     */
    static TensorStore randomWeights(DecoderConfig c, DType type, Arena arena) {
        TensorStore.Builder b = TensorStore.builder("random " + c);
        SplittableRandom r = new SplittableRandom(7);
        int h = c.hiddenSize();
        b.put("model.embed_tokens.weight", random(arena, type, r, 0.05f, c.vocabSize(), h));
        for (int i = 0; i < c.numLayers(); i++) {
            String l = "model.layers." + i + ".";
            float sh = (float) (1 / Math.sqrt(h));
            float sf = (float) (1 / Math.sqrt(c.intermediateSize()));
            b.put(l + "input_layernorm.weight", ones(arena, type, h));
            b.put(l + "self_attn.q_proj.weight", random(arena, type, r, sh, c.qWidth(), h));
            b.put(l + "self_attn.k_proj.weight", random(arena, type, r, sh, c.kvWidth(), h));
            b.put(l + "self_attn.v_proj.weight", random(arena, type, r, sh, c.kvWidth(), h));
            b.put(l + "self_attn.o_proj.weight", random(arena, type, r, sh, h, c.qWidth()));
            b.put(l + "post_attention_layernorm.weight", ones(arena, type, h));
            b.put(l + "mlp.gate_proj.weight", random(arena, type, r, sh, c.intermediateSize(), h));
            b.put(l + "mlp.up_proj.weight", random(arena, type, r, sh, c.intermediateSize(), h));
            b.put(l + "mlp.down_proj.weight", random(arena, type, r, sf, h, c.intermediateSize()));
        }
        b.put("model.norm.weight", ones(arena, type, h));
        return b.build();
    }

    private static Tensor random(Arena arena, DType type, SplittableRandom r, float scale, long rows, long cols) {
        Tensor t = Tensor.allocate(arena, type, rows, cols);
        MemorySegment s = t.segment();
        for (long i = 0; i < t.numel(); i++) {
            float v = (float) ((r.nextDouble() * 2 - 1) * scale);
            if (type == DType.F32) {
                s.setAtIndex(Tensor.F32_LE, i, v);
            } else {
                s.setAtIndex(Tensor.U16_LE, i, (short) (Float.floatToRawIntBits(v) >>> 16)); // BF16: truncation is fine for noise
            }
        }
        return t;
    }

    private static Tensor ones(Arena arena, DType type, long n) {
        Tensor t = Tensor.allocate(arena, type, n);
        for (long i = 0; i < n; i++) {
            if (type == DType.F32) {
                t.segment().setAtIndex(Tensor.F32_LE, i, 1f);
            } else {
                t.segment().setAtIndex(Tensor.U16_LE, i, (short) 0x3f80);
            }
        }
        return t;
    }
}
