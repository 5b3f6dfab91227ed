package dev.zoft.federation.aggregate;

import dev.zoft.federation.Aggregator;
import dev.zoft.federation.protocol.ClientUpload;
import dev.zoft.federation.protocol.StepScalars;
import java.util.List;

/**
 * The coordinate-wise β-trimmed mean of the uploads' scalars: for each scalar, sort the n values,
 * drop the {@code k = ⌊β·n⌋} smallest and the k largest, and average the rest (summed in double in
 * ascending order, rounded once to float). Up to k uploads, however far they lie, cannot move the
 * aggregate outside the range of the other uploads' values. β = 0 is the plain (unweighted) mean.
 *
 * <p>If 2k would drop every upload (only possible for β close to ½ and few clients), k is lowered
 * to {@code (n − 1) / 2} so at least one value survives: the trimmed mean then becomes the median
 * (odd n) or the midpoint of the two middle values (even n).
 *
 * <p>With capped clients scalar i's column holds the n uploads that computed it (k from that n); a
 * scalar no upload computed is 0.
 *
 * <p><b>Unweighted, on purpose</b>, like {@link CoordinateMedian}: the sample count is the
 * client's own claim. The log records each upload's vote, {@code 1/n}; which uploads a scalar kept
 * differs from scalar to scalar, and replay never needs it since the log holds the aggregate.
 */
public final class TrimmedMean implements Aggregator {

    private final double beta;

    /**
     * @param beta the fraction trimmed from each side, in [0, 0.5)
     */
    public TrimmedMean(double beta) {
        if (!(beta >= 0 && beta < 0.5)) {
            throw new IllegalArgumentException("trim fraction must be in [0, 0.5), got " + beta);
        }
        this.beta = beta;
    }

    public double beta() {
        return beta;
    }

    /** Values dropped from each side of a column of {@code n}. */
    public int trimmedPerSide(int n) {
        int k = (int) Math.floor(beta * n);
        return Math.min(k, (n - 1) / 2);
    }

    @Override
    public double[] weights(List<ClientUpload> uploads) {
        return Coordinates.uniform(uploads.size());
    }

    @Override
    public StepScalars aggregate(List<ClientUpload> uploads) {
        StepScalars shape = Coordinates.shape(uploads);
        float[] column = new float[uploads.size()];
        float[] out = new float[shape.size()];
        for (int i = 0; i < out.length; i++) {
            int n = Coordinates.sortedColumn(uploads, i, column);
            if (n == 0) {
                out[i] = 0f;
                continue;
            }
            int k = trimmedPerSide(n);
            // From −0, not +0: −0 + x = x for every x, and a column of −0 keeps its sign, so that
            // unanimous uploads come back bit for bit.
            double sum = -0.0;
            for (int c = k; c < n - k; c++) {
                sum += column[c];
            }
            out[i] = (float) (sum / (n - 2 * k));
        }
        return StepScalars.of(shape.steps(), shape.perStep(), out);
    }

    @Override
    public String toString() {
        return "coordinate-wise trimmed mean (β = " + beta + " per side)";
    }
}
