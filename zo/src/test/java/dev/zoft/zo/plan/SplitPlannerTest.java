package dev.zoft.zo.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.transformer.bert.MiniLm;
import dev.zoft.zo.estimate.FedSpzo;
import dev.zoft.zo.estimate.ZoSettings;
import dev.zoft.zo.task.TrainableSubset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link SplitPlanner} on MiniLM's exact profile, on fast and slow devices, and its errors. */
class SplitPlannerTest {

    /** One MiniLM layer on 16 × 64 tokens (BertConfig.layerFlops) and the 2-class head. */
    private static final long LAYER = 3_724_541_952L;
    private static final long HEAD = 2L * 16 * 2 * 384;

    private static LayerProfile miniLmTop3() {
        return LayerProfile.flops(MiniLm.CONFIG, TrainableSubset.topLayers(3), 2, 16, 64);
    }

    @Test
    void miniLmProfileIsTheEncodersOwnCount() {
        LayerProfile p = miniLmTop3();
        assertEquals(8, p.stages().size());
        assertEquals(0, p.stages().getFirst().flops());
        assertEquals(LAYER, p.stages().get(3).flops());
        assertEquals(HEAD, p.stages().getLast().flops());
        assertEquals(3 * LAYER, p.block1Flops(3));
        assertEquals(3 * LAYER + HEAD, p.block2Flops(3));
        assertEquals(0, p.block1Trainable(3));
        assertEquals(3 * 1_774_464L + 768, p.totalTrainable());
        assertFalse(p.measured());
        assertTrue(p.table().contains("layer 5"), p.table());
    }

    @Test
    void aFastBudgetTrainsBlock1AndASlowOneFreezesIt() {
        LayerProfile p = miniLmTop3();
        // 1e11 FLOPs a step ≈ 26.8 layer forwards: split 5 (block 2 = layer 5 + head, a third of the
        // trainable parameters), 2·(5 + P2)·F ≤ 26.8·F gives P2 = 8.
        SplitPlan fast = SplitPlanner.plan(p, Budget.flopsPerStep(1e11), 4, FedSpzo.Variant.NESTED);
        assertEquals(5, fast.split());
        assertEquals(1, fast.p1());
        assertEquals(8, fast.p2());
        assertFalse(fast.block1Frozen());
        assertEquals(2.0 * (5 * LAYER + 8 * (LAYER + HEAD)), fast.stepCost());
        assertEquals(10.0 * LAYER, fast.block1Work());
        assertEquals(4 * fast.stepCost(), fast.roundCost());
        // 4e10 ≈ 10.7 layers: below two full forwards (12 layers), no plan with a trainable block 1
        // fits; with block 1 = layers 0–2 frozen, 3·F + 2·P2·3·F ≤ 10.7·F gives P2 = 1.
        SplitPlan slow = SplitPlanner.plan(p, Budget.flopsPerStep(4e10), 4, FedSpzo.Variant.NESTED);
        assertEquals(3, slow.split());
        assertEquals(1, slow.p2());
        assertTrue(slow.block1Frozen());
        assertEquals(3.0 * LAYER, slow.block1Work());
        assertTrue(slow.block1Work() < fast.block1Work());
        assertEquals(1.0, slow.block2Share());
        assertTrue(slow.describe().contains("frozen"), slow.describe());
        FedSpzo est = fast.estimator(ZoSettings.gaussian(1e-3f));
        assertEquals((long) fast.stepCost(), est.flopsPerStep(p.block1Flops(5), p.block2Flops(5)),
                "the planner's cost is FedSpzo's own count for a trainable block 1");
    }

    @Test
    void aSlowDeviceInSecondsGetsLessBlock1Work() {
        LayerProfile fastDevice = timed(miniLmTop3(), 0.002, 0.020, 0.0005);
        LayerProfile slowDevice = timed(miniLmTop3(), 0.008, 0.080, 0.002);
        Budget budget = Budget.secondsPerRound(10); // 10 local steps: 1 s a step
        for (FedSpzo.Variant v : FedSpzo.Variant.values()) {
            SplitPlan fast = SplitPlanner.plan(fastDevice, budget, 10, v);
            SplitPlan slow = SplitPlanner.plan(slowDevice, budget, 10, v);
            assertTrue(fast.stepCost() <= 1 && slow.stepCost() <= 1);
            String both = v + "\n" + fast.describe() + "\n" + slow.describe();
            // Work in FLOPs: the slow device's seconds are longer for the same work.
            double fastWork = (double) fast.block1Forwards() * fastDevice.block1Flops(fast.split());
            double slowWork = (double) slow.block1Forwards() * slowDevice.block1Flops(slow.split());
            assertTrue(slowWork < fastWork, both);
            assertTrue(slow.p2() < fast.p2(), both);
            assertEquals(5, fast.split(), both);
            assertTrue(slow.block1Frozen(), both);
        }
    }

