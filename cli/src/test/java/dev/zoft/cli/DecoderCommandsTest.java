package dev.zoft.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.Tensor;
import dev.zoft.weights.Safetensors;
import dev.zoft.weights.TensorStore;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.zo.data.Dataset;
import dev.zoft.zo.data.Datasets;
import dev.zoft.zo.log.SeedLog;
import dev.zoft.zo.train.BaseModel;
import dev.zoft.zo.train.FinetunedRun;
import dev.zoft.zo.train.Finetuner;
import dev.zoft.zo.train.RunManifest;
import dev.zoft.zo.task.DecoderClassifierTask;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decoder LMs through {@code zoft finetune --model}, {@code eval} and {@code apply}, on tiny random
 * models the test writes with real vocabularies (GPT-2's byte-level BPE as a GGUF file; Llama-2's
 * SentencePiece as a Hugging Face folder): the run directory, the replay reproducing the weights
 * of a library run with the same settings bit for bit, the accuracy eval re-computes, and one
 * clear error line for every bad model.
 */
class DecoderCommandsTest {
    @TempDir
    static Path shared;
    static Path gpt2Gguf;
    static Path llamaFolder;
    static Path gpt2Run;
    static String gpt2Out;

    static final String[] TRAIN = {"--steps", "4", "--batch", "4", "--eval-every", "2", "--dev-size", "16",
            "--estimator", "mezo", "--p", "2", "--lr", "1e-2", "--eps", "1e-2", "--threads", "2", "--seed", "7"};

