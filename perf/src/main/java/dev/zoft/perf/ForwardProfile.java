package dev.zoft.perf;

import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.tensor.ops.ProfilingKernels;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.transformer.decoder.DecoderModel;
import dev.zoft.zo.task.CausalLmObjective;
import dev.zoft.zo.task.EncoderClassifier;
import dev.zoft.zo.task.LabelledBatch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * Where the time of a forward + loss goes, per op: the MiniLM shape (bundled all-MiniLM-L6-v2,
 * classifier loss, batch 16 × 64) and the SmolLM2-135M shape (random F32 weights, causal-LM loss
 * through the streaming head, batch 4 × 256), on 1 and 2 threads. Each configuration runs a
 * warm-up, then N timed forwards + loss through {@link ProfilingKernels}, and prints the time split
 * by category (GEMM, attention, norms, activations, LM head / streaming log-sum-exp, gather, other
 * kernels, and the time outside every kernel), the matmul shapes, and the tokens/s.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dzoft.vector.bits=512 \
 *      -cp perf/target/benchmarks.jar dev.zoft.perf.ForwardProfile [--model=minilm|smollm2|all]
 *      [--threads=1,2] [--warmup=N] [--iterations=N]
 * </pre>
 *
 * <p>The profiler adds two {@code nanoTime} calls per op (a few hundred per forward): negligible
 * next to the forward, but the tokens/s of the JMH forward benchmarks are the reference figures;
 * this main explains them. Use one vector width per JVM (see {@link VectorWidth#configured()}).
 */
public final class ForwardProfile {

    /** Categories, in print order. */
    static final List<String> CATEGORIES = List.of("GEMM", "attention", "norms", "activations",
            "LM head / log-sum-exp", "gather", "other kernels", "outside kernels");

    private ForwardProfile() {
    }

    public static void main(String[] args) {
        Map<String, String> opts = options(args);
        String model = opts.getOrDefault("model", "all");
        List<Integer> threads = new ArrayList<>();
        for (String t : opts.getOrDefault("threads", "1,2").split(",")) {
            threads.add(Integer.parseInt(t.trim()));
        }
        Integer warmup = opts.containsKey("warmup") ? Integer.parseInt(opts.get("warmup")) : null;
        Integer iterations = opts.containsKey("iterations") ? Integer.parseInt(opts.get("iterations")) : null;
        if (!List.of("all", "minilm", "smollm2").contains(model)) {
            throw new IllegalArgumentException("--model must be minilm, smollm2 or all, got " + model);
        }
        System.out.printf(Locale.ROOT, "vector width %s, JVM %s%n", VectorWidth.configured(), Runtime.version());
        for (int t : threads) {
            if (!model.equals("smollm2")) {
                miniLm(t, warmup == null ? 5 : warmup, iterations == null ? 10 : iterations);
            }
            if (!model.equals("minilm")) {
                smolLm2(t, warmup == null ? 2 : warmup, iterations == null ? 3 : iterations);
            }
        }
    }

    private static void miniLm(int threads, int warmup, int iterations) {
        try (WorkerPool pool = WorkerPool.create(threads)) {
            ProfilingKernels k = new ProfilingKernels(Kernels.create(VectorWidth.configured(), pool));
            try (EncoderClassifier c = ModelShapes.miniLmClassifier(k)) {
                LabelledBatch batch = ModelShapes.miniLmLabelledBatch(42);
                run("MiniLM-L6 16 × 64", threads, k, () -> c.loss(batch), warmup, iterations,
                        (long) ModelShapes.MINILM_BATCH * ModelShapes.MINILM_SEQ_LEN, -1);
            }
        }
    }

    private static void smolLm2(int threads, int warmup, int iterations) {
        try (WorkerPool pool = WorkerPool.create(threads)) {
            ProfilingKernels k = new ProfilingKernels(Kernels.create(VectorWidth.configured(), pool));
            try (ModelShapes.RandomDecoder d = ModelShapes.RandomDecoder.smolLm2(k)) {
                CausalLmObjective.Batch batch = ModelShapes.RandomDecoder.batch(42);
                long headWidth = Math.min(ModelShapes.SMOLLM2_135M.vocabSize(), DecoderModel.VOCAB_CHUNK);
                run("SmolLM2-135M shape 4 × 256", threads, k, () -> d.objective().loss(batch), warmup, iterations,
                        (long) ModelShapes.SMOLLM2_BATCH * ModelShapes.SMOLLM2_SEQ_LEN, headWidth);
            }
        }
    }

    /**
     * @param headWidth the output width of the LM head's vocabulary chunks (its matmuls are counted
     *     as the LM head, not GEMM), or −1 for a model without one
     */
    static void run(String name, int threads, ProfilingKernels k, DoubleSupplier forwardAndLoss, int warmup, int iterations,
                    long tokens, long headWidth) {
        if (iterations < 1 || warmup < 0) {
            throw new IllegalArgumentException("need warmup ≥ 0 and iterations ≥ 1, got " + warmup + " and " + iterations);
        }
        double loss = 0;
        for (int i = 0; i < warmup; i++) {
            loss += forwardAndLoss.getAsDouble();
        }
        k.reset();
        long t0 = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            loss += forwardAndLoss.getAsDouble();
        }
        long wall = System.nanoTime() - t0;
        Map<String, long[]> split = split(k.snapshot(), headWidth, wall);
        System.out.printf(Locale.ROOT, "%n== %s, %d thread(s): %d forwards + loss after %d warm-up, %.1f ms each, %.0f tokens/s"
                        + " (loss checksum %.6f)%n", name, threads, iterations, warmup, wall / 1e6 / iterations,
                tokens * iterations / (wall / 1e9), loss);
        System.out.printf(Locale.ROOT, "%-24s %8s %12s %7s%n", "category", "calls", "ms/forward", "%");
        for (String c : CATEGORIES) {
            long[] v = split.get(c);
            System.out.printf(Locale.ROOT, "%-24s %8d %12.2f %7.1f%n", c, v[0] / iterations, v[1] / 1e6 / iterations, 100.0 * v[1] / wall);
        }
        System.out.printf(Locale.ROOT, "%-24s %8s %12.2f %7.1f%n", "total", "", wall / 1e6 / iterations, 100.0);
        System.out.println("per op and matmul shape (M×N×K), all timed forwards:");
        System.out.print(k.table());
    }

    /** Calls and nanoseconds per category; "outside kernels" is the wall time no op accounts for. */
    static Map<String, long[]> split(List<ProfilingKernels.OpStats> stats, long headWidth, long wall) {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (String c : CATEGORIES) {
            out.put(c, new long[2]);
        }
        long inside = 0;
        for (ProfilingKernels.OpStats s : stats) {
            long[] v = out.get(category(s, headWidth));
            v[0] += s.calls();
            v[1] += s.nanos();
            inside += s.nanos();
        }
        out.get("outside kernels")[1] = Math.max(0, wall - inside);
        return out;
    }

    static String category(ProfilingKernels.OpStats s, long headWidth) {
        return switch (s.op()) {
            case ProfilingKernels.MATMUL -> s.n() == headWidth ? "LM head / log-sum-exp" : "GEMM";
            case ProfilingKernels.LOG_SUM_EXP -> "LM head / log-sum-exp";
            case ProfilingKernels.ATTENTION, ProfilingKernels.CAUSAL_ATTENTION, ProfilingKernels.SOFTMAX,
                 ProfilingKernels.ROPE -> "attention";
            case ProfilingKernels.LAYER_NORM, ProfilingKernels.RMS_NORM -> "norms";
            case ProfilingKernels.GELU, ProfilingKernels.GELU_TANH, ProfilingKernels.RELU, ProfilingKernels.SILU_MUL -> "activations";
            case ProfilingKernels.GATHER -> "gather";
            default -> "other kernels";
        };
    }

    /** {@code --key=value} arguments. */
    static Map<String, String> options(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (!a.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("arguments are --key=value, got " + a);
            }
            out.put(a.substring(2, eq), a.substring(eq + 1));
        }
        return out;
    }
}
