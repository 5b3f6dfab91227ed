package dev.zoft.transformer.decoder;

import dev.zoft.tensor.Closeables;
import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.transformer.decoder.DecoderConfig.Architecture;
import dev.zoft.weights.DecoderCheckpoint;
import dev.zoft.weights.RopeLayout;
import dev.zoft.weights.TensorStore;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A decoder-only language model (Llama/Mistral/Qwen2/SmolLM, GPT-2, OPT) over a padded batch.
 *
 * <pre>
 *   embeddings: h = tokens[id] (+ positions[position + offset] for GPT-2 / OPT)
 *   each layer: h += O(CausalAttention(RoPE(Q(n)), RoPE(K(n)), V(n))),  n = Norm₁(h)
 *               h += Down(Act(Gate(n)) · Up(n))   (SwiGLU)   or   Down(Act(Up(n)))   (GPT-2, OPT),  n = Norm₂(h)
 *   head:       logits = LM_head(Norm_f(h))
 * </pre>
 *
 * <p><b>One layer at a time</b>, over the whole batch, with real GEMMs through {@link Kernels};
 * one layer's scratch ({@link DecoderScratch}) is allocated once and reused, sized for the largest
 * batch so far. {@link #embed} and {@link #runLayers} expose the forward in pieces so that a caller
 * can keep block 1's output and run only later layers again (FedSPZO); running the layers in two
 * ranges is bit-identical to one.
 *
 * <p><b>The streaming LM head.</b> {@link #scoreTargets}, {@link #causalLmLoss} and
 * {@link #labelWordScores} never hold {@code [tokens × vocab]}: the final norm runs on the scored
 * rows only, and the vocabulary is walked {@value #VOCAB_CHUNK} rows of the head at a time, each
 * chunk's logits folded into a running max and sum of exponentials
 * ({@link Kernels#accumulateLogSumExp}) and the wanted logits picked out on the way. Memory is
 * {@code min(rows, }{@value #ROW_BLOCK}{@code ) × }{@value #VOCAB_CHUNK} floats whatever the vocabulary. Because chunks
 * and row blocks have fixed sizes, a row's score does not depend on which other rows are scored
 * with it. {@link #logits} materialises the full matrix, for tests and generation only.
 *
 * <p>Results do not depend on the kernels' thread count. Not thread-safe: calls are serialised on
 * the model. Tensors passed in must be readable from the worker threads (shared, global or
 * automatic arena).
 */
public final class DecoderModel implements AutoCloseable {
    /** Vocabulary rows of the LM head per streaming chunk. */
    public static final int VOCAB_CHUNK = 4096;
    /** Scored rows per block of the streaming head. */
    public static final int ROW_BLOCK = 1024;

    private final DecoderConfig config;
    private final DecoderWeights weights;
    private final Kernels kernels;
    private final List<AutoCloseable> owned;
    private final Arena tables = Arena.ofShared();
    private Tensor ropeCos;
    private Tensor ropeSin;
    private DecoderScratch scratch;
    private boolean closed;

    /** A model over {@code weights}; the caller keeps ownership of the weights' memory and the kernels. */
    public DecoderModel(DecoderConfig config, DecoderWeights weights, Kernels kernels) {
        this(config, weights, kernels, List.of());
    }

    /** Like {@link #DecoderModel(DecoderConfig, DecoderWeights, Kernels)}; closing the model closes {@code owned} (in reverse order). */
    public DecoderModel(DecoderConfig config, DecoderWeights weights, Kernels kernels, List<? extends AutoCloseable> owned) {
        if (weights.layers().size() != config.numLayers()) {
            throw new IllegalArgumentException(weights.layers().size() + " layers of weights for a config of " + config.numLayers());
        }
        if (weights.tokenEmbeddings().cols() != config.hiddenSize() || weights.lmHead().dim(0) != config.vocabSize()) {
            throw new IllegalArgumentException("weights " + weights.tokenEmbeddings() + " / head " + weights.lmHead()
                    + " do not match hidden size " + config.hiddenSize() + " and vocabulary " + config.vocabSize());
        }
        this.config = config;
        this.weights = weights;
        this.kernels = kernels;
        this.owned = new ArrayList<>(owned);
    }

    /**
     * Loads a decoder checkpoint through {@link DecoderCheckpoint#open}: a Hugging Face folder
     * ({@code config.json} + {@code model.safetensors} or sharded), a GGUF file or a llama2.c
     * {@code .bin}. F32 weights stay mapped; BF16/F16 ones are converted to F32 copies (see
     * {@link DecoderWeights}). The model owns the checkpoint and the copies.
     */
    public static DecoderModel load(Path path, Kernels kernels) {
        DecoderCheckpoint checkpoint = DecoderCheckpoint.open(path);
        try {
            return load(checkpoint, kernels, true);
        } catch (RuntimeException | Error e) {
            checkpoint.close();
            throw e;
        }
    }

    /**
     * A model over an open checkpoint (its config, RoPE layout and tensors). When {@code own} the
     * model closes the checkpoint. Llama-3 frequency factors stored as a tensor (llama.cpp's
     * {@code rope_freqs.weight}, named by the config key {@code rope_freq_factors}) travel with the
     * {@link DecoderWeights} and divide RoPE's inverse frequencies.
     */
    public static DecoderModel load(DecoderCheckpoint checkpoint, Kernels kernels, boolean own) {
        DecoderConfig config = DecoderConfig.of(checkpoint);
        DecoderModel m = load(config, checkpoint.tensors(), kernels, false);
        if (own) {
            m.owned.add(checkpoint);
        }
        var factors = checkpoint.config().get("rope_freq_factors");
        if (factors != null && !factors.isNull() && m.weights.ropeFreqFactors() == null) {
            m.close();
            throw new IllegalArgumentException(checkpoint.source() + ": the config names rope frequency factors '"
                    + factors.asText() + "' but the weights have no " + DecoderCheckpoint.ROPE_FREQS);
        }
        return m;
    }

    /**
     * A model over the tensors of {@code store} under Hugging Face names. When {@code ownStore} the
     * model closes the store; otherwise keep it open while the model is used.
     */
    public static DecoderModel load(DecoderConfig config, TensorStore store, Kernels kernels, boolean ownStore) {
        Arena copies = Arena.ofShared();
        try {
            DecoderWeights w = DecoderWeights.load(config, name -> store.find(name).orElse(null), copies, store.source());
            List<AutoCloseable> own = ownStore ? List.of(store, copies) : List.of(copies);
            return new DecoderModel(config, w, kernels, own);
        } catch (RuntimeException | Error e) {
            copies.close();
            throw e;
        }
    }

    public DecoderConfig config() {
        return config;
    }

    public DecoderWeights weights() {
        return weights;
    }

    public Kernels kernels() {
        return kernels;
    }

    public int numLayers() {
        return config.numLayers();
    }

    // ---------------------------------------------------------------- forward pieces

    /** The embedding block into a new {@code [B·T × H]} tensor allocated in {@code arena} (shared, global or automatic). */
    public synchronized Tensor embed(DecoderBatch batch, Arena arena) {
        Tensor hidden = Tensor.allocate(arena, DType.F32, batch.tokens(), config.hiddenSize());
        embed(batch, hidden);
        return hidden;
    }

    /** The embedding block into {@code hidden} ({@code [B·T × H]}). */
    public synchronized void embed(DecoderBatch batch, Tensor hidden) {
        requireOpen();
        requireHidden(hidden, batch);
        requirePositions(batch);
        int[] ids = batch.ids();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] >= config.vocabSize()) {
                throw new IllegalArgumentException("token id " + ids[i] + " at flat position " + i
                        + " is outside the vocabulary of " + config.vocabSize());
            }
        }
        kernels.embeddingGather(weights.tokenEmbeddings(), ids, hidden);
        if (weights.positionEmbeddings() != null) {
            DecoderScratch s = scratchFor(batch.tokens());
            int[] pos = batch.positions();
            int offset = config.architecture().positionOffset();
            for (int i = 0; i < pos.length; i++) {
                pos[i] += offset;
            }
            kernels.embeddingGather(weights.positionEmbeddings(), pos, s.branch);
            kernels.addInPlace(hidden, s.branch);
        }
    }

    /** Runs layers {@code [from, to)} in place on {@code hidden}, the output of {@link #embed} or of an earlier call. */
    public synchronized void runLayers(Tensor hidden, DecoderBatch batch, int from, int to) {
        requireOpen();
        if (from < 0 || to < from || to > config.numLayers()) {
            throw new IndexOutOfBoundsException("layers [" + from + ", " + to + ") outside [0, " + config.numLayers() + "]");
        }
        requireHidden(hidden, batch);
        requirePositions(batch);
        DecoderScratch s = scratchFor(batch.tokens());
        int[] mask = batch.mask();
        int[] positions = batch.positions();
        if (config.architecture().rotary()) {
            ensureRopeTables(batch.maxPosition() + 1);
        }
        for (int i = from; i < to; i++) {
            layer(weights.layers().get(i), hidden, batch, mask, positions, s);
        }
    }

    /** Embeddings and every layer: the last hidden states before the final norm, in {@code arena}. */
    public synchronized Tensor forwardHidden(DecoderBatch batch, Arena arena) {
        Tensor hidden = embed(batch, arena);
        runLayers(hidden, batch, 0, config.numLayers());
        return hidden;
    }

    private void layer(DecoderWeights.Layer w, Tensor h, DecoderBatch batch, int[] mask, int[] positions, DecoderScratch s) {
        norm(h, w.attnNormWeight(), w.attnNormBias(), s.normed);
        kernels.matmulTransposed(s.normed, w.qWeight(), w.qBias(), s.q);
        kernels.matmulTransposed(s.normed, w.kWeight(), w.kBias(), s.k);
        kernels.matmulTransposed(s.normed, w.vWeight(), w.vBias(), s.v);
        if (config.architecture().rotary()) {
            boolean interleaved = config.ropeLayout() == RopeLayout.INTERLEAVED;
            kernels.rope(s.q, config.numHeads(), config.headDim(), positions, ropeCos, ropeSin, interleaved);
            kernels.rope(s.k, config.numKvHeads(), config.headDim(), positions, ropeCos, ropeSin, interleaved);
        }
        kernels.causalAttention(s.q, s.k, s.v, batch.batchSize(), batch.seqLen(), config.numHeads(), config.numKvHeads(),
                config.headDim(), mask, s.context);
        kernels.matmulTransposed(s.context, w.oWeight(), w.oBias(), s.branch);
        kernels.addInPlace(h, s.branch);
        norm(h, w.mlpNormWeight(), w.mlpNormBias(), s.normed);
        if (config.architecture() == Architecture.LLAMA) {
            kernels.matmulTransposed(s.normed, w.gateWeight(), w.gateBias(), s.gate);
            kernels.matmulTransposed(s.normed, w.upWeight(), w.upBias(), s.up);
            kernels.siluMul(s.gate, s.up);
            kernels.matmulTransposed(s.gate, w.downWeight(), w.downBias(), s.branch);
        } else {
            kernels.matmulTransposed(s.normed, w.upWeight(), w.upBias(), s.up);
            if (config.architecture() == Architecture.GPT2) {
                kernels.geluTanh(s.up);
            } else {
                kernels.relu(s.up);
            }
            kernels.matmulTransposed(s.up, w.downWeight(), w.downBias(), s.branch);
        }
        kernels.addInPlace(h, s.branch);
    }

    private void norm(Tensor x, Tensor weight, Tensor bias, Tensor out) {
        if (bias != null) {
            kernels.layerNorm(x, weight, bias, config.normEps(), out);
        } else {
            kernels.rmsNorm(x, weight, config.normEps(), out);
        }
    }

    // ---------------------------------------------------------------- the streaming head

    /** Log-probabilities and logits of chosen tokens at chosen rows, and each row's log-sum-exp. */
    public record RowScores(float[][] logits, float[][] logProbs, double[] logSumExp) {
    }

    /**
     * Log-softmax over the whole vocabulary of {@code targets[i]} at row {@code rows[i]} of
     * {@code hidden} (the output of the last layer, before the final norm), streamed chunk by chunk
     * (see the class comment).
     */
    public synchronized float[] scoreTargets(Tensor hidden, int[] rows, int[] targets) {
        if (rows == null || targets == null || rows.length != targets.length) {
            throw new IllegalArgumentException("rows and targets must be two arrays of the same length");
        }
        int[][] per = new int[targets.length][];
        for (int i = 0; i < targets.length; i++) {
            per[i] = new int[] {targets[i]};
        }
        RowScores s = scoreRows(hidden, rows, per);
        float[] out = new float[rows.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = s.logProbs()[i][0];
        }
        return out;
    }

    /**
     * For each row {@code rows[i]} of {@code hidden} (last layer's output, before the final norm),
     * the logits and log-probabilities of the tokens {@code targets[i]} and the row's log-sum-exp
     * over the vocabulary, without materialising the row's logits.
     */
    public synchronized RowScores scoreRows(Tensor hidden, int[] rows, int[][] targets) {
        requireOpen();
        hidden.requireF32();
        if (hidden.rank() != 2 || hidden.cols() != config.hiddenSize()) {
            throw new IllegalArgumentException("hidden states " + hidden + " must be [tokens × " + config.hiddenSize() + "]");
        }
        if (rows == null || targets == null || rows.length != targets.length) {
            throw new IllegalArgumentException("rows and targets must be two arrays of the same length");
        }
        int vocab = config.vocabSize();
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= hidden.rows()) {
                throw new IndexOutOfBoundsException("row " + rows[i] + " is outside the " + hidden.rows() + " hidden rows");
            }
            if (targets[i] == null) {
                throw new IllegalArgumentException("targets of row " + i + " is null");
            }
            for (int t : targets[i]) {
                if (t < 0 || t >= vocab) {
                    throw new IllegalArgumentException("target token " + t + " is outside the vocabulary of " + vocab);
                }
            }
        }
        int n = rows.length;
        float[][] logits = new float[n][];
        float[][] logProbs = new float[n][];
        double[] lse = new double[n];
        int h = config.hiddenSize();
        long rowBytes = (long) h * Float.BYTES;
        try (Arena arena = Arena.ofShared()) {
            int blockRows = Math.min(n, ROW_BLOCK);
            int chunk = Math.min(vocab, VOCAB_CHUNK);
            Tensor selAll = Tensor.allocate(arena, DType.F32, Math.max(1, blockRows), h);
            MemorySegment chunkMem = arena.allocate((long) Math.max(1, blockRows) * chunk * Float.BYTES, Tensor.ALIGNMENT);
            for (int r0 = 0; r0 < n; r0 += ROW_BLOCK) {
                int rb = Math.min(ROW_BLOCK, n - r0);
                Tensor sel = selAll.slice(0, rb);
                for (int i = 0; i < rb; i++) {
                    MemorySegment.copy(hidden.segment(), rows[r0 + i] * rowBytes, sel.segment(), i * rowBytes, rowBytes);
                }
                norm(sel, weights.finalNormWeight(), weights.finalNormBias(), sel);
                float[] max = new float[rb];
                double[] sum = new double[rb];
                Arrays.fill(max, Float.NEGATIVE_INFINITY);
                for (int i = 0; i < rb; i++) {
                    logits[r0 + i] = new float[targets[r0 + i].length];
                }
                for (int v0 = 0; v0 < vocab; v0 += chunk) {
                    int cw = Math.min(chunk, vocab - v0);
                    Tensor out = Tensor.wrap(chunkMem.asSlice(0, (long) rb * cw * Float.BYTES), DType.F32, rb, cw);
                    kernels.matmulTransposed(sel, weights.lmHead().slice(v0, v0 + cw), null, out);
                    kernels.accumulateLogSumExp(out, max, sum);
                    for (int i = 0; i < rb; i++) {
                        int[] ts = targets[r0 + i];
                        for (int j = 0; j < ts.length; j++) {
                            if (ts[j] >= v0 && ts[j] < v0 + cw) {
                                logits[r0 + i][j] = out.getFloat((long) i * cw + ts[j] - v0);
                            }
                        }
                    }
                }
                for (int i = 0; i < rb; i++) {
                    double l = max[i] + StrictMath.log(sum[i]);
                    lse[r0 + i] = l;
                    logProbs[r0 + i] = new float[targets[r0 + i].length];
                    for (int j = 0; j < logits[r0 + i].length; j++) {
                        logProbs[r0 + i][j] = (float) (logits[r0 + i][j] - l);
                    }
                }
            }
        }
        return new RowScores(logits, logProbs, lse);
    }

    /**
     * The causal-LM loss of a batch: the mean negative log-likelihood of {@code labels[r]} at every
     * row r whose label is not {@link DecoderBatch#IGNORE} (see {@link DecoderBatch#nextTokenLabels}),
     * summed in row order in double. Runs the whole forward.
     */
    public synchronized double causalLmLoss(DecoderBatch batch, int[] labels) {
        try (Arena arena = Arena.ofShared()) {
            return causalLmLoss(forwardHidden(batch, arena), batch, labels);
        }
    }

    /** {@link #causalLmLoss(DecoderBatch, int[])} on hidden states that already went through every layer. */
    public synchronized double causalLmLoss(Tensor hidden, DecoderBatch batch, int[] labels) {
        if (labels == null || labels.length != batch.tokens()) {
            throw new IllegalArgumentException("labels must have one entry per token (" + batch.tokens() + ")");
        }
        int[] mask = batch.mask();
        int count = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] != DecoderBatch.IGNORE) {
                if (mask[i] == 0) {
                    throw new IllegalArgumentException("label at padding row " + i);
                }
                count++;
            }
        }
        if (count == 0) {
            throw new IllegalArgumentException("no row has a label: the loss would be 0/0");
        }
        int[] rows = new int[count];
        int[] targets = new int[count];
        for (int i = 0, c = 0; i < labels.length; i++) {
            if (labels[i] != DecoderBatch.IGNORE) {
                rows[c] = i;
                targets[c++] = labels[i];
            }
        }
        float[] lp = scoreTargets(hidden, rows, targets);
        double nll = 0;
        for (float v : lp) {
            nll -= v;
        }
        return nll / count;
    }

    /**
     * Label-word classification: for each sequence, the logits and log-probabilities (over the whole
     * vocabulary) of each of {@code labelWords} as the next token after the sequence's last real
     * token (the prompt's end). Runs the whole forward.
     */
    public synchronized RowScores labelWordScores(DecoderBatch batch, int[] labelWords) {
        try (Arena arena = Arena.ofShared()) {
            return labelWordScores(forwardHidden(batch, arena), batch, labelWords);
        }
    }

    /** {@link #labelWordScores(DecoderBatch, int[])} on hidden states that already went through every layer. */
    public synchronized RowScores labelWordScores(Tensor hidden, DecoderBatch batch, int[] labelWords) {
        if (labelWords == null || labelWords.length == 0) {
            throw new IllegalArgumentException("at least one label word is needed");
        }
        int[][] targets = new int[batch.batchSize()][];
        Arrays.fill(targets, labelWords.clone());
        return scoreRows(hidden, batch.lastRows(), targets);
    }

    /**
     * The full logits {@code [B·T × vocab]} in {@code arena}: memory grows with the vocabulary, so
     * this is for tests and generation; losses use the streaming head.
     */
    public synchronized Tensor logits(DecoderBatch batch, Arena arena) {
        try (Arena work = Arena.ofShared()) {
            Tensor hidden = forwardHidden(batch, work);
            norm(hidden, weights.finalNormWeight(), weights.finalNormBias(), hidden);
            Tensor out = Tensor.allocate(arena, DType.F32, batch.tokens(), config.vocabSize());
            kernels.matmulTransposed(hidden, weights.lmHead(), null, out);
            return out;
        }
    }

    // ---------------------------------------------------------------- bookkeeping

    private void ensureRopeTables(int positions) {
        if (ropeCos != null && ropeCos.dim(0) >= positions) {
            return;
        }
        int rows = Math.min(config.maxPositions(), Math.max(positions, ropeCos == null ? 64 : (int) Math.min(
                Integer.MAX_VALUE, 2 * ropeCos.dim(0))));
        int half = config.headDim() / 2;
        double[] inv = config.ropeInverseFrequencies();
        if (weights.ropeFreqFactors() != null) {
            float[] factors = weights.ropeFreqFactors().toFloatArray();
            for (int i = 0; i < half; i++) {
                inv[i] /= factors[i];
            }
        }
        float[] cos = new float[Math.multiplyExact(rows, half)];
        float[] sin = new float[cos.length];
        for (int p = 0; p < rows; p++) {
            for (int i = 0; i < half; i++) {
                double angle = p * inv[i];
                cos[p * half + i] = (float) StrictMath.cos(angle);
                sin[p * half + i] = (float) StrictMath.sin(angle);
            }
        }
        // Old tables stay in the arena until close: they grow by doubling, so at most 2× the final size.
        ropeCos = Tensor.of(tables, cos, rows, half);
        ropeSin = Tensor.of(tables, sin, rows, half);
    }

    private DecoderScratch scratchFor(long tokens) {
        if (scratch == null || scratch.capacity < tokens) {
            if (scratch != null) {
                scratch.close();
                scratch = null;
            }
            scratch = new DecoderScratch(config, tokens);
        }
        scratch.bind(tokens);
        return scratch;
    }

    /** Bytes of per-layer scratch currently held. */
    public synchronized long scratchBytes() {
        return scratch == null ? 0 : scratch.bytes();
    }

    /** Frees the per-layer scratch (reallocated by the next call that needs it). */
    public synchronized void releaseScratch() {
        if (scratch != null) {
            scratch.close();
            scratch = null;
        }
    }

    private void requirePositions(DecoderBatch batch) {
        if (batch.maxPosition() >= config.maxPositions()) {
            throw new IllegalArgumentException("a sequence of " + (batch.maxPosition() + 1) + " tokens exceeds the model's "
                    + config.maxPositions() + " positions");
        }
    }

    private void requireHidden(Tensor hidden, DecoderBatch batch) {
        hidden.requireF32();
        if (hidden.rank() != 2 || hidden.rows() != batch.tokens() || hidden.cols() != config.hiddenSize()) {
            throw new IllegalArgumentException("hidden states " + hidden + " for a batch of " + batch.batchSize() + " × "
                    + batch.seqLen() + " need shape [" + batch.tokens() + ", " + config.hiddenSize() + "]");
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the model is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        releaseScratch();
        tables.close();
        Closeables.closeAllReversed(owned);
    }
}
