package dev.zoft.transformer.bert;

import dev.zoft.tensor.Closeables;
import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.transformer.EncoderBatch;
import dev.zoft.transformer.EncoderOutput;
import dev.zoft.weights.EncoderCheckpoint;
import dev.zoft.weights.TensorStore;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;

/**
 * A post-LayerNorm BERT encoder over a padded batch.
 *
 * <pre>
 *   embeddings: h = LayerNorm(word[id] + type[typeId] + position[t])
 *   each layer: a = LayerNorm(h + Dense(Attention(Q(h), K(h), V(h), mask)))
 *               h = LayerNorm(a + Dense(GELU(Dense(a))))
 *   pooling:    mean of h over the sequence's unmasked tokens
 * </pre>
 *
 * <p><b>One layer at a time.</b> Every layer runs over the whole batch before the next starts, so
 * the activations alive at once are the hidden states and one layer's scratch:
 * {@link BertConfig#activationBytes} = {@code B·T·(5·H + intermediate)·4} bytes (13.5 KiB a token
 * for MiniLM, 13.5 MiB for a 16 × 64 batch), whatever the number of layers: the caller's hidden
 * states (1 × H a token) and the model's scratch (Q, K, V, context: 4 × H; feed-forward:
 * intermediate). The scratch is allocated once, sized for the largest batch seen so far, and
 * reused by every layer and every later call that fits ({@link #releaseScratch} frees it). The
 * weights are read in place from the store that loaded them, never copied.
 *
 * <p><b>Block reuse.</b> {@link #embed} and {@link #runLayers} expose the forward in pieces:
 * {@code runLayers(embed(x), 0, k)} then {@code runLayers(·, k, L)} is bit-identical to
 * {@link #forward}, so a caller can cache a block's output and run only the later layers again.
 *
 * <p>Results do not depend on the kernels' thread count (the kernels split work by output rows
 * only). Not thread-safe: calls are serialised on the model, whose scratch is shared between them.
 * Tensors passed in must be readable from the worker threads (allocated in a shared, global or
 * automatic arena).
 */
public final class BertModel implements AutoCloseable {
    /** Never started: only asks segments whether another thread than the caller could read them. */
    private static final Thread ACCESS_PROBE = Thread.ofPlatform().unstarted(() -> { });

    private final BertConfig config;
    private final BertWeights weights;
    private final Kernels kernels;
    private final List<AutoCloseable> owned;
    private LayerScratch scratch;
    private boolean closed;

    /**
     * A model over {@code weights} computing with {@code kernels}. The caller keeps ownership of
     * both (closing the model does not close the kernels' pool or the weight store).
     */
    public BertModel(BertConfig config, BertWeights weights, Kernels kernels) {
        this(config, weights, kernels, List.of());
    }

    /**
     * Like {@link #BertModel(BertConfig, BertWeights, Kernels)}, and closing the model closes
     * {@code owned} (in reverse order), e.g. the weight store and the worker pool it created.
     */
    public BertModel(BertConfig config, BertWeights weights, Kernels kernels, List<? extends AutoCloseable> owned) {
        if (weights.layers().size() != config.numLayers()) {
            throw new IllegalArgumentException(weights.layers().size() + " layers of weights for a config of "
                    + config.numLayers());
        }
        if (weights.wordEmbeddings().cols() != config.hiddenSize()) {
            throw new IllegalArgumentException("weights of width " + weights.wordEmbeddings().cols()
                    + " for a config of hidden size " + config.hiddenSize());
        }
        this.config = config;
        this.weights = weights;
        this.kernels = kernels;
        this.owned = new ArrayList<>(owned);
    }

    /**
     * A model over the BERT weights of {@code store} (Hugging Face names, with or without the
     * {@code bert.} prefix) computing with default kernels: {@link VectorWidth#configured()} and a
     * pool of {@link WorkerPool#defaultThreads()} threads, which the model owns and closes. The
     * store stays the caller's: keep it open while the model is used.
     */
    public static BertModel load(TensorStore store, BertConfig config) {
        WorkerPool pool = WorkerPool.create();
        try {
            return new BertModel(config, weightsOf(store, config), Kernels.create(VectorWidth.configured(), pool), List.of(pool));
        } catch (RuntimeException | Error e) {
            pool.close();
            throw e;
        }
    }

    /**
     * A model over a loaded encoder checkpoint (its hyperparameters give the config) computing with
     * the caller's {@code kernels}. The checkpoint stays the caller's.
     */
    public static BertModel load(EncoderCheckpoint checkpoint, Kernels kernels) {
        BertConfig config = BertConfig.of(checkpoint.hyperparameters());
        return new BertModel(config, weightsOf(checkpoint.weights(), config), kernels);
    }

