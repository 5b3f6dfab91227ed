package dev.zoft.zo.plan;

/**
 * The limits a {@link SplitPlanner} respects besides the budget.
 *
 * @param maxP1              the largest P1 (block-1 directions) considered
 * @param maxP2              the largest P2 (block-2 directions) considered: past a point more
 *                           directions on one step buy less than more steps would
 * @param minBlock2Share     block 2 must hold at least this share of the trainable parameters (in
 *                           [0, 1]; it always holds some, since a share of 0 leaves P2 nothing to
 *                           estimate): keeps the cheap extra directions on a part of the model
 *                           worth training
 * @param allowFrozenBlock1  whether a split whose block 1 holds no trainable parameter may be chosen
 *                           (e.g. {@code top-2} training with the split below the top two layers): block 1
 *                           then runs once per step, clean, and P1 is 1 (more block-1 "directions"
 *                           would repeat identical evaluations)
 */
public record PlanConstraints(int maxP1, int maxP2, double minBlock2Share, boolean allowFrozenBlock1) {

    /** P1 ≤ 4, P2 ≤ 16, block 2 ≥ 10 % of the trainable parameters, frozen block 1 allowed. */
    public static PlanConstraints defaults() {
        return new PlanConstraints(4, 16, 0.10, true);
    }

    public PlanConstraints {
        if (maxP1 < 1 || maxP2 < 1) {
            throw new IllegalArgumentException("direction caps must be ≥ 1, got P1 ≤ " + maxP1 + ", P2 ≤ " + maxP2);
        }
        if (maxP1 > 1 << 16 || maxP2 > 1 << 16) {
            throw new IllegalArgumentException("direction caps above 65536 are not plans, got P1 ≤ " + maxP1 + ", P2 ≤ " + maxP2);
        }
        if (!(minBlock2Share >= 0 && minBlock2Share <= 1)) {
            throw new IllegalArgumentException("the minimum block-2 share must be in [0, 1], got " + minBlock2Share);
        }
    }

    public PlanConstraints withMaxP1(int p1) {
        return new PlanConstraints(p1, maxP2, minBlock2Share, allowFrozenBlock1);
    }

    public PlanConstraints withMaxP2(int p2) {
        return new PlanConstraints(maxP1, p2, minBlock2Share, allowFrozenBlock1);
    }

    public PlanConstraints withMinBlock2Share(double share) {
        return new PlanConstraints(maxP1, maxP2, share, allowFrozenBlock1);
    }

    public PlanConstraints withAllowFrozenBlock1(boolean allow) {
        return new PlanConstraints(maxP1, maxP2, minBlock2Share, allow);
    }
}
