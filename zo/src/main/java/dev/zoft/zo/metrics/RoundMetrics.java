package dev.zoft.zo.metrics;

/**
 * One row of a training run's progress: a federated round, or an evaluation interval of a
 * single-device run (round = interval number). Counters are cumulative from the start of the run,
 * so a row can be plotted directly against forward FLOPs, bytes or wall time.
 *
 * @param round         1-based round (0 = the start, before any step)
 * @param steps         ZO steps taken so far (a federated round of S local steps adds S)
 * @param forwardPasses forward passes so far (each a block-1 or block-2 pass over one batch counts once, summed over clients)
 * @param forwardFlops  forward FLOPs so far, counted exactly, summed over clients
 * @param bytesUp       bytes uploaded so far by all clients, as serialized (0 on one device)
 * @param bytesDown     bytes downloaded so far by all clients, as serialized (0 on one device)
 * @param trainLoss     mean training loss of this round (NaN if none)
 * @param devAccuracy   dev accuracy after this round, in [0, 1] (NaN when not evaluated this round)
 * @param wallSeconds   wall-clock seconds since the start of the run
 */
public record RoundMetrics(int round, long steps, long forwardPasses, long forwardFlops, long bytesUp,
                           long bytesDown, double trainLoss, double devAccuracy, double wallSeconds) {

    /** The CSV header matching {@link #toCsvRow()}. */
    public static final String CSV_HEADER =
            "round,steps,forward_passes,forward_flops,bytes_up,bytes_down,train_loss,dev_accuracy,wall_seconds";

    /** This row as CSV (empty cells for NaN). */
    public String toCsvRow() {
        return round + "," + steps + "," + forwardPasses + "," + forwardFlops + "," + bytesUp + "," + bytesDown
                + "," + cell(trainLoss) + "," + cell(devAccuracy) + "," + String.format(java.util.Locale.ROOT, "%.3f", wallSeconds);
    }

    private static String cell(double v) {
        return Double.isNaN(v) ? "" : String.format(java.util.Locale.ROOT, "%.6f", v);
    }
}
