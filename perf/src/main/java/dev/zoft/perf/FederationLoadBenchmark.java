package dev.zoft.perf;

import dev.zoft.federation.WeightedMean;
import dev.zoft.federation.net.Coordinator;
import dev.zoft.federation.net.FederationClient;
import dev.zoft.federation.net.FederationHttpServer;
import dev.zoft.federation.net.FederationPlan;
import dev.zoft.federation.net.RoundPolicy;
import dev.zoft.federation.net.UploadLimits;
import dev.zoft.federation.protocol.ClientUpload;
import dev.zoft.federation.protocol.StepScalars;
import dev.zoft.tensor.random.Distribution;
import dev.zoft.zo.estimate.LearningRate;
import dev.zoft.zo.log.SeedLog;
import dev.zoft.zo.train.EstimatorSpec;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Stream;

/**
 * Load test of {@code zoft server}'s request path over real HTTP on loopback: N registered clients
 * (default 1,000), C sampled a round (default 100), simulated as cheap request generators (no model:
 * fetch the round with a 5 s long poll, upload S × K deterministic scalars). Every upload is
 * journaled and forced to disk before its 200, as in production. Reports rounds per second, p50 / p99
 * latency of fetch and upload requests, and the server's heap after the run (a full GC first).
 *
 * <p>Not a JMH benchmark (it measures a whole system over sockets); run it as
 * {@code java --add-modules jdk.incubator.vector -cp perf/target/benchmarks.jar dev.zoft.perf.FederationLoadBenchmark
 * [clients] [perRound] [rounds]}. Server and load generator share the JVM and the cores, so the
 * figures are a lower bound for the server alone.
 */
public final class FederationLoadBenchmark {

    private static final String KEY = "load-benchmark-enrolment-key";

    private FederationLoadBenchmark() {
    }

    /** Latencies in microseconds, bucketed logarithmically (1 µs .. 100 s, 20 buckets per decade). */
    static final class Histogram {
        private final AtomicLongArray counts = new AtomicLongArray(8 * 20 + 1);
        private final AtomicLong n = new AtomicLong();

        void record(long nanos) {
            double us = Math.max(1, nanos / 1e3);
            int b = (int) Math.min(counts.length() - 1, Math.floor(Math.log10(us) * 20));
            counts.incrementAndGet(b);
            n.incrementAndGet();
        }

        /** The upper edge of the bucket holding quantile q, in milliseconds. */
        double quantileMillis(double q) {
            long target = (long) Math.ceil(q * n.get());
            long seen = 0;
            for (int b = 0; b < counts.length(); b++) {
                seen += counts.get(b);
                if (seen >= target && target > 0) {
                    return Math.pow(10, (b + 1) / 20.0) / 1e3;
                }
            }
            return Double.NaN;
        }

        long count() {
            return n.get();
        }
    }

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        System.out.println(run(clients, perRound, rounds));
    }

    /** One load run; returns the report. */
    public static String run(int clients, int perRound, int rounds) throws Exception {
        Path dir = Files.createTempDirectory("zoft-load");
        FederationPlan plan = new FederationPlan(clients, perRound, 2, 16, rounds, LearningRate.constant(1e-3), 1,
                EstimatorSpec.fedSpzo(1, 4, 1e-3f));
        SeedLog.Header header = new SeedLog.Header("load", new byte[32], Distribution.GAUSSIAN, "load", 1_000_000);
        Histogram fetch = new Histogram();
        Histogram upload = new Histogram();
        AtomicLong waits = new AtomicLong();
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        try (Coordinator c = Coordinator.open(dir, header, plan, new RoundPolicy(perRound, Duration.ofHours(1)),
                UploadLimits.defaults(), new WeightedMean(), System::currentTimeMillis);
             FederationHttpServer http = FederationHttpServer.start(c, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                     null, KEY)) {
            URI base = URI.create("http://127.0.0.1:" + http.port() + "/");
            FederationClient anon = FederationClient.connect(base, null);
            long t0 = System.nanoTime();
            List<FederationClient.Credentials> creds = new ArrayList<>();
            for (int id = 0; id < clients; id++) {
                creds.add(anon.register(id, KEY));
            }
            double registerSeconds = (System.nanoTime() - t0) / 1e9;
            int k = plan.estimator().create().scalarsPerStep();
            long start = System.nanoTime();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> all = new ArrayList<>();
                for (FederationClient.Credentials cr : creds) {
                    FederationClient fc = anon.login(cr);
                    all.add(pool.submit(() -> {
                        int have = 0;
                        while (true) {
                            long a = System.nanoTime();
                            FederationClient.Fetch f = fc.fetchRound(have, 5000);
                            if (f instanceof FederationClient.Fetch.Plan) {
                                fetch.record(System.nanoTime() - a);
                            } else {
                                waits.incrementAndGet();
                            }
                            switch (f) {
                                case FederationClient.Fetch.Finished x -> {
                                    return null;
                                }
                                case FederationClient.Fetch.Wait w -> {
                                    have = Math.max(have, w.round() - 1);
                                    Thread.sleep(Math.min(w.retryAfterMillis(), 20)); // long-polled already
                                }
                                case FederationClient.Fetch.Plan p -> {
                                    float[] v = new float[2 * k];
                                    for (int i = 0; i < v.length; i++) {
                                        v[i] = (float) Math.sin(p.plan().round() + cr.client() + i);
                                    }
                                    ClientUpload u = new ClientUpload(p.plan().round(), cr.client(), 50, StepScalars.of(2, k, v), 0.5);
                                    long b = System.nanoTime();
                                    fc.upload(u);
                                    upload.record(System.nanoTime() - b);
                                    have = p.plan().round() - 1;
                                }
                            }
                        }
                    }));
                }
                for (Future<?> f : all) {
                    f.get();
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.gc();
            long heap = mem.getHeapMemoryUsage().getUsed();
            long journal = Files.size(dir.resolve(Coordinator.JOURNAL_FILE));
            return String.format(Locale.ROOT, """
                    FederationLoadBenchmark: %d clients (%d registered in %.1f s), %d per round, %d rounds over HTTP on loopback
                      rounds/s          %.2f  (%.1f s in all, %d uploads, each fsync'd before its 200)
                      plan fetches      p50 %.2f ms, p99 %.2f ms  (%d; a fetch is held up to 5 s until the client's round opens,
                                        so this includes waiting for the round; %d fetches answered "wait")
                      upload latency    p50 %.2f ms, p99 %.2f ms  (%d requests)
                      heap after GC     %.1f MB  (server and load generator together)
                      journal           %d bytes""",
                    clients, creds.size(), registerSeconds, perRound, rounds, rounds / seconds, seconds,
                    upload.count(), fetch.quantileMillis(0.5), fetch.quantileMillis(0.99), fetch.count(), waits.get(),
                    upload.quantileMillis(0.5), upload.quantileMillis(0.99), upload.count(), heap / 1e6, journal);
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                // best effort
            }
        }
    }
}
