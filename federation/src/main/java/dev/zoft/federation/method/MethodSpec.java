package dev.zoft.federation.method;

import dev.zoft.tensor.random.Distribution;
import dev.zoft.zo.estimate.BlockScales;
import dev.zoft.zo.estimate.Estimator;
import dev.zoft.zo.estimate.RestoreMode;
import dev.zoft.zo.estimate.ZoSettings;
import dev.zoft.zo.train.EstimatorSpec;
import java.util.Objects;

/**
 * A federated method as data.
 *
 * @param kind     which method
 * @param p        directions per local step (FedSPZO: P1, block-1 directions); with a schedule on a
 *                 baseline, round 1's count
 * @param p2       FedSPZO: P2 block-2 directions (with a schedule, round 1's count); 1 for the others
 * @param poolSize FedKSeed: K, seeds in the pool (default {@value #DEFAULT_POOL}); 0 for the others
 * @param epsilon  the perturbation scale ε (FedSPZO: the reference ε its scalars are divided by)
 * @param scales   FedSPZO: per-block ε and learning-rate factors ({@link BlockScales#uniform}{@code (epsilon)}
 *                 for the others and by default)
 * @param clip     the bound on every scalar {@code |(L⁺ − L⁻)/2ε|} ({@link ZoSettings#NO_CLIP}: off)
 * @param schedule the per-round direction count of P (baselines) or P2 (FedSPZO), or null for the
 *                 constant {@code p} / {@code p2}
 */
