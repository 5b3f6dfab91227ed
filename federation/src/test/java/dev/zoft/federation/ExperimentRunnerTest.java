package dev.zoft.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.federation.experiment.CellResult;
import dev.zoft.federation.experiment.ClassifierCells;
import dev.zoft.federation.experiment.ExperimentCell;
import dev.zoft.federation.experiment.ExperimentReport;
import dev.zoft.federation.experiment.ExperimentRunner;
import dev.zoft.federation.experiment.ExperimentSpec;
import dev.zoft.federation.experiment.ExperimentSpecException;
import dev.zoft.federation.experiment.ResultsStore;
import dev.zoft.federation.method.MethodSimulation;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.zo.data.Datasets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The experiment runner on a tiny random BERT: the spec's grid, a run killed after some cells resumes
 * where it stopped and ends with the same results as an uninterrupted run, and the report's table.
 */
class ExperimentRunnerTest {

    private static final String SPEC = """
            // a tiny grid
            {
              "name": "tiny",
              "data": "demo",
              "federation": { "clients": 4, "perRound": 2, "localSteps": 1, "rounds": 2, "batch": 4,
                              "alpha": [0.5, 0.1], "evalEvery": 1, "devSize": 16, "maxTokens": 16 },
              "training": { "trainable": "top-1", "split": 3, "lrDecay": false },
              "seeds": [1, 2],
              "methods": [
                { "method": "fedspzo", "p1": 1, "p2": 2, "eps": 1e-3, "lr": 0.05 },
                { "method": "fedzo", "p": 2, "lr": [0.05] },
                { "method": "fedkseed-pro", "k": 8, "p": 1, "lr": 0.05 }
              ]
            }
            """;

    private static ExperimentSpec spec(Path dir) throws IOException {
        Path f = dir.resolve("tiny.spec");
        Files.writeString(f, SPEC);
        return ExperimentSpec.read(f);
    }

    private static ExperimentRunner.CellRunner cells(WorkerPool pool) {
        return new ClassifierCells(o -> Fixtures.tinyClassifier(pool, o), pool, Datasets.demo(), "tiny", Fixtures.NO_DIGEST,
                MethodSimulation.Listener.none());
    }

    /** The columns that do not depend on the machine (not wall time or memory peaks). */
    private static List<String> deterministic(List<CellResult> rows) {
        return rows.stream().map(r -> String.join(",", r.id(), r.setting(), Double.toString(r.finalAccuracy()),
                Long.toString(r.forwardFlops()), Double.toString(r.bytesUpPerClientRound()),
                Double.toString(r.bytesDownPerClientRound()), Long.toString(r.stateBytes()))).toList();
    }

    @Test
    void theGridIsEveryCombinationInAFixedOrder(@TempDir Path dir) throws IOException {
        ExperimentSpec s = spec(dir);
        List<ExperimentCell> cells = s.cells();
        assertEquals(2 * 3 * 2, cells.size());
        assertEquals("fedspzo_P1-1_P2-2_eps-0.001_lr-0.05_a-0.5_s-1", cells.getFirst().id());
        assertEquals(8, cells.getLast().spec().poolSize());
        assertEquals(0.1, cells.getLast().alpha());
        assertEquals(Double.NaN, s.config(cells.getFirst()).finalLearningRate());
    }

