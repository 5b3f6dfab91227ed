package dev.zoft.federation;

import java.util.SplittableRandom;

/**
 * Which of a client's examples each local step uses: a pure function of (shard size, batch size,
 * steps, seed), so a client's round is reproducible from the round seed and its id
 * ({@link FederationSeeds#batches}).
 *
 * <p>The shard's indices are shuffled (Fisher–Yates on a {@link SplittableRandom} seeded with the
 * seed) and cut into consecutive batches; when a shuffle runs out it is reshuffled, continuing the
 * same random stream, and the batch is completed from the new order. A shard smaller than a batch
 * gives every step the whole shard (in a fresh order).
 */
public final class BatchSampler {

    private BatchSampler() {
    }

    /** {@code steps} batches of local indices into a shard of {@code shardSize} examples. */
    public static int[][] sample(int shardSize, int batchSize, int steps, long seed) {
        if (shardSize < 1 || batchSize < 1 || steps < 0) {
            throw new IllegalArgumentException("need shardSize ≥ 1, batchSize ≥ 1, steps ≥ 0; got "
                    + shardSize + ", " + batchSize + ", " + steps);
        }
        int b = Math.min(batchSize, shardSize);
        SplittableRandom rng = new SplittableRandom(seed);
        int[] order = new int[shardSize];
        for (int i = 0; i < shardSize; i++) {
            order[i] = i;
        }
        shuffle(order, rng);
        int next = 0;
        int[][] out = new int[steps][b];
        for (int s = 0; s < steps; s++) {
            for (int k = 0; k < b; k++) {
                if (next == shardSize) {
                    shuffle(order, rng);
                    next = 0;
                }
                out[s][k] = order[next++];
            }
            if (b == shardSize) {
                // A whole-shard batch: start the next one from a fresh order rather than mid-cycle.
                next = shardSize;
            }
        }
        return out;
    }

    private static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
