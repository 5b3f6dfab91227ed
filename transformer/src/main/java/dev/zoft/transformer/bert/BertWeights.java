package dev.zoft.transformer.bert;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.weights.BertParameterNames;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The parameters of a BERT encoder under their Hugging Face names, checked against a
 * {@link BertConfig}. The tensors are views of the weight store (mapped or off-heap), never
 * copies. Linear weights are {@code [out × in]}, as PyTorch stores them.
 */
public record BertWeights(Tensor wordEmbeddings, Tensor positionEmbeddings, Tensor tokenTypeEmbeddings,
                          Tensor embeddingNormWeight, Tensor embeddingNormBias, List<Layer> layers) {

    /** One encoder layer's parameters. */
    public record Layer(Tensor queryWeight, Tensor queryBias, Tensor keyWeight, Tensor keyBias,
                        Tensor valueWeight, Tensor valueBias,
                        Tensor attentionOutWeight, Tensor attentionOutBias,
                        Tensor attentionNormWeight, Tensor attentionNormBias,
                        Tensor intermediateWeight, Tensor intermediateBias,
                        Tensor outputWeight, Tensor outputBias,
                        Tensor outputNormWeight, Tensor outputNormBias) {

        /** The 16 tensors in forward order, the order of {@link BertParameterNames#layerParameters}. */
        public List<Tensor> tensors() {
            return List.of(queryWeight, queryBias, keyWeight, keyBias, valueWeight, valueBias,
                    attentionOutWeight, attentionOutBias, attentionNormWeight, attentionNormBias,
                    intermediateWeight, intermediateBias, outputWeight, outputBias,
                    outputNormWeight, outputNormBias);
        }
    }

    public BertWeights {
        layers = List.copyOf(layers);
    }

    /**
     * Looks every parameter up by its Hugging Face name ({@code embeddings.word_embeddings.weight},
     * {@code encoder.layer.3.attention.self.query.weight}, ...) after {@code prefix} (e.g. "" or
     * "bert."), checking dtype (F32) and shape against {@code config}.
     *
     * @param lookup returns the tensor of a name, or null when there is none
     * @throws IllegalArgumentException naming the first missing or mis-shaped tensor
     */
    public static BertWeights from(BertConfig config, String prefix, Function<String, Tensor> lookup) {
        Getter g = new Getter(prefix, lookup);
        int h = config.hiddenSize();
        int ffn = config.intermediateSize();
        Tensor word = g.get("embeddings.word_embeddings.weight", config.vocabSize(), h);
        Tensor pos = g.get("embeddings.position_embeddings.weight", config.maxPositions(), h);
        Tensor type = g.get("embeddings.token_type_embeddings.weight", config.typeVocabSize(), h);
        Tensor lnW = g.get("embeddings.LayerNorm.weight", h);
        Tensor lnB = g.get("embeddings.LayerNorm.bias", h);
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < config.numLayers(); i++) {
            String p = "encoder.layer." + i + ".";
            layers.add(new Layer(
                    g.get(p + "attention.self.query.weight", h, h), g.get(p + "attention.self.query.bias", h),
                    g.get(p + "attention.self.key.weight", h, h), g.get(p + "attention.self.key.bias", h),
                    g.get(p + "attention.self.value.weight", h, h), g.get(p + "attention.self.value.bias", h),
                    g.get(p + "attention.output.dense.weight", h, h), g.get(p + "attention.output.dense.bias", h),
                    g.get(p + "attention.output.LayerNorm.weight", h), g.get(p + "attention.output.LayerNorm.bias", h),
                    g.get(p + "intermediate.dense.weight", ffn, h), g.get(p + "intermediate.dense.bias", ffn),
                    g.get(p + "output.dense.weight", h, ffn), g.get(p + "output.dense.bias", h),
                    g.get(p + "output.LayerNorm.weight", h), g.get(p + "output.LayerNorm.bias", h)));
        }
        return new BertWeights(word, pos, type, lnW, lnB, layers);
    }

    /** Number of parameters (elements over every tensor). */
    public long parameterCount() {
        long n = 0;
        for (Tensor t : named().values()) {
            n += t.numel();
        }
        return n;
    }

    /**
     * Every tensor under its Hugging Face name (no prefix), in forward order: the embeddings, then
     * each layer as {@link BertParameterNames#expected} lists them. The map is a fresh copy; the
     * tensors are the same views, not copies.
     */
    public Map<String, Tensor> named() {
        List<String> names = BertParameterNames.expected(layers.size());
        List<Tensor> tensors = new ArrayList<>(names.size());
        tensors.addAll(List.of(wordEmbeddings, positionEmbeddings, tokenTypeEmbeddings, embeddingNormWeight, embeddingNormBias));
        for (Layer l : layers) {
            tensors.addAll(l.tensors());
        }
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            m.put(names.get(i), tensors.get(i));
        }
        return m;
    }

    /**
     * These weights with the tensors named in {@code replacements} (Hugging Face names, no prefix)
     * swapped for the given ones, e.g. writable copies of a trainable subset while the frozen
     * tensors stay mapped. Every replacement is checked like a loaded tensor (F32, the shape
     * {@code config} implies).
     *
     * @throws IllegalArgumentException naming a replacement that is not a parameter of these weights,
     *     or one of the wrong dtype or shape
     */
    public BertWeights withReplaced(BertConfig config, Map<String, Tensor> replacements) {
        Map<String, Tensor> current = named();
        Set<String> unknown = new HashSet<>(replacements.keySet());
        unknown.removeAll(current.keySet());
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("not BERT parameters of a " + layers.size() + "-layer encoder: "
                    + unknown.stream().sorted().toList());
        }
        return from(config, "", name -> replacements.getOrDefault(name, current.get(name)));
    }

    private record Getter(String prefix, Function<String, Tensor> lookup) {
        Tensor get(String name, long... shape) {
            String full = prefix + name;
            Tensor t = lookup.apply(full);
            if (t == null) {
                throw new IllegalArgumentException("BERT weight " + full + " is missing");
            }
            if (t.dtype() != DType.F32) {
                throw new IllegalArgumentException("BERT weight " + full + " is " + t.dtype()
                        + "; the encoder computes on F32 weights (convert half-precision checkpoints when loading)");
            }
            if (!Arrays.equals(t.shape(), shape)) {
                throw new IllegalArgumentException("BERT weight " + full + " has shape " + Arrays.toString(t.shape())
                        + ", expected " + Arrays.toString(shape));
            }
            return t;
        }
    }
}