    @Test
    void aSlowClientRunsFewerDirectionsAtTheRoundsSplit() {
        LayerProfile fastDevice = timed(miniLmTop3(), 0.002, 0.020, 0.0005);
        LayerProfile slowDevice = timed(miniLmTop3(), 0.004, 0.040, 0.001);
        Budget budget = Budget.secondsPerRound(10);
        SplitPlan round = SplitPlanner.plan(fastDevice, budget, 10, FedSpzo.Variant.NESTED);
        SplitPlan slow = SplitPlanner.forClient(slowDevice, budget, 10, round, PlanConstraints.defaults());
        assertEquals(round.split(), slow.split());
        assertTrue(slow.p2() < round.p2() && slow.p1() <= round.p1(), round.describe() + "\n" + slow.describe());
        assertTrue(slow.stepCost() <= 1);
        SplitPlan same = SplitPlanner.forClient(fastDevice, Budget.secondsPerRound(1000), 10, round, PlanConstraints.defaults());
        assertEquals(List.of(round.p1(), round.p2()), List.of(same.p1(), same.p2()), "never more than the round's directions");
    }

    @Test
    void aLargeBudgetFillsP2ThenP1() {
        PlanConstraints c = PlanConstraints.defaults().withMaxP2(4).withMaxP1(3);
        SplitPlan plan = SplitPlanner.plan(miniLmTop3(), Budget.flopsPerStep(1e13), 1, FedSpzo.Variant.NESTED, c);
        assertEquals(List.of(5, 3, 4), List.of(plan.split(), plan.p1(), plan.p2()));
        SplitPlan decoupled = SplitPlanner.plan(miniLmTop3(), Budget.flopsPerStep(1e13), 1, FedSpzo.Variant.DECOUPLED, c);
        assertEquals(List.of(5, 3, 4), List.of(decoupled.split(), decoupled.p1(), decoupled.p2()));
        assertEquals(5.0 * LAYER + 2 * 3 * (6.0 * LAYER + HEAD) + 2 * 4 * (LAYER + HEAD), decoupled.stepCost());
    }

    @Test
    void aGivenSplitIsPlannedAtThatSplitOnly() {
        LayerProfile p = miniLmTop3();
        SplitPlan at4 = SplitPlanner.plan(p, Budget.flopsPerStep(1e11), 4, FedSpzo.Variant.NESTED, PlanConstraints.defaults(), 4);
        // 2·(4 + 2·P2)·F ≤ 26.8·F: P2 = 4.
        assertEquals(List.of(4, 1, 4), List.of(at4.split(), at4.p1(), at4.p2()));
        assertThrows(IllegalArgumentException.class, () -> SplitPlanner.plan(p, Budget.flopsPerStep(1e11), 4,
                FedSpzo.Variant.NESTED, PlanConstraints.defaults(), 6), "block 2 = the head alone is below 10 %");
        assertThrows(IllegalArgumentException.class, () -> SplitPlanner.plan(p, Budget.flopsPerStep(1e11), 4,
                FedSpzo.Variant.NESTED, PlanConstraints.defaults(), 8));
    }

