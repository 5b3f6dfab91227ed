package dev.zoft.federation.method;

import dev.zoft.federation.Client;
import dev.zoft.federation.LocalRound;
import dev.zoft.federation.RoundLog;
import dev.zoft.federation.Server;
import dev.zoft.federation.SyncedModel;
import dev.zoft.federation.WeightedMean;
import dev.zoft.federation.cost.CostMeter;
import dev.zoft.federation.cost.StepCosts;
import dev.zoft.federation.protocol.ClientUpload;
import dev.zoft.federation.protocol.ProtocolCodec;
import dev.zoft.federation.protocol.ProtocolException;
import dev.zoft.federation.protocol.RoundAggregate;
import dev.zoft.federation.protocol.RoundPlan;
import dev.zoft.federation.protocol.RoundRecord;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.zo.estimate.Estimator;
import dev.zoft.zo.estimate.RestoreMode;
import dev.zoft.zo.params.ScopedViews;
import dev.zoft.zo.params.Update;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The shared-seed protocol of the existing engine ({@link Server}, {@link Client}, {@link SyncedModel},
 * {@link ProtocolCodec}) as a {@link FederatedMethod}: every client of a round runs the round's step
 * seeds, uploads only its scalars, the server averages them by sample count and the aggregate is
 * replayed at the round's start. With the MeZO estimator (P directions a step) this is DeComFL
 * (Li et al., "Achieving Dimension-Free Communication in Federated Learning via Zeroth-Order
 * Optimization", arXiv 2405.15861); with FedSPZO's estimator it is the paper's method. It departs
 * from DeComFL in one point: the aggregate weights clients by sample count (FedAvg), not uniformly.
 *
 * <p>With a direction-count schedule ({@link MethodSpec#schedule()}) round r's estimator is the one
 * with {@link MethodSpec#directionsAt}{@code (r)} directions (P, or P2 for FedSPZO): the server checks
 * round r's uploads against it and logs its updates, and clients replay a missed round r with it.
 *
 * <p>Slow clients ({@link MethodContext#caps()}) run the capped estimator and upload partial scalars
 * (see {@link dev.zoft.federation.DirectionCaps}); the server averages each scalar over the clients that
 * computed it.
 */
final class SharedSeedMethod<B> implements FederatedMethod<B> {

    private final MethodSpec spec;
    private final MethodContext<B> context;
    /** Each round's estimator (its scheduled direction count), the open round's kept. */
    private final RoundEstimators estimators;
    private final ScopedViews views;
    private final SyncedModel<B> model;
    private final Server server;
    private final List<Client<B>> clients = new ArrayList<>();

    SharedSeedMethod(MethodSpec spec, MethodContext<B> context) {
        this.spec = spec;
        this.context = context;
        this.estimators = new RoundEstimators(spec);
        this.views = ScopedViews.of(context.objective());
        this.model = new SyncedModel<>(context.objective(), estimators, context.pool());
        this.server = new Server(context.clients(), context.perRound(), context.localSteps(), context.batchSize(),
                context.schedule(), context.runSeed(), estimators, new WeightedMean(),
                RoundLog.inMemory(context.header()));
        for (int c = 0; c < context.clients(); c++) {
            clients.add(new Client<>(c, context.shards().get(c), context.batches(), model, null, context.caps().of(c)));
        }
    }

    @Override
    public MethodSpec spec() {
        return spec;
    }

    @Override
    public void startRound(int round, long roundSeed, double learningRate, int[] chosen) {
        estimators.pin(round);
        Server.OpenRound open = server.startRound();
        // The server derives the same round from the same run seed: a mismatch is a bug, not bad input.
        if (open.round() != round || open.roundSeed() != roundSeed || !Arrays.equals(open.clients(), chosen)
                || open.learningRate() != learningRate) {
            throw new IllegalStateException("the server opened " + open + ", the simulation expected round " + round);
        }
    }

    @Override
    public byte[] plan(int client) {
        return ProtocolCodec.encode(server.plan(client));
    }

    @Override
    public byte[] runClient(int client, byte[] planBytes, CostMeter meter) throws ProtocolException {
        RoundPlan plan = ProtocolCodec.decodePlan(planBytes);
        // A device with its own model replays every round it missed (the shared simulated model
        // may already hold them, so the cost is counted from the plan).
        for (RoundAggregate a : plan.missing()) {
            for (Update u : a.updates(estimators.apply(a.round()))) {
                meter.sync(views.view(u.scope()).size());
            }
        }
        LocalRound local = clients.get(client).run(plan);
        // A slow client steps with its capped estimator: its passes are that estimator's schedule.
        Estimator estimator = clients.get(client).estimator(plan.round());
        for (int s = 0; s < plan.localSteps(); s++) {
            StepCosts.addStep(meter, estimator, views);
        }
        long n = views.all().size();
        meter.restore(n, false); // back to the round's start from the round-start snapshot
        long stepSnapshot = estimator.settings().restore() == RestoreMode.SNAPSHOT ? 4 * n : 0;
        meter.state(4 * n + stepSnapshot);
        return ProtocolCodec.encode(local.upload());
    }

    @Override
    public Accepted accept(byte[] bytes) throws ProtocolException {
        ClientUpload upload = ProtocolCodec.decodeUpload(bytes);
        server.accept(upload);
        return new Accepted(upload.clientId(), upload.sampleCount(), upload.meanTrainLoss());
    }

    @Override
    public void finishRound() throws IOException {
        RoundRecord record = server.finishRound();
        model.catchUp(List.of(record.aggregate()));
    }

    @Override
    public int completedRounds() {
        return server.completedRounds();
    }

    @Override
    public long replay(ScopedViews target, WorkerPool pool) {
        var log = server.log().seedLog();
        log.apply(target, pool);
        return log.size();
    }

    /** The server's round log (records and seed log). */
    RoundLog log() {
        return server.log();
    }

    @Override
    public void close() {
        model.close();
        try {
            server.log().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return spec.describe();
    }
}
