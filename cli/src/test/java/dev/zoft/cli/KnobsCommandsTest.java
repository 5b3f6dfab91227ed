package dev.zoft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.zoft.federation.RoundLog;
import dev.zoft.federation.SimulationConfig;
import dev.zoft.federation.method.DirectionSchedule;
import dev.zoft.federation.net.Coordinator;
import dev.zoft.federation.net.FederationClient;
import dev.zoft.federation.protocol.RoundRecord;
import dev.zoft.zo.estimate.BlockScales;
import dev.zoft.zo.log.SeedLog;
import dev.zoft.zo.metrics.RoundMetrics;
import dev.zoft.zo.train.Finetuner;
import dev.zoft.zo.train.RunManifest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The knobs beyond the paper through the commands: the configurations the commands build (off =
 * what they built before), {@code zoft finetune} and {@code zoft simulate} runs with them (MiniLM,
 * a few sentences), and {@code zoft client}'s checks of the knobs a server publishes.
 */
class KnobsCommandsTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int zoft(String... argv) {
        out.reset();
        err.reset();
        return Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static TrainingOptions training(TrainingOptions.Defaults d, String... argv) {
        return TrainingOptions.parse(Args.parse(List.of(argv), FederationOptions.valued(), Set.of()), d);
    }

    private static SimulationConfig federation(String... argv) {
        Args a = Args.parse(List.of(argv), FederationOptions.valued(), Set.of());
        return FederationOptions.parse(a, TrainingOptions.parse(a, SimulateCommand.DEFAULTS));
    }

    @Test
    void withoutTheFlagsTheCommandsBuildWhatTheyBuiltBefore() {
        TrainingOptions t = training(TrainingOptions.Defaults.FINETUNE, "--lr", "2e-3", "--seed", "5");
        // The finetune configuration as FinetuneCommand wrote it before the knobs.
        assertEquals(new Finetuner.Config(t.estimator(), t.learningRate(100), t.batch(), 100, t.seed(), 25, 0),
                t.finetuneConfig(100, 25, 0));
        // The federation configuration as FederationOptions built it before the knobs.
        SimulationConfig c = federation("--rounds", "3");
        TrainingOptions s = training(SimulateCommand.DEFAULTS, "--rounds", "3");
        assertEquals(SimulationConfig.builder().clients(SimulateCommand.DEFAULT_CLIENTS).alpha(SimulateCommand.DEFAULT_ALPHA)
                .clientsPerRound(SimulateCommand.DEFAULT_PER_ROUND).localSteps(SimulateCommand.DEFAULT_LOCAL_STEPS).rounds(3)
                .batchSize(s.batch()).estimator(s.estimator()).learningRate(s.lr()).finalLearningRate(0)
                .trainable(s.subset()).splitLayer(s.split()).seed(s.seed()).evalEvery(0).maxTokens(s.maxTokens()).build(), c);
        assertEquals(c.estimator().describe(), c.describeEstimator());
    }

    @Test
    void theFlagsReachTheFinetuneAndFederationConfigurations() {
        TrainingOptions t = training(TrainingOptions.Defaults.FINETUNE, "--clip", "4", "--lr1", "0", "--eps2", "2e-3");
        Finetuner.Config f = t.finetuneConfig(10, 5, 0);
        assertEquals(4f, f.clip());
        assertEquals(new BlockScales(1e-3f, 2e-3f, 0, 1), f.scales());
        SimulationConfig c = federation("--clip", "4", "--lr1", "0", "--eps2", "2e-3");
        assertEquals(4f, c.clip());
        assertEquals(new BlockScales(1e-3f, 2e-3f, 0, 1), c.scales());
        assertEquals(4f, c.createEstimator().settings().clip());
    }

