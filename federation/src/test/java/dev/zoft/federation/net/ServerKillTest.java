package dev.zoft.federation.net;

import static dev.zoft.federation.net.NetFixtures.upload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.federation.RoundLog;
import dev.zoft.federation.protocol.RoundRecord;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability under SIGKILL: a server child process is killed ({@link Process#destroyForcibly}, SIGKILL
 * on Linux) at random moments while 30 clients register, fetch rounds and upload over HTTP, and
 * restarted on the same port each time. At the end: every acknowledged upload is in its round's
 * record, no round is logged twice, and the log equals an uninterrupted run's, bit for bit.
 *
 * <p>{@code zoft.kill.iterations} kills (default 12, bounded well under a minute; the Maven profile
 * {@code kill-long} runs 200).
 */
class ServerKillTest {

    private static final int CLIENTS = 30;
    private static final int PER_ROUND = 6;
    private static final int ROUNDS = 25;

    @Test
    void noAcknowledgedUploadIsLostAndTheLogEqualsAnUninterruptedRun(@TempDir Path tmp) throws Exception {
        int kills = Integer.getInteger("zoft.kill.iterations", 12);
        Path state = tmp.resolve("state");
        Path ready = tmp.resolve("ready");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Child child = new Child(state, port, ready, tmp.resolve("server.log"));
        child.start();
        URI base = URI.create("http://127.0.0.1:" + port + "/");
        FederationClient anon = FederationClient.connect(base, null);
        List<FederationClient.Credentials> creds = new ArrayList<>();
        for (int id = 0; id < CLIENTS; id++) {
            creds.add(anon.register(id, NetFixtures.ENROLMENT));
        }
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        SplittableRandom rnd = new SplittableRandom(2026);
        int killed = 0;
        int midRun = 0;
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            List<Future<?>> clients = new ArrayList<>();
            for (FederationClient.Credentials c : creds) {
                clients.add(pool.submit(() -> {
                    FederationClient fc = FederationClient.connect(base, null).withRetries(200).login(c);
                    int have = 0;
                    while (!stop.get()) {
                        switch (fc.fetchRound(have)) {
                            case FederationClient.Fetch.Finished f -> {
                                return null;
                            }
                            case FederationClient.Fetch.Wait w -> {
                                have = fc.status().completedRounds();
                                Thread.sleep(5);
                            }
                            case FederationClient.Fetch.Plan p -> {
                                int round = p.plan().round();
                                fc.upload(upload(round, c.client()));
                                acknowledged.add(round + "/" + c.client());
                                have = round - 1;
                            }
                        }
                    }
                    return null;
                }));
            }
            // Kill while the run goes on; later kills may land after the last round (still a restart).
            while (killed < kills) {
                Thread.sleep(30 + rnd.nextInt(250));
                if (!clients.stream().allMatch(Future::isDone)) {
                    midRun++;
                }
                child.kill();
                killed++;
                child.start();
            }
            // A client that failed stalls the others (its rounds never fill): report its failure, not their wait.
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!clients.stream().allMatch(Future::isDone)) {
                for (Future<?> f : clients) {
                    if (f.isDone()) {
                        f.get();
                    }
                }
                if (System.nanoTime() > end) {
                    throw new AssertionError("the run did not finish within 120 s after the last restart; the server's output: "
                            + Files.readString(child.log));
                }
                Thread.sleep(50);
            }
            for (Future<?> f : clients) {
                f.get();
            }
        } finally {
            // On a failure the other clients would loop forever: stop them before waiting for them.
            stop.set(true);
            pool.shutdownNow();
            child.kill();
        }
        List<RoundRecord> records = RoundLog.readRounds(state.resolve(RoundLog.ROUNDS_FILE));
        assertEquals(CoordinatorTest.reference(NetFixtures.plan(CLIENTS, PER_ROUND, ROUNDS)), records);
        for (String a : acknowledged) {
            String[] p = a.split("/");
            RoundRecord r = records.get(Integer.parseInt(p[0]) - 1);
            assertTrue(Arrays.binarySearch(r.clients(), Integer.parseInt(p[1])) >= 0, "acknowledged upload " + a + " lost");
        }
        assertEquals(ROUNDS * PER_ROUND, acknowledged.size());
        assertTrue(midRun >= 1, "no kill landed while the run was going on");
        System.out.println("ServerKillTest: " + killed + " SIGKILLs (" + midRun + " during the run), " + acknowledged.size() + " acknowledged uploads, "
                + records.size() + " rounds identical to the uninterrupted run");
    }

    /** The server child process. */
    private static final class Child {
        private final Path state;
        private final int port;
        private final Path ready;
        private final Path log;
        private Process process;

        Child(Path state, int port, Path ready, Path log) {
            this.state = state;
            this.port = port;
            this.ready = ready;
            this.log = log;
        }

        void start() throws IOException, InterruptedException {
            Files.deleteIfExists(ready);
            String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            process = new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "--add-modules", "jdk.incubator.vector",
                    "-cp", cp, KillableServerMain.class.getName(), state.toString(), Integer.toString(port), ready.toString(),
                    Integer.toString(CLIENTS), Integer.toString(PER_ROUND), Integer.toString(ROUNDS))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(ready)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("server child exited with " + process.exitValue() + ": "
                            + Files.readString(log));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("server child not ready after 30 s: " + Files.readString(log));
                }
                Thread.sleep(10);
            }
        }

        void kill() throws InterruptedException {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
                process.waitFor();
            }
        }
    }
}
