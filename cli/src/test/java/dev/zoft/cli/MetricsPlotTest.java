package dev.zoft.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.zo.metrics.RoundMetrics;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsPlotTest {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    static List<RoundMetrics> run(double start, double gain) {
        List<RoundMetrics> rows = new ArrayList<>();
        rows.add(new RoundMetrics(0, 0, 0, 0, 0, 0, Double.NaN, start, 0.5));
        for (int r = 1; r <= 12; r++) {
            double acc = r % 3 == 0 ? start + gain * (1 - Math.exp(-r / 4.0)) : Double.NaN;
            rows.add(new RoundMetrics(r, 10L * r, 120L * r, 3_000_000_000_000L * r, 0, 0, 0.6 * Math.exp(-r / 8.0), acc, 2.0 * r));
        }
        return rows;
    }

    @Test
    void writesAPngOfTheRequestedSizeWithBothPanelsDrawn(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("plots/metrics.png");
        Map<String, List<RoundMetrics>> runs = new LinkedHashMap<>();
        runs.put("FedSPZO", run(0.714, 0.12));
        runs.put("MeZO", run(0.714, 0.05));
        MetricsPlot.write(png, "test run", runs, MetricsPlot.XAxis.FORWARD_FLOPS, 640, 480);

        byte[] bytes = Files.readAllBytes(png);
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(bytes, 8), "PNG signature");
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(640, image.getWidth());
        assertEquals(480, image.getHeight());
        // Both halves hold drawn series: many distinct colours, not a blank canvas.
        assertTrue(distinctColours(image, 0, 240) > 8, "top panel looks empty");
        assertTrue(distinctColours(image, 240, 480) > 8, "bottom panel looks empty");
        assertEquals(List.of("metrics.png"), Files.list(png.getParent()).map(p -> p.getFileName().toString()).toList(),
                "no temporary file left behind");
    }

    @Test
    void aRunWithoutAnyEvaluationStillPlots(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("m.png");
        List<RoundMetrics> rows = List.of(new RoundMetrics(1, 1, 2, 3, 0, 0, 0.7, Double.NaN, 1.0));
        MetricsPlot.write(png, "no dev", rows);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(MetricsPlot.DEFAULT_WIDTH, image.getWidth());
        assertEquals(MetricsPlot.DEFAULT_HEIGHT, image.getHeight());
    }

    @Test
    void rejectsATinyCanvasAndUnknownAxes() {
        assertThrows(IllegalArgumentException.class,
                () -> MetricsPlot.write(Path.of("x.png"), "t", Map.of(), MetricsPlot.XAxis.ROUND, 10, 10));
        assertEquals(MetricsPlot.XAxis.WALL_SECONDS, MetricsPlot.XAxis.parse("wall"));
        assertThrows(IllegalArgumentException.class, () -> MetricsPlot.XAxis.parse("time"));
    }

    private static int distinctColours(BufferedImage image, int fromRow, int toRow) {
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = fromRow; y < toRow; y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }
}