    @Test
    void budgetsAreReadByName() {
        assertEquals(Budget.flopsPerStep(2e10), Budget.parse("flopsPerStep", 2e10));
        assertEquals(Budget.secondsPerRound(5), Budget.parse("secondsPerRound", 5));
        assertEquals(2.5, Budget.parse("secondsPerRound", 5).perStep(2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Budget.parse("flops", 1));
        assertTrue(e.getMessage().contains("flopsPerRound"), e.getMessage());
    }

    @Test
    void anInfeasibleBudgetNamesTheCheapestPlan() {
        InfeasibleBudgetException e = assertThrows(InfeasibleBudgetException.class,
                () -> SplitPlanner.plan(miniLmTop3(), Budget.flopsPerRound(8e10), 4, FedSpzo.Variant.NESTED));
        // Cheapest: block 1 = layers 0–2 frozen, one clean pass then one block-2 pair, 9 layers + 2 heads.
        assertEquals(3, e.cheapest().split());
        assertEquals(9.0 * LAYER + 2 * HEAD, e.cheapest().stepCost());
        assertTrue(e.getMessage().contains("3.3521e+10"), e.getMessage());
        assertTrue(e.getMessage().contains("per round of 4 steps"), e.getMessage());
        PlanConstraints noFrozen = PlanConstraints.defaults().withAllowFrozenBlock1(false);
        InfeasibleBudgetException e2 = assertThrows(InfeasibleBudgetException.class,
                () -> SplitPlanner.plan(miniLmTop3(), Budget.flopsPerStep(4e10), 4, FedSpzo.Variant.NESTED, noFrozen));
        assertEquals(5, e2.cheapest().split());
        assertEquals(2.0 * (6 * LAYER + HEAD), e2.cheapest().stepCost());
    }

    @Test
    void badRequestsAreRefusedClearly() {
        LayerProfile p = miniLmTop3();
        IllegalArgumentException seconds = assertThrows(IllegalArgumentException.class,
                () -> SplitPlanner.plan(p, Budget.secondsPerStep(1), 1, FedSpzo.Variant.NESTED));
        assertTrue(seconds.getMessage().contains("measured profile"), seconds.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> SplitPlanner.plan(p,
                Budget.flopsPerStep(1e12), 1, FedSpzo.Variant.NESTED, PlanConstraints.defaults().withMinBlock2Share(1)
                        .withAllowFrozenBlock1(false)));
        assertTrue(none.getMessage().contains("no split satisfies"), none.getMessage());
        assertFalse(none instanceof InfeasibleBudgetException);
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThrows(IllegalArgumentException.class, () -> Budget.flopsPerStep(bad));
        }
        assertThrows(IllegalArgumentException.class, () -> Budget.flopsPerRound(1).perStep(0));
        assertThrows(IllegalArgumentException.class, () -> new PlanConstraints(0, 4, 0.1, true));
        assertThrows(IllegalArgumentException.class, () -> new PlanConstraints(1, 4, 1.5, true));
        assertThrows(IllegalArgumentException.class, () -> new PlanConstraints(1, 4, Double.NaN, true));
        assertThrows(IllegalArgumentException.class, () -> new LayerProfile.Stage("x", -1, Double.NaN, 0));
        assertThrows(IllegalArgumentException.class, () -> new LayerProfile.Stage("x", 1, -0.5, 0));
        List<LayerProfile.Stage> mixed = List.of(new LayerProfile.Stage("a", 1, 0.1, 1), new LayerProfile.Stage("b", 1, Double.NaN, 1));
        assertThrows(IllegalArgumentException.class, () -> new LayerProfile(1, 1, mixed));
        assertThrows(IllegalArgumentException.class, () -> new LayerProfile(1, 1, mixed.subList(0, 1)));
        assertThrows(ArithmeticException.class, () -> new LayerProfile(1, 1, List.of(new LayerProfile.Stage("a", Long.MAX_VALUE, Double.NaN, 0),
                new LayerProfile.Stage("b", 1, Double.NaN, 1))));
        assertThrows(IllegalArgumentException.class, () -> p.block1Flops(7));
    }

    /** {@code profile} with measured seconds: the embeddings, every layer and the head. */
    private static LayerProfile timed(LayerProfile profile, double embeddings, double layer, double head) {
        List<LayerProfile.Stage> stages = new ArrayList<>();
        int last = profile.stages().size() - 1;
        for (int i = 0; i <= last; i++) {
            LayerProfile.Stage s = profile.stages().get(i);
            stages.add(new LayerProfile.Stage(s.name(), s.flops(), i == 0 ? embeddings : i == last ? head : layer,
                    s.trainableParameters()));
        }
        return new LayerProfile(profile.batchSize(), profile.seqLen(), stages);
    }
}
