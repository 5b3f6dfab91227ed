package dev.zoft.zo.params;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tensor.random.Distribution;
import java.lang.foreign.Arena;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The guarantee of {@link Perturbation#cycleDriftBound}: after N cycles {@code +ε, −2ε, +ε} (each
 * with its own seed), every parameter is within the bound of where it started.
 */
class PerturbationDriftProperties {

    private static final WorkerPool POOL = WorkerPool.create(1);

    @Property(tries = 150)
    void driftAfterNCyclesStaysWithinTheBound(@ForAll("thetas") float[] theta0,
                                              @ForAll("epsilons") float epsilon,
                                              @ForAll Distribution distribution,
                                              @ForAll @IntRange(min = 1, max = 300) int cycles,
                                              @ForAll @LongRange(min = 0, max = 1L << 50) long seed) {
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = Tensor.of(arena, theta0, theta0.length);
            ParameterView v = ParameterView.of(Map.of("theta", t));
            Perturbation p = new Perturbation(distribution, POOL);
            for (int n = 0; n < cycles; n++) {
                long s = seed + n;
                p.axpy(v, s, epsilon);
                p.axpy(v, s, -2 * epsilon);
                p.axpy(v, s, epsilon);
            }
            double zMax = Perturbation.maxAbs(distribution);
            for (int i = 0; i < theta0.length; i++) {
                double drift = Math.abs((double) t.getFloat(i) - theta0[i]);
                double bound = Perturbation.cycleDriftBound(cycles, theta0[i], epsilon, zMax);
                if (drift > bound) {
                    throw new AssertionError("θ[" + i + "] = " + theta0[i] + " drifted by " + drift + " > bound " + bound
                            + " after " + cycles + " cycles, ε = " + epsilon);
                }
            }
        }
    }

    @Provide
    Arbitrary<float[]> thetas() {
        // Typical weights, any finite float (bit patterns: huge, tiny, subnormal), and exact zeros.
        Arbitrary<Float> value = Arbitraries.oneOf(
                Arbitraries.floats().between(-1f, 1f).ofScale(9),
                Arbitraries.integers().map(Float::intBitsToFloat).filter(Float::isFinite),
                Arbitraries.integers().between(-(1 << 23), 1 << 23).map(Float::intBitsToFloat),
                Arbitraries.just(0f));
        return value.array(float[].class).ofMinSize(1).ofMaxSize(40);
    }

    @Provide
    Arbitrary<Float> epsilons() {
        return Arbitraries.oneOf(Arbitraries.floats().between(1e-6f, 1e-1f).ofScale(12), Arbitraries.of(1e-3f, 1f, 1e-30f));
    }
}
