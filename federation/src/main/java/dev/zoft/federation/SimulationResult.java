package dev.zoft.federation;

import dev.zoft.federation.protocol.RoundRecord;
import dev.zoft.zo.metrics.RoundMetrics;
import java.util.List;

/**
 * What a simulation produced.
 *
 * @param metrics          round 0 (zero-shot) and every round, in order
 * @param records          the round log
 * @param zeroShotAccuracy dev accuracy of the base model
 * @param finalAccuracy    dev accuracy after the last round
 */
public record SimulationResult(List<RoundMetrics> metrics, List<RoundRecord> records, double zeroShotAccuracy,
                               double finalAccuracy) {
    public SimulationResult {
        metrics = List.copyOf(metrics);
        records = List.copyOf(records);
    }

    /** The last row. */
    public RoundMetrics last() {
        return metrics.getLast();
    }
}
