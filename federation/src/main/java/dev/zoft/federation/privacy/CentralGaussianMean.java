package dev.zoft.federation.privacy;

import dev.zoft.federation.Aggregator;
import dev.zoft.federation.protocol.ClientUpload;
import dev.zoft.federation.protocol.StepScalars;
import dev.zoft.zo.estimate.Seeds;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Central DP: the server clips every upload to L2 norm C ({@link LocalGaussianPrivacy#clip}'s
 * rule), sums them in client order in double, adds N(0, σ²C²) noise to each scalar of the sum, and
 * divides by the number of uploads (unweighted: a client's claimed sample count must not scale its
 * sensitivity). The noise is a pure function of a seed only the server holds and of the round
 * ({@link GaussianNoise} on {@code Seeds.derive(secret, }{@value #NOISE_DOMAIN}{@code , round)}), so
 * the log's readers (every client) cannot subtract it; the server, which sees the raw uploads,
 * must be trusted. Each upload's recorded weight is its vote, 1/n. Replay applies the logged
 * (noised) aggregate, so it stays exact.
 *
 * <p>A capped client's uncovered scalars are 0 and count as such here (the sum divides by every
 * upload): the sensitivity stays one clipped upload, at the price of shrinking the scalars fewer
 * clients computed. The simulator does not combine caps with central DP.
 */
public final class CentralGaussianMean implements Aggregator {

    /** The derivation domain of the per-round noise seeds. */
    public static final long NOISE_DOMAIN = 51;

    private final DpSettings settings;
    private final LocalGaussianPrivacy clipper;
    private final long secretSeed;

    /**
     * @param settings   C and σ
     * @param secretSeed the server's secret; never sent
     */
    public CentralGaussianMean(DpSettings settings, long secretSeed) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clipper = new LocalGaussianPrivacy(settings, 0);
        this.secretSeed = secretSeed;
    }

    @Override
    public double[] weights(List<ClientUpload> uploads) {
        if (uploads.isEmpty()) {
            throw new IllegalArgumentException("no uploads to aggregate");
        }
        double[] w = new double[uploads.size()];
        Arrays.fill(w, 1.0 / uploads.size());
        return w;
    }

    @Override
    public StepScalars aggregate(List<ClientUpload> uploads) {
        if (uploads.isEmpty()) {
            throw new IllegalArgumentException("no uploads to aggregate");
        }
        StepScalars first = uploads.getFirst().scalars();
        double[] sum = new double[first.size()];
        for (ClientUpload u : uploads) {
            if (u.scalars().steps() != first.steps() || u.scalars().perStep() != first.perStep()) {
                throw new IllegalArgumentException("client " + u.clientId() + " uploaded " + u.scalars()
                        + ", client " + uploads.getFirst().clientId() + " " + first);
            }
            double[] c = clipper.clip(u.scalars());
            for (int i = 0; i < sum.length; i++) {
                sum[i] += c[i];
            }
        }
        long noiseSeed = Seeds.derive(secretSeed, NOISE_DOMAIN, uploads.getFirst().round());
        double sd = settings.noise() * settings.clip();
        float[] out = new float[sum.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) ((sum[i] + sd * GaussianNoise.standard(noiseSeed, i)) / uploads.size());
        }
        return StepScalars.of(first.steps(), first.perStep(), out);
    }

    @Override
    public String toString() {
        return "central Gaussian DP mean (" + settings.describe() + ")";
    }
}
