package dev.zoft.cli;

import dev.zoft.federation.Client;
import dev.zoft.federation.DirectionCaps;
import dev.zoft.federation.FederatedSimulation;
import dev.zoft.federation.SimulationConfig;
import dev.zoft.federation.SyncedModel;
import dev.zoft.federation.net.Coordinator;
import dev.zoft.federation.net.FederationClient;
import dev.zoft.federation.net.SyncRule;
import dev.zoft.federation.net.Tls;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.zo.data.Dataset;
import dev.zoft.zo.data.DatasetSplits;
import dev.zoft.zo.estimate.BlockScales;
import dev.zoft.zo.estimate.Estimator;
import dev.zoft.zo.estimate.ZoSettings;
import dev.zoft.zo.task.EncoderClassifier;
import dev.zoft.zo.task.LabelledBatch;
import dev.zoft.zo.train.BaseModel;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * {@code zoft client}: one device of a networked federation ({@link FederationClient}). Registers
 * once (keeping its credentials in a file), then takes part in every round it is sampled in until
 * the run is finished, and reports the final model's dev accuracy.
 */
final class ClientCommand implements Command {

    private static final Set<String> OWN = Set.of("server", "id", "credentials", "enrolment-key-file", "truststore",
            "sync", "bandwidth", "data", "dev", "own-data", "caps");

    @Override
    public String name() {
        return "client";
    }

    @Override
    public String summary() {
        return "take part in a networked federation as one device";
    }

    @Override
    public String usage() {
        return """
                usage: zoft client --server URL --id N [options]

                Joins the federation a 'zoft server' coordinates: for each round this device is sampled in,
                syncs to the global model, runs the local ZO steps on its own data and uploads only the
                scalars; at the end it holds the final global model and prints its dev accuracy.

                  --server URL             e.g. https://coordinator:8080/ (required)
                  --id N                   this device's client id, 0..clients-1 (required)
                  --credentials FILE       where the token is kept (default zoft-client-N.credentials);
                                           registers first if the file does not exist
                  --enrolment-key-file F   the server's enrolment key, needed once to register
                                           ($ZOFT_ENROLMENT_KEY overrides)
                  --truststore FILE        trust the server certificate in this key store (HTTPS;
                                           password from $ZOFT_KEYSTORE_PASS, default changeit)
                  --sync MODE              catching up on missed rounds: auto (the cheaper of replaying and a
                                           checkpoint), replay or checkpoint (default auto)
                  --bandwidth MBPS         download speed assumed by --sync auto (default 10)
                  --data PATH, --dev FILE  the training set whose Dirichlet shard N this device holds, as in
                                           zoft simulate (default: the demo set)
                  --own-data FILE          train on this file instead of a shard of --data
                  --caps P1:P2             a slow device: run at most P1 block-1 and P2 block-2 directions of
                                           the round's FedSPZO (P for mezo: at most P directions) and upload
                                           only those scalars (the server averages each over its clients)
                %s
                %s

                The federation and training flags must match the server's (checked against its status).""".formatted(
                FederationOptions.USAGE, TrainingOptions.USAGE);
    }

