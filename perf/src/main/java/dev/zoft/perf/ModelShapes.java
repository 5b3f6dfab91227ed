package dev.zoft.perf;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.transformer.EncoderBatch;
import dev.zoft.transformer.bert.MiniLm;
import dev.zoft.transformer.decoder.DecoderBatch;
import dev.zoft.transformer.decoder.DecoderConfig;
import dev.zoft.transformer.decoder.DecoderConfig.Architecture;
import dev.zoft.transformer.decoder.DecoderWeights;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.weights.RopeLayout;
import dev.zoft.weights.TensorStore;
import dev.zoft.zo.task.CausalLmObjective;
import dev.zoft.zo.task.ClassifierOptions;
import dev.zoft.zo.task.DecoderSubset;
import dev.zoft.zo.task.EncoderClassifier;
import dev.zoft.zo.task.LabelledBatch;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The model shapes and inputs the benchmarks share (issue 4's reference figures are measured on
 * them): all-MiniLM-L6-v2 (the bundled real weights) on a batch of 16 × 64 tokens, and a
 * SmolLM2-135M-shaped Llama with random weights on a batch of 4 × 256 tokens.
 */
public final class ModelShapes {

    /** MiniLM batch: sequences × tokens. */
    public static final int MINILM_BATCH = 16;
    public static final int MINILM_SEQ_LEN = 64;

    /** SmolLM2 batch: sequences × tokens. */
    public static final int SMOLLM2_BATCH = 4;
    public static final int SMOLLM2_SEQ_LEN = 256;

    /** SmolLM2-135M's shape: hidden 576, 30 layers, 9 heads, 3 KV heads, FFN 1536, vocabulary 49,152, tied embeddings. */
    public static final DecoderConfig SMOLLM2_135M = new DecoderConfig(Architecture.LLAMA, 49152, 576, 30, 9, 3, 64, 1536, 8192,
            1e-5f, 100000, null, RopeLayout.HALF_SPLIT, true, false, false, false);

    private ModelShapes() {
    }

    /**
     * The MiniLM ZO objective of the reference: the bundled all-MiniLM-L6-v2 as a sentiment
     * classifier ({@link ClassifierOptions#defaults()}: every encoder parameter and the head
     * trainable), computing with {@code kernels}. Closing it closes the checkpoint, not the kernels' pool.
     */
    public static EncoderClassifier miniLmClassifier(Kernels kernels) {
        return EncoderClassifier.miniLm(kernels, ClassifierOptions.defaults());
    }

    /** {@link #miniLmBatch} with random binary labels. */
    public static LabelledBatch miniLmLabelledBatch(long seed) {
        return LabelledBatch.of(miniLmBatch(seed), new SplittableRandom(seed).ints(MINILM_BATCH, 0, 2).toArray());
    }

    /**
     * A causal-LM ZO objective over a SmolLM2-135M-shaped model with random F32 weights, every
     * parameter trainable: the random base weights (in their own arena) plus the objective's
     * trainable copies. Close it to free both.
     */
    public record RandomDecoder(Arena arena, TensorStore store, CausalLmObjective objective) implements AutoCloseable {

        /** Builds the random base and the objective (block 1 = the first ⌊3L/4⌋ layers) on {@code kernels}. */
        public static RandomDecoder smolLm2(Kernels kernels) {
            DecoderConfig c = SMOLLM2_135M;
            Arena arena = Arena.ofShared();
            try {
                TensorStore store = randomLlamaWeights(c, DType.F32, arena);
                DecoderWeights base = DecoderWeights.load(c, name -> store.find(name).orElse(null), arena, store.source());
                CausalLmObjective objective = new CausalLmObjective(c, base, kernels, DecoderSubset.all(), 3 * c.numLayers() / 4);
                return new RandomDecoder(arena, store, objective);
            } catch (RuntimeException | Error e) {
                arena.close();
                throw e;
            }
        }

        /** Every next token of {@link #decoderBatch} is a target. */
        public static CausalLmObjective.Batch batch(long seed) {
            return CausalLmObjective.Batch.nextTokens(decoderBatch(SMOLLM2_135M, seed));
        }

        @Override
        public void close() {
            objective.close();
            store.close();
            arena.close();
        }
    }

