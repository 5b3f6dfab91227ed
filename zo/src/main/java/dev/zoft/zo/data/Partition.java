package dev.zoft.zo.data;

import java.util.Arrays;

/**
 * An assignment of dataset indices to clients: every index in {@code [0, total())} belongs to
 * exactly one client. Each client's indices are in ascending order.
 */
public final class Partition {

    private final int[][] clientIndices;
    private final int total;

    Partition(int[][] clientIndices) {
        this.clientIndices = clientIndices;
        int t = 0;
        for (int[] c : clientIndices) {
            t += c.length;
        }
        this.total = t;
    }

    /**
     * An IID partition for comparison: the indices {@code 0..n-1} shuffled by {@code seed} and
     * dealt into {@code clients} parts whose sizes differ by at most one.
     */
    public static Partition uniform(int n, int clients, long seed) {
        if (clients < 1 || n < 0) {
            throw new IllegalArgumentException("need clients >= 1 and n >= 0, got clients=" + clients + ", n=" + n);
        }
        int[] perm = Dataset.permutation(n, seed);
        int[][] out = new int[clients][];
        int from = 0;
        for (int c = 0; c < clients; c++) {
            int size = n / clients + (c < n % clients ? 1 : 0);
            out[c] = Arrays.copyOfRange(perm, from, from + size);
            Arrays.sort(out[c]);
            from += size;
        }
        return new Partition(out);
    }

    public int clients() {
        return clientIndices.length;
    }

    /** The dataset indices of {@code client}, ascending (a copy). */
    public int[] indices(int client) {
        return clientIndices[client].clone();
    }

    /** Number of examples of {@code client}: its weight in sample-weighted aggregation. */
    public int size(int client) {
        return clientIndices[client].length;
    }

    /** Every client's size. */
    public int[] sizes() {
        int[] s = new int[clientIndices.length];
        for (int c = 0; c < s.length; c++) {
            s[c] = clientIndices[c].length;
        }
        return s;
    }

    /** Number of indices over all clients (the dataset size). */
    public int total() {
        return total;
    }

    /** The examples of {@code client} as a dataset, in index order. */
    public Dataset clientDataset(Dataset dataset, int client) {
        if (dataset.size() != total) {
            throw new IllegalArgumentException("partition is of " + total + " examples, dataset has " + dataset.size());
        }
        return dataset.subset(clientIndices[client], "client " + client + " of " + clientIndices.length);
    }

    /** {@code counts[client][label]}: how many examples of each class every client holds. */
    public int[][] labelCounts(int[] labels, int numClasses) {
        if (labels.length != total) {
            throw new IllegalArgumentException("partition is of " + total + " examples, got " + labels.length + " labels");
        }
        int[][] counts = new int[clientIndices.length][numClasses];
        for (int c = 0; c < clientIndices.length; c++) {
            for (int i : clientIndices[c]) {
                counts[c][labels[i]]++;
            }
        }
        return counts;
    }

    /**
     * Label skew: the mean over non-empty clients of the fraction of a client's examples that
     * belong to its most common class. 1/k for a perfectly balanced mix of k classes, 1 when every
     * client holds a single class.
     */
    public double meanMajorityFraction(int[] labels, int numClasses) {
        int[][] counts = labelCounts(labels, numClasses);
        double sum = 0;
        int nonEmpty = 0;
        for (int c = 0; c < counts.length; c++) {
            int size = clientIndices[c].length;
            if (size == 0) {
                continue;
            }
            int max = 0;
            for (int v : counts[c]) {
                max = Math.max(max, v);
            }
            sum += (double) max / size;
            nonEmpty++;
        }
        return nonEmpty == 0 ? Double.NaN : sum / nonEmpty;
    }

    @Override
    public String toString() {
        int[] s = sizes();
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int v : s) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return "Partition[" + total + " examples over " + s.length + " clients, sizes " + min + ".." + max + "]";
    }
}