    @Override
    public int run(List<String> argv, PrintStream out) throws Exception {
        Args args = Args.parse(argv, FederationOptions.valued(OWN.toArray(String[]::new)), Set.of("skip-malformed"));
        args.noPositional("client");
        TrainingOptions t = TrainingOptions.parse(args, SimulateCommand.DEFAULTS);
        SimulationConfig config = FederationOptions.parse(args, t);
        String server = args.string("server", null);
        if (server == null || !args.has("id")) {
            throw new UsageException("--server URL and --id N are required");
        }
        int id = args.integer("id", 0, 0, config.clients() - 1);
        URI base;
        try {
            base = URI.create(server.endsWith("/") ? server : server + "/");
        } catch (IllegalArgumentException e) {
            throw new UsageException("--server: " + e.getMessage());
        }
        if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme())) {
            throw new UsageException("--server must be an http:// or https:// URL, got " + server);
        }
        DirectionCaps caps = null;
        if (args.has("caps")) {
            try {
                caps = DirectionCaps.parse(args.string("caps", ""));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--caps: " + e.getMessage());
            }
            Estimator round = config.createEstimator();
            if (caps.capped(round) == round) {
                throw new UsageException("--caps " + args.string("caps", "") + " lowers no direction count of " + round
                        + " (P caps mezo, P1:P2 caps fedspzo)");
            }
        }
        double bandwidth = args.real("bandwidth", 10, 1e-6, 1e6);
        SyncRule rule = switch (args.choice("sync", "auto", List.of("auto", "replay", "checkpoint"))) {
            case "replay" -> SyncRule.alwaysReplay();
            case "checkpoint" -> SyncRule.alwaysCheckpoint();
            default -> new SyncRule(SyncRule.defaults().nanosPerParameterUpdate(), bandwidth * 1e6);
        };
        SSLContext tls = args.has("truststore")
                ? Tls.trusting(Path.of(args.string("truststore", "")), ServerCommand.keystorePassword()) : null;
        Path credFile = Path.of(args.string("credentials", "zoft-client-" + id + ".credentials"));

        DatasetSplits data = DataOptions.trainAndDev(args, t.seed(), out);
        Dataset shard;
        if (args.has("own-data")) {
            Args own = Args.parse(List.of("--data", args.string("own-data", ""), "--dev", args.string("own-data", "")),
                    Set.of("data", "dev"), Set.of());
            shard = DataOptions.trainAndDev(own, t.seed(), out).train();
        } else {
            shard = FederatedSimulation.partition(config, data.train()).clientDataset(data.train(), id);
        }

        FederationClient anon = FederationClient.connect(base, tls);
        FederationClient.Credentials me;
        if (Files.exists(credFile)) {
            me = FederationClient.Credentials.load(credFile);
            if (me.client() != id) {
                throw new IOException(credFile + " holds the credentials of client " + me.client() + ", not " + id);
            }
        } else {
            me = anon.register(id, enrolmentKey(args));
            me.save(credFile);
            out.println("registered as client " + id + "; credentials in " + credFile);
        }
        FederationClient fc = anon.login(me);
        Coordinator.Status status;
        try {
            status = fc.status();
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            // e.g. block scales the record's own check refuses: say whose data it is
            throw new IOException("the server " + base + " published an invalid status: " + e.getOriginalMessage(), e);
        }
        checkAgreement(status, config);

        BaseModel model0 = BaseModel.bundledMiniLm();
        try (WorkerPool pool = WorkerPool.create();
             EncoderClassifier model = model0.classifier(Kernels.create(VectorWidth.configured(), pool), config.classifierOptions());
             SyncedModel<LabelledBatch> synced = new SyncedModel<>(model, config.createEstimator(), pool)) {
            Client<LabelledBatch> client = new Client<>(id, shard, FederatedSimulation.batchFactory(model), synced, null, caps);
            if (caps != null) {
                out.println("slow device: at most " + caps.describe() + " directions per step (" + caps.capped(synced.estimator())
                        + ")");
            }
            out.printf(Locale.ROOT, "client %d: %d training examples, %d trainable parameters, server %s%n", id,
                    shard.size(), model.parameters().size(), base);
            out.flush();
            FederationClient.Summary s = fc.participate(client, rule, e -> {
                out.println(e);
                out.flush();
            });
            double acc = model.evaluate(model.batches(data.dev().texts(), data.dev().labelArray(), FederatedSimulation.EVAL_BATCH))
                    .accuracy();
            out.printf(Locale.ROOT, "finished at round %d: trained %d rounds, replayed %d, %d checkpoints; %d bytes up, %d down%n",
                    s.finalRound(), s.roundsTrained(), s.roundsReplayed(), s.checkpointsLoaded(), s.bytesUp(), s.bytesDown());
            out.printf(Locale.ROOT, "final dev accuracy: %.2f %%%n", 100 * acc);
        }
        return 0;
    }

    private static String enrolmentKey(Args args) throws IOException {
        String env = System.getenv("ZOFT_ENROLMENT_KEY");
        if (env != null && !env.isBlank()) {
            return env.strip();
        }
        if (!args.has("enrolment-key-file")) {
            throw new UsageException("not registered yet: give --enrolment-key-file (or $ZOFT_ENROLMENT_KEY)");
        }
        return Files.readString(Path.of(args.string("enrolment-key-file", "")), StandardCharsets.UTF_8).strip();
    }

    /**
     * The server runs the same federation as these flags describe, or a clear error naming the
     * difference. The knobs beyond the paper are checked twice: the server's estimator description
     * names those that differ from their defaults, and its published bound and block scales must be
     * valid (a hostile or broken server's NaN or negative value is refused) and equal to these flags'.
     */
    static void checkAgreement(Coordinator.Status s, SimulationConfig c) throws IOException {
        float clip = s.clip() == null ? ZoSettings.NO_CLIP : s.clip();
        BlockScales scales = s.scales() == null ? BlockScales.uniform(c.estimator().epsilon()) : s.scales();
        try {
            c.estimator().create(clip, scales);
        } catch (IllegalArgumentException e) {
            throw new IOException("the server published an invalid plan (clip " + s.clip() + ", block scales " + s.scales()
                    + "): " + e.getMessage(), e);
        }
        StringBuilder diff = new StringBuilder();
        compare(diff, "clients", s.clients(), c.clients());
        compare(diff, "per-round", s.perRound(), c.clientsPerRound());
        compare(diff, "local-steps", s.localSteps(), c.localSteps());
        compare(diff, "rounds", s.totalRounds(), c.rounds());
        compare(diff, "batch", s.batchSize(), c.batchSize());
        compare(diff, "seed", s.runSeed(), c.seed());
        if (!s.estimator().equals(c.describeEstimator())) {
            diff.append(" estimator: server ").append(s.estimator()).append(", here ").append(c.describeEstimator()).append(';');
        }
        if (clip != c.clip()) {
            diff.append(" --clip server ").append(knob(clip)).append(", here ").append(knob(c.clip())).append(';');
        }
        if (!scales.equals(c.scales())) {
            diff.append(" --eps1/--eps2/--lr1/--lr2 server ").append(scales).append(", here ").append(c.scales()).append(';');
        }
        if (!diff.isEmpty()) {
            throw new IOException("the server runs another federation:" + diff);
        }
    }

    private static String knob(float clip) {
        return clip == ZoSettings.NO_CLIP ? "off" : Float.toString(clip);
    }

    private static void compare(StringBuilder diff, String flag, long server, long here) {
        if (server != here) {
            diff.append(" --").append(flag).append(" server ").append(server).append(", here ").append(here).append(';');
        }
    }
}
