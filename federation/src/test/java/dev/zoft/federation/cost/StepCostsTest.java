package dev.zoft.federation.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tensor.random.Distribution;
import dev.zoft.zo.SplitObjective;
import dev.zoft.zo.estimate.Estimator;
import dev.zoft.zo.estimate.FedSpzo;
import dev.zoft.zo.estimate.MeZo;
import dev.zoft.zo.estimate.RestoreMode;
import dev.zoft.zo.estimate.StepResult;
import dev.zoft.zo.estimate.ZoSettings;
import dev.zoft.zo.params.ParameterView;
import dev.zoft.zo.params.ScopedViews;
import dev.zoft.zo.params.Update;
import java.lang.foreign.Arena;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The pass schedules {@link StepCosts} writes down agree with what the estimators do: in in-place
 * mode a step reports every pass it applied (perturbation, flip, restore, merged restore-update,
 * update), so the counted passes and draws must equal the reported ones exactly; in snapshot mode the
 * reported updates are the update passes. And {@link CountingObjective} counts the FLOPs the step
 * itself reports.
 */
class StepCostsTest {

    /** ½ Σ θ² over two blocks of the given sizes. */
    private static final class Sum implements SplitObjective<Integer> {
        final ParameterView all;
        final ParameterView b1;
        final ParameterView b2;

        Sum(Arena arena, int n1, int n2) {
            Map<String, Tensor> t = new LinkedHashMap<>();
            t.put("a", Tensor.allocate(arena, DType.F32, n1));
            t.put("b", Tensor.allocate(arena, DType.F32, n2));
            all = ParameterView.of(t);
            b1 = all.subset("a"::equals);
            b2 = all.subset("b"::equals);
            for (ParameterView.Entry e : all.entries()) {
                for (long i = 0; i < e.tensor().numel(); i++) {
                    e.tensor().setFloat(i, 0.01f * (i % 7));
                }
            }
        }

        record S(double v) implements BlockState {
            @Override
            public void close() {
            }
        }

        java.util.List<dev.zoft.zo.params.FusedDirection> fused = java.util.List.of();

        double half(ParameterView v) {
            double s = 0;
            for (ParameterView.Entry e : v.entries()) {
                float[] x = e.tensor().toFloatArray();
                for (var d : fused) {
                    if (d.view().entries().stream().anyMatch(de -> de.offset() == e.offset())) {
                        dev.zoft.tensor.random.PerturbationGenerator.configured()
                                .axpy(d.distribution(), d.seed(), e.offset(), d.c(), x, 0, x.length);
                    }
                }
                for (float xi : x) {
                    s += (double) xi * xi;
                }
            }
            return 0.5 * s;
        }

        @Override
        public boolean supportsFusedPerturbation() { return true; }

        @Override
        public void perturbFused(java.util.List<dev.zoft.zo.params.FusedDirection> directions) { fused = directions; }

        public ParameterView parameters() { return all; }
        public ParameterView block1() { return b1; }
        public ParameterView block2() { return b2; }
        public BlockState forwardBlock1(Integer b) { return new S(half(b1)); }
        public double lossFromBlock1(BlockState s, Integer b) { return ((S) s).v() + half(b2); }
        public long block1Flops(Integer b) { return 11 * b; }
        public long block2Flops(Integer b) { return 5 * b + 3; }
    }

    private static Estimator estimator(int kind, int p1, int p2, RestoreMode mode) {
        ZoSettings s = new ZoSettings(1e-3f, Distribution.GAUSSIAN, mode);
        return switch (kind) {
            case 0 -> new MeZo(p1, s);
            case 1 -> new FedSpzo(p1, p2, FedSpzo.Variant.NESTED, s);
            default -> new FedSpzo(p1, p2, FedSpzo.Variant.DECOUPLED, s);
        };
    }

    @Property(tries = 30)
    void schedulesMatchThePassesAStepReports(@ForAll @IntRange(min = 0, max = 2) int kind,
                                            @ForAll @IntRange(min = 1, max = 4) int p1,
                                            @ForAll @IntRange(min = 1, max = 4) int p2,
                                            @ForAll @IntRange(min = 1, max = 40) int n1,
                                            @ForAll @IntRange(min = 1, max = 40) int n2,
                                            @ForAll @IntRange(min = 1, max = 9) int batch) {
        try (Arena arena = Arena.ofShared(); WorkerPool pool = WorkerPool.create(1)) {
            Sum f = new Sum(arena, n1, n2);
            ScopedViews views = ScopedViews.of(f);
            for (RestoreMode mode : RestoreMode.values()) {
                Estimator e = estimator(kind, p1, kind == 0 ? 1 : p2, mode);
                CountingObjective<Integer> counted = new CountingObjective<>(f);
                CostMeter measured = new CostMeter();
                counted.countInto(measured, null);
                StepResult r = e.step(counted, batch, 99, 0.01, pool);
                CostMeter schedule = new CostMeter();
                StepCosts.addStep(schedule, e, views);
                assertEquals(r.forwardFlops(), measured.block1Flops() + measured.block2Flops());
                assertEquals(r.block1Passes() * f.block1Flops(batch), measured.block1Flops());
                assertEquals(r.block1Passes() + r.block2Passes(), measured.forwardPasses());
                long reportedDraws = 0;
                for (Update u : r.updates()) {
                    reportedDraws += views.view(u.scope()).size();
                }
                if (mode == RestoreMode.IN_PLACE) {
                    assertEquals(r.updates().size(),
                            schedule.perturbPasses() + schedule.restorePasses() + schedule.updatePasses(), e.toString());
                    assertEquals(reportedDraws, schedule.draws(), e.toString());
                } else {
                    assertEquals(r.updates().size(), schedule.updatePasses(), e.toString());
                    assertTrue(schedule.draws() > reportedDraws);
                }
            }
        }
    }
}
