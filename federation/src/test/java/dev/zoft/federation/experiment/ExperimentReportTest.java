package dev.zoft.federation.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.zoft.zo.metrics.RoundMetrics;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The table's measures on hand-made curves. */
class ExperimentReportTest {

    private static RoundMetrics row(int round, long flops, double acc) {
        return new RoundMetrics(round, round, round, flops, 0, 0, Double.NaN, acc, round);
    }

    private static final List<RoundMetrics> CURVE = List.of(row(0, 0, 0.70), row(1, 100, Double.NaN), row(2, 200, 0.74),
            row(3, 300, 0.72), row(4, 400, 0.80));

    @Test
    void accuracyAtABudgetIsTheLastEvaluationWithinIt() {
        assertEquals(0.70, ExperimentReport.accuracyAt(CURVE, 199));
        assertEquals(0.74, ExperimentReport.accuracyAt(CURVE, 200));
        assertEquals(0.72, ExperimentReport.accuracyAt(CURVE, 399));
        assertEquals(0.80, ExperimentReport.accuracyAt(CURVE, 1e9));
    }

    @Test
    void flopsToTargetIsTheFirstEvaluationReachingIt() {
        assertEquals(200, ExperimentReport.flopsToReach(CURVE, 0.73));
        assertEquals(400, ExperimentReport.flopsToReach(CURVE, 0.80));
        assertEquals(Double.NaN, ExperimentReport.flopsToReach(CURVE, 0.81));
        assertEquals(200, ExperimentReport.flopsToReach(CURVE, 0.5), "round 0 reaches it but is not training");
        // a mean of six-decimal values: 1901/2616 stored per seed as 0.727064, 0.716743, 0.736239
        List<RoundMetrics> stored = List.of(row(0, 0, 0.70), row(1, 100, (0.727064 + 0.716743 + 0.736239) / 3));
        assertEquals(100, ExperimentReport.flopsToReach(stored, 1901.0 / 2616), "the same count of correct answers");
        assertEquals(Double.NaN, ExperimentReport.flopsToReach(stored, 1902.0 / 2616), "one more correct answer is not reached");
    }

    @Test
    void theMeanCurveAveragesTheIthEvaluationOfEverySeed() {
        List<RoundMetrics> other = List.of(row(0, 0, 0.70), row(1, 120, 0.78), row(2, 260, 0.76));
        List<RoundMetrics> mean = ExperimentReport.meanCurve(List.of(CURVE, other));
        assertEquals(3, mean.size(), "as many points as the run with the fewest evaluations");
        assertEquals(0, mean.getFirst().forwardFlops());
        assertEquals(0.70, mean.getFirst().devAccuracy(), 1e-12);
        assertEquals(160, mean.get(1).forwardFlops(), "(200 + 120) / 2");
        assertEquals((0.74 + 0.78) / 2, mean.get(1).devAccuracy(), 1e-12);
        assertEquals(280, mean.get(2).forwardFlops());
        assertEquals((0.72 + 0.76) / 2, mean.get(2).devAccuracy(), 1e-12);
        assertEquals(CURVE.stream().filter(m -> !Double.isNaN(m.devAccuracy())).toList().size(),
                ExperimentReport.meanCurve(List.of(CURVE)).size());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> ExperimentReport.meanCurve(List.of()));
    }

    private static ExperimentReport.Row result(String method, double finalAcc, long[] seeds, double[] toTarget, double meanCurve,
                                               double[] spent) {
        int n = seeds.length;
        double[] fin = new double[n];
        java.util.Arrays.fill(fin, finalAcc);
        return new ExperimentReport.Row(method, method, n, fin, new double[n], toTarget, 0, 0, 0, 0, List.of(), seeds, meanCurve, spent);
    }

    @Test
    void theBestBaselineIsTheNonFedSpzoRowWithTheHighestMeanFinalAccuracy() {
        long[] seeds = {1, 2};
        double[] spent = {9, 9};
        ExperimentReport.Row fedspzo = result("fedspzo", 0.80, seeds, new double[] {1, 1}, 1, spent);
        ExperimentReport.Row best = result("decomfl", 0.73, seeds, new double[] {5, 7}, 6, spent);
        // touches the target first, on a spike it falls back from: not the best baseline
        ExperimentReport.Row spiky = result("fedkseed", 0.72, seeds, new double[] {2, Double.NaN}, 2, spent);
        assertEquals(best, ExperimentReport.bestBaseline(List.of(fedspzo, spiky, best)));
        assertNull(ExperimentReport.bestBaseline(List.of(fedspzo)), "no baseline in the table");
    }

    @Test
    void perSeedRatiosPairSeedsAndBoundWhereTheBaselineNeverReaches() {
        // the baseline's seeds in another order: seed 2 never reaches the target within the 3e13 it spent
        ExperimentReport.Row baseline = result("decomfl", 0.73, new long[] {2, 1, 3}, new double[] {Double.NaN, 3e13, 2e13}, 3e13,
                new double[] {3e13, 3.1e13, 3e13});
        ExperimentReport.Row row = result("fedspzo", 0.74, new long[] {1, 2, 3, 4}, new double[] {1e13, 1.5e13, Double.NaN, 1e13}, 1.2e13,
                new double[] {3e13, 3e13, 3e13, 3e13});
        assertEquals("s1 3.00, s2 > 2.00, s3 —, s4 —", ExperimentReport.perSeedRatios(row, baseline));
    }

    @Test
    void meanAndSampleStd() {
        assertEquals(2.0, ExperimentReport.mean(new double[] {1, 2, 3}));
        assertEquals(1.0, ExperimentReport.std(new double[] {1, 2, 3}), 1e-15);
        assertEquals(0.0, ExperimentReport.std(new double[] {5}));
    }
}
