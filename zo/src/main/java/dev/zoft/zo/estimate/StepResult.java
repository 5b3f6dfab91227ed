package dev.zoft.zo.estimate;

import dev.zoft.zo.params.Update;
import java.util.List;

/**
 * What one estimator step saw and did.
 *
 * @param losses              every loss evaluated, in evaluation order
 * @param projectedGradients  the step's scalars ({@code (L⁺ − L⁻)/2ε} per direction or direction pair,
 *                            in the estimator's documented order): what a federated client uploads
 * @param block1Passes        calls of {@code forwardBlock1}
 * @param block2Passes        calls of {@code lossFromBlock1}
 * @param forwardFlops        {@code block1Passes·F1 + block2Passes·F2}, exact
 * @param updates             the passes that changed the weights, in order: replaying them on the
 *                            weights before the step gives the weights after it bit for bit
 */
public record StepResult(double[] losses, double[] projectedGradients, long block1Passes, long block2Passes,
                         long forwardFlops, List<Update> updates) {

    public StepResult {
        losses = losses.clone();
        projectedGradients = projectedGradients.clone();
        updates = List.copyOf(updates);
    }

    @Override
    public double[] losses() {
        return losses.clone();
    }

    @Override
    public double[] projectedGradients() {
        return projectedGradients.clone();
    }

    /** The mean of the losses seen: an estimate of the loss at the step's starting point. */
    public double meanLoss() {
        double s = 0;
        for (double l : losses) {
            s += l;
        }
        return losses.length == 0 ? Double.NaN : s / losses.length;
    }
}
