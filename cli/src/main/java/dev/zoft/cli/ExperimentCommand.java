package dev.zoft.cli;

import dev.zoft.federation.experiment.CellResult;
import dev.zoft.federation.experiment.ClassifierCells;
import dev.zoft.federation.experiment.ExperimentReport;
import dev.zoft.federation.experiment.ExperimentRunner;
import dev.zoft.federation.experiment.ExperimentSpec;
import dev.zoft.federation.experiment.ResultsStore;
import dev.zoft.federation.method.MethodSimulation;
import dev.zoft.zo.data.DatasetSplits;
import dev.zoft.zo.data.Datasets;
import dev.zoft.zo.metrics.RoundMetrics;
import dev.zoft.zo.train.BaseModel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code zoft experiment SPEC}: runs a grid of federated methods × hyperparameters × α × seeds on
 * MiniLM ({@link ExperimentRunner}), resuming a partly finished grid, then writes the Markdown table
 * ({@link ExperimentReport}) and, per α, plots of dev accuracy against forward FLOPs, bytes and wall
 * time (each method's tuned setting, mean over seeds).
 */
final class ExperimentCommand implements Command {

    @Override
    public String name() {
        return "experiment";
    }

    @Override
    public String summary() {
        return "run a grid of federated ZO methods from a spec; resumable; table + plots";
    }

    @Override
    public String usage() {
        return """
                usage: zoft experiment SPEC [--out DIR] [--report-only] [--threads N]

                Runs every cell of the grid SPEC describes (methods × hyperparameters × Dirichlet
                alpha × seeds; a JSON file, see docs/experiments/README.md) one after the other on
                MiniLM, in simulated federations. Each finished cell is added to DIR/results.csv
                atomically, so a killed run started again resumes where it stopped. Then writes
                DIR/report.md (each method's best setting, mean ± std over seeds: final accuracy,
                accuracy at a FLOP budget, FLOPs to reach the best baseline's final accuracy,
                bytes per round, client peak memory) and DIR/accuracy-vs-{flops,bytes,wall}-a<alpha>.png.
                Per cell: DIR/cells/<cell>/metrics.csv (per round), clients.csv and rounds.csv (costs).

                  --out DIR       output folder (default runs/experiment-<name>)
                  --report-only   do not run cells: rebuild report and plots from finished cells
                  --threads N     worker threads (default: the machine's cores)""";
    }

    @Override
    public int run(List<String> argv, PrintStream out) throws IOException {
        Args args = Args.parse(argv, Set.of("out", "threads"), Set.of("report-only"));
        if (args.positional().size() != 1) {
            throw new UsageException("experiment takes one spec file, got " + args.positional());
        }
        Threads.apply(args);
        Path specFile = Path.of(args.positional().getFirst());
        if (!Files.isRegularFile(specFile)) {
            throw new UsageException("no spec file " + specFile);
        }
        ExperimentSpec spec = ExperimentSpec.read(specFile);
        Path outDir = Path.of(args.string("out", "runs/experiment-" + spec.name()));
        int total = spec.cells().size();
        out.printf(Locale.ROOT, "experiment %s: %d cells (%d alpha × %d method settings × %d seeds), data %s%n",
                spec.name(), total, spec.alphas().size(), total / spec.alphas().size() / spec.seeds().size(),
                spec.seeds().size(), spec.data());
        out.println("output: " + outDir.toAbsolutePath());
        ResultsStore store;
        if (args.flag("report-only")) {
            store = ResultsStore.open(outDir.resolve(ExperimentRunner.RESULTS_FILE));
        } else {
            DatasetSplits data = spec.data().equals("demo") ? Datasets.demo() : Datasets.sst2(Path.of(spec.data()));
            BaseModel base = BaseModel.bundledMiniLm();
            try (Compute compute = Compute.open()) {
                MethodSimulation.Listener progress = (m, clients, t) -> {
                    if (!Double.isNaN(m.devAccuracy())) {
                        out.printf(Locale.ROOT, "    round %d: dev %.2f %%, loss %.4f, %.3e FLOPs, %.0f s%n", m.round(),
                                100 * m.devAccuracy(), m.trainLoss(), (double) m.forwardFlops(), m.wallSeconds());
                        out.flush();
                    }
                };
                ClassifierCells cells = new ClassifierCells(o -> base.classifier(compute.kernels(), o), compute.pool(), data,
                        base.name(), base.sha256(), spec.stop(), progress);
                store = new ExperimentRunner(spec, outDir, cells, out).run();
            }
        }
        // Only this spec's cells: an output folder may also hold cells of an earlier spec (e.g. a tuning grid).
        Set<String> ids = new java.util.HashSet<>();
        spec.cells().forEach(c -> ids.add(c.id()));
        List<CellResult> rows = store.rows().stream().filter(r -> ids.contains(r.id())).toList();
        if (rows.isEmpty()) {
            out.println("no finished cells yet");
            return 0;
        }
        List<ExperimentReport.Table> tables = ExperimentReport.tables(spec, rows, outDir);
        String md = ExperimentReport.markdown(spec, tables, rows.size(), total);
        ExperimentReport.write(outDir, md);
        for (ExperimentReport.Table t : tables) {
            if (t.rows().isEmpty()) {
                continue; // no finished cell at this α yet: no plot rather than an empty one
            }
            Map<String, List<RoundMetrics>> curves = new LinkedHashMap<>();
            for (ExperimentReport.Row r : t.rows()) {
                List<List<RoundMetrics>> seeds = new java.util.ArrayList<>();
                for (String cell : r.cellIds()) {
                    seeds.add(ExperimentRunner.curve(outDir, cell));
                }
                curves.put(r.setting() + " (mean of " + seeds.size() + (seeds.size() == 1 ? " seed)" : " seeds)"),
                        ExperimentReport.meanCurve(seeds));
            }
            String a = t.alpha() + "";
            for (MetricsPlot.XAxis x : List.of(MetricsPlot.XAxis.FORWARD_FLOPS, MetricsPlot.XAxis.BYTES, MetricsPlot.XAxis.WALL_SECONDS)) {
                String what = switch (x) {
                    case FORWARD_FLOPS -> "flops";
                    case BYTES -> "bytes";
                    default -> "wall";
                };
                MetricsPlot.write(outDir.resolve("accuracy-vs-" + what + "-a" + a + ".png"),
                        "zoft experiment " + spec.name() + ", alpha " + a, curves, x, MetricsPlot.DEFAULT_WIDTH,
                        MetricsPlot.DEFAULT_HEIGHT);
            }
        }
        out.println();
        out.print(md);
        out.println("wrote " + outDir.resolve("report.md") + ", results.csv and plots");
        return 0;
    }
}
