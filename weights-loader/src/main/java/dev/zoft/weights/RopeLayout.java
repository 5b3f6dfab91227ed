package dev.zoft.weights;

/**
 * How the rows of a checkpoint's Q and K projections pair up the dimensions that rotary position
 * embedding rotates together, within each head of size {@code h}.
 */
public enum RopeLayout {
    /**
     * Consecutive pairs {@code (2i, 2i+1)}: Meta's original layout, kept by llama2.c and by
     * llama.cpp's GGUF files of the {@code llama} architecture (its converter permutes Hugging
     * Face's Q/K rows back into this order).
     */
    INTERLEAVED("interleaved"),
    /**
     * Pairs {@code (i, i + h/2)}: Hugging Face's {@code rotate_half} layout, used by HF folders and
     * by GGUF files of the {@code qwen2} architecture, which llama.cpp does not permute.
     */
    HALF_SPLIT("half_split"),
    /** No rotary embedding (GPT-2 and OPT learn absolute positions). */
    NONE("none");

    private final String jsonName;

    RopeLayout(String jsonName) {
        this.jsonName = jsonName;
    }

    /** The name used in configs ({@code "interleaved"}, {@code "half_split"}, {@code "none"}). */
    public String jsonName() {
        return jsonName;
    }
}
