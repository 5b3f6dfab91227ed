package dev.zoft.zo.plan;

import dev.zoft.zo.estimate.FedSpzo;
import java.util.Locale;
import java.util.Objects;

/**
 * Chooses FedSPZO's split point, P1 and P2 for a device from a {@link LayerProfile} and a
 * {@link Budget}.
 *
 * <h2>Cost of one local step</h2>
 * With {@code c1}, {@code c2} the cost (FLOPs or measured seconds) of one forward of block 1 and of
 * block 2 at a split ({@link #stepCost}), exactly the forwards {@link FedSpzo} runs:
 * <ul>
 *   <li>nested: {@code 2·P1·(c1 + P2·c2)}; with block 1 frozen, {@code c1 + 2·P2·c2} (one clean
 *       block-1 forward serves every pair, and P1 = 1);</li>
 *   <li>decoupled: {@code c1 + 2·P1·(c1 + c2) + 2·P2·c2}; with block 1 frozen, {@code c1 + 2·P2·c2}.</li>
 * </ul>
 * A per-round budget is split evenly over the round's local steps. Seconds budgets use the
 * measured stage times, so only the forwards are counted: perturbation passes, updates and
 * communication are extra (small next to the forwards for MiniLM-sized blocks, but not zero).
 *
 * <h2>Objective</h2>
 * Among plans {@code (split, P1, P2)} that satisfy every constraint
 * <ol>
 *   <li>the step cost is at most the budget per step;</li>
 *   <li>{@code 1 ≤ P1 ≤ maxP1}, {@code 1 ≤ P2 ≤ maxP2}; P1 = 1 when block 1 is frozen;</li>
 *   <li>block 2 holds trainable parameters, at least {@code minBlock2Share} of them;</li>
 *   <li>block 1 holds trainable parameters, or is frozen (none) and frozen plans are allowed;</li>
 * </ol>
 * the planner returns the one that maximises, in this order: <b>P2</b>, the number of block-2
 * directions per step (FedSPZO's cheap directions, the point of the method); then <b>P1</b>, the
 * number of block-1 directions (what budget is left over buys); then the lowest step cost; then the
 * latest split. Consequences: a larger budget never yields a plan with a smaller (P2, P1) (the
 * feasible set only grows). One more block-2 direction always costs less than one more block-1
 * direction, so P1 exceeds 1 only once P2 reaches its cap; hence at a given split a smaller budget
 * (a slow device, in seconds) never runs block 1 more often. Across splits the rule holds where it
 * matters, not universally: below {@code 2·(c1 + c2)} per step no plan with a trainable block 1 fits,
 * and a slow device gets a split with block 1 frozen, which runs block 1 once per step instead of
 * {@code 2·P1} times (nested) — but rounding of P2 can make the planner alternate between a frozen
 * and a trainable split over a narrow range of budgets.
 *
 * <p>The search is exhaustive over splits and P1, and for each a binary search for the largest
 * affordable P2 (the cost grows with P2), so the plan is optimal for the objective above; costs are
 * compared in double (exact for FLOP counts below 2^53 per step).
 */
public final class SplitPlanner {

    /** {@link #plan(LayerProfile, Budget, int, FedSpzo.Variant, PlanConstraints, int)}: choose the split too. */
    public static final int ANY_SPLIT = -1;

    private SplitPlanner() {
    }

    /**
     * The forward cost of one step of {@code variant} with block-1 forwards costing {@code c1} and
     * block-2 forwards {@code c2}.
     */
    public static double stepCost(FedSpzo.Variant variant, double c1, double c2, int p1, int p2, boolean block1Frozen) {
        if (block1Frozen) {
            return variant == FedSpzo.Variant.NESTED ? c1 + 2.0 * p1 * p2 * c2 : c1 + 2.0 * p2 * c2;
        }
        return variant == FedSpzo.Variant.NESTED ? 2.0 * p1 * (c1 + p2 * c2) : c1 + 2.0 * p1 * (c1 + c2) + 2.0 * p2 * c2;
    }