    @Test
    void aClientComparesTheServersKnobsWithItsFlags() throws IOException {
        SimulationConfig here = federation();
        SimulationConfig knobs = federation("--clip", "2", "--lr1", "0.5");
        // The server runs the knobs, this client does not: both the description and the knob differ.
        IOException e = assertThrows(IOException.class, () -> ClientCommand.checkAgreement(status(knobs), here));
        assertTrue(e.getMessage().contains("--clip server 2.0, here off"), e.getMessage());
        assertTrue(e.getMessage().contains("--eps1/--eps2/--lr1/--lr2 server"), e.getMessage());
        assertTrue(e.getMessage().contains("estimator: server " + knobs.describeEstimator()), e.getMessage());
        // The other way round, and agreement.
        IOException back = assertThrows(IOException.class, () -> ClientCommand.checkAgreement(status(here), knobs));
        assertTrue(back.getMessage().contains("--clip server off, here 2.0"), back.getMessage());
        ClientCommand.checkAgreement(status(knobs), knobs);
        ClientCommand.checkAgreement(status(here), here);
        // A server from before the knobs: the status without them agrees with a client without them.
        Coordinator.Status s = status(here);
        ClientCommand.checkAgreement(new Coordinator.Status(s.protocolVersion(), s.totalRounds(), 0, 0, 0, 0, 0, 1, 0, false,
                s.clients(), 0, s.perRound(), s.localSteps(), s.batchSize(), s.scalarsPerStep(), s.runSeed(), s.estimator(), 0, 0),
                here);
    }

    @Test
    void aClientRefusesAnInvalidPublishedPlan() {
        SimulationConfig here = federation();
        Coordinator.Status s = status(here);
        for (Float clip : new Float[] {-1f, 0f, Float.NaN, Float.NEGATIVE_INFINITY}) {
            IOException e = assertThrows(IOException.class, () -> ClientCommand.checkAgreement(withKnobs(s, clip, null), here));
            assertTrue(e.getMessage().startsWith("the server published an invalid plan")
                    && e.getMessage().contains("clipping bound must be positive"), e.getMessage());
        }
        SimulationConfig mezo = federation("--estimator", "mezo");
        IOException e = assertThrows(IOException.class, () -> ClientCommand.checkAgreement(
                withKnobs(status(mezo), null, new BlockScales(1e-3f, 1e-3f, 0, 1)), mezo));
        assertTrue(e.getMessage().contains("MeZO has one block"), e.getMessage());
    }

    /** {@code zoft client} against a server whose status holds a NaN block epsilon: a one-line error, no round run. */
    @Test
    void zoftClientRefusesAHostileServersStatus(@TempDir Path dir) throws IOException {
        String hostile = new String(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(
                withKnobs(status(federation()), 1f, new BlockScales(2e-3f, 1e-3f, 1, 1))), StandardCharsets.UTF_8)
                .replace("\"eps1\":0.002", "\"eps1\":\"NaN\"");
        assertTrue(hostile.contains("\"NaN\""), hostile);
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/v1/status", ex -> {
            byte[] body = hostile.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        http.start();
        try {
            Path creds = dir.resolve("c0");
            new FederationClient.Credentials(0, "token").save(creds);
            int status = zoft("client", "--server", "http://127.0.0.1:" + http.getAddress().getPort() + "/", "--id", "0",
                    "--credentials", creds.toString(), "--threads", "1");
            assertEquals(1, status, out() + err());
            assertTrue(err().contains("published an invalid status") && err().contains("a block's epsilon must be positive"),
                    err());
            assertFalse(out().contains("client 0:"), "no model was loaded: " + out());
        } finally {
            http.stop(0);
        }
    }

