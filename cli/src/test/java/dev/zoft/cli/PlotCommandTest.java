package dev.zoft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.zo.metrics.RoundMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int zoft(String... argv) {
        out.reset();
        err.reset();
        return Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static Path csv(Path dir, double gain) throws IOException {
        Files.createDirectories(dir);
        Path f = dir.resolve("metrics.csv");
        try (MetricsCsv c = MetricsCsv.create(f)) {
            for (RoundMetrics r : MetricsPlotTest.run(0.7, gain)) {
                c.append(r);
            }
        }
        return f;
    }

    @Test
    void plotsSeveralRunsAgainstFlops(@TempDir Path dir) throws IOException {
        Path a = csv(dir.resolve("fedspzo"), 0.1);
        Path b = csv(dir.resolve("mezo"), 0.05);
        Path png = dir.resolve("cmp.png");
        assertEquals(0, zoft("plot", "--out", png.toString(), "--x", "flops", "--width", "500", "--height", "400",
                a.toString(), "MeZO=" + b), err.toString());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("2 runs against cumulative forward TFLOPs"));
        assertEquals(500, ImageIO.read(png.toFile()).getWidth());
        assertEquals(400, ImageIO.read(png.toFile()).getHeight());
    }

    @Test
    void plotsAgainstCumulativeBytes(@TempDir Path dir) throws IOException {
        Path a = csv(dir.resolve("fedkseed"), 0.1);
        Path png = dir.resolve("bytes.png");
        assertEquals(0, zoft("plot", "--out", png.toString(), "--x", "bytes", a.toString()), err.toString());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("against cumulative bytes"), out.toString());
        assertTrue(Files.size(png) > 0);
    }

    @Test
    void badInputIsReportedInOneLine(@TempDir Path dir) throws IOException {
        Path a = csv(dir.resolve("r"), 0.1);
        assertEquals(2, zoft("plot", "--out", dir.resolve("x.png").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("give at least one metrics CSV"));
        assertEquals(2, zoft("plot", "--out", dir.resolve("x.png").toString(), a.toString(), a.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("two runs are labelled 'r'"));
        assertEquals(2, zoft("plot", "--out", dir.resolve("x.png").toString(), "--x", "time", a.toString()));
        Path bogus = Files.writeString(dir.resolve("bogus.csv"), "x,y\n");
        assertEquals(1, zoft("plot", "--out", dir.resolve("x.png").toString(), bogus.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains(bogus + ":1: not a zoft metrics CSV"), err.toString());
    }
}
