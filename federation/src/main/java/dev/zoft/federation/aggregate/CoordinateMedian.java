package dev.zoft.federation.aggregate;

import dev.zoft.federation.Aggregator;
import dev.zoft.federation.protocol.ClientUpload;
import dev.zoft.federation.protocol.StepScalars;
import java.util.List;

/**
 * The coordinate-wise median of the uploads' scalars: scalar i of the aggregate is the median of
 * scalar i over the round's clients (for an even count, the midpoint of the two middle values,
 * exact in double and then rounded to float). Fewer than half of the uploads, however far they
 * lie, cannot move it outside the range of the other uploads' values.
 *
 * <p>With capped clients the median of scalar i is over the uploads that computed it; a scalar no
 * upload computed is 0.
 *
 * <p><b>Unweighted, on purpose.</b> Every upload is one vote, whatever sample count the client
 * reports: the sample count is the client's own claim, and a weighted median would let one
 * attacker claiming a huge shard decide the aggregate alone. The round log records these votes as
 * weights {@code 1/n}. Replay never reads the weights (it applies the logged aggregate scalars),
 * so the log reproduces the global model exactly.
 */
public final class CoordinateMedian implements Aggregator {

    @Override
    public double[] weights(List<ClientUpload> uploads) {
        return Coordinates.uniform(uploads.size());
    }

    @Override
    public StepScalars aggregate(List<ClientUpload> uploads) {
        StepScalars shape = Coordinates.shape(uploads);
        int n = uploads.size();
        float[] column = new float[n];
        float[] out = new float[shape.size()];
        for (int i = 0; i < out.length; i++) {
            int m = Coordinates.sortedColumn(uploads, i, column);
            out[i] = m == 0 ? 0f
                    : (m & 1) == 1 ? column[m / 2] : (float) (((double) column[m / 2 - 1] + column[m / 2]) / 2);
        }
        return StepScalars.of(shape.steps(), shape.perStep(), out);
    }

    @Override
    public String toString() {
        return "coordinate-wise median";
    }
}
