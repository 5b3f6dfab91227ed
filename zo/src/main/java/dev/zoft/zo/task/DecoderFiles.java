package dev.zoft.zo.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zoft.tokenizer.GgufTokenizer;
import dev.zoft.tokenizer.HfTokenizer;
import dev.zoft.tokenizer.TokenizerJson;
import dev.zoft.transformer.decoder.DecoderConfig;
import dev.zoft.transformer.decoder.DecoderWeights;
import dev.zoft.weights.DecoderCheckpoint;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A decoder model file or folder opened for a ZO task: checkpoint, config, weights (BF16/F16
 * converted into {@link #arena}) and the model's own tokenizer. Every problem is an
 * {@link IllegalArgumentException} naming the path. Closing releases the arena and the checkpoint.
 */
final class DecoderFiles implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    final Path source;
    final DecoderCheckpoint checkpoint;
    final Arena arena;
    final DecoderConfig config;
    final DecoderWeights weights;
    final HfTokenizer tokenizer;
    /** Whether prompts get the tokenizer's special tokens (BOS): tokenizer_config.json's add_bos_token, else yes. */
    final boolean addSpecialTokens;

    private DecoderFiles(Path source, DecoderCheckpoint checkpoint, Arena arena, DecoderConfig config,
                         DecoderWeights weights, HfTokenizer tokenizer, boolean addSpecialTokens) {
        this.source = source;
        this.checkpoint = checkpoint;
        this.arena = arena;
        this.config = config;
        this.weights = weights;
        this.tokenizer = tokenizer;
        this.addSpecialTokens = addSpecialTokens;
    }

    static DecoderFiles open(Path model) {
        if (!Files.exists(model)) {
            throw new IllegalArgumentException(model + ": no such model file or folder");
        }
        HfTokenizer tokenizer;
        boolean addSpecial;
        if (Files.isDirectory(model)) {
            Path json = model.resolve("tokenizer.json");
            if (!Files.isRegularFile(json)) {
                throw new IllegalArgumentException(model + ": no tokenizer.json in the model folder");
            }
            try {
                tokenizer = TokenizerJson.load(json);
                addSpecial = true;
                Path cfg = model.resolve("tokenizer_config.json");
                if (Files.isRegularFile(cfg)) {
                    JsonNode root = JSON.readTree(cfg.toFile());
                    if (root.path("add_bos_token").isBoolean()) {
                        addSpecial = root.get("add_bos_token").asBoolean();
                    }
                }
            } catch (IOException e) {
                throw new IllegalArgumentException(model + ": cannot read its tokenizer: " + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(model + ": bad tokenizer: " + e.getMessage(), e);
            }
        } else {
            String name = String.valueOf(model.getFileName()).toLowerCase(Locale.ROOT);
            if (!name.endsWith(".gguf")) {
                throw new IllegalArgumentException(model + ": not a decoder with a tokenizer: expected a .gguf file or a "
                        + "Hugging Face folder with config.json and tokenizer.json");
            }
            try {
                tokenizer = GgufTokenizer.load(model);
                addSpecial = true;
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(model + ": no usable tokenizer in the GGUF metadata: " + e.getMessage(), e);
            }
        }
        DecoderCheckpoint ck;
        try {
            ck = DecoderCheckpoint.open(model);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(model + ": not a decoder model: " + e.getMessage(), e);
        }
        Arena arena = Arena.ofShared();
        try {
            DecoderConfig config = DecoderConfig.of(ck);
            if (tokenizer.vocabSize() > config.vocabSize()) {
                throw new IllegalArgumentException(model + ": the tokenizer has " + tokenizer.vocabSize()
                        + " tokens but the model's vocabulary is " + config.vocabSize());
            }
            DecoderWeights weights = DecoderWeights.load(config, n -> ck.tensors().find(n).orElse(null), arena, ck.source());
            return new DecoderFiles(model, ck, arena, config, weights, tokenizer, addSpecial);
        } catch (RuntimeException | Error e) {
            arena.close();
            ck.close();
            throw e;
        }
    }

    /** Block 1's layer count: {@code split}, or ⌊3L/4⌋ for {@link DecoderClassifierOptions#AUTO_SPLIT}. */
    int resolveSplit(int split) {
        int s = split == DecoderClassifierOptions.AUTO_SPLIT ? EncoderClassifier.defaultSplit(config.numLayers()) : split;
        if (s > config.numLayers()) {
            throw new IllegalArgumentException(source + ": split layer " + s + " but the model has " + config.numLayers()
                    + " layers");
        }
        return s;
    }

    @Override
    public void close() {
        arena.close();
        checkpoint.close();
    }
}
