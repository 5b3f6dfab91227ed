package dev.zoft.zo.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.transformer.SentenceEmbedder;
import dev.zoft.weights.BertParameterNames;
import dev.zoft.zo.params.ParameterView;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The split objective's contract on a tiny random BERT (3 layers, H 8, MiniLM's vocabulary so the
 * real tokenizer feeds it): the loss in two blocks is the loss, the block state is never
 * modified, block 2's parameters do not reach block 1, the parameter views partition, FLOPs.
 */
class EncoderClassifierTest {
    private static WorkerPool pool;

    @BeforeAll
    static void openPool() {
        pool = WorkerPool.create(2);
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    private static EncoderClassifier classifier(ClassifierOptions options) {
        return TaskFixtures.tinyClassifier(pool, options);
    }

    private static LabelledBatch batch(EncoderClassifier c) {
        TaskFixtures.Labelled s = TaskFixtures.sentences();
        return c.encode(s.texts(), s.labels());
    }

    private static long bits(double d) {
        return Double.doubleToRawLongBits(d);
    }

    @Test
    void lossIsBlock1ThenBlock2AndTheStateIsLeftAlone() {
        try (EncoderClassifier c = classifier(ClassifierOptions.defaults())) {
            LabelledBatch batch = batch(c);
            double loss = c.loss(batch);
            assertTrue(Double.isFinite(loss) && loss > 0, "loss " + loss);
            try (EncoderClassifier.HiddenState h = c.forwardBlock1(batch)) {
                float[] before = h.hiddenValues();
                double first = c.lossFromBlock1(h, batch);
                assertArrayEquals(before, h.hiddenValues(), "lossFromBlock1 wrote into the state");
                double second = c.lossFromBlock1(h, batch);
                assertEquals(bits(loss), bits(first));
                assertEquals(bits(first), bits(second));
                assertEquals((long) batch.size() * batch.seqLen() * TaskFixtures.TINY.hiddenSize() * Float.BYTES, h.bytes());
            }
        }
    }

    @Test
    void block1IsTheEncoderUpToTheSplit() {
        try (EncoderClassifier c = classifier(ClassifierOptions.defaults().withSplitLayer(1))) {
            LabelledBatch batch = batch(c);
            try (EncoderClassifier.HiddenState h = c.forwardBlock1(batch);
                 var arena = java.lang.foreign.Arena.ofShared()) {
                Tensor expected = c.model().embed(batch.tokens(), arena);
                c.model().runLayers(expected, batch.tokens(), 0, 1);
                assertArrayEquals(expected.toFloatArray(), h.hiddenValues());
            }
        }
    }

    @Test
    void block2ParametersDoNotReachBlock1ButChangeTheLoss() {
        try (EncoderClassifier c = classifier(ClassifierOptions.defaults())) {
            LabelledBatch batch = batch(c);
            float[] hidden;
            double loss;
            try (EncoderClassifier.HiddenState h = c.forwardBlock1(batch)) {
                hidden = h.hiddenValues();
                loss = c.lossFromBlock1(h, batch);
            }
            for (ParameterView.Entry e : c.block2().entries()) {
                shift(e.tensor(), 0.25f);
            }
            try (EncoderClassifier.HiddenState h = c.forwardBlock1(batch)) {
                assertArrayEquals(hidden, h.hiddenValues(), "block 2's parameters changed block 1's output");
                assertNotEquals(bits(loss), bits(c.lossFromBlock1(h, batch)));
            }
            c.restoreInitial();
            for (ParameterView.Entry e : c.block1().entries()) {
                shift(e.tensor(), 0.25f);
            }
            try (EncoderClassifier.HiddenState h = c.forwardBlock1(batch)) {
                assertFalse(java.util.Arrays.equals(hidden, h.hiddenValues()), "block 1's parameters must change its output");
            }
            c.restoreInitial();
            assertEquals(bits(loss), bits(c.loss(batch)), "restoreInitial brings back the starting loss bit for bit");
        }
    }

    @Test
    void lossIsIdenticalOnOneAndTwoThreads() {
        double[] losses = new double[2];
        for (int threads = 1; threads <= 2; threads++) {
            try (WorkerPool p = WorkerPool.create(threads);
                 EncoderClassifier c = TaskFixtures.tinyClassifier(p, ClassifierOptions.defaults())) {
                losses[threads - 1] = c.loss(batch(c));
            }
        }
        assertEquals(bits(losses[0]), bits(losses[1]));
    }

    @Test
    void parameterViewsPartitionByLayerInForwardOrder() {
        try (EncoderClassifier c = classifier(ClassifierOptions.defaults().withSplitLayer(2))) {
            List<String> names = names(c.parameters());
            List<String> expected = new ArrayList<>(BertParameterNames.expected(3));
            expected.add(ClassificationHead.PARAMETER_NAME);
            assertEquals(expected, names);
            long offset = 0;
            for (ParameterView.Entry e : c.parameters().entries()) {
                assertEquals(offset, e.offset(), e.name());
                offset = e.end();
            }
            Set<String> b1 = new HashSet<>(names(c.block1()));
            Set<String> b2 = new HashSet<>(names(c.block2()));
            for (String n : names) {
                boolean first = n.startsWith("embeddings.") || n.startsWith("encoder.layer.0.") || n.startsWith("encoder.layer.1.");
                assertEquals(first, b1.contains(n), n);
                assertEquals(!first, b2.contains(n), n);
            }
            for (ParameterView view : List.of(c.block1(), c.block2())) {
                for (ParameterView.Entry e : view.entries()) {
                    assertEquals(c.parameters().tensors().get(e.name()), e.tensor(), e.name());
                    assertEquals(offsetIn(c.parameters(), e.name()), e.offset(), "global offset of " + e.name());
                }
            }
            assertEquals(c.parameters().size(), c.block1().size() + c.block2().size());
        }
    }

    @Test
    void headOnlyLeavesBlock1WithoutParameters() {
        try (EncoderClassifier c = classifier(ClassifierOptions.defaults().withTrainable(TrainableSubset.headOnly()))) {
            assertEquals(0, c.block1().size());
            assertEquals(List.of(ClassificationHead.PARAMETER_NAME), names(c.block2()));
            assertEquals(2L * TaskFixtures.TINY.hiddenSize(), c.parameters().size());
        }
    }

    @Test
    void flopsFollowTheShapesExactly() {
        int h = 8;
        int f = 16;
        int heads = 2;
        int d = 4;
        for (int split = 0; split <= 3; split++) {
            try (EncoderClassifier c = classifier(ClassifierOptions.defaults().withSplitLayer(split))) {
                LabelledBatch batch = batch(c);
                long b = batch.size();
                long t = batch.seqLen();
                long m = b * t;
                long gemms = 2 * m * h * h * 4 + 2 * m * f * h + 2 * m * h * f;
                long attention = 2 * (2 * b * heads * t * t * d);
                long layer = gemms + attention;
                long head = 2 * b * 2 * h;
                assertEquals(split * layer, c.block1Flops(batch), "split " + split);
                assertEquals((3 - split) * layer + head, c.block2Flops(batch), "split " + split);
            }
        }
    }

    @Test
    void defaultSplitIsTheLastBoundaryAtOrBelowThreeQuartersOfTheLayers() {
        assertEquals(4, EncoderClassifier.defaultSplit(6));
        assertEquals(9, EncoderClassifier.defaultSplit(12));
        assertEquals(2, EncoderClassifier.defaultSplit(3));
        assertEquals(0, EncoderClassifier.defaultSplit(1));
        try (EncoderClassifier c = classifier(ClassifierOptions.defaults())) {
            assertEquals(2, c.splitLayer());
        }
        assertThrows(IllegalArgumentException.class, () -> classifier(ClassifierOptions.defaults().withSplitLayer(4)));
        assertThrows(IllegalArgumentException.class, () -> ClassifierOptions.defaults().withSplitLayer(-2));
    }

    @Test
    void classVectorsStartAsTheNormalisedPromptEmbeddings() {
        List<String> prompts = List.of("It was terrible.", "It was okay.", "It was great.");
        try (EncoderClassifier c = classifier(ClassifierOptions.defaults().withLabelPrompts(prompts))) {
            assertEquals(3, c.head().numClasses());
            SentenceEmbedder embedder = new SentenceEmbedder(c.batchEncoder().tokenizer(), c.model(), true);
            float[] vectors = c.head().classVectors().toFloatArray();
            for (int k = 0; k < prompts.size(); k++) {
                float[] e = embedder.embed(prompts.get(k));
                float[] row = java.util.Arrays.copyOfRange(vectors, k * 8, k * 8 + 8);
                for (int i = 0; i < 8; i++) {
                    assertEquals(e[i], row[i], 1e-6f, "prompt " + k + " element " + i);
                }
            }
            // The zero-shot prediction of a prompt is its own class.
            LabelledBatch own = c.encode(prompts, new int[] {0, 1, 2});
            assertArrayEquals(new int[] {0, 1, 2}, c.predict(own));
            Evaluation e = c.evaluate(prompts, new int[] {0, 1, 2}, 2);
            assertEquals(3, e.correct());
            assertEquals(3, e.total());
        }
    }

    @Test
    void foreignClosedOrMismatchedStatesAreRefused() {
        try (EncoderClassifier a = classifier(ClassifierOptions.defaults());
             EncoderClassifier b = classifier(ClassifierOptions.defaults())) {
            LabelledBatch batch = batch(a);
            try (EncoderClassifier.HiddenState h = b.forwardBlock1(batch)) {
                assertThrows(IllegalArgumentException.class, () -> a.lossFromBlock1(h, batch));
            }
            EncoderClassifier.HiddenState closed = a.forwardBlock1(batch);
            closed.close();
            assertThrows(IllegalStateException.class, () -> a.lossFromBlock1(closed, batch));
            LabelledBatch other = a.encode(List.of("short", "a much longer sentence than the other one"), new int[] {0, 1});
            try (EncoderClassifier.HiddenState h = a.forwardBlock1(batch)) {
                assertThrows(IllegalArgumentException.class, () -> a.lossFromBlock1(h, other));
            }
            LabelledBatch badLabel = a.encode(List.of("fine"), new int[] {2});
            assertThrows(IllegalArgumentException.class, () -> a.loss(badLabel));
        }
    }

    @Test
    void textsAreTruncatedAtMaxTokensAndPaddedToTheLongest() {
        try (EncoderClassifier c = classifier(ClassifierOptions.defaults().withMaxTokens(10))) {
            LabelledBatch batch = c.encode(List.of("one two three four five six seven eight nine ten eleven twelve", "hi"),
                    new int[] {1, 0});
            assertEquals(10, batch.seqLen());
            assertEquals(10, batch.tokens().realTokens(0));
            assertEquals(3, batch.tokens().realTokens(1));
            assertArrayEquals(new int[] {1, 0}, batch.labels());
            assertThrows(IllegalArgumentException.class, () -> c.encode(List.of("a", "b"), new int[] {1}));
            assertThrows(IllegalArgumentException.class, () -> c.encode(List.of(), new int[0]));
        }
        try (EncoderClassifier c = classifier(ClassifierOptions.defaults())) {
            LabelledBatch batch = c.encode(List.of(String.join(" ", java.util.Collections.nCopies(200, "word"))), new int[] {0});
            assertEquals(64, batch.seqLen());
        }
    }

    @Test
    void closedClassifierRefusesWork() {
        EncoderClassifier c = classifier(ClassifierOptions.defaults());
        LabelledBatch batch = batch(c);
        c.close();
        c.close();
        assertThrows(IllegalStateException.class, () -> c.loss(batch));
    }

    private static void shift(Tensor t, float by) {
        for (long i = 0; i < t.numel(); i++) {
            t.setFloat(i, t.getFloat(i) + by);
        }
    }

    private static List<String> names(ParameterView view) {
        return view.entries().stream().map(ParameterView.Entry::name).toList();
    }

    private static long offsetIn(ParameterView view, String name) {
        return view.entries().stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow().offset();
    }


    /**
     * Fused mode sees exactly what an in-place perturbation writes: the loss at θ + ε·z through the
     * perturbing kernels (and the head's own perturbed class vectors) equals, bit for bit, the loss
     * after the in-place pass; the parameters are not written; clearing returns to θ.
     */
    @Test
    void fusedEvaluationEqualsTheInPlacePerturbationBitForBit() {
        for (dev.zoft.tensor.random.Distribution d : dev.zoft.tensor.random.Distribution.values()) {
            try (EncoderClassifier c = classifier(ClassifierOptions.defaults().withSplitLayer(1))) {
                LabelledBatch b = batch(c);
                double base = c.loss(b);
                float[] before = c.parameters().entries().get(0).tensor().toFloatArray();
                c.perturbFused(java.util.List.of(new dev.zoft.zo.params.FusedDirection(c.parameters(), d, 77L, 1e-2f)));
                double fused = c.loss(b);
                c.perturbFused(java.util.List.of());
                org.junit.jupiter.api.Assertions.assertArrayEquals(before, c.parameters().entries().get(0).tensor().toFloatArray(),
                        "fused mode never writes the parameters");
                assertEquals(bits(base), bits(c.loss(b)), "cleared: the loss at θ again");
                new dev.zoft.zo.params.Perturbation(d, pool).axpy(c.parameters(), 77L, 1e-2f);
                assertEquals(bits(c.loss(b)), bits(fused), d + ": fused equals in place");
                assertTrue(fused != base, "the perturbation is seen");
            }
        }
    }
}
