package dev.zoft.federation.method;

import dev.zoft.federation.BatchFactory;
import dev.zoft.federation.ClientCaps;
import dev.zoft.federation.cost.CountingObjective;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.zo.data.Dataset;
import dev.zoft.zo.estimate.LearningRate;
import dev.zoft.zo.log.SeedLog;
import java.util.List;
import java.util.Objects;

/**
 * What a federated method runs over: the model every simulated client computes with (through a
 * {@link CountingObjective}, at the base weights), the clients' shards, and the federation settings.
 *
 * @param objective  the shared model, counted; it holds the global model between rounds
 * @param pool       runs the parameter passes
 * @param shards     client c's training examples, by id (each non-empty)
 * @param batches    builds batches from a shard
 * @param perRound   C, clients per round
 * @param localSteps S, local steps per client per round
 * @param batchSize  examples per local step
 * @param schedule   η of round r is {@code schedule.at(r − 1)}
 * @param runSeed    every seed of the run derives from it
 * @param header     the base model's identity, for the logs
 * @param caps       slow clients' direction caps (the shared-seed methods DeComFL and FedSPZO honour them; the
 *                   others run every client in full)
 */
public record MethodContext<B>(CountingObjective<B> objective, WorkerPool pool, List<Dataset> shards,
                               BatchFactory<B> batches, int perRound, int localSteps, int batchSize,
                               LearningRate schedule, long runSeed, SeedLog.Header header, ClientCaps caps) {
    public MethodContext {
        Objects.requireNonNull(objective, "objective");
        Objects.requireNonNull(pool, "pool");
        shards = List.copyOf(shards);
        Objects.requireNonNull(batches, "batches");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(caps, "caps (ClientCaps.none() for none)");
        if (shards.isEmpty() || perRound < 1 || perRound > shards.size()) {
            throw new IllegalArgumentException("need 1 ≤ clients per round ≤ clients, got " + perRound + " of " + shards.size());
        }
        if (localSteps < 1 || batchSize < 1) {
            throw new IllegalArgumentException("need S ≥ 1 and batch ≥ 1, got " + localSteps + ", " + batchSize);
        }
    }

    /** A context with no slow client. */
    public MethodContext(CountingObjective<B> objective, WorkerPool pool, List<Dataset> shards, BatchFactory<B> batches,
                         int perRound, int localSteps, int batchSize, LearningRate schedule, long runSeed,
                         SeedLog.Header header) {
        this(objective, pool, shards, batches, perRound, localSteps, batchSize, schedule, runSeed, header, ClientCaps.none());
    }

    /** N, the clients of the federation. */
    public int clients() {
        return shards.size();
    }
}
