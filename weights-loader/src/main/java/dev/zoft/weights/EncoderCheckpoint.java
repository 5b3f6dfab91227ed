package dev.zoft.weights;

import dev.zoft.tensor.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A BERT-style encoder ready for the transformer module: weights under Hugging Face names
 * (see {@link BertParameterNames}, Linear weights {@code [out, in]}) and the hyperparameters they
 * were checked against. Closing it closes the weights.
 *
 * @param weights         the tensors, owned by this checkpoint
 * @param hyperparameters the encoder's shape and constants
 */
public record EncoderCheckpoint(TensorStore weights, EncoderHyperparameters hyperparameters) implements AutoCloseable {

    /**
     * Opens a Hugging Face BERT folder: {@code config.json} plus {@code model.safetensors} or a
     * sharded index. A {@code bert.} prefix on parameter names (as in {@code BertForMaskedLM}
     * checkpoints) is removed; other tensors (a pooler, a task head) are kept under their names.
     */
    public static EncoderCheckpoint openHuggingFace(Path directory) {
        Path config = directory.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            throw new WeightFormatException(directory, "no config.json in the model folder");
        }
        EncoderHyperparameters hp = EncoderHyperparameters.fromConfigJson(config);
        TensorStore raw = Safetensors.open(directory);
        TensorStore.Builder b = TensorStore.builder(raw.source()).owns(raw).metadata(raw.metadata());
        try {
            raw.files().forEach(b::file);
            boolean prefixed = raw.contains("bert." + BertParameterNames.WORD_EMBEDDINGS);
            for (Map.Entry<String, Tensor> e : raw) {
                String name = prefixed && e.getKey().startsWith("bert.") ? e.getKey().substring(5) : e.getKey();
                b.put(name, e.getValue());
            }
            raw.unsupported().forEach(b::unsupported);
            TensorStore store = b.build();
            requireEncoder(store, hp);
            return new EncoderCheckpoint(store, hp);
        } catch (RuntimeException e) {
            b.abort();
            throw e;
        }
    }

    /**
     * Checks that {@code store} holds every encoder parameter with the shape {@code hp} implies,
     * naming all missing tensors or the first wrong shape.
     */
    public static void requireEncoder(TensorStore store, EncoderHyperparameters hp) {
        List<String> missing = new ArrayList<>();
        for (String name : BertParameterNames.expected(hp.numHiddenLayers())) {
            if (!store.contains(name)) {
                missing.add(name);
                continue;
            }
            long[] want = BertParameterNames.expectedShape(name, hp);
            long[] got = store.get(name).shape();
            if (!Arrays.equals(want, got)) {
                throw new WeightFormatException(store.source(), "tensor '" + name + "' has shape " + Arrays.toString(got)
                        + ", expected " + Arrays.toString(want) + " for " + hp);
            }
        }
        if (!missing.isEmpty()) {
            throw new WeightFormatException(store.source(), missing.size() + " encoder tensors are missing: "
                    + (missing.size() > 8 ? missing.subList(0, 8) + "..." : missing));
        }
        if (store.contains("encoder.layer." + hp.numHiddenLayers() + ".output.dense.weight")) {
            throw new WeightFormatException(store.source(), "the file has more encoder layers than num_hidden_layers = "
                    + hp.numHiddenLayers());
        }
    }

    @Override
    public void close() {
        weights.close();
    }
}
