package dev.zoft.federation;

import dev.zoft.federation.protocol.ClientUpload;
import dev.zoft.federation.protocol.CoverageMask;
import dev.zoft.federation.protocol.RoundAggregate;
import dev.zoft.federation.protocol.RoundPlan;
import dev.zoft.federation.protocol.StepScalars;
import dev.zoft.federation.privacy.LocalGaussianPrivacy;
import dev.zoft.zo.data.Dataset;
import dev.zoft.zo.estimate.Estimator;
import dev.zoft.zo.estimate.Seeds;
import dev.zoft.zo.estimate.StepResult;
import java.util.List;
import java.util.Objects;

/**
 * One federated device: its data shard and the model it computes with. For a round it
 * <ol>
 *   <li>syncs: replays the plan's missing rounds on its model, reaching the round's start model;</li>
 *   <li>snapshots the trainable parameters ({@link SyncedModel#markRoundStart});</li>
 *   <li>runs S local steps, step s on batch s of {@link BatchSampler} (seeded by
 *       {@link FederationSeeds#batches}{@code (roundSeed, id)}) with the step seed
 *       {@code Seeds.step(roundSeed, s)} shared by every client of the round;</li>
 *   <li>goes back to the start model exactly (the round's aggregate applies there, at its next sync);</li>
 *   <li>uploads only its S × K scalars, its sample count and its mean loss; with differential
 *       privacy on ({@link LocalGaussianPrivacy}) the scalars are clipped and noised on the device
 *       first, and the loss is not reported (0).</li>
 * </ol>
 *
 * <p><b>A slow client</b> ({@link DirectionCaps}) runs the estimator with the capped counts
 * ({@link DirectionCaps#capped}) on the same step seeds: a subset of the round's directions, its own
 * local updates normalised by its own counts. Its upload keeps the round's S × K layout
 * ({@link SubGrid#scatter}) with the uncomputed scalars 0 and a {@link CoverageMask}; with DP only the
 * covered scalars are clipped and noised.
 */
public final class Client<B> {

    private final int id;
    private final Dataset shard;
    private final BatchFactory<B> batches;
    private final SyncedModel<B> model;
    private final LocalGaussianPrivacy privacy;
    private final DirectionCaps caps;

    /**
     * @param id      the client's id (its index in the partition)
     * @param shard   its training examples (not empty)
     * @param batches builds batches from the shard
     * @param model   the model it computes with (may be shared with other simulated clients)
     */
    public Client(int id, Dataset shard, BatchFactory<B> batches, SyncedModel<B> model) {
        this(id, shard, batches, model, null);
    }

    /**
     * A client that privatizes its uploads.
     *
     * @param privacy the local DP mechanism with the client's secret seed, or null for none
     */
    public Client(int id, Dataset shard, BatchFactory<B> batches, SyncedModel<B> model, LocalGaussianPrivacy privacy) {
        this(id, shard, batches, model, privacy, null);
    }

    /**
     * A client that may privatize its uploads and may run fewer directions than the round.
     *
     * @param privacy the local DP mechanism with the client's secret seed, or null for none
     * @param caps    the client's direction caps, or null to run the round's counts
     */
    public Client(int id, Dataset shard, BatchFactory<B> batches, SyncedModel<B> model, LocalGaussianPrivacy privacy,
                  DirectionCaps caps) {
        if (id < 0) {
            throw new IllegalArgumentException("negative client id " + id);
        }
        if (shard.isEmpty()) {
            throw new IllegalArgumentException("client " + id + " has no training examples");
        }
        this.id = id;
        this.shard = shard;
        this.batches = Objects.requireNonNull(batches, "batches");
        this.model = Objects.requireNonNull(model, "model");
        this.privacy = privacy;
        this.caps = caps;
    }

    /** The client's direction caps, or null. */
    public DirectionCaps caps() {
        return caps;
    }

    /** The estimator this client steps with in round {@code round}: the round's, or its capped form. */
    public Estimator estimator(int round) {
        return model.estimator(round, caps);
    }

    public int id() {
        return id;
    }

    public Dataset shard() {
        return shard;
    }

    public SyncedModel<B> model() {
        return model;
    }

    /** Replays {@code missing} on the client's model (rounds it already holds are skipped). */
    public int sync(List<RoundAggregate> missing) {
        return model.catchUp(missing);
    }

    /**
     * Runs the round {@code plan} describes and returns the upload. The model ends at the round's
     * start model, also when a step fails.
     *
     * @throws IllegalArgumentException if the plan's missing rounds do not bring the model to round {@code plan.round() − 1}
     */
    public LocalRound run(RoundPlan plan) {
        int applied = sync(plan.missing());
        if (model.syncedRound() != plan.round() - 1) {
            throw new IllegalArgumentException("client " + id + " holds round " + model.syncedRound()
                    + " after syncing, round " + plan.round() + " starts from round " + (plan.round() - 1));
        }
        int steps = plan.localSteps();
        int[][] picks = BatchSampler.sample(shard.size(), plan.batchSize(), steps, FederationSeeds.batches(plan.roundSeed(), id));
        Estimator full = model.estimator(plan.round());
        Estimator estimator = estimator(plan.round());
        boolean capped = estimator != full;
        double[][] scalars = new double[steps][];
        double lossSum = 0;
        long lossCount = 0;
        long passes = 0;
        long flops = 0;
        model.markRoundStart();
        try {
            for (int s = 0; s < steps; s++) {
                B batch = batches.batch(shard, picks[s]);
                StepResult r = estimator.step(model.objective(), batch, Seeds.step(plan.roundSeed(), s),
                        plan.learningRate(), model.pool());
                scalars[s] = capped ? SubGrid.scatter(full, estimator, r.projectedGradients()) : r.projectedGradients();
                for (double l : r.losses()) {
                    lossSum += l;
                    lossCount++;
                }
                passes = Math.addExact(passes, r.block1Passes() + r.block2Passes());
                flops = Math.addExact(flops, r.forwardFlops());
            }
        } finally {
            model.returnToRoundStart();
        }
        double meanLoss = lossSum / lossCount;
        StepScalars raw = StepScalars.ofSteps(scalars);
        CoverageMask coverage = capped ? SubGrid.mask(full, estimator) : CoverageMask.full(full.scalarsPerStep());
        ClientUpload upload = privacy == null
                ? new ClientUpload(plan.round(), id, shard.size(), raw, meanLoss, coverage)
                : new ClientUpload(plan.round(), id, shard.size(), privacy.privatize(raw, coverage, plan.round()), 0, coverage);
        return new LocalRound(upload, passes, flops, applied, meanLoss);
    }

    @Override
    public String toString() {
        return "Client[" + id + ", " + shard.size() + " examples" + (caps == null ? "" : ", caps " + caps.describe()) + "]";
    }
}
