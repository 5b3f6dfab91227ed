package dev.zoft.federation.experiment;

import dev.zoft.federation.method.MethodSpec;
import java.util.Locale;

/**
 * One run of a grid: a method setting, a learning rate, a Dirichlet α and a seed.
 *
 * @param spec         the method and its directions, pool and ε
 * @param learningRate η of round 1
 * @param alpha        the label partition's α
 * @param seed         the run seed
 */
public record ExperimentCell(MethodSpec spec, double learningRate, double alpha, long seed) {

    /** The hyperparameter setting, without α and seed: what tuning chooses among. */
    public String setting() {
        return spec.describe() + " lr=" + num(learningRate);
    }

    /**
     * A stable, file-name-safe id, e.g. {@code fedspzo_P1-1_P2-4_eps-0.001_lr-0.001_a-0.5_s-1}. The
     * knobs beyond the paper appear only when they differ from their defaults (so older ids stay):
     * a scheduled count as {@code P2-2to8in100}, then {@code _eps1-…_eps2-…_lr1-…_lr2-…} and {@code _clip-…}
     * after ε.
     */
    public String id() {
        String counted = spec.schedule() == null ? null : spec.schedule().id();
        String dirs = spec.kind().isFedSpzo() ? "P1-" + spec.p() + "_P2-" + (counted == null ? spec.p2() : counted)
                : "P-" + (counted == null ? spec.p() : counted);
        String pool = spec.poolSize() > 0 ? "_K-" + spec.poolSize() : "";
        StringBuilder knobs = new StringBuilder();
        if (!spec.scales().isUniform(spec.epsilon())) {
            knobs.append("_eps1-").append(num(spec.scales().eps1())).append("_eps2-").append(num(spec.scales().eps2()))
                    .append("_lr1-").append(num(spec.scales().lr1())).append("_lr2-").append(num(spec.scales().lr2()));
        }
        if (spec.clip() != dev.zoft.zo.estimate.ZoSettings.NO_CLIP) {
            knobs.append("_clip-").append(num(spec.clip()));
        }
        return spec.kind().specName() + pool + "_" + dirs + "_eps-" + num(spec.epsilon()) + knobs + "_lr-" + num(learningRate)
                + "_a-" + num(alpha) + "_s-" + seed;
    }

    static String num(double v) {
        String s = String.format(Locale.ROOT, "%.6g", v);
        if (s.contains("e")) {
            return s.replaceAll("\\.?0+e", "e");
        }
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
}
