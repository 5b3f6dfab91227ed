package dev.zoft.federation;

import dev.zoft.zo.estimate.Seeds;

/**
 * The seeds of a federated run, all derived from the run seed with {@link Seeds#derive} in domains
 * of their own (distinct from the estimator's direction domains 0–2 and the step domain 16):
 * <ul>
 *   <li>{@link #round}{@code (run, r)} = {@code derive(run, 32, r)}: round r's seed; its local step s
 *       is seeded {@code Seeds.step(roundSeed, s)};</li>
 *   <li>{@link #selection}{@code (run, r)} = {@code derive(run, 33, r)}: which clients take part in round r;</li>
 *   <li>{@link #batches}{@code (roundSeed, client)} = {@code derive(roundSeed, 34, client)}: the client's batches in the round;</li>
 *   <li>{@link #partition}{@code (run)} = {@code derive(run, 35, 0)}: the Dirichlet partition of the training set;</li>
 *   <li>{@link #reselection}{@code (run, r, a)} = {@code derive(selection(run, r), 36, a)}: the clients of
 *       attempt a ≥ 1 of round r, when a networked server re-opens a round that missed its quorum.</li>
 * </ul>
 */
public final class FederationSeeds {

    static final long ROUND_DOMAIN = 32;
    static final long SELECTION_DOMAIN = 33;
    static final long BATCH_DOMAIN = 34;
    static final long PARTITION_DOMAIN = 35;
    static final long RESELECTION_DOMAIN = 36;

    private FederationSeeds() {
    }

    public static long round(long runSeed, int round) {
        return Seeds.derive(runSeed, ROUND_DOMAIN, round);
    }

    public static long selection(long runSeed, int round) {
        return Seeds.derive(runSeed, SELECTION_DOMAIN, round);
    }

    public static long batches(long roundSeed, int client) {
        return Seeds.derive(roundSeed, BATCH_DOMAIN, client);
    }

    /** Selection seed of attempt {@code attempt} of round {@code round}; attempt 0 is {@link #selection}. */
    public static long reselection(long runSeed, int round, int attempt) {
        long first = selection(runSeed, round);
        return attempt == 0 ? first : Seeds.derive(first, RESELECTION_DOMAIN, attempt);
    }

    public static long partition(long runSeed) {
        return Seeds.derive(runSeed, PARTITION_DOMAIN, 0);
    }
}
