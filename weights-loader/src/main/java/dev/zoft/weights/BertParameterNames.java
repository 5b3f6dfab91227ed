package dev.zoft.weights;

import java.util.ArrayList;
import java.util.List;

/**
 * Hugging Face parameter names of a BERT encoder ({@code BertModel} without the {@code bert.}
 * prefix), the names every loader in this package produces for BERT-style models.
 */
public final class BertParameterNames {
    public static final String WORD_EMBEDDINGS = "embeddings.word_embeddings.weight";
    public static final String POSITION_EMBEDDINGS = "embeddings.position_embeddings.weight";
    public static final String TOKEN_TYPE_EMBEDDINGS = "embeddings.token_type_embeddings.weight";
    public static final String EMBEDDINGS_LAYER_NORM_WEIGHT = "embeddings.LayerNorm.weight";
    public static final String EMBEDDINGS_LAYER_NORM_BIAS = "embeddings.LayerNorm.bias";

    /** The six Linear layers of an encoder layer, as module paths below {@code encoder.layer.{i}}. */
    public static final List<String> LINEAR_MODULES = List.of(
            "attention.self.query", "attention.self.key", "attention.self.value",
            "attention.output.dense", "intermediate.dense", "output.dense");

    /** The two LayerNorms of an encoder layer, as module paths below {@code encoder.layer.{i}}. */
    public static final List<String> LAYER_NORM_MODULES = List.of("attention.output.LayerNorm", "output.LayerNorm");

    private BertParameterNames() {
    }

    /** {@code encoder.layer.{layer}.{suffix}}. */
    public static String layer(int layer, String suffix) {
        return "encoder.layer." + layer + "." + suffix;
    }

    /** The 16 parameter names of encoder layer {@code layer}: six Linear weight/bias pairs, two LayerNorms. */
    public static List<String> layerParameters(int layer) {
        List<String> names = new ArrayList<>(16);
        for (String m : LINEAR_MODULES.subList(0, 4)) {
            names.add(layer(layer, m + ".weight"));
            names.add(layer(layer, m + ".bias"));
        }
        names.add(layer(layer, "attention.output.LayerNorm.weight"));
        names.add(layer(layer, "attention.output.LayerNorm.bias"));
        for (String m : LINEAR_MODULES.subList(4, 6)) {
            names.add(layer(layer, m + ".weight"));
            names.add(layer(layer, m + ".bias"));
        }
        names.add(layer(layer, "output.LayerNorm.weight"));
        names.add(layer(layer, "output.LayerNorm.bias"));
        return names;
    }

    /** Every parameter of an encoder with {@code layers} layers (no pooler), in forward order. */
    public static List<String> expected(int layers) {
        List<String> names = new ArrayList<>(5 + 16 * layers);
        names.add(WORD_EMBEDDINGS);
        names.add(POSITION_EMBEDDINGS);
        names.add(TOKEN_TYPE_EMBEDDINGS);
        names.add(EMBEDDINGS_LAYER_NORM_WEIGHT);
        names.add(EMBEDDINGS_LAYER_NORM_BIAS);
        for (int i = 0; i < layers; i++) {
            names.addAll(layerParameters(i));
        }
        return names;
    }

    /** The expected shape of {@code name} under {@code hp} (Linear weights are [out, in]), or null for names outside the encoder. */
    public static long[] expectedShape(String name, EncoderHyperparameters hp) {
        long h = hp.hiddenSize();
        long f = hp.intermediateSize();
        return switch (name) {
            case WORD_EMBEDDINGS -> new long[] {hp.vocabSize(), h};
            case POSITION_EMBEDDINGS -> new long[] {hp.maxPositionEmbeddings(), h};
            case TOKEN_TYPE_EMBEDDINGS -> new long[] {hp.typeVocabSize(), h};
            case EMBEDDINGS_LAYER_NORM_WEIGHT, EMBEDDINGS_LAYER_NORM_BIAS -> new long[] {h};
            default -> {
                if (!name.startsWith("encoder.layer.")) {
                    yield null;
                }
                String rest = name.substring("encoder.layer.".length());
                int dot = rest.indexOf('.');
                String suffix = dot < 0 ? "" : rest.substring(dot + 1);
                yield switch (suffix) {
                    case "attention.self.query.weight", "attention.self.key.weight", "attention.self.value.weight",
                         "attention.output.dense.weight" -> new long[] {h, h};
                    case "intermediate.dense.weight" -> new long[] {f, h};
                    case "output.dense.weight" -> new long[] {h, f};
                    case "intermediate.dense.bias" -> new long[] {f};
                    case "attention.self.query.bias", "attention.self.key.bias", "attention.self.value.bias",
                         "attention.output.dense.bias", "output.dense.bias", "attention.output.LayerNorm.weight",
                         "attention.output.LayerNorm.bias", "output.LayerNorm.weight", "output.LayerNorm.bias" -> new long[] {h};
                    default -> null;
                };
            }
        };
    }
}
