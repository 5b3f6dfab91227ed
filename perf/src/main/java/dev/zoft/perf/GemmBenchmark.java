package dev.zoft.perf;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.tensor.parallel.WorkerPool;
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
 * {@code out[M×N] = x[M×K] · w[N×K]ᵀ + bias} at all-MiniLM-L6-v2 shapes: M tokens (a batch of
 * sequences), (K, N) = (384, 384) for the attention projections, (384, 1536) for the FFN up
 * projection and (1536, 384) for the FFN down projection.
 *
 * <p>Throughput: {@code GFLOP/s = 2·M·N·K / (score in ms · 1e6)}, e.g. M = 512, K = 384, N = 1536
 * is 0.604 GFLOP, so a score of 6.04 ms is 100 GFLOP/s. {@code bits = 0} is the scalar twin (the naive
 * triple loop), the baseline the vector widths are measured against.
 *
 * <p>Run: {@code java -jar perf/target/benchmarks.jar GemmBenchmark -p bits=512 -p threads=1}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class GemmBenchmark {

    /** M: tokens in the batch. */
    @Param({"1024", "512", "2048"})
    public int tokens;

    /** K × N of the Linear layer (in features × out features). */
    @Param({"384x1536", "768x3072", "384x384", "1536x384"})
    public String shape;

    /** Worker threads, the caller included. */
    @Param({"1", "2"})
    public int threads;

    /** Vector width in bits; 0 is the scalar twin (naive baseline). */
    @Param({"512", "256", "0"})
    public int bits;

    private Arena arena;
    private WorkerPool pool;
    private Kernels kernels;
    private Tensor x;
    private Tensor w;
    private Tensor bias;
    private Tensor out;

    @Setup(Level.Trial)
    public void setUp() {
        String[] kn = shape.split("x");
        long k = Long.parseLong(kn[0]);
        long n = Long.parseLong(kn[1]);
        arena = Arena.ofShared(); // worker threads read the tensors too
        pool = WorkerPool.create(threads);
        kernels = Kernels.create(VectorWidth.ofBits(bits), pool);
        SplittableRandom random = new SplittableRandom(42);
        x = random(arena, random, tokens, k);
        w = random(arena, random, n, k);
        bias = random(arena, random, n);
        out = Tensor.allocate(arena, DType.F32, tokens, n);
    }

    static Tensor random(Arena arena, SplittableRandom random, long... shape) {
        Tensor t = Tensor.allocate(arena, DType.F32, shape);
        for (long i = 0; i < t.numel(); i++) {
            t.setFloat(i, (float) random.nextDouble(-1, 1));
        }
        return t;
    }

    /** The result lands in off-heap memory, which the JIT cannot prove dead. */
    @Benchmark
    public void matmulTransposed() {
        kernels.matmulTransposed(x, w, bias, out);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }
}
