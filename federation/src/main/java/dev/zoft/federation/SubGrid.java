package dev.zoft.federation;

import dev.zoft.federation.protocol.CoverageMask;
import dev.zoft.zo.estimate.Estimator;
import dev.zoft.zo.estimate.FedSpzo;
import dev.zoft.zo.estimate.MeZo;

/**
 * Where a capped estimator's scalars sit in the round's layout of K scalars per step:
 * <ul>
 *   <li>MeZO, P' of P: {@code g'[p]} is {@code g[p]}, {@code p < P'};</li>
 *   <li>FedSPZO nested, P1' × P2' of P1 × P2 (j-major): {@code g'[j·P2' + k]} is {@code g[j·P2 + k]},
 *       {@code j < P1'}, {@code k < P2'};</li>
 *   <li>FedSPZO decoupled: block 1's {@code g'[j]} is {@code g[j]}, {@code j < P1'}, and block 2's
 *       {@code g'[P1' + k]} is {@code g[P1 + k]}, {@code k < P2'}.</li>
 * </ul>
 * These are the only coverage masks a server accepts ({@link #requireAllowed}): the directions with
 * those indices are the same under the shared step seeds, so each covered scalar estimates the
 * round's scalar at that coordinate.
 */
public final class SubGrid {

    private SubGrid() {
    }

    /** The coordinates of {@code round}'s layout that {@code capped} computes. */
    public static CoverageMask mask(Estimator round, Estimator capped) {
        int[] c = counts(capped);
        requireSameKind(round, capped);
        return mask(round, c[0], c[1]);
    }

    /**
     * {@code capped}'s scalars of one step placed in {@code round}'s layout, the uncovered ones 0.
     *
     * @throws IllegalArgumentException if the estimators are of different kinds, the capped counts
     *     exceed the round's, or {@code g} is not {@code capped}'s length
     */
    public static double[] scatter(Estimator round, Estimator capped, double[] g) {
        requireSameKind(round, capped);
        if (g.length != capped.scalarsPerStep()) {
            throw new IllegalArgumentException(capped + " reports " + capped.scalarsPerStep() + " scalars, got " + g.length);
        }
        int[] r = counts(round);
        int[] c = counts(capped);
        if (c[0] > r[0] || c[1] > r[1]) {
            throw new IllegalArgumentException(capped + " runs more directions than the round's " + round);
        }
        double[] out = new double[round.scalarsPerStep()];
        switch (round) {
            case MeZo m -> System.arraycopy(g, 0, out, 0, c[0]);
            case FedSpzo f when f.variant() == FedSpzo.Variant.NESTED -> {
                for (int j = 0; j < c[0]; j++) {
                    System.arraycopy(g, j * c[1], out, j * r[1], c[1]);
                }
            }
            default -> {
                System.arraycopy(g, 0, out, 0, c[0]);
                System.arraycopy(g, c[0], out, r[0], c[1]);
            }
        }
        return out;
    }

    /**
     * Checks that {@code mask} is the coverage of some capped counts of {@code round} (see the class
     * comment): a prefix for MeZO, a leading P1' × P2' block for nested FedSPZO, leading directions of
     * both blocks (at least one each) for decoupled.
     *
     * @throws IllegalArgumentException naming the mask and the rule, if it is not
     */
    public static void requireAllowed(Estimator round, CoverageMask mask) {
        if (mask.size() != round.scalarsPerStep()) {
            throw new IllegalArgumentException("coverage mask of " + mask.size() + " coordinates, " + round + " has "
                    + round.scalarsPerStep() + " scalars per step");
        }
        if (mask.isFull()) {
            return;
        }
        int[] r = counts(round);
        int c1;
        int c2;
        String rule;
        switch (round) {
            case MeZo m -> {
                c1 = mask.count();
                c2 = 1;
                rule = "the first P' of MeZO's P = " + r[0] + " directions";
            }
            case FedSpzo f when f.variant() == FedSpzo.Variant.NESTED -> {
                c1 = 0;
                c2 = 0;
                for (int j = 0; j < r[0]; j++) {
                    c1 += mask.covers(j * r[1]) ? 1 : 0;
                }
                for (int k = 0; k < r[1]; k++) {
                    c2 += mask.covers(k) ? 1 : 0;
                }
                rule = "the pairs j < P1', k < P2' of nested FedSPZO's P1 × P2 = " + r[0] + " × " + r[1] + " (j-major)";
            }
            case FedSpzo f -> {
                c1 = 0;
                c2 = 0;
                for (int j = 0; j < r[0]; j++) {
                    c1 += mask.covers(j) ? 1 : 0;
                }
                for (int k = 0; k < r[1]; k++) {
                    c2 += mask.covers(r[0] + k) ? 1 : 0;
                }
                rule = "the first P1' ≥ 1 of decoupled FedSPZO's P1 = " + r[0] + " block-1 directions and the first P2' ≥ 1 of its P2 = "
                        + r[1] + " block-2 directions";
            }
            default -> throw new IllegalArgumentException("partial uploads apply to MeZO (DeComFL) and FedSPZO, not " + round);
        }
        if (c1 < 1 || c2 < 1 || !mask(round, c1, c2).equals(mask)) {
            throw new IllegalArgumentException("coverage mask " + mask + " is not a sub-grid of " + round + ": a capped client"
                    + " covers " + rule);
        }
    }

    /** {@code round}'s layout with the first {@code c1} (P' or P1') and {@code c2} (P2') directions covered. */
    private static CoverageMask mask(Estimator round, int c1, int c2) {
        boolean[] b = new boolean[round.scalarsPerStep()];
        int[] r = counts(round);
        switch (round) {
            case MeZo m -> java.util.Arrays.fill(b, 0, c1, true);
            case FedSpzo f when f.variant() == FedSpzo.Variant.NESTED -> {
                for (int j = 0; j < c1; j++) {
                    java.util.Arrays.fill(b, j * r[1], j * r[1] + c2, true);
                }
            }
            default -> {
                java.util.Arrays.fill(b, 0, c1, true);
                java.util.Arrays.fill(b, r[0], r[0] + c2, true);
            }
        }
        return CoverageMask.of(b);
    }

    /** {P, 1} for MeZO, {P1, P2} for FedSPZO. */
    private static int[] counts(Estimator e) {
        return switch (e) {
            case MeZo m -> new int[] {m.directions(), 1};
            case FedSpzo f -> new int[] {f.p1(), f.p2()};
            default -> throw new IllegalArgumentException("sub-grids apply to MeZO (DeComFL) and FedSPZO, not " + e);
        };
    }

    private static void requireSameKind(Estimator round, Estimator capped) {
        boolean same = round instanceof MeZo && capped instanceof MeZo
                || round instanceof FedSpzo a && capped instanceof FedSpzo b && a.variant() == b.variant();
        if (!same) {
            throw new IllegalArgumentException(capped + " is not a capped form of " + round);
        }
    }
}
