package dev.zoft.zo.train;

import dev.zoft.tensor.random.Distribution;
import dev.zoft.zo.estimate.BlockScales;
import dev.zoft.zo.estimate.Estimator;
import dev.zoft.zo.estimate.FedSpzo;
import dev.zoft.zo.estimate.MeZo;
import dev.zoft.zo.estimate.RestoreMode;
import dev.zoft.zo.estimate.ZoSettings;
import java.util.Locale;
import java.util.Objects;

/**
 * An estimator as data: which method, how many directions, ε, the law of z and the restore mode.
 * It is what a run manifest records and what the command line parses; {@link #create()} builds
 * the {@link Estimator}. Validation happens here, so a bad setting fails before any model loads.
 *
 * @param method       MeZO or one of FedSPZO's two variants
 * @param p1           MeZO: directions P; FedSPZO: block-1 directions P1
 * @param p2           FedSPZO: block-2 directions P2; MeZO: 1 (unused)
 * @param epsilon      perturbation scale ε
 * @param distribution law of z
 * @param restore      how perturbations are undone within a step
 */
public record EstimatorSpec(Method method, int p1, int p2, float epsilon, Distribution distribution, RestoreMode restore) {

    /** The estimators a run can use, with their command-line names. */
    public enum Method {
        /** MeZO / n-SPSA over all trainable parameters. */
        MEZO("mezo"),
        /** FedSPZO, every block-2 direction on every block-1 pair. */
        FEDSPZO_NESTED("fedspzo"),
        /** FedSPZO, block 1 by full-network SPSA and block 2 on one clean cached block-1 output. */
        FEDSPZO_DECOUPLED("fedspzo-decoupled");

        private final String cliName;

        Method(String cliName) {
            this.cliName = cliName;
        }

        /** {@code mezo}, {@code fedspzo} or {@code fedspzo-decoupled}. */
        public String cliName() {
            return cliName;
        }

        /** The method named {@code name} ({@link #cliName()}, case-insensitive). */
        public static Method parse(String name) {
            String s = name.trim().toLowerCase(Locale.ROOT);
            for (Method m : values()) {
                if (m.cliName.equals(s)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown estimator '" + name + "': expected mezo, fedspzo or fedspzo-decoupled");
        }
    }

    public EstimatorSpec {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(distribution, "distribution");
        Objects.requireNonNull(restore, "restore");
        if (p1 < 1 || p2 < 1) {
            throw new IllegalArgumentException("direction counts must be at least 1, got " + p1 + " and " + p2);
        }
        if (method == Method.MEZO && p2 != 1) {
            throw new IllegalArgumentException("MeZO has one direction count; P2 must be 1, got " + p2);
        }
        if ((long) p1 * p2 > 1 << 16) {
            throw new IllegalArgumentException("at most 65,536 directions per step, got " + p1 + " × " + p2);
        }
        // ZoSettings states the rule for ε; build one now so a bad ε fails at parse time.
        new ZoSettings(epsilon, distribution, restore);
    }

    /** MeZO with {@code p} directions, Gaussian z, snapshot restore. */
    public static EstimatorSpec mezo(int p, float epsilon) {
        return new EstimatorSpec(Method.MEZO, p, 1, epsilon, Distribution.GAUSSIAN, RestoreMode.SNAPSHOT);
    }

    /** FedSPZO nested with P1, P2 directions, Gaussian z, snapshot restore. */
    public static EstimatorSpec fedSpzo(int p1, int p2, float epsilon) {
        return new EstimatorSpec(Method.FEDSPZO_NESTED, p1, p2, epsilon, Distribution.GAUSSIAN, RestoreMode.SNAPSHOT);
    }

    public ZoSettings settings() {
        return new ZoSettings(epsilon, distribution, restore);
    }

    /** A new estimator (estimators keep per-instance scratch: one per thread). */
    public Estimator create() {
        return switch (method) {
            case MEZO -> new MeZo(p1, settings());
            case FEDSPZO_NESTED -> new FedSpzo(p1, p2, FedSpzo.Variant.NESTED, settings());
            case FEDSPZO_DECOUPLED -> new FedSpzo(p1, p2, FedSpzo.Variant.DECOUPLED, settings());
        };
    }

    /**
     * A new estimator with the knobs beyond the paper: scalars clipped to {@code [−clip, clip]}
     * ({@link ZoSettings#NO_CLIP} for none) and, for FedSPZO, per-block ε and learning-rate factors.
     * With {@code NO_CLIP} and {@link BlockScales#uniform}{@code (epsilon)} it is {@link #create()}.
     *
     * @throws IllegalArgumentException for a bad bound, or block scales other than uniform on MeZO
     */
    public Estimator create(float clip, BlockScales scales) {
        Objects.requireNonNull(scales, "scales");
        ZoSettings s = settings().withClip(clip);
        return switch (method) {
            case MEZO -> {
                if (!scales.isUniform(epsilon)) {
                    throw new IllegalArgumentException("MeZO has one block: per-block ε and learning rates are FedSPZO's, got " + scales);
                }
                yield new MeZo(p1, s);
            }
            case FEDSPZO_NESTED -> new FedSpzo(p1, p2, FedSpzo.Variant.NESTED, s, scales);
            case FEDSPZO_DECOUPLED -> new FedSpzo(p1, p2, FedSpzo.Variant.DECOUPLED, s, scales);
        };
    }

    /**
     * {@link #describe()} followed by the knobs of {@link #create(float, BlockScales)} that differ
     * from their defaults, e.g. {@code ... eps1=0.01 eps2=0.001 lr1=0.5 lr2=1 clip=100}.
     */
    public String describe(float clip, BlockScales scales) {
        return describe() + knobs(epsilon, clip, scales);
    }

    /**
     * The knobs beyond the paper that differ from their defaults, as {@code describe} appends them
     * (empty for the defaults): {@code " eps1=… eps2=… lr1=… lr2=…"} unless the scales are uniform at
     * {@code epsilon}, then {@code " clip=…"} if clipping is on.
     */
    public static String knobs(float epsilon, float clip, BlockScales scales) {
        StringBuilder b = new StringBuilder();
        if (!scales.isUniform(epsilon)) {
            b.append(" eps1=").append(scales.eps1()).append(" eps2=").append(scales.eps2())
                    .append(" lr1=").append(scales.lr1()).append(" lr2=").append(scales.lr2());
        }
        if (clip != ZoSettings.NO_CLIP) {
            b.append(" clip=").append(clip);
        }
        return b.toString();
    }

    /** Directions per step as a MeZO run would count them: P for MeZO, P1·P2 for FedSPZO. */
    public int directionsPerStep() {
        return method == Method.MEZO ? p1 : p1 * p2;
    }

    /** E.g. {@code fedspzo P1=2 P2=4 eps=0.001 gaussian snapshot}. */
    public String describe() {
        String dirs = method == Method.MEZO ? "P=" + p1 : "P1=" + p1 + " P2=" + p2;
        return method.cliName() + " " + dirs + " eps=" + epsilon + " " + distribution.name().toLowerCase(Locale.ROOT)
                + " " + restore.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
