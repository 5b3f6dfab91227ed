package dev.zoft.federation.privacy;

import dev.zoft.federation.protocol.CoverageMask;
import dev.zoft.federation.protocol.StepScalars;
import dev.zoft.zo.estimate.Seeds;
import java.util.Objects;

/**
 * The local Gaussian mechanism a client applies to its round's scalars before they leave the
 * device: clip the S × K scalars to L2 norm C (as one vector, in double), add independent
 * N(0, σ²C²) noise to each, round to float.
 *
 * <p><b>Why local, not central.</b> In the seed + scalar protocol the scalars are the only thing a
 * device sends, and the server sees each client's scalars one by one; the aggregate then goes into
 * a log every client downloads. Noise added on the device protects against all of them, the
 * server included, with no trust in the server. It is post-processed by any aggregator, so it
 * holds under the median and the trimmed mean too, whose sensitivity to one client a central
 * mechanism would have to bound separately. The price is more noise in the aggregate: the mean of
 * n uploads carries noise of deviation σC/√n instead of σC/n.
 *
 * <p><b>The noise is secret.</b> It is a pure function of a seed the client keeps to itself and of
 * the round ({@link GaussianNoise} on {@code Seeds.derive(secret, }{@value #NOISE_DOMAIN}{@code , round)}),
 * so a client can reproduce its own uploads, while the server, which never learns the seed,
 * cannot subtract it. A real device draws its secret from {@code SecureRandom}; the simulator
 * derives one per client from the run seed so that runs are reproducible.
 *
 * <p>The guarantee covers the scalars. The upload's sample count (the shard size) does not depend
 * on which examples the client holds, so changing their content changes nothing there; a client
 * with DP on reports no train loss (0), since its loss is as private as its scalars.
 */
public final class LocalGaussianPrivacy {

    /** The derivation domain of the per-round noise seeds. */
    public static final long NOISE_DOMAIN = 48;

    private final DpSettings settings;
    private final long secretSeed;

    /**
     * @param settings   C and σ
     * @param secretSeed the client's secret; never sent
     */
    public LocalGaussianPrivacy(DpSettings settings, long secretSeed) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.secretSeed = secretSeed;
    }

    public DpSettings settings() {
        return settings;
    }

    /** The L2 norm of the scalars, computed in double. */
    public static double norm(StepScalars scalars) {
        double sum = 0;
        for (int i = 0; i < scalars.size(); i++) {
            double v = scalars.get(i);
            sum += v * v;
        }
        return Math.sqrt(sum);
    }

    /** The scalars scaled by {@code min(1, C / ‖g‖₂)}, in double, before noise. */
    public double[] clip(StepScalars scalars) {
        double norm = norm(scalars);
        double scale = norm > settings.clip() ? settings.clip() / norm : 1;
        double[] out = new double[scalars.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = scale * scalars.get(i);
        }
        return out;
    }

    /** What the client uploads for {@code round} instead of {@code raw}: clipped, noised, rounded to float. */
    public StepScalars privatize(StepScalars raw, int round) {
        return privatize(raw, CoverageMask.full(raw.perStep()), round);
    }

    /**
     * What a client covering only {@code coverage} of each step uploads: its covered scalars clipped
     * (their norm; the uncovered ones are 0 and stay exactly 0) and noised, each with the noise the
     * same index would get in a full upload. Noising an uncovered scalar would protect nothing (it
     * carries no data) and would break the rule that uncovered scalars are 0.
     */
    public StepScalars privatize(StepScalars raw, CoverageMask coverage, int round) {
        if (coverage.size() != raw.perStep()) {
            throw new IllegalArgumentException("coverage mask of " + coverage.size() + " coordinates for " + raw);
        }
        double[] clipped = clip(raw);
        long noiseSeed = Seeds.derive(secretSeed, NOISE_DOMAIN, round);
        double sd = settings.noise() * settings.clip();
        float[] out = new float[clipped.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = coverage.covers(i % raw.perStep()) ? (float) (clipped[i] + sd * GaussianNoise.standard(noiseSeed, i)) : 0f;
        }
        return StepScalars.of(raw.steps(), raw.perStep(), out);
    }

    @Override
    public String toString() {
        return "local Gaussian mechanism (" + settings.describe() + ")";
    }
}
