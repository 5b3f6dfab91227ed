package dev.zoft.perf.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The evaluation logic against the real benchmark classes (loaded, never run): JMH itself is
 * replaced by a score source that answers from a table and records what it was asked to run.
 */
class RowEvaluatorTest {
    private static final String GEMM = "dev.zoft.perf.GemmBenchmark";
    private static final ClassLoader LOADER = RowEvaluatorTest.class.getClassLoader();

    /** Answers every run with the same scores and records the specs it was asked for. */
    private static final class RecordingSource implements ScoreSource {
        final List<BenchmarkSpec> runs = new ArrayList<>();
        final Scores scores;
        final String failure;

        RecordingSource(Scores scores, String failure) {
            this.scores = scores;
            this.failure = failure;
        }

        @Override
        public Scores run(BenchmarkSpec spec) {
            runs.add(spec);
            if (failure != null) {
                throw new IllegalStateException(failure);
            }
            return scores;
        }
    }

    private static BenchmarkSpec gemm(String threads) {
        return BenchmarkSpec.of(GEMM, "matmulTransposed", "tokens", "1024", "shape", "384x1536", "threads", threads,
                "bits", BenchmarkSpec.BITS);
    }

    private static Row row(String id, BenchmarkSpec spec, Conversion c) {
        return Row.builder(id, "test", id, "GFLOP/s").bench(spec, c).build();
    }

    @Test
    void aRowIsRunWithItsPlaceholdersFilledAndItsScoreConverted() {
        RecordingSource source = new RecordingSource(new ScoreSource.Scores(new Measured(6.039797760, "ms/op"), Map.of()), null);
        RowEvaluator ev = new RowEvaluator(source, LOADER, 512, "W512");
        Outcome o = ev.evaluate(row("g", gemm("1"), Conversion.gflopsFromMillis(2.0 * 512 * 384 * 1536)));
        assertEquals(Outcome.Status.MEASURED, o.status(), String.valueOf(o.reason()));
        assertEquals(100.0, o.figure(), 1e-6);
        assertEquals("512", source.runs.get(0).params().get("bits"));
    }

    @Test
    void rowsSharingARunRunItOnce() {
        RecordingSource source = new RecordingSource(new ScoreSource.Scores(new Measured(2, "ms/op"),
                Map.of("outside", new Measured(0.04, "#"))), null);
        RowEvaluator ev = new RowEvaluator(source, LOADER, 256, "W256");
        List<Outcome> out = ev.evaluate(List.of(
                row("a", gemm("1"), Conversion.identity("ms/op")),
                row("b", gemm("1").secondary("outside"), Conversion.scaled("#", 100)),
                row("c", gemm("2"), Conversion.identity("ms/op"))));
        assertEquals(2, source.runs.size(), "threads=1 once, threads=2 once");
        assertEquals(2.0, out.get(0).figure());
        assertEquals(4.0, out.get(1).figure(), 1e-12);
        assertEquals(Outcome.Status.MEASURED, out.get(2).status());
    }

    @Test
    void aMissingClassIsSkippedWithoutRunning() {
        RecordingSource source = new RecordingSource(null, "must not run");
        Outcome o = new RowEvaluator(source, LOADER, 512, "W512").evaluate(
                row("z", BenchmarkSpec.of("dev.zoft.perf.NotYetMergedBenchmark", "run", "threads", "1"), Conversion.identity("ms/op")));
        assertEquals(Outcome.Status.SKIPPED, o.status());
        assertTrue(o.reason().contains("NotYetMergedBenchmark is not on the classpath"), o.reason());
        assertTrue(source.runs.isEmpty());
    }

    @Test
    void aRowThatNoLongerMatchesItsBenchmarkIsSkippedWithTheMismatch() {
        RecordingSource source = new RecordingSource(null, "must not run");
        RowEvaluator ev = new RowEvaluator(source, LOADER, 512, "W512");
        Conversion c = Conversion.identity("ms/op");
        // setUp exists but is not a @Benchmark.
        Outcome notBenchmark = ev.evaluate(row("m", BenchmarkSpec.of(GEMM, "setUp"), c));
        assertTrue(notBenchmark.reason().contains("no @Benchmark method setUp"), notBenchmark.reason());
        Outcome noParam = ev.evaluate(row("p", BenchmarkSpec.of(GEMM, "matmulTransposed", "tokens", "1024", "shape", "384x1536",
                "threads", "1", "bits", "512", "dtype", "F32"), c));
        assertTrue(noParam.reason().contains("no @Param field 'dtype'"), noParam.reason());
        Outcome open = ev.evaluate(row("o", BenchmarkSpec.of(GEMM, "matmulTransposed", "tokens", "1024", "threads", "1", "bits", "512"), c));
        assertTrue(open.reason().contains("@Param 'shape' is not set"), open.reason());
        Outcome main = ev.evaluate(row("r", BenchmarkSpec.mainClass(GEMM), c));
        assertTrue(main.reason().contains("is a main"), main.reason());
        assertTrue(source.runs.isEmpty());
        for (Outcome o : List.of(notBenchmark, noParam, open, main)) {
            assertEquals(Outcome.Status.SKIPPED, o.status());
        }
    }