    /**
     * {@code zoft finetune} with clipping and lr1 = 0 on MiniLM (top-2 layers, split at 5: block 1
     * holds layer 4, block 2 layer 5 + head), then {@code zoft apply} and {@code zoft eval}: the
     * manifest and the header name the knobs, only block 2 moved, and the replayed model has the
     * dev accuracy the run reported.
     */
    @Test
    void finetuneWithKnobsReplaysThroughApplyAndEval(@TempDir Path dir) throws IOException {
        Path run = dir.resolve("run");
        assertEquals(0, zoft("finetune", "--steps", "2", "--batch", "2", "--eval-every", "2", "--dev-size", "8",
                "--subset", "top-2", "--split", "5", "--p1", "1", "--p2", "2", "--max-tokens", "16", "--lr", "1e-2",
                "--clip", "0.05", "--lr1", "0", "--threads", "2", "--out", run.toString()), out() + err());
        assertTrue(out().contains(" lr1=0.0 lr2=1.0 clip=0.05, lr 0.01"), out());
        RunManifest m = RunManifest.read(run.resolve(RunManifest.FILE_NAME));
        assertEquals(0.05f, m.clipBound());
        assertEquals(new BlockScales(1e-3f, 1e-3f, 0, 1), m.scales());
        SeedLog log = SeedLog.read(run.resolve(m.seedLog()));
        // The block-1 updates carry lr1 = 0: a zero coefficient (they are still logged, one per direction).
        for (var u : log.updates()) {
            assertTrue(u.scope() != dev.zoft.zo.params.Scope.BLOCK1 || u.coefficient() == 0f, u.toString());
        }
        assertTrue(log.updates().stream().anyMatch(u -> u.coefficient() != 0f), "block 2 moved");

        assertEquals(0, zoft("apply", "--run", run.toString(), "--threads", "2"), err());
        assertTrue(out().contains(m.describeEstimator()), out());
        assertEquals(0, zoft("eval", "--run", run.toString(), "--dev-size", "8", "--threads", "2"), err());
        String finetuned = out().lines().filter(l -> l.startsWith("finetuned")).findFirst().orElseThrow();
        List<RoundMetrics> rows = MetricsCsv.read(run.resolve(FinetuneCommand.METRICS_CSV));
        String expected = String.format(java.util.Locale.ROOT, "accuracy %.2f %%", 100 * rows.getLast().devAccuracy());
        assertTrue(finetuned.contains(expected), finetuned + " vs " + expected);
    }

    /** {@code zoft simulate} with a clip bound: every aggregated scalar within it, the header names it. */
    @Test
    void simulateWithAClipBoundKeepsEveryAggregateWithinIt(@TempDir Path dir) throws IOException {
        Path plain = dir.resolve("plain");
        Path clipped = dir.resolve("clipped");
        String[] common = {"simulate", "--clients", "2", "--per-round", "2", "--local-steps", "1", "--rounds", "1",
                "--batch", "2", "--max-tokens", "16", "--subset", "head", "--dev-size", "8", "--eval-every", "0",
                "--estimator", "mezo", "--p", "2", "--threads", "2"};
        assertEquals(0, zoft(concat(common, "--out", plain.toString())), err());
        List<RoundRecord> free = RoundLog.readRounds(plain.resolve(RoundLog.ROUNDS_FILE));
        double observed = 0;
        for (float x : free.getFirst().aggregate().scalars().values()) {
            observed = Math.max(observed, Math.abs(x));
        }
        float bound = (float) (observed / 4);
        assertTrue(bound > 0, "the plain run's scalars are not all zero");
        assertEquals(0, zoft(concat(common, "--out", clipped.toString(), "--clip", Float.toString(bound))), err());
        assertTrue(out().contains(" clip=" + bound), out());
        List<RoundRecord> kept = RoundLog.readRounds(clipped.resolve(RoundLog.ROUNDS_FILE));
        for (float x : kept.getFirst().aggregate().scalars().values()) {
            assertTrue(Math.abs(x) <= bound, x + " beyond " + bound);
        }
        assertNotEquals(free, kept);
        assertTrue(SeedLog.read(clipped.resolve(RoundLog.SEED_LOG_FILE)).header().split().endsWith(" clip=" + bound),
                "the seed log header names the bound");
    }

