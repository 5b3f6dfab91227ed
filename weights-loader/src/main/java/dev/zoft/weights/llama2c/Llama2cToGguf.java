package dev.zoft.weights.llama2c;

import dev.zoft.tensor.Tensor;
import dev.zoft.weights.TensorStore;
import dev.zoft.weights.gguf.GgmlType;
import dev.zoft.weights.gguf.GgufWriter;

import java.nio.file.Path;
import java.util.Map;

/**
 * Converts a llama2.c checkpoint into a GGUF file of architecture {@code llama} with llama.cpp's
 * tensor names and metadata keys, so that llama.cpp (and {@link dev.zoft.weights.gguf.GgufFile})
 * reads it.
 *
 * <p>Q and K are written as they are: llama2.c already uses Meta's interleaved RoPE pairs, which
 * is the order llama.cpp expects for {@code llama} (its Hugging Face converter permutes into it).
 * Norm weights stay F32, as llama.cpp keeps 1-D tensors; matrices take the requested type, except
 * that a matrix whose row length is not a multiple of 32 cannot be Q8_0 and falls back to F16, as
 * llama.cpp's quantizer does. The tokenizer is not in a llama2.c file: add its {@code tokenizer.ggml.*}
 * keys to the writer returned by {@link #writer} before writing.
 */
public final class Llama2cToGguf {
    /** llama.cpp's {@code general.file_type} codes ({@code enum llama_ftype}). */
    private static final Map<GgmlType, Integer> FILE_TYPE = Map.of(
            GgmlType.F32, 0, GgmlType.F16, 1, GgmlType.Q8_0, 7, GgmlType.BF16, 32);

    private Llama2cToGguf() {
    }

    /** Converts {@code checkpoint} to {@code out} with matrices in {@code weightType} (F32, F16, BF16 or Q8_0). */
    public static void convert(Llama2cCheckpoint checkpoint, Path out, GgmlType weightType) {
        writer(checkpoint, weightType).write(out);
    }

    /**
     * A writer holding the converted metadata and tensors (the checkpoint must stay open until
     * {@link GgufWriter#write} has run).
     */
    public static GgufWriter writer(Llama2cCheckpoint checkpoint, GgmlType weightType) {
        Integer fileType = FILE_TYPE.get(weightType);
        if (fileType == null) {
            throw new IllegalArgumentException("llama2.c checkpoints convert to F32, F16, BF16 or Q8_0, not " + weightType);
        }
        Llama2cConfig c = checkpoint.config();
        GgufWriter w = new GgufWriter()
                .putString("general.architecture", "llama")
                .putString("general.name", String.valueOf(checkpoint.path().getFileName()))
                .putUInt32("general.file_type", fileType)
                .putUInt32("llama.vocab_size", c.vocabSize())
                .putUInt32("llama.context_length", c.seqLen())
                .putUInt32("llama.embedding_length", c.dim())
                .putUInt32("llama.feed_forward_length", c.hiddenDim())
                .putUInt32("llama.block_count", c.layers())
                .putUInt32("llama.attention.head_count", c.heads())
                .putUInt32("llama.attention.head_count_kv", c.kvHeads())
                .putUInt32("llama.rope.dimension_count", c.headSize())
                .putFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
                .putFloat32("llama.rope.freq_base", 10000f);
        TensorStore t = checkpoint.tensors();
        add(w, "token_embd.weight", t.get(Llama2cNames.EMBEDDING), weightType);
        for (int i = 0; i < c.layers(); i++) {
            String b = "blk." + i + ".";
            add(w, b + "attn_norm.weight", t.get(Llama2cNames.layer(i, "attention_norm")), weightType);
            add(w, b + "attn_q.weight", t.get(Llama2cNames.layer(i, "attention.wq")), weightType);
            add(w, b + "attn_k.weight", t.get(Llama2cNames.layer(i, "attention.wk")), weightType);
            add(w, b + "attn_v.weight", t.get(Llama2cNames.layer(i, "attention.wv")), weightType);
            add(w, b + "attn_output.weight", t.get(Llama2cNames.layer(i, "attention.wo")), weightType);
            add(w, b + "ffn_norm.weight", t.get(Llama2cNames.layer(i, "ffn_norm")), weightType);
            add(w, b + "ffn_gate.weight", t.get(Llama2cNames.layer(i, "feed_forward.w1")), weightType);
            add(w, b + "ffn_down.weight", t.get(Llama2cNames.layer(i, "feed_forward.w2")), weightType);
            add(w, b + "ffn_up.weight", t.get(Llama2cNames.layer(i, "feed_forward.w3")), weightType);
        }
        add(w, "output_norm.weight", t.get(Llama2cNames.NORM), weightType);
        if (!c.sharedClassifier()) {
            add(w, "output.weight", t.get(Llama2cNames.OUTPUT), weightType);
        }
        return w;
    }

    /** The type a tensor is stored in: 1-D stays F32; Q8_0 needs rows in whole blocks of 32. */
    static GgmlType storedType(Tensor tensor, GgmlType requested) {
        if (tensor.rank() < 2) {
            return GgmlType.F32;
        }
        if (requested == GgmlType.Q8_0 && tensor.cols() % GgmlType.Q8_0.blockSize() != 0) {
            return GgmlType.F16;
        }
        return requested;
    }

    private static void add(GgufWriter w, String name, Tensor tensor, GgmlType requested) {
        w.addTensor(name, tensor, storedType(tensor, requested));
    }
}
