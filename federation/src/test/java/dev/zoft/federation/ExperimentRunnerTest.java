package dev.zoft.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        ExperimentSpec sst2 = ExperimentSpec.read(Path.of("../docs/experiments/sst2.spec"));
        assertEquals(2 * 6 * 3 * 3, sst2.cells().size());
        assertEquals(100, sst2.base().clients());
        assertEquals(10, sst2.base().clientsPerRound());
        assertTrue(sst2.data().endsWith("shared/datasets/sst2"), sst2.data());
        // same tuning grid size for every method
        for (ExperimentSpec.MethodGrid g : sst2.methods()) {
            assertEquals(3, g.specs().size() * g.learningRates().size());
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
