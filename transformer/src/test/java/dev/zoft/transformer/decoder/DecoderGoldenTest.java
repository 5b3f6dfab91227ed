package dev.zoft.transformer.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.parallel.WorkerPool;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every decoder family against the independent PyTorch reference ({@code fixtures-gen/}): the
 * fixture's sequences in one left-padded and one right-padded batch must give, for every real
 * token, the logits PyTorch computed for the sequence alone (within 1e-4), and the streaming head
 * the same causal-LM losses and label-word log-probabilities; at every vector width and the
 * scalar twin.
 */
@org.junit.jupiter.api.Tag("mixed-widths")
class DecoderGoldenTest {
    static final float TOLERANCE = 1e-4f;
    private static final WorkerPool POOL = WorkerPool.create(2);

    @AfterAll
    static void closePool() {
        POOL.close();
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String m : DecoderFixture.MODELS) {
            for (VectorWidth w : VectorWidth.values()) {
                out.add(Arguments.of(m, w, true));
                out.add(Arguments.of(m, w, false));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} @{1} left-padded={2}")
    @MethodSource("cases")
    void paddedBatchMatchesPyTorch(String name, VectorWidth width, boolean left) {
        DecoderFixture f = DecoderFixture.load(name);
        DecoderBatch batch = left ? DecoderBatch.leftPadded(f.sequences(), 0) : DecoderBatch.rightPadded(f.sequences(), 0);
        try (DecoderModel model = f.model(width, POOL); Arena arena = Arena.ofShared()) {
            assertEquals(f.vocab(), model.config().vocabSize());
            Tensor logits = model.logits(batch, arena);
            float worst = worstLogitDiff(f, batch, logits.toFloatArray());
            assertTrue(worst <= TOLERANCE, name + ": logits differ from PyTorch by " + worst);

            double loss = model.causalLmLoss(batch, batch.nextTokenLabels());
            assertEquals(f.loss(), loss, TOLERANCE * Math.max(1, Math.abs(f.loss())), name + ": causal-LM loss");
            double cont = model.causalLmLoss(batch, batch.nextTokenLabels(f.promptLengths()));
            assertEquals(f.continuationLoss(), cont, TOLERANCE * Math.max(1, Math.abs(f.continuationLoss())),
                    name + ": continuation-only loss");

            DecoderModel.RowScores scores = model.labelWordScores(batch, f.labelWords());
            for (int s = 0; s < f.sequences().size(); s++) {
                assertArrayEquals(f.labelLogProbs()[s], scores.logProbs()[s], TOLERANCE, name + ": label words of sequence " + s);
                int last = f.sequences().get(s).length - 1;
                for (int j = 0; j < f.labelWords().length; j++) {
                    float expectedLogit = f.logits().get(s)[last * f.vocab() + f.labelWords()[j]];
                    assertEquals(expectedLogit, scores.logits()[s][j], TOLERANCE, name + ": label-word logit");
                }
            }
            System.out.printf("decoder golden %s @%s %s: max |Δ logit| %.3g, loss %.6f (PyTorch %.6f)%n",
                    name, width, left ? "left" : "right", worst, loss, f.loss());
        }
    }

    /** Largest |Java − PyTorch| over the real tokens of every sequence. */
    static float worstLogitDiff(DecoderFixture f, DecoderBatch batch, float[] logits) {
        int v = f.vocab();
        int[] mask = batch.mask();
        float worst = 0;
        for (int s = 0; s < f.sequences().size(); s++) {
            float[] expected = f.logits().get(s);
            int t = 0;
            for (int col = 0; col < batch.seqLen(); col++) {
                int row = s * batch.seqLen() + col;
                if (mask[row] == 0) {
                    continue;
                }
                for (int j = 0; j < v; j++) {
                    worst = Math.max(worst, Math.abs(expected[t * v + j] - logits[row * v + j]));
                }
                t++;
            }
            assertEquals(f.sequences().get(s).length, t);
        }
        return worst;
    }
}
