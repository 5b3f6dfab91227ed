package dev.zoft.perf;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.ops.FusedPerturbation;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tensor.random.Distribution;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The fused perturbation's cost over the plain GEMM: {@code out = x · (w + c·z)ᵀ + bias} with z
 * generated while w is packed ({@code mode = GAUSSIAN | RADEMACHER}) against {@code mode = PLAIN}
 * ({@code out = x · wᵀ + bias}), at 512 bits, on transformer shapes with M = batch × tokens rows.
 * The overhead is {@code score(mode) / score(PLAIN) − 1} at the same shape, tokens and threads.
 *
 * <p>Run: {@code java -jar perf/target/benchmarks.jar FusedGemmBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
    "-Dzoft.vector.bits=512"})
public class FusedGemmBenchmark {

    /** M: batch × tokens. */
    @Param({"1024"})
    public int tokens;

    /** K × N of the Linear layer: MiniLM FFN up, BERT-base FFN up, SmolLM2 FFN up. */
    @Param({"384x1536", "768x3072", "576x1536"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    /** PLAIN (no perturbation), or the fused perturbation's distribution. */
    @Param({"PLAIN", "GAUSSIAN", "RADEMACHER"})
    public String mode;

    private Arena arena;
    private WorkerPool pool;
    private Kernels kernels;
    private Tensor x;
    private Tensor w;
    private Tensor bias;
    private Tensor out;
    private FusedPerturbation perturbation;

    @Setup(Level.Trial)
    public void setUp() {
        String[] kn = shape.split("x");
        long k = Long.parseLong(kn[0]);
        long n = Long.parseLong(kn[1]);
        arena = Arena.ofShared();
        pool = WorkerPool.create(threads);
        kernels = Kernels.create(VectorWidth.W512, pool);
        SplittableRandom random = new SplittableRandom(42);
        x = GemmBenchmark.random(arena, random, tokens, k);
        w = GemmBenchmark.random(arena, random, n, k);
        bias = GemmBenchmark.random(arena, random, n);
        out = Tensor.allocate(arena, DType.F32, tokens, n);
        perturbation = mode.equals("PLAIN") ? null
                : new FusedPerturbation(Distribution.valueOf(mode), 1234, 1e-3f, 4096, 4096 + n * k);
    }

    @Benchmark
    public void matmul() {
        if (perturbation == null) {
            kernels.matmulTransposed(x, w, bias, out);
        } else {
            kernels.matmulTransposedPerturbed(x, w, bias, out, perturbation);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }
}
