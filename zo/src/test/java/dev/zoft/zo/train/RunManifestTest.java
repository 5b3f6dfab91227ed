package dev.zoft.zo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.random.Distribution;
import dev.zoft.zo.estimate.FedSpzo;
import dev.zoft.zo.estimate.MeZo;
import dev.zoft.zo.estimate.RestoreMode;
import dev.zoft.zo.task.ClassifierOptions;
import dev.zoft.zo.task.TrainableSubset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunManifestTest {

    static RunManifest sample(String sha, int version, String seedLog) {
        return new RunManifest(version, BaseModel.MINILM, sha, "top-2", ClassifierOptions.SENTIMENT_PROMPTS,
                List.of("negative", "positive"), 0.05, 4, 64, 7_100_000L,
                new EstimatorSpec(EstimatorSpec.Method.FEDSPZO_DECOUPLED, 3, 5, 1e-3f, Distribution.RADEMACHER, RestoreMode.IN_PLACE),
                LearningRateSpec.linearDecay(1e-4, 1e-5, 300), -42, 16, 300, 50, "train.tsv", "dev.tsv (stratified 200)",
                seedLog, "2026-01-01T00:00:00Z");
    }

    @Test
    void jsonRoundTripsAndRebuildsTheTask(@TempDir Path dir) throws IOException {
        RunManifest m = sample("ab".repeat(32), 1, RunManifest.SEED_LOG_FILE_NAME);
        Path f = dir.resolve(RunManifest.FILE_NAME);
        m.write(f);
        RunManifest back = RunManifest.read(f);
        assertEquals(m, back);
        assertEquals(new ClassifierOptions(ClassifierOptions.SENTIMENT_PROMPTS, 0.05, 4, TrainableSubset.topLayers(2), 64),
                back.classifierOptions());
        assertEquals(Distribution.RADEMACHER, back.seedLogHeader().distribution());
        assertEquals(7_100_000L, back.seedLogHeader().parameterCount());
        assertTrue(back.seedLogHeader().split().startsWith("subset=top-2 split=4 maxTokens=64"));
        assertEquals(1e-5, back.learningRate().schedule().at(300));
        FedSpzo e = (FedSpzo) back.estimator().create();
        assertEquals(FedSpzo.Variant.DECOUPLED, e.variant());
        assertEquals(8, e.scalarsPerStep());
    }

    @Test
    void invalidManifestsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> sample("xyz", 1, "log"));
        assertThrows(IllegalArgumentException.class, () -> sample("ab".repeat(32), 2, "log"));
        assertThrows(IllegalArgumentException.class, () -> sample("ab".repeat(32), 1, "../elsewhere.zosl"));
        IOException e = assertThrows(IOException.class, () -> RunManifest.read(Path.of("/no/such/manifest.json")));
        assertTrue(e.getMessage().contains("/no/such/manifest.json"), e.getMessage());
    }

    @Test
    void estimatorSpecsValidateAndBuild() {
        assertEquals(4, ((MeZo) EstimatorSpec.mezo(4, 1e-3f).create()).directions());
        assertEquals(8, EstimatorSpec.fedSpzo(2, 4, 1e-3f).directionsPerStep());
        assertEquals(EstimatorSpec.Method.FEDSPZO_DECOUPLED, EstimatorSpec.Method.parse("FedSPZO-Decoupled"));
        assertThrows(IllegalArgumentException.class, () -> EstimatorSpec.Method.parse("spsa"));
        assertThrows(IllegalArgumentException.class, () -> EstimatorSpec.mezo(0, 1e-3f));
        assertThrows(IllegalArgumentException.class, () -> EstimatorSpec.mezo(1, 0f));
        assertThrows(IllegalArgumentException.class,
                () -> new EstimatorSpec(EstimatorSpec.Method.MEZO, 2, 3, 1e-3f, Distribution.GAUSSIAN, RestoreMode.SNAPSHOT));
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSpec(false, 1e-3, 1e-4, 0));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSpec.linearDecay(1e-3, 1e-4, 0));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSpec.constant(Double.NaN));
    }
}