    /**
     * {@value #MINILM_BATCH} sequences of {@value #MINILM_SEQ_LEN} tokens: [CLS], random word pieces
     * from the ordinary vocabulary (past the special and unused tokens), [SEP]; no padding.
     */
    public static EncoderBatch miniLmBatch(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<int[]> rows = new ArrayList<>();
        for (int b = 0; b < MINILM_BATCH; b++) {
            int[] ids = new int[MINILM_SEQ_LEN];
            ids[0] = 101;
            for (int t = 1; t < MINILM_SEQ_LEN - 1; t++) {
                ids[t] = rnd.nextInt(1996, MiniLm.CONFIG.vocabSize());
            }
            ids[MINILM_SEQ_LEN - 1] = 102;
            rows.add(ids);
        }
        return EncoderBatch.rightPadded(rows, MINILM_SEQ_LEN, 0);
    }

    /** {@value #SMOLLM2_BATCH} sequences of {@value #SMOLLM2_SEQ_LEN} token ids uniform over {@code config}'s vocabulary. */
    public static DecoderBatch decoderBatch(DecoderConfig config, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<int[]> seqs = new ArrayList<>();
        for (int b = 0; b < SMOLLM2_BATCH; b++) {
            seqs.add(r.ints(SMOLLM2_SEQ_LEN, 0, config.vocabSize()).toArray());
        }
        return DecoderBatch.rightPadded(seqs, 0);
    }

    /**
     * Random Llama weights under Hugging Face names, allocated in {@code arena} as {@code type}:
     * Linear weights uniform in ±1/√in (PyTorch's default init scale), norms 1, embeddings ±0.05.
     * Tied embeddings only (no {@code lm_head.weight}).
     */
    public static TensorStore randomLlamaWeights(DecoderConfig c, DType type, Arena arena) {
        if (!c.tieWordEmbeddings()) {
            throw new IllegalArgumentException("random weights are built for tied embeddings only, got " + c);
        }
        TensorStore.Builder b = TensorStore.builder("random " + c);
        SplittableRandom r = new SplittableRandom(7);
        int h = c.hiddenSize();
        float sh = (float) (1 / Math.sqrt(h));
        float sf = (float) (1 / Math.sqrt(c.intermediateSize()));
        b.put("model.embed_tokens.weight", random(arena, type, r, 0.05f, c.vocabSize(), h));
        for (int i = 0; i < c.numLayers(); i++) {
            String l = "model.layers." + i + ".";
            b.put(l + "input_layernorm.weight", ones(arena, type, h));
            b.put(l + "self_attn.q_proj.weight", random(arena, type, r, sh, c.qWidth(), h));
            b.put(l + "self_attn.k_proj.weight", random(arena, type, r, sh, c.kvWidth(), h));
            b.put(l + "self_attn.v_proj.weight", random(arena, type, r, sh, c.kvWidth(), h));
            b.put(l + "self_attn.o_proj.weight", random(arena, type, r, sh, h, c.qWidth()));
            b.put(l + "post_attention_layernorm.weight", ones(arena, type, h));
            b.put(l + "mlp.gate_proj.weight", random(arena, type, r, sh, c.intermediateSize(), h));
            b.put(l + "mlp.up_proj.weight", random(arena, type, r, sh, c.intermediateSize(), h));
            b.put(l + "mlp.down_proj.weight", random(arena, type, r, sf, h, c.intermediateSize()));
        }
        b.put("model.norm.weight", ones(arena, type, h));
        return b.build();
    }

    private static Tensor random(Arena arena, DType type, SplittableRandom r, float scale, long rows, long cols) {
        Tensor t = Tensor.allocate(arena, type, rows, cols);
        MemorySegment s = t.segment();
        for (long i = 0; i < t.numel(); i++) {
            float v = (float) ((r.nextDouble() * 2 - 1) * scale);
            if (type == DType.F32) {
                s.setAtIndex(Tensor.F32_LE, i, v);
            } else if (type == DType.BF16) {
                s.setAtIndex(Tensor.U16_LE, i, (short) (Float.floatToRawIntBits(v) >>> 16)); // truncation is fine for noise
            } else {
                throw new IllegalArgumentException("random weights are F32 or BF16, not " + type);
            }
        }
        return t;
    }

    private static Tensor ones(Arena arena, DType type, long n) {
        Tensor t = Tensor.allocate(arena, type, n);
        for (long i = 0; i < n; i++) {
            if (type == DType.F32) {
                t.segment().setAtIndex(Tensor.F32_LE, i, 1f);
            } else {
                t.segment().setAtIndex(Tensor.U16_LE, i, (short) 0x3f80);
            }
        }
        return t;
    }
}
