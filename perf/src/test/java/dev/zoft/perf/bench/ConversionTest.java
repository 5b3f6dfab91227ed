package dev.zoft.perf.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Scale;
import org.junit.jupiter.api.Test;

class ConversionTest {

    @Test
    void gflopsFromMillisMatchesGemmBenchmarksWorkedExample() {
        // GemmBenchmark's Javadoc: M = 512, K = 384, N = 1536 is 0.604 GFLOP, so 6.04 ms is 100 GFLOP/s.
        Conversion c = Conversion.gflopsFromMillis(2.0 * 512 * 384 * 1536);
        assertEquals(100.0, c.figure(new Measured(6.039797760, "ms/op"), null), 1e-6);
    }

    @Test
    void aScoreInAnotherUnitIsRefused() {
        Conversion c = Conversion.gflopsFromMillis(1e9);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.figure(new Measured(1, "us/op"), null));
        assertTrue(e.getMessage().contains("us/op") && e.getMessage().contains("ms/op"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> Conversion.identity("ops/s").figure(new Measured(5, "ops/ms"), null));
    }

    @Test
    void identityAndScaleKeepOrScaleTheScore() {
        assertEquals(7166.0, Conversion.identity("ops/s").figure(new Measured(7166, "ops/s"), null));
        assertEquals(31.0, Conversion.scaled("#", 100).figure(new Measured(0.31, "#"), null), 1e-12);
    }

    @Test
    void rateFromTimeTurnsNanosecondsPerParameterIntoBandwidth() {
        // 8 bytes a parameter at 0.25 ns a parameter is 32 GB/s.
        assertEquals(32.0, Conversion.rateFromTime("ns/op", 8).figure(new Measured(0.25, "ns/op"), null), 1e-12);
        assertThrows(IllegalStateException.class, () -> Conversion.rateFromTime("ns/op", 8).figure(new Measured(0, "ns/op"), null));
    }

    @Test
    void overheadIsThePercentOverTheBaselineAndNeedsIt() {
        Conversion c = Conversion.overheadPercent("ms/op");
        assertTrue(c.needsBaseline());
        assertFalse(Conversion.identity("ms/op").needsBaseline());
        assertEquals(10.0, c.figure(new Measured(1.1, "ms/op"), new Measured(1.0, "ms/op")), 1e-9);
        assertEquals(-5.0, c.figure(new Measured(0.95, "ms/op"), new Measured(1.0, "ms/op")), 1e-9);
        assertThrows(IllegalStateException.class, () -> c.figure(new Measured(1, "ms/op"), null));
        assertThrows(IllegalStateException.class, () -> c.figure(new Measured(1, "ms/op"), new Measured(1, "us/op")));
    }

    @Test
    void aShareIsOnePartOverBothAndIgnoresHowManyIterationsWereSummed() {
        Conversion c = Conversion.sharePercent("#");
        assertTrue(c.needsBaseline());
        assertEquals(4.0, c.figure(new Measured(4, "#"), new Measured(96, "#")), 1e-12);
        // JMH sums EVENTS counters over iterations: three iterations triple both parts, not the share.
        assertEquals(4.0, c.figure(new Measured(12, "#"), new Measured(288, "#")), 1e-12);
        assertThrows(IllegalStateException.class, () -> c.figure(new Measured(0, "#"), new Measured(0, "#")));
        assertThrows(IllegalStateException.class, () -> c.figure(new Measured(-1, "#"), new Measured(5, "#")));
        assertThrows(IllegalStateException.class, () -> c.figure(new Measured(1, "#"), null));
    }

    @Test
    void badConstructionIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Conversion.scaled("#", 0));
        assertThrows(IllegalArgumentException.class, () -> Conversion.scaled("#", Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> Conversion.identity(" "));
        assertThrows(IllegalArgumentException.class, () -> new Measured(Double.NaN, "ms/op"));
        assertThrows(IllegalArgumentException.class, () -> new Measured(1, ""));
    }

    @Property
    void gflopsFallAsTimeGrows(@ForAll @DoubleRange(min = 1e-3, max = 1e4) @Scale(6) double ms,
                               @ForAll @DoubleRange(min = 1.01, max = 100) double slower) {
        Conversion c = Conversion.gflopsFromMillis(2.0 * 1024 * 384 * 1536);
        double fast = c.figure(new Measured(ms, "ms/op"), null);
        double slow = c.figure(new Measured(ms * slower, "ms/op"), null);
        assertTrue(slow < fast);
        assertEquals(slower, fast / slow, 1e-9 * slower);
    }
}
