package dev.zoft.zo.data;

/** Integer apportionment: splitting a whole number in given proportions so the parts sum exactly. */
final class Apportion {

    private Apportion() {
    }

    /**
     * Splits {@code total} in proportion to {@code weights} (non-negative, not all zero) by the
     * largest-remainder method: floors first, then one more to the largest fractional parts (ties
     * to the lower index). The result sums to {@code total} exactly.
     */
    static int[] largestRemainder(double[] weights, int total) {
        double sum = 0;
        for (double w : weights) {
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("weights must be finite and >= 0, got " + w);
            }
            sum += w;
        }
        if (total < 0) {
            throw new IllegalArgumentException("total must be >= 0, got " + total);
        }
        int[] out = new int[weights.length];
        if (total == 0) {
            return out;
        }
        if (!(sum > 0)) {
            throw new IllegalArgumentException("weights must not all be zero");
        }
        double[] frac = new double[weights.length];
        long given = 0;
        for (int i = 0; i < weights.length; i++) {
            double exact = weights[i] / sum * total;
            int f = (int) Math.min(Math.floor(exact), total);
            out[i] = f;
            frac[i] = exact - f;
            given += f;
        }
        // rounding in exact can make the floors overshoot by one or two: take back from the smallest remainders
        while (given > total) {
            int best = -1;
            for (int i = 0; i < out.length; i++) {
                if (out[i] > 0 && (best < 0 || frac[i] < frac[best])) {
                    best = i;
                }
            }
            out[best]--;
            frac[best] += 1;
            given--;
        }
        long left = total - given;
        if (left > 0) {
            Integer[] order = new Integer[weights.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (a, b) -> {
                int c = Double.compare(frac[b], frac[a]);
                return c != 0 ? c : Integer.compare(a, b);
            });
            for (int i = 0; left > 0; i = (i + 1) % order.length) {
                if (weights[order[i]] > 0) {
                    out[order[i]]++;
                    left--;
                }
            }
        }
        return out;
    }

    /** {@link #largestRemainder(double[], int)} for integer weights. */
    static int[] largestRemainder(int[] weights, int total) {
        double[] w = new double[weights.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = weights[i];
        }
        return largestRemainder(w, total);
    }
}