    @Test
    void theCommittedSpecsAreValid() throws IOException {
        ExperimentSpec demo = ExperimentSpec.read(Path.of("../docs/experiments/demo.spec"));
        assertEquals(5 * 2, demo.cells().size());
        ExperimentSpec full = ExperimentSpec.read(Path.of("../docs/experiments/sst2-full.spec"));
        assertEquals(2 * 6 * 3 * 3, full.cells().size());
        ExperimentSpec tune = ExperimentSpec.read(Path.of("../docs/experiments/sst2-tune.spec"));
        ExperimentSpec table = ExperimentSpec.read(Path.of("../docs/experiments/sst2.spec"));
        assertEquals(2 * 5 * 3, table.cells().size());
        for (ExperimentSpec s : List.of(full, tune, table)) {
            assertEquals(100, s.base().clients());
            assertEquals(10, s.base().clientsPerRound());
            assertTrue(s.data().endsWith("shared/datasets/sst2"), s.data());
        }
        // same tuning grid size for every method
        for (ExperimentSpec s : List.of(full, tune)) {
            for (ExperimentSpec.MethodGrid g : s.methods()) {
                assertEquals(3, g.specs().size() * g.learningRates().size());
            }
        }
        // the table reuses the tuning grid's cells: the same federation, budget and every tuned cell id
        assertEquals(tune.stop(), table.stop());
        java.util.Map<String, ExperimentCell> tuned = new java.util.HashMap<>();
        tune.cells().forEach(c -> tuned.put(c.id(), c));
        int reused = 0;
        for (ExperimentCell c : table.cells()) {
            if (tuned.containsKey(c.id())) {
                assertEquals(tune.config(tuned.get(c.id())), table.config(c), c.id());
                reused++;
            }
        }
        assertEquals(5, reused);

        // The ablations: a row per setting, FLOPs counted to the table's target (DeComFL's 72.67 %).
        ExperimentSpec knobs = ExperimentSpec.read(Path.of("../docs/experiments/sst2-knobs.spec"));
        ExperimentSpec plan = ExperimentSpec.read(Path.of("../docs/experiments/sst2-plan.spec"));
        ExperimentSpec blocks = ExperimentSpec.read(Path.of("../docs/experiments/sst2-blocks.spec"));
        for (ExperimentSpec s : List.of(knobs, plan, blocks)) {
            assertTrue(s.everySetting(), s.name());
            assertEquals(0.72668, s.targetAccuracy(0.5), s.name());
            assertEquals(table.stop(), s.stop(), s.name());
            assertEquals(s == plan ? List.of(0.5, 0.1) : List.of(0.5), s.alphas());
            assertEquals(List.of(1L, 2L, 3L), s.seeds(), s.name());
        }
        // at alpha 0.1 the planner counts to that half's target (FedKSeed-Pro's 69.95 %)
        assertEquals(0.69954, plan.targetAccuracy(0.1));
        // the knobs' reference row is the table's FedSPZO cells, same settings
        java.util.Map<String, ExperimentCell> inTable = new java.util.HashMap<>();
        table.cells().forEach(c -> inTable.put(c.id(), c));
        List<ExperimentCell> reference = knobs.cells().stream().filter(c -> inTable.containsKey(c.id())).toList();
        assertEquals(3, reference.size()); // one per seed
        for (ExperimentCell c : reference) {
            assertEquals(table.config(inTable.get(c.id())), knobs.config(c), c.id());
        }
        // the planner spends the table's FedSPZO step FLOPs on split 5 and seven block-2 directions
        assertEquals(5, plan.base().splitLayer());
        List<ExperimentCell> planned = plan.cells().stream().filter(c -> c.spec().kind().isFedSpzo()).toList();
        assertEquals(6, planned.size());
        planned.forEach(c -> assertEquals(7, c.spec().p2(), c.id()));
        // the baseline beside it is the table's tuned DeComFL, cell for cell
        List<ExperimentCell> decomfl = plan.cells().stream().filter(c -> !c.spec().kind().isFedSpzo()).toList();
        assertEquals(6, decomfl.size());
        decomfl.forEach(c -> assertTrue(inTable.containsKey(c.id()), c.id()));
        // five seeds of the planner against DeComFL: seeds 1-3 are the plan ablation's cells, same settings
        ExperimentSpec five = ExperimentSpec.read(Path.of("../docs/experiments/sst2-plan-5seeds.spec"));
        java.util.Map<String, ExperimentCell> inPlan = new java.util.HashMap<>();
        plan.cells().forEach(c -> inPlan.put(c.id(), c));
        assertEquals(25, five.cells().size());
        assertTrue(Double.isNaN(five.targetAccuracy(0.5)), "the issue's target: the best baseline's mean over these seeds");
        List<ExperimentCell> shared = five.cells().stream().filter(c -> inPlan.containsKey(c.id())).toList();
        assertEquals(6, shared.size());
        for (ExperimentCell c : shared) {
            assertEquals(plan.config(inPlan.get(c.id())), five.config(c), c.id());
        }
        // the other baselines' seeds 1-3 are the table's cells (one block: only the unused split differs)
        List<ExperimentCell> fromTable = five.cells().stream()
                .filter(c -> !inPlan.containsKey(c.id()) && inTable.containsKey(c.id())).toList();
        assertEquals(9, fromTable.size());
        for (ExperimentCell c : fromTable) {
            assertFalse(c.spec().kind().isFedSpzo(), c.id());
            assertEquals(table.config(inTable.get(c.id())).toBuilder().splitLayer(five.base().splitLayer()).build(), five.config(c), c.id());
        }
        // the long DeComFL run is the table's, cell for cell, with twice the compute
        ExperimentSpec longer = ExperimentSpec.read(Path.of("../docs/experiments/sst2-long.spec"));
        assertEquals(2 * table.stop().maxFlops(), longer.stop().maxFlops());
        assertEquals(1, longer.cells().size());
        for (ExperimentCell c : longer.cells()) {
            assertEquals(table.config(inTable.get(c.id())), longer.config(c), c.id());
        }
    }

