package dev.zoft.transformer.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.tensor.ops.ProfilingKernels;
import dev.zoft.tensor.parallel.WorkerPool;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ProfilingKernels} wrapped around a real decoder (the tiny Llama golden fixture, GQA, tied
 * embeddings): the model computes the same loss bits as on the unwrapped kernels, and the
 * profile counts exactly the ops a Llama layer and the streaming head issue.
 */
class ProfiledDecoderForwardTest {
    private static final WorkerPool POOL = WorkerPool.create(2);

    @AfterAll
    static void close() {
        POOL.close();
    }

    @Test
    void aProfiledForwardComputesTheSameLossAndCountsEveryOp() {
        DecoderFixture f = DecoderFixture.load("llama_gqa_tied");
        Kernels plain = Kernels.create(VectorWidth.configured(), POOL);
        ProfilingKernels profiled = new ProfilingKernels(plain);
        List<int[]> seqs = DecoderModelProperties.sequences(3, 3, 12, f.vocab());
        DecoderBatch batch = DecoderBatch.rightPadded(seqs, 0);
        int[] labels = batch.nextTokenLabels();
        try (DecoderModel a = DecoderModel.load(f.folder(), plain); DecoderModel b = DecoderModel.load(f.folder(), profiled)) {
            double expected = a.causalLmLoss(batch, labels);
            double actual = b.causalLmLoss(batch, labels);
            assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(actual), "loss bits");

            int layers = b.config().numLayers();
            int headChunks = (b.config().vocabSize() + DecoderModel.VOCAB_CHUNK - 1) / DecoderModel.VOCAB_CHUNK;
            assertEquals(7L * layers + headChunks, profiled.calls(ProfilingKernels.MATMUL), "q, k, v, o, gate, up, down + head");
            assertEquals(2L * layers + 1, profiled.calls(ProfilingKernels.RMS_NORM), "two per layer + the final norm");
            assertEquals(2L * layers, profiled.calls(ProfilingKernels.ROPE));
            assertEquals(layers, profiled.calls(ProfilingKernels.CAUSAL_ATTENTION));
            assertEquals(layers, profiled.calls(ProfilingKernels.SILU_MUL));
            assertEquals(2L * layers, profiled.calls(ProfilingKernels.ADD));
            assertEquals(1, profiled.calls(ProfilingKernels.GATHER));
            assertEquals(headChunks, profiled.calls(ProfilingKernels.LOG_SUM_EXP));
            assertEquals(0, profiled.calls(ProfilingKernels.ATTENTION), "no bidirectional attention in a decoder");
            long tokens = batch.tokens();
            assertTrue(profiled.snapshot().stream().anyMatch(s -> s.op().equals(ProfilingKernels.MATMUL) && s.m() == tokens
                    && s.n() == b.config().intermediateSize() && s.k() == b.config().hiddenSize()), profiled.table());

            profiled.reset();
            b.causalLmLoss(batch, labels);
            assertEquals(7L * layers + headChunks, profiled.calls(ProfilingKernels.MATMUL), "counts restart after reset");
        }
    }
}
