package dev.zoft.federation.cost;

import dev.zoft.zo.SplitObjective;
import dev.zoft.zo.params.ParameterView;
import java.util.Objects;

/**
 * A {@link SplitObjective} that forwards to another and counts what is asked of it: every block-1
 * pass adds the objective's exact {@code block1Flops(batch)} to the current {@link CostMeter}, every
 * block-2 loss its {@code block2Flops(batch)}, and each pass samples the {@link MemoryProbe} (when
 * block-1 activations are alive). The clients of a simulation compute through it, so the FLOPs in
 * the cost records are the passes that really ran, not a formula.
 */
public final class CountingObjective<B> implements SplitObjective<B> {

    private final SplitObjective<B> inner;
    private CostMeter meter;
    private MemoryProbe probe;

    public CountingObjective(SplitObjective<B> inner) {
        this.inner = Objects.requireNonNull(inner, "inner");
    }

    /** Counts into {@code meter} (null: count nothing) and samples {@code probe} (may be null) from now on. */
    public void countInto(CostMeter meter, MemoryProbe probe) {
        this.meter = meter;
        this.probe = probe;
    }

    public SplitObjective<B> inner() {
        return inner;
    }

    @Override
    public ParameterView parameters() {
        return inner.parameters();
    }

    @Override
    public ParameterView block1() {
        return inner.block1();
    }

    @Override
    public ParameterView block2() {
        return inner.block2();
    }

    @Override
    public BlockState forwardBlock1(B batch) {
        BlockState h = inner.forwardBlock1(batch);
        if (meter != null) {
            meter.block1Flops = Math.addExact(meter.block1Flops, inner.block1Flops(batch));
            meter.forwardPasses++;
        }
        if (probe != null) {
            probe.sample();
        }
        return h;
    }

    @Override
    public boolean supportsFusedPerturbation() {
        return inner.supportsFusedPerturbation();
    }

    @Override
    public void perturbFused(java.util.List<dev.zoft.zo.params.FusedDirection> directions) {
        inner.perturbFused(directions);
    }

    @Override
    public double lossFromBlock1(BlockState state, B batch) {
        double loss = inner.lossFromBlock1(state, batch);
        if (meter != null) {
            meter.block2Flops = Math.addExact(meter.block2Flops, inner.block2Flops(batch));
            meter.forwardPasses++;
        }
        if (probe != null) {
            probe.sample();
        }
        return loss;
    }

    @Override
    public long block1Flops(B batch) {
        return inner.block1Flops(batch);
    }

    @Override
    public long block2Flops(B batch) {
        return inner.block2Flops(batch);
    }
}
