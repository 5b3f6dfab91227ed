package dev.zoft.transformer.bert;

import static dev.zoft.transformer.bert.MiniLmTestModel.all;
import static dev.zoft.transformer.bert.MiniLmTestModel.batchOf;
import static dev.zoft.transformer.bert.MiniLmTestModel.golden;
import static dev.zoft.transformer.bert.MiniLmTestModel.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.VectorWidth;
import dev.zoft.transformer.EncoderBatch;
import dev.zoft.transformer.EncoderOutput;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Right padding does not change a sentence's results: each fixture sentence run alone (batch of
 * one, no padding) against the same sentence inside batches of several compositions.
 */
class BertPaddingTest {
    private static final float TOLERANCE = 1e-5f;

    private static BertModel model;
    /** [sentence][token] hidden states and [sentence] pooled embeddings, each sentence run alone. */
    private static float[][][] aloneHidden;
    private static float[][] alonePooled;

    @BeforeAll
    static void runEachSentenceAlone() {
        model = MiniLmTestModel.model(VectorWidth.configured(), 2);
        int n = golden().size();
        aloneHidden = new float[n][][];
        alonePooled = new float[n][];
        for (int s = 0; s < n; s++) {
            EncoderBatch one = batchOf(0, s);
            try (EncoderOutput out = model.forward(one)) {
                aloneHidden[s] = new float[one.seqLen()][];
                for (int t = 0; t < one.seqLen(); t++) {
                    aloneHidden[s][t] = out.hidden(0, t);
                }
                alonePooled[s] = out.embeddings(false)[0];
            }
        }
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static Stream<Arguments> compositions() {
        int[] every = all();
        int[] reversed = new int[every.length];
        for (int i = 0; i < every.length; i++) {
            reversed[i] = every[every.length - 1 - i];
        }
        return Stream.of(
                Arguments.of("all sentences, fixture order", 0, every),
                Arguments.of("all sentences, reversed", 0, reversed),
                Arguments.of("longest with the shortest", 0, new int[] {8, 0}),
                Arguments.of("short sentences padded to 64", 64, new int[] {0, 10, 3, 17}),
                Arguments.of("one sentence padded to 40", 40, new int[] {5}),
                Arguments.of("the same sentence twice", 0, new int[] {12, 12, 0}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compositions")
    void paddedBatchEqualsEachSentenceAlone(String name, int seqLen, int[] sentences) {
        EncoderBatch batch = batchOf(seqLen, sentences);
        try (EncoderOutput out = model.forward(batch)) {
            float[][] pooled = out.embeddings(false);
            for (int b = 0; b < sentences.length; b++) {
                int s = sentences[b];
                for (int t = 0; t < aloneHidden[s].length; t++) {
                    float d = maxAbsDiff(out.hidden(b, t), aloneHidden[s][t]);
                    assertTrue(d <= TOLERANCE, name + ": sentence " + s + " token " + t + " differs by " + d);
                }
                float d = maxAbsDiff(pooled[b], alonePooled[s]);
                assertTrue(d <= TOLERANCE, name + ": pooled sentence " + s + " differs by " + d);
            }
        }
    }
}
