package dev.zoft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.federation.RoundLog;
import dev.zoft.federation.SimulationConfig;
import dev.zoft.federation.net.Coordinator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code zoft server} and {@code zoft client}: arguments, the agreement check, and one real round with MiniLM. */
class NetworkCommandsTest {

    private static int run(ByteArrayOutputStream out, ByteArrayOutputStream err, String... argv) {
        return Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void missingRequiredOptionsAreUsageErrors() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, run(out, err, "server"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--state DIR is required"), err.toString());
        assertEquals(2, run(out, err, "client", "--id", "0"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--server URL and --id N are required"));
        assertEquals(2, run(out, err, "client", "--id", "0", "--server", "ftp://x/"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("http:// or https://"));
        for (String caps : new String[] {"1:2:3", "0:1", "x", "1:4", "9"}) {
            err.reset();
            assertEquals(2, run(out, err, "client", "--id", "0", "--server", "http://127.0.0.1:1/", "--caps", caps), caps);
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("--caps"), err.toString());
        }
        assertEquals(2, run(out, err, "server", "--state", "x", "--quorum", "9", "--per-round", "4"));
        assertEquals(2, run(out, err, "server", "--state", "x", "--aggregator", "trimmed:0.7"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--aggregator:"), err.toString());
    }

    @Test
    void aClientRefusesAServerRunningAnotherFederation() throws IOException {
        SimulationConfig c = SimulationConfig.builder().clients(10).clientsPerRound(4).rounds(40).localSteps(2).seed(42).build();
        Coordinator.Status same = new Coordinator.Status(1, 40, 0, 1, 0, 4, 0, 4, 0, false, 10, 1, 4, 2, 16, 8, 42,
                c.estimator().describe(), 0, 0);
        ClientCommandAccess.check(same, c);
        Coordinator.Status other = new Coordinator.Status(1, 40, 0, 1, 0, 4, 0, 4, 0, false, 10, 1, 5, 2, 16, 8, 43,
                c.estimator().describe(), 0, 0);
        IOException e = assertThrows(IOException.class, () -> ClientCommandAccess.check(other, c));
        assertTrue(e.getMessage().contains("--per-round server 5, here 4") && e.getMessage().contains("--seed server 43"),
                e.getMessage());
    }

    /** Reaches the package-private check. */
    static final class ClientCommandAccess {
        static void check(Coordinator.Status s, SimulationConfig c) throws IOException {
            ClientCommand.checkAgreement(s, c);
        }
    }

    @Test
    void oneRoundOfMiniLmOverHttpThroughTheCommands(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String[] fed = {"--clients", "2", "--per-round", "1", "--rounds", "1", "--local-steps", "1", "--batch", "2",
                "--subset", "head", "--threads", "1", "--max-tokens", "16"};
        Path state = dir.resolve("state");
        ByteArrayOutputStream serverOut = new ByteArrayOutputStream();
        ByteArrayOutputStream serverErr = new ByteArrayOutputStream();
        String[] serverArgs = concat(new String[] {"server", "--state", state.toString(), "--port", Integer.toString(port),
                "--checkpoint-every", "1"}, fed);
        // Own threads: the common pool may have a single thread on a small machine.
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newCachedThreadPool();
        CompletableFuture<Integer> server = CompletableFuture.supplyAsync(() -> run(serverOut, serverErr, serverArgs), threads);
        Path key = state.resolve("enrolment.key");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!serverOut.toString(StandardCharsets.UTF_8).contains("zoft server: http://")) {
            assertTrue(System.nanoTime() < deadline, "server did not start: " + serverErr);
            assertTrue(!server.isDone(), "server stopped: " + serverErr);
            Thread.sleep(50);
        }
        // Either client may be the sampled one: both run at once, each until the run is finished.
        ByteArrayOutputStream[] outs = {new ByteArrayOutputStream(), new ByteArrayOutputStream()};
        ByteArrayOutputStream[] errs = {new ByteArrayOutputStream(), new ByteArrayOutputStream()};
        java.util.List<CompletableFuture<Integer>> clients = new java.util.ArrayList<>();
        // The client round 1 samples (seed 42, the default) is a slow device: its partial upload goes over HTTP.
        int slow = dev.zoft.federation.Server.select(2, 1, dev.zoft.federation.FederationSeeds.reselection(42, 1, 0))[0];
        for (int id = 0; id < 2; id++) {
            String[] clientArgs = concat(new String[] {"client", "--server", "http://127.0.0.1:" + port, "--id",
                    Integer.toString(id), "--enrolment-key-file", key.toString(), "--credentials",
                    dir.resolve("c" + id).toString()}, id == slow ? concat(new String[] {"--caps", "1:2"}, fed) : fed);
            int i = id;
            clients.add(CompletableFuture.supplyAsync(() -> run(outs[i], errs[i], clientArgs), threads));
        }
        for (int id = 0; id < 2; id++) {
            assertEquals(0, (int) clients.get(id).get(240, TimeUnit.SECONDS), errs[id].toString(StandardCharsets.UTF_8));
            String o = outs[id].toString(StandardCharsets.UTF_8);
            assertTrue(o.contains("finished at round 1") && o.contains("final dev accuracy"), o);
            assertEquals(id == slow, o.contains("slow device: at most p1=1,p2=2 directions per step"), o);
        }
        assertEquals(0, (int) server.get(60, TimeUnit.SECONDS), serverErr.toString(StandardCharsets.UTF_8));
        threads.shutdown();
        assertEquals(1, RoundLog.readRounds(state.resolve(RoundLog.ROUNDS_FILE)).size());
        assertEquals(slow, RoundLog.readRounds(state.resolve(RoundLog.ROUNDS_FILE)).getFirst().clients()[0], "the slow device uploaded");
        assertTrue(Files.exists(dir.resolve("c0")) && Files.exists(dir.resolve("c1")));
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
