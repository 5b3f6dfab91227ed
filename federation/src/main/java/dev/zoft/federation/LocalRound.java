package dev.zoft.federation;

import dev.zoft.federation.protocol.ClientUpload;
import dev.zoft.federation.privacy.LocalGaussianPrivacy;

/**
 * What one client did in a round: the upload it sends, and what its local steps cost (kept on the
 * device; the simulator sums it into the round's metrics).
 *
 * @param upload        the message for the server
 * @param forwardPasses block-1 and block-2 passes of the local steps
 * @param forwardFlops  their forward FLOPs, counted exactly
 * @param roundsApplied rounds the client replayed to reach the round's start model
 * @param meanTrainLoss the mean of the losses the local steps evaluated; the upload carries it too,
 *                      except under DP ({@link LocalGaussianPrivacy}), where it stays on the device
 */
public record LocalRound(ClientUpload upload, long forwardPasses, long forwardFlops, int roundsApplied,
                         double meanTrainLoss) {

    /** A round whose upload reports the client's true loss. */
    public LocalRound(ClientUpload upload, long forwardPasses, long forwardFlops, int roundsApplied) {
        this(upload, forwardPasses, forwardFlops, roundsApplied, upload.meanTrainLoss());
    }
}
