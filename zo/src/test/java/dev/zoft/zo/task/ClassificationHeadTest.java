package dev.zoft.zo.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.Tensor;

import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

/** The cosine head's logits, cross-entropy and argmax against hand computations. */
class ClassificationHeadTest {

    @Test
    void logitsAreCosineOverTemperature() {
        try (ClassificationHead head = ClassificationHead.of(new float[][] {{2, 0}, {0, 0.5f}}, 0.5);
             Arena arena = Arena.ofConfined()) {
            Tensor pooled = Tensor.of(arena, new float[] {3, 4, -1, 0, 0, 0}, 3, 2);
            double[][] logits = head.logits(pooled);
            assertArrayEquals(new double[] {0.6 / 0.5, 0.8 / 0.5}, logits[0], 1e-15);
            assertArrayEquals(new double[] {-1 / 0.5, 0}, logits[1], 1e-15);
            // A zero embedding has cosine 0 with everything (the norm is floored, never divided by 0).
            assertArrayEquals(new double[] {0, 0}, logits[2], 0);
            assertArrayEquals(new int[] {1, 1, 0}, head.predict(pooled)); // row 2 ties: the lowest class
        }
    }

    @Test
    void lossIsTheMeanCrossEntropy() {
        try (ClassificationHead head = ClassificationHead.of(new float[][] {{1, 0}, {0, 1}}, 0.5);
             Arena arena = Arena.ofConfined()) {
            Tensor pooled = Tensor.of(arena, new float[] {3, 4, -1, 0}, 2, 2);
            double row0 = Math.log(Math.exp(1.2) + Math.exp(1.6)) - 1.6;
            double row1 = Math.log(Math.exp(-2) + 1) + 2;
            assertEquals((row0 + row1) / 2, head.loss(pooled, new int[] {1, 0}), 1e-14);
            assertThrows(IllegalArgumentException.class, () -> head.loss(pooled, new int[] {1, 2}));
            assertThrows(IllegalArgumentException.class, () -> head.loss(pooled, new int[] {1}));
        }
    }

    @Test
    void crossEntropyIsStableForLargeLogits() {
        double ce = ClassificationHead.meanCrossEntropy(new double[][] {{1000, -1000}, {-1000, 1000}}, new int[] {0, 0});
        assertEquals(1000.0, ce, 1e-9); // row 0 ≈ 0, row 1 = 2000
        assertArrayEquals(new int[] {0, 1, 0}, ClassificationHead.argmax(new double[][] {{1, 1}, {0, 2}, {5, -5}}));
    }

    @Test
    void classVectorsAreWritableParametersThatRestore() {
        try (ClassificationHead head = ClassificationHead.of(new float[][] {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}, 0.05)) {
            assertEquals(3, head.numClasses());
            assertEquals(3, head.hiddenSize());
            assertTrue(!head.classVectors().segment().isReadOnly());
            head.classVectors().setFloat(4, -1f);
            assertEquals(-1f, head.classVectors().getFloat(4));
            head.restoreInitial();
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, head.classVectors().toFloatArray());
        }
    }

    @Test
    void badHeadsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ClassificationHead.of(new float[][] {{1, 2}}, 0.05));
        assertThrows(IllegalArgumentException.class, () -> ClassificationHead.of(new float[][] {{1, 2}, {3}}, 0.05));
        assertThrows(IllegalArgumentException.class, () -> ClassificationHead.of(new float[][] {{1, 2}, {3, 4}}, 0));
        assertThrows(IllegalArgumentException.class, () -> ClassificationHead.of(new float[][] {{1, Float.NaN}, {3, 4}}, 1));
        try (ClassificationHead head = ClassificationHead.of(new float[][] {{1, 2}, {3, 4}}, 1);
             Arena arena = Arena.ofConfined()) {
            assertThrows(IllegalArgumentException.class, () -> head.logits(Tensor.of(arena, new float[] {1, 2, 3}, 1, 3)));
        }
    }
}
