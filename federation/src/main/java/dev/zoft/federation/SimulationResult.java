package dev.zoft.federation;

import dev.zoft.federation.privacy.PrivacyReport;
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
 * @param privacy          the run's (ε, δ) guarantee when DP was on, else null
 */
public record SimulationResult(List<RoundMetrics> metrics, List<RoundRecord> records, double zeroShotAccuracy,
                               double finalAccuracy, PrivacyReport privacy) {
    public SimulationResult {
        metrics = List.copyOf(metrics);
        records = List.copyOf(records);
    }

    /** A result of a run without DP. */
    public SimulationResult(List<RoundMetrics> metrics, List<RoundRecord> records, double zeroShotAccuracy,
                            double finalAccuracy) {
        this(metrics, records, zeroShotAccuracy, finalAccuracy, null);
    }

    /** The last row. */
    public RoundMetrics last() {
        return metrics.getLast();
    }
}
