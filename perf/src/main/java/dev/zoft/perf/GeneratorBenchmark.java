package dev.zoft.perf;

import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.random.Distribution;
import dev.zoft.tensor.random.PerturbationGenerator;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
 * The perturbation generator over a MiniLM-sized parameter vector, single-threaded, at each
 * vector width: nanoseconds per parameter for a Gaussian fill, a Gaussian axpy
 * ({@code θ += c·z}, the in-place perturbation of a ZO step), a Rademacher axpy, and the raw
 * Philox words alone ({@code fillRawBits}: the generator's share of the Gaussian cost, the rest
 * being Box–Muller). Each width runs in its own fork, so the JIT never sees two species at one
 * call site. {@link PerturbationPassBenchmark} measures the whole pass on 1 and 2 threads.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class GeneratorBenchmark {

    /** The trainable parameters of all-MiniLM-L6-v2, about 22.7 M. */
    static final int PARAMETERS = 22_713_216;

    @Param({"SCALAR", "W128", "W256", "W512"})
    public String width;

    private Arena arena;
    private MemorySegment theta;
    private PerturbationGenerator generator;
    private long seed;

    @Setup(Level.Trial)
    public void setUp() {
        generator = PerturbationGenerator.of(VectorWidth.valueOf(width));
        arena = Arena.ofShared();
        theta = arena.allocate((long) PARAMETERS * Float.BYTES, 64);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    @OperationsPerInvocation(PARAMETERS)
    public void fillGaussian() {
        generator.fillGaussian(seed++, 0, theta, PARAMETERS);
    }

    @Benchmark
    @OperationsPerInvocation(PARAMETERS)
    public void axpyGaussian() {
        // Alternating signs keep θ bounded over many invocations.
        generator.axpyGaussian(seed, 0, (seed++ & 1) == 0 ? 1e-3f : -1e-3f, theta, PARAMETERS);
    }

    @Benchmark
    @OperationsPerInvocation(PARAMETERS)
    public void fillRawBits() {
        generator.fillRawBits(seed++, 0, theta, PARAMETERS);
    }

    @Benchmark
    @OperationsPerInvocation(PARAMETERS)
    public void axpyRademacher() {
        generator.axpy(Distribution.RADEMACHER, seed, 0, (seed++ & 1) == 0 ? 1e-3f : -1e-3f, theta, PARAMETERS);
    }
}
