package dev.zoft.zo.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.weights.RopeLayout;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.transformer.decoder.DecoderBatch;
import dev.zoft.transformer.decoder.DecoderConfig;
import dev.zoft.transformer.decoder.DecoderConfig.Architecture;
import dev.zoft.transformer.decoder.DecoderWeights;
import dev.zoft.zo.estimate.FedSpzo;
import dev.zoft.zo.estimate.LearningRate;
import dev.zoft.zo.estimate.MeZo;
import dev.zoft.zo.estimate.ZoSettings;
import dev.zoft.zo.estimate.ZoSgd;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * ZO finetuning of a tiny random Llama-family decoder on a causal-LM task (sequences that count
 * up by 3 modulo the vocabulary: a bigram rule the random model does not know). The loss must
 * fall along a fixed-seed trajectory pinned to the values this code computed once (bit-exact:
 * z, the kernels and the loss are deterministic); and FedSPZO's block-1 reuse must give the same
 * loss as the full forward.
 */
@org.junit.jupiter.api.Tag("mixed-widths")
class DecoderZoTest {
    /** The trajectory is pinned at one width (Vector API arithmetic is exact IEEE, so the same bits on any host). */
    static final VectorWidth PINNED_WIDTH = VectorWidth.W256;
    static final DecoderConfig TINY = new DecoderConfig(Architecture.LLAMA, 32, 16, 2, 4, 2, 4, 32, 64, 1e-5f, 10000, null,
            RopeLayout.HALF_SPLIT, true, false, false, false);

    /** Random weights under Hugging Face names: Linear ±1/√in, norms 1, embeddings ±1. */
    static DecoderWeights randomWeights(Arena arena, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, Tensor> w = new HashMap<>();
        int h = TINY.hiddenSize();
        int f = TINY.intermediateSize();
        w.put("model.embed_tokens.weight", random(arena, r, 1f, TINY.vocabSize(), h));
        for (int i = 0; i < TINY.numLayers(); i++) {
            String l = "model.layers." + i + ".";
            w.put(l + "input_layernorm.weight", ones(arena, h));
            w.put(l + "post_attention_layernorm.weight", ones(arena, h));
            w.put(l + "self_attn.q_proj.weight", random(arena, r, 0.25f, TINY.qWidth(), h));
            w.put(l + "self_attn.k_proj.weight", random(arena, r, 0.25f, TINY.kvWidth(), h));
            w.put(l + "self_attn.v_proj.weight", random(arena, r, 0.25f, TINY.kvWidth(), h));
            w.put(l + "self_attn.o_proj.weight", random(arena, r, 0.25f, h, TINY.qWidth()));
            w.put(l + "mlp.gate_proj.weight", random(arena, r, 0.25f, f, h));
            w.put(l + "mlp.up_proj.weight", random(arena, r, 0.25f, f, h));
            w.put(l + "mlp.down_proj.weight", random(arena, r, 0.18f, h, f));
        }
        w.put("model.norm.weight", ones(arena, h));
        return DecoderWeights.load(TINY, w::get, arena, "random tiny decoder");
    }

    private static Tensor random(Arena arena, SplittableRandom r, float scale, long rows, long cols) {
        float[] v = new float[(int) (rows * cols)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        }
        return Tensor.of(arena, v, rows, cols);
    }

    private static Tensor ones(Arena arena, int n) {
        float[] v = new float[n];
        Arrays.fill(v, 1f);
        return Tensor.of(arena, v, n);
    }

    /** Sequences t, t+3, t+6, … (mod vocab) of 6 to 12 tokens, left-padded. */
    static CausalLmObjective.Batch countingBatch(long seed, int size) {
        SplittableRandom r = new SplittableRandom(seed);
        List<int[]> seqs = new ArrayList<>();
        for (int b = 0; b < size; b++) {
            int[] s = new int[r.nextInt(6, 13)];
            s[0] = r.nextInt(TINY.vocabSize());
            for (int t = 1; t < s.length; t++) {
                s[t] = (s[t - 1] + 3) % TINY.vocabSize();
            }
            seqs.add(s);
        }
        return CausalLmObjective.Batch.nextTokens(DecoderBatch.leftPadded(seqs, 0));
    }

    static final String MEZO_PINNED = "[7.190156027328136, 6.114472276480623, 5.163314732470254, 4.595901870450308]";
    static final String FEDSPZO_PINNED = "[7.190156027328136, 6.025671782419663, 5.143432481344356, 4.689291085383688]";

