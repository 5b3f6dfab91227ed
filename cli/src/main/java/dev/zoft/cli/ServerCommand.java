package dev.zoft.cli;

import dev.zoft.federation.FederatedSimulation;
import dev.zoft.federation.RoundLog;
import dev.zoft.federation.SimulationConfig;
import dev.zoft.federation.SyncedModel;
import dev.zoft.federation.aggregate.AggregatorSpec;
import dev.zoft.federation.net.Checkpoints;
import dev.zoft.federation.net.Coordinator;
import dev.zoft.federation.net.FederationHttpServer;
import dev.zoft.federation.net.FederationPlan;
import dev.zoft.federation.net.RoundPolicy;
import dev.zoft.federation.net.Tls;
import dev.zoft.federation.net.TokenStore;
import dev.zoft.federation.net.UploadLimits;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.zo.task.EncoderClassifier;
import dev.zoft.zo.train.BaseModel;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * {@code zoft server}: the coordinator of a networked federation over HTTP(S) ({@link Coordinator}
 * behind {@link FederationHttpServer}), finetuning MiniLM as {@code zoft simulate} would, with its
 * state (round log, journal, checkpoints) in {@code --state}; restarted on the same folder it resumes
 * where it stopped.
 */
final class ServerCommand implements Command {

    private static final Set<String> OWN = Set.of("state", "port", "bind", "keystore", "enrolment-key-file", "quorum",
            "round-timeout", "checkpoint-every", "max-abs-scalar", "max-body", "aggregator");

    @Override
    public String name() {
        return "server";
    }

    @Override
    public String summary() {
        return "coordinate a networked federation over HTTP(S) (durable, resumable)";
    }

    @Override
    public String usage() {
        return """
                usage: zoft server --state DIR [options]

                Serves the rounds of a federated ZO finetuning of all-MiniLM-L6-v2 to devices running
                'zoft client'. Every accepted upload and every round is forced to disk before it is
                acknowledged; run it again on the same --state folder and it resumes exactly where it was.

                  --state DIR              state folder (round log, journal, checkpoints), required
                  --port P                 TCP port (default 8080; 0 = any free port)
                  --bind ADDR              address to listen on (default 127.0.0.1; 0.0.0.0 = all)
                  --keystore FILE          serve HTTPS with this PKCS#12/JKS key store
                                           (password from $ZOFT_KEYSTORE_PASS, default changeit)
                  --enrolment-key-file F   the secret devices show to register; default: DIR/enrolment.key,
                                           created with a random key if missing ($ZOFT_ENROLMENT_KEY overrides)
                  --quorum Q               uploads that close a round at its deadline (default: all sampled)
                  --round-timeout SEC      deadline of a round (default 600); below the quorum the round is
                                           re-opened with a fresh sample of clients
                  --checkpoint-every K     write a checkpoint of the global model every K rounds (default 10;
                                           0 = none) for devices that missed many rounds
                  --max-abs-scalar X       refuse uploads with a |scalar| above X (default 1e6)
                  --max-body BYTES         refuse request bodies above BYTES (default 1048576)
                  --aggregator A           mean (default, weighted by samples) | median | trimmed:β
                                           (robust to poisoning devices: one vote each)
                %s
                %s

                The federation and training flags must match the clients'; defaults are zoft simulate's.""".formatted(
                FederationOptions.USAGE, TrainingOptions.USAGE);
    }

