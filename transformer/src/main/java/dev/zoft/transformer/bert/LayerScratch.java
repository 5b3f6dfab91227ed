package dev.zoft.transformer.bert;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;

import java.lang.foreign.Arena;

/**
 * One layer's activations for one batch shape, allocated once in a shared arena (the worker
 * threads write them) and reused by every layer: Q, K, V and the attention context
 * {@code [B·T × H]}, the feed-forward activations {@code [B·T × intermediate]}. Q doubles as the
 * output of the two dense projections once attention has consumed it.
 */
final class LayerScratch implements AutoCloseable {
    final int batch;
    final int seqLen;
    final Tensor q;
    final Tensor k;
    final Tensor v;
    final Tensor context;
    final Tensor intermediate;
    /** Position id of every row: row b·T + t is position t. */
    final int[] positionIds;
    private final Arena arena;

    LayerScratch(BertConfig config, int batch, int seqLen) {
        this.batch = batch;
        this.seqLen = seqLen;
        long rows = (long) batch * seqLen;
        this.arena = Arena.ofShared();
        try {
            this.q = Tensor.allocate(arena, DType.F32, rows, config.hiddenSize());
            this.k = Tensor.allocate(arena, DType.F32, rows, config.hiddenSize());
            this.v = Tensor.allocate(arena, DType.F32, rows, config.hiddenSize());
            this.context = Tensor.allocate(arena, DType.F32, rows, config.hiddenSize());
            this.intermediate = Tensor.allocate(arena, DType.F32, rows, config.intermediateSize());
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
        this.positionIds = new int[batch * seqLen];
        for (int i = 0; i < positionIds.length; i++) {
            positionIds[i] = i % seqLen;
        }
    }

    boolean fits(int b, int t) {
        return batch == b && seqLen == t;
    }

    @Override
    public void close() {
        arena.close();
    }
}
