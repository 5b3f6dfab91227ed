package dev.zoft.zo.task;

import java.util.Locale;

/**
 * Which decoder tensors a decoder task trains, by their {@code DecoderWeights.named()} names
 * ({@code embed}, {@code positions}, {@code layers.{i}.<field>}, {@code norm.weight},
 * {@code norm.bias}, {@code lm_head}). Textual forms (what {@link #parse} reads and {@link #spec}
 * writes): {@code all}, {@code top-K} (every tensor of the top K layers), {@code norms} (every
 * norm scale and shift and every bias, BitFit-style).
 *
 * @param kind   all, top or norms
 * @param layers K for top-K
 */
public record DecoderSubset(String kind, int layers) {

    public DecoderSubset {
        if (!kind.equals("all") && !kind.equals("top") && !kind.equals("norms")) {
            throw new IllegalArgumentException("unknown decoder subset kind '" + kind + "'");
        }
        if (layers < 0) {
            throw new IllegalArgumentException("top-K needs K >= 0, got " + layers);
        }
    }

    public static DecoderSubset all() {
        return new DecoderSubset("all", 0);
    }

    public static DecoderSubset topLayers(int k) {
        return new DecoderSubset("top", k);
    }

    public static DecoderSubset norms() {
        return new DecoderSubset("norms", 0);
    }

    /** Reads {@code all}, {@code top-K} or {@code norms} (case-insensitive). */
    public static DecoderSubset parse(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("all") || s.equals("norms")) {
            return new DecoderSubset(s, 0);
        }
        if (s.matches("top-[0-9]{1,6}")) {
            return topLayers(Integer.parseInt(s.substring(4)));
        }
        throw new IllegalArgumentException("unknown decoder subset '" + spec + "': expected all, top-K (e.g. top-2) or norms");
    }

    public String spec() {
        return kind.equals("top") ? "top-" + layers : kind;
    }

    /** Whether tensor {@code name} trains in a decoder of {@code numLayers} layers. */
    public boolean trains(String name, int numLayers) {
        return switch (kind) {
            case "all" -> true;
            case "top" -> {
                if (layers > numLayers) {
                    throw new IllegalArgumentException("cannot train the top " + layers + " layers of a " + numLayers
                            + "-layer decoder");
                }
                int layer = layerOf(name);
                yield layer >= numLayers - layers;
            }
            default -> name.startsWith("norm.") || name.endsWith("Bias") || name.endsWith("NormWeight");
        };
    }

    /** The layer of a {@code layers.{i}.…} name, or −1. */
    static int layerOf(String name) {
        if (!name.startsWith("layers.")) {
            return -1;
        }
        int dot = name.indexOf('.', 7);
        return Integer.parseInt(name.substring(7, dot));
    }
}
