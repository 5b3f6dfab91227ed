package dev.zoft.perf;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tensor.random.Distribution;
import dev.zoft.zo.params.ParameterView;
import dev.zoft.zo.params.Perturbation;
import java.lang.foreign.Arena;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * The in-place perturbation pass {@code θ += c·z(seed)} of a ZO step over every parameter of a
 * model, through the real {@link Perturbation#axpy} path (view split across the worker pool, one
 * generator axpy per tensor piece), next to a Java STREAM triad on the same threads so the
 * Rademacher pass can be read as a fraction of the machine's memory bandwidth.
 *
 * <p>Scores are nanoseconds per parameter ({@code miniLm}, {@code smolLm2}) or per triad element
 * ({@code triad}). Bandwidth: the pass reads and writes each F32 parameter once, 8 bytes, so
 * {@code GB/s = 8 / score}; the triad {@code a[i] = b[i] + s·c[i]} moves 12 bytes per element
 * (STREAM's count), so {@code GB/s = 12 / score}. Targets (issue 4, 2 threads): Gaussian ≤ 0.4
 * ns/parameter; Rademacher ≥ 0.7× the triad's GB/s (reference STREAM triad 39 / 44 GB/s at 1 / 2
 * threads).
 *
 * <p>The parameter tensors have the real shapes of all-MiniLM-L6-v2 (22,713,216 parameters, 91
 * MB) and SmolLM2-135M (134,515,008, 538 MB; tied embeddings), so the pass crosses the same tensor
 * boundaries as in training. Every fork pins the 512-bit kernels ({@code -Dzoft.vector.bits=512}):
 * a JVM that ran two widths would be slower everywhere. Run e.g.
 * {@code java -jar perf/target/benchmarks.jar PerturbationPassBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Dzoft.vector.bits=512", "-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PerturbationPassBenchmark {

    /** Trainable parameters of all-MiniLM-L6-v2. */
    static final int MINILM_PARAMETERS = 22_713_216;
    /** Parameters of SmolLM2-135M (input embedding tied to the LM head). */
    static final int SMOLLM2_PARAMETERS = 134_515_008;
    /** Triad elements per array: 3 × 64 MB, far beyond the 32 MB L3 (STREAM asks for ≥ 4×). */
    static final int TRIAD_ELEMENTS = 1 << 24;

    /** The worker pool, shared by every benchmark of a trial. */
    @State(Scope.Benchmark)
    public static class Threads {
        @Param({"1", "2"})
        public int threads;

        WorkerPool pool;

        @Setup(Level.Trial)
        public void setUp() {
            pool = WorkerPool.create(threads);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            pool.close();
        }
    }

    /** A model's parameters and the perturbation to run over them (the subclasses give the shapes). */
    @State(Scope.Benchmark)
    public abstract static class Model {
        @Param({"GAUSSIAN", "RADEMACHER"})
        public Distribution distribution;

        Arena arena;
        ParameterView view;
        Perturbation perturbation;
        long seed;

        void build(Threads threads, Map<String, long[]> shapes, long expectedParameters) {
            arena = Arena.ofShared();
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            shapes.forEach((name, shape) -> tensors.put(name, Tensor.allocate(arena, DType.F32, shape)));
            view = ParameterView.of(tensors);
            if (view.size() != expectedParameters) {
                throw new IllegalStateException("the model shapes hold " + view.size() + " parameters, expected "
                        + expectedParameters);
            }
            perturbation = new Perturbation(distribution, threads.pool);
        }

        /** One pass; alternating signs of c keep θ bounded over many invocations. */
        void pass() {
            perturbation.axpy(view, seed, (seed & 1) == 0 ? 1e-3f : -1e-3f);
            seed++;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            arena.close();
        }
    }

    @State(Scope.Benchmark)
    public static class MiniLm extends Model {
        @Setup(Level.Trial)
        public void setUp(Threads threads) {
            build(threads, miniLmShapes(), MINILM_PARAMETERS);
        }
    }

    @State(Scope.Benchmark)
    public static class SmolLm2 extends Model {
        @Setup(Level.Trial)
        public void setUp(Threads threads) {
            build(threads, smolLm2Shapes(), SMOLLM2_PARAMETERS);
        }
    }

    /** STREAM triad arrays. */
    @State(Scope.Benchmark)
    public static class Triad {
        float[] a;
        float[] b;
        float[] c;

        @Setup(Level.Trial)
        public void setUp() {
            a = new float[TRIAD_ELEMENTS];
            b = new float[TRIAD_ELEMENTS];
            c = new float[TRIAD_ELEMENTS];
            for (int i = 0; i < TRIAD_ELEMENTS; i++) {
                b[i] = i;
                c[i] = 2f * i;
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(MINILM_PARAMETERS)
    public void miniLm(MiniLm model) {
        model.pass();
    }

    @Benchmark
    @OperationsPerInvocation(SMOLLM2_PARAMETERS)
    public void smolLm2(SmolLm2 model) {
        model.pass();
    }

    /**
     * {@code a[i] = b[i] + s·c[i]}, split into one contiguous range per thread like the pass. C2
     * vectorizes the loop at the pinned width.
     */
    @Benchmark
    @OperationsPerInvocation(TRIAD_ELEMENTS)
    public float[] triad(Triad t, Threads threads) {
        float[] a = t.a;
        float[] b = t.b;
        float[] c = t.c;
        float s = 3f;
        threads.pool.parallelFor(TRIAD_ELEMENTS, 1 << 14, (from, to) -> {
            for (int i = (int) from; i < (int) to; i++) {
                a[i] = b[i] + s * c[i];
            }
        });
        return a;
    }

    /** all-MiniLM-L6-v2 (BERT, 6 layers, hidden 384, intermediate 1536, vocabulary 30522, with pooler). */
    static Map<String, long[]> miniLmShapes() {
        int h = 384;
        int ff = 1536;
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put("embeddings.word_embeddings.weight", new long[] {30522, h});
        m.put("embeddings.position_embeddings.weight", new long[] {512, h});
        m.put("embeddings.token_type_embeddings.weight", new long[] {2, h});
        m.put("embeddings.LayerNorm.weight", new long[] {h});
        m.put("embeddings.LayerNorm.bias", new long[] {h});
        for (int l = 0; l < 6; l++) {
            String p = "encoder.layer." + l + ".";
            for (String proj : new String[] {"attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense"}) {
                m.put(p + proj + ".weight", new long[] {h, h});
                m.put(p + proj + ".bias", new long[] {h});
            }
            m.put(p + "attention.output.LayerNorm.weight", new long[] {h});
            m.put(p + "attention.output.LayerNorm.bias", new long[] {h});
            m.put(p + "intermediate.dense.weight", new long[] {ff, h});
            m.put(p + "intermediate.dense.bias", new long[] {ff});
            m.put(p + "output.dense.weight", new long[] {h, ff});
            m.put(p + "output.dense.bias", new long[] {h});
            m.put(p + "output.LayerNorm.weight", new long[] {h});
            m.put(p + "output.LayerNorm.bias", new long[] {h});
        }
        m.put("pooler.dense.weight", new long[] {h, h});
        m.put("pooler.dense.bias", new long[] {h});
        return m;
    }

    /** SmolLM2-135M (Llama, 30 layers, hidden 576, 9 heads of 64, 3 KV heads, intermediate 1536, vocabulary 49152). */
    static Map<String, long[]> smolLm2Shapes() {
        int h = 576;
        int kv = 3 * 64;
        int ff = 1536;
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put("model.embed_tokens.weight", new long[] {49152, h});
        for (int l = 0; l < 30; l++) {
            String p = "model.layers." + l + ".";
            m.put(p + "input_layernorm.weight", new long[] {h});
            m.put(p + "self_attn.q_proj.weight", new long[] {h, h});
            m.put(p + "self_attn.k_proj.weight", new long[] {kv, h});
            m.put(p + "self_attn.v_proj.weight", new long[] {kv, h});
            m.put(p + "self_attn.o_proj.weight", new long[] {h, h});
            m.put(p + "post_attention_layernorm.weight", new long[] {h});
            m.put(p + "mlp.gate_proj.weight", new long[] {ff, h});
            m.put(p + "mlp.up_proj.weight", new long[] {ff, h});
            m.put(p + "mlp.down_proj.weight", new long[] {h, ff});
        }
        m.put("model.norm.weight", new long[] {h});
        return m;
    }
}
