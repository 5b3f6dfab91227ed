package dev.zoft.perf;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.transformer.decoder.DecoderBatch;
import dev.zoft.transformer.decoder.DecoderConfig;
import dev.zoft.transformer.decoder.DecoderModel;
import dev.zoft.weights.TensorStore;

import java.lang.foreign.Arena;
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
    static final int BATCH = ModelShapes.SMOLLM2_BATCH;
    static final int SEQ_LEN = ModelShapes.SMOLLM2_SEQ_LEN;
    static final DecoderConfig SMOLLM2_135M = ModelShapes.SMOLLM2_135M;

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
        store = ModelShapes.randomLlamaWeights(SMOLLM2_135M, type, arena);
        pool = WorkerPool.create(threads);
        model = DecoderModel.load(SMOLLM2_135M, store, Kernels.create(VectorWidth.configured(), pool), false);
        batch = ModelShapes.decoderBatch(SMOLLM2_135M, 42);
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
}