    @Test
    void aFlopBudgetStopsEveryCellAtTheSameComputeAndEvaluatesAtItsMarks(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("budget.spec");
        Files.writeString(f, SPEC.replace("\"rounds\": 2,", "\"rounds\": 50,")
                .replace("\"evalEvery\": 1,", "\"evalEvery\": 0, \"maxFlops\": 4e7, \"evalEveryFlops\": 1e7,")
                .replace("\"alpha\": [0.5, 0.1]", "\"alpha\": [0.5]").replace("\"seeds\": [1, 2]", "\"seeds\": [1]"));
        ExperimentSpec s = ExperimentSpec.read(f);
        assertEquals(new MethodSimulation.Budget(40_000_000L, 10_000_000L), s.stop());
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        Path out = dir.resolve("out");
        try (WorkerPool pool = WorkerPool.create(2)) {
            ExperimentRunner.CellRunner runner = new ClassifierCells(o -> Fixtures.tinyClassifier(pool, o), pool,
                    Datasets.demo(), "tiny", Fixtures.NO_DIGEST, s.stop(), MethodSimulation.Listener.none());
            ResultsStore store = new ExperimentRunner(s, out, runner, quiet).run();
            java.util.Set<Integer> roundsRun = new java.util.HashSet<>();
            for (CellResult r : store.rows()) {
                List<dev.zoft.zo.metrics.RoundMetrics> curve = ExperimentRunner.curve(out, r.id());
                dev.zoft.zo.metrics.RoundMetrics last = curve.getLast();
                dev.zoft.zo.metrics.RoundMetrics beforeLast = curve.get(curve.size() - 2);
                assertTrue(last.forwardFlops() >= 40_000_000L && beforeLast.forwardFlops() < 40_000_000L,
                        r.id() + " stops after the first round at or past the budget: " + curve);
                assertTrue(last.round() < 50, r.id() + " stopped by the budget, not the round cap");
                assertEquals(last.round(), r.rounds());
                assertTrue(!Double.isNaN(last.devAccuracy()));
                // an evaluation after every round that crosses a 1e7 mark, and only then
                long evaluated = 0;
                for (int i = 1; i < curve.size(); i++) {
                    boolean crossed = curve.get(i).forwardFlops() / 10_000_000L > curve.get(i - 1).forwardFlops() / 10_000_000L;
                    assertEquals(crossed || i == curve.size() - 1, !Double.isNaN(curve.get(i).devAccuracy()), r.id() + " round " + i);
                    evaluated += Double.isNaN(curve.get(i).devAccuracy()) ? 0 : 1;
                }
                assertTrue(evaluated >= 4, r.id());
                roundsRun.add(r.rounds());
            }
            assertTrue(roundsRun.size() > 1, "methods with different costs per round run different round counts: " + roundsRun);
        }
    }

