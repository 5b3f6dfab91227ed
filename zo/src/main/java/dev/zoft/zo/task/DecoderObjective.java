package dev.zoft.zo.task;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.transformer.decoder.DecoderBatch;
import dev.zoft.transformer.decoder.DecoderConfig;
import dev.zoft.transformer.decoder.DecoderModel;
import dev.zoft.transformer.decoder.DecoderWeights;
import dev.zoft.zo.SplitObjective;
import dev.zoft.tensor.ops.PerturbedKernels;
import dev.zoft.zo.params.FusedDirection;
import dev.zoft.zo.params.ParameterView;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A loss over a decoder LM as a {@link SplitObjective}: block 1 = embeddings + layers
 * {@code [0, split)}, block 2 = layers {@code [split, L)} + the streaming LM head + the task's loss
 * ({@link CausalLmObjective}, {@link LabelWordClassifier}).
 *
 * <p><b>Parameters.</b> The tensors the {@link DecoderSubset} trains are copied once into writable
 * F32 tensors in a shared arena (4 bytes per trainable parameter, whatever the checkpoint's
 * dtype); the frozen ones stay where the base weights are (mapped, or the loader's F32 copies of
 * BF16/F16 weights). {@link #parameters()} lists the copies in {@code DecoderWeights.named()}
 * order, which fixes the global index space of the seed log. Block 1's parameters are the
 * embedding tables and layers below the split; block 2's the rest (upper layers, final norm, an
 * untied head). With tied embeddings the single table is in block 1 even though the head reads
 * it too.
 *
 * <p>Deterministic on any thread count (the model's kernels are). Not thread-safe.
 *
 * @param <B> the batch type
 */
public abstract class DecoderObjective<B> implements SplitObjective<B>, AutoCloseable {
    private final DecoderConfig config;
    private final int split;
    private final DecoderModel model;
    /** The model's kernels: they perturb the trainable copies on the fly in fused mode. */
    private final PerturbedKernels kernels;
    private final Arena copies;
    private final Map<String, Tensor> baseTensors = new LinkedHashMap<>();
    private final ParameterView parameters;
    private final ParameterView block1;
    private final ParameterView block2;
    private Arena scratchArena;
    private Tensor hiddenScratch;
    private boolean closed;

    /**
     * @param base  the base weights (stay the caller's and must stay open)
     * @param split block 1 = layers {@code [0, split)}, {@code 0 ≤ split ≤ L}
     */
    protected DecoderObjective(DecoderConfig config, DecoderWeights base, Kernels kernels, DecoderSubset subset, int split) {
        if (split < 0 || split > config.numLayers()) {
            throw new IllegalArgumentException("split layer " + split + " outside [0, " + config.numLayers() + "]");
        }
        this.config = config;
        this.split = split;
        this.copies = Arena.ofShared();
        try {
            Map<String, Tensor> trainable = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : base.named().entrySet()) {
                if (subset.trains(e.getKey(), config.numLayers())) {
                    baseTensors.put(e.getKey(), e.getValue());
                    trainable.put(e.getKey(), TrainableCopy.of(e.getValue(), copies));
                }
            }
            this.kernels = new PerturbedKernels(kernels);
            this.model = new DecoderModel(config, base.withReplaced(trainable), this.kernels);
            this.parameters = ParameterView.of(trainable);
            FusedDirection.register(this.kernels, parameters, java.util.Set.of());
            this.block1 = parameters.subset(this::inBlock1);
            this.block2 = parameters.subset(n -> !inBlock1(n));
        } catch (RuntimeException | Error e) {
            copies.close();
            throw e;
        }
    }

    /** The model computing with the trainable copies. */
    public DecoderModel model() {
        return model;
    }

    public int splitLayer() {
        return split;
    }

    /** The token batch of a task batch. */
    protected abstract DecoderBatch tokens(B batch);

    /** The task's loss from the last layer's hidden states (before the final norm). */
    protected abstract double headLoss(Tensor hidden, B batch);

    /** Rows the head scores for {@code batch} (for the FLOP count). */
    protected abstract long scoredRows(B batch);

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

    /** Every trainable parameter is read through the model's kernels, which can perturb on the fly. */
    @Override
    public boolean supportsFusedPerturbation() {
        return true;
    }

    @Override
    public synchronized void perturbFused(List<FusedDirection> directions) {
        FusedDirection.perturb(kernels, directions, java.util.Set.of());
    }

    /** Embeddings and layers {@code [0, split)}; the state owns a copy of the hidden states. */
    @Override
    public synchronized HiddenState forwardBlock1(B batch) {
        requireOpen();
        DecoderBatch x = tokens(batch);
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

    /** Layers {@code [split, L)} on a scratch copy of the state (left unchanged), then the task's loss. */
    @Override
    public synchronized double lossFromBlock1(BlockState state, B batch) {
        requireOpen();
        DecoderBatch x = tokens(batch);
        if (!(state instanceof HiddenState s) || s.owner != this) {
            throw new IllegalArgumentException("block state " + state + " was not made by this objective's forwardBlock1");
        }
        if (!s.arena.scope().isAlive()) {
            throw new IllegalStateException("block state is closed");
        }
        if (s.batchSize != x.batchSize() || s.seqLen != x.seqLen() || !Arrays.equals(s.mask, x.mask())) {
            throw new IllegalArgumentException("block state of a " + s.batchSize + " × " + s.seqLen + " batch does not belong to this batch");
        }
        long tokens = x.tokens();
        if (hiddenScratch == null || hiddenScratch.rows() < tokens) {
            if (scratchArena != null) {
                scratchArena.close();
            }
            scratchArena = Arena.ofShared();
            hiddenScratch = Tensor.allocate(scratchArena, DType.F32, tokens, config.hiddenSize());
        }
        Tensor hidden = hiddenScratch.slice(0, tokens);
        MemorySegment.copy(s.hidden.segment(), 0, hidden.segment(), 0, s.hidden.segment().byteSize());
        model.runLayers(hidden, x, split, config.numLayers());
        return headLoss(hidden, batch);
    }

    /** {@code split · layerFlops(B, T)}. */
    @Override
    public long block1Flops(B batch) {
        DecoderBatch x = tokens(batch);
        return Math.multiplyExact(split, config.layerFlops(x.batchSize(), x.seqLen()));
    }

    /** {@code (L − split) · layerFlops(B, T) + 2·rows·H·vocab} (the streaming head over the scored rows). */
    @Override
    public long block2Flops(B batch) {
        DecoderBatch x = tokens(batch);
        long layers = Math.multiplyExact(config.numLayers() - split, config.layerFlops(x.batchSize(), x.seqLen()));
        return Math.addExact(layers, config.headFlops(scoredRows(batch)));
    }

    /** Puts every trainable copy back to the base weights' values, bit for bit. */
    public synchronized void restoreInitial() {
        requireOpen();
        for (ParameterView.Entry e : parameters.entries()) {
            Tensor from = baseTensors.get(e.name());
            if (from.dtype() == DType.F32) {
                MemorySegment.copy(from.segment(), 0, e.tensor().segment(), 0, from.segment().byteSize());
            } else {
                for (long i = 0; i < from.numel(); i++) {
                    e.tensor().setFloat(i, from.getFloat(i));
                }
            }
        }
    }

    private boolean inBlock1(String name) {
        if (name.equals("embed") || name.equals("positions")) {
            return true;
        }
        int layer = DecoderSubset.layerOf(name);
        return layer >= 0 && layer < split;
    }

    protected void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the objective is closed");
        }
    }

    /** Frees the copies and the scratch; the base weights stay the caller's. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        model.close();
        if (scratchArena != null) {
            scratchArena.close();
        }
        copies.close();
    }

    /** Block 1's output: a copy of the hidden states after layer {@code split − 1} and of the batch's mask. */
    public static final class HiddenState implements BlockState {
        private final DecoderObjective<?> owner;
        private final Arena arena;
        private final Tensor hidden;
        private final int batchSize;
        private final int seqLen;
        private final int[] mask;

        private HiddenState(DecoderObjective<?> owner, Arena arena, Tensor hidden, DecoderBatch batch) {
            this.owner = owner;
            this.arena = arena;
            this.hidden = hidden;
            this.batchSize = batch.batchSize();
            this.seqLen = batch.seqLen();
            this.mask = batch.mask();
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
