package dev.zoft.federation;

import dev.zoft.federation.protocol.ClientUpload;
import dev.zoft.federation.protocol.StepScalars;
import java.util.List;

/**
 * FedAvg's aggregation: scalar i is {@code Σ_c n_c·g_c[i] / Σ_c n_c} over the round's clients, n_c
 * the client's sample count, summed in double in client order and rounded once to float.
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
        double total = 0;
        for (ClientUpload u : uploads) {
            if (u.scalars().steps() != first.steps() || u.scalars().perStep() != first.perStep()) {
                throw new IllegalArgumentException("client " + u.clientId() + " uploaded " + u.scalars()
                        + ", client " + uploads.getFirst().clientId() + " " + first);
            }
            total += u.sampleCount();
        }
        float[] out = new float[first.size()];
        for (int i = 0; i < out.length; i++) {
            double sum = 0;
            for (ClientUpload u : uploads) {
                sum += (double) u.sampleCount() * u.scalars().get(i);
            }
            out[i] = (float) (sum / total);
        }
        return StepScalars.of(first.steps(), first.perStep(), out);
    }

    @Override
    public String toString() {
        return "weighted mean (by sample count)";
    }
}
