package dev.zoft.federation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.zoft.federation.method.ClassifierFederation;
import dev.zoft.federation.method.MethodKind;
import dev.zoft.federation.method.MethodSimulation;
import dev.zoft.federation.method.MethodSpec;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.zo.data.DatasetSplits;
import dev.zoft.zo.data.Datasets;
import dev.zoft.zo.metrics.RoundMetrics;
import dev.zoft.zo.task.EncoderClassifier;
import dev.zoft.zo.task.TrainableSubset;
import dev.zoft.zo.train.EstimatorSpec;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * FedSPZO and DeComFL run through the method framework are the existing simulator, bit for bit: same
 * final weights, same dev accuracies, same forward FLOPs and bytes, on a tiny random BERT.
 */
class MethodFrameworkEquivalenceTest {

    private static final DatasetSplits DEMO = Datasets.demo();

    private static SimulationConfig config(EstimatorSpec estimator) {
        return SimulationConfig.builder().clients(6).alpha(0.5).clientsPerRound(3).localSteps(2).rounds(4).batchSize(8)
                .estimator(estimator).learningRate(2e-2).finalLearningRate(1e-2)
                .trainable(TrainableSubset.all()).splitLayer(2).seed(7).evalEvery(2).devSize(40).maxTokens(32).build();
    }

    @Test
    void sharedSeedMethodsEqualTheExistingSimulator() throws IOException {
        for (MethodSpec spec : new MethodSpec[] {MethodSpec.of(MethodKind.FEDSPZO, 2, 2, 1e-3f),
                MethodSpec.of(MethodKind.DECOMFL, 2, 1, 1e-3f)}) {
            SimulationConfig config = config(spec.estimator());
            int[] expected;
            SimulationResult old;
            try (WorkerPool pool = WorkerPool.create(2);
                 EncoderClassifier model = Fixtures.tinyClassifier(pool, config.classifierOptions());
                 FederatedSimulation sim = new FederatedSimulation(config, model, pool, DEMO, "tiny", Fixtures.NO_DIGEST, null)) {
                old = sim.run(RoundListener.none());
                expected = Fixtures.bits(model.parameters());
            }
            try (WorkerPool pool = WorkerPool.create(2);
                 EncoderClassifier model = Fixtures.tinyClassifier(pool, config.classifierOptions())) {
                int[] base = Fixtures.bits(model.parameters());
                MethodSimulation.Result r = ClassifierFederation.run(config, spec, model, pool, DEMO, "tiny",
                        Fixtures.NO_DIGEST, MethodSimulation.Listener.none());
                assertFalse(Arrays.equals(base, expected), "the run moved the model");
                assertArrayEquals(expected, Fixtures.bits(model.parameters()), spec.describe());
                assertEquals(old.metrics().size(), r.metrics().size());
                for (int i = 0; i < r.metrics().size(); i++) {
                    RoundMetrics a = old.metrics().get(i);
                    RoundMetrics b = r.metrics().get(i);
                    assertEquals(a.devAccuracy(), b.devAccuracy(), "round " + i);
                    assertEquals(a.forwardFlops(), b.forwardFlops(), "round " + i);
                    assertEquals(a.forwardPasses(), b.forwardPasses(), "round " + i);
                    assertEquals(a.bytesUp(), b.bytesUp(), "round " + i);
                    assertEquals(a.bytesDown(), b.bytesDown(), "round " + i);
                    assertEquals(a.trainLoss(), b.trainLoss(), 1e-12, "round " + i);
                }
            }
        }
    }
}
