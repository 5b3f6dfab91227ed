package dev.zoft.federation;

import dev.zoft.zo.estimate.Estimator;
import dev.zoft.zo.estimate.FedSpzo;
import dev.zoft.zo.estimate.MeZo;
import dev.zoft.zo.estimate.ZoSettings;
import java.util.Locale;
import java.util.Objects;

/**
 * Which estimator the clients run, with its direction counts.
 *
 * @param kind MeZO, nested FedSPZO or decoupled FedSPZO
 * @param p    MeZO's directions per step (ignored otherwise)
 * @param p1   FedSPZO's block-1 directions (ignored for MeZO)
 * @param p2   FedSPZO's block-2 directions (ignored for MeZO)
 */
public record EstimatorSpec(Kind kind, int p, int p1, int p2) {

    /** The estimator families. */
    public enum Kind {
        MEZO("mezo"), FEDSPZO("fedspzo"), FEDSPZO_DECOUPLED("fedspzo-decoupled");

        private final String cliName;

        Kind(String cliName) {
            this.cliName = cliName;
        }

        /** The name on the command line. */
        public String cliName() {
            return cliName;
        }

        /** The kind named {@code name} (mezo, fedspzo, fedspzo-decoupled), case-insensitive. */
        public static Kind parse(String name) {
            String n = name.trim().toLowerCase(Locale.ROOT);
            for (Kind k : values()) {
                if (k.cliName.equals(n)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown estimator '" + name + "': expected mezo, fedspzo or fedspzo-decoupled");
        }
    }

    public EstimatorSpec {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.MEZO && p < 1) {
            throw new IllegalArgumentException("MeZO needs P ≥ 1, got " + p);
        }
        if (kind != Kind.MEZO && (p1 < 1 || p2 < 1)) {
            throw new IllegalArgumentException("FedSPZO needs P1 ≥ 1 and P2 ≥ 1, got " + p1 + ", " + p2);
        }
    }

    public static EstimatorSpec mezo(int p) {
        return new EstimatorSpec(Kind.MEZO, p, 0, 0);
    }

    public static EstimatorSpec fedSpzo(int p1, int p2) {
        return new EstimatorSpec(Kind.FEDSPZO, 0, p1, p2);
    }

    public static EstimatorSpec fedSpzoDecoupled(int p1, int p2) {
        return new EstimatorSpec(Kind.FEDSPZO_DECOUPLED, 0, p1, p2);
    }

    /** A fresh estimator (estimators are not thread-safe: one per model). */
    public Estimator create(ZoSettings settings) {
        return switch (kind) {
            case MEZO -> new MeZo(p, settings);
            case FEDSPZO -> new FedSpzo(p1, p2, FedSpzo.Variant.NESTED, settings);
            case FEDSPZO_DECOUPLED -> new FedSpzo(p1, p2, FedSpzo.Variant.DECOUPLED, settings);
        };
    }

    @Override
    public String toString() {
        return kind == Kind.MEZO ? "mezo(P=" + p + ")" : kind.cliName + "(P1=" + p1 + ", P2=" + p2 + ")";
    }
}
