package dev.zoft.cli;

import dev.zoft.zo.metrics.RoundMetrics;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A PNG of one or more runs' metrics: dev accuracy (%) in the top panel, mean train loss in the
 * bottom one, against the round, the steps, the cumulative forward FLOPs or the wall time. Each
 * run is one series per panel, so a FedSPZO run and a MeZO run can be compared on the same axes.
 * Rows whose value is NaN (a round without evaluation) are left out of that panel.
 *
 * <p>Drawn with XChart into images via {@link BitmapEncoder#getBufferedImage}, stacked and written
 * with ImageIO. AWT runs headless ({@code java.awt.headless=true} is set before the first chart),
 * so plotting works on a server without a display.
 */
final class MetricsPlot {

    /** What the horizontal axis shows. */
    enum XAxis {
        ROUND("round", r -> r.round()),
        STEPS("ZO steps", r -> r.steps()),
        FORWARD_FLOPS("cumulative forward TFLOPs", r -> r.forwardFlops() / 1e12),
        WALL_SECONDS("wall time (s)", RoundMetrics::wallSeconds),
        BYTES("cumulative bytes, up + down (MB)", r -> (r.bytesUp() + r.bytesDown()) / 1e6);

        final String title;
        final ToDoubleFunction<RoundMetrics> value;

        XAxis(String title, ToDoubleFunction<RoundMetrics> value) {
            this.title = title;
            this.value = value;
        }

        /** {@code round}, {@code steps}, {@code flops}, {@code bytes} or {@code wall}. */
        static XAxis parse(String s) {
            return switch (s) {
                case "round" -> ROUND;
                case "steps" -> STEPS;
                case "flops" -> FORWARD_FLOPS;
                case "wall" -> WALL_SECONDS;
                case "bytes" -> BYTES;
                default -> throw new IllegalArgumentException("unknown x axis '" + s + "': expected round, steps, flops, bytes or wall");
            };
        }
    }

    static final int DEFAULT_WIDTH = 900;
    static final int DEFAULT_HEIGHT = 700;

    private MetricsPlot() {
    }

    /** One run's plot against rounds, at the default size. */
    static void write(Path png, String title, List<RoundMetrics> rows) throws IOException {
        write(png, title, Map.of("run", rows), XAxis.ROUND, DEFAULT_WIDTH, DEFAULT_HEIGHT);
    }

    /**
     * Writes a {@code width × height} PNG with one series per run (legend = the map's keys, in
     * iteration order).
     */
    static void write(Path png, String title, Map<String, List<RoundMetrics>> runs, XAxis x, int width, int height)
            throws IOException {
        if (width < 200 || height < 200) {
            throw new IllegalArgumentException("plot must be at least 200 × 200 pixels, got " + width + " × " + height);
        }
        System.setProperty("java.awt.headless", "true");
        int top = height / 2;
        XYChart accuracy = panel(title, x.title, "dev accuracy (%)", width, top);
        XYChart loss = panel(null, x.title, "train loss", width, height - top);
        accuracy.getStyler().setYAxisDecimalPattern("0.0");
        loss.getStyler().setYAxisDecimalPattern("0.000");
        // Same x range in both panels (round 0 has an accuracy but no loss), so they line up.
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        for (List<RoundMetrics> rows : runs.values()) {
            for (RoundMetrics r : rows) {
                double v = x.value.applyAsDouble(r);
                if (Double.isFinite(v)) {
                    xMin = Math.min(xMin, v);
                    xMax = Math.max(xMax, v);
                }
            }
        }
        if (xMin < xMax) {
            for (XYChart c : List.of(accuracy, loss)) {
                c.getStyler().setXAxisMin(xMin);
                c.getStyler().setXAxisMax(xMax);
            }
        }
        // Accuracy rises and loss falls: the empty corners are bottom right and top right.
        loss.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        boolean legend = runs.size() > 1;
        accuracy.getStyler().setLegendVisible(legend);
        loss.getStyler().setLegendVisible(legend);
        for (Map.Entry<String, List<RoundMetrics>> run : runs.entrySet()) {
            addSeries(accuracy, run.getKey(), run.getValue(), x.value, r -> 100 * r.devAccuracy());
            addSeries(loss, run.getKey(), run.getValue(), x.value, RoundMetrics::trainLoss);
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.drawImage(BitmapEncoder.getBufferedImage(accuracy), 0, 0, null);
            g.drawImage(BitmapEncoder.getBufferedImage(loss), 0, top, null);
        } finally {
            g.dispose();
        }
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        // Write beside and move, so a viewer refreshing the file never reads half a PNG.
        Path tmp = png.resolveSibling("." + png.getFileName() + ".tmp");
        if (!ImageIO.write(image, "png", tmp.toFile())) {
            throw new IOException("no PNG writer in this JDK");
        }
        Files.move(tmp, png, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static XYChart panel(String title, String xTitle, String yTitle, int width, int height) {
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title == null ? "" : title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        var s = chart.getStyler();
        s.setLegendPosition(Styler.LegendPosition.InsideSE);
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotGridLinesVisible(true);
        chart.getStyler().setMarkerSize(5);
        chart.getStyler().setXAxisDecimalPattern("#,##0.###");
        return chart;
    }

    private static void addSeries(XYChart chart, String name, List<RoundMetrics> rows,
                                  ToDoubleFunction<RoundMetrics> x, ToDoubleFunction<RoundMetrics> y) {
        Map<Double, Double> points = new LinkedHashMap<>();
        for (RoundMetrics r : rows) {
            double xv = x.applyAsDouble(r);
            double yv = y.applyAsDouble(r);
            if (Double.isFinite(xv) && Double.isFinite(yv)) {
                points.put(xv, yv);
            }
        }
        double[] xs = new double[points.size()];
        double[] ys = new double[points.size()];
        int i = 0;
        for (Map.Entry<Double, Double> p : points.entrySet()) {
            xs[i] = p.getKey();
            ys[i++] = p.getValue();
        }
        if (xs.length == 0) {
            // XChart refuses empty series; an empty panel still shows its axes and title.
            return;
        }
        XYSeries series = chart.addSeries(name, xs, ys);
        series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        series.setMarker(SeriesMarkers.CIRCLE);
    }
}
