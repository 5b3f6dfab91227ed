package dev.zoft.federation.protocol;

import java.util.List;

/**
 * Server → client at the start of a round: what to run, and the rounds the client must replay
 * first to reach the round's start model (every round after the last one it synced to, in order).
 *
 * @param round        1-based round number
 * @param roundSeed    the round's seed; local step s uses {@code Seeds.step(roundSeed, s)}
 * @param localSteps   S, the local steps to run
 * @param batchSize    examples per local step
 * @param learningRate η of the round's local steps
 * @param missing      aggregates of rounds {@code last synced + 1 .. round − 1}, increasing, consecutive
 */
public record RoundPlan(int round, long roundSeed, int localSteps, int batchSize, double learningRate,
                        List<RoundAggregate> missing) {

    public RoundPlan {
        if (round < 1) {
            throw new IllegalArgumentException("round numbers start at 1, got " + round);
        }
        if (localSteps < 1 || batchSize < 1) {
            throw new IllegalArgumentException("need at least one local step and a positive batch size, got S = "
                    + localSteps + ", batch " + batchSize);
        }
        if (!(learningRate >= 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be finite and non-negative, got " + learningRate);
        }
        missing = List.copyOf(missing);
        for (int i = 0; i < missing.size(); i++) {
            int r = missing.get(i).round();
            int expected = i == 0 ? r : missing.get(i - 1).round() + 1;
            if (r != expected || r >= round) {
                throw new IllegalArgumentException("missing rounds must be consecutive and before round " + round
                        + ", got round " + r + " at position " + i);
            }
        }
        if (!missing.isEmpty() && missing.getLast().round() != round - 1) {
            throw new IllegalArgumentException("missing rounds must end at round " + (round - 1) + ", got "
                    + missing.getLast().round());
        }
    }
}