    @Test
    void anAblationReportsEverySettingAndCountsFlopsToTheSpecsTarget(@TempDir Path dir) throws IOException {
        String grid = SPEC.replace("\"alpha\": [0.5, 0.1]", "\"alpha\": [0.5]").replace("\"seeds\": [1, 2]", "\"seeds\": [1]")
                .replace("\"lr\": [0.05] }", "\"lr\": [0.05, 0.2] }");
        Path f = dir.resolve("grid.spec");
        Files.writeString(f, grid);
        ExperimentSpec best = ExperimentSpec.read(f);
        Files.writeString(f, grid.replace("\"seeds\"", "\"rows\": \"all\", \"targetAccuracy\": 0.01, \"seeds\""));
        ExperimentSpec all = ExperimentSpec.read(f);
        assertFalse(best.everySetting());
        assertTrue(Double.isNaN(best.targetAccuracy(0.5)));
        // a per-alpha target; an alpha it leaves out counts to the best baseline
        Files.writeString(f, SPEC.replace("\"seeds\"", "\"targetAccuracy\": {\"0.1\": 0.6}, \"seeds\""));
        ExperimentSpec perAlpha = ExperimentSpec.read(f);
        assertEquals(0.6, perAlpha.targetAccuracy(0.1));
        assertTrue(Double.isNaN(perAlpha.targetAccuracy(0.5)));
        assertEquals(0.01, all.targetAccuracy(0.5));
        Path out = dir.resolve("out");
        try (WorkerPool pool = WorkerPool.create(2)) {
            ResultsStore store = new ExperimentRunner(best, out, cells(pool), new PrintStream(new ByteArrayOutputStream())).run();
            List<CellResult> fedzo = store.rows().stream().filter(r -> r.method().equals("fedzo")).toList();
            assertEquals(2, fedzo.size());
            CellResult better = fedzo.get(0).finalAccuracy() >= fedzo.get(1).finalAccuracy() ? fedzo.get(0) : fedzo.get(1);

            ExperimentReport.Table tuned = ExperimentReport.tables(best, store.rows(), out).getFirst();
            assertEquals(List.of("fedspzo", "fedzo", "fedkseed-pro"), tuned.rows().stream().map(ExperimentReport.Row::method).toList());
            assertEquals(better.setting(), tuned.rows().get(1).setting());

            ExperimentReport.Table every = ExperimentReport.tables(all, store.rows(), out).getFirst();
            assertEquals(List.of("fedspzo", "fedzo", "fedzo", "fedkseed-pro"), every.rows().stream().map(ExperimentReport.Row::method).toList());
            assertNotEquals(every.rows().get(1).setting(), every.rows().get(2).setting());
            assertEquals(0.01, every.target());
            for (ExperimentReport.Row r : every.rows()) {
                // every run starts at the zero-shot accuracy, far above 1 %: its first evaluation reaches it
                assertEquals(ExperimentRunner.curve(out, r.cellIds().getFirst()).stream()
                        .filter(m -> m.round() > 0 && !Double.isNaN(m.devAccuracy())).findFirst().orElseThrow().forwardFlops(),
                        r.flopsToTarget()[0], r.setting());
                // one seed: its curve is the mean curve
                assertEquals(r.flopsToTarget()[0], r.meanCurveToTarget(), r.setting());
            }
            String md = ExperimentReport.markdown(all, List.of(every), 4, 4);
            assertTrue(md.contains("| method | setting |") && md.contains("1.00 % (the spec's targetAccuracy)"), md);
            // a 1 % target sits below the zero-shot accuracy, and the report says the column cannot rank then
            assertEquals(store.rows().getFirst().zeroShot(), every.zeroShot());
            assertTrue(md.contains("at or below the zero-shot accuracy") && md.contains("does not rank the methods"), md);
            assertTrue(ExperimentReport.markdown(best, List.of(tuned), 4, 4).contains("| method | tuned setting |"));
        }
    }

