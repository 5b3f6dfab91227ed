package dev.zoft.zo.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.zo.data.Dataset;
import dev.zoft.zo.data.Datasets;
import dev.zoft.zo.data.LabeledText;
import dev.zoft.zo.data.Labels;
import dev.zoft.zo.estimate.StepResult;
import dev.zoft.zo.log.SeedLog;
import dev.zoft.zo.metrics.RoundMetrics;
import dev.zoft.zo.task.ClassifierOptions;
import dev.zoft.zo.task.EncoderClassifier;
import dev.zoft.zo.task.Evaluation;
import dev.zoft.zo.task.TrainableSubset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Single-device finetuning of the bundled MiniLM on the demo sentiment set: a short run lowers the
 * loss, the run directory replays to the finetuned weights bit for bit, and a tampered run is
 * refused.
 */
class FinetunerTest {
    static final int STEPS = 16;
    static final ClassifierOptions OPTIONS = ClassifierOptions.defaults().withTrainable(TrainableSubset.bitFit());
    static final Finetuner.Config CONFIG = new Finetuner.Config(EstimatorSpec.fedSpzo(2, 4, 1e-3f),
            LearningRateSpec.constant(1e-3), 16, STEPS, 7, 8, 0);

    static WorkerPool pool;
    static Kernels kernels;
    static BaseModel base;
    static byte[] sha;

    @BeforeAll
    static void setUp() throws IOException {
        pool = WorkerPool.create(2);
        kernels = Kernels.create(VectorWidth.configured(), pool);
        base = BaseModel.bundledMiniLm();
        sha = base.sha256();
    }

    @AfterAll
    static void tearDown() {
        pool.close();
    }

    /** Trains CONFIG into {@code dir} as the CLI does: manifest first, then the run writing its log. */
    static Finetuner.Result train(Path dir, EncoderClassifier c, List<RoundMetrics> seen) throws IOException {
        RunManifest m = RunManifest.of(base.name(), sha, c, Labels.sentiment().names(), CONFIG, "demo train", "demo dev");
        m.write(dir.resolve(RunManifest.FILE_NAME));
        return new Finetuner(c, pool, CONFIG).run(Datasets.demoTrain(), Datasets.demoDev(), m.seedLogHeader(),
                dir.resolve(m.seedLog()), new Finetuner.Listener() {
                    @Override
                    public void started(RoundMetrics zeroShot, Evaluation dev) {
                        seen.add(zeroShot);
                    }

                    @Override
                    public void stepped(long step, StepResult result) {
                        assertFalse(seen.isEmpty(), "started() comes before the first step");
                    }

                    @Override
                    public void round(RoundMetrics row, Evaluation dev) {
                        seen.add(row);
                    }
                });
    }

    @Test
    void aShortRunLowersTheDevLossAndItsLogReplaysBitForBit(@TempDir Path dir) throws IOException {
        List<RoundMetrics> seen = new ArrayList<>();
        Map<String, float[]> finetuned = new java.util.LinkedHashMap<>();
        Finetuner.Result r;
        try (EncoderClassifier c = base.classifier(kernels, OPTIONS)) {
            r = train(dir, c, seen);
            for (Map.Entry<String, Tensor> e : c.parameters().tensors().entrySet()) {
                finetuned.put(e.getKey(), e.getValue().toFloatArray());
            }
        }
        System.out.printf("demo set, bitfit, FedSPZO P1=2 P2=4, %d steps: dev %s -> %s in %.1f s%n",
                STEPS, r.zeroShot(), r.last(), r.wallSeconds());
        // Rounds: 0 (zero-shot), then one per 8 steps.
        assertEquals(3, r.rounds().size());
        assertEquals(r.rounds(), seen);
        RoundMetrics last = r.rounds().get(2);
        assertEquals(2, last.round());
        assertEquals(STEPS, last.steps());
        // Nested FedSPZO: per step P1 block-1 pairs (2 passes) and P1·P2 block-2 pairs (2 passes each).
        assertEquals(STEPS * (2L * 2 + 2L * 2 * 4), last.forwardPasses());
        assertTrue(last.forwardFlops() > 0 && last.wallSeconds() > 0);
        assertEquals(121 - 1, r.devExamples());
        // The point of the run: the dev loss falls. ZO moves slowly (16 steps of 16 sentences); with
        // this seed it falls by 0.0056 (0.4127 -> 0.4071), while a sign error in the update or the
        // log would raise it.
        assertTrue(r.last().meanLoss() < r.zeroShot().meanLoss() - 0.003,
                "dev loss " + r.zeroShot().meanLoss() + " -> " + r.last().meanLoss());
        assertTrue(r.last().accuracy() >= r.zeroShot().accuracy(), r.zeroShot() + " -> " + r.last());
        // Snapshot restore: one record per direction, P1 + P2 per step.
        assertEquals(STEPS * 6, r.log().size());

        SeedLog onDisk = SeedLog.read(dir.resolve(RunManifest.SEED_LOG_FILE_NAME));
        assertEquals(r.log().updates(), onDisk.updates());
        try (FinetunedRun replayed = FinetunedRun.load(dir, kernels, pool)) {
            assertEquals(0, replayed.droppedBytes());
            Map<String, Tensor> tensors = replayed.classifier().parameters().tensors();
            assertEquals(finetuned.keySet(), tensors.keySet());
            for (String name : finetuned.keySet()) {
                assertArrayEquals(finetuned.get(name), tensors.get(name).toFloatArray(), name);
            }
            Evaluation again = replayed.classifier().evaluate(Datasets.demoDev().texts(), Datasets.demoDev().labelArray(), 32);
            assertEquals(r.last(), again, "the replayed model evaluates exactly as the trained one");
            assertEquals(OPTIONS.trainable().spec(), replayed.manifest().trainableSubset());
            assertTrue(replayed.allTensors().containsKey("encoder.layer.5.output.dense.weight"));
            assertTrue(replayed.allTensors().containsKey("head.class_vectors"));
            assertTrue(replayed.safetensorsMetadata().get("zoft.manifest").contains("\"trainableSubset\" : \"bitfit\""));
        }
    }

