package dev.zoft.zo.train;

import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.zo.log.SeedLog;
import dev.zoft.zo.params.ScopedViews;
import dev.zoft.zo.SplitObjective;
import dev.zoft.zo.task.CausalLmTask;
import dev.zoft.zo.task.ClassificationHead;
import dev.zoft.zo.task.DecoderSubset;
import dev.zoft.zo.task.ClassifierTask;
import dev.zoft.zo.task.DecoderClassifierTask;
import dev.zoft.zo.task.EncoderClassifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A finished (or interrupted) run rebuilt from its directory: the base model's weights, checked
 * against the manifest's SHA-256, plus the seed log replayed onto a fresh classifier built with
 * the manifest's options. The classifier then holds the finetuned weights bit for bit.
 *
 * <p>Checks, each failing with an {@link IOException} naming the file and what differs: the
 * manifest is valid; its model is known; the base weights file hashes to the manifest's digest;
 * the seed log is valid (a torn last record, left by a run killed mid-write, is dropped and
 * reported by {@link #droppedBytes()}); the log's header (model, digest, law of z, task
 * description, parameter count) is the one the manifest implies; the rebuilt classifier has the
 * manifest's parameter count.
 */
public final class FinetunedRun implements AutoCloseable {
    private final Path directory;
    private final RunManifest manifest;
    private final BaseModel base;
    private final SeedLog log;
    private final long droppedBytes;
    private final ClassifierTask<?> task;
    private final CausalLmTask lm;
    private final SplitObjective<?> objective;
    private final AutoCloseable resources;
    private final EncoderClassifier classifier;
    private final double replaySeconds;
    private final Change change;

    /**
     * How far the replay moved the trainable parameters from the base.
     *
     * @param parameters trainable parameters
     * @param changed    parameters whose value differs from the base
     * @param l2         Euclidean norm of the difference (finetuned − base), in double
     * @param maxAbs     largest absolute difference of one parameter
     */
    public record Change(long parameters, long changed, double l2, double maxAbs) {
        static Change between(Map<String, float[]> before, Map<String, Tensor> after) {
            long n = 0;
            long changed = 0;
            double sq = 0;
            double max = 0;
            for (Map.Entry<String, Tensor> e : after.entrySet()) {
                float[] b = before.get(e.getKey());
                float[] a = e.getValue().toFloatArray();
                for (int i = 0; i < a.length; i++) {
                    double d = (double) a[i] - b[i];
                    if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                        changed++;
                    }
                    sq += d * d;
                    max = Math.max(max, Math.abs(d));
                }
                n += a.length;
            }
            return new Change(n, changed, Math.sqrt(sq), max);
        }
    }

    private FinetunedRun(Path directory, RunManifest manifest, BaseModel base, SeedLog log, long droppedBytes,
                         ClassifierTask<?> task, CausalLmTask lm, EncoderClassifier classifier, double replaySeconds,
                         Change change) {
        this.task = task;
        this.lm = lm;
        this.objective = task != null ? task : lm;
        this.resources = task != null ? task : lm;
        this.directory = directory;
        this.manifest = manifest;
        this.base = base;
        this.log = log;
        this.droppedBytes = droppedBytes;
        this.classifier = classifier;
        this.replaySeconds = replaySeconds;
        this.change = change;
    }

    /**
     * Rebuilds the run in {@code directory} (holding {@value RunManifest#FILE_NAME} and the seed
     * log), computing with {@code kernels} and replaying on {@code pool}.
     */
    public static FinetunedRun load(Path directory, Kernels kernels, WorkerPool pool) throws IOException {
        Objects.requireNonNull(directory, "directory");
        if (!Files.isDirectory(directory)) {
            throw new NoSuchFileException(directory.toString(), null, "no such run directory");
        }
        Path manifestFile = directory.resolve(RunManifest.FILE_NAME);
        RunManifest manifest = RunManifest.read(manifestFile);
        BaseModel base;
        try {
            base = BaseModel.named(manifest.model());
        } catch (IllegalArgumentException e) {
            throw new IOException(manifestFile + ": " + e.getMessage(), e);
        }
        String actual = base.sha256Hex();
        if (!actual.equals(manifest.weightsSha256())) {
            throw new IOException("base weights " + base.weightsFile() + " have SHA-256 " + actual + " but the run "
                    + manifestFile + " was trained from " + manifest.weightsSha256() + ": not the same model file");
        }
        Path logFile = directory.resolve(manifest.seedLog());
        if (!Files.isRegularFile(logFile)) {
            throw new NoSuchFileException(logFile.toString(), null, "no such seed log (named by " + manifestFile + ")");
        }
        SeedLog.Recovered recovered = SeedLog.readRecovering(logFile);
        SeedLog log = recovered.log();
        String mismatch = headerMismatch(log.header(), manifest.seedLogHeader());
        if (mismatch != null) {
            throw new IOException("seed log " + logFile + " does not match the manifest " + manifestFile + ": " + mismatch);
        }
        if (manifest.isDecoder() != base.isDecoder()) {
            throw new IOException(manifestFile + ": the manifest's task does not fit the model " + manifest.model());
        }
        EncoderClassifier classifier = null;
        ClassifierTask<?> task = null;
        CausalLmTask lm = null;
        if (manifest.isLm()) {
            try {
                lm = base.causalLm(kernels, DecoderSubset.parse(manifest.trainableSubset()), manifest.splitLayer(),
                        manifest.maxTokens());
            } catch (IllegalArgumentException e) {
                throw new IOException(manifestFile + ": cannot rebuild the causal-LM task: " + e.getMessage(), e);
            }
        } else if (manifest.isDecoder()) {
            try {
                task = base.decoderClassifier(kernels, manifest.decoderOptions());
            } catch (IllegalArgumentException e) {
                throw new IOException(manifestFile + ": cannot rebuild the decoder task: " + e.getMessage(), e);
            }
        } else {
            classifier = base.classifier(kernels, manifest.classifierOptions());
            task = ClassifierTask.of(classifier);
        }
        SplitObjective<?> objective = task != null ? task : lm;
        AutoCloseable owned = task != null ? task : lm;
        try {
            if (objective.parameters().size() != manifest.parameterCount()) {
                throw new IOException("the manifest " + manifestFile + " records " + manifest.parameterCount()
                        + " trainable parameters but " + manifest.model() + " with subset " + manifest.trainableSubset()
                        + " has " + objective.parameters().size());
            }
            Map<String, float[]> before = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : objective.parameters().tensors().entrySet()) {
                before.put(e.getKey(), e.getValue().toFloatArray());
            }
            long t0 = System.nanoTime();
            log.apply(ScopedViews.of(objective), pool);
            double seconds = (System.nanoTime() - t0) / 1e9;
            Change change = Change.between(before, objective.parameters().tensors());
            return new FinetunedRun(directory, manifest, base, log, recovered.droppedBytes(), task, lm, classifier,
                    seconds, change);
        } catch (IOException | RuntimeException | Error e) {
            closeQuietly(owned);
            throw e;
        }
    }

    /** The first field in which {@code actual} differs from {@code expected}, or null. */
    static String headerMismatch(SeedLog.Header actual, SeedLog.Header expected) {
        if (!actual.modelName().equals(expected.modelName())) {
            return "model '" + actual.modelName() + "' vs '" + expected.modelName() + "'";
        }
        if (!Arrays.equals(actual.weightsSha256(), expected.weightsSha256())) {
            return "base weights SHA-256 " + actual.weightsSha256Hex() + " vs " + expected.weightsSha256Hex();
        }
        if (actual.distribution() != expected.distribution()) {
            return "distribution " + actual.distribution() + " vs " + expected.distribution();
        }
        if (!actual.split().equals(expected.split())) {
            return "task '" + actual.split() + "' vs '" + expected.split() + "'";
        }
        if (actual.parameterCount() != expected.parameterCount()) {
            return actual.parameterCount() + " trainable parameters vs " + expected.parameterCount();
        }
        return null;
    }

    public Path directory() {
        return directory;
    }

    public RunManifest manifest() {
        return manifest;
    }

    public BaseModel base() {
        return base;
    }

    /** The replayed log (its valid records). */
    public SeedLog log() {
        return log;
    }

    /** Bytes of a torn last record dropped from the log file (0 for a cleanly closed log). */
    public long droppedBytes() {
        return droppedBytes;
    }

    /**
     * The encoder classifier holding the finetuned weights.
     *
     * @throws IllegalStateException for a decoder run (see {@link #task()})
     */
    public EncoderClassifier classifier() {
        if (classifier == null) {
            throw new IllegalStateException("run " + directory + " trained the decoder " + manifest.model()
                    + "; use task()");
        }
        return classifier;
    }

    /**
     * The classifier holding the finetuned weights, encoder or decoder.
     *
     * @throws IllegalStateException for a causal-LM run (see {@link #lm()})
     */
    public ClassifierTask<?> task() {
        if (task == null) {
            throw new IllegalStateException("run " + directory + " finetuned " + manifest.model() + " as a causal LM; use lm()");
        }
        return task;
    }

    /**
     * The causal-LM task holding the finetuned weights.
     *
     * @throws IllegalStateException for a classification run
     */
    public CausalLmTask lm() {
        if (lm == null) {
            throw new IllegalStateException("run " + directory + " is a classification run; use task()");
        }
        return lm;
    }

    /** How far the replay moved the trainable parameters from the base. */
    public Change change() {
        return change;
    }

    /** Wall seconds the replay took. */
    public double replaySeconds() {
        return replaySeconds;
    }

    /**
     * Every encoder tensor under its Hugging Face name (finetuned where trainable, the base's
     * elsewhere), then the head's class vectors ({@value ClassificationHead#PARAMETER_NAME}).
     */
    public Map<String, Tensor> allTensors() {
        if (task instanceof DecoderClassifierTask d) {
            // zoft's decoder names (embed, layers.N.<field>, norm.weight, lm_head): DecoderWeights.named().
            return new LinkedHashMap<>(d.objective().model().weights().named());
        }
        if (lm != null) {
            return new LinkedHashMap<>(lm.objective().model().weights().named());
        }
        Map<String, Tensor> m = new LinkedHashMap<>(classifier.model().weights().named());
        m.put(ClassificationHead.PARAMETER_NAME, classifier.head().classVectors());
        return m;
    }

    /** Only the tensors the run trained (the trainable encoder subset and the head), finetuned. */
    public Map<String, Tensor> trainedTensors() {
        return objective.parameters().tensors();
    }

    /**
     * Metadata for a safetensors file of this run: the manifest JSON, the seed log's record count,
     * and the label names, so the file says where it came from.
     */
    public Map<String, String> safetensorsMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", "pt");
        m.put("zoft.manifest", manifest.toJson());
        m.put("zoft.seed_log_records", Integer.toString(log.size()));
        m.put("zoft.base_model", manifest.model());
        m.put("zoft.base_weights_sha256", manifest.weightsSha256());
        m.put("zoft.labels", String.join(",", manifest.labelNames()));
        return m;
    }

    @Override
    public void close() {
        closeQuietly(resources);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot close " + c, e);
        }
    }
}
