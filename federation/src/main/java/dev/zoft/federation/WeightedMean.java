package dev.zoft.federation;

import dev.zoft.federation.protocol.ClientUpload;
import dev.zoft.federation.protocol.StepScalars;
import java.util.List;

/**
 * FedAvg's aggregation: scalar i is {@code Σ_c n_c·g_c[i] / Σ_c n_c} over the round's clients that
 * computed it ({@link ClientUpload#covers}: every client, unless some are capped), n_c the client's
 * sample count, summed in double in client order and rounded once to float. A scalar no client
 * computed is 0 (its direction is not applied). With every upload covering everything this is the
 * plain weighted mean, bit for bit. {@link #weights} are the shares over all uploads (what the log
 * records; a scalar covered by fewer clients renormalises over them).
 */
public final class WeightedMean implements Aggregator {

    @Override
    public double[] weights(List<ClientUpload> uploads) {
        double total = 0;
        for (ClientUpload u : uploads) {
            total += u.sampleCount();
        }
        double[] w = new double[uploads.size()];
        for (int c = 0; c < w.length; c++) {
            w[c] = uploads.get(c).sampleCount() / total;
        }
        return w;
    }

    @Override
    public StepScalars aggregate(List<ClientUpload> uploads) {
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
        float[] out = new float[first.size()];
        for (int i = 0; i < out.length; i++) {
            // The weights renormalise over the covering clients; the sums run in client order as
            // before, so full coverage gives the same bits as the uncapped protocol.
            double sum = 0;
            double total = 0;
            for (ClientUpload u : uploads) {
                if (u.covers(i)) {
                    sum += (double) u.sampleCount() * u.scalars().get(i);
                    total += u.sampleCount();
                }
            }
            out[i] = total == 0 ? 0f : (float) (sum / total);
        }
        return StepScalars.of(first.steps(), first.perStep(), out);
    }

    @Override
    public String toString() {
        return "weighted mean (by sample count)";
    }
}
