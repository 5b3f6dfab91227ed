package dev.zoft.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.zo.data.Datasets;
import dev.zoft.zo.metrics.RoundMetrics;
import dev.zoft.zo.task.EncoderClassifier;
import dev.zoft.zo.task.TrainableSubset;
import dev.zoft.zo.train.BaseModel;
import dev.zoft.zo.train.EstimatorSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's simulation example, kept compiling and run with tiny settings. */
class ReadmeSimulationExampleTest {

    @Test
    void theReadmeSimulationRunsAndReportsEveryRound() throws Exception {
        SimulationConfig config = SimulationConfig.builder()
                .clients(4).alpha(0.5).clientsPerRound(2).localSteps(1).rounds(2).batchSize(4).maxTokens(24)
                .estimator(EstimatorSpec.fedSpzo(1, 2, 1e-3f)).learningRate(1e-3).finalLearningRate(0)
                .trainable(TrainableSubset.parse("bitfit")).evalEvery(2).devSize(16).build();
        BaseModel base = BaseModel.bundledMiniLm();
        List<RoundMetrics> rows = new ArrayList<>();
        SimulationResult result;
        try (WorkerPool pool = WorkerPool.create();
             EncoderClassifier model = base.classifier(Kernels.create(VectorWidth.configured(), pool), config.classifierOptions());
             FederatedSimulation sim = new FederatedSimulation(config, model, pool, Datasets.demo(), base.name(), base.sha256(), null)) {
            result = sim.run(rows::add);
        }
        assertEquals(3, rows.size(), "round 0 (zero-shot) and two rounds");
        assertEquals(2, rows.get(2).steps());
        assertTrue(rows.get(2).bytesUp() > 0 && rows.get(2).forwardFlops() > 0);
        assertTrue(result.finalAccuracy() >= 0 && result.finalAccuracy() <= 1);
    }
}
