package dev.zoft.zo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.zo.task.DecoderClassifierOptions;
import dev.zoft.zo.task.DecoderSubset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decoder runs in the manifest: the template, label words and decoder subset survive the JSON
 * round trip and rebuild the task's options; manifests written before decoders (no
 * {@code decoderTemplate} key) still read as encoder runs; and a decoder folder's identity is
 * the SHA-256 of its weight, config and tokenizer files.
 */
class DecoderRunManifestTest {

    static RunManifest decoder(String subset, String template, List<String> words) {
        return new RunManifest(RunManifest.FORMAT_VERSION, "/models/tiny.gguf", "cd".repeat(32), subset, words,
                List.of("negative", "positive"), 0, 1, 128, 1234, EstimatorSpec.mezo(2, 1e-3f),
                LearningRateSpec.constant(1e-3), 7, 4, 10, 5, "demo", "demo dev", RunManifest.SEED_LOG_FILE_NAME,
                "2026-01-01T00:00:00Z", template, RunManifest.TASK_CLASSIFY);
    }

    @Test
    void decoderManifestsRoundTripAndRebuildTheOptions(@TempDir Path dir) throws IOException {
        RunManifest m = decoder("norms", "Review: {sentence} Sentiment:", List.of(" bad", " good"));
        Path f = dir.resolve(RunManifest.FILE_NAME);
        m.write(f);
        RunManifest back = RunManifest.read(f);
        assertEquals(m, back);
        assertTrue(back.isDecoder());
        assertFalse(Files.readString(f).contains("\"decoder\""), "isDecoder() is not a JSON property");
        assertEquals(new DecoderClassifierOptions("Review: {sentence} Sentiment:", List.of(" bad", " good"),
                DecoderSubset.norms(), 1, 128), back.decoderOptions());
        assertTrue(back.seedLogHeader().split().startsWith("decoder subset=norms split=1 maxTokens=128 template=Review:"),
                back.seedLogHeader().split());
        assertThrows(IllegalStateException.class, back::classifierOptions);
    }

    @Test
    void manifestsWithoutTheDecoderKeyAreEncoderRuns(@TempDir Path dir) throws IOException {
        RunManifest encoder = RunManifestTest.sample("ab".repeat(32), 1, RunManifest.SEED_LOG_FILE_NAME);
        Path f = dir.resolve(RunManifest.FILE_NAME);
        // A manifest as a build before decoders wrote it: no decoderTemplate key at all.
        Files.writeString(f, encoder.toJson().replaceAll(",\\s*\"decoder(Template|Task)\"\\s*:\\s*null", ""));
        assertFalse(Files.readString(f).contains("decoderTemplate"));
        RunManifest back = RunManifest.read(f);
        assertEquals(encoder, back);
        assertFalse(back.isDecoder());
        assertThrows(IllegalStateException.class, back::decoderOptions);
    }

    @Test
    void invalidDecoderManifestsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> decoder("bitfit", "{sentence} It was", List.of(" a", " b")),
                "bitfit is an encoder subset");
        assertThrows(IllegalArgumentException.class, () -> decoder("all", "no placeholder", List.of(" a", " b")));
        assertThrows(IllegalArgumentException.class, () -> decoder("all", "{sentence}", List.of(" a")));
    }

    @Test
    void aFolderIsIdentifiedByItsWeightConfigAndTokenizerFiles(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("config.json"), "{}");
        assertThrows(IOException.class, () -> BaseModel.decoder(dir).sha256(), "no weight file");
        Files.write(dir.resolve("model.safetensors"), new byte[] {1, 2, 3});
        Files.writeString(dir.resolve("tokenizer.json"), "{\"a\":1}");
        String h = BaseModel.decoder(dir).sha256Hex();
        Files.writeString(dir.resolve("README.md"), "docs do not count");
        assertEquals(h, BaseModel.decoder(dir).sha256Hex());
        Files.writeString(dir.resolve("tokenizer.json"), "{\"a\":2}");
        String h2 = BaseModel.decoder(dir).sha256Hex();
        assertFalse(h.equals(h2), "the tokenizer counts");
        Files.write(dir.resolve("model.safetensors"), new byte[] {1, 2, 4});
        assertFalse(h2.equals(BaseModel.decoder(dir).sha256Hex()), "the weights count");
        assertEquals(BaseModel.decoder(dir), BaseModel.named(dir.toAbsolutePath().toString()));
        assertThrows(IllegalArgumentException.class, () -> BaseModel.named(dir.resolve("gone").toAbsolutePath().toString()));
        assertThrows(IllegalArgumentException.class, () -> BaseModel.named("some-relative-name"));
    }
}
