package dev.zoft.weights.llama2c;

/** Tensor names of llama2.c's PyTorch model ({@code model.py}), which its checkpoints hold. */
public final class Llama2cNames {
    public static final String EMBEDDING = "tok_embeddings.weight";
    public static final String NORM = "norm.weight";
    public static final String OUTPUT = "output.weight";

    private Llama2cNames() {
    }

    /** {@code layers.<i>.<part>.weight}, e.g. part {@code attention.wq} or {@code ffn_norm}. */
    public static String layer(int i, String part) {
        return "layers." + i + "." + part + ".weight";
    }
}
