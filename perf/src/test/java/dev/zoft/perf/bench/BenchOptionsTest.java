package dev.zoft.perf.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {
    private static final Path HOME = Path.of("/project");

    @Test
    void defaultsAndFlags() {
        BenchOptions o = BenchOptions.parse(new String[0], HOME);
        assertEquals(Path.of("/project/perf/target/bench.md"), o.out());
        assertEquals("/usr/bin/python3", o.python());
        assertEquals(-1, o.bits());
        o = BenchOptions.parse(new String[]{"--quick", "--only", "gemm,bert-forward-t1", "--reference", "r.json", "--bits", "256"}, HOME);
        assertTrue(o.quick());
        assertEquals(List.of("gemm", "bert-forward-t1"), o.only());
        assertEquals(Path.of("r.json"), o.reference());
        assertEquals(256, o.bits());
    }

    @Test
    void selectionByGroupOrIdKeepsTableOrder() {
        BenchOptions o = BenchOptions.parse(new String[]{"--only", "bert-forward-t2,gemm"}, HOME);
        List<Row> rows = o.select(Rows.all());
        assertEquals(9, rows.size());
        assertEquals("gemm", rows.get(0).group());
        assertEquals("bert-forward-t2", rows.get(8).id());
    }

    @Test
    void badCommandLinesSayWhatIsWrong() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BenchOptions.parse(new String[]{"--only", "gemm,nonsense"}, HOME).select(Rows.all()));
        assertTrue(e.getMessage().contains("nonsense") && e.getMessage().contains("groups are"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[]{"--reference", "a", "--no-reference"}, HOME));
        assertTrue(e.getMessage().contains("exclude"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[]{"--bits", "384"}, HOME));
        assertTrue(e.getMessage().contains("384"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[]{"--only"}, HOME));
        assertTrue(e.getMessage().contains("needs a value"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[]{"--fast"}, HOME));
        assertTrue(e.getMessage().contains("unknown option --fast"), e.getMessage());
    }
}
