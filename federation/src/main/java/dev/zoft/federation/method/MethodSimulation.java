package dev.zoft.federation.method;

import dev.zoft.federation.FederationSeeds;
import dev.zoft.federation.Server;
import dev.zoft.federation.cost.CostMeter;
import dev.zoft.federation.cost.CostRecord;
import dev.zoft.federation.cost.MemoryProbe;
import dev.zoft.federation.protocol.ProtocolException;
import dev.zoft.zo.metrics.RoundMetrics;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * Runs any {@link FederatedMethod} as an in-process federation with the same rounds for every method:
 * round r's clients are {@code Server.select(N, C, FederationSeeds.selection(seed, r))}, its seed
 * {@code FederationSeeds.round(seed, r)}, its η the context's schedule at r − 1, each client's batches
 * {@code BatchSampler} seeded by {@code FederationSeeds.batches} — exactly what {@link Server} does, so
 * a DeComFL / FedSPZO run here equals {@code FederatedSimulation}'s.
 *
 * <p>Every message goes through its bytes. Per client a {@link CostRecord} (its meter, its measured
 * memory peak and wall time), per round a total, and per round a {@link RoundMetrics} row (cumulative
 * counters, dev accuracy when evaluated). Row 0 is the base model.
 */
public final class MethodSimulation<B> {

    /** Receives progress. */
    public interface Listener {
        void onRound(RoundMetrics metrics, List<CostRecord> clients, CostRecord total);

        static Listener none() {
            return (m, c, t) -> { };
        }
    }

    /** What a run produced: metrics rows (round 0 first), per-client and per-round cost records. */
    public record Result(List<RoundMetrics> metrics, List<CostRecord> clientCosts, List<CostRecord> roundCosts) {
        public Result {
            metrics = List.copyOf(metrics);
            clientCosts = List.copyOf(clientCosts);
            roundCosts = List.copyOf(roundCosts);
        }

        public RoundMetrics last() {
            return metrics.getLast();
        }
    }

    /**
     * When a run stops early and when it evaluates by compute spent rather than by rounds, so that
     * methods with different costs per round are compared at the same forward FLOPs.
     *
     * @param maxFlops       stop after the first round whose cumulative forward FLOPs reach this (0: run every round)
     * @param evalEveryFlops also evaluate after each round that crosses a multiple of this many FLOPs (0: off)
     */
    public record Budget(long maxFlops, long evalEveryFlops) {
        /** No budget: every round runs, evaluation by rounds only. */
        public static final Budget NONE = new Budget(0, 0);

        public Budget {
            if (maxFlops < 0 || evalEveryFlops < 0) {
                throw new IllegalArgumentException("FLOP budgets must be ≥ 0, got " + maxFlops + ", " + evalEveryFlops);
            }
        }
    }

    private final FederatedMethod<B> method;
    private final MethodContext<B> context;
    private final int rounds;
    private final int evalEvery;
    private final Budget budget;
    private final DoubleSupplier evaluate;
    private final MemoryProbe probe = new MemoryProbe();

    /**
     * @param method    the method (over {@code context})
     * @param context   its context
     * @param rounds    R rounds
     * @param evalEvery dev accuracy every k rounds and after the last (0: only after the last)
     * @param evaluate  dev accuracy of the shared model as it stands (not counted as client cost)
     */
    public MethodSimulation(FederatedMethod<B> method, MethodContext<B> context, int rounds, int evalEvery,
                            DoubleSupplier evaluate) {
        this(method, context, rounds, evalEvery, Budget.NONE, evaluate);
    }

    /**
     * As {@link #MethodSimulation(FederatedMethod, MethodContext, int, int, DoubleSupplier)}, at most
     * {@code rounds} rounds, stopping and evaluating as {@code budget} says (the run always ends with an
     * evaluation).
     */
    public MethodSimulation(FederatedMethod<B> method, MethodContext<B> context, int rounds, int evalEvery,
                            Budget budget, DoubleSupplier evaluate) {
        this.budget = Objects.requireNonNull(budget, "budget");
        this.method = Objects.requireNonNull(method, "method");
        this.context = Objects.requireNonNull(context, "context");
        if (rounds < 1 || evalEvery < 0) {
            throw new IllegalArgumentException("need rounds ≥ 1 and evalEvery ≥ 0, got " + rounds + ", " + evalEvery);
        }
        this.rounds = rounds;
        this.evalEvery = evalEvery;
        this.evaluate = Objects.requireNonNull(evaluate, "evaluate");
    }

    /** Runs every round; the shared model ends at the final global model. */
    public Result run(Listener listener) throws IOException {
        long start = System.nanoTime();
        List<RoundMetrics> rows = new ArrayList<>();
        List<CostRecord> clientCosts = new ArrayList<>();
        List<CostRecord> roundCosts = new ArrayList<>();
        rows.add(new RoundMetrics(0, 0, 0, 0, 0, 0, Double.NaN, evaluate.getAsDouble(), seconds(start)));
        long steps = 0, passes = 0, flops = 0, up = 0, down = 0;
        int n = context.clients();
        long seed = context.runSeed();
        long evaluatedBucket = 0;
        for (int r = 1; r <= rounds; r++) {
            int[] chosen = Server.select(n, context.perRound(), FederationSeeds.selection(seed, r));
            method.startRound(r, FederationSeeds.round(seed, r), context.schedule().at(r - 1), chosen);
            List<CostRecord> perClient = new ArrayList<>(chosen.length);
            double lossSum = 0;
            double weightSum = 0;
            for (int c : chosen) {
                CostMeter meter = new CostMeter();
                long t0 = System.nanoTime();
                probe.start();
                context.objective().countInto(meter, probe);
                byte[] plan = method.plan(c);
                meter.bytesDown(plan.length);
                byte[] upload;
                try {
                    upload = method.runClient(c, plan, meter);
                } finally {
                    context.objective().countInto(null, null);
                }
                MemoryProbe.Peak peak = probe.finish();
                meter.bytesUp(upload.length);
                double wall = (System.nanoTime() - t0) / 1e9;
                FederatedMethod.Accepted a;
                try {
                    a = method.accept(upload);
                } catch (ProtocolException e) {
                    throw new IllegalStateException("the server refused client " + c + "'s own upload: " + e.getMessage(), e);
                }
                lossSum += a.sampleCount() * a.meanTrainLoss();
                weightSum += a.sampleCount();
                CostRecord rec = meter.record(r, c, peak, wall);
                perClient.add(rec);
                passes += meter.forwardPasses();
            }
            method.finishRound();
            CostRecord total = CostRecord.total(r, perClient);
            clientCosts.addAll(perClient);
            roundCosts.add(total);
            steps += context.localSteps();
            flops = Math.addExact(flops, total.forwardFlops());
            up += total.bytesUp();
            down += total.bytesDown();
            boolean last = r == rounds || (budget.maxFlops() > 0 && flops >= budget.maxFlops());
            long bucket = budget.evalEveryFlops() > 0 ? flops / budget.evalEveryFlops() : 0;
            boolean due = last || (evalEvery > 0 && r % evalEvery == 0) || bucket > evaluatedBucket;
            evaluatedBucket = Math.max(evaluatedBucket, bucket);
            double dev = due ? evaluate.getAsDouble() : Double.NaN;
            RoundMetrics m = new RoundMetrics(r, steps, passes, flops, up, down, lossSum / weightSum, dev, seconds(start));
            rows.add(m);
            listener.onRound(m, perClient, total);
            if (last) {
                break;
            }
        }
        return new Result(rows, clientCosts, roundCosts);
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
