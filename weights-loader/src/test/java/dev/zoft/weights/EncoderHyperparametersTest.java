package dev.zoft.weights;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class EncoderHyperparametersTest {
    /** The config.json of sentence-transformers/all-MiniLM-L6-v2 (Hugging Face BertConfig keys). */
    static final String MINILM_CONFIG = """
            {
              "_name_or_path": "nreimers/MiniLM-L6-H384-uncased",
              "architectures": ["BertModel"],
              "attention_probs_dropout_prob": 0.1,
              "hidden_act": "gelu",
              "hidden_dropout_prob": 0.1,
              "hidden_size": 384,
              "initializer_range": 0.02,
              "intermediate_size": 1536,
              "layer_norm_eps": 1e-12,
              "max_position_embeddings": 512,
              "model_type": "bert",
              "num_attention_heads": 12,
              "num_hidden_layers": 6,
              "pad_token_id": 0,
              "position_embedding_type": "absolute",
              "type_vocab_size": 2,
              "vocab_size": 30522
            }
            """;

    static final EncoderHyperparameters MINILM = new EncoderHyperparameters(30522, 384, 6, 12, 1536, 512, 2, 1e-12, "gelu");

    @TempDir
    Path dir;

    private Path config(String json) throws IOException {
        return Files.writeString(dir.resolve("config.json"), json);
    }

    @Test
    void readsHuggingFaceConfig() throws IOException {
        EncoderHyperparameters hp = EncoderHyperparameters.fromConfigJson(config(MINILM_CONFIG));
        assertEquals(MINILM, hp);
        assertEquals(32, hp.headDim());
    }

    @Test
    void defaultsLikeBertConfig() throws IOException {
        EncoderHyperparameters hp = EncoderHyperparameters.fromConfigJson(config("""
                {"vocab_size": 100, "hidden_size": 8, "num_hidden_layers": 2, "num_attention_heads": 2,
                 "intermediate_size": 16, "max_position_embeddings": 32}"""));
        assertEquals(2, hp.typeVocabSize());
        assertEquals(1e-12, hp.layerNormEps());
        assertEquals("gelu", hp.hiddenAct());
    }

    @Test
    void rejectsBadConfigsNamingTheKey() throws IOException {
        assertProblem(MINILM_CONFIG.replace("\"hidden_size\": 384,", ""), "'hidden_size'");
        assertProblem(MINILM_CONFIG.replace("\"hidden_size\": 384", "\"hidden_size\": \"384\""), "'hidden_size' must be an integer");
        assertProblem(MINILM_CONFIG.replace("\"hidden_size\": 384", "\"hidden_size\": 385"), "not a multiple of num_attention_heads");
        assertProblem(MINILM_CONFIG.replace("30522", "99999999999"), "'vocab_size'");
        assertProblem(MINILM_CONFIG.replace("\"num_hidden_layers\": 6", "\"num_hidden_layers\": -6"), "num_hidden_layers must be positive");
        assertProblem(MINILM_CONFIG.replace("1e-12", "-1"), "layer_norm_eps");
        assertProblem("[1]", "not a JSON object");
        assertProblem("{", "cannot read config.json");
    }

    @Test
    void comparesNamingTheFirstDifference() {
        EncoderHyperparameters other = new EncoderHyperparameters(30522, 384, 6, 6, 1536, 512, 2, 1e-12, "gelu");
        WeightFormatException e = assertThrows(WeightFormatException.class, () -> MINILM.requireSameAs(other, "x"));
        assertTrue(e.getMessage().contains("num_attention_heads differs: 12 vs 6"), e.getMessage());
        MINILM.requireSameAs(new EncoderHyperparameters(30522, 384, 6, 12, 1536, 512, 2, 1.0000000000000001e-12, "gelu"), "x");
    }

    private void assertProblem(String json, String fragment) throws IOException {
        Path f = config(json);
        WeightFormatException e = assertThrows(WeightFormatException.class, () -> EncoderHyperparameters.fromConfigJson(f));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), "'" + fragment + "' not in " + e.getMessage());
    }
}
