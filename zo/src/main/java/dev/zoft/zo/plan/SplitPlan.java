package dev.zoft.zo.plan;

import dev.zoft.zo.estimate.FedSpzo;
import dev.zoft.zo.estimate.ZoSettings;
import java.util.Locale;
import java.util.Objects;

/**
 * A FedSPZO configuration chosen by {@link SplitPlanner}, with what it costs.
 *
 * @param variant         nested or decoupled
 * @param split           block 1 = stages {@code [0, split]} (embeddings + layers {@code [0, split)})
 * @param p1              block-1 directions per step (1 when block 1 is frozen)
 * @param p2              block-2 directions per step
 * @param block1Frozen    block 1 holds no trainable parameter: it runs once per step, clean
 * @param unit            the unit of the costs below
 * @param block1Cost      one forward of block 1 (F1, or its seconds)
 * @param block2Cost      one forward of block 2 (F2, or its seconds)
 * @param stepCost        one local step, {@link SplitPlanner#stepCost}
 * @param block1Work      the part of {@code stepCost} spent in block 1
 * @param budgetPerStep   the budget of one step it had to fit
 * @param localSteps      local steps per round
 * @param block1Trainable trainable parameters of block 1
 * @param block2Trainable trainable parameters of block 2
 */
public record SplitPlan(FedSpzo.Variant variant, int split, int p1, int p2, boolean block1Frozen, Budget.Unit unit,
                        double block1Cost, double block2Cost, double stepCost, double block1Work, double budgetPerStep,
                        int localSteps, long block1Trainable, long block2Trainable) {

    public SplitPlan {
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(unit, "unit");
        if (p1 < 1 || p2 < 1 || split < 0 || localSteps < 1) {
            throw new IllegalArgumentException("not a plan: split " + split + ", P1 " + p1 + ", P2 " + p2 + ", " + localSteps + " steps");
        }
    }

    /** The estimator this plan describes. */
    public FedSpzo estimator(ZoSettings settings) {
        return new FedSpzo(p1, p2, variant, settings);
    }

    /**
     * Forwards of block 1 per step: {@code 2·P1} nested, {@code 1 + 2·P1} decoupled, 1 when block 1 is
     * frozen. Times the block's FLOPs, the device-independent block-1 work (a slow device's seconds
     * are larger for the same work).
     */
    public long block1Forwards() {
        if (block1Frozen) {
            return 1;
        }
        return variant == FedSpzo.Variant.NESTED ? 2L * p1 : 1 + 2L * p1;
    }

    /** One round's cost: {@code localSteps · stepCost}. */
    public double roundCost() {
        return stepCost * localSteps;
    }

    /** Block 2's share of the trainable parameters. */
    public double block2Share() {
        long total = block1Trainable + block2Trainable;
        return total == 0 ? 0 : (double) block2Trainable / total;
    }

    /** A few lines for people. */
    public String describe() {
        String u = unit.symbol();
        String fmt = unit == Budget.Unit.FLOPS ? "%.4e" : "%.6f";
        return String.format(Locale.ROOT, """
                FedSPZO %s: split %d (block 1 = embeddings + layers [0, %d)%s), P1 = %d, P2 = %d
                  F1 = %s %s, F2 = %s %s per forward
                  step: %s %s (block 1: %s %s), budget %s %s per step; round of %d steps: %s %s
                  trainable: block 1 %,d, block 2 %,d (%.1f %%)""",
                variant.name().toLowerCase(Locale.ROOT), split, split, block1Frozen ? ", frozen" : "", p1, p2,
                String.format(Locale.ROOT, fmt, block1Cost), u, String.format(Locale.ROOT, fmt, block2Cost), u,
                String.format(Locale.ROOT, fmt, stepCost), u, String.format(Locale.ROOT, fmt, block1Work), u,
                String.format(Locale.ROOT, fmt, budgetPerStep), u, localSteps, String.format(Locale.ROOT, fmt, roundCost()), u,
                block1Trainable, block2Trainable, 100 * block2Share());
    }
}
