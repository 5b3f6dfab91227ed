package dev.zoft.perf;

import dev.zoft.tensor.parallel.WorkerPool;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
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
 * The machine's FP32 FMA peak as the JVM reaches it: twelve independent chains of 512-bit
 * {@code fma} on registers, no memory traffic, on 1 or 2 threads. The GEMM's "fraction of peak" is
 * its GFLOP/s over this figure, measured in the same run rather than taken from a data sheet.
 *
 * <p>{@code GFLOP/s = 2 · 16 lanes · 12 chains · ITERATIONS · threads / (score in ms · 1e6)}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dzoft.vector.bits=512"})
public class FmaPeakBenchmark {

    /** FMA steps per chain per thread per call. */
    public static final int ITERATIONS = 10_000_000;
    /** Floating-point operations per call and thread: 2 per lane per FMA. */
    public static final double FLOP_PER_THREAD = 2.0 * 16 * 12 * ITERATIONS;

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;

    @Param({"1", "2"})
    public int threads;

    private WorkerPool pool;
    private final float[] sink = new float[2 * 16];

    @Setup(Level.Trial)
    public void setUp() {
        pool = WorkerPool.create(threads);
    }

    @Benchmark
    public float[] fmaChains() {
        pool.parallelFor(threads, 1, (from, to) -> {
            for (long t = from; t < to; t++) {
                chains(ITERATIONS).intoArray(sink, (int) t * 16);
            }
        });
        return sink;
    }

    private static FloatVector chains(int iterations) {
        FloatVector a = FloatVector.broadcast(S, 1.0000001f);
        FloatVector b = FloatVector.broadcast(S, 0.9999999f);
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        FloatVector c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (int i = 0; i < iterations; i++) {
            c0 = a.fma(b, c0);
            c1 = a.fma(b, c1);
            c2 = a.fma(b, c2);
            c3 = a.fma(b, c3);
            c4 = a.fma(b, c4);
            c5 = a.fma(b, c5);
            c6 = a.fma(b, c6);
            c7 = a.fma(b, c7);
            c8 = a.fma(b, c8);
            c9 = a.fma(b, c9);
            c10 = a.fma(b, c10);
            c11 = a.fma(b, c11);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }
}
