package dev.zoft.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.weights.Safetensors;
import dev.zoft.weights.TensorStore;
import dev.zoft.zo.metrics.RoundMetrics;
import dev.zoft.zo.train.RunManifest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training commands end to end on tiny settings (head-only MeZO, a few steps on the demo
 * set): finetune writes a run directory, eval/apply/export read it back; and every kind of bad
 * input ends in one clear line, never a stack trace.
 */
class TrainingCommandsTest {
    @TempDir
    static Path shared;
    static Path run;
    static String finetuneOut;

    private ByteArrayOutputStream out = new ByteArrayOutputStream();
    private ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int zoft(String... argv) {
        out = new ByteArrayOutputStream();
        err = new ByteArrayOutputStream();
        return Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Exit 1 with one "zoft CMD: error: ..." line containing {@code expected}, no stack trace. */
    private void failsWith(String expected, String... argv) {
        assertEquals(1, zoft(argv), out() + err());
        List<String> lines = err().lines().filter(l -> l.startsWith("zoft ")).toList();
        assertEquals(1, lines.size(), err());
        assertTrue(lines.get(0).contains(": error: ") && lines.get(0).contains(expected), err());
        assertFalse(err().contains("\tat ") || err().contains("Exception"), err());
    }

    private void usageError(String expected, String... argv) {
        assertEquals(2, zoft(argv), out() + err());
        assertTrue(err().contains(expected), err());
        assertTrue(err().contains("usage: zoft " + argv[0]), err());
        assertFalse(err().contains("\tat "), err());
    }

    @BeforeAll
    static void finetuneOnce() {
        run = shared.resolve("run");
        TrainingCommandsTest t = new TrainingCommandsTest();
        int status = t.zoft("finetune", "--steps", "4", "--batch", "4", "--eval-every", "2", "--dev-size", "24",
                "--subset", "head", "--estimator", "mezo", "--p", "2", "--lr", "1e-3", "--threads", "2",
                "--out", run.toString());
        finetuneOut = t.out();
        assertEquals(0, status, t.out() + t.err());
    }

    @Test
    void finetuneWritesARunDirectory() throws IOException {
        assertTrue(finetuneOut.contains("zero-shot: dev accuracy"), finetuneOut);
        assertTrue(finetuneOut.contains("zero-shot dev accuracy") && finetuneOut.contains("-> final"), finetuneOut);
        RunManifest m = RunManifest.read(run.resolve(RunManifest.FILE_NAME));
        assertEquals("head", m.trainableSubset());
        assertEquals(4, m.steps());
        List<RoundMetrics> rows = MetricsCsv.read(run.resolve(FinetuneCommand.METRICS_CSV));
        assertEquals(3, rows.size()); // round 0 and one per 2 steps
        assertEquals(4, rows.get(2).steps());
        assertEquals(4L * 2 * 2 * 2, rows.get(2).forwardPasses()); // MeZO P=2: two losses per direction, block 1 + block 2 each
        assertEquals(MetricsPlot.DEFAULT_WIDTH, ImageIO.read(run.resolve(FinetuneCommand.METRICS_PNG).toFile()).getWidth());
        // 4 steps × P = 2 records of 17 bytes after the header.
        assertEquals(8, dev.zoft.zo.log.SeedLog.read(run.resolve(m.seedLog())).size());
        usageError("already holds a run", "finetune", "--steps", "0", "--out", run.toString());
    }

    @Test
    void evalApplyAndExportRebuildTheFinetunedModel() throws IOException {
        assertEquals(0, zoft("eval", "--run", run.toString(), "--dev-size", "24", "--threads", "2"), err());
        assertTrue(out().contains("8 updates replayed") && out().contains("finetuned on"), out());
        String finetunedAcc = out().lines().filter(l -> l.startsWith("finetuned")).findFirst().orElseThrow();
        // eval --run picks the 24-sentence subset as the run did (from the run's seed): same accuracy.
        List<RoundMetrics> rows = MetricsCsv.read(run.resolve(FinetuneCommand.METRICS_CSV));
        String expected = String.format(java.util.Locale.ROOT, "accuracy %.2f %%", 100 * rows.get(2).devAccuracy());
        assertTrue(finetunedAcc.contains(expected), finetunedAcc + " vs " + expected);

        Path trained = shared.resolve("trained.safetensors");
        assertEquals(0, zoft("apply", "--run", run.toString(), "--out", trained.toString()), err());
        assertTrue(out().contains("SHA-256") && out().contains("verified"), out());
        assertTrue(out().contains("seed log") && out().contains("8 updates"), out());
        assertTrue(out().contains("of 768 trainable parameters changed"), out());

        Path full = shared.resolve("model.safetensors");
        assertEquals(0, zoft("export", "--run", run.toString(), "--out", full.toString()), err());
        assertTrue(out().contains("wrote " + full), out());
        try (TensorStore small = Safetensors.open(trained); TensorStore all = Safetensors.open(full)) {
            assertEquals(java.util.Set.of("head.class_vectors"), small.tensors().keySet());
            assertEquals(6 * 16 + 5 + 1, all.tensors().size()); // 16 per layer, 5 embedding tensors, the head
            assertArrayEquals(small.tensors().get("head.class_vectors").toFloatArray(),
                    all.tensors().get("head.class_vectors").toFloatArray());
            assertTrue(all.metadata().get("zoft.manifest").contains("\"trainableSubset\" : \"head\""));
            assertEquals("negative,positive", all.metadata().get("zoft.labels"));
        }
    }

    @Test
    void zeroShotEvalOnAFile() throws IOException {
        Path data = shared.resolve("mini.jsonl");
        Files.writeString(data, """
                {"text": "a wonderful, moving film", "label": 1}
                {"text": "dull and far too long", "label": 0}
                {"text": "i loved every minute", "label": "positive"}
                """);
        assertEquals(0, zoft("eval", "--data", data.toString(), "--threads", "2"), err());
        assertTrue(out().contains("zero-shot sentence-transformers/all-MiniLM-L6-v2 on " + data + ": accuracy"), out());
        assertTrue(out().contains("/3)"), out());
    }

    @Test
    void malformedDataNamesFileAndLineOrIsSkippedWithAReport() throws IOException {
        Path bad = shared.resolve("bad.tsv");
        Files.writeString(bad, "sentence\tlabel\na fine film\t1\nno label here\nterrible\t7\nso good\t1\nawful\t0\n");
        failsWith(bad + ":3: ", "finetune", "--data", bad.toString(), "--steps", "0", "--out", shared.resolve("x").toString());
        failsWith(bad + ":3: ", "eval", "--data", bad.toString());

        assertEquals(0, zoft("eval", "--data", bad.toString(), "--skip-malformed", "--threads", "2"), err());
        assertTrue(out().contains(bad + ": 3 examples, 2 malformed rows skipped"), out());
        assertTrue(out().contains("line 3: ") && out().contains("line 4: "), out());
        assertTrue(out().contains("accuracy") && out().contains("/3)"), out());
    }

    @Test
    void badArgumentsAreUsageErrors() throws IOException {
        Path text = Files.writeString(shared.resolve("notes.txt"), "hello\n");
        usageError("unknown option --stepz", "finetune", "--stepz", "3");
        usageError("--steps must be a whole number, got 'many'", "finetune", "--steps", "many");
        usageError("--lr must be a number, got 'fast'", "finetune", "--lr", "fast");
        usageError("--estimator: unknown estimator 'adam'", "finetune", "--estimator", "adam");
        usageError("--subset: unknown trainable subset", "finetune", "--subset", "half");
        usageError("--dev needs --data", "finetune", "--dev", "x.tsv");
        usageError("cannot tell the format of", "eval", "--data", text.toString());
        usageError("--run is required", "apply");
        usageError("--out is required", "export", "--run", "x");
        usageError("takes no positional arguments", "eval", "extra");
        usageError("is a directory", "export", "--run", "x", "--out", shared.toString());
        assertEquals(0, zoft("finetune", "--help"));
        assertTrue(out().contains("--eval-every K") && out().contains("--p1 N, --p2 N"), out());
        for (String c : List.of("eval", "apply", "export")) {
            assertEquals(0, zoft(c, "--help"));
            assertTrue(out().startsWith("usage: zoft " + c), out());
        }
    }

    @Test
    void missingOrMismatchedRunsAreOneLineErrors() throws IOException {
        failsWith("no such file", "finetune", "--data", shared.resolve("absent.tsv").toString(), "--steps", "0");
        failsWith("no such run directory", "eval", "--run", shared.resolve("absent").toString());
        Path empty = Files.createDirectories(shared.resolve("empty-run"));
        failsWith("no such run manifest", "apply", "--run", empty.toString());

        // A run whose seed log is garbage, and one whose log belongs to another task.
        Path broken = Files.createDirectories(shared.resolve("broken"));
        Files.copy(run.resolve(RunManifest.FILE_NAME), broken.resolve(RunManifest.FILE_NAME));
        Files.writeString(broken.resolve(RunManifest.SEED_LOG_FILE_NAME), "not a seed log at all");
        failsWith("not a zoft seed log", "apply", "--run", broken.toString());

        Path other = Files.createDirectories(shared.resolve("other"));
        String manifest = Files.readString(run.resolve(RunManifest.FILE_NAME));
        Files.writeString(other.resolve(RunManifest.FILE_NAME), manifest.replace("\"head\"", "\"bitfit\""));
        Files.copy(run.resolve(RunManifest.SEED_LOG_FILE_NAME), other.resolve(RunManifest.SEED_LOG_FILE_NAME));
        failsWith("does not match the manifest", "export", "--run", other.toString(), "--out", shared.resolve("o.safetensors").toString());
    }
}
