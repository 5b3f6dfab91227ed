package dev.zoft.federation.privacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.zoft.federation.SimulationConfig;
import dev.zoft.federation.aggregate.AggregatorSpec;
import dev.zoft.federation.protocol.ClientUpload;
import dev.zoft.federation.protocol.StepScalars;
import dev.zoft.zo.estimate.Seeds;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Central DP: the unweighted mean of the clipped uploads plus the server's secret noise over n. */
class CentralGaussianMeanTest {

    private static ClientUpload upload(int round, int client, int samples, float... v) {
        return new ClientUpload(round, client, samples, StepScalars.of(1, v.length, v), 0.3);
    }

    @Test
    void isTheMeanOfTheClippedUploadsPlusTheSecretNoiseOverN() {
        DpSettings s = new DpSettings(1.0, 0.8, 1e-5, DpSettings.Mode.CENTRAL);
        // Norms 5 (clipped to 1: 0.6, 0.8), 0.5 (kept), 13 (clipped: −5/13, 12/13); sample counts play no part.
        List<ClientUpload> ups = List.of(upload(4, 0, 1, 3, 4), upload(4, 2, 1000, 0.3f, -0.4f), upload(4, 5, 7, -5, 12));
        StepScalars got = new CentralGaussianMean(s, 99).aggregate(ups);
        long noiseSeed = Seeds.derive(99, CentralGaussianMean.NOISE_DOMAIN, 4);
        double[] clippedSum = {0.6 + 0.3f + (-5.0 / 13), 0.8 + (double) -0.4f + 12.0 / 13};
        for (int i = 0; i < 2; i++) {
            assertEquals((float) ((clippedSum[i] + 0.8 * GaussianNoise.standard(noiseSeed, i)) / 3), got.get(i), 1e-6f);
        }
        assertArrayEquals(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3}, new CentralGaussianMean(s, 99).weights(ups));
        assertEquals(got, new CentralGaussianMean(s, 99).aggregate(ups), "deterministic");
        assertNotEquals(got, new CentralGaussianMean(s, 98).aggregate(ups), "another server secret");
    }

    @Test
    void theNoiseOfTheAggregateHasDeviationSigmaCOverN() {
        DpSettings s = new DpSettings(0.5, 2, 1e-5, DpSettings.Mode.CENTRAL);
        int n = 4;
        int k = 5000;
        double sq = 0;
        int count = 0;
        for (int round = 1; round <= 10; round++) {
            List<ClientUpload> ups = new ArrayList<>();
            for (int c = 0; c < n; c++) {
                ups.add(new ClientUpload(round, c, 1, StepScalars.of(1, k, new float[k]), 0.1));
            }
            for (float v : new CentralGaussianMean(s, 7).aggregate(ups).values()) {
                sq += (double) v * v;
                count++;
            }
        }
        // 50,000 draws: the variance estimate is within ±2 % at 3 sd.
        assertEquals(2 * 0.5 / n, Math.sqrt(sq / count), 0.25 * 0.02);
    }

    @Test
    void centralDpIsForTheMeanOnlyAndBadInputIsRefused() {
        DpSettings central = new DpSettings(1, 1, 1e-5, DpSettings.Mode.CENTRAL);
        var b = SimulationConfig.builder().privacy(central);
        b.build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> b.aggregator(AggregatorSpec.parse("median")).build());
        assertEquals(true, e.getMessage().contains("central DP"), e.getMessage());
        SimulationConfig.builder().privacy(new DpSettings(1, 1, 1e-5)).aggregator(AggregatorSpec.parse("median")).build();
        assertThrows(IllegalArgumentException.class, () -> new CentralGaussianMean(central, 1).aggregate(List.of()));
        List<ClientUpload> mixed = List.of(upload(1, 0, 1, 1, 2), new ClientUpload(1, 1, 1, StepScalars.of(2, 1, new float[] {1, 2}), 0));
        assertThrows(IllegalArgumentException.class, () -> new CentralGaussianMean(central, 1).aggregate(mixed));
        assertThrows(NullPointerException.class, () -> new DpSettings(1, 1, 1e-5, null));
    }
}
