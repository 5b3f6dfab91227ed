package dev.zoft.federation.net;

import dev.zoft.federation.Client;
import dev.zoft.federation.FederatedSimulation;
import dev.zoft.federation.PublicFixtures;
import dev.zoft.federation.SimulationConfig;
import dev.zoft.federation.SyncedModel;
import dev.zoft.federation.WeightedMean;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.zo.data.Dataset;
import dev.zoft.zo.data.DatasetSplits;
import dev.zoft.zo.data.Datasets;
import dev.zoft.zo.estimate.Estimator;
import dev.zoft.zo.log.SeedLog;
import dev.zoft.zo.task.EncoderClassifier;
import dev.zoft.zo.task.LabelledBatch;
import dev.zoft.zo.task.TrainableSubset;
import dev.zoft.zo.train.EstimatorSpec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A real finetuning for the multi-process test: the tiny random BERT on the demo sentiment set,
 * nested FedSPZO, 5 clients, 2 a round, 2 local steps, 5 rounds. {@code main} runs one process of
 * it: {@code server DIR PORT READY-FILE} or {@code client ID PORT RULE OUT-FILE}.
 */
public final class TinyFederation {

    static final DatasetSplits DEMO = Datasets.demo();

    private TinyFederation() {
    }

    static SimulationConfig config() {
        return SimulationConfig.builder().clients(5).alpha(0.5).clientsPerRound(2).localSteps(2).rounds(5).batchSize(4)
                .estimator(EstimatorSpec.fedSpzo(1, 2, 1e-3f)).learningRate(2e-2).trainable(TrainableSubset.all())
                .splitLayer(2).seed(11).evalEvery(0).devSize(20).maxTokens(24).build();
    }

    static SeedLog.Header header(EncoderClassifier model, Estimator estimator) {
        SimulationConfig c = config();
        return new SeedLog.Header("tiny", new byte[32], estimator.settings().distribution(),
                "subset=" + c.trainable().spec() + " split=" + model.splitLayer() + " estimator=" + c.estimator().describe(),
                model.parameters().size());
    }

    public static void main(String[] args) throws Exception {
        SimulationConfig config = config();
        try (WorkerPool pool = WorkerPool.create(1);
             EncoderClassifier model = PublicFixtures.tinyClassifier(pool, config.classifierOptions())) {
            Estimator estimator = config.estimator().create();
            if (args[0].equals("server")) {
                Path dir = Path.of(args[1]);
                Coordinator c = Coordinator.open(dir, header(model, estimator), FederationPlan.of(config),
                        new RoundPolicy(config.clientsPerRound(), Duration.ofHours(1)), UploadLimits.defaults(),
                        new WeightedMean(), System::currentTimeMillis);
                c.attach(new Checkpoints(dir, new SyncedModel<>(model, estimator, pool), 2));
                FederationHttpServer.start(c, new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[2])),
                        null, NetFixtures.ENROLMENT);
                Path ready = Path.of(args[3]);
                Files.writeString(ready.resolveSibling("tmp-" + ready.getFileName()), "up");
                Files.move(ready.resolveSibling("tmp-" + ready.getFileName()), ready, StandardCopyOption.ATOMIC_MOVE);
                Thread.sleep(Long.MAX_VALUE);
            }
            int id = Integer.parseInt(args[1]);
            URI base = URI.create("http://127.0.0.1:" + args[2] + "/");
            SyncRule rule = switch (args[3]) {
                case "replay" -> SyncRule.alwaysReplay();
                case "checkpoint" -> SyncRule.alwaysCheckpoint();
                default -> SyncRule.defaults();
            };
            Dataset train = DEMO.train();
            Dataset shard = FederatedSimulation.partition(config, train).clientDataset(train, id);
            try (SyncedModel<LabelledBatch> synced = new SyncedModel<>(model, estimator, pool)) {
                Client<LabelledBatch> client = new Client<>(id, shard, FederatedSimulation.batchFactory(model), synced);
                FederationClient anon = FederationClient.connect(base, null);
                FederationClient me = anon.login(anon.register(id, NetFixtures.ENROLMENT));
                FederationClient.Summary s = me.participate(client, rule, e -> { });
                String bits = Arrays.stream(PublicFixtures.bits(model.parameters())).mapToObj(Integer::toString)
                        .collect(Collectors.joining(","));
                Files.writeString(Path.of(args[4]), s.finalRound() + " " + s.roundsTrained() + " " + s.checkpointsLoaded()
                        + " " + s.roundsReplayed() + "\n" + bits + "\n");
            }
        }
        System.exit(0);
    }
}
