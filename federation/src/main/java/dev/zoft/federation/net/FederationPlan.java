package dev.zoft.federation.net;

import dev.zoft.federation.SimulationConfig;
import dev.zoft.zo.estimate.BlockScales;
import dev.zoft.zo.estimate.Estimator;
import dev.zoft.zo.estimate.LearningRate;
import dev.zoft.zo.estimate.ZoSettings;
import dev.zoft.zo.train.EstimatorSpec;
import java.util.Objects;

/**
 * What a networked run does, fixed for its whole life: the federation's size, the round shape, the
 * learning-rate schedule, the run seed and the estimator with its knobs beyond the paper. Server and
 * clients must agree on it (the server publishes it in its status: {@link Coordinator.Status}).
 *
 * @param clients    N client ids, 0..N−1
 * @param perRound   clients sampled per round
 * @param localSteps S local steps per round
 * @param batchSize  examples per local step
 * @param rounds     rounds in the run
 * @param schedule   η of round r is {@code schedule.at(r − 1)}
 * @param runSeed    the seed every round's randomness derives from
 * @param estimator  the estimator the clients run
 * @param clip       the bound on every uploaded scalar ({@link ZoSettings#NO_CLIP}: off)
 * @param scales     FedSPZO's per-block ε and learning-rate factors ({@link BlockScales#uniform} at the
 *                   estimator's ε: the paper's setting)
 */
public record FederationPlan(int clients, int perRound, int localSteps, int batchSize, int rounds, LearningRate schedule,
                             long runSeed, EstimatorSpec estimator, float clip, BlockScales scales) {

    public FederationPlan {
        if (clients < 1 || perRound < 1 || perRound > clients || localSteps < 1 || batchSize < 1 || rounds < 1) {
            throw new IllegalArgumentException("need 1 ≤ per round ≤ clients and S, batch, rounds ≥ 1; got " + clients
                    + " clients, " + perRound + " per round, S " + localSteps + ", batch " + batchSize + ", " + rounds + " rounds");
        }
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(estimator, "estimator");
        Objects.requireNonNull(scales, "scales (BlockScales.uniform(epsilon) for none)");
        estimator.create(clip, scales); // the estimator's own checks of the bound and of the scales
    }

    /** A plan without the knobs beyond the paper (no clipping, uniform block scales). */
    public FederationPlan(int clients, int perRound, int localSteps, int batchSize, int rounds, LearningRate schedule,
                          long runSeed, EstimatorSpec estimator) {
        this(clients, perRound, localSteps, batchSize, rounds, schedule, runSeed, estimator, ZoSettings.NO_CLIP,
                BlockScales.uniform(Objects.requireNonNull(estimator, "estimator").epsilon()));
    }

    /**
     * The plan of the run a simulation with {@code config} would do (same rounds, bit for bit).
     *
     * @throws IllegalArgumentException for a configuration with a direction-count schedule (the
     *     networked server runs constant counts)
     */
    public static FederationPlan of(SimulationConfig config) {
        if (config.directions() != null) {
            throw new IllegalArgumentException("a networked run has constant direction counts; the schedule "
                    + config.directions().describe() + " runs in the simulator only");
        }
        return new FederationPlan(config.clients(), config.clientsPerRound(), config.localSteps(), config.batchSize(),
                config.rounds(), config.schedule(), config.seed(), config.estimator(), config.clip(), config.scales());
    }

    /** A new estimator of this plan: {@link #estimator} with {@link #clip} and {@link #scales}. */
    public Estimator createEstimator() {
        return estimator.create(clip, scales);
    }

    /** The estimator and the knobs that differ from their defaults ({@link EstimatorSpec#describe(float, BlockScales)}). */
    public String describeEstimator() {
        return estimator.describe(clip, scales);
    }

    /** {@link #clip} as the status publishes it: null when clipping is off (JSON has no infinity). */
    public Float publishedClip() {
        return clip == ZoSettings.NO_CLIP ? null : clip;
    }

    /** {@link #scales} as the status publishes them: null when uniform (what a server without them sends). */
    public BlockScales publishedScales() {
        return scales.isUniform(estimator.epsilon()) ? null : scales;
    }
}