    @Test
    void aRunWhoseLogOrBaseDoesNotMatchItsManifestIsRefused(@TempDir Path dir) throws IOException {
        Finetuner.Config tiny = new Finetuner.Config(EstimatorSpec.mezo(1, 1e-3f), LearningRateSpec.constant(1e-4), 4, 2, 1, 2, 8);
        try (EncoderClassifier c = base.classifier(kernels, OPTIONS.withTrainable(TrainableSubset.headOnly()))) {
            RunManifest m = RunManifest.of(base.name(), sha, c, Labels.sentiment().names(), tiny, "t", "d");
            m.write(dir.resolve(RunManifest.FILE_NAME));
            new Finetuner(c, pool, tiny).run(Datasets.demoTrain(), Datasets.demoDev(), m.seedLogHeader(),
                    dir.resolve(m.seedLog()), new Finetuner.Listener() { });
            assertEquals(2, m.parameterCount() / 384);

            // A manifest claiming another base weights digest.
            String other = "0".repeat(64);
            writeManifest(dir, m.toJson().replace(m.weightsSha256(), other));
            IOException e = assertThrows(IOException.class, () -> FinetunedRun.load(dir, kernels, pool));
            assertTrue(e.getMessage().contains("was trained from " + other + ": not the same model file"), e.getMessage());

            // A manifest whose task differs from the log's header (another subset, another count).
            writeManifest(dir, m.toJson().replace("\"head\"", "\"bitfit\""));
            e = assertThrows(IOException.class, () -> FinetunedRun.load(dir, kernels, pool));
            assertTrue(e.getMessage().contains("does not match the manifest") && e.getMessage().contains("task 'subset=head"),
                    e.getMessage());

            // Not JSON, and JSON missing a field.
            writeManifest(dir, "{ not json");
            e = assertThrows(IOException.class, () -> FinetunedRun.load(dir, kernels, pool));
            assertTrue(e.getMessage().startsWith(dir.resolve(RunManifest.FILE_NAME) + ": not a valid run manifest"), e.getMessage());
            writeManifest(dir, m.toJson().replace("\"seed\" :", "\"seedX\" :"));
            e = assertThrows(IOException.class, () -> FinetunedRun.load(dir, kernels, pool));
            assertTrue(e.getMessage().contains("not a valid run manifest"), e.getMessage());

            // A torn last record (a run killed mid-write) is dropped and reported.
            m.write(dir.resolve(RunManifest.FILE_NAME));
            Path log = dir.resolve(m.seedLog());
            byte[] bytes = Files.readAllBytes(log);
            Files.write(log, java.util.Arrays.copyOf(bytes, bytes.length - 5));
            try (FinetunedRun run = FinetunedRun.load(dir, kernels, pool)) {
                assertEquals(SeedLog.RECORD_BYTES - 5, run.droppedBytes());
                assertEquals(1, run.log().size());
            }
        }
    }

    @Test
    void aDatasetWithOtherClassesOrNoExamplesIsRefused() {
        Dataset three = Dataset.of(List.of(new LabeledText("a", 0), new LabeledText("b", 2)), Labels.of("x", "y", "z"), "three.tsv");
        Dataset empty = Datasets.demoDev().firstN(0);
        Finetuner.Config tiny = new Finetuner.Config(EstimatorSpec.mezo(1, 1e-3f), LearningRateSpec.constant(1e-4), 4, 1, 1, 1, 0);
        try (EncoderClassifier c = base.classifier(kernels, OPTIONS.withTrainable(TrainableSubset.headOnly()))) {
            SeedLog.Header h = new SeedLog.Header("m", sha, tiny.estimator().distribution(), "s", c.parameters().size());
            Finetuner f = new Finetuner(c, pool, tiny);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> f.run(three, Datasets.demoDev(), h, null, new Finetuner.Listener() { }));
            assertTrue(e.getMessage().contains("three.tsv has 3 classes"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> f.run(Datasets.demoTrain(), empty, h, null, new Finetuner.Listener() { }));
            assertTrue(e.getMessage().contains("is empty"), e.getMessage());
            SeedLog.Header wrong = new SeedLog.Header("m", sha, tiny.estimator().distribution(), "s", 5);
            e = assertThrows(IllegalArgumentException.class,
                    () -> f.run(Datasets.demoTrain(), Datasets.demoDev(), wrong, null, new Finetuner.Listener() { }));
            assertTrue(e.getMessage().contains("header is for 5 trainable parameters"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new Finetuner.Config(EstimatorSpec.mezo(1, 1e-3f),
                LearningRateSpec.constant(1e-4), 0, 1, 1, 1, 0));
        assertFalse(CONFIG.devSize() > 0);
    }

    private static void writeManifest(Path dir, String json) throws IOException {
        Files.writeString(dir.resolve(RunManifest.FILE_NAME), json);
    }
}
