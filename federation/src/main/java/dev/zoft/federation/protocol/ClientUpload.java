package dev.zoft.federation.protocol;

import java.util.Objects;

/**
 * Client → server at the end of a round: only the projected-gradient scalars of its S local steps,
 * the number of training examples it holds (its aggregation weight) and its mean local loss.
 *
 * @param round         the round the scalars belong to
 * @param clientId      the sender
 * @param sampleCount   examples in the client's shard, ≥ 1
 * @param scalars       S × K scalars, step-major
 * @param meanTrainLoss mean of the losses the client evaluated in the round (finite)
 */
public record ClientUpload(int round, int clientId, int sampleCount, StepScalars scalars, double meanTrainLoss) {

    public ClientUpload {
        if (round < 1) {
            throw new IllegalArgumentException("round numbers start at 1, got " + round);
        }
        if (clientId < 0) {
            throw new IllegalArgumentException("negative client id " + clientId);
        }
        if (sampleCount < 1) {
            throw new IllegalArgumentException("a client holds at least one example, got " + sampleCount);
        }
        Objects.requireNonNull(scalars, "scalars");
        if (!Double.isFinite(meanTrainLoss)) {
            throw new IllegalArgumentException("mean train loss is not finite: " + meanTrainLoss);
        }
    }
}
