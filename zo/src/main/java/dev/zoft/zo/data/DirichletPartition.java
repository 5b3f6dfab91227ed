package dev.zoft.zo.data;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Non-IID label partition over federated clients (Hsu, Qi and Brown 2019, "Measuring the effects
 * of non-identical data distribution for federated visual classification"): for every class, the
 * share of that class each client receives is drawn from a symmetric Dirichlet(α) over the
 * clients, and the class's examples (shuffled) are dealt out in those shares. A small α gives
 * each client a few dominant classes and very unequal sizes; a large α approaches an IID split.
 *
 * <p>Counts per class are rounded by largest remainder so that they sum exactly: every index is
 * assigned to exactly one client. The result is a pure function of (labels, seed, settings): the
 * random source is a {@link SplittableRandom} seeded with the seed, Gamma variates come from
 * {@link GammaSampler} (Marsaglia–Tsang).
 *
 * <p>Small α leaves some clients with few or no examples. {@code minClientSize} sets a floor, and
 * {@link MinSizePolicy} how it is met:
 * <ul>
 *   <li>{@link MinSizePolicy#REBALANCE} (default): draw once, then, while some client is below
 *       the floor, move one randomly chosen example from the currently largest client to it. The
 *       Dirichlet label mix of the donors is barely touched (they are the largest) and the result
 *       always exists when {@code n ≥ clients·minClientSize}.</li>
 *   <li>{@link MinSizePolicy#RESAMPLE}: redraw all proportions until every client meets the floor
 *       (as NIID-Bench does), up to {@code maxAttempts}; it keeps the exact Dirichlet law
 *       conditioned on the floor, but with a small α and many clients the floor may be
 *       practically unreachable, which fails with an {@link IllegalStateException}.</li>
 * </ul>
 *
 * @param clients       number of clients, ≥ 1
 * @param alpha         Dirichlet concentration, finite and &gt; 0
 * @param minClientSize the fewest examples a client may hold, ≥ 0
 * @param policy        how the floor is met
 * @param maxAttempts   draws tried by {@link MinSizePolicy#RESAMPLE} before giving up, ≥ 1
 */
public record DirichletPartition(int clients, double alpha, int minClientSize, MinSizePolicy policy,
                                 int maxAttempts) {

    /** How a minimum client size is enforced. */
    public enum MinSizePolicy {
        /** Move examples from the largest clients to those below the floor. */
        REBALANCE,
        /** Redraw the whole partition until the floor holds. */
        RESAMPLE
    }

    public DirichletPartition {
        if (clients < 1) {
            throw new IllegalArgumentException("clients must be >= 1, got " + clients);
        }
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("alpha must be finite and > 0, got " + alpha);
        }
        if (minClientSize < 0) {
            throw new IllegalArgumentException("minClientSize must be >= 0, got " + minClientSize);
        }
        if (policy == null) {
            throw new IllegalArgumentException("policy must not be null");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        }
    }

    /** {@code clients} clients, Dirichlet(α), at least one example each by rebalancing. */
    public static DirichletPartition of(int clients, double alpha) {
        return new DirichletPartition(clients, alpha, 1, MinSizePolicy.REBALANCE, 1000);
    }

    public DirichletPartition withMinClientSize(int min, MinSizePolicy how) {
        return new DirichletPartition(clients, alpha, min, how, maxAttempts);
    }

    public DirichletPartition withMaxAttempts(int attempts) {
        return new DirichletPartition(clients, alpha, minClientSize, policy, attempts);
    }

    /** Partitions the examples of {@code dataset} by their labels. */
    public Partition split(Dataset dataset, long seed) {
        return split(dataset.labelArray(), dataset.numLabels(), seed);
    }

    /**
     * Partitions the indices {@code 0..labels.length-1} by their class {@code labels[i]} in
     * {@code [0, numClasses)}.
     */
    public Partition split(int[] labels, int numClasses, long seed) {
        int n = labels.length;
        if ((long) clients * minClientSize > n) {
            throw new IllegalArgumentException("cannot give " + clients + " clients at least " + minClientSize
                    + " examples each from " + n + " examples");
        }
        int[][] byClass = groupByClass(labels, numClasses);
        SplittableRandom rng = new SplittableRandom(seed);
        IntArrayList[] assigned = null;
        for (int attempt = 1; ; attempt++) {
            assigned = draw(byClass, rng);
            if (smallest(assigned) >= minClientSize) {
                break;
            }
            if (policy == MinSizePolicy.REBALANCE) {
                rebalance(assigned, rng);
                break;
            }
            if (attempt >= maxAttempts) {
                throw new IllegalStateException("no Dirichlet(" + alpha + ") partition of " + n + " examples over "
                        + clients + " clients gave every client >= " + minClientSize + " examples in " + maxAttempts
                        + " draws; use MinSizePolicy.REBALANCE, a larger alpha or a smaller minimum");
            }
        }
        int[][] out = new int[clients][];
        for (int c = 0; c < clients; c++) {
            out[c] = assigned[c].toIntArray();
            Arrays.sort(out[c]);
        }
        return new Partition(out);
    }

    private static int[][] groupByClass(int[] labels, int numClasses) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be >= 1, got " + numClasses);
        }
        int[] counts = new int[numClasses];
        for (int i = 0; i < labels.length; i++) {
            int l = labels[i];
            if (l < 0 || l >= numClasses) {
                throw new IllegalArgumentException("label " + l + " of example " + i + " is outside [0, " + numClasses + ")");
            }
            counts[l]++;
        }
        int[][] byClass = new int[numClasses][];
        for (int k = 0; k < numClasses; k++) {
            byClass[k] = new int[counts[k]];
        }
        int[] fill = new int[numClasses];
        for (int i = 0; i < labels.length; i++) {
            byClass[labels[i]][fill[labels[i]]++] = i;
        }
        return byClass;
    }

    private IntArrayList[] draw(int[][] byClass, SplittableRandom rng) {
        IntArrayList[] assigned = new IntArrayList[clients];
        for (int c = 0; c < clients; c++) {
            assigned[c] = new IntArrayList();
        }
        for (int[] members : byClass) {
            if (members.length == 0) {
                continue;
            }
            int[] shuffled = members.clone();
            for (int i = shuffled.length - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = shuffled[i];
                shuffled[i] = shuffled[j];
                shuffled[j] = t;
            }
            double[] share = GammaSampler.symmetricDirichlet(alpha, clients, rng);
            int[] counts = Apportion.largestRemainder(share, shuffled.length);
            int from = 0;
            for (int c = 0; c < clients; c++) {
                assigned[c].addElements(assigned[c].size(), shuffled, from, counts[c]);
                from += counts[c];
            }
        }
        return assigned;
    }

    private static int smallest(IntArrayList[] assigned) {
        int min = Integer.MAX_VALUE;
        for (IntArrayList a : assigned) {
            min = Math.min(min, a.size());
        }
        return min;
    }

    /** Tops every client up to the floor with random examples of the currently largest client. */
    private void rebalance(IntArrayList[] assigned, SplittableRandom rng) {
        for (int needy = 0; needy < clients; needy++) {
            while (assigned[needy].size() < minClientSize) {
                int donor = 0;
                for (int c = 1; c < clients; c++) {
                    if (assigned[c].size() > assigned[donor].size()) {
                        donor = c;
                    }
                }
                IntArrayList from = assigned[donor];
                int k = rng.nextInt(from.size());
                int moved = from.getInt(k);
                // swap-remove: order within a client does not matter, the result is sorted
                from.set(k, from.getInt(from.size() - 1));
                from.removeInt(from.size() - 1);
                assigned[needy].add(moved);
            }
        }
    }
}
