package dev.zoft.zo.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.zo.estimate.FedSpzo;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.DoubleRange;

/**
 * {@link SplitPlanner} on random profiles: the plan fits its budget and its constraints, it is the
 * optimum of a brute force over every (split, P1, P2), and a larger budget never yields fewer
 * directions.
 */
class SplitPlannerProperties {

    /** A random profile: 2–9 stages, FLOPs up to 1e10 per stage (some zero), trainable counts with zeros. */
    @Provide
    Arbitrary<LayerProfile> profiles() {
        Arbitrary<LayerProfile.Stage> stage = Combinators.combine(
                Arbitraries.longs().between(0, 10_000_000_000L).withDistribution(RandomDistribution.uniform()).edgeCases(c -> c.add(0L)),
                Arbitraries.doubles().between(0, 2.0).withDistribution(RandomDistribution.uniform()),
                Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(0L)), Tuple.of(7, Arbitraries.longs().between(1, 2_000_000))))
                .as((f, s, n) -> new LayerProfile.Stage("s", f, s, n));
        return stage.list().ofMinSize(2).ofMaxSize(9).map(stages -> {
            List<LayerProfile.Stage> list = new ArrayList<>(stages);
            LayerProfile.Stage last = list.getLast();
            // The head always trains, as in the encoder classifier.
            list.set(list.size() - 1, new LayerProfile.Stage("head", last.flops(), last.seconds(),
                    Math.max(1, last.trainableParameters())));
            return new LayerProfile(16, 64, list);
        });
    }

    @Provide
    Arbitrary<PlanConstraints> constraints() {
        return Combinators.combine(Arbitraries.integers().between(1, 6), Arbitraries.integers().between(1, 64),
                Arbitraries.doubles().between(0, 0.3), Arbitraries.frequency(Tuple.of(3, true), Tuple.of(1, false)))
                .as(PlanConstraints::new);
    }

    /** A planning problem whose budget is 0.6× to 160× one full forward of its profile, per step. */
    record Scenario(LayerProfile profile, Budget budget, PlanConstraints constraints, FedSpzo.Variant variant, int steps) {
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        return Combinators.combine(profiles(), constraints(), Arbitraries.of(FedSpzo.Variant.values()),
                Arbitraries.integers().between(1, 8), Arbitraries.of(Budget.Unit.values()), Arbitraries.of(Budget.Period.values()),
                Arbitraries.doubles().between(-0.2, 2.2).withDistribution(RandomDistribution.uniform())).as((profile, c, variant, steps, unit, period, exponent) -> {
                    double forward = 0;
                    for (double x : profile.costs(unit)) {
                        forward += x;
                    }
                    double perStep = forward == 0 ? 1 : forward * Math.pow(10, exponent);
                    return new Scenario(profile, new Budget(unit, period, period == Budget.Period.ROUND ? perStep * steps : perStep),
                            c, variant, steps);
                });
    }

    @Property(tries = 500)
    void thePlanFitsTheBudgetAndTheConstraints(@ForAll("scenarios") Scenario x) {
        LayerProfile profile = x.profile();
        Budget budget = x.budget();
        PlanConstraints c = x.constraints();
        int steps = x.steps();
        SplitPlan plan;
        try {
            plan = SplitPlanner.plan(profile, budget, steps, x.variant(), c);
        } catch (InfeasibleBudgetException e) {
            assertTrue(e.cheapest().stepCost() > budget.perStep(steps), e.getMessage());
            // The cheapest plan's own cost is a budget it fits.
            SplitPlan at = SplitPlanner.plan(profile, new Budget(budget.unit(), Budget.Period.STEP, e.cheapest().stepCost()),
                    steps, x.variant(), c);
            assertTrue(at.stepCost() <= e.cheapest().stepCost());
            return;
        } catch (IllegalArgumentException e) {
            assertTrue(noSplitAllowed(profile, c), e.getMessage());
            return;
        }
        assertTrue(plan.stepCost() <= budget.perStep(steps), plan.describe());
        assertTrue(plan.p1() <= c.maxP1() && plan.p2() <= c.maxP2(), plan.describe());
        assertTrue(SplitPlanner.allowed(profile, plan.split(), c), plan.describe());
        assertEquals(plan.block1Frozen(), profile.block1Trainable(plan.split()) == 0);
        assertTrue(!plan.block1Frozen() || plan.p1() == 1, "a frozen block 1 has P1 = 1");
        assertTrue(plan.block2Trainable() > 0 && plan.block2Share() >= c.minBlock2Share() - 1e-12, plan.describe());
        double[] costs = profile.costs(budget.unit());
        double c1 = 0;
        double c2 = 0;
        for (int i = 0; i < costs.length; i++) {
            if (i <= plan.split()) {
                c1 += costs[i];
            } else {
                c2 += costs[i];
            }
        }
        assertEquals(c1, plan.block1Cost());
        assertEquals(c2, plan.block2Cost());
        assertTrue(plan.block1Work() <= plan.stepCost() * (1 + 1e-12), plan.describe());
    }

    @Property(tries = 500)
    void thePlanIsTheBruteForceOptimum(@ForAll("scenarios") Scenario x) {
        PlanConstraints c = x.constraints();
        int[] best = bruteForce(x.profile(), x.budget(), x.steps(), x.variant(), c);
        String outcome = best == null ? (noSplitAllowed(x.profile(), c) ? "no split allowed" : "no plan") : best[2] == c.maxP2() ? "P2 at its cap" : "P2 within the budget";
        Statistics.label("outcome").collect(outcome);
        Statistics.label("outcome").coverage(k -> {
            k.check("no plan").percentage(p -> p > 3);
            k.check("P2 within the budget").percentage(p -> p > 15);
            k.check("P2 at its cap").percentage(p -> p > 5);
        });
        if (best == null) {
            assertThrows(IllegalArgumentException.class, () -> SplitPlanner.plan(x.profile(), x.budget(), x.steps(), x.variant(), c));
            return;
        }
        SplitPlan plan = SplitPlanner.plan(x.profile(), x.budget(), x.steps(), x.variant(), c);
        assertEquals(List.of(best[0], best[1], best[2]), List.of(plan.split(), plan.p1(), plan.p2()), plan.describe());
    }

    @Property(tries = 500)
    void aLargerBudgetNeverYieldsFewerDirections(@ForAll("scenarios") Scenario x,
                                                 @ForAll @DoubleRange(min = 1, max = 20) double factor) {
        SplitPlan small;
        try {
            small = SplitPlanner.plan(x.profile(), x.budget(), x.steps(), x.variant(), x.constraints());
        } catch (IllegalArgumentException e) {
            return;
        }
        Budget more = new Budget(x.budget().unit(), x.budget().period(), x.budget().amount() * factor);
        SplitPlan large = SplitPlanner.plan(x.profile(), more, x.steps(), x.variant(), x.constraints());
        Statistics.label("directions").collect(large.p2() > small.p2() ? "more P2" : large.p1() > small.p1() ? "more P1" : "same");
        assertTrue(large.p2() > small.p2() || (large.p2() == small.p2() && large.p1() >= small.p1()),
                small.describe() + "\nvs\n" + large.describe());
    }

    /**
     * At a given split (a client in a round whose split is fixed) a smaller budget never runs block 1
     * more often: P1 > 1 only once P2 is at its cap, since one more block-2 direction always costs
     * less than one more block-1 direction.
     */
    @Property(tries = 500)
    void atAGivenSplitASmallerBudgetNeverDoesMoreBlock1Work(@ForAll("scenarios") Scenario x,
                                                            @ForAll @DoubleRange(min = 1, max = 20) double factor) {
        int split = -1;
        for (int s = x.profile().maxSplit(); s >= 0 && split < 0; s--) {
            if (SplitPlanner.allowed(x.profile(), s, x.constraints())) {
                split = s;
            }
        }
        if (split < 0) {
            return;
        }
        SplitPlan small;
        try {
            small = SplitPlanner.plan(x.profile(), x.budget(), x.steps(), x.variant(), x.constraints(), split);
        } catch (InfeasibleBudgetException e) {
            return;
        }
        Budget more = new Budget(x.budget().unit(), x.budget().period(), x.budget().amount() * factor);
        SplitPlan large = SplitPlanner.plan(x.profile(), more, x.steps(), x.variant(), x.constraints(), split);
        assertTrue(small.block1Forwards() <= large.block1Forwards(), small.describe() + "\nvs\n" + large.describe());
        assertTrue(small.p1() == 1 || small.p2() == x.constraints().maxP2(), small.describe());
    }

    /** The best (split, P1, P2) by enumeration, or null when nothing fits (or nothing is allowed). */
    static int[] bruteForce(LayerProfile profile, Budget budget, int steps, FedSpzo.Variant variant, PlanConstraints c) {
        double perStep = budget.perStep(steps);
        double[] costs = profile.costs(budget.unit());
        long total = 0;
        for (LayerProfile.Stage s : profile.stages()) {
            total += s.trainableParameters();
        }
        int[] best = null;
        double bestCost = Double.NaN;
        for (int split = 0; split < costs.length - 1; split++) {
            long b1 = 0;
            double c1 = 0;
            double c2 = 0;
            for (int i = 0; i < costs.length; i++) {
                if (i <= split) {
                    b1 += profile.stages().get(i).trainableParameters();
                    c1 += costs[i];
                } else {
                    c2 += costs[i];
                }
            }
            long b2 = total - b1;
            boolean frozen = b1 == 0;
            if (b2 == 0 || b2 < c.minBlock2Share() * total || (frozen && !c.allowFrozenBlock1())) {
                continue;
            }
            for (int p1 = 1; p1 <= (frozen ? 1 : c.maxP1()); p1++) {
                for (int p2 = 1; p2 <= c.maxP2(); p2++) {
                    double cost = SplitPlanner.stepCost(variant, c1, c2, p1, p2, frozen);
                    if (cost > perStep) {
                        continue;
                    }
                    boolean better = best == null || p2 > best[2] || (p2 == best[2] && (p1 > best[1]
                            || (p1 == best[1] && (cost < bestCost || (cost == bestCost && split > best[0])))));
                    if (better) {
                        best = new int[] {split, p1, p2};
                        bestCost = cost;
                    }
                }
            }
        }
        return best;
    }

    private static boolean noSplitAllowed(LayerProfile profile, PlanConstraints c) {
        for (int s = 0; s <= profile.maxSplit(); s++) {
            if (SplitPlanner.allowed(profile, s, c)) {
                return false;
            }
        }
        return true;
    }
}