    @Test
    void paramsOfNestedStatesAndTheirSetupArgumentsCount() {
        String fixture = NestedStateFixture.class.getName();
        assertTrue(BenchmarkSpec.of(fixture, "pass", "distribution", "GAUSSIAN", "threads", "2").unavailable(LOADER).isEmpty());
        assertTrue(BenchmarkSpec.of(fixture, "triad", "threads", "2").unavailable(LOADER).isEmpty());
        String open = BenchmarkSpec.of(fixture, "pass", "distribution", "GAUSSIAN").unavailable(LOADER).orElseThrow();
        assertTrue(open.contains("'threads' is not set"), open);
        String foreign = BenchmarkSpec.of(fixture, "triad", "threads", "2", "distribution", "GAUSSIAN").unavailable(LOADER).orElseThrow();
        assertTrue(foreign.contains("no @Param field 'distribution'"), foreign);
    }

    @Test
    void aFailedRunFailsEveryRowUsingItOnceAndSaysWhy() {
        RecordingSource source = new RecordingSource(null, "fork exited with code 1");
        RowEvaluator ev = new RowEvaluator(source, LOADER, 512, "W512");
        List<Outcome> out = ev.evaluate(List.of(row("a", gemm("1"), Conversion.identity("ms/op")),
                row("b", gemm("1").secondary("x"), Conversion.identity("#"))));
        assertEquals(1, source.runs.size());
        for (Outcome o : out) {
            assertEquals(Outcome.Status.FAILED, o.status());
            assertTrue(o.reason().contains("fork exited with code 1"), o.reason());
        }
    }

    @Test
    void aWrongUnitOrAMissingSecondaryResultFailsTheRow() {
        RecordingSource source = new RecordingSource(new ScoreSource.Scores(new Measured(3, "us/op"), Map.of()), null);
        RowEvaluator ev = new RowEvaluator(source, LOADER, 512, "W512");
        Outcome unit = ev.evaluate(row("u", gemm("1"), Conversion.identity("ms/op")));
        assertEquals(Outcome.Status.FAILED, unit.status());
        assertTrue(unit.reason().contains("us/op"), unit.reason());
        Outcome label = ev.evaluate(row("l", gemm("1").secondary("outsideForwardFraction"), Conversion.identity("us/op")));
        assertEquals(Outcome.Status.FAILED, label.status());
        assertTrue(label.reason().contains("no secondary result 'outsideForwardFraction'"), label.reason());
    }

    @Test
    void anOverheadRowRunsItsBaselineToo() {
        RecordingSource source = new RecordingSource(new ScoreSource.Scores(new Measured(2.2, "ms/op"), Map.of()), null);
        Row r = Row.builder("f", "fused", "overhead", "%").lowerIsBetter()
                .bench(gemm("1"), Conversion.overheadPercent("ms/op")).baseline(gemm("2")).build();
        Outcome o = new RowEvaluator(source, LOADER, 512, "W512").evaluate(r);
        assertEquals(0.0, o.figure(), 1e-12); // same score from both runs
        assertEquals(2, source.runs.size());
        Row missingBaseline = Row.builder("f2", "fused", "overhead", "%").lowerIsBetter()
                .bench(gemm("1"), Conversion.overheadPercent("ms/op"))
                .baseline(BenchmarkSpec.of("dev.zoft.perf.Nope", "run")).build();
        Outcome skipped = new RowEvaluator(source, LOADER, 512, "W512").evaluate(missingBaseline);
        assertEquals(Outcome.Status.SKIPPED, skipped.status());
        assertTrue(skipped.reason().startsWith("baseline: Nope"), skipped.reason());
    }
}
