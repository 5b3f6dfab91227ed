package dev.zoft.federation.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

    @Test
    void meanAndSampleStd() {
        assertEquals(2.0, ExperimentReport.mean(new double[] {1, 2, 3}));
        assertEquals(1.0, ExperimentReport.std(new double[] {1, 2, 3}), 1e-15);
        assertEquals(0.0, ExperimentReport.std(new double[] {5}));
    }
}
