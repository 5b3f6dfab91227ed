package dev.zoft.zo.task;

import java.util.Locale;

/**
 * Which encoder tensors a task trains, chosen by their Hugging Face names
 * ({@code embeddings.…}, {@code encoder.layer.{i}.…}). The task's head is always trainable: every
 * subset is "these encoder tensors + the head". Everything else stays frozen (and, for a mapped
 * checkpoint, stays mapped: only the trainable tensors are copied).
 *
 * <p>{@link #spec()} and {@link #parse} round-trip: {@code all}, {@code top-K}, {@code head},
 * {@code bitfit}.
 */
public sealed interface TrainableSubset {

    /** Every encoder tensor: the three embedding tables, every LayerNorm, every Linear layer. */
    record All() implements TrainableSubset {
        @Override
        public boolean trains(String name, int numLayers) {
            return isEncoderTensor(name);
        }

        @Override
        public String spec() {
            return "all";
        }
    }

    /** Every tensor of the top {@code layers} encoder layers ({@code encoder.layer.{L−k..L−1}.…}); embeddings frozen. */
    record TopLayers(int layers) implements TrainableSubset {
        public TopLayers {
            if (layers < 0) {
                throw new IllegalArgumentException("top-k layers needs k ≥ 0, got " + layers);
            }
        }

        @Override
        public boolean trains(String name, int numLayers) {
            if (layers > numLayers) {
                throw new IllegalArgumentException("cannot train the top " + layers + " layers of a " + numLayers + "-layer encoder");
            }
            int layer = layerOf(name);
            return layer >= numLayers - layers;
        }

        @Override
        public String spec() {
            return "top-" + layers;
        }
    }

    /** No encoder tensor: only the head trains. */
    record HeadOnly() implements TrainableSubset {
        @Override
        public boolean trains(String name, int numLayers) {
            return false;
        }

        @Override
        public String spec() {
            return "head";
        }
    }

    /**
     * BitFit (Ben Zaken et al. 2022) widened to LayerNorm: every bias and every LayerNorm
     * weight, embeddings' LayerNorm included; embedding tables and Linear weights frozen.
     */
    record BitFit() implements TrainableSubset {
        @Override
        public boolean trains(String name, int numLayers) {
            return isEncoderTensor(name) && (name.endsWith(".bias") || name.contains(".LayerNorm."));
        }

        @Override
        public String spec() {
            return "bitfit";
        }
    }

    /**
     * Whether the encoder tensor {@code name} (a Hugging Face name without prefix) is trainable
     * in an encoder of {@code numLayers} layers.
     */
    boolean trains(String name, int numLayers);

    /** The textual form {@link #parse} reads back. */
    String spec();

    static TrainableSubset all() {
        return new All();
    }

    static TrainableSubset topLayers(int k) {
        return new TopLayers(k);
    }

    static TrainableSubset headOnly() {
        return new HeadOnly();
    }

    static TrainableSubset bitFit() {
        return new BitFit();
    }

    /**
     * Reads {@code all}, {@code top-K} (K ≥ 0, e.g. {@code top-2}), {@code head} or {@code bitfit}
     * (case-insensitive).
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    static TrainableSubset parse(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "all":
                return all();
            case "head":
                return headOnly();
            case "bitfit":
                return bitFit();
            default:
                if (s.matches("top-[0-9]{1,6}")) {
                    return topLayers(Integer.parseInt(s.substring(4)));
                }
                throw new IllegalArgumentException("unknown trainable subset '" + spec
                        + "': expected all, top-K (e.g. top-2), head or bitfit");
        }
    }

    /** True for {@code embeddings.…} and {@code encoder.layer.{i}.…} names. */
    private static boolean isEncoderTensor(String name) {
        return name.startsWith("embeddings.") || name.startsWith("encoder.layer.");
    }

    /** The layer index of an {@code encoder.layer.{i}.…} name, or −1 (embeddings and anything else). */
    static int layerOf(String name) {
        String prefix = "encoder.layer.";
        if (!name.startsWith(prefix)) {
            return -1;
        }
        int dot = name.indexOf('.', prefix.length());
        if (dot < 0) {
            throw new IllegalArgumentException("not a layer parameter name: " + name);
        }
        try {
            return Integer.parseInt(name.substring(prefix.length(), dot));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a layer parameter name: " + name, e);
        }
    }
}
