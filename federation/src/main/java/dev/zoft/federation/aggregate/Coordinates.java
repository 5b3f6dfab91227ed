package dev.zoft.federation.aggregate;

import dev.zoft.federation.protocol.ClientUpload;
import dev.zoft.federation.protocol.StepScalars;
import java.util.Arrays;
import java.util.List;

/**
 * Shared plumbing of the coordinate-wise aggregators: shape checks, the column of one scalar
 * across the uploads, sorted, and the uniform votes they record.
 */
final class Coordinates {

    private Coordinates() {
    }

    /** The common shape of the uploads (the first one's scalars), after checking every upload has it. */
    static StepScalars shape(List<ClientUpload> uploads) {
        if (uploads.isEmpty()) {
            throw new IllegalArgumentException("no uploads to aggregate");
        }
        StepScalars first = uploads.getFirst().scalars();
        for (ClientUpload u : uploads) {
            if (u.scalars().steps() != first.steps() || u.scalars().perStep() != first.perStep()) {
                throw new IllegalArgumentException("client " + u.clientId() + " uploaded " + u.scalars()
                        + ", client " + uploads.getFirst().clientId() + " " + first);
            }
        }
        return first;
    }

    /**
     * Fills the start of {@code column} with scalar {@code i} of every upload that computed it
     * ({@link ClientUpload#covers}) and sorts that part; returns how many there are (0: nobody
     * computed scalar i). Sorting by value is what makes the result independent of the uploads'
     * order bit for bit (equal values are interchangeable), not only of their client ids.
     */
    static int sortedColumn(List<ClientUpload> uploads, int i, float[] column) {
        int m = 0;
        for (ClientUpload u : uploads) {
            if (u.covers(i)) {
                column[m++] = u.scalars().get(i);
            }
        }
        Arrays.sort(column, 0, m);
        return m;
    }

    /** One vote per upload: 1/n each (what the round log records for the unweighted aggregators). */
    static double[] uniform(int n) {
        if (n == 0) {
            throw new IllegalArgumentException("no uploads to aggregate");
        }
        double[] w = new double[n];
        Arrays.fill(w, 1.0 / n);
        return w;
    }
}
