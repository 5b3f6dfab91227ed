package dev.zoft.perf.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MarkdownTableTest {
    private static final ReferenceFigures REF = ReferenceFigures.parse(ReferenceFiguresTest.SAMPLE, "sample");

    private static Row gemmRow(int threads) {
        return Row.builder("g" + threads, "gemm", "SGEMM 1024×384×1536, " + threads + " thread(s)", "GFLOP/s")
                .bench(BenchmarkSpec.of("x.Gemm", "run", "threads", "" + threads), Conversion.gflopsFromMillis(1e9))
                .reference(ReferenceKey.of("sgemm", threads, "sgemm_numpy_gflops.1024x384x1536"))
                .issue(threads == 1 ? 240 : 450)
                .target(Target.allOf(Target.timesReference(1.0), Target.atLeast(228.65, "85 % of peak")))
                .note("a caveat")
                .peak(threads == 1 ? 269 : 529, "peak-t" + threads)
                .build();
    }

    @Test
    void aMeasuredRowIsComparedWithTheReferenceMeasuredNow() {
        MarkdownTable.Cells c = MarkdownTable.cells(Outcome.measured(gemmRow(1), 253.6), REF);
        assertEquals("254 (94 % of issue peak)", c.zoft());
        assertEquals("242", c.referenceNow());
        assertEquals("240", c.issue());
        assertEquals("1.05×", c.ratio());
        assertEquals(Verdict.MET, c.verdict());
        assertEquals(Verdict.MISSED, MarkdownTable.cells(Outcome.measured(gemmRow(1), 235), REF).verdict());
    }

    @Test
    void theShareOfPeakUsesThePeakMeasuredInTheSameRunWhenThereIsOne() {
        Row peak = Row.builder("peak-t1", "peak", "FMA peak, 1 thread", "GFLOP/s")
                .bench(BenchmarkSpec.of("x.Peak", "run"), Conversion.identity("ms/op")).build();
        String table = MarkdownTable.render(List.of(Outcome.measured(peak, 250), Outcome.measured(gemmRow(1), 225)), REF);
        assertTrue(table.contains("| 225 (90 % of measured peak) |"), table);
        assertEquals("225 (84 % of issue peak)", MarkdownTable.cells(Outcome.measured(gemmRow(1), 225), REF).zoft());
    }

    @Test
    void withoutAMeasuredReferenceTheIssueFigureIsUsedAndSaidSo() {
        MarkdownTable.Cells c = MarkdownTable.cells(Outcome.measured(gemmRow(1), 480), ReferenceFigures.none());
        assertEquals("—", c.referenceNow());
        assertEquals("2.00× (issue)", c.ratio());
        assertEquals(Verdict.MET, c.verdict());
    }

    @Test
    void lowerIsBetterRowsInvertTheRatio() {
        Row step = Row.builder("s", "zostep", "MeZO step", "ms").lowerIsBetter()
                .bench(BenchmarkSpec.of("x.Step", "run"), Conversion.identity("ms/op"))
                .reference(ReferenceKey.of("mezo_minilm", 1, "minilm_mezo_step_ms")).issue(622)
                .target(Target.timesReference(3)).build();
        MarkdownTable.Cells c = MarkdownTable.cells(Outcome.measured(step, 200), ReferenceFigures.none());
        assertEquals("3.11× (issue)", c.ratio());
        assertEquals(Verdict.MET, c.verdict());
    }

    @Test
    void skippedAndFailedRowsShowTheReferenceButNoVerdictAndExplainWhy() {
        Row r = gemmRow(2);
        MarkdownTable.Cells c = MarkdownTable.cells(Outcome.skipped(r, "X is not on the classpath (not merged yet)"), REF);
        assertEquals("skipped", c.zoft());
        assertEquals("452", c.referenceNow());
        assertEquals("—", c.ratio());
        assertEquals(Verdict.UNKNOWN, c.verdict());
        String table = MarkdownTable.render(List.of(Outcome.skipped(r, "X is not on the classpath (not merged yet)"),
                Outcome.failed(gemmRow(1), "boom"), Outcome.measured(gemmRow(1), 300)), REF);
        assertTrue(table.contains("Skipped (1 row): X is not on the classpath"), table);
        assertTrue(table.contains("Failed (1 row): boom"), table);
        assertTrue(table.contains("| **failed** |"), table);
        assertEquals(1, table.split("a caveat", -1).length - 1, "each note once");
        String twice = MarkdownTable.render(List.of(Outcome.skipped(gemmRow(1), "Y is missing"), Outcome.skipped(gemmRow(2), "Y is missing")), REF);
        assertTrue(twice.contains("Skipped (2 rows): Y is missing"), twice);
        assertEquals(1, twice.split("Y is missing", -1).length - 1, "one note per reason");
    }

    @Test
    void everyTableLineHasTheSevenColumns() {
        String table = MarkdownTable.render(List.of(Outcome.measured(gemmRow(1), 300), Outcome.skipped(gemmRow(2), "why")), REF);
        String[] lines = table.split("\n");
        assertEquals(MarkdownTable.HEADER, lines[0]);
        for (int i = 0; i < 4; i++) {
            assertEquals(8, lines[i].chars().filter(ch -> ch == '|').count(), lines[i]);
        }
        assertTrue(lines[4].isEmpty());
        assertTrue(table.contains("OpenBLAS core Cooperlake"));
    }
}
