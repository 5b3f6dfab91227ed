package dev.zoft.federation.protocol;

import java.util.Objects;

/**
 * Client → server at the end of a round: only the projected-gradient scalars of its S local steps,
 * the number of training examples it holds (its aggregation weight) and its mean local loss.
 *
 * <p>A capped client computes only a sub-grid of the round's directions: its scalars keep the
 * round's S × K layout, {@code coverage} says which coordinates of every step it computed, and the
 * others are 0. An uncapped client's coverage is full (the 5-argument constructor); its upload and
 * its bytes are what they were before coverage existed.
 *
 * @param round         the round the scalars belong to
 * @param clientId      the sender
 * @param sampleCount   examples in the client's shard, ≥ 1
 * @param scalars       S × K scalars, step-major
 * @param meanTrainLoss mean of the losses the client evaluated in the round (finite)
 * @param coverage      the coordinates of each step computed (K of them; null = all)
 */
public record ClientUpload(int round, int clientId, int sampleCount, StepScalars scalars, double meanTrainLoss,
                           CoverageMask coverage) {

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
        if (coverage == null) {
            coverage = CoverageMask.full(scalars.perStep());
        }
        if (coverage.size() != scalars.perStep()) {
            throw new IllegalArgumentException("client " + clientId + "'s coverage mask has " + coverage.size()
                    + " coordinates, its scalars " + scalars.perStep() + " per step");
        }
        if (!coverage.isFull()) {
            for (int i = 0; i < scalars.size(); i++) {
                if (!coverage.covers(i % scalars.perStep()) && scalars.get(i) != 0) {
                    throw new IllegalArgumentException("client " + clientId + " uploaded " + scalars.get(i) + " for scalar "
                            + i + " (step " + i / scalars.perStep() + ", coordinate " + i % scalars.perStep()
                            + "), which its coverage mask " + coverage + " leaves out: uncovered scalars must be 0");
                }
            }
        }
    }

    /** An upload covering every coordinate (an uncapped client). */
    public ClientUpload(int round, int clientId, int sampleCount, StepScalars scalars, double meanTrainLoss) {
        this(round, clientId, sampleCount, scalars, meanTrainLoss, null);
    }

    /** Whether scalar {@code i} (step-major index) was computed by the client. */
    public boolean covers(int i) {
        return coverage.covers(i % scalars.perStep());
    }
}
