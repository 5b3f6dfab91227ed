package dev.zoft.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zoft.tensor.Tensor;
import dev.zoft.weights.gguf.GgmlType;
import dev.zoft.weights.gguf.GgufTensorNames;
import dev.zoft.weights.gguf.GgufWriter;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a {@link DecoderCheckpoint} (from any source: a llama2.c file, a Hugging Face folder, a
 * GGUF file) as a GGUF file that llama.cpp reads: architecture {@code llama} for the Llama family
 * ({@code llama}, {@code mistral}), {@code qwen2}, or {@code gpt2}, llama.cpp's tensor names and
 * hyperparameter keys.
 *
 * <p>Q/K rows end in the order llama.cpp expects: interleaved for {@code llama} (Hugging Face's
 * half-split rows are permuted as llama.cpp's converter does; llama2.c's are already
 * interleaved), half-split for {@code qwen2}. 1-D tensors stay F32, as llama.cpp keeps them;
 * matrices take the requested type, and a matrix whose rows are not whole Q8_0 blocks of 32 falls
 * back to F16, as llama.cpp's quantizer does. A tied output embedding is not duplicated. The
 * tokenizer is not part of a checkpoint: add its {@code tokenizer.ggml.*} keys to the writer from
 * {@link #writer} before writing.
 *
 * <p>Llama-3 RoPE scaling ({@code rope_scaling.rope_type = llama3}) is written as llama.cpp's
 * converter writes it: no {@code rope.scaling.*} keys (GGUF has none for the low/high frequency
 * factors) but a {@value DecoderCheckpoint#ROPE_FREQS} tensor of per-frequency divisors
 * ({@link #llama3RopeFreqs}). Linear and other scalings keep the {@code rope.scaling.*} keys.
 */
public final class DecoderToGguf {
    /** llama.cpp's {@code general.file_type} codes ({@code enum llama_ftype}). */
    private static final Map<GgmlType, Integer> FILE_TYPE = Map.of(
            GgmlType.F32, 0, GgmlType.F16, 1, GgmlType.Q8_0, 7, GgmlType.BF16, 32);

    private DecoderToGguf() {
    }

    /** Converts {@code checkpoint} to {@code out} with matrices in {@code weightType} (F32, F16, BF16 or Q8_0). */
    public static void convert(DecoderCheckpoint checkpoint, Path out, GgmlType weightType) {
        try (Arena arena = Arena.ofConfined()) {
            writer(checkpoint, weightType, arena).write(out);
        }
    }

    /**
     * A writer holding the converted metadata and tensors. Permuted Q/K copies live in
     * {@code arena}, which (like the checkpoint) must stay open until {@link GgufWriter#write}.
     */
    public static GgufWriter writer(DecoderCheckpoint checkpoint, GgmlType weightType, Arena arena) {
        Integer fileType = FILE_TYPE.get(weightType);
        if (fileType == null) {
            throw new IllegalArgumentException("decoders convert to F32, F16, BF16 or Q8_0, not " + weightType);
        }
        ObjectNode c = checkpoint.config();
        String type = checkpoint.modelType();
        String arch = switch (type) {
            case "llama", "mistral" -> "llama";
            case "qwen2", "gpt2" -> type;
            default -> throw new IllegalArgumentException("model_type '" + type + "' has no GGUF mapping here (llama, mistral, qwen2, gpt2)");
        };
        GgufWriter w = new GgufWriter()
                .putString("general.architecture", arch)
                .putString("general.name", String.valueOf(Path.of(checkpoint.source()).getFileName()))
                .putUInt32("general.file_type", fileType);
        boolean gpt2 = arch.equals("gpt2");
        int heads;
        int kvHeads;
        if (gpt2) {
            int embd = intKey(c, "n_embd");
            heads = intKey(c, "n_head");
            kvHeads = heads;
            w.putUInt32("gpt2.context_length", intKey(c, "n_positions"))
                    .putUInt32("gpt2.embedding_length", embd)
                    .putUInt32("gpt2.feed_forward_length", c.path("n_inner").isIntegralNumber() ? intKey(c, "n_inner") : 4 * embd)
                    .putUInt32("gpt2.block_count", intKey(c, "n_layer"))
                    .putUInt32("gpt2.attention.head_count", heads)
                    .putFloat32("gpt2.attention.layer_norm_epsilon", (float) c.path("layer_norm_epsilon").asDouble(1e-5));
        } else {
            int hidden = intKey(c, "hidden_size");
            heads = intKey(c, "num_attention_heads");
            kvHeads = c.path("num_key_value_heads").isIntegralNumber() ? intKey(c, "num_key_value_heads") : heads;
            int headDim = c.path("head_dim").isIntegralNumber() ? intKey(c, "head_dim") : hidden / heads;
            w.putUInt32(arch + ".vocab_size", intKey(c, "vocab_size"))
                    .putUInt32(arch + ".context_length", intKey(c, "max_position_embeddings"))
                    .putUInt32(arch + ".embedding_length", hidden)
                    .putUInt32(arch + ".feed_forward_length", intKey(c, "intermediate_size"))
                    .putUInt32(arch + ".block_count", intKey(c, "num_hidden_layers"))
                    .putUInt32(arch + ".attention.head_count", heads)
                    .putUInt32(arch + ".attention.head_count_kv", kvHeads)
                    .putUInt32(arch + ".rope.dimension_count", headDim)
                    .putFloat32(arch + ".attention.layer_norm_rms_epsilon", (float) c.path("rms_norm_eps").asDouble(1e-5))
                    .putFloat32(arch + ".rope.freq_base", (float) c.path("rope_theta").asDouble(10000.0));
            if (headDim * heads != hidden) {
                w.putUInt32(arch + ".attention.key_length", headDim).putUInt32(arch + ".attention.value_length", headDim);
            }
            JsonNode scaling = c.path("rope_scaling");
            String ropeType = scaling.path("rope_type").asText(scaling.path("type").asText(""));
            if (scaling.isObject() && ropeType.equals("llama3")) {
                // As llama.cpp's convert_hf_to_gguf: no scaling keys (GGUF has none for Llama-3's
                // low/high frequency factors), the scaling baked into per-frequency divisors instead.
                w.addTensor(DecoderCheckpoint.ROPE_FREQS, Tensor.of(arena, llama3RopeFreqs(c, scaling, headDim), headDim / 2));
            } else if (scaling.isObject() && scaling.has("factor")) {
                w.putString(arch + ".rope.scaling.type", scaling.path("rope_type").asText(scaling.path("type").asText("linear")))
                        .putFloat32(arch + ".rope.scaling.factor", (float) scaling.get("factor").asDouble());
                if (scaling.path("original_max_position_embeddings").isIntegralNumber()) {
                    w.putUInt32(arch + ".rope.scaling.original_context_length", scaling.get("original_max_position_embeddings").asInt());
                }
            }
        }
        for (String which : new String[]{"bos", "eos"}) {
            if (c.path(which + "_token_id").isIntegralNumber()) {
                w.putUInt32("tokenizer.ggml." + which + "_token_id", c.get(which + "_token_id").asLong());
            }
        }
        RopeLayout want = arch.equals("llama") ? RopeLayout.INTERLEAVED : arch.equals("qwen2") ? RopeLayout.HALF_SPLIT : RopeLayout.NONE;
        boolean permute = want != RopeLayout.NONE && checkpoint.ropeLayout() != want;
        for (Map.Entry<String, Tensor> e : checkpoint.tensors()) {
            String name = e.getKey();
            Tensor t = e.getValue();
            String ggufName = GgufTensorNames.fromHuggingFace(arch, name).orElse(name);
            if (permute) {
                int h = name.contains(".self_attn.q_proj.") ? heads : name.contains(".self_attn.k_proj.") ? kvHeads : 0;
                if (h > 0) {
                    t = want == RopeLayout.INTERLEAVED ? RopePermutation.toInterleaved(t, h, arena) : RopePermutation.toHalfSplit(t, h, arena);
                }
            }
            w.addTensor(ggufName, t, storedType(t, weightType));
        }
        return w;
    }

    /**
     * llama.cpp's {@code rope_freqs.weight} for Llama-3 RoPE scaling: for each rotated pair i, with
     * {@code freq_i = 1 / theta^(2i/d)} (in float, as the converter computes it with torch) and
     * wavelength {@code 2π / freq_i}, the divisor is 1 above the high-frequency wavelength
     * ({@code original / high_freq_factor}), {@code factor} below the low-frequency one
     * ({@code original / low_freq_factor}), and {@code 1 / ((1 − s)/factor + s)} in between, with
     * {@code s = (original / wavelength − low) / (high − low)}. The model divides {@code freq_i} by
     * it, which gives Hugging Face's Llama-3 inverse frequencies.
     *
     * <p>{@code original} is {@code rope_scaling.original_max_position_embeddings} (then the
     * top-level key, then 8192). llama.cpp's converter reads only the top-level key (default
     * 8192): the same for released Llama-3.x checkpoints, whose rope_scaling says 8192, but wrong
     * for a model whose rope_scaling names another length, which Hugging Face honours.
     */
    static float[] llama3RopeFreqs(ObjectNode c, JsonNode scaling, int headDim) {
        double theta = c.path("rope_theta").asDouble(10000.0);
        double factor = scaling.path("factor").asDouble(8.0);
        double low = scaling.path("low_freq_factor").asDouble(1.0);
        double high = scaling.path("high_freq_factor").asDouble(4.0);
        double original = scaling.path("original_max_position_embeddings")
                .asDouble(c.path("original_max_position_embeddings").asDouble(8192));
        if (!(factor > 0) || !(original > 0) || !(high > low) || !(low > 0)) {
            throw new IllegalArgumentException("Llama-3 rope_scaling needs factor > 0, original_max_position_embeddings > 0 and "
                    + "high_freq_factor > low_freq_factor > 0, got " + scaling);
        }
        double lowWavelen = original / low;
        double highWavelen = original / high;
        float[] out = new float[headDim / 2];
        for (int i = 0; i < out.length; i++) {
            float exponent = (float) (2 * i) / (float) headDim;
            float freq = 1f / (float) Math.pow((float) theta, exponent);
            double wavelen = 2 * Math.PI / freq;
            if (wavelen < highWavelen) {
                out[i] = 1f;
            } else if (wavelen > lowWavelen) {
                out[i] = (float) factor;
            } else {
                double smooth = (original / wavelen - low) / (high - low);
                out[i] = (float) (1 / ((1 - smooth) / factor + smooth));
            }
        }
        return out;
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

    private static int intKey(ObjectNode c, String key) {
        JsonNode n = c.get(key);
        if (n == null || !n.isIntegralNumber() || n.asLong() <= 0 || n.asLong() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("config key '" + key + "' is " + n + ", expected a positive int");
        }
        return n.asInt();
    }
}