    /** The part of {@link #stepCost} spent running block 1: {@code 2·P1·c1} nested, {@code (1 + 2·P1)·c1} decoupled, {@code c1} frozen. */
    public static double block1Work(FedSpzo.Variant variant, double c1, int p1, boolean block1Frozen) {
        if (block1Frozen) {
            return c1;
        }
        return variant == FedSpzo.Variant.NESTED ? 2.0 * p1 * c1 : (1 + 2.0 * p1) * c1;
    }

    /**
     * Whether {@code split} is allowed by {@code constraints} (budget aside): block 2's share of
     * the trainable parameters and block 1 trainable or frozen-and-allowed.
     */
    public static boolean allowed(LayerProfile profile, int split, PlanConstraints constraints) {
        long total = profile.totalTrainable();
        long b1 = profile.block1Trainable(split);
        long b2 = total - b1;
        if (b2 == 0 || (double) b2 < constraints.minBlock2Share() * total) {
            return false;
        }
        return b1 > 0 || constraints.allowFrozenBlock1();
    }

    /**
     * The best plan (see the class comment) for {@code variant} on {@code profile} within
     * {@code budget}, for rounds of {@code localSteps} steps.
     *
     * @throws InfeasibleBudgetException when no plan fits the budget, naming the cheapest plan's cost
     * @throws IllegalArgumentException  when no split satisfies the constraints at all, or a seconds
     *                                   budget meets a profile without measured times
     */
    public static SplitPlan plan(LayerProfile profile, Budget budget, int localSteps, FedSpzo.Variant variant,
                                 PlanConstraints constraints) {
        return plan(profile, budget, localSteps, variant, constraints, ANY_SPLIT);
    }

    /**
     * {@link #plan} with the split given (e.g. a grid whose cells share one split): the best P1 and
     * P2 at {@code split}, or {@link #ANY_SPLIT}.
     *
     * @throws IllegalArgumentException if the constraints rule {@code split} out
     */
    public static SplitPlan plan(LayerProfile profile, Budget budget, int localSteps, FedSpzo.Variant variant,
                                 PlanConstraints constraints, int split) {
        Objects.requireNonNull(profile, "profile");
        if (split != ANY_SPLIT) {
            profile.requireSplit(split);
            if (!allowed(profile, split, constraints)) {
                throw new IllegalArgumentException("split " + split + " is ruled out by the constraints (block 2's share of the "
                        + "trainable parameters, or a frozen block 1)");
            }
        }
        return search(profile, budget, localSteps, variant, constraints, split);
    }