public record MethodSpec(MethodKind kind, int p, int p2, int poolSize, float epsilon, BlockScales scales, float clip,
                         DirectionSchedule schedule) {

    /** FedKSeed's default pool size (the paper's K = 4096). */
    public static final int DEFAULT_POOL = 4096;

    public MethodSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(scales, "scales");
        if (p < 1 || p2 < 1) {
            throw new IllegalArgumentException(kind.specName() + ": direction counts must be ≥ 1, got " + p + ", " + p2);
        }
        if (!kind.isFedSpzo() && p2 != 1) {
            throw new IllegalArgumentException(kind.specName() + " has one direction count; p2 must be 1, got " + p2);
        }
        boolean pooled = kind == MethodKind.FEDKSEED || kind == MethodKind.FEDKSEED_PRO;
        if (pooled && (poolSize < 1 || poolSize > 1 << 24)) {
            throw new IllegalArgumentException(kind.specName() + " needs a pool of 1 to 2^24 seeds, got " + poolSize);
        }
        if (!pooled && poolSize != 0) {
            throw new IllegalArgumentException(kind.specName() + " has no seed pool; k must be unset, got " + poolSize);
        }
        if (!kind.isFedSpzo() && !scales.isUniform(epsilon)) {
            throw new IllegalArgumentException(kind.specName() + " has one block: eps1/eps2/lr1/lr2 are FedSPZO's");
        }
        if (schedule != null && schedule.at(1) != (kind.isFedSpzo() ? p2 : p)) {
            throw new IllegalArgumentException(kind.specName() + ": the schedule's round-1 count " + schedule.at(1)
                    + " differs from " + (kind.isFedSpzo() ? "p2 = " + p2 : "p = " + p));
        }
        estimator(kind, p, p2, epsilon); // validates ε and the direction counts
        if (schedule != null) {
            estimator(kind, p, kind.isFedSpzo() ? schedule.max() : 1, epsilon); // P1 × max P2 within the cap
        }
        new ZoSettings(epsilon, Distribution.GAUSSIAN, RestoreMode.SNAPSHOT, clip); // validates the bound
    }

    /** A spec without the knobs beyond the paper (uniform blocks, no clipping, no schedule). */
    public MethodSpec(MethodKind kind, int p, int p2, int poolSize, float epsilon) {
        this(kind, p, p2, poolSize, epsilon, BlockScales.uniform(epsilon), ZoSettings.NO_CLIP, null);
    }

    /** A spec with the method's usual extras (p2 = 1, K = 4096 for FedKSeed). */
    public static MethodSpec of(MethodKind kind, int p, int p2, float epsilon) {
        boolean pooled = kind == MethodKind.FEDKSEED || kind == MethodKind.FEDKSEED_PRO;
        return new MethodSpec(kind, p, kind.isFedSpzo() ? p2 : 1, pooled ? DEFAULT_POOL : 0, epsilon);
    }

    /** This spec with per-block scales {@code s} (FedSPZO only). */
    public MethodSpec withScales(BlockScales s) {
        return new MethodSpec(kind, p, p2, poolSize, epsilon, s, clip, schedule);
    }

    /** This spec with clipping bound {@code bound}. */
    public MethodSpec withClip(float bound) {
        return new MethodSpec(kind, p, p2, poolSize, epsilon, scales, bound, schedule);
    }

    /** This spec with the direction-count schedule {@code s} (its round-1 count becomes p or p2). */
    public MethodSpec withSchedule(DirectionSchedule s) {
        Objects.requireNonNull(s, "schedule");
        return kind.isFedSpzo()
                ? new MethodSpec(kind, p, s.at(1), poolSize, epsilon, scales, clip, s)
                : new MethodSpec(kind, s.at(1), p2, poolSize, epsilon, scales, clip, s);
    }

    /** The scheduled count of round {@code round}: P for the baselines, P2 for FedSPZO. */
    public int directionsAt(int round) {
        if (schedule != null) {
            return schedule.at(round);
        }
        if (round < 1) {
            throw new IllegalArgumentException("round numbers start at 1, got " + round);
        }
        return kind.isFedSpzo() ? p2 : p;
    }

    /** The local estimator's spec of round 1: MeZO with P directions, or FedSPZO with (P1, P2). */
    public EstimatorSpec estimator() {
        return estimator(kind, p, p2, epsilon);
    }

    /** The local estimator's spec of round {@code round} (its direction count scheduled). */
    public EstimatorSpec estimatorAt(int round) {
        int c = directionsAt(round);
        return kind.isFedSpzo() ? estimator(kind, p, c, epsilon) : estimator(kind, c, 1, epsilon);
    }

    /** A new estimator for round {@code round}, with the clipping bound and block scales. */
    public Estimator createEstimator(int round) {
        return estimatorAt(round).create(clip, scales);
    }

    private static EstimatorSpec estimator(MethodKind kind, int p, int p2, float epsilon) {
        return switch (kind) {
            case FEDSPZO -> EstimatorSpec.fedSpzo(p, p2, epsilon);
            case FEDSPZO_DECOUPLED -> new EstimatorSpec(EstimatorSpec.Method.FEDSPZO_DECOUPLED, p, p2, epsilon,
                    Distribution.GAUSSIAN, RestoreMode.SNAPSHOT);
            default -> EstimatorSpec.mezo(p, epsilon);
        };
    }

    /**
     * E.g. {@code fedspzo P1=1 P2=4 eps=0.001} or {@code fedkseed K=4096 P=1 eps=0.001}; the knobs that
     * differ from their defaults follow, e.g. {@code decomfl P=2..8/100r eps=0.001 clip=50}.
     */
    public String describe() {
        String scheduled = schedule == null ? null : schedule.describe();
        String dirs = kind.isFedSpzo() ? "P1=" + p + " P2=" + (scheduled == null ? p2 : scheduled)
                : "P=" + (scheduled == null ? p : scheduled);
        String pool = poolSize > 0 ? " K=" + poolSize : "";
        return kind.specName() + pool + " " + dirs + " eps=" + epsilon + EstimatorSpec.knobs(epsilon, clip, scales);
    }

    /** The method over {@code context}. */
    public <B> FederatedMethod<B> create(MethodContext<B> context) {
        return switch (kind) {
            case DECOMFL, FEDSPZO, FEDSPZO_DECOUPLED -> new SharedSeedMethod<>(this, context);
            case FEDZO -> new FedZoMethod<>(this, context);
            case FEDKSEED, FEDKSEED_PRO -> new FedKSeedMethod<>(this, context);
        };
    }
}
