package dev.zoft.transformer.bert;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;

import java.lang.foreign.Arena;

/**
 * One layer's activations, allocated once in a shared arena (the worker threads write them) for
 * up to {@link #capacity} tokens and reused by every layer and by every batch that fits: Q, K, V
 * and the attention context {@code [B·T × H]}, the feed-forward activations
 * {@code [B·T × intermediate]}. Q doubles as the output of the two dense projections once
 * attention has consumed it. {@link #bind} points the views at the current batch shape.
 */
final class LayerScratch implements AutoCloseable {
    final long capacity;
    private final Arena arena;
    private final Tensor qAll;
    private final Tensor kAll;
    private final Tensor vAll;
    private final Tensor contextAll;
    private final Tensor intermediateAll;

    int batch;
    int seqLen;
    Tensor q;
    Tensor k;
    Tensor v;
    Tensor context;
    Tensor intermediate;
    /** Position id of every row of the bound shape: row b·T + t is position t. */
    int[] positionIds;

    LayerScratch(BertConfig config, long capacityTokens) {
        this.capacity = capacityTokens;
        this.arena = Arena.ofShared();
        try {
            this.qAll = Tensor.allocate(arena, DType.F32, capacityTokens, config.hiddenSize());
            this.kAll = Tensor.allocate(arena, DType.F32, capacityTokens, config.hiddenSize());
            this.vAll = Tensor.allocate(arena, DType.F32, capacityTokens, config.hiddenSize());
            this.contextAll = Tensor.allocate(arena, DType.F32, capacityTokens, config.hiddenSize());
            this.intermediateAll = Tensor.allocate(arena, DType.F32, capacityTokens, config.intermediateSize());
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** Views for a batch of {@code batch × seqLen} tokens (at most {@link #capacity}). */
    void bind(int batch, int seqLen) {
        if (batch == this.batch && seqLen == this.seqLen) {
            return;
        }
        long rows = (long) batch * seqLen;
        if (rows > capacity) {
            throw new IllegalArgumentException(rows + " tokens exceed the scratch capacity " + capacity);
        }
        this.q = qAll.slice(0, rows);
        this.k = kAll.slice(0, rows);
        this.v = vAll.slice(0, rows);
        this.context = contextAll.slice(0, rows);
        this.intermediate = intermediateAll.slice(0, rows);
        this.positionIds = new int[(int) rows];
        for (int i = 0; i < positionIds.length; i++) {
            positionIds[i] = i % seqLen;
        }
        this.batch = batch;
        this.seqLen = seqLen;
    }

    /** Bytes held. */
    long bytes() {
        return qAll.segment().byteSize() * 4 + intermediateAll.segment().byteSize();
    }

    @Override
    public void close() {
        arena.close();
    }
}