    @Test
    void directionSchedulesParseAndBadOnesAreUsageErrors() {
        assertEquals(DirectionSchedule.piecewise(new int[] {1, 20}, new int[] {2, 8}),
                SimulateCommand.parseSchedule("p2-schedule", " 2@1; 8@20 ", 40));
        assertEquals(DirectionSchedule.linear(2, 8, 40), SimulateCommand.parseSchedule("p2-schedule", "linear:2:8", 40));
        assertEquals(DirectionSchedule.linear(2, 8, 10), SimulateCommand.parseSchedule("p2-schedule", "LINEAR:2:8:10", 40));
        String[][] bad = {{"x", "is not COUNT@ROUND"}, {"2@2", "must start at round 1"}, {"0@1", "a direction count must be 1 to"},
                {"2@1;3@1", "start rounds must increase"}, {"linear:2", "linear:FROM:TO[:ROUNDS]"}, {"2@one", "whole numbers"},
                {"linear:2:8:0", "needs the run's rounds"}, {"", "is not COUNT@ROUND"}};
        for (String[] b : bad) {
            UsageException e = assertThrows(UsageException.class, () -> SimulateCommand.parseSchedule("p2-schedule", b[0], 40), b[0]);
            assertTrue(e.getMessage().startsWith("--p2-schedule: ") && e.getMessage().contains(b[1]), e.getMessage());
        }
        // Through the command's arguments: the right flag for the estimator, and --p2 agreeing with round 1.
        assertEquals(2, zoft("simulate", "--p-schedule", "2@1"), err());
        assertTrue(err().contains("--p-schedule is MeZO's; FedSPZO takes --p2-schedule"), err());
        assertEquals(2, zoft("simulate", "--estimator", "mezo", "--p2-schedule", "2@1"), err());
        assertTrue(err().contains("--p2-schedule is FedSPZO's; MeZO takes --p-schedule"), err());
        assertEquals(2, zoft("simulate", "--p2", "4", "--p2-schedule", "2@1;8@3"), err());
        assertTrue(err().contains("--p2 4 differs from the round-1 count 2 of --p2-schedule 2@1;8@3"), err());
        assertEquals(2, zoft("simulate", "--p1", "4096", "--p2-schedule", "2@1;32@3"), err());
        assertTrue(err().contains("at most 65,536 directions"), err());
    }

    /** {@code zoft simulate --p2-schedule}: each round's uploads have that round's P1·P2 scalars per step. */
    @Test
    void simulateWithAP2Schedule(@TempDir Path dir) throws IOException {
        Path outDir = dir.resolve("sched");
        assertEquals(0, zoft("simulate", "--clients", "2", "--per-round", "1", "--local-steps", "1", "--rounds", "2",
                "--batch", "2", "--max-tokens", "16", "--subset", "head", "--dev-size", "8", "--eval-every", "0",
                "--p1", "1", "--p2-schedule", "1@1;2@2", "--threads", "2", "--out", outDir.toString()), err());
        assertTrue(out().contains("fedspzo P1=1 P2=1 eps=0.001 gaussian snapshot p2-schedule=1@1;2@2, lr"), out());
        List<RoundRecord> rounds = RoundLog.readRounds(outDir.resolve(RoundLog.ROUNDS_FILE));
        assertEquals(List.of(1, 2), rounds.stream().map(r -> r.aggregate().scalars().perStep()).toList());
    }