    @Override
    public int run(List<String> argv, PrintStream out) throws Exception {
        Args args = Args.parse(argv, FederationOptions.valued(OWN.toArray(String[]::new)), Set.of());
        args.noPositional("server");
        TrainingOptions t = TrainingOptions.parse(args, SimulateCommand.DEFAULTS);
        SimulationConfig config = FederationOptions.parse(args, t);
        String aggregatorText = args.string("aggregator", "mean");
        try {
            config = config.toBuilder().aggregator(AggregatorSpec.parse(aggregatorText)).build();
        } catch (IllegalArgumentException e) {
            throw new UsageException("--aggregator: " + e.getMessage());
        }
        String stateText = args.string("state", null);
        if (stateText == null) {
            throw new UsageException("--state DIR is required");
        }
        Path state = Path.of(stateText);
        int port = args.integer("port", 8080, 0, 65535);
        String bind = args.string("bind", "127.0.0.1");
        int quorum = args.integer("quorum", config.clientsPerRound(), 1, config.clientsPerRound());
        int timeout = args.integer("round-timeout", 600, 1, 30 * 24 * 3600);
        int every = args.integer("checkpoint-every", 10, 0, 1_000_000);
        double maxAbs = args.real("max-abs-scalar", 1e6, 1e-30, 1e30);
        int maxBody = args.integer("max-body", 1 << 20, 64, 1 << 30);
        String keystore = args.string("keystore", null);
        Files.createDirectories(state);
        String key = enrolmentKey(args, state, out);
        SSLContext tls = keystore == null ? null : Tls.server(Path.of(keystore), keystorePassword());

        BaseModel base = BaseModel.bundledMiniLm();
        try (WorkerPool pool = WorkerPool.create();
             EncoderClassifier model = base.classifier(Kernels.create(VectorWidth.configured(), pool), config.classifierOptions());
             Coordinator coordinator = Coordinator.open(state, FederatedSimulation.header(config, model, base.name(), base.sha256()),
                     FederationPlan.of(config), new RoundPolicy(quorum, Duration.ofSeconds(timeout)),
                     new UploadLimits(maxAbs, 10_000_000, maxBody), config.aggregator().create(), System::currentTimeMillis);
             SyncedModel<?> replica = new SyncedModel<>(model, config.createEstimator(), pool)) {
            if (every > 0) {
                coordinator.attach(new Checkpoints(state, replica, every));
            }
            try (FederationHttpServer http = FederationHttpServer.start(coordinator, new InetSocketAddress(bind, port), tls, key)) {
                out.printf(Locale.ROOT, "zoft server: %s://%s:%d/ , state %s%n", tls == null ? "http" : "https", bind,
                        http.port(), state.toAbsolutePath());
                out.printf(Locale.ROOT, "federation: %d clients, %d per round (quorum %d, deadline %d s), %d local steps, %d rounds; %s%n",
                        config.clients(), config.clientsPerRound(), quorum, timeout, config.localSteps(), config.rounds(),
                        config.describeEstimator() + ", aggregator " + config.aggregator().format());
                out.flush();
                watch(coordinator, out);
            }
            out.println("run finished: " + coordinator.completedRounds() + " rounds in " + state.resolve(RoundLog.ROUNDS_FILE)
                    + "; its seed log " + RoundLog.SEED_LOG_FILE + " replays onto the base model");
        }
        return 0;
    }

    /** Prints the state when it changes, until the run is finished (then serves 10 more seconds for late syncs). */
    private static void watch(Coordinator c, PrintStream out) throws InterruptedException {
        String last = "";
        while (true) {
            Coordinator.Status s = c.status();
            String line = String.format(Locale.ROOT, "round %d/%d: %d/%d uploads (attempt %d), %d clients registered",
                    s.finished() ? s.completedRounds() : s.openRound(), s.totalRounds(), s.uploads(), s.sampled(),
                    s.attempt(), s.registered());
            if (!line.equals(last)) {
                out.println(line);
                out.flush();
                last = line;
            }
            if (s.finished()) {
                Thread.sleep(10_000);
                return;
            }
            Thread.sleep(500);
        }
    }

    private static String enrolmentKey(Args args, Path state, PrintStream out) throws IOException {
        String env = System.getenv("ZOFT_ENROLMENT_KEY");
        if (env != null && !env.isBlank()) {
            return env.strip();
        }
        Path file = Path.of(args.string("enrolment-key-file", state.resolve("enrolment.key").toString()));
        if (Files.exists(file)) {
            String k = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (k.length() < 16) {
                throw new IOException(file + ": an enrolment key needs at least 16 characters");
            }
            return k;
        }
        String k = new TokenStore(new SecureRandom()).newToken();
        Files.writeString(file, k + "\n", StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not POSIX
        }
        out.println("enrolment key written to " + file + " (give it to the devices once, to register)");
        return k;
    }

    static char[] keystorePassword() {
        String p = System.getenv("ZOFT_KEYSTORE_PASS");
        return (p == null ? "changeit" : p).toCharArray();
    }
}
