package dev.zoft.transformer.bert;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
        long n = wordEmbeddings.numel() + positionEmbeddings.numel() + tokenTypeEmbeddings.numel()
                + embeddingNormWeight.numel() + embeddingNormBias.numel();
        for (Layer l : layers) {
            for (Tensor t : List.of(l.queryWeight, l.queryBias, l.keyWeight, l.keyBias, l.valueWeight, l.valueBias,
                    l.attentionOutWeight, l.attentionOutBias, l.attentionNormWeight, l.attentionNormBias,
                    l.intermediateWeight, l.intermediateBias, l.outputWeight, l.outputBias,
                    l.outputNormWeight, l.outputNormBias)) {
                n += t.numel();
            }
        }
        return n;
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