    @Test
    void aPiecewiseScheduleCellIsRecordedAndResumed(@TempDir Path dir) throws IOException {
        // Its setting once named the schedule "2@1,8@2": results.csv refused it after the cell had run.
        Path f = dir.resolve("schedule.spec");
        Files.writeString(f, SPEC.replace("\"alpha\": [0.5, 0.1]", "\"alpha\": [0.5]").replace("\"seeds\": [1, 2]", "\"seeds\": [1]")
                .replace("\"p2\": 2,", "\"p2\": {\"rounds\": [1, 2], \"counts\": [1, 2]},")
                .replace(",\n    { \"method\": \"fedzo\", \"p\": 2, \"lr\": [0.05] },\n    { \"method\": \"fedkseed-pro\", \"k\": 8, \"p\": 1, \"lr\": 0.05 }", ""));
        ExperimentSpec s = ExperimentSpec.read(f);
        assertEquals(1, s.cells().size(), s.cells().toString());
        assertTrue(s.cells().getFirst().setting().contains("P2=1@1;2@2"), s.cells().getFirst().setting());
        Path out = dir.resolve("out");
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        try (WorkerPool pool = WorkerPool.create(2)) {
            ResultsStore store = new ExperimentRunner(s, out, cells(pool), quiet).run();
            assertEquals(s.cells().getFirst().setting(), store.rows().getFirst().setting());
            AtomicInteger again = new AtomicInteger();
            new ExperimentRunner(s, out, (cell, config) -> {
                again.incrementAndGet();
                return cells(pool).run(cell, config);
            }, quiet).run();
            assertEquals(0, again.get(), "the recorded cell is found again");
        }
    }

