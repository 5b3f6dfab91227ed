package dev.zoft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.federation.RoundLog;
import dev.zoft.zo.log.SeedLog;
import dev.zoft.zo.metrics.RoundMetrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulateCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... argv) {
        return Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void aTinySimulationWritesMetricsPlotAndRoundLog(@TempDir Path dir) throws Exception {
        Path outDir = dir.resolve("run");
        int status = run("simulate", "--clients", "3", "--per-round", "2", "--local-steps", "2", "--rounds", "2",
                "--batch", "4", "--max-tokens", "16", "--subset", "head", "--dev-size", "12", "--eval-every", "1",
                "--threads", "2", "--out", outDir.toString());
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, text + err.toString(StandardCharsets.UTF_8));
        assertTrue(text.contains("zero-shot dev accuracy:"), text);
        assertTrue(text.contains("final dev accuracy:"), text);
        // Nested FedSPZO P1 = 1, P2 = 4, S = 2: 8 scalars, an upload of 34 + 32 bytes.
        assertTrue(text.contains("66.0 bytes up"), text);
        List<RoundMetrics> rows = MetricsCsv.read(outDir.resolve("metrics.csv"));
        assertEquals(3, rows.size());
        assertEquals(2 * 66, rows.get(1).bytesUp());
        assertEquals(4 * 66, rows.get(2).bytesUp());
        assertFalse(Double.isNaN(rows.get(2).devAccuracy()));
        assertTrue(Files.size(outDir.resolve("metrics.png")) > 1000);
        assertEquals(2, RoundLog.readRounds(outDir.resolve(RoundLog.ROUNDS_FILE)).size());
        // 2 rounds × 2 steps × (1 + 4) updates of nested FedSPZO.
        assertEquals(20, SeedLog.read(outDir.resolve(RoundLog.SEED_LOG_FILE)).size());
    }

    /** Median aggregation, one attacker of three, local DP: the run reports its ε and writes privacy.csv. */
    @Test
    void robustAggregationPoisoningAndDpOptionsRunAndReportPrivacy(@TempDir Path dir) throws Exception {
        Path outDir = dir.resolve("run");
        int status = run("simulate", "--clients", "3", "--per-round", "2", "--local-steps", "1", "--rounds", "2",
                "--batch", "4", "--max-tokens", "16", "--subset", "head", "--dev-size", "12", "--eval-every", "0",
                "--aggregator", "median", "--attack", "flip:10", "--attackers", "0.34", "--dp-clip", "0.5",
                "--dp-noise", "2", "--dp-delta", "1e-6", "--threads", "2", "--out", outDir.toString());
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, text + err.toString(StandardCharsets.UTF_8));
        assertTrue(text.contains("aggregation: coordinate-wise median; simulated poisoning: flip:10.0 by 0.34"), text);
        assertTrue(text.contains("local DP on the uploads: clip=0.5 noise=2.0 delta=1.0E-6"), text);
        var records = RoundLog.readRounds(outDir.resolve(RoundLog.ROUNDS_FILE));
        assertEquals(2, records.size());
        var dp = new dev.zoft.federation.privacy.DpSettings(0.5, 2, 1e-6);
        var report = dev.zoft.federation.privacy.PrivacyReport.afterRounds(dp, records, 2);
        assertTrue(text.contains("privacy: " + report.describe()), text);
        List<String> csv = Files.readAllLines(outDir.resolve("privacy.csv"));
        assertEquals("round,max_participations,epsilon,delta", csv.get(0));
        assertEquals(3, csv.size());
        assertTrue(csv.get(2).startsWith("2," + report.maxParticipations() + ","), csv.get(2));
        assertEquals(report.epsilon(), Double.parseDouble(csv.get(2).split(",")[2]), 1e-6);
        assertTrue(SeedLog.read(outDir.resolve(RoundLog.SEED_LOG_FILE)).header().split().contains("aggregator=median"));
    }

    /**
     * Client 1 of 3 is slow (P1 = 1, P2 = 2 of 1 × 4): its upload is the partial form (the 8 scalars,
     * a K field and one mask byte, 71 bytes instead of 66), and the run says so.
     */
    @Test
    void slowClientsRunAndUploadPartialScalars(@TempDir Path dir) throws Exception {
        Path outDir = dir.resolve("run");
        int status = run("simulate", "--clients", "3", "--per-round", "3", "--local-steps", "2", "--rounds", "1",
                "--batch", "4", "--max-tokens", "16", "--subset", "head", "--dev-size", "12", "--eval-every", "0",
                "--slow-clients", "2:1:2", "--threads", "2", "--out", outDir.toString());
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, text + err.toString(StandardCharsets.UTF_8));
        assertTrue(text.contains("slow clients: every2:p1=1,p2=2"), text);
        List<RoundMetrics> rows = MetricsCsv.read(outDir.resolve("metrics.csv"));
        assertEquals(2 * 66 + 71, rows.get(1).bytesUp());
        assertTrue(SeedLog.read(outDir.resolve(RoundLog.SEED_LOG_FILE)).header().split().contains("slow-clients=every2:p1=1,p2=2"));
    }

    @Test
    void badArgumentsGiveTheUsageNotAStackTrace() {
        String[][] bad = {
                {"simulate", "--clients", "2", "--per-round", "3"},
                {"simulate", "--estimator", "sgd"},
                {"simulate", "--alpha", "-1"},
                {"simulate", "--dev", "x.tsv"},
                {"simulate", "--rounds", "many"},
                {"simulate", "extra"},
                {"simulate", "--aggregator", "max"},
                {"simulate", "--aggregator", "trimmed:0.5"},
                {"simulate", "--dp-clip", "1"},
                {"simulate", "--dp-noise", "1"},
                {"simulate", "--dp-clip", "1", "--dp-noise", "0"},
                {"simulate", "--dp-clip", "-1", "--dp-noise", "1"},
                {"simulate", "--dp-clip", "1", "--dp-noise", "1", "--dp-delta", "1"},
                {"simulate", "--dp-clip", "1", "--dp-noise", "1", "--dp-delta", "NaN"},
                {"simulate", "--attackers", "0.2"},
                {"simulate", "--attack", "flip"},
                {"simulate", "--attack", "flip:-1"},
                {"simulate", "--attack", "swap:1"},
                {"simulate", "--attack", "flip:2", "--attackers", "1.5"},
                {"simulate", "--dp-mode", "global", "--dp-clip", "1", "--dp-noise", "1"},
                {"simulate", "--dp-mode", "central"},
                {"simulate", "--slow-clients", "3"},
                {"simulate", "--slow-clients", "3:1:2:4"},
                {"simulate", "--slow-clients", "0:1:2"},
                {"simulate", "--slow-clients", "3:x:2"},
                {"simulate", "--slow-clients", "3:1:0"},
                {"simulate", "--slow-clients", "3:2"},
                {"simulate", "--slow-clients", "3:1:4"},
                {"simulate", "--slow-clients", "2:1:1", "--dp-mode", "central", "--dp-clip", "1", "--dp-noise", "1"},
                {"simulate", "--dp-mode", "central", "--dp-clip", "1", "--dp-noise", "1", "--aggregator", "median"},
        };
        for (String[] argv : bad) {
            err.reset();
            assertEquals(2, run(argv), String.join(" ", argv));
            String e = err.toString(StandardCharsets.UTF_8);
            assertTrue(e.contains("usage: zoft simulate"), e);
            assertFalse(e.contains("\tat "), e);
        }
    }

    @Test
    void aMissingDataPathIsOneLineNamingIt(@TempDir Path dir) {
        Path missing = dir.resolve("nope.tsv");
        assertEquals(1, run("simulate", "--data", missing.toString(), "--out", dir.resolve("o").toString()));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains(missing.toString()), e);
        assertFalse(e.contains("\tat "), e);
    }
}
