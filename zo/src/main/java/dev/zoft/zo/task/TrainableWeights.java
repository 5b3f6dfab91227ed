package dev.zoft.zo.task;

import dev.zoft.tensor.Tensor;
import dev.zoft.transformer.bert.BertConfig;
import dev.zoft.transformer.bert.BertWeights;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A BERT encoder whose trainable tensors are writable F32 copies in one shared off-heap arena,
 * while the frozen tensors remain the base's (memory-mapped or the loader's arena, never
 * written). ZO perturbs and updates the copies in place; the base stays the pristine starting
 * point, so {@link #restoreBase} can bring the copies back to it bit for bit (e.g. to replay a
 * seed log from the base).
 *
 * <p>Memory: the copies take 4 bytes per trainable parameter (90 MB for all of MiniLM, 123 KB
 * for BitFit). The arena is shared because the kernels' worker threads read the copies.
 */
public final class TrainableWeights implements AutoCloseable {
    private final BertWeights base;
    private final BertWeights weights;
    private final Map<String, Tensor> baseTensors;
    private final Map<String, Tensor> copies;
    private final Arena arena;
    private final long size;

    private TrainableWeights(BertWeights base, BertWeights weights, Map<String, Tensor> baseTensors,
                             Map<String, Tensor> copies, Arena arena) {
        this.base = base;
        this.weights = weights;
        this.baseTensors = baseTensors;
        this.copies = Collections.unmodifiableMap(copies);
        this.arena = arena;
        long n = 0;
        for (Tensor t : copies.values()) {
            n += t.numel();
        }
        this.size = n;
    }

    /**
     * Copies the tensors of {@code base} that {@code subset} trains into a new shared arena and
     * returns weights that compute with the copies. {@code base} must stay open while these
     * weights are used (the frozen tensors are still read from it).
     */
    public static TrainableWeights copy(BertConfig config, BertWeights base, TrainableSubset subset) {
        Arena arena = Arena.ofShared();
        try {
            Map<String, Tensor> baseTensors = new LinkedHashMap<>();
            Map<String, Tensor> copies = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : base.named().entrySet()) {
                if (subset.trains(e.getKey(), config.numLayers())) {
                    baseTensors.put(e.getKey(), e.getValue());
                    copies.put(e.getKey(), TrainableCopy.of(e.getValue(), arena));
                }
            }
            BertWeights weights = base.withReplaced(config, copies);
            return new TrainableWeights(base, weights, baseTensors, copies, arena);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** The weights to compute with: the copies where trainable, the base's tensors elsewhere. */
    public BertWeights weights() {
        return weights;
    }

    /** The base weights the copies were made from. */
    public BertWeights base() {
        return base;
    }

    /** The writable copies under their Hugging Face names, in forward order. */
    public Map<String, Tensor> trainable() {
        return copies;
    }

    /** Number of trainable encoder parameters. */
    public long size() {
        return size;
    }

    /** Overwrites every copy with the base's values: the weights are the base model again, bit for bit. */
    public void restoreBase() {
        requireOpen();
        for (Map.Entry<String, Tensor> e : copies.entrySet()) {
            MemorySegment from = baseTensors.get(e.getKey()).segment();
            MemorySegment.copy(from, 0, e.getValue().segment(), 0, from.byteSize());
        }
    }

    private void requireOpen() {
        if (!arena.scope().isAlive()) {
            throw new IllegalStateException("the trainable weights are closed");
        }
    }

    /** Frees the copies; weights obtained from {@link #weights} must not be used afterwards. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
