package dev.zoft.federation.experiment;

import dev.zoft.federation.method.ClassifierFederation;
import dev.zoft.federation.method.MethodSimulation;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.zo.data.DatasetSplits;
import dev.zoft.zo.task.ClassifierOptions;
import dev.zoft.zo.task.EncoderClassifier;
import java.io.IOException;
import java.util.function.Function;

/**
 * The cell runner for classification: a fresh classifier at its base weights per cell (built by
 * {@code models} for the cell's options), the method run by {@link ClassifierFederation}.
 */
public final class ClassifierCells implements ExperimentRunner.CellRunner {

    private final Function<ClassifierOptions, EncoderClassifier> models;
    private final WorkerPool pool;
    private final DatasetSplits data;
    private final String modelName;
    private final byte[] weightsSha256;
    private final MethodSimulation.Budget budget;
    private final MethodSimulation.Listener listener;

    public ClassifierCells(Function<ClassifierOptions, EncoderClassifier> models, WorkerPool pool, DatasetSplits data,
                           String modelName, byte[] weightsSha256, MethodSimulation.Listener listener) {
        this(models, pool, data, modelName, weightsSha256, MethodSimulation.Budget.NONE, listener);
    }

    /** As above, every cell stopping and evaluating by forward FLOPs as {@code budget} says. */
    public ClassifierCells(Function<ClassifierOptions, EncoderClassifier> models, WorkerPool pool, DatasetSplits data,
                           String modelName, byte[] weightsSha256, MethodSimulation.Budget budget,
                           MethodSimulation.Listener listener) {
        this.budget = java.util.Objects.requireNonNull(budget, "budget");
        this.models = models;
        this.pool = pool;
        this.data = data;
        this.modelName = modelName;
        this.weightsSha256 = weightsSha256.clone();
        this.listener = listener;
    }

    @Override
    public ExperimentRunner.CellOutcome run(ExperimentCell cell, dev.zoft.federation.SimulationConfig config) throws IOException {
        try (EncoderClassifier model = models.apply(config.classifierOptions())) {
            MethodSimulation.Result r = ClassifierFederation.run(config, cell.spec(), model, pool, data, modelName,
                    weightsSha256, budget, listener);
            return new ExperimentRunner.CellOutcome(r.metrics(), r.clientCosts(), r.roundCosts());
        }
    }
}
