package dev.zoft.federation.method;

import dev.zoft.federation.ClientCaps;
import dev.zoft.federation.FederatedSimulation;
import dev.zoft.federation.SimulationConfig;
import dev.zoft.federation.cost.CountingObjective;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.zo.data.Dataset;
import dev.zoft.zo.data.DatasetSplits;
import dev.zoft.zo.data.Partition;
import dev.zoft.zo.log.SeedLog;
import dev.zoft.zo.task.EncoderClassifier;
import dev.zoft.zo.task.LabelledBatch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Any {@link MethodSpec} finetuning an {@link EncoderClassifier} over the federation a
 * {@link SimulationConfig} describes (its estimator field is ignored: the method brings its own),
 * with the same partition ({@link FederatedSimulation#partition}), batches and dev subset as
 * {@code FederatedSimulation}, so every method sees the same clients and data.
 */
public final class ClassifierFederation {

    private ClassifierFederation() {
    }

    /**
     * Runs {@code spec} for {@code config.rounds()} rounds on {@code model} (at its base weights; it ends
     * at the final global model).
     */
    public static MethodSimulation.Result run(SimulationConfig config, MethodSpec spec, EncoderClassifier model,
                                              WorkerPool pool, DatasetSplits data, String modelName, byte[] weightsSha256,
                                              MethodSimulation.Listener listener) throws IOException {
        return run(config, spec, model, pool, data, modelName, weightsSha256, MethodSimulation.Budget.NONE, listener);
    }

    /** As above, stopping and evaluating by forward FLOPs as {@code budget} says. */
    public static MethodSimulation.Result run(SimulationConfig config, MethodSpec spec, EncoderClassifier model,
                                              WorkerPool pool, DatasetSplits data, String modelName, byte[] weightsSha256,
                                              MethodSimulation.Budget budget, MethodSimulation.Listener listener)
            throws IOException {
        Objects.requireNonNull(spec, "spec");
        Dataset train = data.train();
        Dataset dev = config.devSize() == 0 || config.devSize() >= data.dev().size()
                ? data.dev() : data.dev().stratified(config.devSize(), config.seed());
        Partition partition = FederatedSimulation.partition(config, train);
        List<Dataset> shards = new ArrayList<>(config.clients());
        for (int c = 0; c < config.clients(); c++) {
            shards.add(partition.clientDataset(train, c));
        }
        SeedLog.Header header = new SeedLog.Header(modelName, weightsSha256, spec.estimator().distribution(),
                "subset=" + config.trainable().spec() + " split=" + model.splitLayer() + " method=" + spec.describe()
                        + (config.clientCaps() == ClientCaps.none() ? "" : " slow-clients=" + config.clientCaps().describe()),
                model.parameters().size());
        MethodContext<LabelledBatch> context = new MethodContext<>(new CountingObjective<>(model), pool, shards,
                FederatedSimulation.batchFactory(model), config.clientsPerRound(), config.localSteps(), config.batchSize(),
                config.schedule(), config.seed(), header, config.clientCaps());
        List<LabelledBatch> devBatches = model.batches(dev.texts(), dev.labelArray(), FederatedSimulation.EVAL_BATCH);
        try (FederatedMethod<LabelledBatch> method = spec.create(context)) {
            return new MethodSimulation<>(method, context, config.rounds(), config.evalEvery(), budget,
                    () -> model.evaluate(devBatches).accuracy()).run(listener);
        }
    }
}
