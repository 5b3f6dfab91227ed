package dev.zoft.zo.plan;

import java.util.Locale;
import java.util.Objects;

/**
 * What one client may spend: forward FLOPs or wall seconds, per local step or per round.
 *
 * @param unit   FLOPs (exact, device-independent) or seconds (this device's measured stage times)
 * @param period per local step, or per round ({@code localSteps} steps)
 * @param amount the allowance, positive and finite
 */
public record Budget(Unit unit, Period period, double amount) {

    /** What a budget counts. */
    public enum Unit {
        /** Forward FLOPs as {@link dev.zoft.zo.SplitObjective#block1Flops} counts them. */
        FLOPS("FLOPs"),
        /** Wall seconds of forwards, from a {@link LayerProfile} measured on the device. */
        SECONDS("s");

        private final String symbol;

        Unit(String symbol) {
            this.symbol = symbol;
        }

        /** {@code FLOPs} or {@code s}. */
        public String symbol() {
            return symbol;
        }
    }

    /** Over which span a budget is granted. */
    public enum Period {
        STEP, ROUND
    }

    public Budget {
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(period, "period");
        if (!(amount > 0) || !Double.isFinite(amount)) {
            throw new IllegalArgumentException("a budget must be positive and finite, got " + amount);
        }
    }

    public static Budget flopsPerStep(double flops) {
        return new Budget(Unit.FLOPS, Period.STEP, flops);
    }

    public static Budget flopsPerRound(double flops) {
        return new Budget(Unit.FLOPS, Period.ROUND, flops);
    }

    public static Budget secondsPerStep(double seconds) {
        return new Budget(Unit.SECONDS, Period.STEP, seconds);
    }

    public static Budget secondsPerRound(double seconds) {
        return new Budget(Unit.SECONDS, Period.ROUND, seconds);
    }

    /** The spellings {@link #parse} reads, e.g. in an experiment spec. */
    public static final java.util.List<String> KEYS = java.util.List.of("flopsPerStep", "flopsPerRound", "secondsPerStep",
            "secondsPerRound");

    /**
     * A budget from its spelling ({@link #KEYS}: {@code flopsPerStep}, {@code flopsPerRound},
     * {@code secondsPerStep}, {@code secondsPerRound}) and amount.
     *
     * @throws IllegalArgumentException naming the accepted keys, or for an amount that is not positive and finite
     */
    public static Budget parse(String key, double amount) {
        return switch (key) {
            case "flopsPerStep" -> flopsPerStep(amount);
            case "flopsPerRound" -> flopsPerRound(amount);
            case "secondsPerStep" -> secondsPerStep(amount);
            case "secondsPerRound" -> secondsPerRound(amount);
            default -> throw new IllegalArgumentException("unknown budget '" + key + "': expected one of " + KEYS);
        };
    }

    /** The allowance of one local step when a round has {@code localSteps} of them. */
    public double perStep(int localSteps) {
        if (localSteps < 1) {
            throw new IllegalArgumentException("a round has at least one local step, got " + localSteps);
        }
        return period == Period.STEP ? amount : amount / localSteps;
    }

    /** E.g. {@code 2.000e+10 FLOPs per step}, {@code 5.000 s per round}. */
    @Override
    public String toString() {
        String a = unit == Unit.FLOPS ? String.format(Locale.ROOT, "%.3e", amount) : String.format(Locale.ROOT, "%.3f", amount);
        return a + " " + unit.symbol() + " per " + period.name().toLowerCase(Locale.ROOT);
    }
}
