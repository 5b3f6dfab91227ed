package dev.zoft.tensor.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class StableLanesTest {

    @ParameterizedTest
    @EnumSource(value = VectorWidth.class, names = "SCALAR", mode = EnumSource.Mode.EXCLUDE)
    void expIsWithinTwoUlpOfMathExpOverTheWholeFloatRange(VectorWidth width) {
        VectorSpecies<Float> s = width.species();
        float[] in = new float[s.length()];
        float[] out = new float[s.length()];
        double worstUlps = 0;
        for (float x = -87f; x <= 88.5f; ) {
            for (int l = 0; l < in.length; l++, x += 0.0137f) {
                in[l] = x;
            }
            StableLanes.exp(FloatVector.fromArray(s, in, 0)).intoArray(out, 0);
            for (int l = 0; l < in.length; l++) {
                double ref = Math.exp(in[l]);
                worstUlps = Math.max(worstUlps, Math.abs(out[l] - ref) / Math.ulp((float) ref));
            }
        }
        assertTrue(worstUlps <= 2.0, "worst error " + worstUlps + " ulp at " + width);
    }

    @ParameterizedTest
    @EnumSource(value = VectorWidth.class, names = "SCALAR", mode = EnumSource.Mode.EXCLUDE)
    void expEdgesUnderflowToZeroAndOverflowToInfinity(VectorWidth width) {
        VectorSpecies<Float> s = width.species();
        float[] edges = {Float.NEGATIVE_INFINITY, -1000f, -88f, 0f, 89f, Float.POSITIVE_INFINITY};
        float[] expected = {0f, 0f, 0f, 1f, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY};
        float[] in = new float[s.length()];
        float[] out = new float[s.length()];
        for (int e = 0; e < edges.length; e++) {
            java.util.Arrays.fill(in, edges[e]);
            StableLanes.exp(FloatVector.fromArray(s, in, 0)).intoArray(out, 0);
            assertEquals(expected[e], out[0], "e^" + edges[e]);
        }
    }

    @ParameterizedTest
    @EnumSource(value = VectorWidth.class, names = "SCALAR", mode = EnumSource.Mode.EXCLUDE)
    void sumAddsLanesInLaneOrder(VectorWidth width) {
        VectorSpecies<Float> s = width.species();
        float[] v = new float[s.length()];
        // 1e8 + 1 + 1 + ... − 1e8: the order of the additions decides the result.
        v[0] = 1e8f;
        for (int i = 1; i < v.length - 1; i++) {
            v[i] = 1f;
        }
        v[v.length - 1] = -1e8f;
        float sequential = 0;
        for (float f : v) {
            sequential += f;
        }
        assertEquals(sequential, StableLanes.sum(FloatVector.fromArray(s, v, 0)));
    }
}
