package dev.zoft.federation.net;

import java.time.Duration;
import java.util.Objects;

/**
 * How the coordinator closes rounds. A round closes as soon as every sampled client has uploaded.
 * Otherwise, at its deadline ({@code roundTimeout} after it opened): with at least {@code quorum}
 * uploads it closes with those (the stragglers' later uploads get 410); with fewer it is
 * abandoned (nothing logged) and re-opened as the next attempt, with a fresh sample of clients
 * and the same round seed and learning rate.
 *
 * @param quorum       uploads needed to close a round at its deadline, 1 ≤ quorum
 * @param roundTimeout time from opening a round to its deadline, positive
 */
public record RoundPolicy(int quorum, Duration roundTimeout) {

    public RoundPolicy {
        if (quorum < 1) {
            throw new IllegalArgumentException("quorum must be ≥ 1, got " + quorum);
        }
        Objects.requireNonNull(roundTimeout, "roundTimeout");
        if (roundTimeout.isNegative() || roundTimeout.isZero()) {
            throw new IllegalArgumentException("round timeout must be positive, got " + roundTimeout);
        }
    }
}