    private ByteArrayOutputStream out = new ByteArrayOutputStream();
    private ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int zoft(String... argv) {
        out = new ByteArrayOutputStream();
        err = new ByteArrayOutputStream();
        return Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(b, 0, r, 0, b.length);
        System.arraycopy(a, 0, r, b.length, a.length);
        return r;
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Exit 1 with one "zoft CMD: error: ..." line containing every expected piece, no stack trace. */
    private void failsWith(List<String> expected, String... argv) {
        assertEquals(1, zoft(argv), out() + err());
        List<String> lines = err().lines().filter(l -> l.startsWith("zoft ")).toList();
        assertEquals(1, lines.size(), err());
        for (String e : expected) {
            assertTrue(lines.get(0).contains(": error: ") && lines.get(0).contains(e), "expected '" + e + "' in " + err());
        }
        assertFalse(err().contains("\tat "), err());
    }

    @BeforeAll
    static void writeModelsAndFinetune() throws IOException {
        Path gpt2Folder = TinyDecoderFiles.gpt2Folder(shared.resolve("gpt2-hf"), TinyDecoderFiles.vocab("ggml-vocab-gpt-2.gguf"), 3);
        gpt2Gguf = TinyDecoderFiles.gguf(gpt2Folder, TinyDecoderFiles.vocab("ggml-vocab-gpt-2.gguf"), shared.resolve("tiny-gpt2.gguf"));
        llamaFolder = TinyDecoderFiles.llamaFolder(shared.resolve("llama-hf"), TinyDecoderFiles.vocab("ggml-vocab-llama-spm.gguf"), 5);
        gpt2Run = shared.resolve("gpt2-run");
        DecoderCommandsTest t = new DecoderCommandsTest();
        int status = t.zoft(concat(TRAIN, "finetune", "--model", gpt2Gguf.toString(), "--subset", "all",
                "--out", gpt2Run.toString()));
        gpt2Out = t.out();
        System.out.println("tiny GPT-2 label words: " + gpt2Out.lines().filter(l -> l.startsWith("zero-shot dev accuracy"))
                .findFirst().orElse(""));
        assertEquals(0, status, t.out() + t.err());
    }

    @Test
    void finetuneWritesADecoderRunDirectory() throws IOException {
        assertTrue(gpt2Out.contains("label words [ terrible,  great]"), gpt2Out);
        RunManifest m = RunManifest.read(gpt2Run.resolve(RunManifest.FILE_NAME));
        assertTrue(m.isDecoder());
        assertEquals(gpt2Gguf.toAbsolutePath().toString(), m.model());
        assertEquals(HexFormat.of().formatHex(SeedLog.sha256(gpt2Gguf)), m.weightsSha256(), "the GGUF file's SHA-256");
        assertEquals("{sentence} It was", m.decoderOptions().template());
        assertEquals("all", m.trainableSubset());
        assertEquals(4, m.steps());
        SeedLog log = SeedLog.read(gpt2Run.resolve(m.seedLog()));
        assertEquals(4 * 2, log.size(), "4 MeZO steps of 2 directions");
        assertEquals(m.splitDescription(), log.header().split());
        List<String> csv = Files.readAllLines(gpt2Run.resolve(FinetuneCommand.METRICS_CSV));
        assertEquals(1 + 3, csv.size(), "header + round 0 + 2 rounds: " + csv);
    }

    @Test
    void replayEqualsALibraryRunBitForBitAndEvalRecomputesTheAccuracy() throws IOException {
        // The same run through the public API (no CLI): its final weights ...
        RunManifest m = RunManifest.read(gpt2Run.resolve(RunManifest.FILE_NAME));
        Map<String, float[]> library = new java.util.LinkedHashMap<>();
        try (WorkerPool pool = WorkerPool.create(1);
             DecoderClassifierTask task = BaseModel.decoder(gpt2Gguf).decoderClassifier(
                     Kernels.create(VectorWidth.configured(), pool), m.decoderOptions())) {
            Finetuner.Config config = new Finetuner.Config(m.estimator(), m.learningRate(), m.batchSize(), m.steps(),
                    m.seed(), m.evalEvery(), 16);
            Dataset train = Datasets.demo().train();
            Dataset dev = Datasets.demo().dev();
            new Finetuner(task, pool, config).run(train, dev, m.seedLogHeader(), null, new Finetuner.Listener() { });
            task.parameters().tensors().forEach((k, v) -> library.put(k, v.toFloatArray()));
        }
        // ... are the replayed ones, bit for bit (1 thread vs the CLI's 2).
        try (WorkerPool pool = WorkerPool.create(2);
             FinetunedRun r = FinetunedRun.load(gpt2Run, Kernels.create(VectorWidth.configured(), pool), pool)) {
            Map<String, Tensor> replayed = r.trainedTensors();
            assertEquals(library.keySet(), replayed.keySet());
            for (var e : replayed.entrySet()) {
                float[] a = library.get(e.getKey());
                float[] b = e.getValue().toFloatArray();
                for (int i = 0; i < a.length; i++) {
                    assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), e.getKey() + "[" + i + "]");
                }
            }
            assertTrue(r.change().changed() > 0, "the run moved the weights");
        }
        // eval --run on the same dev subset prints the accuracy finetune ended with.
        assertEquals(0, zoft("eval", "--run", gpt2Run.toString(), "--dev-size", "16", "--threads", "1"), err());
        Matcher fin = Pattern.compile("-> final ([0-9.]+) %").matcher(gpt2Out);
        assertTrue(fin.find(), gpt2Out);
        assertTrue(out().contains("finetuned on ") && out().contains("accuracy " + fin.group(1) + " %"), out() + gpt2Out);
    }

    @Test
    void applyReplaysAndSavesTheTrainedTensors() throws IOException {
        Path file = shared.resolve("trained.safetensors");
        assertEquals(0, zoft("apply", "--run", gpt2Run.toString(), "--out", file.toString(), "--threads", "1"), err());
        assertTrue(out().contains("SHA-256 " + HexFormat.of().formatHex(SeedLog.sha256(gpt2Gguf)) + " verified"), out());
        assertTrue(Files.size(file) > 0);
        try (TensorStore saved = Safetensors.open(file)) {
            assertTrue(saved.size() > 0 && saved.contains("embed"), "the trained tensors under zoft's decoder names");
        }
        Path whole = shared.resolve("whole.safetensors");
        assertEquals(0, zoft("export", "--run", gpt2Run.toString(), "--out", whole.toString(), "--threads", "1"), err());
        try (TensorStore saved = Safetensors.open(whole)) {
            assertTrue(saved.contains("embed") && saved.contains("positions") && saved.contains("norm.weight")
                    && saved.contains("norm.bias"), "every decoder tensor under zoft's names: " + saved.size());
        }
    }

    @Test
    void llamaFolderWithSentencePieceFinetunesAndEvaluatesZeroShot() throws IOException {
        Path run = shared.resolve("llama-run");
        assertEquals(0, zoft("finetune", "--model", llamaFolder.toString(), "--subset", "top-1", "--estimator", "fedspzo",
                "--p1", "1", "--p2", "2", "--steps", "3", "--batch", "4", "--dev-size", "16", "--lr", "1e-2",
                "--threads", "2", "--out", run.toString()), out() + err());
        assertTrue(out().contains("zero-shot dev accuracy"), out());
        RunManifest m = RunManifest.read(run.resolve(RunManifest.FILE_NAME));
        assertEquals(llamaFolder.toAbsolutePath().toString(), m.model());
        assertEquals(BaseModel.decoder(llamaFolder).sha256Hex(), m.weightsSha256());
        assertEquals(0, zoft("eval", "--model", llamaFolder.toString(), "--dev-size", "16", "--threads", "1"), err());
        assertTrue(out().contains("zero-shot " + llamaFolder.toAbsolutePath()), out());
        // Any change to the weights breaks the replay with a clear message.
        Files.write(llamaFolder.resolve("model.safetensors"), new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
        failsWith(List.of("SHA-256", "not the same model"), "apply", "--run", run.toString());
    }

    @Test
    void badModelsFailWithOneLineNamingThePath(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("nope.gguf");
        failsWith(List.of(missing.toString(), "no such model file or folder"), "finetune", "--model", missing.toString(),
                "--out", dir.resolve("r1").toString());
        Path text = Files.writeString(dir.resolve("notes.txt"), "hello");
        failsWith(List.of(text.toString(), "not a decoder"), "eval", "--model", text.toString());
        Path notGguf = Files.writeString(dir.resolve("fake.gguf"), "not a gguf file at all");
        failsWith(List.of(notGguf.toString()), "eval", "--model", notGguf.toString());
        Path stories = Path.of(System.getProperty("zoft.shared.dir"), "assets", "models", "stories260K", "stories260K.bin")
                .toAbsolutePath().normalize();
        failsWith(List.of(stories.toString(), "not a decoder with a tokenizer"), "eval", "--model", stories.toString());
        Path noTokenizer = Files.createDirectories(dir.resolve("no-tok"));
        for (String f : List.of("config.json", "model.safetensors")) {
            Files.copy(llamaFolder.resolve(f), noTokenizer.resolve(f));
        }
        failsWith(List.of(noTokenizer.toString(), "no tokenizer.json"), "eval", "--model", noTokenizer.toString());
        // A GGUF of weights only (no tokenizer.ggml.* metadata).
        Path bare = dir.resolve("bare.gguf");
        try (var ck = dev.zoft.weights.DecoderCheckpoint.open(shared.resolve("gpt2-hf"));
             var arena = java.lang.foreign.Arena.ofShared()) {
            dev.zoft.weights.DecoderToGguf.writer(ck, dev.zoft.weights.gguf.GgmlType.F32, arena).write(bare);
        }
        failsWith(List.of(bare.toString(), "tokenizer"), "eval", "--model", bare.toString());
        failsWith(List.of(gpt2Gguf.toString(), "label word", "one token"), "eval", "--model", gpt2Gguf.toString(),
                "--label-words", " antidisestablishmentarianism, great");
        assertEquals(2, zoft("eval", "--model", gpt2Gguf.toString(), "--template", "no placeholder"), err());
        assertTrue(err().contains("{sentence}"), err());
        assertEquals(2, zoft("finetune", "--model", gpt2Gguf.toString(), "--subset", "head", "--out",
                dir.resolve("r2").toString()), err());
        assertTrue(err().contains("--subset head has no decoder meaning"), err());
        assertEquals(2, zoft("eval", "--model", gpt2Gguf.toString(), "--run", gpt2Run.toString()), err());
    }

    /** A repetitive text (a rule a random model does not know, that ZO can start to learn). */
    static Path text(Path dir) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            sb.append("the cat sat on the mat and the dog sat on the log. ");
        }
        return Files.writeString(dir.resolve("corpus.txt"), sb.toString());
    }

    @Test
    void causalLmRunReplaysBitForBitAndItsDevLossFalls(@TempDir Path dir) throws IOException {
        Path corpus = text(dir);
        Path run = dir.resolve("lm-run");
        assertEquals(0, zoft("finetune", "--model", gpt2Gguf.toString(), "--task", "lm", "--data", corpus.toString(),
                "--max-tokens", "16", "--steps", "12", "--batch", "4", "--eval-every", "6", "--estimator", "mezo",
                "--p", "2", "--lr", "2e-2", "--eps", "1e-2", "--subset", "top-1", "--threads", "2", "--seed", "3",
                "--out", run.toString()), out() + err());
        System.out.println("tiny GPT-2 causal LM: " + out().lines().filter(l -> l.startsWith("dev loss")).findFirst().orElse(""));
        Matcher m = Pattern.compile("dev loss ([0-9.]+) -> ([0-9.]+)").matcher(out());
        assertTrue(m.find(), out());
        double before = Double.parseDouble(m.group(1));
        double after = Double.parseDouble(m.group(2));
        assertTrue(after < before, "dev loss did not fall: " + out());
        RunManifest manifest = RunManifest.read(run.resolve(RunManifest.FILE_NAME));
        assertTrue(manifest.isLm() && manifest.isDecoder());
        assertEquals(16, manifest.maxTokens());
        assertEquals(12 * 2, SeedLog.read(run.resolve(manifest.seedLog())).size());

        // The library run with the same settings ends on the replayed weights, bit for bit.
        Map<String, float[]> library = new java.util.LinkedHashMap<>();
        try (WorkerPool pool = WorkerPool.create(1);
             var lm = BaseModel.decoder(gpt2Gguf).causalLm(Kernels.create(VectorWidth.configured(), pool),
                     dev.zoft.zo.task.DecoderSubset.topLayers(1), manifest.splitLayer(), 16)) {
            var chunks = lm.chunks(Files.readString(corpus));
            int cut = chunks.size() - Math.max(1, chunks.size() / 10);
            Finetuner.Config config = new Finetuner.Config(manifest.estimator(), manifest.learningRate(),
                    manifest.batchSize(), manifest.steps(), manifest.seed(), manifest.evalEvery(), 0);
            var result = new dev.zoft.zo.train.LmFinetuner(lm, pool, config).run(chunks.subList(0, cut),
                    chunks.subList(cut, chunks.size()), manifest.seedLogHeader(), null, new Finetuner.Listener() { });
            assertEquals(after, result.lastLoss(), 1e-4, "the CLI printed the library's dev loss");
            lm.parameters().tensors().forEach((k, v) -> library.put(k, v.toFloatArray()));
        }
        try (WorkerPool pool = WorkerPool.create(2);
             FinetunedRun r = FinetunedRun.load(run, Kernels.create(VectorWidth.configured(), pool), pool)) {
            for (var e : r.trainedTensors().entrySet()) {
                float[] a = library.get(e.getKey());
                float[] b = e.getValue().toFloatArray();
                for (int i = 0; i < a.length; i++) {
                    assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), e.getKey() + "[" + i + "]");
                }
            }
            assertEquals(library.keySet(), r.trainedTensors().keySet());
        }
        // eval --run on the held-out text gives a finite loss; eval --task lm --model the zero-shot one.
        assertEquals(0, zoft("eval", "--run", run.toString(), "--data", corpus.toString(), "--threads", "1"), err());
        assertTrue(out().contains("finetuned on " + corpus) && out().contains("perplexity"), out());
        assertEquals(0, zoft("eval", "--model", gpt2Gguf.toString(), "--task", "lm", "--data", corpus.toString(),
                "--max-tokens", "16", "--threads", "1"), err());
        assertTrue(out().contains("zero-shot") && out().contains("chunks of 16 tokens"), out());
        // Bad LM input: a missing text file, a file too short for two chunks, classification flags.
        failsWith(List.of(dir.resolve("none.txt").toString(), "no such text file"), "finetune", "--model",
                gpt2Gguf.toString(), "--task", "lm", "--data", dir.resolve("none.txt").toString(), "--out",
                dir.resolve("r3").toString());
        Path tiny = Files.writeString(dir.resolve("tiny.txt"), "hi there");
        failsWith(List.of(tiny.toString(), "at least 2"), "finetune", "--model", gpt2Gguf.toString(), "--task", "lm",
                "--data", tiny.toString(), "--max-tokens", "16", "--out", dir.resolve("r4").toString());
        Path latin1 = Files.write(dir.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xE9, ' ', 'x'});
        failsWith(List.of(latin1.toString(), "not UTF-8"), "finetune", "--model", gpt2Gguf.toString(), "--task", "lm",
                "--data", latin1.toString(), "--out", dir.resolve("r5").toString());
        assertEquals(2, zoft("finetune", "--task", "lm", "--data", corpus.toString(), "--out", dir.resolve("r6").toString()));
        assertTrue(err().contains("--task lm needs a decoder"), err());
    }
}