    private static SplitPlan search(LayerProfile profile, Budget budget, int localSteps, FedSpzo.Variant variant,
                                    PlanConstraints constraints, int onlySplit) {
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(constraints, "constraints");
        double perStep = budget.perStep(localSteps);
        double[] costs = profile.costs(budget.unit());
        SplitPlan best = null;
        SplitPlan cheapest = null;
        for (int split = 0; split <= profile.maxSplit(); split++) {
            if (!allowed(profile, split, constraints) || (onlySplit != ANY_SPLIT && split != onlySplit)) {
                continue;
            }
            double c1 = 0;
            double c2 = 0;
            for (int i = 0; i < costs.length; i++) {
                if (i <= split) {
                    c1 += costs[i];
                } else {
                    c2 += costs[i];
                }
            }
            boolean frozen = profile.block1Trainable(split) == 0;
            SplitPlan minimal = make(profile, budget, perStep, localSteps, variant, split, 1, 1, frozen, c1, c2);
            if (cheapest == null || minimal.stepCost() <= cheapest.stepCost()) { // ties: the later split, as in the objective
                cheapest = minimal;
            }
            int maxP1 = frozen ? 1 : constraints.maxP1();
            for (int p1 = 1; p1 <= maxP1; p1++) {
                int p2 = largestP2(variant, c1, c2, p1, frozen, perStep, constraints.maxP2());
                if (p2 == 0) {
                    break; // P1 + 1 costs at least as much
                }
                SplitPlan candidate = make(profile, budget, perStep, localSteps, variant, split, p1, p2, frozen, c1, c2);
                if (best == null || better(candidate, best)) {
                    best = candidate;
                }
            }
        }
        if (cheapest == null) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "no split satisfies the constraints: block 2 must hold ≥ %.1f %% of the %,d trainable parameters and block 1 "
                            + "must hold some%s", 100 * constraints.minBlock2Share(), profile.totalTrainable(),
                    constraints.allowFrozenBlock1() ? " or none" : " (frozen block 1 not allowed)"));
        }
        if (best == null) {
            String fmt = budget.unit() == Budget.Unit.FLOPS ? "%.4e" : "%.6f";
            throw new InfeasibleBudgetException(String.format(Locale.ROOT,
                    "budget %s (%s %s per step) is below the cheapest FedSPZO %s plan: split %d, P1 = P2 = 1 costs "
                            + fmt + " %s per step (" + fmt + " %s per round of %d steps)", budget,
                    String.format(Locale.ROOT, fmt, perStep), budget.unit().symbol(),
                    variant.name().toLowerCase(Locale.ROOT), cheapest.split(), cheapest.stepCost(),
                    budget.unit().symbol(), cheapest.roundCost(), budget.unit().symbol(), localSteps), cheapest);
        }
        return best;
    }

    /** {@link #plan} with {@link PlanConstraints#defaults()}. */
    public static SplitPlan plan(LayerProfile profile, Budget budget, int localSteps, FedSpzo.Variant variant) {
        return plan(profile, budget, localSteps, variant, PlanConstraints.defaults());
    }

    /**
     * A client's own directions within a round planned as {@code round}: the best P1 ≤ round's P1
     * and P2 ≤ round's P2 at the round's split for this client's {@code profile} (its own measured
     * seconds) and {@code budget}. The split cannot differ per client: block 1's and block 2's
     * directions are drawn over each block's parameters, so a client with another split would
     * perturb other coordinates under the same seeds. With the shared seeds a client's P1'·P2'
     * scalars are the round's {@code g_jk} for {@code j < P1'}, {@code k < P2'} (decoupled: its first
     * P1' block-1 and first P2' block-2 scalars), and the server averages each scalar over the clients
     * that computed it.
     *
     * <p>The plan is runnable: the federation module's {@code DirectionCaps} (built from the plan's
     * {@code p1()} and {@code p2()}) makes a client run exactly these counts and upload a partial,
     * masked set of scalars in the round's layout ({@code Client}, {@code SubGrid},
     * {@code CoverageMask}); in simulations, {@code SimulationConfig.clientCaps} or an experiment's
     * {@code federation.slowClients} choose the slow clients.
     */
    public static SplitPlan forClient(LayerProfile profile, Budget budget, int localSteps, SplitPlan round,
                                      PlanConstraints constraints) {
        Objects.requireNonNull(round, "round");
        PlanConstraints capped = constraints.withMaxP1(Math.min(constraints.maxP1(), round.p1()))
                .withMaxP2(Math.min(constraints.maxP2(), round.p2()));
        return plan(profile, budget, localSteps, round.variant(), capped, round.split());
    }

    /** Objective order: P2, then P1, then lower cost, then later split. */
    static boolean better(SplitPlan a, SplitPlan b) {
        if (a.p2() != b.p2()) {
            return a.p2() > b.p2();
        }
        if (a.p1() != b.p1()) {
            return a.p1() > b.p1();
        }
        if (a.stepCost() != b.stepCost()) {
            return a.stepCost() < b.stepCost();
        }
        return a.split() > b.split();
    }

    /** The largest P2 in [1, maxP2] whose step fits {@code perStep}, or 0 when P2 = 1 does not. */
    private static int largestP2(FedSpzo.Variant variant, double c1, double c2, int p1, boolean frozen, double perStep,
                                 int maxP2) {
        if (stepCost(variant, c1, c2, p1, 1, frozen) > perStep) {
            return 0;
        }
        int lo = 1;
        int hi = maxP2;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (stepCost(variant, c1, c2, p1, mid, frozen) <= perStep) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    private static SplitPlan make(LayerProfile profile, Budget budget, double perStep, int localSteps,
                                  FedSpzo.Variant variant, int split, int p1, int p2, boolean frozen, double c1, double c2) {
        long b1 = profile.block1Trainable(split);
        return new SplitPlan(variant, split, p1, p2, frozen, budget.unit(), c1, c2,
                stepCost(variant, c1, c2, p1, p2, frozen), block1Work(variant, c1, p1, frozen), perStep, localSteps, b1,
                profile.totalTrainable() - b1);
    }
}
