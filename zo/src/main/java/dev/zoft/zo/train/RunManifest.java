package dev.zoft.zo.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.zoft.zo.estimate.BlockScales;
import dev.zoft.zo.estimate.ZoSettings;
import dev.zoft.zo.log.SeedLog;
import dev.zoft.zo.task.CausalLmTask;
import dev.zoft.zo.task.ClassifierOptions;
import dev.zoft.zo.task.ClassifierTask;
import dev.zoft.zo.task.DecoderClassifierOptions;
import dev.zoft.zo.task.DecoderClassifierTask;
import dev.zoft.zo.task.DecoderSubset;
import dev.zoft.zo.task.EncoderClassifier;
import dev.zoft.zo.task.TrainableSubset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Everything needed to rebuild a run's classifier exactly, written as JSON ({@value #FILE_NAME})
 * next to its seed log: the base model and the SHA-256 of its weights file, the task (trainable
 * subset, label prompts and names, temperature, split layer, token cap), the parameter count and
 * the law of z, plus the training settings (estimator, learning rate, seed, batch, steps, data) for
 * the record. {@link #classifierOptions()} and {@link #seedLogHeader()} give back what the run
 * trained with; a seed log replays only onto a classifier built from them.
 *
 * @param formatVersion   {@value #FORMAT_VERSION}
 * @param model           base model name ({@link BaseModel#named})
 * @param weightsSha256   SHA-256 (lowercase hex) of the base weights file
 * @param trainableSubset {@link TrainableSubset#spec()}
 * @param labelPrompts    one prompt per class
 * @param labelNames      the class names, in label order
 * @param temperature     τ of the cosine head
 * @param splitLayer      block 1 = embeddings + layers [0, splitLayer) (resolved, never AUTO)
 * @param maxTokens       token cap per text
 * @param parameterCount  trainable parameters (encoder subset + head)
 * @param estimator       the estimator (its distribution is the seed log's)
 * @param learningRate    the schedule
 * @param seed            run seed
 * @param batchSize       sentences per step
 * @param steps           steps planned
 * @param evalEvery       steps between dev evaluations
 * @param trainData       where the training data came from
 * @param devData         where the dev data came from
 * @param seedLog         the seed log's file name, relative to the manifest
 * @param createdAt       ISO-8601 instant the run started
 * @param decoderTemplate null for the encoder (MiniLM) path; for a decoder LM classifying through
 *                        label words, its prompt template: {@code model} is then the model's path,
 *                        {@code labelPrompts} the label words, {@code trainableSubset} a
 *                        {@link DecoderSubset} spec and {@code temperature} unused (0). Absent
 *                        in manifests written before decoders, read as null.
 * @param decoderTask     null for the encoder path, {@value #TASK_CLASSIFY} for label-word
 *                        classification (with {@code decoderTemplate}), {@value #TASK_LM} for
 *                        causal-LM finetuning on text chunks: then {@code maxTokens} is the chunk
 *                        length and the label lists are empty. Absent in older manifests, read as null.
 * @param clip            the run's bound on the projected-gradient scalars, or null for none (the
 *                        default; absent in older manifests, read as null)
 * @param blockScales     FedSPZO's per-block ε and learning-rate factors, or null for the paper's
 *                        uniform setting (the default; absent in older manifests, read as null). The
 *                        seed log's coefficients already carry both knobs: they are recorded so the
 *                        run says what it was trained with, not to replay it
 */
public record RunManifest(int formatVersion, String model, String weightsSha256, String trainableSubset,
                          List<String> labelPrompts, List<String> labelNames, double temperature, int splitLayer,
                          int maxTokens, long parameterCount, EstimatorSpec estimator, LearningRateSpec learningRate,
                          long seed, int batchSize, long steps, int evalEvery, String trainData, String devData,
                          String seedLog, String createdAt, String decoderTemplate, String decoderTask, Float clip,
                          BlockScales blockScales) {

    public static final int FORMAT_VERSION = 1;
    /** {@link #decoderTask()} of a decoder label-word classification run. */
    public static final String TASK_CLASSIFY = "classify";
    /** {@link #decoderTask()} of a decoder causal-LM run. */
    public static final String TASK_LM = "lm";
    /** The manifest's file name in a run directory. */
    public static final String FILE_NAME = "manifest.json";
    /** The seed log's file name in a run directory. */
    public static final String SEED_LOG_FILE_NAME = "seed-log.zosl";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .build();

    public RunManifest {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(weightsSha256, "weightsSha256");
        Objects.requireNonNull(trainableSubset, "trainableSubset");
        Objects.requireNonNull(estimator, "estimator");
        Objects.requireNonNull(learningRate, "learningRate");
        Objects.requireNonNull(seedLog, "seedLog");
        labelPrompts = List.copyOf(labelPrompts);
        labelNames = List.copyOf(labelNames);
        if (formatVersion != FORMAT_VERSION) {
            throw new IllegalArgumentException("unsupported manifest format version " + formatVersion
                    + " (this build reads " + FORMAT_VERSION + ")");
        }
        if (!weightsSha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("weightsSha256 must be 64 lowercase hex digits, got '" + weightsSha256 + "'");
        }
        if (labelNames.size() != labelPrompts.size()) {
            throw new IllegalArgumentException(labelNames.size() + " label names but " + labelPrompts.size() + " prompts");
        }
        if (splitLayer < 0) {
            throw new IllegalArgumentException("the manifest's split layer must be resolved (≥ 0), got " + splitLayer);
        }
        if (seedLog.contains("/") || seedLog.contains("\\") || seedLog.equals("..")) {
            throw new IllegalArgumentException("the seed log must be a file name next to the manifest, got '" + seedLog + "'");
        }
        if (decoderTask != null && !decoderTask.equals(TASK_CLASSIFY) && !decoderTask.equals(TASK_LM)) {
            throw new IllegalArgumentException("unknown decoder task '" + decoderTask + "' (classify or lm)");
        }
        if (TASK_LM.equals(decoderTask)) {
            if (decoderTemplate != null || !labelPrompts.isEmpty()) {
                throw new IllegalArgumentException("a causal-LM run has no prompt template and no label words");
            }
            DecoderSubset.parse(trainableSubset);
            if (maxTokens < 2) {
                throw new IllegalArgumentException("causal-LM chunks need at least 2 tokens, got " + maxTokens);
            }
        } else if (TASK_CLASSIFY.equals(decoderTask) && decoderTemplate == null) {
            throw new IllegalArgumentException("a decoder classification run needs its prompt template");
        } else if (decoderTemplate == null) {
            // Validates the subset, prompts, temperature and token cap by ClassifierOptions' rules.
            new ClassifierOptions(labelPrompts, temperature, splitLayer, TrainableSubset.parse(trainableSubset), maxTokens);
        } else {
            new DecoderClassifierOptions(decoderTemplate, labelPrompts, DecoderSubset.parse(trainableSubset), splitLayer,
                    maxTokens);
        }
        if (clip != null && Float.isInfinite(clip)) {
            throw new IllegalArgumentException("a manifest records no clipping as an absent clip, got " + clip);
        }
        estimator.create(clipBound(clip), scalesOr(blockScales, estimator)); // the estimator's checks of the knobs
    }

    /** A manifest without the knobs beyond the paper (no clipping, uniform block scales). */
    public RunManifest(int formatVersion, String model, String weightsSha256, String trainableSubset,
                       List<String> labelPrompts, List<String> labelNames, double temperature, int splitLayer,
                       int maxTokens, long parameterCount, EstimatorSpec estimator, LearningRateSpec learningRate,
                       long seed, int batchSize, long steps, int evalEvery, String trainData, String devData,
                       String seedLog, String createdAt, String decoderTemplate, String decoderTask) {
        this(formatVersion, model, weightsSha256, trainableSubset, labelPrompts, labelNames, temperature, splitLayer,
                maxTokens, parameterCount, estimator, learningRate, seed, batchSize, steps, evalEvery, trainData, devData,
                seedLog, createdAt, decoderTemplate, decoderTask, null, null);
    }

    private static float clipBound(Float clip) {
        return clip == null ? ZoSettings.NO_CLIP : clip;
    }

    private static BlockScales scalesOr(BlockScales s, EstimatorSpec estimator) {
        return s == null ? BlockScales.uniform(estimator.epsilon()) : s;
    }

    /** {@code config}'s bound as a manifest records it: null when clipping is off. */
    private static Float clipOf(Finetuner.Config config) {
        return config.clip() == ZoSettings.NO_CLIP ? null : config.clip();
    }

    /** {@code config}'s block scales as a manifest records them: null when uniform. */
    private static BlockScales scalesOf(Finetuner.Config config) {
        return config.scales().isUniform(config.estimator().epsilon()) ? null : config.scales();
    }

    /** The run's clipping bound ({@link ZoSettings#NO_CLIP} when it had none). */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public float clipBound() {
        return clipBound(clip);
    }

    /** The run's block scales (uniform at the estimator's ε when it had none). */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public BlockScales scales() {
        return scalesOr(blockScales, estimator);
    }

    /** The estimator with the knobs that differ from their defaults, as the run header printed it. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public String describeEstimator() {
        return estimator.describe(clipBound(), scales());
    }

    /** An encoder (MiniLM) run's manifest. */
    public RunManifest(int formatVersion, String model, String weightsSha256, String trainableSubset,
                       List<String> labelPrompts, List<String> labelNames, double temperature, int splitLayer,
                       int maxTokens, long parameterCount, EstimatorSpec estimator, LearningRateSpec learningRate,
                       long seed, int batchSize, long steps, int evalEvery, String trainData, String devData,
                       String seedLog, String createdAt) {
        this(formatVersion, model, weightsSha256, trainableSubset, labelPrompts, labelNames, temperature, splitLayer,
                maxTokens, parameterCount, estimator, learningRate, seed, batchSize, steps, evalEvery, trainData, devData,
                seedLog, createdAt, null, null);
    }

    /** The manifest of a run of {@code task}: {@link #of} for an encoder, {@link #ofDecoder} for a decoder. */
    public static RunManifest of(String model, byte[] weightsSha256, ClassifierTask<?> task, List<String> labelNames,
                                 Finetuner.Config config, String trainData, String devData) {
        if (task instanceof DecoderClassifierTask d) {
            return ofDecoder(model, weightsSha256, d, labelNames, config, trainData, devData);
        }
        EncoderClassifier e = task.encoder().orElseThrow(
                () -> new IllegalArgumentException("no manifest form for a " + task.getClass().getSimpleName()));
        return of(model, weightsSha256, e, labelNames, config, trainData, devData);
    }

    /** The manifest of a run of a decoder label-word classifier {@code task} over the base at {@code model}. */
    public static RunManifest ofDecoder(String model, byte[] weightsSha256, DecoderClassifierTask task,
                                        List<String> labelNames, Finetuner.Config config, String trainData,
                                        String devData) {
        DecoderClassifierOptions o = task.options();
        return new RunManifest(FORMAT_VERSION, model, HexFormat.of().formatHex(weightsSha256), o.subset().spec(),
                o.labelWords(), labelNames, 0, task.splitLayer(), o.maxTokens(), task.parameters().size(),
                config.estimator(), config.learningRate(), config.seed(), config.batchSize(), config.steps(),
                config.evalEvery(), trainData, devData, SEED_LOG_FILE_NAME, java.time.Instant.now().toString(),
                o.template(), TASK_CLASSIFY, clipOf(config), scalesOf(config));
    }

    /** The manifest of a causal-LM run of {@code task} over the base at {@code model}. */
    public static RunManifest ofLm(String model, byte[] weightsSha256, CausalLmTask task, Finetuner.Config config,
                                   String trainData, String devData) {
        return new RunManifest(FORMAT_VERSION, model, HexFormat.of().formatHex(weightsSha256), task.subset().spec(),
                List.of(), List.of(), 0, task.splitLayer(), task.chunkTokens(), task.parameters().size(),
                config.estimator(), config.learningRate(), config.seed(), config.batchSize(), config.steps(),
                config.evalEvery(), trainData, devData, SEED_LOG_FILE_NAME, java.time.Instant.now().toString(), null,
                TASK_LM, clipOf(config), scalesOf(config));
    }

    /** Whether the run finetuned a decoder as a causal LM. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isLm() {
        return TASK_LM.equals(decoderTask);
    }

    /** Whether the run trained a decoder LM through label words. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isDecoder() {
        return decoderTemplate != null || isLm();
    }

    /** The decoder task options to rebuild the run's classifier with. */
    public DecoderClassifierOptions decoderOptions() {
        if (decoderTemplate == null) {
            throw new IllegalStateException("the run trained the encoder " + model + ", not a decoder");
        }
        return new DecoderClassifierOptions(decoderTemplate, labelPrompts, DecoderSubset.parse(trainableSubset), splitLayer,
                maxTokens);
    }

    /** The manifest of a run of {@code classifier} (already built, so its split is resolved) over {@code base}. */
    public static RunManifest of(String model, byte[] weightsSha256, EncoderClassifier classifier, List<String> labelNames,
                                 Finetuner.Config config, String trainData, String devData) {
        ClassifierOptions o = classifier.options();
        return new RunManifest(FORMAT_VERSION, model, HexFormat.of().formatHex(weightsSha256), o.trainable().spec(),
                o.labelPrompts(), labelNames, o.temperature(), classifier.splitLayer(), o.maxTokens(),
                classifier.parameters().size(), config.estimator(), config.learningRate(), config.seed(),
                config.batchSize(), config.steps(), config.evalEvery(), trainData, devData, SEED_LOG_FILE_NAME,
                java.time.Instant.now().toString(), null, null, clipOf(config), scalesOf(config));
    }

    /** The task options to rebuild the run's classifier with. */
    public ClassifierOptions classifierOptions() {
        if (isDecoder()) {
            throw new IllegalStateException("the run trained the decoder " + model + ", not an encoder classifier");
        }
        return new ClassifierOptions(labelPrompts, temperature, splitLayer, TrainableSubset.parse(trainableSubset), maxTokens);
    }

    /** The header the run's seed log carries. */
    public SeedLog.Header seedLogHeader() {
        return new SeedLog.Header(model, HexFormat.of().parseHex(weightsSha256), estimator.distribution(),
                splitDescription(), parameterCount);
    }

    /** The task as the seed log's free-text split field records it. */
    public String splitDescription() {
        if (isLm()) {
            return "decoder lm subset=" + trainableSubset + " split=" + splitLayer + " chunkTokens=" + maxTokens;
        }
        if (decoderTemplate != null) {
            return "decoder subset=" + trainableSubset + " split=" + splitLayer + " maxTokens=" + maxTokens
                    + " template=" + decoderTemplate + " labelWords=" + labelPrompts;
        }
        return "subset=" + trainableSubset + " split=" + splitLayer + " maxTokens=" + maxTokens + " temperature="
                + temperature + " prompts=" + labelPrompts;
    }

    /** The JSON text. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a run manifest", e);
        }
    }

    /** Writes the manifest to {@code file} (through a temporary sibling, so it is never half-written). */
    public void write(Path file) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, toJson() + "\n");
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Reads a manifest.
     *
     * @throws IOException naming the file: missing, not JSON, or not a valid manifest
     */
    public static RunManifest read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such run manifest");
        }
        try {
            com.fasterxml.jackson.databind.JsonNode tree = JSON.readTree(file.toFile());
            if (tree instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
                // Keys added with decoders (a manifest written before them is an encoder run) and with
                // the knobs beyond the paper (one written before them had none).
                for (String key : List.of("decoderTemplate", "decoderTask", "clip", "blockScales")) {
                    if (!o.has(key)) {
                        o.putNull(key);
                    }
                }
            }
            return JSON.treeToValue(tree, RunManifest.class);
        } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IOException(file + ": not a valid run manifest: " + cause.getMessage(), e);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(file + ": not a valid run manifest: " + e.getOriginalMessage(), e);
        }
    }
}
