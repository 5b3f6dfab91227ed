package dev.zoft.transformer.decoder;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.transformer.decoder.DecoderConfig.Architecture;

import java.lang.foreign.Arena;

/**
 * One decoder layer's activations for up to {@link #capacity} tokens, allocated once in a shared
 * arena (the worker threads write them) and reused by every layer and every batch that fits:
 * the normed input and a residual branch output {@code [tokens × H]}, Q and the attention context
 * {@code [tokens × heads·headDim]}, K and V {@code [tokens × kvHeads·headDim]}, and the
 * feed-forward activations {@code [tokens × intermediate]} (two of them for SwiGLU's gate and up).
 */
final class DecoderScratch implements AutoCloseable {
    final long capacity;
    private final Arena arena;
    private final Tensor normedAll;
    private final Tensor branchAll;
    private final Tensor qAll;
    private final Tensor kAll;
    private final Tensor vAll;
    private final Tensor contextAll;
    private final Tensor gateAll;
    private final Tensor upAll;

    long rows = -1;
    Tensor normed;
    Tensor branch;
    Tensor q;
    Tensor k;
    Tensor v;
    Tensor context;
    Tensor gate;
    Tensor up;

    DecoderScratch(DecoderConfig c, long capacityTokens) {
        this.capacity = capacityTokens;
        this.arena = Arena.ofShared();
        try {
            normedAll = Tensor.allocate(arena, DType.F32, capacityTokens, c.hiddenSize());
            branchAll = Tensor.allocate(arena, DType.F32, capacityTokens, c.hiddenSize());
            qAll = Tensor.allocate(arena, DType.F32, capacityTokens, c.qWidth());
            kAll = Tensor.allocate(arena, DType.F32, capacityTokens, c.kvWidth());
            vAll = Tensor.allocate(arena, DType.F32, capacityTokens, c.kvWidth());
            contextAll = Tensor.allocate(arena, DType.F32, capacityTokens, c.qWidth());
            gateAll = c.architecture() == Architecture.LLAMA
                    ? Tensor.allocate(arena, DType.F32, capacityTokens, c.intermediateSize()) : null;
            upAll = Tensor.allocate(arena, DType.F32, capacityTokens, c.intermediateSize());
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** Points the views at the first {@code tokens} rows. */
    void bind(long tokens) {
        if (tokens == rows) {
            return;
        }
        if (tokens > capacity) {
            throw new IllegalArgumentException(tokens + " tokens exceed the scratch capacity " + capacity);
        }
        normed = normedAll.slice(0, tokens);
        branch = branchAll.slice(0, tokens);
        q = qAll.slice(0, tokens);
        k = kAll.slice(0, tokens);
        v = vAll.slice(0, tokens);
        context = contextAll.slice(0, tokens);
        gate = gateAll == null ? null : gateAll.slice(0, tokens);
        up = upAll.slice(0, tokens);
        rows = tokens;
    }

    /** Bytes held. */
    long bytes() {
        long b = 0;
        for (Tensor t : new Tensor[] {normedAll, branchAll, qAll, kAll, vAll, contextAll, gateAll, upAll}) {
            b += t == null ? 0 : t.segment().byteSize();
        }
        return b;
    }

    @Override
    public void close() {
        arena.close();
    }
}
