package dev.zoft.federation;

import dev.zoft.zo.metrics.RoundMetrics;

/** Receives a simulation's progress. Called on the simulating thread. */
public interface RoundListener {

    /** A row of metrics: round 0 (zero-shot) first, then every round. */
    void onRound(RoundMetrics metrics);

    /** A client finished its part of round {@code round}: {@code done} of {@code ofClients}. */
    default void onClient(int round, int done, int ofClients) {
    }

    /** Ignores everything. */
    static RoundListener none() {
        return m -> { };
    }
}
