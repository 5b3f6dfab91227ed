package dev.zoft.cli;

import dev.zoft.zo.metrics.RoundMetrics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code zoft plot}: one PNG comparing runs from their metrics CSVs (e.g. FedSPZO against MeZO
 * by cumulative forward FLOPs), the same chart the training commands draw for one run.
 */
final class PlotCommand implements Command {
    @Override
    public String name() {
        return "plot";
    }

    @Override
    public String summary() {
        return "plot dev accuracy and train loss of one or more runs' metrics.csv";
    }

    @Override
    public String usage() {
        return """
                usage: zoft plot --out FILE.png [--x round|steps|flops|bytes|wall] [--title T]
                                 [--width W] [--height H] [NAME=]METRICS.csv ...

                Draws dev accuracy (top) and train loss (bottom) of every given metrics CSV (as
                written by zoft finetune and zoft simulate) on shared axes, one series per file,
                labelled NAME (default: the file's folder name).

                  --out FILE     the PNG to write
                  --x AXIS       round (default), steps, flops (cumulative forward FLOPs), bytes
                                 (cumulative bytes up + down) or wall (seconds)
                  --title T      chart title (default "zoft runs")
                  --width W, --height H   size in pixels (default 900 x 700)""";
    }

    @Override
    public int run(List<String> argv, PrintStream out) throws IOException {
        Args args = Args.parse(argv, Set.of("out", "x", "title", "width", "height"), Set.of());
        Path png = ExportCommand.outputFile(args.required("out"));
        MetricsPlot.XAxis x = MetricsPlot.XAxis.parse(args.choice("x", "round", List.of("round", "steps", "flops", "bytes", "wall")));
        int width = args.integer("width", MetricsPlot.DEFAULT_WIDTH, 200, 10_000);
        int height = args.integer("height", MetricsPlot.DEFAULT_HEIGHT, 200, 10_000);
        if (args.positional().isEmpty()) {
            throw new UsageException("give at least one metrics CSV");
        }
        Map<String, List<RoundMetrics>> runs = new LinkedHashMap<>();
        for (String spec : args.positional()) {
            int eq = spec.indexOf('=');
            Path csv = Path.of(eq > 0 ? spec.substring(eq + 1) : spec);
            String label = eq > 0 ? spec.substring(0, eq) : labelOf(csv);
            if (runs.put(label, MetricsCsv.read(csv)) != null) {
                throw new UsageException("two runs are labelled '" + label + "'; name them as NAME=FILE");
            }
        }
        MetricsPlot.write(png, args.string("title", "zoft runs"), runs, x, width, height);
        out.printf("wrote %s (%d run%s against %s)%n", png, runs.size(), runs.size() == 1 ? "" : "s", x.title);
        return 0;
    }

    private static String labelOf(Path csv) {
        Path parent = csv.toAbsolutePath().getParent();
        return parent == null || parent.getFileName() == null ? csv.getFileName().toString() : parent.getFileName().toString();
    }
}
