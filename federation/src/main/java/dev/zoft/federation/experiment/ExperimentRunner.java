package dev.zoft.federation.experiment;

import dev.zoft.federation.SimulationConfig;
import dev.zoft.federation.cost.CostCsv;
import dev.zoft.federation.cost.CostRecord;
import dev.zoft.zo.metrics.RoundMetrics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Runs an experiment's cells one after the other into an output folder, resuming: a cell listed in
 * {@value #RESULTS_FILE} is skipped. A cell's files ({@value #CURVE_FILE}, {@value #CLIENTS_FILE},
 * {@value #ROUNDS_FILE}) are written into a temporary folder and renamed to {@code cells/<id>/}
 * before its row is appended to the results, so a kill leaves either a finished cell or nothing
 * (a stale temporary folder is replaced on the next run).
 */
public final class ExperimentRunner {

    public static final String RESULTS_FILE = "results.csv";
    public static final String CELLS_DIR = "cells";
    public static final String CURVE_FILE = "metrics.csv";
    public static final String CLIENTS_FILE = "clients.csv";
    public static final String ROUNDS_FILE = "rounds.csv";

    /** What a cell produced. */
    public record CellOutcome(List<RoundMetrics> metrics, List<CostRecord> clientCosts, List<CostRecord> roundCosts) {
        public CellOutcome {
            metrics = List.copyOf(metrics);
            clientCosts = List.copyOf(clientCosts);
            roundCosts = List.copyOf(roundCosts);
        }
    }

    /** Runs one cell. */
    @FunctionalInterface
    public interface CellRunner {
        CellOutcome run(ExperimentCell cell, SimulationConfig config) throws IOException;
    }

    private final ExperimentSpec spec;
    private final Path out;
    private final CellRunner runner;
    private final PrintStream log;

    public ExperimentRunner(ExperimentSpec spec, Path out, CellRunner runner, PrintStream log) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.out = Objects.requireNonNull(out, "out");
        this.runner = Objects.requireNonNull(runner, "runner");
        this.log = Objects.requireNonNull(log, "log");
    }

    /** Runs every cell not yet in the results; returns the store with all of them. */
    public ResultsStore run() throws IOException {
        Files.createDirectories(out.resolve(CELLS_DIR));
        ResultsStore store = ResultsStore.open(out.resolve(RESULTS_FILE));
        List<ExperimentCell> cells = spec.cells();
        int done = 0;
        for (ExperimentCell cell : cells) {
            done++;
            if (store.has(cell.id())) {
                log.printf(Locale.ROOT, "[%d/%d] %s: done before, skipped%n", done, cells.size(), cell.id());
                continue;
            }
            log.printf(Locale.ROOT, "[%d/%d] %s ...%n", done, cells.size(), cell.id());
            log.flush();
            long t0 = System.nanoTime();
            CellOutcome o = runner.run(cell, spec.config(cell));
            double wall = (System.nanoTime() - t0) / 1e9;
            Path dir = out.resolve(CELLS_DIR).resolve(cell.id());
            Path tmp = out.resolve(CELLS_DIR).resolve("." + cell.id() + ".tmp");
            deleteTree(tmp);
            Files.createDirectories(tmp);
            CurveCsv.write(tmp.resolve(CURVE_FILE), o.metrics());
            CostCsv.write(tmp.resolve(CLIENTS_FILE), o.clientCosts());
            CostCsv.write(tmp.resolve(ROUNDS_FILE), o.roundCosts());
            deleteTree(dir);
            Files.move(tmp, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            CellResult r = result(cell, spec.config(cell), o, wall);
            store.append(r);
            log.printf(Locale.ROOT, "[%d/%d] %s: dev accuracy %.2f %% -> %.2f %%, %.3e forward FLOPs, %.1f s%n", done,
                    cells.size(), cell.id(), 100 * r.zeroShot(), 100 * r.finalAccuracy(), (double) r.forwardFlops(), wall);
        }
        return store;
    }

    static CellResult result(ExperimentCell cell, SimulationConfig config, CellOutcome o, double wall) {
        List<RoundMetrics> m = o.metrics();
        double best = Double.NEGATIVE_INFINITY;
        double last = Double.NaN;
        for (RoundMetrics r : m) {
            if (!Double.isNaN(r.devAccuracy())) {
                best = Math.max(best, r.devAccuracy());
                last = r.devAccuracy();
            }
        }
        RoundMetrics end = m.getLast();
        long messages = (long) end.round() * config.clientsPerRound(); // a FLOP budget may stop before config.rounds()
        long rss = o.clientCosts().stream().mapToLong(CostRecord::peakRssBytes).max().orElse(-1);
        long heap = o.clientCosts().stream().mapToLong(CostRecord::peakHeapBytes).max().orElse(-1);
        long state = o.clientCosts().stream().mapToLong(CostRecord::stateBytes).max().orElse(0);
        return new CellResult(cell.id(), cell.spec().kind().specName(), cell.setting(), cell.alpha(), cell.seed(),
                end.round(), m.getFirst().devAccuracy(), last, best, end.forwardFlops(),
                (double) end.bytesUp() / messages, (double) end.bytesDown() / messages, rss, heap, state, wall);
    }

    /** The learning curve of a finished cell. */
    public static List<RoundMetrics> curve(Path out, String cellId) throws IOException {
        return CurveCsv.read(out.resolve(CELLS_DIR).resolve(cellId).resolve(CURVE_FILE));
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }
}