    /** A model over the BERT weights of {@code store} computing with the caller's {@code kernels}. */
    public static BertModel load(TensorStore store, BertConfig config, Kernels kernels) {
        return new BertModel(config, weightsOf(store, config), kernels);
    }

    /** The BERT weights of {@code store}, detecting the {@code bert.} prefix of full BertModel checkpoints. */
    public static BertWeights weightsOf(TensorStore store, BertConfig config) {
        String prefix = store.contains("bert.embeddings.word_embeddings.weight") ? "bert." : "";
        return BertWeights.from(config, prefix, name -> store.find(name).orElse(null));
    }

    public BertConfig config() {
        return config;
    }

    public BertWeights weights() {
        return weights;
    }

    public Kernels kernels() {
        return kernels;
    }

    /** Number of encoder layers, L; {@link #runLayers} takes layer ranges within {@code [0, L]}. */
    public int numLayers() {
        return config.numLayers();
    }

    /** {@link BertConfig#activationBytes}: the activation memory of a forward at this batch shape. */
    public long activationBytes(int batch, int seqLen) {
        return config.activationBytes(batch, seqLen);
    }

    /**
     * The full forward: embeddings, every layer, masked mean pooling. The returned output owns
     * its memory (close it).
     */
    public synchronized EncoderOutput forward(EncoderBatch batch) {
        Arena arena = Arena.ofShared();
        try {
            Tensor hidden = embed(batch, arena);
            runLayers(hidden, batch, 0, config.numLayers());
            Tensor pooled = Tensor.allocate(arena, DType.F32, batch.batchSize(), config.hiddenSize());
            meanPool(hidden, batch, pooled);
            return new EncoderOutput(arena, hidden, pooled, batch.batchSize(), batch.seqLen());
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /**
     * The full forward into the caller's tensors (no allocation once the scratch fits): last
     * hidden states into {@code hidden} ({@code [B·T × H]}), pooled embeddings into {@code pooled}
     * ({@code [B × H]}), both readable by the worker threads.
     */
    public synchronized void forward(EncoderBatch batch, Tensor hidden, Tensor pooled) {
        embed(batch, hidden);
        runLayers(hidden, batch, 0, config.numLayers());
        meanPool(hidden, batch, pooled);
    }

    /**
     * The embedding block into a new {@code [B·T × H]} tensor allocated in {@code arena} (which
     * must be shared, global or automatic: the worker threads write it).
     */
    public synchronized Tensor embed(EncoderBatch batch, Arena arena) {
        Tensor hidden = Tensor.allocate(arena, DType.F32, batch.tokens(), config.hiddenSize());
        embed(batch, hidden);
        return hidden;
    }

    /** The embedding block: {@code hidden = LayerNorm(word[id] + type[typeId] + position[t])}. */
    public synchronized void embed(EncoderBatch batch, Tensor hidden) {
        requireOpen();
        requireHidden(hidden, batch.batchSize(), batch.seqLen());
        int[] ids = batch.ids();
        int[] typeIds = batch.typeIds();
        requireBelow("token id", ids, config.vocabSize());
        requireBelow("token type id", typeIds, config.typeVocabSize());
        LayerScratch s = scratchFor(batch.batchSize(), batch.seqLen());
        // Hugging Face's order: (word + token type) + position.
        kernels.embeddingGather(weights.wordEmbeddings(), ids, hidden);
        kernels.embeddingGather(weights.tokenTypeEmbeddings(), typeIds, s.q);
        kernels.addInPlace(hidden, s.q);
        kernels.embeddingGather(weights.positionEmbeddings(), s.positionIds, s.q);
        kernels.addInPlace(hidden, s.q);
        kernels.layerNorm(hidden, weights.embeddingNormWeight(), weights.embeddingNormBias(), config.layerNormEps(), hidden);
    }

    /** {@link #runLayers(Tensor, int[], int, int, int, int)} with the batch's mask and shape. */
    public synchronized void runLayers(Tensor hidden, EncoderBatch batch, int from, int to) {
        runLayers(hidden, batch.mask(), batch.batchSize(), batch.seqLen(), from, to);
    }

    /**
     * Runs layers {@code [from, to)} in place on {@code hidden} ({@code [batch·seqLen × H]}, the
     * output of {@link #embed} or of an earlier {@code runLayers}). To keep a block's output for
     * reuse, copy it before running later layers on it.
     *
     * @param mask {@code batch·seqLen} values, 0 for padding
     */
    public synchronized void runLayers(Tensor hidden, int[] mask, int batch, int seqLen, int from, int to) {
        requireOpen();
        if (from < 0 || to < from || to > config.numLayers()) {
            throw new IndexOutOfBoundsException("layers [" + from + ", " + to + ") outside [0, " + config.numLayers() + "]");
        }
        requireHidden(hidden, batch, seqLen);
        if (mask.length != batch * seqLen) {
            throw new IllegalArgumentException("mask of " + mask.length + " values for a batch of " + batch + " × " + seqLen);
        }
        LayerScratch s = scratchFor(batch, seqLen);
        for (int i = from; i < to; i++) {
            layer(weights.layers().get(i), hidden, mask, s);
        }
    }

    /** Masked mean pooling of {@code hidden} into {@code out} ({@code [batch × H]}). */
    public synchronized void meanPool(Tensor hidden, EncoderBatch batch, Tensor out) {
        requireOpen();
        requireHidden(hidden, batch.batchSize(), batch.seqLen());
        if (out.rows() != batch.batchSize() || out.cols() != config.hiddenSize()) {
            throw new IllegalArgumentException("pooled output " + out + " for a batch of " + batch.batchSize()
                    + " and hidden size " + config.hiddenSize());
        }
        kernels.meanPool(hidden, batch.mask(), batch.batchSize(), batch.seqLen(), out);
    }

    private void layer(BertWeights.Layer w, Tensor h, int[] mask, LayerScratch s) {
        float eps = config.layerNormEps();
        kernels.matmulTransposed(h, w.queryWeight(), w.queryBias(), s.q);
        kernels.matmulTransposed(h, w.keyWeight(), w.keyBias(), s.k);
        kernels.matmulTransposed(h, w.valueWeight(), w.valueBias(), s.v);
        kernels.attention(s.q, s.k, s.v, s.batch, s.seqLen, config.numHeads(), config.headDim(), mask, s.context);
        // Q is dead once attention has run: it takes the projection, then the residual sum.
        kernels.matmulTransposed(s.context, w.attentionOutWeight(), w.attentionOutBias(), s.q);
        kernels.addInPlace(s.q, h);
        kernels.layerNorm(s.q, w.attentionNormWeight(), w.attentionNormBias(), eps, h);
        kernels.matmulTransposed(h, w.intermediateWeight(), w.intermediateBias(), s.intermediate);
        kernels.gelu(s.intermediate);
        kernels.matmulTransposed(s.intermediate, w.outputWeight(), w.outputBias(), s.q);
        kernels.addInPlace(s.q, h);
        kernels.layerNorm(s.q, w.outputNormWeight(), w.outputNormBias(), eps, h);
    }

    private LayerScratch scratchFor(int batch, int seqLen) {
        if (seqLen > config.maxPositions()) {
            throw new IllegalArgumentException("sequences of " + seqLen + " tokens exceed the model's "
                    + config.maxPositions() + " positions");
        }
        long tokens = (long) batch * seqLen;
        if (scratch == null || scratch.capacity < tokens) {
            if (scratch != null) {
                scratch.close();
                scratch = null;
            }
            scratch = new LayerScratch(config, tokens);
        }
        scratch.bind(batch, seqLen);
        return scratch;
    }

    /**
     * Frees the per-layer scratch (it is otherwise kept, sized for the largest batch so far, and
     * reallocated by the next call that needs it).
     */
    public synchronized void releaseScratch() {
        if (scratch != null) {
            scratch.close();
            scratch = null;
        }
    }

    /** Bytes of per-layer scratch currently held (0 before the first call or after {@link #releaseScratch}). */
    public synchronized long scratchBytes() {
        return scratch == null ? 0 : scratch.bytes();
    }

    private void requireHidden(Tensor hidden, int batch, int seqLen) {
        hidden.requireF32();
        if (hidden.rank() != 2 || hidden.rows() != (long) batch * seqLen || hidden.cols() != config.hiddenSize()) {
            throw new IllegalArgumentException("hidden states " + hidden + " for a batch of " + batch + " × " + seqLen
                    + " need shape [" + (long) batch * seqLen + ", " + config.hiddenSize() + "]");
        }
        if (!hidden.segment().isAccessibleBy(ACCESS_PROBE)) {
            throw new IllegalArgumentException("hidden states live in a thread-confined arena; the worker threads"
                    + " cannot read them: allocate them in Arena.ofShared(), Arena.global() or Arena.ofAuto()");
        }
    }

    private static void requireBelow(String what, int[] values, int bound) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] >= bound) {
                throw new IllegalArgumentException(what + " " + values[i] + " at flat position " + i
                        + " is outside the table of " + bound + " rows");
            }
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the model is closed");
        }
    }

    /** Frees the scratch and closes what the model owns; the weights of a caller's store stay valid. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (scratch != null) {
            scratch.close();
            scratch = null;
        }
        Closeables.closeAllReversed(owned);
    }
}
