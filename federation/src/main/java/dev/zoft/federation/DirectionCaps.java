package dev.zoft.federation;

import dev.zoft.zo.estimate.Estimator;
import dev.zoft.zo.estimate.FedSpzo;
import dev.zoft.zo.estimate.MeZo;

/**
 * How many of a round's directions a slow client runs: at most {@code p} of MeZO's P (DeComFL), at
 * most {@code p1} of FedSPZO's P1 block-1 directions and {@code p2} of its P2 block-2 directions
 * (nested and decoupled). Each cap is lowered to the round's own count ({@link #capped}), so one
 * caps value serves every round of a direction-count schedule, and {@link #UNCAPPED} leaves a
 * count as the round's.
 *
 * <p>A capped client runs the estimator built with the capped counts, on the round's step seeds: its
 * directions are the round's first P' (MeZO), or block-1 directions {@code j < P1'} and block-2
 * directions {@code k < P2'} (FedSPZO), exactly the round's directions with those indices, and its
 * own local updates between steps are that estimator's (normalised by its own counts). Its upload
 * puts the scalars into the round's layout ({@link SubGrid}) with a coverage mask, and the server
 * aggregates each scalar over the clients that computed it.
 *
 * @param p  MeZO's cap (DeComFL), ≥ 1
 * @param p1 FedSPZO's block-1 cap, ≥ 1
 * @param p2 FedSPZO's block-2 cap, ≥ 1
 */
public record DirectionCaps(int p, int p1, int p2) {

    /** A count left as the round's. */
    public static final int UNCAPPED = Integer.MAX_VALUE;

    public DirectionCaps {
        if (p < 1 || p1 < 1 || p2 < 1) {
            throw new IllegalArgumentException("direction caps must be ≥ 1, got p = " + p + ", p1 = " + p1 + ", p2 = " + p2);
        }
    }

    /** At most {@code p} directions of MeZO (DeComFL); FedSPZO uncapped. */
    public static DirectionCaps mezo(int p) {
        return new DirectionCaps(p, UNCAPPED, UNCAPPED);
    }

    /** At most {@code p1} block-1 and {@code p2} block-2 directions of FedSPZO; MeZO uncapped. */
    public static DirectionCaps fedSpzo(int p1, int p2) {
        return new DirectionCaps(UNCAPPED, p1, p2);
    }

    /**
     * Reads {@code P} (at most P of MeZO's directions, DeComFL) or {@code P1:P2} (at most P1 block-1
     * and P2 block-2 directions of FedSPZO), e.g. {@code 1:2}.
     *
     * @throws IllegalArgumentException naming the text and the accepted forms
     */
    public static DirectionCaps parse(String text) {
        String[] parts = text.strip().split(":", -1);
        if (parts.length != 1 && parts.length != 2) {
            throw new IllegalArgumentException("direction caps '" + text + "': expected P (DeComFL) or P1:P2 (FedSPZO), e.g. 1:2");
        }
        int[] v = new int[parts.length];
        for (int i = 0; i < v.length; i++) {
            try {
                v[i] = Integer.parseInt(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("direction caps '" + text + "': '" + parts[i] + "' is not a whole number");
            }
        }
        try {
            return v.length == 1 ? mezo(v[0]) : fedSpzo(v[0], v[1]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("direction caps '" + text + "': " + e.getMessage());
        }
    }

    /**
     * The estimator a client with these caps runs in a round whose estimator is {@code round}: the
     * same kind, settings and block scales with each count {@code min(cap, round's count)};
     * {@code round} itself when no count is lowered (the uncapped path, bit for bit).
     *
     * @throws IllegalArgumentException if {@code round} is neither MeZO nor FedSPZO
     */
    public Estimator capped(Estimator round) {
        return switch (round) {
            case MeZo m -> {
                int c = Math.min(p, m.directions());
                yield c == m.directions() ? m : new MeZo(c, m.settings());
            }
            case FedSpzo f -> {
                int c1 = Math.min(p1, f.p1());
                int c2 = Math.min(p2, f.p2());
                yield c1 == f.p1() && c2 == f.p2() ? f : new FedSpzo(c1, c2, f.variant(), f.settings(), f.scales());
            }
            default -> throw new IllegalArgumentException("direction caps apply to MeZO (DeComFL) and FedSPZO, not " + round);
        };
    }

    /** E.g. {@code p1=1,p2=2} or {@code p=2} (the capped counts only; {@code none} if none is capped). */
    public String describe() {
        StringBuilder b = new StringBuilder();
        if (p != UNCAPPED) {
            b.append("p=").append(p);
        }
        if (p1 != UNCAPPED) {
            b.append(b.isEmpty() ? "" : ",").append("p1=").append(p1);
        }
        if (p2 != UNCAPPED) {
            b.append(b.isEmpty() ? "" : ",").append("p2=").append(p2);
        }
        return b.isEmpty() ? "none" : b.toString();
    }
}
