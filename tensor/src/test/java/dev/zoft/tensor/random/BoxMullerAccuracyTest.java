package dev.zoft.tensor.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * zoft's float Box–Muller (own polynomial log, sine and cosine) against the same transform in
 * double precision with {@code StrictMath}, for the same uniforms u and v.
 */
class BoxMullerAccuracyTest {

    @Test
    void matchesStrictMathWithinAFewFloatUlps() {
        SplittableRandom random = new SplittableRandom(20_250_101L);
        float[] z = new float[2];
        double worstRadius = 0;
        double worstValue = 0;
        for (int i = 0; i < 2_000_000; i++) {
            int a = random.nextInt();
            int b = random.nextInt();
            BoxMuller.pair(a, b, z, 0);
            double r = exactRadius(a);
            double theta = 2 * Math.PI * ((b >>> 8) * 0x1p-24);
            double rUlp = Math.ulp((float) Math.max(r, 1e-3));
            worstRadius = Math.max(worstRadius, Math.abs(BoxMuller.radius(a) - r) / Math.ulp((float) Math.max(r, 1e-30)));
            worstValue = Math.max(worstValue, Math.abs(z[0] - r * StrictMath.cos(theta)) / rUlp);
            worstValue = Math.max(worstValue, Math.abs(z[1] - r * StrictMath.sin(theta)) / rUlp);
        }
        // Measured: radius within 0.97 ulp, values within 2.5 ulps of the radius.
        assertTrue(worstRadius <= 1.5, "radius error " + worstRadius + " ulps");
        assertTrue(worstValue <= 4, "value error " + worstValue + " ulps of the radius");
    }

    @Test
    void endpointsOfTheUniformsAreExact() {
        float[] z = new float[2];
        // u = 1 (all top bits set): r = 0, so both values are zero.
        BoxMuller.pair(0xFFFF_FFFF, 0x1234_5678, z, 0);
        assertEquals(0f, Math.abs(z[0]));
        assertEquals(0f, Math.abs(z[1]));
        // u = 2^-24, the smallest: the largest radius there is, sqrt(48 ln 2).
        assertEquals(Math.sqrt(48 * Math.log(2)), BoxMuller.radius(0), 1e-6);
        // v = 0, 1/4, 1/2, 3/4 turn: exact quadrant points.
        int smallest = 0;
        float rMax = BoxMuller.radius(smallest);
        int[] turns = {0, 0x4000_0000, 0x8000_0000, 0xC000_0000};
        float[][] expected = {{rMax, 0}, {0, rMax}, {-rMax, 0}, {0, -rMax}};
        for (int q = 0; q < 4; q++) {
            BoxMuller.pair(smallest, turns[q], z, 0);
            assertEquals(expected[q][0], z[0], 0f, "cos at quarter turn " + q);
            assertEquals(expected[q][1], z[1], 0f, "sin at quarter turn " + q);
        }
    }

    @Test
    void radiusIsMonotoneInTheUniform() {
        float previous = Float.POSITIVE_INFINITY;
        for (int k = 0; k < (1 << 24); k += 97) {
            float r = BoxMuller.radius(k << 8);
            assertTrue(r <= previous, "radius increases at u = " + (k + 1) + "·2^-24");
            previous = r;
        }
    }

    private static double exactRadius(int a) {
        double u = ((a >>> 8) + 1) * 0x1p-24;
        return Math.sqrt(-2 * StrictMath.log(u));
    }
}
