package dev.zoft.federation;

import dev.zoft.federation.protocol.RoundAggregate;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.zo.SplitObjective;
import dev.zoft.zo.estimate.Estimator;
import dev.zoft.zo.params.Perturbation;
import dev.zoft.zo.params.ScopedViews;
import dev.zoft.zo.params.Snapshot;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * A model a client computes with, and the last round of the global model it holds: after
 * {@link #catchUp} with the aggregates of rounds 1..r (in order) on the base weights it holds the
 * global model after round r, bit for bit as a replay of the server's log.
 *
 * <p>Several simulated clients may share one instance (memory = one model): a round some client
 * already applied is skipped by the others, since the model already holds it.
 *
 * <p><b>Going back to the round's start.</b> With S &gt; 1 local steps a client's own updates move
 * the model away from the round's start, and the round's aggregate must then apply to the start
 * model exactly. {@link #markRoundStart} copies the trainable parameters into a {@link Snapshot}
 * and {@link #returnToRoundStart} copies them back, bit for bit. Cost: 4 bytes per trainable
 * parameter, allocated once and reused every round (MiniLM-L6: 91 MB fully trainable, 0.1 MB with
 * BitFit), plus two memory copies of that size per round (milliseconds, far below one forward
 * pass). Undoing the local updates by their negatives would drift in float, and a replay from the
 * base would cost a pass per logged update.
 */
public final class SyncedModel<B> implements AutoCloseable {

    private final SplitObjective<B> objective;
    private final Estimator estimator;
    /** The estimator of each round (a direction-count schedule may change it); round 1's is {@link #estimator}. */
    private final IntFunction<Estimator> estimators;
    private final WorkerPool pool;
    private final ScopedViews views;
    private final Perturbation perturbation;
    /** The last capped estimator handed out, and the round estimator it caps (one kept: see {@link #estimator(int, DirectionCaps)}). */
    private Estimator capped;
    private Estimator cappedOf;
    private Snapshot roundStart;
    private int syncedRound;
    private boolean away;

    /**
     * A model holding the base weights (round 0).
     *
     * @param objective the model and task, at the base weights
     * @param estimator the federation's estimator (turns aggregates into updates)
     * @param pool      runs the perturbation passes and copies
     */
    public SyncedModel(SplitObjective<B> objective, Estimator estimator, WorkerPool pool) {
        this(objective, constant(estimator), pool);
    }

    /**
     * A model holding the base weights whose rounds may use different estimators (a direction-count
     * schedule): round r's aggregate is replayed with {@code estimators.apply(r)}, a function of r
     * alone. The law of z is round 1's (a schedule changes counts, not the law).
     */
    public SyncedModel(SplitObjective<B> objective, IntFunction<Estimator> estimators, WorkerPool pool) {
        this.objective = Objects.requireNonNull(objective, "objective");
        this.estimators = Objects.requireNonNull(estimators, "estimators");
        this.estimator = Objects.requireNonNull(estimators.apply(1), "estimator of round 1");
        this.pool = Objects.requireNonNull(pool, "pool");
        this.views = ScopedViews.of(objective);
        this.perturbation = new Perturbation(estimator.settings().distribution(), pool);
    }

    /** The last round whose aggregate this model holds (0 = the base model). */
    public int syncedRound() {
        return syncedRound;
    }

    public SplitObjective<B> objective() {
        return objective;
    }

    /** The estimator of round 1 (of every round unless a schedule changes it: see {@link #estimator(int)}). */
    public Estimator estimator() {
        return estimator;
    }

    /** The estimator of round {@code round}. */
    public Estimator estimator(int round) {
        return estimators.apply(round);
    }

    /**
     * The estimator a client with {@code caps} steps with in round {@code round}: the round's own when
     * {@code caps} is null or lowers no count, else its capped form ({@link DirectionCaps#capped}).
     * The last capped estimator is kept and handed out again while the round's estimator and the
     * capped counts stay the same, so simulated slow clients sharing this model share one estimator
     * (an estimator holds a model-sized snapshot once it has stepped).
     */
    public Estimator estimator(int round, DirectionCaps caps) {
        Estimator full = estimators.apply(round);
        if (caps == null) {
            return full;
        }
        Estimator c = caps.capped(full);
        if (c == full) {
            return full;
        }
        // Same kind, settings and scales as the round's estimator, so its counts tell them apart.
        if (capped == null || cappedOf != full || !sameCounts(capped, c)) {
            capped = c;
            cappedOf = full;
        }
        return capped;
    }

    private static boolean sameCounts(Estimator a, Estimator b) {
        return switch (a) {
            case dev.zoft.zo.estimate.MeZo m -> b instanceof dev.zoft.zo.estimate.MeZo n && m.directions() == n.directions();
            case dev.zoft.zo.estimate.FedSpzo f -> b instanceof dev.zoft.zo.estimate.FedSpzo g && f.p1() == g.p1()
                    && f.p2() == g.p2() && f.variant() == g.variant();
            default -> false;
        };
    }

    private static IntFunction<Estimator> constant(Estimator e) {
        Objects.requireNonNull(e, "estimator");
        return r -> e;
    }

    public WorkerPool pool() {
        return pool;
    }

    /**
     * Applies, in order, the aggregates of {@code rounds} this model does not hold yet. Rounds it
     * already holds are skipped; the first round applied must be {@code syncedRound() + 1} and the
     * rounds consecutive.
     *
     * @return the number of rounds applied
     * @throws IllegalArgumentException if a round is missing between the model and the entries
     */
    public int catchUp(List<RoundAggregate> rounds) {
        requireAtStart("catch up");
        int applied = 0;
        for (RoundAggregate a : rounds) {
            if (a.round() <= syncedRound) {
                continue;
            }
            if (a.round() != syncedRound + 1) {
                throw new IllegalArgumentException("model holds round " + syncedRound + ", cannot apply round " + a.round()
                        + " before round " + (syncedRound + 1));
            }
            perturbation.applyAll(a.updates(estimators.apply(a.round())), views);
            syncedRound = a.round();
            applied++;
        }
        return applied;
    }

    /**
     * Makes this model the global model of round {@code round} by overwriting its trainable
     * parameters (a downloaded checkpoint): {@code overwrite} receives the view of every trainable
     * parameter, in the objective's order, and must write all of them.
     */
    public void jumpTo(int round, java.util.function.Consumer<dev.zoft.zo.params.ParameterView> overwrite) {
        requireAtStart("load a checkpoint");
        if (round < 0) {
            throw new IllegalArgumentException("negative round " + round);
        }
        overwrite.accept(views.all());
        syncedRound = round;
    }

    /** The trainable parameters, in the objective's order (what a checkpoint holds). */
    public dev.zoft.zo.params.ParameterView trainable() {
        return views.all();
    }

    /** Remembers the current weights as the round's start (the local steps may then move away). */
    void markRoundStart() {
        requireAtStart("start a round");
        if (roundStart == null) {
            roundStart = Snapshot.capture(views.all(), pool);
        } else {
            roundStart.recapture();
        }
        away = true;
    }

    /** Puts the weights back to the round's start, bit for bit. */
    void returnToRoundStart() {
        if (!away) {
            throw new IllegalStateException("no round started");
        }
        roundStart.restore();
        away = false;
    }

    private void requireAtStart(String what) {
        if (away) {
            throw new IllegalStateException("cannot " + what + " while local steps have moved the model off the round's start");
        }
    }

    /** Off-heap bytes of the round-start snapshot (0 before the first round). */
    public long snapshotBytes() {
        return roundStart == null ? 0 : roundStart.byteSize();
    }

    /** Frees the snapshot (the objective stays the caller's). */
    @Override
    public void close() {
        if (roundStart != null) {
            roundStart.close();
            roundStart = null;
        }
    }
}
