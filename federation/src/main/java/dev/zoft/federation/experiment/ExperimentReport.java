package dev.zoft.federation.experiment;

import dev.zoft.zo.metrics.RoundMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The experiment's table, per α, from the finished cells (mean ± sample std over seeds):
 * <ol>
 *   <li><b>Tuning.</b> For each method, the setting (directions, pool, ε, η) with the best mean final
 *       dev accuracy over seeds among the settings the spec gave it; every later column is that
 *       setting's. (It selects on the dev set it reports, the same for every method.) With the spec's
 *       {@code "rows": "all"} (an ablation) every setting is a row instead.</li>
 *   <li><b>Accuracy at the budget</b>: the dev accuracy of the last evaluation whose cumulative forward
 *       FLOPs are within the budget (the zero-shot accuracy if none).</li>
 *   <li><b>FLOPs to target</b>: the target is the spec's {@code targetAccuracy}, else the best
 *       baseline row's (non-FedSPZO) mean final accuracy. The headline figure is the cumulative forward
 *       FLOPs at which the row's {@linkplain #meanCurve mean curve over seeds} first reaches it (the
 *       paper's reading of averaged curves); "× vs best baseline" divides the best baseline's figure (the
 *       baseline row with the highest mean final accuracy) by the row's. The spread: per seed, the FLOPs at that seed's first evaluation
 *       reaching the target ("—" when it never does), and the per-seed ratio against the best baseline
 *       on the same seed (the same data partition and clients); where that baseline never reaches the
 *       target on a seed, the ratio is a lower bound, "&gt; x", from the compute the baseline spent.</li>
 *   <li>Bytes per client per round (up / down), client peak memory (largest peak RSS of any client
 *       round, MiB) and the method's device state beyond the model (MiB).</li>
 * </ol>
 */
public final class ExperimentReport {

    /** A row at one α: a method's tuned setting, or one setting of an ablation. */
    /**
     * A row at one α: a method's tuned setting, or one setting of an ablation. Per-seed arrays follow
     * {@code seedIds}.
     *
     * @param meanCurveToTarget forward FLOPs at which the mean curve over seeds first reaches the
     *                          target, NaN if it never does
     * @param spentFlops        forward FLOPs each seed's run spent in all
     */
    public record Row(String method, String setting, int seeds, double[] finalAcc, double[] accAtBudget,
                      double[] flopsToTarget, double bytesUp, double bytesDown, long peakRss, long stateBytes,
                      List<String> cellIds, long[] seedIds, double meanCurveToTarget, double[] spentFlops) {
    }

    /**
     * The table of one α.
     *
     * @param zeroShot the untrained model's dev accuracy (the largest of the cells', NaN with no cell)
     */
    public record Table(double alpha, double budget, double target, String targetMethod, List<Row> rows, double zeroShot) {
    }

    private ExperimentReport() {
    }

