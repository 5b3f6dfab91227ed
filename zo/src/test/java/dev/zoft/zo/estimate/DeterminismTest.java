package dev.zoft.zo.estimate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tensor.random.Distribution;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same seeds and data give bit-identical losses and final weights on 1, 2 and 3 threads. The
 * quadratic here has about 70 K parameters in tensors of awkward sizes, so the parallel passes really
 * split (the grain is 16 K elements) and chunk boundaries fall inside tensors and Philox blocks.
 */
class DeterminismTest {

    static Stream<Arguments> estimators() {
        List<Arguments> out = new ArrayList<>();
        for (RestoreMode mode : RestoreMode.values()) {
            ZoSettings g = new ZoSettings(1e-3f, Distribution.GAUSSIAN, mode);
            ZoSettings r = new ZoSettings(1e-3f, Distribution.RADEMACHER, mode);
            out.add(Arguments.of((Supplier<Estimator>) () -> new MeZo(3, g), "MeZO " + mode));
            out.add(Arguments.of((Supplier<Estimator>) () -> new FedSpzo(2, 3, FedSpzo.Variant.NESTED, r), "nested " + mode));
            out.add(Arguments.of((Supplier<Estimator>) () -> new FedSpzo(2, 2, FedSpzo.Variant.DECOUPLED, g), "decoupled " + mode));
        }
        return out.stream();
    }

    private record Run(double[] losses, float[] weights) {
    }

    private static Run run(Supplier<Estimator> estimator, int threads) {
        try (QuadraticObjective q = new QuadraticObjective(new int[] {20_000, 3_001, 7}, new int[] {30_000, 17_003}, 8);
             WorkerPool pool = WorkerPool.create(threads)) {
            ZoSgd<Integer> sgd = new ZoSgd<>(q, estimator.get(), LearningRate.constant(1e-4), pool, 5L, u -> { });
            List<Double> losses = new ArrayList<>();
            for (int s = 0; s < 4; s++) {
                for (double l : sgd.step(0).losses()) {
                    losses.add(l);
                }
            }
            return new Run(losses.stream().mapToDouble(Double::doubleValue).toArray(), q.values());
        }
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("estimators")
    void bitIdenticalOnOneTwoAndThreeThreads(Supplier<Estimator> estimator, String name) {
        Run one = run(estimator, 1);
        for (int threads = 2; threads <= 3; threads++) {
            Run other = run(estimator, threads);
            assertEquals(one.losses.length, other.losses.length);
            for (int i = 0; i < one.losses.length; i++) {
                assertEquals(Double.doubleToRawLongBits(one.losses[i]), Double.doubleToRawLongBits(other.losses[i]),
                        name + ": loss " + i + " on " + threads + " threads");
            }
            assertArrayEquals(one.weights, other.weights, name + ": weights on " + threads + " threads");
        }
    }
}
