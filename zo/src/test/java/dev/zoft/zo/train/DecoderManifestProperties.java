package dev.zoft.zo.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.zo.task.DecoderClassifierOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

/**
 * Invariants of the decoder run records: any template and label words (quotes, backslashes,
 * unicode, newlines) survive the manifest's JSON round trip; causal-LM manifests too; the
 * causal-LM epoch order is a permutation fixed by its seed.
 */
class DecoderManifestProperties {

    @Property(tries = 60)
    void classificationManifestsRoundTrip(@ForAll @StringLength(max = 40) String prefix,
                                          @ForAll @StringLength(max = 40) String suffix,
                                          @ForAll @Size(min = 2, max = 5) List<@StringLength(min = 1, max = 12) String> words)
            throws IOException {
        String template = prefix.replace(DecoderClassifierOptions.SENTENCE, "") + DecoderClassifierOptions.SENTENCE
                + suffix.replace(DecoderClassifierOptions.SENTENCE, "");
        if (template.indexOf(DecoderClassifierOptions.SENTENCE) != template.lastIndexOf(DecoderClassifierOptions.SENTENCE)) {
            return; // the halves can meet to form a second placeholder
        }
        List<String> names = words.stream().map(w -> "c" + w.hashCode()).toList();
        RunManifest m = new RunManifest(RunManifest.FORMAT_VERSION, "/m.gguf", "0f".repeat(32), "top-1", words, names, 0,
                2, 64, 99, EstimatorSpec.mezo(1, 1e-3f), LearningRateSpec.constant(1e-3), 1, 2, 3, 1, "t", "d",
                RunManifest.SEED_LOG_FILE_NAME, "now", template, RunManifest.TASK_CLASSIFY);
        Path f = Files.createTempFile("manifest", ".json");
        try {
            m.write(f);
            RunManifest back = RunManifest.read(f);
            assertEquals(m, back);
            assertEquals(template, back.decoderOptions().template());
            assertEquals(words, back.decoderOptions().labelWords());
        } finally {
            Files.deleteIfExists(f);
        }
    }

    @Property(tries = 30)
    void lmManifestsRoundTripAndRefuseLabelWords(@ForAll @IntRange(min = 2, max = 4096) int chunk,
                                                 @ForAll @IntRange(min = 0, max = 8) int split) throws IOException {
        RunManifest m = new RunManifest(RunManifest.FORMAT_VERSION, "/m", "0f".repeat(32), "norms", List.of(), List.of(),
                0, split, chunk, 5, EstimatorSpec.mezo(1, 1e-3f), LearningRateSpec.constant(1e-3), 1, 2, 3, 1, "t", "d",
                RunManifest.SEED_LOG_FILE_NAME, "now", null, RunManifest.TASK_LM);
        Path f = Files.createTempFile("manifest", ".json");
        try {
            m.write(f);
            RunManifest back = RunManifest.read(f);
            assertEquals(m, back);
            assertTrue(back.isLm() && back.isDecoder());
            assertTrue(back.splitDescription().contains("chunkTokens=" + chunk));
        } finally {
            Files.deleteIfExists(f);
        }
        assertThrows(IllegalArgumentException.class, () -> new RunManifest(RunManifest.FORMAT_VERSION, "/m", "0f".repeat(32),
                "norms", List.of(" a", " b"), List.of("x", "y"), 0, split, chunk, 5, EstimatorSpec.mezo(1, 1e-3f),
                LearningRateSpec.constant(1e-3), 1, 2, 3, 1, "t", "d", RunManifest.SEED_LOG_FILE_NAME, "now", null,
                RunManifest.TASK_LM));
        assertThrows(IllegalArgumentException.class, () -> new RunManifest(RunManifest.FORMAT_VERSION, "/m", "0f".repeat(32),
                "norms", List.of(), List.of(), 0, split, chunk, 5, EstimatorSpec.mezo(1, 1e-3f),
                LearningRateSpec.constant(1e-3), 1, 2, 3, 1, "t", "d", RunManifest.SEED_LOG_FILE_NAME, "now", null,
                "translate"));
    }

    @Property(tries = 100)
    void epochOrderIsASeededPermutation(@ForAll @IntRange(min = 0, max = 300) int n, @ForAll long seed) {
        int[] p = LmFinetuner.permutation(n, seed);
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        int[] identity = new int[n];
        Arrays.setAll(identity, i -> i);
        assertArrayEquals(identity, sorted);
        assertArrayEquals(p, LmFinetuner.permutation(n, seed));
    }
}