    /**
     * The mean learning curve of several seeds' runs: the i-th evaluation of every run averaged (its
     * FLOPs, bytes, steps, wall time, dev accuracy and that round's train loss), up to the fewest evaluations any run has. With
     * evaluation by FLOP marks ({@code federation.evalEveryFlops}) the i-th evaluations of the seeds sit
     * at about the same compute, so this is the curve the table's mean ± std summarises.
     */
    public static List<RoundMetrics> meanCurve(List<List<RoundMetrics>> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs to average");
        }
        List<List<RoundMetrics>> evaluated = runs.stream()
                .map(r -> r.stream().filter(m -> !Double.isNaN(m.devAccuracy())).toList()).toList();
        int n = evaluated.stream().mapToInt(List::size).min().orElse(0);
        List<RoundMetrics> out = new ArrayList<>(n);
        int k = evaluated.size();
        for (int i = 0; i < n; i++) {
            double round = 0, steps = 0, passes = 0, flops = 0, up = 0, down = 0, acc = 0, wall = 0, loss = 0;
            int losses = 0;
            for (List<RoundMetrics> e : evaluated) {
                RoundMetrics m = e.get(i);
                round += m.round();
                steps += m.steps();
                passes += m.forwardPasses();
                flops += m.forwardFlops();
                up += m.bytesUp();
                down += m.bytesDown();
                acc += m.devAccuracy();
                wall += m.wallSeconds();
                if (!Double.isNaN(m.trainLoss())) {
                    loss += m.trainLoss();
                    losses++;
                }
            }
            out.add(new RoundMetrics((int) Math.round(round / k), Math.round(steps / k), Math.round(passes / k),
                    Math.round(flops / k), Math.round(up / k), Math.round(down / k), losses == 0 ? Double.NaN : loss / losses, acc / k,
                    wall / k));
        }
        return out;
    }

    /** The tables, one per α in the spec's order. */
    public static List<Table> tables(ExperimentSpec spec, List<CellResult> results, Path out) throws IOException {
        double budget = spec.budgetFlops();
        if (Double.isNaN(budget) && spec.stop().maxFlops() > 0) {
            // Every cell stopped at the first round reaching maxFlops (so it overshoots by less than one
            // of its rounds): the budget is the largest total, so every cell's final evaluation counts.
            budget = results.stream().mapToLong(CellResult::forwardFlops).max().orElse(0);
        }
        if (Double.isNaN(budget)) {
            budget = results.stream().mapToLong(CellResult::forwardFlops).min().orElse(0);
        }
        List<Table> tables = new ArrayList<>();
        for (double alpha : spec.alphas()) {
            // method -> setting -> results
            Map<String, Map<String, List<CellResult>>> by = new LinkedHashMap<>();
            for (CellResult r : results) {
                if (r.alpha() == alpha) {
                    by.computeIfAbsent(r.method(), k -> new LinkedHashMap<>()).computeIfAbsent(r.setting(), k -> new ArrayList<>()).add(r);
                }
            }
            // The table's rows: each method's best setting, or (an ablation) every setting.
            List<List<CellResult>> chosen = new ArrayList<>();
            for (Map<String, List<CellResult>> settings : by.values()) {
                if (spec.everySetting()) {
                    chosen.addAll(settings.values());
                    continue;
                }
                List<CellResult> best = null;
                double bestMean = Double.NEGATIVE_INFINITY;
                for (List<CellResult> runs : settings.values()) {
                    double mean = meanFinal(runs);
                    if (mean > bestMean) {
                        bestMean = mean;
                        best = runs;
                    }
                }
                chosen.add(best);
            }
            double target = spec.targetAccuracy(alpha);
            String targetMethod = Double.isNaN(target) ? null : "the spec's targetAccuracy";
            for (List<CellResult> runs : Double.isNaN(target) ? chosen : List.<List<CellResult>>of()) {
                String method = runs.getFirst().method();
                if (method.startsWith("fedspzo")) {
                    continue;
                }
                double m = meanFinal(runs);
                if (Double.isNaN(target) || m > target) {
                    target = m;
                    targetMethod = method;
                }
            }
            List<Row> rows = new ArrayList<>();
            for (List<CellResult> runs : chosen) {
                int n = runs.size();
                double[] fin = new double[n];
                double[] atBudget = new double[n];
                double[] toTarget = new double[n];
                double[] spent = new double[n];
                long[] seedIds = new long[n];
                List<String> ids = new ArrayList<>();
                List<List<RoundMetrics>> curves = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    CellResult r = runs.get(i);
                    ids.add(r.id());
                    seedIds[i] = r.seed();
                    fin[i] = r.finalAccuracy();
                    spent[i] = r.forwardFlops();
                    List<RoundMetrics> curve = ExperimentRunner.curve(out, r.id());
                    curves.add(curve);
                    atBudget[i] = accuracyAt(curve, budget);
                    toTarget[i] = Double.isNaN(target) ? Double.NaN : flopsToReach(curve, target);
                }
                double meanToTarget = Double.isNaN(target) ? Double.NaN : flopsToReach(meanCurve(curves), target);
                rows.add(new Row(runs.getFirst().method(), runs.getFirst().setting(), n, fin, atBudget, toTarget,
                        runs.stream().mapToDouble(CellResult::bytesUpPerClientRound).average().orElse(0),
                        runs.stream().mapToDouble(CellResult::bytesDownPerClientRound).average().orElse(0),
                        runs.stream().mapToLong(CellResult::peakRssBytes).max().orElse(-1),
                        runs.stream().mapToLong(CellResult::stateBytes).max().orElse(0), ids, seedIds, meanToTarget, spent));
            }
            double zeroShot = chosen.stream().flatMap(List::stream).mapToDouble(CellResult::zeroShot).max().orElse(Double.NaN);
            tables.add(new Table(alpha, budget, target, targetMethod, rows, zeroShot));
        }
        return tables;
    }

    private static double meanFinal(List<CellResult> runs) {
        return mean(runs.stream().mapToDouble(CellResult::finalAccuracy).toArray());
    }

    /** Dev accuracy of the last evaluation within {@code budget} forward FLOPs. */
    static double accuracyAt(List<RoundMetrics> curve, double budget) {
        double acc = Double.NaN;
        for (RoundMetrics r : curve) {
            if (r.forwardFlops() <= budget && !Double.isNaN(r.devAccuracy())) {
                acc = r.devAccuracy();
            }
        }
        return acc;
    }

    /**
     * Accuracies closer than this are the same: results.csv and metrics.csv keep six decimals, so a
     * mean of stored values is off by up to 5e-7, while two different counts of correct answers
     * differ by at least 1/(dev size × seeds), above 1e-5 for any dev set and seed count used here.
     */
    static final double SAME_ACCURACY = 1e-6;

    /** Forward FLOPs at the first evaluation (after round 0) reaching {@code target}, or NaN. */
    static double flopsToReach(List<RoundMetrics> curve, double target) {
        for (RoundMetrics r : curve) {
            if (r.round() > 0 && !Double.isNaN(r.devAccuracy()) && r.devAccuracy() >= target - SAME_ACCURACY) {
                return r.forwardFlops();
            }
        }
        return Double.NaN;
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return v.length == 0 ? Double.NaN : s / v.length;
    }

    /** Sample standard deviation (0 for one value). */
    static double std(double[] v) {
        if (v.length < 2) {
            return 0;
        }
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }

    /** The Markdown report. */
    public static String markdown(ExperimentSpec spec, List<Table> tables, int cellsDone, int cellsTotal) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Experiment ").append(spec.name()).append("\n\n");
        String length = spec.stop().maxFlops() > 0
                ? String.format(Locale.ROOT, "each cell stops at %.3e forward FLOPs (at most %d rounds)", (double) spec.stop().maxFlops(),
                        spec.base().rounds())
                : spec.base().rounds() + " rounds";
        sb.append(String.format(Locale.ROOT, "Data: %s. %d clients, %d per round, %d local steps of batch %d, %s; "
                        + "trainable %s; η %s; seeds %s. Cells finished: %d of %d.%n%n",
                spec.data(), spec.base().clients(), spec.base().clientsPerRound(), spec.base().localSteps(),
                spec.base().batchSize(), length, spec.base().trainable().spec(),
                spec.lrDecay() ? "decaying linearly to 0" : "constant", spec.seeds(), cellsDone, cellsTotal));
        sb.append(spec.everySetting() ? "A row per setting (the spec's \"rows\": \"all\"); mean ± std over seeds.\n\n"
                : "Each method's row is its best setting by mean final dev accuracy over seeds (the grid the spec gives it); "
                        + "mean ± std over seeds.\n\n");
        for (Table t : tables) {
            sb.append(String.format(Locale.ROOT, "## Dirichlet α = %s%n%n", ExperimentCell.num(t.alpha())));
            if (t.rows().isEmpty()) {
                sb.append("No finished cell yet.\n\n");
                continue;
            }
            sb.append(String.format(Locale.ROOT, "FLOP budget %.3e; target = %s%n%n", t.budget(),
                    !Double.isNaN(spec.targetAccuracy(t.alpha())) ? String.format(Locale.ROOT, "%.2f %% (the spec's targetAccuracy)", 100 * t.target())
                            : t.targetMethod() == null ? "best baseline's final accuracy (no baseline in the grid)"
                            : String.format(Locale.ROOT, "best baseline's final accuracy %.2f %% (%s)", 100 * t.target(), t.targetMethod())));
            if (t.target() <= t.zeroShot()) {
                // Then the column only says where each run's first evaluation mark fell, not how fast it learnt.
                sb.append(String.format(Locale.ROOT, "The target is at or below the zero-shot accuracy (%.2f %%): a run reaches it at "
                        + "its first evaluation unless it first falls below it, so \"FLOPs to target\" does not rank the methods here.%n%n",
                        100 * t.zeroShot()));
            }
            sb.append("| method | " + (spec.everySetting() ? "setting" : "tuned setting") + " | final dev acc (%) | acc @ budget (%) "
                    + "| FLOPs to target (mean curve) | × vs best baseline | FLOPs to target per seed | × per seed "
                    + "| bytes up / down per client-round | client peak RSS (MiB) | method state (MiB) |\n");
            sb.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
            Row baseline = bestBaseline(t.rows());
            for (Row r : t.rows()) {
                boolean reached = !Double.isNaN(r.meanCurveToTarget());
                String ratio = !reached || baseline == null || Double.isNaN(baseline.meanCurveToTarget()) ? "—"
                        : String.format(Locale.ROOT, "%.2f", baseline.meanCurveToTarget() / r.meanCurveToTarget());
                sb.append(String.format(Locale.ROOT, "| %s | %s | %.2f ± %.2f | %.2f ± %.2f | %s | %s | %s | %s | %.0f / %.0f | %s | %.1f |%n",
                        r.method(), r.setting(), 100 * mean(r.finalAcc()), 100 * std(r.finalAcc()),
                        100 * mean(r.accAtBudget()), 100 * std(r.accAtBudget()),
                        reached ? String.format(Locale.ROOT, "%.3e", r.meanCurveToTarget()) : "—", ratio, perSeed(r),
                        baseline == null || r == baseline ? "—" : perSeedRatios(r, baseline), r.bytesUp(), r.bytesDown(),
                        r.peakRss() < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f", r.peakRss() / 1048576.0),
                        r.stateBytes() / 1048576.0));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * The best baseline: the non-FedSPZO row with the highest mean final accuracy (the row whose
     * accuracy is the default target), or null when there is none. Not the row whose curve touches
     * the target first: on a noisy curve that is often a spike the run falls back from.
     */
    static Row bestBaseline(List<Row> rows) {
        Row best = null;
        for (Row r : rows) {
            if (!r.method().startsWith("fedspzo") && (best == null || mean(r.finalAcc()) > mean(best.finalAcc()))) {
                best = r;
            }
        }
        return best;
    }

    /** Each seed's FLOPs to target, {@code s1 1.04e+13, s2 —, …}. */
    private static String perSeed(Row r) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < r.seeds(); i++) {
            double x = r.flopsToTarget()[i];
            b.append(i == 0 ? "" : ", ").append('s').append(r.seedIds()[i]).append(' ')
                    .append(Double.isNaN(x) ? "—" : String.format(Locale.ROOT, "%.2e", x));
        }
        return b.toString();
    }

    /**
     * The baseline's FLOPs to target over the row's, seed by seed: "—" where the row never reaches
     * it (or the baseline has no run on that seed), "&gt; x" where only the baseline never does (a
     * lower bound from all the compute its run spent).
     */
    static String perSeedRatios(Row r, Row baseline) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < r.seeds(); i++) {
            int j = indexOf(baseline.seedIds(), r.seedIds()[i]);
            double mine = r.flopsToTarget()[i];
            String v;
            if (Double.isNaN(mine) || j < 0) {
                v = "—";
            } else if (Double.isNaN(baseline.flopsToTarget()[j])) {
                v = String.format(Locale.ROOT, "> %.2f", baseline.spentFlops()[j] / mine);
            } else {
                v = String.format(Locale.ROOT, "%.2f", baseline.flopsToTarget()[j] / mine);
            }
            b.append(i == 0 ? "" : ", ").append('s').append(r.seedIds()[i]).append(' ').append(v);
        }
        return b.toString();
    }

    private static int indexOf(long[] values, long v) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == v) {
                return i;
            }
        }
        return -1;
    }

    /** Writes {@code report.md} into {@code out} (atomically). */
    public static void write(Path out, String markdown) throws IOException {
        ResultsStore.writeAtomically(out.resolve("report.md"), markdown);
    }
}
