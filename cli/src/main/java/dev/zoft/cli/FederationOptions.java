package dev.zoft.cli;

import dev.zoft.federation.SimulationConfig;
import java.util.Set;

/**
 * The federation flags {@code zoft server} and {@code zoft client} share (the same as
 * {@code zoft simulate}'s, with its defaults): both sides must be given the same values; the
 * client checks them against the server's status.
 */
final class FederationOptions {

    static final Set<String> VALUED = Set.of("clients", "alpha", "per-round", "local-steps", "rounds");

    static final String USAGE = """
              --clients N       clients in the federation, ids 0..N-1 (default %d)
              --alpha A         Dirichlet concentration of the label split of --data (default %s)
              --per-round C     clients sampled per round (default %d)
              --local-steps S   local ZO steps per client per round (default %d)
              --rounds R        rounds (default %d)""".formatted(SimulateCommand.DEFAULT_CLIENTS,
            SimulateCommand.DEFAULT_ALPHA, SimulateCommand.DEFAULT_PER_ROUND, SimulateCommand.DEFAULT_LOCAL_STEPS,
            SimulateCommand.DEFAULT_ROUNDS).indent(2).stripTrailing();

    private FederationOptions() {
    }

    static Set<String> valued(String... own) {
        Set<String> all = new java.util.HashSet<>(TrainingOptions.withValued(own));
        all.addAll(VALUED);
        return all;
    }

    /** The run configuration: these flags plus the shared training flags, {@code zoft simulate}'s defaults. */
    static SimulationConfig parse(Args args, TrainingOptions t) {
        int clients = args.integer("clients", SimulateCommand.DEFAULT_CLIENTS, 1, 1_000_000);
        double alpha = args.real("alpha", SimulateCommand.DEFAULT_ALPHA, 1e-6, 1e6);
        int perRound = args.integer("per-round", Math.min(SimulateCommand.DEFAULT_PER_ROUND, clients), 1, clients);
        int localSteps = args.integer("local-steps", SimulateCommand.DEFAULT_LOCAL_STEPS, 1, 1 << 16);
        int rounds = args.integer("rounds", SimulateCommand.DEFAULT_ROUNDS, 1, 1_000_000);
        try {
            return SimulationConfig.builder().clients(clients).alpha(alpha).clientsPerRound(perRound)
                    .localSteps(localSteps).rounds(rounds).batchSize(t.batch()).estimator(t.estimator())
                    .learningRate(t.lr()).finalLearningRate(t.lrEnd() == null ? 0 : t.lrEnd())
                    .trainable(t.subset()).splitLayer(t.split()).seed(t.seed()).evalEvery(0)
                    .maxTokens(t.maxTokens()).clip(t.clip()).scales(t.scales()).build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
