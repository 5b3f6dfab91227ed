package dev.zoft.federation.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * Which of a step's K scalars an upload computed: a capped client ({@code DirectionCaps}) runs a
 * sub-grid of the round's directions and leaves the others at 0. The same mask holds for every local
 * step of the round. Immutable; at least one coordinate is covered.
 *
 * <p>Bit i is coordinate i of a step (the estimator's documented order, e.g. FedSPZO nested
 * {@code g[j·P2 + k]}). On the wire ({@link #toBytes}) bit i is bit {@code i % 8} of byte
 * {@code i / 8}, least significant first; the bits of the last byte beyond K are 0.
 */
public final class CoverageMask {

    private final boolean[] covered;
    private final int count;

    private CoverageMask(boolean[] covered) {
        this.covered = covered;
        int c = 0;
        for (boolean b : covered) {
            c += b ? 1 : 0;
        }
        this.count = c;
    }

    /**
     * The mask covering coordinate i exactly when {@code covered[i]} (copied).
     *
     * @throws IllegalArgumentException if the mask is empty or covers nothing
     */
    public static CoverageMask of(boolean[] covered) {
        Objects.requireNonNull(covered, "covered");
        CoverageMask m = new CoverageMask(covered.clone());
        if (covered.length == 0) {
            throw new IllegalArgumentException("a coverage mask needs at least one coordinate");
        }
        if (m.count == 0) {
            throw new IllegalArgumentException("a coverage mask must cover at least one of its " + covered.length
                    + " coordinates");
        }
        return m;
    }

    /** Every one of {@code k} coordinates covered (what an uncapped client computes). */
    public static CoverageMask full(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("a coverage mask needs at least one coordinate, got " + k);
        }
        boolean[] b = new boolean[k];
        Arrays.fill(b, true);
        return new CoverageMask(b);
    }

    /** K, the coordinates per step the mask describes. */
    public int size() {
        return covered.length;
    }

    /** Whether coordinate {@code i} (of a step, {@code 0 ≤ i < K}) is covered. */
    public boolean covers(int i) {
        return covered[i];
    }

    /** The number of covered coordinates. */
    public int count() {
        return count;
    }

    /** Whether every coordinate is covered. */
    public boolean isFull() {
        return count == covered.length;
    }

    /** The mask's {@code ⌈K/8⌉} wire bytes (see the class comment). */
    public byte[] toBytes() {
        byte[] out = new byte[(covered.length + 7) / 8];
        for (int i = 0; i < covered.length; i++) {
            if (covered[i]) {
                out[i >>> 3] |= (byte) (1 << (i & 7));
            }
        }
        return out;
    }

    /**
     * Reads {@link #toBytes}'s form of a K-coordinate mask.
     *
     * @throws IllegalArgumentException if the byte count is not {@code ⌈K/8⌉}, a bit beyond K is set,
     *     or no coordinate is covered
     */
    public static CoverageMask fromBytes(byte[] bytes, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("a coverage mask needs at least one coordinate, got " + k);
        }
        if (bytes.length != (k + 7) / 8) {
            throw new IllegalArgumentException("a mask of " + k + " coordinates takes " + (k + 7) / 8 + " bytes, got "
                    + bytes.length);
        }
        boolean[] b = new boolean[k];
        for (int i = 0; i < bytes.length * 8; i++) {
            boolean set = (bytes[i >>> 3] & (1 << (i & 7))) != 0;
            if (set && i >= k) {
                throw new IllegalArgumentException("coverage mask bit " + i + " is set, beyond the " + k + " scalars per step");
            }
            if (i < k) {
                b[i] = set;
            }
        }
        return of(b);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CoverageMask m && Arrays.equals(covered, m.covered);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(covered);
    }

    /** E.g. {@code 3/8 [0, 1, 4]} (covered count of K, then the covered coordinates). */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder().append(count).append('/').append(covered.length).append(" [");
        boolean first = true;
        for (int i = 0; i < covered.length; i++) {
            if (covered[i]) {
                b.append(first ? "" : ", ").append(i);
                first = false;
            }
        }
        return b.append(']').toString();
    }
}
