package dev.zoft.transformer.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.weights.RopeLayout;
import dev.zoft.weights.RopePermutation;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.weights.Safetensors;
import dev.zoft.weights.TensorStore;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Invariants of the decoder forward and its streaming head, on the golden fixtures' tiny models. */
class DecoderModelProperties {
    private static final WorkerPool POOL = WorkerPool.create(2);
    private static final WorkerPool ONE = WorkerPool.create(1);

    @Provide
    Arbitrary<String> models() {
        return Arbitraries.of(DecoderFixture.MODELS);
    }

    /** Random sequences of 1..maxLen tokens. */
    static List<int[]> sequences(long seed, int count, int maxLen, int vocab) {
        SplittableRandom r = new SplittableRandom(seed);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(r.ints(r.nextInt(1, maxLen + 1), 0, vocab).toArray());
        }
        return out;
    }

    /**
     * A sequence's logits do not depend on the padding side, the amount of padding, or the other
     * sequences of the batch: each one alone, left-padded and right-padded agree to rounding.
     */
    @Property(tries = 25)
    void paddingAndBatchmatesDoNotChangeASequence(@ForAll("models") String name, @ForAll @IntRange(min = 1, max = 4) int count,
                                                  @ForAll long seed) {
        DecoderFixture f = DecoderFixture.load(name);
        List<int[]> seqs = sequences(seed, count, 14, f.vocab());
        try (DecoderModel model = f.model(VectorWidth.configured(), POOL); Arena arena = Arena.ofShared()) {
            float[] left = model.logits(DecoderBatch.leftPadded(seqs, 1), arena).toFloatArray();
            DecoderBatch lb = DecoderBatch.leftPadded(seqs, 1);
            float[] right = model.logits(DecoderBatch.rightPadded(seqs, 2), arena).toFloatArray();
            DecoderBatch rb = DecoderBatch.rightPadded(seqs, 2);
            int v = f.vocab();
            for (int s = 0; s < count; s++) {
                int[] seq = seqs.get(s);
                float[] alone = model.logits(DecoderBatch.rightPadded(List.of(seq), 0), arena).toFloatArray();
                int lOff = s * lb.seqLen() + (lb.seqLen() - seq.length);
                int rOff = s * rb.seqLen();
                for (int i = 0; i < seq.length * v; i++) {
                    assertEquals(alone[i], left[lOff * v + i], 1e-5f, name + " left-padded seq " + s);
                    assertEquals(alone[i], right[rOff * v + i], 1e-5f, name + " right-padded seq " + s);
                }
            }
        }
    }

    /** The streaming log-softmax equals the log-softmax of the full logits, for every row and target. */
    @Property(tries = 20)
    void streamingHeadEqualsFullLogSoftmax(@ForAll("models") String name, @ForAll long seed) {
        DecoderFixture f = DecoderFixture.load(name);
        List<int[]> seqs = sequences(seed, 3, 10, f.vocab());
        DecoderBatch batch = DecoderBatch.leftPadded(seqs, 0);
        int v = f.vocab();
        try (DecoderModel model = f.model(VectorWidth.configured(), POOL); Arena arena = Arena.ofShared()) {
            float[] logits = model.logits(batch, arena).toFloatArray();
            Tensor hidden = model.forwardHidden(batch, arena);
            int[] rows = new int[batch.tokens()];
            int[][] targets = new int[rows.length][];
            SplittableRandom r = new SplittableRandom(seed);
            for (int i = 0; i < rows.length; i++) {
                rows[i] = i;
                targets[i] = r.ints(3, 0, v).toArray();
            }
            DecoderModel.RowScores s = model.scoreRows(hidden, rows, targets);
            for (int i = 0; i < rows.length; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < v; j++) {
                    max = Math.max(max, logits[i * v + j]);
                }
                double sum = 0;
                for (int j = 0; j < v; j++) {
                    sum += Math.exp(logits[i * v + j] - max);
                }
                double lse = max + Math.log(sum);
                assertEquals(lse, s.logSumExp()[i], 1e-5 * Math.max(1, Math.abs(lse)));
                for (int k = 0; k < 3; k++) {
                    assertEquals(logits[i * v + targets[i][k]], s.logits()[i][k], 1e-6f);
                    assertEquals((float) (logits[i * v + targets[i][k]] - lse), s.logProbs()[i][k], 2e-5f);
                }
            }
        }
    }

    /** One thread or two, the same bits; and layers run in two ranges give the same bits as one range. */
    @Property(tries = 10)
    void threadCountAndBlockSplitDoNotChangeBits(@ForAll("models") String name, @ForAll boolean scalar, @ForAll long seed) {
        DecoderFixture f = DecoderFixture.load(name);
        VectorWidth w = scalar ? VectorWidth.SCALAR : VectorWidth.configured();
        DecoderBatch batch = DecoderBatch.leftPadded(sequences(seed, 3, 12, f.vocab()), 0);
        int[] labels = batch.nextTokenLabels();
        try (DecoderModel one = DecoderModel.load(f.folder(), Kernels.create(w, ONE));
             DecoderModel two = f.model(w, POOL); Arena arena = Arena.ofShared()) {
            Tensor h1 = one.forwardHidden(batch, arena);
            Tensor h2 = two.embed(batch, arena);
            two.runLayers(h2, batch, 0, 1);
            two.runLayers(h2, batch, 1, two.numLayers());
            assertArrayEquals(h1.toFloatArray(), h2.toFloatArray(), "hidden states, 1 vs 2 threads and a block split");
            assertEquals(one.causalLmLoss(h1, batch, labels), two.causalLmLoss(h2, batch, labels), 0.0, "loss bits");
        }
    }

    /**
     * GGUF and llama2.c store Q and K rows permuted so that RoPE pairs neighbours: a Llama model with
     * each head's rows reordered (i, i + D/2) → (2i, 2i + 1) and the INTERLEAVED layout gives the
     * same logits as the Hugging Face weights with HALF_SPLIT.
     */
    @Test
    void interleavedLayoutOnPermutedWeightsEqualsHalfSplit() {
        for (String name : List.of("llama_gqa_tied", "qwen2_qkv_bias", "llama3_rope_scaling")) {
            DecoderFixture f = DecoderFixture.load(name);
            DecoderConfig config = DecoderConfig.fromConfigJson(f.folder().resolve("config.json"));
            DecoderBatch batch = DecoderBatch.leftPadded(f.sequences(), 0);
            try (TensorStore hf = Safetensors.open(f.folder()); Arena arena = Arena.ofShared()) {
                TensorStore.Builder permuted = TensorStore.builder("permuted " + name);
                for (Map.Entry<String, Tensor> e : hf.tensors().entrySet()) {
                    String n = e.getKey();
                    boolean q = n.contains("q_proj");
                    boolean k = n.contains("k_proj");
                    int heads = q ? config.numHeads() : config.numKvHeads();
                    permuted.put(n, q || k ? RopePermutation.toInterleaved(e.getValue(), heads, arena) : e.getValue());
                }
                try (TensorStore p = permuted.build();
                     DecoderModel ref = DecoderModel.load(config, hf, Kernels.create(VectorWidth.configured(), POOL), false);
                     DecoderModel gg = DecoderModel.load(config.withRopeLayout(RopeLayout.INTERLEAVED), p,
                             Kernels.create(VectorWidth.configured(), POOL), false)) {
                    float[] a = ref.logits(batch, arena).toFloatArray();
                    float[] b = gg.logits(batch, arena).toFloatArray();
                    assertArrayEquals(a, b, 1e-5f, name);
                    float worst = DecoderGoldenTest.worstLogitDiff(f, batch, b);
                    assertTrue(worst <= DecoderGoldenTest.TOLERANCE, name + " interleaved vs PyTorch: " + worst);
                }
            }
        }
    }

    /**
     * The streaming head across several vocabulary chunks (a ragged last one) and row blocks: a
     * random one-layer Llama with a 9,001-token vocabulary scored on 1,120 rows, against the
     * log-softmax of the full logits.
     */
    @Test
    void streamingHeadAcrossChunksAndRowBlocks() {
        int vocab = 2 * DecoderModel.VOCAB_CHUNK + 809;
        DecoderConfig c = new DecoderConfig(DecoderConfig.Architecture.LLAMA, vocab, 8, 1, 2, 1, 4, 16, 1024, 1e-5f, 10000,
                null, RopeLayout.HALF_SPLIT, false, false, false, false);
        SplittableRandom r = new SplittableRandom(11);
        try (Arena arena = Arena.ofShared()) {
            java.util.Map<String, Tensor> w = new java.util.HashMap<>();
            w.put("model.embed_tokens.weight", random(arena, r, vocab, 8));
            w.put("lm_head.weight", random(arena, r, vocab, 8));
            w.put("model.norm.weight", random(arena, r, 8));
            String l = "model.layers.0.";
            w.put(l + "input_layernorm.weight", random(arena, r, 8));
            w.put(l + "post_attention_layernorm.weight", random(arena, r, 8));
            w.put(l + "self_attn.q_proj.weight", random(arena, r, 8, 8));
            w.put(l + "self_attn.k_proj.weight", random(arena, r, 4, 8));
            w.put(l + "self_attn.v_proj.weight", random(arena, r, 4, 8));
            w.put(l + "self_attn.o_proj.weight", random(arena, r, 8, 8));
            w.put(l + "mlp.gate_proj.weight", random(arena, r, 16, 8));
            w.put(l + "mlp.up_proj.weight", random(arena, r, 16, 8));
            w.put(l + "mlp.down_proj.weight", random(arena, r, 8, 16));
            DecoderWeights weights = DecoderWeights.load(c, w::get, arena, "random wide-vocabulary decoder");
            List<int[]> seqs = List.of(r.ints(560, 0, vocab).toArray(), r.ints(560, 0, vocab).toArray());
            DecoderBatch batch = DecoderBatch.rightPadded(seqs, 0);
            assertTrue(batch.tokens() > DecoderModel.ROW_BLOCK);
            try (DecoderModel model = new DecoderModel(c, weights, Kernels.create(VectorWidth.configured(), POOL))) {
                float[] logits = model.logits(batch, arena).toFloatArray();
                int[] labels = batch.nextTokenLabels();
                double nll = 0;
                int n = 0;
                for (int row = 0; row < labels.length; row++) {
                    if (labels[row] < 0) {
                        continue;
                    }
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < vocab; j++) {
                        max = Math.max(max, logits[row * vocab + j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < vocab; j++) {
                        sum += Math.exp(logits[row * vocab + j] - max);
                    }
                    nll += max + Math.log(sum) - logits[row * vocab + labels[row]];
                    n++;
                }
                assertEquals(nll / n, model.causalLmLoss(batch, labels), 1e-5 * (nll / n));
                Tensor hidden = model.forwardHidden(batch, arena);
                int last = batch.tokens() - 1;
                DecoderModel.RowScores s = model.scoreRows(hidden, new int[] {last, 0},
                        new int[][] {{0, DecoderModel.VOCAB_CHUNK, vocab - 1}, {vocab - 1}});
                assertEquals(logits[last * vocab + vocab - 1], s.logits()[0][2], 1e-5f);
                assertEquals(logits[last * vocab + DecoderModel.VOCAB_CHUNK], s.logits()[0][1], 1e-5f);
                assertEquals(logits[vocab - 1], s.logits()[1][0], 1e-5f);
            }
        }
    }

    private static Tensor random(Arena arena, SplittableRandom r, long... shape) {
        float[] v = new float[(int) java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return Tensor.of(arena, v, shape);
    }
}
