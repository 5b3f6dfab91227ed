package dev.zoft.federation.aggregate;

import dev.zoft.federation.Aggregator;
import dev.zoft.federation.WeightedMean;
import java.util.Locale;

/**
 * Which {@link Aggregator} the server uses, as written in a configuration or on the command line:
 * <ul>
 *   <li>{@code mean}: {@link WeightedMean}, FedAvg's sample-weighted mean (the default);</li>
 *   <li>{@code median}: {@link CoordinateMedian};</li>
 *   <li>{@code trimmed:β}: {@link TrimmedMean} dropping the fraction β ∈ [0, 0.5) from each side,
 *       e.g. {@code trimmed:0.2}.</li>
 * </ul>
 * {@link #parse} and {@link #format} are inverse: {@code parse(s.format()).equals(s)}.
 */
public sealed interface AggregatorSpec {

    /** FedAvg's sample-weighted mean. */
    record Mean() implements AggregatorSpec {
        @Override
        public Aggregator create() {
            return new WeightedMean();
        }

        @Override
        public String format() {
            return "mean";
        }
    }

    /** The coordinate-wise median. */
    record Median() implements AggregatorSpec {
        @Override
        public Aggregator create() {
            return new CoordinateMedian();
        }

        @Override
        public String format() {
            return "median";
        }
    }

    /** The coordinate-wise trimmed mean, trimming {@code beta} of the uploads from each side. */
    record Trimmed(double beta) implements AggregatorSpec {
        public Trimmed {
            if (!(beta >= 0 && beta < 0.5)) {
                throw new IllegalArgumentException("trim fraction must be in [0, 0.5), got " + beta);
            }
        }

        @Override
        public Aggregator create() {
            return new TrimmedMean(beta);
        }

        @Override
        public String format() {
            return "trimmed:" + beta;
        }
    }

    /** A new aggregator of this kind. */
    Aggregator create();

    /** The text {@link #parse} reads back to this spec. */
    String format();

    /** The default, {@code mean}. */
    static AggregatorSpec mean() {
        return new Mean();
    }

    /**
     * Reads {@code mean}, {@code median} or {@code trimmed:β} (case-insensitive, surrounding blanks
     * ignored).
     *
     * @throws IllegalArgumentException naming the text and the accepted forms
     */
    static AggregatorSpec parse(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT);
        switch (s) {
            case "mean":
                return new Mean();
            case "median":
                return new Median();
            default:
                break;
        }
        if (s.startsWith("trimmed:")) {
            String b = s.substring("trimmed:".length());
            double beta;
            try {
                beta = Double.parseDouble(b);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("aggregator '" + text + "': trim fraction '" + b + "' is not a number");
            }
            if (!(beta >= 0 && beta < 0.5)) {
                throw new IllegalArgumentException("aggregator '" + text + "': trim fraction must be in [0, 0.5), got " + b);
            }
            return new Trimmed(beta);
        }
        throw new IllegalArgumentException("unknown aggregator '" + text + "': expected mean, median or trimmed:BETA"
                + " (BETA in [0, 0.5), e.g. trimmed:0.2)");
    }
}