    @Test
    void badSpecsNameTheFileAndTheProblem(@TempDir Path dir) throws IOException {
        String[][] bad = {
                {"{\"methods\": [{\"method\": \"fedzo\", \"p\": 2, \"lr\": 0.1, \"lr_end\": 0}]}", "unknown key 'lr_end'"},
                {"{\"methods\": [{\"method\": \"fedzo\", \"p\": 2}]}", "has no 'lr'"},
                {"{\"methods\": [{\"method\": \"sgd\", \"lr\": 0.1}]}", "unknown method 'sgd'"},
                {"{\"methods\": [{\"method\": \"fedspzo\", \"p\": 2, \"lr\": 0.1}]}", "takes p1 and p2"},
                {"{\"methods\": [{\"method\": \"fedzo\", \"k\": 4, \"lr\": 0.1}]}", "no seed pool"},
                {"{\"methods\": []}", "non-empty list"},
                {"{\"federation\": {\"clients\": 2.5}, \"methods\": [{\"method\": \"fedzo\", \"lr\": 0.1}]}", "must be an integer"},
                {"{\"seeds\": [1, 1], \"methods\": [{\"method\": \"fedzo\", \"lr\": 0.1}]}", "seeds repeat"},
                {"{\"methods\": [{\"method\": \"fedzo\", \"lr\": 0.1}", "not valid JSON"},
                {"{\"methods\": [{\"method\": \"fedzo\", \"lr\": [0.1, 0.1]}]}", "repeats a cell"},
                {"{\"federation\": {\"maxFlops\": 1e12}, \"methods\": [{\"method\": \"fedzo\", \"lr\": 0.1}]}", "lrDecay to false"},
                {"{\"federation\": {\"maxFlops\": -1}, \"training\": {\"lrDecay\": false}, \"methods\": [{\"method\": \"fedzo\", \"lr\": 0.1}]}",
                        "between 1 and 9e18"},
                {"{\"rows\": \"some\", \"methods\": [{\"method\": \"fedzo\", \"lr\": 0.1}]}", "must be \"best\" or \"all\""},
                {"{\"targetAccuracy\": 72.67, \"methods\": [{\"method\": \"fedzo\", \"lr\": 0.1}]}", "fraction in (0, 1]"},
                {"{\"targetAccuracy\": {\"0.5\": 72.67}, \"methods\": [{\"method\": \"fedzo\", \"lr\": 0.1}]}", "fraction in (0, 1]"},
                {"{\"targetAccuracy\": {\"0.3\": 0.7}, \"methods\": [{\"method\": \"fedzo\", \"lr\": 0.1}]}", "not in federation.alpha"},
                {"{\"targetAccuracy\": {\"half\": 0.7}, \"methods\": [{\"method\": \"fedzo\", \"lr\": 0.1}]}", "keys are α values"},
                {"{\"targetAccuracy\": [0.7], \"methods\": [{\"method\": \"fedzo\", \"lr\": 0.1}]}", "targetAccuracy"},
                {"{\"federation\": {\"evalEveryFlops\": \"often\"}, \"methods\": [{\"method\": \"fedzo\", \"lr\": 0.1}]}", "must be a number"},
        };
        for (String[] b : bad) {
            Path f = dir.resolve("bad.spec");
            Files.writeString(f, b[0]);
            IOException e = assertThrows(IOException.class, () -> ExperimentSpec.read(f).cells(), b[0]);
            if (!(e instanceof ExperimentSpecException)) {
                throw new AssertionError("expected a spec error for " + b[0], e);
            }
            assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains(b[1]), e.getMessage());
        }
    }

    @Test
    void aKilledRunResumesWhereItStoppedAndEndsWithTheSameResults(@TempDir Path dir) throws IOException {
        ExperimentSpec s = spec(dir);
        int total = s.cells().size();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        List<String> uninterrupted;
        try (WorkerPool pool = WorkerPool.create(2)) {
            uninterrupted = deterministic(new ExperimentRunner(s, dir.resolve("once"), cells(pool), quiet).run().rows());

            Path out = dir.resolve("killed");
            AtomicInteger calls = new AtomicInteger();
            ExperimentRunner.CellRunner real = cells(pool);
            ExperimentRunner.CellRunner dying = (cell, config) -> {
                if (calls.incrementAndGet() == 6) {
                    throw new IOException("killed");
                }
                return real.run(cell, config);
            };
            assertThrows(IOException.class, () -> new ExperimentRunner(s, out, dying, quiet).run());
            assertEquals(5, ResultsStore.open(out.resolve(ExperimentRunner.RESULTS_FILE)).rows().size());
            // A kill while a cell's files were being written leaves a temporary folder behind.
            Files.createDirectories(out.resolve("cells").resolve("." + s.cells().get(5).id() + ".tmp").resolve("junk"));

            AtomicInteger resumed = new AtomicInteger();
            ExperimentRunner.CellRunner counting = (cell, config) -> {
                resumed.incrementAndGet();
                return real.run(cell, config);
            };
            ResultsStore store = new ExperimentRunner(s, out, counting, quiet).run();
            assertEquals(total - 5, resumed.get(), "only the unfinished cells run again");
            assertEquals(uninterrupted, deterministic(store.rows()));
            assertEquals(total, Files.readAllLines(out.resolve(ExperimentRunner.RESULTS_FILE)).size() - 1);
            // Running a finished grid again runs nothing.
            resumed.set(0);
            new ExperimentRunner(s, out, counting, quiet).run();
            assertEquals(0, resumed.get());

            List<ExperimentReport.Table> tables = ExperimentReport.tables(s, store.rows(), out);
            assertEquals(2, tables.size());
            for (ExperimentReport.Table t : tables) {
                assertEquals(3, t.rows().size());
                assertTrue(t.targetMethod().equals("fedzo") || t.targetMethod().equals("fedkseed-pro"), t.targetMethod());
                for (ExperimentReport.Row r : t.rows()) {
                    assertEquals(2, r.seeds());
                    assertTrue(r.bytesUp() > 0 && r.bytesDown() > 0);
                }
            }
            String md = ExperimentReport.markdown(s, tables, total, total);
            assertTrue(md.contains("## Dirichlet α = 0.5") && md.contains("| fedkseed-pro |"), md);
            assertTrue(Files.exists(out.resolve("cells").resolve(s.cells().get(5).id()).resolve(ExperimentRunner.CLIENTS_FILE)));
        }
    }
}
