package dev.zoft.zo.task;

import dev.zoft.tensor.Closeables;
import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tokenizer.HfTokenizer;
import dev.zoft.transformer.EncoderBatch;
import dev.zoft.transformer.EncoderOutput;
import dev.zoft.transformer.bert.BertConfig;
import dev.zoft.transformer.bert.BertModel;
import dev.zoft.transformer.bert.BertWeights;
import dev.zoft.transformer.bert.MiniLm;
import dev.zoft.weights.BertParameterNames;
import dev.zoft.weights.EncoderCheckpoint;
import dev.zoft.weights.EncoderHyperparameters;
import dev.zoft.zo.SplitObjective;
import dev.zoft.tensor.ops.PerturbedKernels;
import dev.zoft.tensor.random.PerturbationGenerator;
import dev.zoft.zo.params.FusedDirection;
import dev.zoft.zo.params.ParameterView;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Text classification with a BERT encoder that has no MLM head (all-MiniLM-L6-v2 is one): the
 * sentence embedding (masked mean of the last hidden states, as sentence-transformers pools) is
 * compared by cosine with one trainable vector per class, started from the embeddings of label
 * prompts ({@link ClassificationHead}); the loss is the batch-mean cross-entropy. As a
 * {@link SplitObjective}:
 *
 * <pre>
 *   block 1 = embeddings + layers [0, split)                           → {@link HiddenState}
 *   block 2 = layers [split, L) + mean pooling + cosine head + CE loss  → loss
 * </pre>
 *
 * <p><b>Parameters.</b> The trainable encoder tensors ({@link ClassifierOptions#trainable}) are
 * writable F32 copies in a shared arena ({@link TrainableWeights}); the frozen ones stay mapped.
 * {@link #parameters()} lists them in forward order (embeddings, layer 0, …, layer L−1, each as
 * {@code BertParameterNames.expected} orders it) followed by the head's class vectors
 * ({@value ClassificationHead#PARAMETER_NAME}): that order fixes the global index space, so a seed
 * log replays only onto a classifier built with the same model, subset and prompts. Block 1's
 * parameters are the embeddings and layers below the split; block 2's the other layers and the
 * head.
 *
 * <p><b>FLOPs</b> ({@link #block1Flops}, {@link #block2Flops}) count 2 per multiply-add of the
 * matrix products, from the batch's padded shape: every layer's {@link BertConfig#layerFlops}
 * (six GEMMs and attention's {@code QKᵀ} and {@code PV}) and, in block 2, the head's
 * {@code B × classes} dot products of length H ({@code 2·B·classes·H}). Embedding gathers,
 * LayerNorms, GELU, softmax, residual and bias adds, pooling, norms and the loss are not counted.
 *
 * <p><b>Default split</b> ({@link #defaultSplit}): layers cost the same and the embeddings almost
 * nothing, so block 1's FLOP share is {@code split / L}; FedSPZO's paper puts ¾ of the FLOPs in
 * block 1, and the default is the last layer boundary at or below it, {@code ⌊3L/4⌋}, so block 2
 * always keeps at least a quarter of the compute. For MiniLM (L = 6) that is 4: F1/(F1+F2) = 2/3
 * (5 would give 5/6, as far from ¾ on the other side), block 2 keeps two layers (3.5 M
 * parameters) plus the head for its extra perturbations, and the nested estimator's cost
 * {@code 2·P1·(F1 + P2·F2)} is 2.0× below MeZO's {@code 2·P1·P2·F} at P2 = 4 (2.4× at P2 = 8).
 *
 * <p>Deterministic: the kernels split work by output rows only and the head runs sequentially in
 * double, so the same parameters and batch give the same loss bits on any thread count. Not
 * thread-safe (calls are serialised); the model's scratch and block 2's are reused between calls.
 */
public final class EncoderClassifier implements SplitObjective<LabelledBatch>, AutoCloseable {
    private final BertConfig config;
    private final ClassifierOptions options;
    private final int split;
    private final TrainableWeights trainable;
    private final BertModel model;
    private final BatchEncoder encoder;
    private final ClassificationHead head;
    /** The model's kernels: they perturb the trainable encoder copies on the fly in fused mode. */
    private final PerturbedKernels kernels;
    /** The head's class vectors: read by the head, not the kernels, so it perturbs them itself. */
    private static final java.util.Set<String> HEAD = java.util.Set.of(ClassificationHead.PARAMETER_NAME);
    /** Fused mode: the directions every evaluation currently sees (the head's share applied here). */
    private List<FusedDirection> fused = List.of();
    private final ParameterView parameters;
    private final ParameterView block1;
    private final ParameterView block2;
    private final List<AutoCloseable> owned = new ArrayList<>();

    private Arena scratchArena;
    private Tensor hiddenScratch;
    private Tensor pooledScratch;
    private boolean closed;

    private EncoderClassifier(BertConfig config, BertWeights base, Kernels kernels, HfTokenizer tokenizer,
                              ClassifierOptions options) {
        this.config = config;
        this.options = options;
        this.split = options.splitLayer() == ClassifierOptions.AUTO_SPLIT
                ? defaultSplit(config.numLayers()) : options.splitLayer();
        if (split > config.numLayers()) {
            throw new IllegalArgumentException("split layer " + split + " is beyond the encoder's " + config.numLayers() + " layers");
        }
        this.encoder = new BatchEncoder(tokenizer, options.maxTokens());
        TrainableWeights copies = TrainableWeights.copy(config, base, options.trainable());
        BertModel m = null;
        ClassificationHead h = null;
        ParameterView all;
        this.kernels = new PerturbedKernels(kernels);
        try {
            m = new BertModel(config, copies.weights(), this.kernels);
            h = ClassificationHead.of(promptEmbeddings(m, encoder, options.labelPrompts()), options.temperature());
            Map<String, Tensor> tensors = new LinkedHashMap<>(copies.trainable());
            tensors.put(ClassificationHead.PARAMETER_NAME, h.classVectors());
            all = ParameterView.of(tensors);
        } catch (RuntimeException | Error e) {
            if (h != null) {
                h.close();
            }
            if (m != null) {
                m.close();
            }
            copies.close();
            throw e;
        }
        this.trainable = copies;
        this.model = m;
        this.head = h;
        this.parameters = all;
        this.block1 = all.subset(this::inBlock1);
        this.block2 = all.subset(name -> !inBlock1(name));
        FusedDirection.register(this.kernels, all, HEAD);
    }

    /**
     * A classifier over the encoder weights {@code base} (which stay the caller's and must stay
     * open), computing with the caller's {@code kernels}, tokenizing with {@code tokenizer}. The
     * trainable subset is copied; the head's class vectors are the prompts' embeddings under
     * {@code base}.
     */
    public static EncoderClassifier create(BertConfig config, BertWeights base, Kernels kernels, HfTokenizer tokenizer,
                                           ClassifierOptions options) {
        return new EncoderClassifier(config, base, kernels, tokenizer, options);
    }

    /**
     * The bundled all-MiniLM-L6-v2 ({@link MiniLm}) with its tokenizer, computing with the
     * caller's {@code kernels}. Closing the classifier closes the checkpoint.
     */
    public static EncoderClassifier miniLm(Kernels kernels, ClassifierOptions options) {
        EncoderCheckpoint checkpoint = MiniLm.openBundled();
        try {
            BertConfig config = BertConfig.of(checkpoint.hyperparameters());
            BertWeights base = BertModel.weightsOf(checkpoint.weights(), config);
            EncoderClassifier c = create(config, base, kernels, MiniLm.bundledTokenizer(), options);
            c.owned.add(checkpoint);
            return c;
        } catch (RuntimeException | Error e) {
            checkpoint.close();
            throw e;
        }
    }

    /**
     * The bundled MiniLM with default kernels ({@link VectorWidth#configured()},
     * {@link WorkerPool#defaultThreads()} threads); closing the classifier closes the pool too.
     */
    public static EncoderClassifier miniLm(ClassifierOptions options) {
        WorkerPool pool = WorkerPool.create();
        try {
            EncoderClassifier c = miniLm(Kernels.create(VectorWidth.configured(), pool), options);
            c.owned.add(0, pool);
            return c;
        } catch (RuntimeException | Error e) {
            pool.close();
            throw e;
        }
    }

    /** {@code ⌊3L/4⌋}: the last layer boundary with at most ¾ of the layer FLOPs in block 1 (see the class comment). */
    public static int defaultSplit(int numLayers) {
        if (numLayers <= 0) {
            throw new IllegalArgumentException("an encoder has at least one layer, got " + numLayers);
        }
        return 3 * numLayers / 4;
    }

    /** The L2-normalised mean-pooled embedding of every prompt, in order. */
    private static float[][] promptEmbeddings(BertModel model, BatchEncoder encoder, List<String> prompts) {
        try (EncoderOutput out = model.forward(encoder.encode(prompts))) {
            return out.embeddings(true);
        }
    }

    // ---- SplitObjective ----

    @Override
    public ParameterView parameters() {
        return parameters;
    }

    @Override
    public ParameterView block1() {
        return block1;
    }

    @Override
    public ParameterView block2() {
        return block2;
    }

    /**
     * Embeddings and layers {@code [0, split)} on {@code batch}. The state owns a copy of the
     * hidden states ({@code B·T·H·4} bytes, 1.5 MiB for 16 × 64 on MiniLM) and of the mask.
     */
    @Override
    public synchronized HiddenState forwardBlock1(LabelledBatch batch) {
        requireOpen();
        EncoderBatch x = batch.tokens();
        Arena arena = Arena.ofShared();
        try {
            Tensor hidden = model.embed(x, arena);
            model.runLayers(hidden, x, 0, split);
            return new HiddenState(this, arena, hidden, x);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Layers {@code [split, L)}, mean pooling, head and mean cross-entropy, run on a scratch copy
     * of the state's hidden states: the state is left as it was.
     */
    @Override
    public synchronized double lossFromBlock1(BlockState state, LabelledBatch batch) {
        Tensor pooled = pooledFromBlock1(state, batch);
        return ClassificationHead.meanCrossEntropy(headLogits(pooled), labelsWithin(batch));
    }

    /** The head's logits at the class vectors every evaluation currently sees (perturbed in fused mode). */
    private double[][] headLogits(Tensor pooled) {
        for (FusedDirection d : fused) {
            for (ParameterView.Entry e : d.view().entries()) {
                if (e.name().equals(ClassificationHead.PARAMETER_NAME)) {
                    try (Arena arena = Arena.ofConfined()) {
                        Tensor v = head.classVectors().toF32(arena);
                        PerturbationGenerator.of(kernels.width())
                                .axpy(d.distribution(), d.seed(), e.offset(), d.c(), v.segment(), v.numel());
                        return head.logits(pooled, v);
                    }
                }
            }
        }
        return head.logits(pooled);
    }

    /** Every trainable encoder tensor is read through the model's kernels, and the head perturbs its own vectors. */
    @Override
    public boolean supportsFusedPerturbation() {
        return true;
    }

    @Override
    public synchronized void perturbFused(List<FusedDirection> directions) {
        FusedDirection.perturb(kernels, directions, HEAD);
        fused = List.copyOf(directions);
    }

    /** {@code split · layerFlops(B, T)}. */
    @Override
    public long block1Flops(LabelledBatch batch) {
        return Math.multiplyExact(split, config.layerFlops(batch.size(), batch.seqLen()));
    }

    /** {@code (L − split) · layerFlops(B, T) + 2·B·classes·H}. */
    @Override
    public long block2Flops(LabelledBatch batch) {
        long layers = Math.multiplyExact(config.numLayers() - split, config.layerFlops(batch.size(), batch.seqLen()));
        return Math.addExact(layers, headFlops(batch.size()));
    }

    // ---- prediction and evaluation ----

    /** Logits {@code [B][classes]} of {@code batch} at the current parameters. */
    public synchronized double[][] logits(LabelledBatch batch) {
        try (HiddenState h = forwardBlock1(batch)) {
            return headLogits(pooledFromBlock1(h, batch));
        }
    }

    /** The argmax class of every sequence of {@code batch}. */
    public int[] predict(LabelledBatch batch) {
        return ClassificationHead.argmax(logits(batch));
    }

    /** Accuracy and mean loss over {@code batches}. */
    public Evaluation evaluate(Iterable<LabelledBatch> batches) {
        int correct = 0;
        int total = 0;
        double lossSum = 0;
        for (LabelledBatch batch : batches) {
            double[][] logits = logits(batch);
            int[] labels = labelsWithin(batch);
            int[] predicted = ClassificationHead.argmax(logits);
            for (int b = 0; b < labels.length; b++) {
                correct += predicted[b] == labels[b] ? 1 : 0;
            }
            lossSum += ClassificationHead.meanCrossEntropy(logits, labels) * labels.length;
            total += labels.length;
        }
        return new Evaluation(correct, total, total == 0 ? Double.NaN : lossSum / total);
    }

    /** Accuracy and mean loss over {@code texts} labelled {@code labels}, in batches of {@code batchSize} in order. */
    public Evaluation evaluate(List<String> texts, int[] labels, int batchSize) {
        return evaluate(batches(texts, labels, batchSize));
    }

    /** {@code texts} and {@code labels} cut into consecutive labelled batches of at most {@code batchSize}. */
    public List<LabelledBatch> batches(List<String> texts, int[] labels, int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        if (texts.size() != labels.length) {
            throw new IllegalArgumentException(texts.size() + " texts but " + labels.length + " labels");
        }
        List<LabelledBatch> out = new ArrayList<>();
        for (int from = 0; from < texts.size(); from += batchSize) {
            int to = Math.min(texts.size(), from + batchSize);
            out.add(encoder.encode(texts.subList(from, to), Arrays.copyOfRange(labels, from, to)));
        }
        return out;
    }

    /** {@code texts} labelled {@code labels} as one batch (truncated at {@link ClassifierOptions#maxTokens}). */
    public LabelledBatch encode(List<String> texts, int[] labels) {
        return encoder.encode(texts, labels);
    }

    // ---- accessors ----

    /**
     * Puts every trainable parameter back to its starting value bit for bit: the encoder copies to
     * the base weights, the class vectors to the prompt embeddings.
     */
    public synchronized void restoreInitial() {
        requireOpen();
        trainable.restoreBase();
        head.restoreInitial();
    }

    /** Block 1 = embeddings + layers {@code [0, splitLayer())}. */
    public int splitLayer() {
        return split;
    }

    public BertConfig config() {
        return config;
    }

    public ClassifierOptions options() {
        return options;
    }

    public ClassificationHead head() {
        return head;
    }

    /** The encoder computing with the trainable copies (shares this classifier's parameters). */
    public BertModel model() {
        return model;
    }

    public BatchEncoder batchEncoder() {
        return encoder;
    }

    // ---- per-stage cost profile (dev.zoft.zo.plan) ----

    /**
     * The network as stages, in forward order: index 0 the embeddings, {@code 1..L} the layers,
     * {@code L+1} the head (pooling, class vectors, loss). Split {@code s} puts stages {@code [0, s]}
     * in block 1 and {@code [s+1, L+1]} in block 2.
     */
    public int numStages() {
        return config.numLayers() + 2;
    }

    /**
     * Forward FLOPs of every stage ({@link #numStages()} order) on a padded {@code batchSize × seqLen}
     * batch, counted as {@link #block1Flops} and {@link #block2Flops} count them: 0 for the embeddings
     * (gathers and a LayerNorm, not counted), {@link BertConfig#layerFlops} per layer, {@link #headFlops}
     * for the head. For every split s, the stages {@code [0, s]} sum to {@code block1Flops} and the
     * others to {@code block2Flops}.
     */
    public long[] stageFlops(int batchSize, int seqLen) {
        return stageFlops(config, head.numClasses(), batchSize, seqLen);
    }

    /**
     * {@link #stageFlops(int, int)} of a classifier over {@code config} with {@code numClasses}
     * classes, without building one.
     */
    public static long[] stageFlops(BertConfig config, int numClasses, int batchSize, int seqLen) {
        long layer = config.layerFlops(batchSize, seqLen);
        long[] flops = new long[config.numLayers() + 2];
        Arrays.fill(flops, 1, config.numLayers() + 1, layer);
        flops[config.numLayers() + 1] = headFlops(config, numClasses, batchSize);
        return flops;
    }

    /** Trainable parameters of every stage ({@link #numStages()} order), read from {@link #parameters()}. */
    public long[] stageTrainableParameters() {
        long[] counts = new long[numStages()];
        for (ParameterView.Entry e : parameters.entries()) {
            counts[stageOf(e.name(), config.numLayers())] += e.tensor().numel();
        }
        return counts;
    }

    /**
     * Trainable parameters of every stage of a classifier that would be built with {@code config},
     * {@code subset} and {@code numClasses} classes, from the checkpoint's expected tensor shapes
     * (without loading a model): equal to {@link #stageTrainableParameters()} of that classifier.
     */
    public static long[] stageTrainableParameters(BertConfig config, TrainableSubset subset, int numClasses) {
        if (numClasses < 2) {
            throw new IllegalArgumentException("a classifier has at least 2 classes, got " + numClasses);
        }
        int layers = config.numLayers();
        EncoderHyperparameters hp = new EncoderHyperparameters(config.vocabSize(),
                config.hiddenSize(), layers, config.numHeads(), config.intermediateSize(), config.maxPositions(),
                config.typeVocabSize(), config.layerNormEps(), "gelu");
        long[] counts = new long[layers + 2];
        for (String name : BertParameterNames.expected(layers)) {
            if (subset.trains(name, layers)) {
                long n = 1;
                for (long d : BertParameterNames.expectedShape(name, hp)) {
                    n = Math.multiplyExact(n, d);
                }
                counts[stageOf(name, layers)] += n;
            }
        }
        counts[layers + 1] = (long) numClasses * config.hiddenSize();
        return counts;
    }

    /**
     * One forward and loss of {@code batch} at the current parameters, timed stage by stage
     * ({@link #numStages()} order, wall seconds by {@link System#nanoTime}): the embeddings into a new
     * hidden-state tensor, each layer in place, then pooling, head and loss. The same kernels and
     * order as {@link #loss}, so the times are those of a real forward on this device; the first
     * calls include JIT compilation (warm up before measuring).
     */
    public synchronized double[] stageSeconds(LabelledBatch batch) {
        requireOpen();
        EncoderBatch x = batch.tokens();
        int layers = config.numLayers();
        double[] seconds = new double[layers + 2];
        try (Arena arena = Arena.ofShared()) {
            long start = System.nanoTime();
            Tensor hidden = model.embed(x, arena);
            long t = System.nanoTime();
            seconds[0] = (t - start) / 1e9;
            for (int l = 0; l < layers; l++) {
                model.runLayers(hidden, x, l, l + 1);
                long u = System.nanoTime();
                seconds[l + 1] = (u - t) / 1e9;
                t = u;
            }
            ensureScratch(x.tokens(), x.batchSize());
            Tensor pooled = pooledScratch.slice(0, x.batchSize());
            model.meanPool(hidden, x, pooled);
            double loss = ClassificationHead.meanCrossEntropy(headLogits(pooled), labelsWithin(batch));
            seconds[layers + 1] = (System.nanoTime() - t) / 1e9;
            if (Double.isNaN(loss)) {
                throw new IllegalStateException("the timed forward gave a NaN loss");
            }
        }
        return seconds;
    }

    /** The stage of a trainable tensor: 0 embeddings, 1 + i for layer i, L + 1 the head. */
    private static int stageOf(String name, int layers) {
        if (name.equals(ClassificationHead.PARAMETER_NAME)) {
            return layers + 1;
        }
        if (name.startsWith("embeddings.")) {
            return 0;
        }
        int layer = TrainableSubset.layerOf(name);
        if (layer < 0 || layer >= layers) {
            throw new IllegalArgumentException("parameter " + name + " belongs to no stage of a " + layers + "-layer encoder");
        }
        return layer + 1;
    }

    /** {@code 2·B·classes·H}: the head's dot products. */
    public long headFlops(int batchSize) {
        return headFlops(config, head.numClasses(), batchSize);
    }

    /** {@code 2·B·classes·H} for a head over {@code config} with {@code numClasses} classes. */
    public static long headFlops(BertConfig config, int numClasses, int batchSize) {
        return 2L * batchSize * numClasses * config.hiddenSize();
    }

    private boolean inBlock1(String name) {
        if (name.startsWith("embeddings.")) {
            return true;
        }
        int layer = TrainableSubset.layerOf(name);
        return layer >= 0 && layer < split;
    }

    private int[] labelsWithin(LabelledBatch batch) {
        int[] labels = batch.labels();
        for (int b = 0; b < labels.length; b++) {
            if (labels[b] >= head.numClasses()) {
                throw new IllegalArgumentException("label " + labels[b] + " of sequence " + b + " is not one of the "
                        + head.numClasses() + " classes");
            }
        }
        return labels;
    }

    /** Block 2 up to the pooled embeddings, in this classifier's scratch (valid until the next call). */
    private Tensor pooledFromBlock1(BlockState state, LabelledBatch batch) {
        requireOpen();
        EncoderBatch x = batch.tokens();
        HiddenState s = requireState(state, x);
        long tokens = (long) x.tokens();
        ensureScratch(tokens, x.batchSize());
        Tensor hidden = hiddenScratch.slice(0, tokens);
        MemorySegment.copy(s.hidden.segment(), 0, hidden.segment(), 0, s.hidden.segment().byteSize());
        model.runLayers(hidden, x, split, config.numLayers());
        Tensor pooled = pooledScratch.slice(0, x.batchSize());
        model.meanPool(hidden, x, pooled);
        return pooled;
    }

    private HiddenState requireState(BlockState state, EncoderBatch x) {
        if (!(state instanceof HiddenState s) || s.owner != this) {
            throw new IllegalArgumentException("block state " + state + " was not made by this classifier's forwardBlock1");
        }
        if (!s.arena.scope().isAlive()) {
            throw new IllegalStateException("block state is closed");
        }
        if (s.batchSize != x.batchSize() || s.seqLen != x.seqLen() || !Arrays.equals(s.mask, x.mask())) {
            throw new IllegalArgumentException("block state of a " + s.batchSize + " × " + s.seqLen
                    + " batch does not belong to " + x);
        }
        return s;
    }

    private void ensureScratch(long tokens, int batch) {
        if (hiddenScratch != null && hiddenScratch.rows() >= tokens && pooledScratch.rows() >= batch) {
            return;
        }
        long capTokens = Math.max(tokens, hiddenScratch == null ? 0 : hiddenScratch.rows());
        long capBatch = Math.max(batch, pooledScratch == null ? 0 : pooledScratch.rows());
        if (scratchArena != null) {
            scratchArena.close();
            scratchArena = null;
            hiddenScratch = null;
            pooledScratch = null;
        }
        Arena arena = Arena.ofShared();
        hiddenScratch = Tensor.allocate(arena, DType.F32, capTokens, config.hiddenSize());
        pooledScratch = Tensor.allocate(arena, DType.F32, capBatch, config.hiddenSize());
        scratchArena = arena;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the classifier is closed");
        }
    }

    /** Frees the copies, the head, the scratch, and what the classifier loaded itself (checkpoint, pool). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        model.close();
        head.close();
        trainable.close();
        if (scratchArena != null) {
            scratchArena.close();
        }
        Closeables.closeAllReversed(owned);
    }

    /**
     * Block 1's output: a copy of the hidden states after layer {@code split − 1}
     * ({@code [B·T × H]}, in its own shared arena) and of the batch's mask. Close it to free it.
     */
    public static final class HiddenState implements BlockState {
        private final EncoderClassifier owner;
        private final Arena arena;
        private final Tensor hidden;
        private final int batchSize;
        private final int seqLen;
        private final int[] mask;

        private HiddenState(EncoderClassifier owner, Arena arena, Tensor hidden, EncoderBatch batch) {
            this.owner = owner;
            this.arena = arena;
            this.hidden = hidden;
            this.batchSize = batch.batchSize();
            this.seqLen = batch.seqLen();
            this.mask = batch.mask();
        }

        public int batchSize() {
            return batchSize;
        }

        public int seqLen() {
            return seqLen;
        }

        /** A heap copy of the hidden states, row-major {@code [B·T × H]}. */
        public float[] hiddenValues() {
            if (!arena.scope().isAlive()) {
                throw new IllegalStateException("block state is closed");
            }
            return hidden.toFloatArray();
        }

        /** Off-heap bytes held. */
        public long bytes() {
            return hidden.segment().byteSize();
        }

        @Override
        public void close() {
            if (arena.scope().isAlive()) {
                arena.close();
            }
        }

        @Override
        public String toString() {
            return "HiddenState[" + batchSize + " × " + seqLen + "]";
        }
    }
}
