package dev.zoft.federation.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.federation.FederatedSimulation;
import dev.zoft.federation.PublicFixtures;
import dev.zoft.federation.RoundListener;
import dev.zoft.federation.RoundLog;
import dev.zoft.federation.SimulationConfig;
import dev.zoft.federation.protocol.RoundRecord;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.zo.task.EncoderClassifier;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One server process and five client processes finetune the tiny BERT over HTTP on loopback; every
 * client ends at the model the in-process {@link FederatedSimulation} reaches with the same
 * configuration, bit for bit, and the server's round log equals the simulation's. Clients 0–1
 * always replay missed rounds, 2–3 always download a checkpoint when one is ahead, 4 follows the
 * default cost rule: both sync paths give the same bits.
 */
class MultiProcessFederationTest {

    @Test
    void serverAndClientProcessesReachTheSimulatorsModelBitForBit(@TempDir Path tmp) throws Exception {
        SimulationConfig config = TinyFederation.config();
        int[] expected;
        List<RoundRecord> expectedLog;
        try (WorkerPool pool = WorkerPool.create(1);
             EncoderClassifier model = PublicFixtures.tinyClassifier(pool, config.classifierOptions());
             FederatedSimulation sim = new FederatedSimulation(config, model, pool, TinyFederation.DEMO, "tiny",
                     new byte[32], null)) {
            sim.run(RoundListener.none());
            expected = PublicFixtures.bits(model.parameters());
            expectedLog = sim.log().records();
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path state = tmp.resolve("state");
        Path ready = tmp.resolve("ready");
        List<Process> all = new ArrayList<>();
        try {
            Process server = start(tmp, "server", "server", state.toString(), Integer.toString(port), ready.toString());
            all.add(server);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(ready)) {
                assertTrue(server.isAlive(), "server exited: " + Files.readString(tmp.resolve("server.log")));
                assertTrue(System.nanoTime() < deadline, "server not up in 60 s");
                Thread.sleep(20);
            }
            String[] rules = {"replay", "replay", "checkpoint", "checkpoint", "default"};
            List<Process> clients = new ArrayList<>();
            for (int id = 0; id < config.clients(); id++) {
                Process p = start(tmp, "client-" + id, "client", Integer.toString(id), Integer.toString(port), rules[id],
                        tmp.resolve("client-" + id + ".out").toString());
                clients.add(p);
                all.add(p);
            }
            for (int id = 0; id < clients.size(); id++) {
                assertTrue(clients.get(id).waitFor(240, TimeUnit.SECONDS), "client " + id + " did not finish");
                assertEquals(0, clients.get(id).exitValue(), Files.readString(tmp.resolve("client-" + id + ".log")));
            }
        } finally {
            for (Process p : all) {
                p.destroyForcibly();
                p.waitFor();
            }
        }
        assertEquals(expectedLog, RoundLog.readRounds(state.resolve(RoundLog.ROUNDS_FILE)));
        int checkpointsLoaded = 0;
        for (int id = 0; id < config.clients(); id++) {
            List<String> lines = Files.readAllLines(tmp.resolve("client-" + id + ".out"));
            String[] summary = lines.get(0).split(" ");
            assertEquals(config.rounds(), Integer.parseInt(summary[0]), "client " + id + " final round");
            int[] bits = Arrays.stream(lines.get(1).split(",")).mapToInt(Integer::parseInt).toArray();
            assertArrayEquals(expected, bits, "client " + id + " differs from the simulation");
            int loaded = Integer.parseInt(summary[2]);
            if (id < 2) {
                assertEquals(0, loaded, "client " + id + " must only replay");
            }
            if (id == 2 || id == 3) {
                assertTrue(loaded >= 1, "client " + id + " never loaded a checkpoint");
            }
            checkpointsLoaded += loaded;
        }
        System.out.println("MultiProcessFederationTest: " + config.clients() + " client processes, " + config.rounds()
                + " rounds, bit-identical to the simulation; checkpoints loaded: " + checkpointsLoaded);
    }

    private static Process start(Path tmp, String name, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-cp", cp, TinyFederation.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve(name + ".log").toFile()).start();
    }
}