    private static int run(ByteArrayOutputStream o, ByteArrayOutputStream e, String... argv) {
        return Main.run(argv, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
    }

    /**
     * {@code zoft server} and two {@code zoft client}s with {@code --clip} and {@code --lr1 0} over
     * HTTP (MiniLM, one round of one step): a client without the knobs is refused naming them; the
     * round's aggregate is within the bound, block 1 did not move, the log header names the knobs.
     */
    @Test
    void serverAndClientsRunTheKnobsOverHttp(@TempDir Path dir) throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String[] fed = {"--clients", "2", "--per-round", "1", "--rounds", "1", "--local-steps", "1", "--batch", "2",
                "--subset", "top-2", "--split", "5", "--p2", "2", "--max-tokens", "16", "--threads", "1"};
        String[] knobs = {"--clip", "0.05", "--lr1", "0"};
        Path state = dir.resolve("state");
        ByteArrayOutputStream serverOut = new ByteArrayOutputStream();
        ByteArrayOutputStream serverErr = new ByteArrayOutputStream();
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newCachedThreadPool();
        try {
            var server = java.util.concurrent.CompletableFuture.supplyAsync(() -> run(serverOut, serverErr,
                    concat(concat(new String[] {"server", "--state", state.toString(), "--port", Integer.toString(port),
                            "--checkpoint-every", "0"}, fed), knobs)), threads);
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
            while (!serverOut.toString(StandardCharsets.UTF_8).contains("zoft server: http://")) {
                assertTrue(System.nanoTime() < deadline && !server.isDone(), "server did not start: " + serverErr);
                Thread.sleep(50);
            }
            assertTrue(serverOut.toString(StandardCharsets.UTF_8).contains(" lr1=0.0 lr2=1.0 clip=0.05, aggregator mean"),
                    serverOut.toString(StandardCharsets.UTF_8));
            String url = "http://127.0.0.1:" + port;
            String key = state.resolve("enrolment.key").toString();
            // Without the knobs: refused before any round, naming them.
            assertEquals(1, zoft(concat(new String[] {"client", "--server", url, "--id", "0", "--enrolment-key-file", key,
                    "--credentials", dir.resolve("c0").toString()}, fed)), out() + err());
            assertTrue(err().contains("--clip server 0.05, here off") && err().contains("--eps1/--eps2/--lr1/--lr2 server"),
                    err());
            ByteArrayOutputStream[] outs = {new ByteArrayOutputStream(), new ByteArrayOutputStream()};
            ByteArrayOutputStream[] errs = {new ByteArrayOutputStream(), new ByteArrayOutputStream()};
            List<java.util.concurrent.CompletableFuture<Integer>> clients = new java.util.ArrayList<>();
            for (int id = 0; id < 2; id++) {
                String[] argv = concat(concat(new String[] {"client", "--server", url, "--id", Integer.toString(id),
                        "--enrolment-key-file", key, "--credentials", dir.resolve("c" + id).toString()}, fed), knobs);
                int i = id;
                clients.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> run(outs[i], errs[i], argv), threads));
            }
            for (int id = 0; id < 2; id++) {
                assertEquals(0, (int) clients.get(id).get(240, java.util.concurrent.TimeUnit.SECONDS),
                        errs[id].toString(StandardCharsets.UTF_8));
            }
            assertEquals(0, (int) server.get(60, java.util.concurrent.TimeUnit.SECONDS), serverErr.toString(StandardCharsets.UTF_8));
        } finally {
            threads.shutdownNow();
        }
        List<RoundRecord> rounds = RoundLog.readRounds(state.resolve(RoundLog.ROUNDS_FILE));
        assertEquals(1, rounds.size());
        for (float x : rounds.getFirst().aggregate().scalars().values()) {
            assertTrue(Math.abs(x) <= 0.05f, x + " beyond the bound");
        }
        SeedLog log = SeedLog.read(state.resolve(RoundLog.SEED_LOG_FILE));
        assertTrue(log.header().split().contains(" lr1=0.0 lr2=1.0 clip=0.05"), log.header().split());
        for (var u : log.updates()) {
            assertTrue(u.scope() != dev.zoft.zo.params.Scope.BLOCK1 || u.coefficient() == 0f, u.toString());
        }
        assertTrue(log.updates().stream().anyMatch(u -> u.coefficient() != 0f), "block 2 moved");
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** The status a server running {@code c} publishes before its first round. */
    private static Coordinator.Status status(SimulationConfig c) {
        var plan = dev.zoft.federation.net.FederationPlan.of(c);
        return new Coordinator.Status(1, c.rounds(), 0, 1, 0, c.clientsPerRound(), 0, c.clientsPerRound(), 0, false,
                c.clients(), 0, c.clientsPerRound(), c.localSteps(), c.batchSize(), c.createEstimator().scalarsPerStep(),
                c.seed(), plan.describeEstimator(), 0, 0, plan.publishedClip(), plan.publishedScales());
    }

    private static Coordinator.Status withKnobs(Coordinator.Status s, Float clip, BlockScales scales) {
        return new Coordinator.Status(s.protocolVersion(), s.totalRounds(), s.completedRounds(), s.openRound(), s.attempt(),
                s.sampled(), s.uploads(), s.quorum(), s.deadlineMillis(), s.finished(), s.clients(), s.registered(),
                s.perRound(), s.localSteps(), s.batchSize(), s.scalarsPerStep(), s.runSeed(), s.estimator(),
                s.checkpointRound(), s.checkpointBytes(), clip, scales);
    }
}
