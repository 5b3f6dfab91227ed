package dev.zoft.federation.method;

import java.util.Arrays;
import java.util.Objects;

/**
 * How many directions a local step uses in each round (P for the baselines, P2 for FedSPZO), as a
 * function of the 1-based round index only, so that the server, every client (also one replaying
 * rounds it missed) and the cost accounting derive the same count from the run's configuration.
 * Two forms:
 * <ul>
 *   <li><b>linear</b> {@code from → to} over R rounds: round r uses
 *       {@code round(from + (to − from)·(r − 1)/(R − 1))}, halves rounded up, computed in integers
 *       (R = 1: {@code from} every round; rounds after R > 1: {@code to});</li>
 *   <li><b>piecewise</b> constant: counts {@code c_i} from rounds {@code r_i} on
 *       ({@code r_0 = 1 < r_1 < …}): round r uses the {@code c_i} of the last {@code r_i ≤ r}.</li>
 * </ul>
 * {@link #constant} is the unscheduled case. {@link #describe()} and {@link #id()} name the schedule
 * completely (for logs, seed-log headers and grid cell ids).
 */
public final class DirectionSchedule {

    /** Direction counts are capped like an estimator's (2¹⁶ per step). */
    public static final int MAX_COUNT = 1 << 16;

    private final boolean linear;
    private final int from;
    private final int to;
    private final int rounds;
    private final int[] starts;
    private final int[] counts;

    private DirectionSchedule(boolean linear, int from, int to, int rounds, int[] starts, int[] counts) {
        this.linear = linear;
        this.from = from;
        this.to = to;
        this.rounds = rounds;
        this.starts = starts;
        this.counts = counts;
    }

    /** The same count every round. */
    public static DirectionSchedule constant(int count) {
        return piecewise(new int[] {1}, new int[] {count});
    }

    /** {@code from} at round 1 to {@code to} at round {@code rounds}, linear, rounded. */
    public static DirectionSchedule linear(int from, int to, int rounds) {
        checkCount(from);
        checkCount(to);
        if (rounds < 1) {
            throw new IllegalArgumentException("a linear schedule needs the run's rounds (≥ 1), got " + rounds);
        }
        return new DirectionSchedule(true, from, to, rounds, null, null);
    }

    /**
     * Count {@code counts[i]} from round {@code starts[i]} on; {@code starts} must begin at 1 and
     * increase strictly.
     */
    public static DirectionSchedule piecewise(int[] starts, int[] counts) {
        Objects.requireNonNull(starts, "starts");
        Objects.requireNonNull(counts, "counts");
        if (starts.length == 0 || starts.length != counts.length) {
            throw new IllegalArgumentException("a piecewise schedule needs as many start rounds as counts (≥ 1), got "
                    + starts.length + " and " + counts.length);
        }
        if (starts[0] != 1) {
            throw new IllegalArgumentException("a piecewise schedule must start at round 1, got " + starts[0]);
        }
        for (int i = 0; i < starts.length; i++) {
            checkCount(counts[i]);
            if (i > 0 && starts[i] <= starts[i - 1]) {
                throw new IllegalArgumentException("start rounds must increase, got " + Arrays.toString(starts));
            }
        }
        return new DirectionSchedule(false, 0, 0, 0, starts.clone(), counts.clone());
    }

    private static void checkCount(int c) {
        if (c < 1 || c > MAX_COUNT) {
            throw new IllegalArgumentException("a direction count must be 1 to " + MAX_COUNT + ", got " + c);
        }
    }

    /** The count of round {@code round} (1-based). */
    public int at(int round) {
        if (round < 1) {
            throw new IllegalArgumentException("round numbers start at 1, got " + round);
        }
        if (linear) {
            if (rounds == 1) {
                return from;
            }
            if (round >= rounds) {
                return to;
            }
            long num = (long) (to - from) * (round - 1);
            long den = rounds - 1;
            return from + (int) Math.floorDiv(2 * num + den, 2 * den);
        }
        int i = Arrays.binarySearch(starts, round);
        return counts[i >= 0 ? i : -i - 2];
    }

    /** The largest count of any round (what memory must hold for). */
    public int max() {
        return linear ? Math.max(from, to) : Arrays.stream(counts).max().orElseThrow();
    }

    /** Whether every round has the same count. */
    public boolean isConstant() {
        return linear ? from == to : Arrays.stream(counts).distinct().count() == 1;
    }

    /**
     * E.g. {@code 2..8/100r} (linear over 100 rounds) or {@code 2@1;4@50;8@100} (piecewise). No commas:
     * it is part of a setting's name, which results CSVs store unquoted.
     */
    public String describe() {
        if (linear) {
            return from + ".." + to + "/" + rounds + "r";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < starts.length; i++) {
            b.append(i == 0 ? "" : ";").append(counts[i]).append('@').append(starts[i]);
        }
        return b.toString();
    }

    /** A file-name-safe form of {@link #describe()}: {@code 2to8in100} or {@code 2at1-4at50}. */
    public String id() {
        if (linear) {
            return from + "to" + to + "in" + rounds;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < starts.length; i++) {
            b.append(i == 0 ? "" : "-").append(counts[i]).append("at").append(starts[i]);
        }
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DirectionSchedule d && linear == d.linear && from == d.from && to == d.to
                && rounds == d.rounds && Arrays.equals(starts, d.starts) && Arrays.equals(counts, d.counts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(linear, from, to, rounds, Arrays.hashCode(starts), Arrays.hashCode(counts));
    }

    @Override
    public String toString() {
        return describe();
    }
}
