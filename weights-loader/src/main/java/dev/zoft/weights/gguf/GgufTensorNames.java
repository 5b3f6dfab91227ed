package dev.zoft.weights.gguf;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * llama.cpp's tensor names ({@code gguf-py/gguf/tensor_mapping.py}) against Hugging Face's, for
 * the decoder architectures zoft loads: {@code llama} (also Llama-2/3, TinyLlama, SmolLM),
 * {@code qwen2} and {@code gpt2}. Only names change here; layouts are the
 * {@link dev.zoft.weights.DecoderCheckpoint}'s business.
 */
public final class GgufTensorNames {
    private GgufTensorNames() {
    }

    private static final Pattern BLOCK = Pattern.compile("blk\\.(\\d+)\\.(.+)");

    private static final Map<String, String> LLAMA_GLOBAL = Map.of(
            "token_embd", "model.embed_tokens",
            "output_norm", "model.norm",
            "output", "lm_head");
    private static final Map<String, String> LLAMA_BLOCK = Map.of(
            "attn_norm", "input_layernorm",
            "attn_q", "self_attn.q_proj",
            "attn_k", "self_attn.k_proj",
            "attn_v", "self_attn.v_proj",
            "attn_output", "self_attn.o_proj",
            "ffn_norm", "post_attention_layernorm",
            "ffn_gate", "mlp.gate_proj",
            "ffn_up", "mlp.up_proj",
            "ffn_down", "mlp.down_proj");
    private static final Map<String, String> GPT2_GLOBAL = Map.of(
            "token_embd", "wte",
            "position_embd", "wpe",
            "output_norm", "ln_f",
            "output", "lm_head");
    private static final Map<String, String> GPT2_BLOCK = Map.of(
            "attn_norm", "ln_1",
            "attn_qkv", "attn.c_attn",
            "attn_output", "attn.c_proj",
            "ffn_norm", "ln_2",
            "ffn_up", "mlp.c_fc",
            "ffn_down", "mlp.c_proj");

    /** Architectures whose names are mapped. */
    public static final List<String> ARCHITECTURES = List.of("llama", "qwen2", "gpt2");

    /**
     * The Hugging Face name of GGUF tensor {@code name} in architecture {@code arch}, or empty
     * when the name has no Hugging Face counterpart (e.g. llama.cpp's {@code rope_freqs.weight}).
     */
    public static Optional<String> toHuggingFace(String arch, String name) {
        boolean gpt2 = isGpt2(arch);
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        String stem = name.substring(0, dot);
        String suffix = name.substring(dot); // .weight or .bias
        Matcher m = BLOCK.matcher(stem);
        if (m.matches()) {
            String part = (gpt2 ? GPT2_BLOCK : LLAMA_BLOCK).get(m.group(2));
            if (part == null) {
                return Optional.empty();
            }
            return Optional.of((gpt2 ? "h." : "model.layers.") + m.group(1) + "." + part + suffix);
        }
        String global = (gpt2 ? GPT2_GLOBAL : LLAMA_GLOBAL).get(stem);
        return global == null ? Optional.empty() : Optional.of(global + suffix);
    }

    /** The GGUF name of Hugging Face tensor {@code name}, or empty. */
    public static Optional<String> fromHuggingFace(String arch, String name) {
        boolean gpt2 = isGpt2(arch);
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        String stem = name.substring(0, dot);
        String suffix = name.substring(dot);
        String prefix = gpt2 ? "h." : "model.layers.";
        if (stem.startsWith(prefix)) {
            String rest = stem.substring(prefix.length());
            int d = rest.indexOf('.');
            if (d > 0 && rest.substring(0, d).chars().allMatch(Character::isDigit)) {
                String part = rest.substring(d + 1);
                for (Map.Entry<String, String> e : (gpt2 ? GPT2_BLOCK : LLAMA_BLOCK).entrySet()) {
                    if (e.getValue().equals(part)) {
                        return Optional.of("blk." + rest.substring(0, d) + "." + e.getKey() + suffix);
                    }
                }
            }
            return Optional.empty();
        }
        for (Map.Entry<String, String> e : (gpt2 ? GPT2_GLOBAL : LLAMA_GLOBAL).entrySet()) {
            if (e.getValue().equals(stem)) {
                return Optional.of(e.getKey() + suffix);
            }
        }
        return Optional.empty();
    }

    private static boolean isGpt2(String arch) {
        if (!ARCHITECTURES.contains(arch)) {
            throw new IllegalArgumentException("GGUF architecture '" + arch + "' is not mapped (mapped: " + ARCHITECTURES + ")");
        }
        return arch.equals("gpt2");
    }
}
