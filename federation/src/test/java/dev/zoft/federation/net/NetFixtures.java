package dev.zoft.federation.net;

import dev.zoft.federation.WeightedMean;
import dev.zoft.federation.protocol.ClientUpload;
import dev.zoft.federation.protocol.ProtocolCodec;
import dev.zoft.federation.protocol.StepScalars;
import dev.zoft.tensor.random.Distribution;
import dev.zoft.zo.estimate.LearningRate;
import dev.zoft.zo.log.SeedLog;
import dev.zoft.zo.train.EstimatorSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A model-free run for the network tests: MeZO with 2 directions, uploads a pure function of (round, client). */
final class NetFixtures {

    static final SeedLog.Header HEADER = new SeedLog.Header("none", new byte[32], Distribution.GAUSSIAN, "test", 1000);
    static final String ENROLMENT = "enrolment-key-for-tests";

    private NetFixtures() {
    }

    static FederationPlan plan(int clients, int perRound, int rounds) {
        return new FederationPlan(clients, perRound, 2, 4, rounds, LearningRate.constant(0.01), 7,
                EstimatorSpec.mezo(2, 1e-3f));
    }

    /** A clock the test moves by hand. */
    static final class Clock {
        final AtomicLong now = new AtomicLong(1_000_000);

        long get() {
            return now.get();
        }

        void advance(Duration d) {
            now.addAndGet(d.toMillis());
        }
    }

    static Coordinator open(Path dir, FederationPlan plan, int quorum, Duration timeout, Clock clock) throws IOException {
        return Coordinator.open(dir, HEADER, plan, new RoundPolicy(quorum, timeout), UploadLimits.defaults(),
                new WeightedMean(), clock::get);
    }

    /** Client {@code c}'s upload for {@code round}: S = 2 steps × 2 scalars, a deterministic function of both. */
    static ClientUpload upload(int round, int client) {
        float[] v = new float[4];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.sin(round * 31.0 + client * 7.0 + i);
        }
        return new ClientUpload(round, client, 10 + client, StepScalars.of(2, 2, v), 0.5 + client / 100.0);
    }

    static byte[] uploadBytes(int round, int client) {
        return ProtocolCodec.encode(upload(round, client));
    }

    /** Every state file's bytes, concatenated with their names (to assert that nothing changed). */
    static String stateOf(Path dir) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (var files = Files.list(dir)) {
            for (Path p : files.sorted().toList()) {
                sb.append(p.getFileName()).append(':').append(java.util.HexFormat.of().formatHex(Files.readAllBytes(p))).append('\n');
            }
        }
        return sb.toString();
    }
}
