package dev.zoft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code zoft plan}: the profile and plan it prints, its errors. */
class PlanCommandTest {

    private record Outcome(int status, String out, String err) {
    }

    private static Outcome run(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aFlopBudgetPrintsTheProfileAndThePlanWithoutAForward() {
        Outcome o = run("plan", "--budget-flops", "2e11", "--trainable", "top-3");
        assertEquals(0, o.status(), o.err());
        assertTrue(o.out().contains("layer 5") && o.out().contains("3.7245e+09"), o.out());
        // 1e11 a step: split 5, P2 = 8 (SplitPlannerTest works the numbers out).
        assertTrue(o.out().contains("split 5") && o.out().contains("P1 = 1, P2 = 8"), o.out());
        assertTrue(o.out().contains("--estimator fedspzo --split 5 --p1 1 --p2 8 --subset top-3"), o.out());
        Outcome decoupled = run("plan", "--budget-flops", "1e13", "--per", "step", "--variant", "decoupled", "--max-p2", "4",
                "--trainable", "top-3");
        assertEquals(0, decoupled.status(), decoupled.err());
        assertTrue(decoupled.out().contains("FedSPZO decoupled") && decoupled.out().contains("P2 = 4"), decoupled.out());
    }

    @Test
    void aSecondsBudgetTimesRealForwards() {
        Outcome o = run("plan", "--budget-seconds", "100", "--batch", "2", "--tokens", "8", "--warmup", "0", "--runs", "1",
                "--threads", "1");
        assertEquals(0, o.status(), o.err());
        assertTrue(o.out().contains("median of 1 forwards") && o.out().contains("s per round"), o.out());
        assertTrue(o.out().contains("FedSPZO nested"), o.out());
    }

    @Test
    void anInfeasibleBudgetSaysWhatTheCheapestPlanCosts() {
        Outcome o = run("plan", "--budget-flops", "1e9", "--trainable", "top-3");
        assertEquals(1, o.status());
        assertTrue(o.err().contains("below the cheapest") && o.err().contains("3.3521e+10"), o.err());
    }

    @Test
    void usageMistakes(@TempDir Path dir) {
        assertEquals(2, run("plan").status());
        assertEquals(2, run("plan", "--budget-flops", "1e12", "--budget-seconds", "3").status());
        assertEquals(2, run("plan", "--budget-flops", "-1").status());
        assertEquals(2, run("plan", "--budget-flops", "NaN").status());
        assertEquals(2, run("plan", "--budget-flops", "1e12", "--per", "day").status());
        assertEquals(2, run("plan", "--budget-flops", "1e12", "--variant", "both").status());
        assertEquals(2, run("plan", "--budget-flops", "1e12", "--trainable", "top-x").status());
        assertEquals(2, run("plan", "--budget-flops", "1e12", "--min-share", "2").status());
        assertEquals(2, run("plan", "--budget-flops", "1e12", "--model", dir.resolve("none").toString()).status());
        Outcome noConfig = run("plan", "--budget-flops", "1e12", "--model", dir.toString());
        assertEquals(1, noConfig.status());
        assertTrue(noConfig.err().contains("config.json"), noConfig.err());
        Outcome tooDeep = run("plan", "--budget-flops", "1e12", "--trainable", "top-9");
        assertEquals(1, tooDeep.status());
        assertTrue(tooDeep.err().contains("top 9"), tooDeep.err());
    }
}
