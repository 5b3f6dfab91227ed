package dev.zoft.federation.method;

import dev.zoft.federation.BatchSampler;
import dev.zoft.federation.FederationSeeds;
import dev.zoft.federation.cost.CostMeter;
import dev.zoft.federation.cost.StepCosts;
import dev.zoft.federation.protocol.ProtocolException;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.zo.estimate.Estimator;
import dev.zoft.zo.estimate.RestoreMode;
import dev.zoft.zo.estimate.Seeds;
import dev.zoft.zo.estimate.StepResult;
import dev.zoft.zo.params.Perturbation;
import dev.zoft.zo.params.Scope;
import dev.zoft.zo.params.ScopedViews;
import java.util.ArrayList;
import java.util.List;

/**
 * MeZO-FedAvg / FedZO. Client c of round r derives its own seed {@code derive(roundSeed, 36, c)};
 * its local step s is a MeZO step (P directions) seeded {@code Seeds.step(clientSeed, s)}, applied to
 * its model as it goes (local ZO-SGD). It uploads the S·P pairs (direction seed, scalar). The server
 * checks each seed against the derivation, and the round's global update is every client's
 * directions, weighted: {@code θ −= Σ_c w_c Σ_{s,p} η·g_csp/P · z_csp} with {@code w_c = n_c / Σ n},
 * i.e. FedAvg of the clients' local models, applied as C·S·P passes of coefficient
 * {@code coefficient(η, w_c·g, P)} in client, step, direction order. A client that missed rounds
 * downloads their passes as (seed, coefficient) pairs and replays them.
 *
 * <p>Follows FedZO (Fang et al., "Communication-Efficient Stochastic Zeroth-Order Optimization for
 * Federated Learning", IEEE TSP 2022) for the local steps and FedAvg aggregation, with MeZO's
 * (Malladi et al. 2023) in-place seed trick for the transport: FedZO uploads model deltas (d floats);
 * here the delta is sent as its seeds and scalars, which gives the same model exactly and costs
 * 12 bytes per direction.
 */
final class FedZoMethod<B> extends DirectionMethod<B> {

    /** Each round's MeZO estimator (its scheduled P, the spec's clipping), the open round's kept. */
    private final RoundEstimators estimators;
    private final List<MethodMessages.RoundUpdates> history = new ArrayList<>();

    FedZoMethod(MethodSpec spec, MethodContext<B> context) {
        super(spec, context, false);
        this.estimators = new RoundEstimators(spec);
    }

    @Override
    public void startRound(int round, long seed, double lr, int[] clients) {
        super.startRound(round, seed, lr, clients);
        estimators.pin(round);
    }

    /** Client c's step-s seed in the round seeded {@code roundSeed}. */
    static long stepSeed(long roundSeed, int client, int step) {
        return Seeds.step(Seeds.derive(roundSeed, CLIENT_DOMAIN, client), step);
    }

    @Override
    public byte[] plan(int client) {
        requireChosen(client);
        List<MethodMessages.RoundUpdates> missing = history.subList(sentThrough[client], history.size());
        byte[] bytes = MethodMessages.encode(new MethodMessages.FedZoPlan(header(), missing));
        sentThrough[client] = openRound - 1;
        return bytes;
    }

    @Override
    public byte[] runClient(int client, byte[] planBytes, CostMeter meter) throws ProtocolException {
        MethodMessages.FedZoPlan plan = MethodMessages.decodeFedZoPlan(planBytes);
        long n = views.all().size();
        for (MethodMessages.RoundUpdates r : plan.missing()) {
            for (int i = 0; i < r.seeds().length; i++) {
                meter.sync(n); // what a device with its own model replays; the shared model already holds it
            }
        }
        MethodMessages.Header h = plan.header();
        int steps = h.localSteps();
        int p = spec.directionsAt(h.round());
        Estimator estimator = estimators.apply(h.round());
        int[][] picks = BatchSampler.sample(context.shards().get(client).size(), h.batchSize(), steps,
                FederationSeeds.batches(h.roundSeed(), client));
        long[] seeds = new long[steps * p];
        float[] scalars = new float[steps * p];
        double lossSum = 0;
        long lossCount = 0;
        markRoundStart();
        try {
            for (int s = 0; s < steps; s++) {
                B batch = context.batches().batch(context.shards().get(client), picks[s]);
                long stepSeed = stepSeed(h.roundSeed(), client, s);
                StepResult r = estimator.step(context.objective(), batch, stepSeed, h.learningRate(), context.pool());
                StepCosts.addStep(meter, estimator, views);
                double[] g = r.projectedGradients();
                for (int j = 0; j < p; j++) {
                    seeds[s * p + j] = Seeds.direction(stepSeed, Scope.ALL, j);
                    scalars[s * p + j] = (float) g[j];
                }
                for (double l : r.losses()) {
                    lossSum += l;
                    lossCount++;
                }
            }
        } finally {
            returnToRoundStart(meter);
        }
        meter.state(modelCopyBytes() * (estimator.settings().restore() == RestoreMode.SNAPSHOT ? 2 : 1));
        return MethodMessages.encode(new MethodMessages.DirectionUpload(h.round(), client,
                context.shards().get(client).size(), steps, p, seeds, scalars, lossSum / lossCount), false);
    }

    @Override
    void validateDirections(MethodMessages.DirectionUpload u) throws ProtocolException {
        int p = u.perStep(); // checked against the round's count before
        for (int s = 0; s < u.steps(); s++) {
            long stepSeed = stepSeed(roundSeed, u.client(), s);
            for (int j = 0; j < p; j++) {
                if (u.directions()[s * p + j] != Seeds.direction(stepSeed, Scope.ALL, j)) {
                    throw new ProtocolException("client " + u.client() + " sent direction seed "
                            + Long.toHexString(u.directions()[s * p + j]) + " for step " + s + " direction " + j
                            + ", not the seed its round derives");
                }
            }
        }
    }

    @Override
    public void finishRound() {
        List<MethodMessages.DirectionUpload> ups = closeUploads();
        double[] w = weights(ups);
        int total = 0;
        for (MethodMessages.DirectionUpload u : ups) {
            total += u.scalars().length;
        }
        long[] seeds = new long[total];
        float[] coefficients = new float[total];
        int k = 0;
        for (int c = 0; c < ups.size(); c++) {
            MethodMessages.DirectionUpload u = ups.get(c);
            for (int i = 0; i < u.scalars().length; i++) {
                seeds[k] = u.directions()[i];
                coefficients[k] = Estimator.coefficient(learningRate, w[c] * u.scalars()[i], u.perStep());
                k++;
            }
        }
        MethodMessages.RoundUpdates round = new MethodMessages.RoundUpdates(openRound, seeds, coefficients);
        apply(round, views, perturbation);
        history.add(round);
        completed = openRound;
        openRound = 0;
    }

    private static void apply(MethodMessages.RoundUpdates r, ScopedViews v, Perturbation perturbation) {
        for (int i = 0; i < r.seeds().length; i++) {
            perturbation.axpy(v.all(), r.seeds()[i], r.coefficients()[i]);
        }
    }

    /** The rounds' global updates, in order (the log). */
    List<MethodMessages.RoundUpdates> history() {
        return List.copyOf(history);
    }

    @Override
    public long replay(ScopedViews target, WorkerPool pool) {
        Perturbation p = new Perturbation(perturbation.distribution(), pool);
        long passes = 0;
        for (MethodMessages.RoundUpdates r : history) {
            apply(r, target, p);
            passes += r.seeds().length;
        }
        return passes;
    }
}