    private static double[] trajectory(WorkerPool pool, boolean fedSpzo) {
        try (Arena arena = Arena.ofShared();
             CausalLmObjective lm = new CausalLmObjective(TINY, randomWeights(arena, 5), Kernels.create(PINNED_WIDTH, pool),
                     DecoderSubset.all(), 1)) {
            CausalLmObjective.Batch dev = countingBatch(999, 16);
            var estimator = fedSpzo ? new FedSpzo(1, 4, FedSpzo.Variant.NESTED, ZoSettings.gaussian(1e-3f))
                    : new MeZo(4, ZoSettings.gaussian(1e-3f));
            ZoSgd<CausalLmObjective.Batch> sgd = new ZoSgd<>(lm, estimator, LearningRate.constant(2e-3), pool, 17L, u -> { });
            List<Double> losses = new ArrayList<>();
            losses.add(lm.loss(dev));
            for (int s = 1; s <= 150; s++) {
                sgd.step(countingBatch(s, 8));
                if (s % 50 == 0) {
                    losses.add(lm.loss(dev));
                }
            }
            return losses.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    @Test
    void mezoLowersTheCausalLmLossAlongThePinnedTrajectory() {
        try (WorkerPool pool = WorkerPool.create(2)) {
            double[] got = trajectory(pool, false);
            System.out.println("decoder MeZO dev loss every 50 steps: " + Arrays.toString(got));
            assertTrue(got[got.length - 1] < got[0] - 0.3, "loss did not fall: " + Arrays.toString(got));
            assertEquals(MEZO_PINNED, Arrays.toString(got), "trajectory changed");
            try (WorkerPool one = WorkerPool.create(1)) {
                assertEquals(Arrays.toString(got), Arrays.toString(trajectory(one, false)), "1 vs 2 threads");
            }
        }
    }

    @Test
    void fedSpzoLowersTheLossToo() {
        try (WorkerPool pool = WorkerPool.create(2)) {
            double[] got = trajectory(pool, true);
            System.out.println("decoder FedSPZO dev loss every 50 steps: " + Arrays.toString(got));
            assertTrue(got[got.length - 1] < got[0] - 0.3, "loss did not fall: " + Arrays.toString(got));
            assertEquals(FEDSPZO_PINNED, Arrays.toString(got), "trajectory changed");
        }
    }

    @Test
    void blockReuseEqualsTheFullForwardAndRestoreIsExact() {
        try (WorkerPool pool = WorkerPool.create(2); Arena arena = Arena.ofShared();
             CausalLmObjective lm = new CausalLmObjective(TINY, randomWeights(arena, 5), Kernels.create(VectorWidth.configured(), pool),
                     DecoderSubset.topLayers(1), 1)) {
            CausalLmObjective.Batch b = countingBatch(3, 4);
            double full = lm.model().causalLmLoss(b.tokens(), b.labels());
            try (var h = lm.forwardBlock1(b)) {
                assertEquals(full, lm.lossFromBlock1(h, b), 0.0);
                assertEquals(full, lm.lossFromBlock1(h, b), 0.0, "the state is not consumed");
            }
            assertTrue(lm.block1().size() == 0 && lm.block2().size() > 0, "top-1 of 2 layers trains only block 2");
            lm.block2().entries().get(0).tensor().setFloat(0, 42f);
            assertTrue(lm.loss(b) != full);
            lm.restoreInitial();
            assertEquals(full, lm.loss(b), 0.0);
            assertEquals(TINY.layerFlops(4, b.tokens().seqLen()), lm.block1Flops(b));
        }
    }

    @Test
    void labelWordClassifierLossIsTheCrossEntropyOfTheLabelWordLogits() {
        try (WorkerPool pool = WorkerPool.create(2); Arena arena = Arena.ofShared();
             LabelWordClassifier c = new LabelWordClassifier(TINY, randomWeights(arena, 8),
                     Kernels.create(VectorWidth.configured(), pool), DecoderSubset.norms(), 1, new int[] {4, 9, 30})) {
            DecoderBatch prompts = DecoderBatch.leftPadded(List.of(new int[] {1, 2, 3}, new int[] {5}, new int[] {7, 7, 7, 7}), 0);
            LabelWordClassifier.Batch b = new LabelWordClassifier.Batch(prompts, new int[] {0, 2, 1});
            float[][] logits = c.logits(b);
            double expected = 0;
            for (int s = 0; s < 3; s++) {
                double lse = Math.log(Math.exp(logits[s][0]) + Math.exp(logits[s][1]) + Math.exp(logits[s][2]));
                expected += lse - logits[s][b.labels()[s]];
            }
            assertEquals(expected / 3, c.loss(b), 1e-6);
            assertEquals(3, c.predict(b).length);
            assertThrows(IllegalArgumentException.class,
                    () -> c.loss(new LabelWordClassifier.Batch(prompts, new int[] {0, 3, 1})), "class outside the label words");
            assertTrue(c.parameters().size() > 0 && c.parameters().entries().stream()
                    .allMatch(e -> e.name().endsWith("NormWeight") || e.name().startsWith("norm.")), "norms subset");
        }
    }
}
