package dev.zoft.federation.net;

import dev.zoft.federation.SimulationConfig;
import dev.zoft.zo.estimate.LearningRate;
import dev.zoft.zo.train.EstimatorSpec;
import java.util.Objects;

/**
 * What a networked run does, fixed for its whole life: the federation's size, the round shape, the
 * learning-rate schedule, the run seed and the estimator. Server and clients must agree on it
 * (the server publishes it in its status).
 *
 * @param clients    N client ids, 0..N−1
 * @param perRound   clients sampled per round
 * @param localSteps S local steps per round
 * @param batchSize  examples per local step
 * @param rounds     rounds in the run
 * @param schedule   η of round r is {@code schedule.at(r − 1)}
 * @param runSeed    the seed every round's randomness derives from
 * @param estimator  the estimator the clients run
 */
public record FederationPlan(int clients, int perRound, int localSteps, int batchSize, int rounds, LearningRate schedule,
                             long runSeed, EstimatorSpec estimator) {

    public FederationPlan {
        if (clients < 1 || perRound < 1 || perRound > clients || localSteps < 1 || batchSize < 1 || rounds < 1) {
            throw new IllegalArgumentException("need 1 ≤ per round ≤ clients and S, batch, rounds ≥ 1; got " + clients
                    + " clients, " + perRound + " per round, S " + localSteps + ", batch " + batchSize + ", " + rounds + " rounds");
        }
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(estimator, "estimator");
    }

    /** The plan of the run a simulation with {@code config} would do (same rounds, bit for bit). */
    public static FederationPlan of(SimulationConfig config) {
        return new FederationPlan(config.clients(), config.clientsPerRound(), config.localSteps(), config.batchSize(),
                config.rounds(), config.schedule(), config.seed(), config.estimator());
    }
}
