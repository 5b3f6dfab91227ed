package dev.zoft.federation.method;

import dev.zoft.tensor.random.Distribution;
import dev.zoft.zo.estimate.RestoreMode;
import dev.zoft.zo.train.EstimatorSpec;
import java.util.Objects;

/**
 * A federated method as data.
 *
 * @param kind     which method
 * @param p        directions per local step (FedSPZO: P1, block-1 directions)
 * @param p2       FedSPZO: P2 block-2 directions; 1 for the others
 * @param poolSize FedKSeed: K, seeds in the pool (default {@value #DEFAULT_POOL}); 0 for the others
 * @param epsilon  the perturbation scale ε
 */
public record MethodSpec(MethodKind kind, int p, int p2, int poolSize, float epsilon) {

    /** FedKSeed's default pool size (the paper's K = 4096). */
    public static final int DEFAULT_POOL = 4096;

    public MethodSpec {
        Objects.requireNonNull(kind, "kind");
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
        estimator(kind, p, p2, epsilon); // validates ε and the direction counts
    }

    /** A spec with the method's usual extras (p2 = 1, K = 4096 for FedKSeed). */
    public static MethodSpec of(MethodKind kind, int p, int p2, float epsilon) {
        boolean pooled = kind == MethodKind.FEDKSEED || kind == MethodKind.FEDKSEED_PRO;
        return new MethodSpec(kind, p, kind.isFedSpzo() ? p2 : 1, pooled ? DEFAULT_POOL : 0, epsilon);
    }

    /** The local estimator's spec: MeZO with P directions, or FedSPZO with (P1, P2). */
    public EstimatorSpec estimator() {
        return estimator(kind, p, p2, epsilon);
    }

    private static EstimatorSpec estimator(MethodKind kind, int p, int p2, float epsilon) {
        return switch (kind) {
            case FEDSPZO -> EstimatorSpec.fedSpzo(p, p2, epsilon);
            case FEDSPZO_DECOUPLED -> new EstimatorSpec(EstimatorSpec.Method.FEDSPZO_DECOUPLED, p, p2, epsilon,
                    Distribution.GAUSSIAN, RestoreMode.SNAPSHOT);
            default -> EstimatorSpec.mezo(p, epsilon);
        };
    }

    /** E.g. {@code fedspzo P1=1 P2=4 eps=0.001} or {@code fedkseed K=4096 P=1 eps=0.001}. */
    public String describe() {
        String dirs = kind.isFedSpzo() ? "P1=" + p + " P2=" + p2 : "P=" + p;
        String pool = poolSize > 0 ? " K=" + poolSize : "";
        return kind.specName() + pool + " " + dirs + " eps=" + epsilon;
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
