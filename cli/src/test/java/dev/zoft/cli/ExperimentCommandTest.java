package dev.zoft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code zoft experiment}'s argument handling (running a grid is tested in the federation module). */
class ExperimentCommandTest {

    private record Outcome(int status, String out, String err) {
    }

    private static Outcome run(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void usageMistakesPrintTheUsage(@TempDir Path dir) {
        Outcome none = run("experiment");
        assertEquals(2, none.status());
        assertTrue(none.err().contains("one spec file"), none.err());
        Outcome missing = run("experiment", dir.resolve("nope.spec").toString());
        assertEquals(2, missing.status());
        assertTrue(missing.err().contains("no spec file"), missing.err());
        assertEquals(2, run("experiment", "a.spec", "--bogus").status());
    }

    @Test
    void aBadSpecIsOneLineNamingTheFile(@TempDir Path dir) throws IOException {
        Path spec = dir.resolve("bad.spec");
        Files.writeString(spec, "{\"methods\": [{\"method\": \"fedzo\", \"p\": 0, \"lr\": 0.1}]}");
        Outcome o = run("experiment", spec.toString(), "--out", dir.resolve("out").toString());
        assertEquals(1, o.status());
        assertTrue(o.err().contains(spec.toString()) && o.err().contains("direction counts"), o.err());
    }

    @Test
    void reportOnlyOnAnEmptyFolderSaysSo(@TempDir Path dir) throws IOException {
        Path spec = dir.resolve("ok.spec");
        Files.writeString(spec, "{\"name\": \"t\", \"methods\": [{\"method\": \"decomfl\", \"p\": 2, \"lr\": [0.1, 0.2]}]}");
        Outcome o = run("experiment", spec.toString(), "--out", dir.resolve("out").toString(), "--report-only");
        assertEquals(0, o.status(), o.err());
        assertTrue(o.out().contains("2 cells") && o.out().contains("no finished cells yet"), o.out());
        assertEquals(MetricsPlot.XAxis.BYTES, MetricsPlot.XAxis.parse("bytes"));
    }
}
