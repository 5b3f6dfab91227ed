package dev.zoft.federation.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.federation.protocol.StepScalars;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;

/** Clipping, the noise's law, its determinism from the client's secret, and its independence across rounds. */
class LocalGaussianPrivacyTest {

    @Provide
    Arbitrary<StepScalars> scalars() {
        return Arbitraries.floats().between(-1e4f, 1e4f).array(float[].class).ofMinSize(1).ofMaxSize(24)
                .map(v -> StepScalars.of(1, v.length, v));
    }

    @Property(tries = 300)
    void clippingBoundsTheNormAndKeepsTheDirection(@ForAll("scalars") StepScalars g,
                                                   @ForAll @DoubleRange(min = -3, max = 3) double log10Clip) {
        double clip = Math.pow(10, log10Clip);
        LocalGaussianPrivacy dp = new LocalGaussianPrivacy(new DpSettings(clip, 1, 1e-5), 1);
        double[] c = dp.clip(g);
        double norm = 0;
        double dot = 0;
        for (int i = 0; i < c.length; i++) {
            norm += c[i] * c[i];
            dot += c[i] * g.get(i);
        }
        norm = Math.sqrt(norm);
        double original = LocalGaussianPrivacy.norm(g);
        assertTrue(norm <= clip * (1 + 1e-12), norm + " > " + clip);
        if (original <= clip) {
            for (int i = 0; i < c.length; i++) {
                assertEquals(g.get(i), c[i], 0.0, "a vector inside the ball is left alone");
            }
        } else {
            assertEquals(clip, norm, clip * 1e-12);
            assertEquals(norm * original, dot, 1e-9 * norm * original, "same direction");
        }
    }

    @Test
    void theNoiseIsGaussianWithDeviationSigmaTimesC() {
        double clip = 0.5;
        double sigma = 3;
        LocalGaussianPrivacy dp = new LocalGaussianPrivacy(new DpSettings(clip, sigma, 1e-5), 77);
        int n = 4000;
        StepScalars zero = StepScalars.of(1, n, new float[n]);
        double sum = 0;
        double sq = 0;
        int beyond2 = 0;
        int rounds = 25;
        NormalDistribution phi = new NormalDistribution(0, 1);
        int below = 0;
        for (int r = 1; r <= rounds; r++) {
            StepScalars noisy = dp.privatize(zero, r);
            for (int i = 0; i < n; i++) {
                double x = noisy.get(i) / (sigma * clip);
                sum += x;
                sq += x * x;
                beyond2 += Math.abs(x) > 2 ? 1 : 0;
                below += x < -0.5 ? 1 : 0;
            }
        }
        double m = (double) n * rounds;
        // 100,000 standard normal draws: mean ± 0.003 sd, variance ± 0.0045 sd.
        assertEquals(0, sum / m, 0.015);
        assertEquals(1, sq / m - (sum / m) * (sum / m), 0.025);
        assertEquals(2 * phi.cumulativeProbability(-2), beyond2 / m, 0.003);
        assertEquals(phi.cumulativeProbability(-0.5), below / m, 0.006);
    }

    @Test
    void theStandardNoiseHasTheNormalLawAndItsTails() {
        int n = 400_000;
        NormalDistribution phi = new NormalDistribution(0, 1);
        double[] cuts = {-3, -1.5, -0.3, 0, 0.8, 2.2, 3.5};
        int[] counts = new int[cuts.length];
        double m4 = 0;
        for (int i = 0; i < n; i++) {
            double z = GaussianNoise.standard(123456789L, i);
            for (int c = 0; c < cuts.length; c++) {
                counts[c] += z < cuts[c] ? 1 : 0;
            }
            m4 += z * z * z * z;
        }
        for (int c = 0; c < cuts.length; c++) {
            double p = phi.cumulativeProbability(cuts[c]);
            double sd = Math.sqrt(p * (1 - p) / n);
            assertEquals(p, (double) counts[c] / n, 5 * sd + 1e-6, "P(z < " + cuts[c] + ")");
        }
        assertEquals(3, m4 / n, 0.06, "kurtosis");
        assertThrows(IllegalArgumentException.class, () -> GaussianNoise.standard(1, -1));
    }

    @Test
    void theNoiseIsAPureFunctionOfTheSecretAndTheRound() {
        DpSettings s = new DpSettings(1, 1, 1e-5);
        StepScalars g = StepScalars.of(2, 3, new float[] {0.1f, -0.2f, 0.3f, 0.4f, -0.5f, 0.6f});
        StepScalars a = new LocalGaussianPrivacy(s, 42).privatize(g, 3);
        assertEquals(a, new LocalGaussianPrivacy(s, 42).privatize(g, 3), "same secret, same round");
        assertNotEquals(a, new LocalGaussianPrivacy(s, 43).privatize(g, 3), "another secret");
        assertNotEquals(a, new LocalGaussianPrivacy(s, 42).privatize(g, 4), "another round");
        assertEquals(g.steps(), a.steps());
        assertEquals(g.perStep(), a.perStep());
        // Subtracting the clipped values leaves exactly the secret's noise (up to float rounding).
        LocalGaussianPrivacy dp = new LocalGaussianPrivacy(s, 42);
        double[] clipped = dp.clip(g);
        long noiseSeed = dev.zoft.zo.estimate.Seeds.derive(42, LocalGaussianPrivacy.NOISE_DOMAIN, 3);
        for (int i = 0; i < clipped.length; i++) {
            assertEquals(clipped[i] + GaussianNoise.standard(noiseSeed, i), a.get(i), 1e-6);
        }
    }

    @Test
    void hugeUploadsAreClippedBeforeTheyCanDominate() {
        DpSettings s = new DpSettings(0.1, 1e-6, 1e-5);
        float[] v = {Float.MAX_VALUE, -Float.MAX_VALUE, 3e38f};
        StepScalars out = new LocalGaussianPrivacy(s, 1).privatize(StepScalars.of(1, 3, v), 1);
        assertTrue(LocalGaussianPrivacy.norm(out) < 0.1 + 1e-5, "norm " + LocalGaussianPrivacy.norm(out));
    }

    @Test
    void sensitivityIsTwiceTheClipBound() {
        assertEquals(1.5, new DpSettings(0.3, 3, 1e-6).noiseToSensitivity());
        assertTrue(new DpSettings(1, 2, 1e-5).describe().contains("clip=1.0 noise=2.0 delta=1.0E-5"));
    }
}
