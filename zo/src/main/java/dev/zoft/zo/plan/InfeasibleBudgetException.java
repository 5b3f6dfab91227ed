package dev.zoft.zo.plan;

/** No FedSPZO plan fits a budget; {@link #cheapest()} is the least a step can cost under the constraints. */
public final class InfeasibleBudgetException extends IllegalArgumentException {

    private final transient SplitPlan cheapest;

    InfeasibleBudgetException(String message, SplitPlan cheapest) {
        super(message);
        this.cheapest = cheapest;
    }

    /** The cheapest feasible plan (P1 = P2 = 1 at the cheapest allowed split), whatever its cost. */
    public SplitPlan cheapest() {
        return cheapest;
    }
}
