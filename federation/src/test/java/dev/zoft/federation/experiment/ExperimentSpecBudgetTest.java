package dev.zoft.federation.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.federation.SimulationConfig;
import dev.zoft.federation.method.MethodKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code "split": "budget"} in an experiment spec: the planner's split and FedSPZO P1/P2 in every cell, and the errors. */
class ExperimentSpecBudgetTest {

    @TempDir
    Path dir;

    private ExperimentSpec read(String training, String methods) throws IOException {
        Path file = dir.resolve("grid.spec");
        Files.writeString(file, """
                { "name": "b", "federation": { "localSteps": 4, "batch": 16, "maxTokens": 64 },
                  "training": %s, "seeds": [1],
                  "methods": %s }""".formatted(training, methods));
        return ExperimentSpec.read(file);
    }

    private static final String METHODS = """
            [ { "method": "fedspzo", "lr": 1e-3 }, { "method": "fedspzo-decoupled", "lr": 1e-3 },
              { "method": "decomfl", "p": 4, "lr": 1e-3 } ]""";

    @Test
    void aFlopBudgetSetsTheSplitAndFedSpzoDirections() throws IOException {
        // 4e11 a round of 4 steps = 1e11 a step ≈ 26.8 MiniLM layers on 16 × 64 (SplitPlannerTest):
        // nested gets split 5, P1 = 1, P2 = 8; decoupled at split 5: 5 + 2·6 + 2·P2 ≤ 26.8 layers, P2 = 4.
        ExperimentSpec spec = read("""
                { "trainable": "top-3", "split": "budget", "budget": { "flopsPerRound": 4e11 } }""", METHODS);
        assertEquals(5, spec.base().splitLayer());
        List<ExperimentCell> cells = spec.cells();
        assertEquals(3, cells.size());
        assertEquals(MethodKind.FEDSPZO, cells.get(0).spec().kind());
        assertEquals(List.of(1, 8), List.of(cells.get(0).spec().p(), cells.get(0).spec().p2()));
        assertEquals(List.of(1, 4), List.of(cells.get(1).spec().p(), cells.get(1).spec().p2()));
        assertEquals(4, cells.get(2).spec().p(), "baselines keep their own p");
        for (ExperimentCell c : cells) {
            SimulationConfig config = spec.config(c);
            assertEquals(5, config.splitLayer());
            assertEquals(5, config.classifierOptions().splitLayer());
        }
        assertEquals(1, spec.config(cells.get(0)).estimator().p1());
        assertEquals(8, spec.config(cells.get(0)).estimator().p2());
    }

    @Test
    void plannerConstraintsAreRead() throws IOException {
        ExperimentSpec spec = read("""
                { "trainable": "top-3", "split": "budget",
                  "budget": { "flopsPerStep": 1e13, "maxP1": 2, "maxP2": 3, "minBlock2Share": 0.5 } }""",
                "[ { \"method\": \"fedspzo\", \"lr\": 1e-3 } ]");
        // Block 2 must hold half of the trainable parameters: split 4 (layers 4, 5 and the head).
        assertEquals(4, spec.base().splitLayer());
        assertEquals(List.of(2, 3), List.of(spec.cells().getFirst().spec().p(), spec.cells().getFirst().spec().p2()));
    }

    @Test
    void aSecondsBudgetTimesMiniLmHere() throws IOException {
        Path file = dir.resolve("s.spec");
        Files.writeString(file, """
                { "federation": { "localSteps": 2, "batch": 2, "maxTokens": 8 },
                  "training": { "trainable": "top-2", "split": "budget", "budget": { "secondsPerRound": 100 } },
                  "methods": [ { "method": "fedspzo", "lr": 1e-3 } ] }""");
        ExperimentSpec spec = ExperimentSpec.read(file);
        int split = spec.base().splitLayer();
        assertTrue(split >= 4 && split <= 5, "top-2 of 6 layers: block 2 needs a trained layer, got " + split);
        assertEquals(16, spec.cells().getFirst().spec().p2(), "100 s buys every direction up to the cap on a 2 × 8 batch");
    }

    @Test
    void mistakesAreNamed() {
        assertError("read only with", """
                { "split": "auto", "budget": { "flopsPerStep": 1e11 } }""", METHODS);
        assertError("needs training.budget", """
                { "split": "budget" }""", METHODS);
        assertError("exactly one of", """
                { "split": "budget", "budget": { "flopsPerStep": 1e11, "secondsPerRound": 3 } }""", METHODS);
        assertError("exactly one of", """
                { "split": "budget", "budget": { "maxP2": 3 } }""", METHODS);
        assertError("unknown key 'flops'", """
                { "split": "budget", "budget": { "flops": 1e11 } }""", METHODS);
        assertError("must be positive", """
                { "split": "budget", "budget": { "flopsPerStep": -1 } }""", METHODS);
        assertError("remove them", """
                { "trainable": "top-3", "split": "budget", "budget": { "flopsPerStep": 1e11 } }""",
                "[ { \"method\": \"fedspzo\", \"p2\": 4, \"lr\": 1e-3 } ]");
        assertError("no method is fedspzo", """
                { "split": "budget", "budget": { "flopsPerStep": 1e11 } }""", "[ { \"method\": \"decomfl\", \"lr\": 1e-3 } ]");
        // top-3 on MiniLM: the cheapest plan (layers 0–2 frozen) costs 9 layers + 2 heads = 3.3521e10 a step.
        assertError("3.3521e+10", """
                { "trainable": "top-3", "split": "budget", "budget": { "flopsPerStep": 1e10 } }""", METHODS);
    }

    private void assertError(String expected, String training, String methods) {
        ExperimentSpecException e = assertThrows(ExperimentSpecException.class, () -> read(training, methods));
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains("grid.spec"), e.getMessage());
    }
}
