package dev.zoft.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.ops.ProfilingKernels;
import dev.zoft.tensor.ops.ProfilingKernels.OpStats;
import dev.zoft.transformer.decoder.DecoderConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The arithmetic of the perf mains: categories of the forward profile, the activation formula, the shapes. */
class PerfMainsTest {

    @Test
    void headMatmulsAreTheLmHeadAndEveryOtherOpHasItsCategory() {
        long head = 4096;
        assertEquals("LM head / log-sum-exp", ForwardProfile.category(new OpStats(ProfilingKernels.MATMUL, 1020, 4096, 576, 1, 1), head));
        assertEquals("GEMM", ForwardProfile.category(new OpStats(ProfilingKernels.MATMUL, 1024, 1536, 576, 1, 1), head));
        assertEquals("GEMM", ForwardProfile.category(new OpStats(ProfilingKernels.MATMUL, 1024, 4096, 576, 1, 1), -1), "no head");
        assertEquals("attention", ForwardProfile.category(op(ProfilingKernels.CAUSAL_ATTENTION), head));
        assertEquals("attention", ForwardProfile.category(op(ProfilingKernels.ROPE), head));
        assertEquals("norms", ForwardProfile.category(op(ProfilingKernels.RMS_NORM), head));
        assertEquals("activations", ForwardProfile.category(op(ProfilingKernels.SILU_MUL), head));
        assertEquals("LM head / log-sum-exp", ForwardProfile.category(op(ProfilingKernels.LOG_SUM_EXP), head));
        assertEquals("gather", ForwardProfile.category(op(ProfilingKernels.GATHER), head));
        assertEquals("other kernels", ForwardProfile.category(op(ProfilingKernels.ADD), head));
    }

    @Test
    void theSplitAddsUpToTheWallTime() {
        List<OpStats> stats = List.of(new OpStats(ProfilingKernels.MATMUL, 8, 16, 4, 3, 600), op(ProfilingKernels.RMS_NORM, 2, 100));
        Map<String, long[]> split = ForwardProfile.split(stats, -1, 1000);
        assertEquals(600, split.get("GEMM")[1]);
        assertEquals(3, split.get("GEMM")[0]);
        assertEquals(100, split.get("norms")[1]);
        assertEquals(300, split.get("outside kernels")[1]);
        assertEquals(1000, split.values().stream().mapToLong(v -> v[1]).sum());
        assertEquals(ForwardProfile.CATEGORIES, List.copyOf(split.keySet()));
    }

    @Test
    void oneSmolLm2LayerHoldsTheResidualTheScratchAndNothingElse() {
        DecoderConfig c = ModelShapes.SMOLLM2_135M;
        // 1024 tokens × (3·576 + 2·576 + 2·192 + 2·1536) floats
        assertEquals(1024L * 6336 * 4, PeakMemory.layerActivationBytes(c, 1024));
        assertEquals(134_515_008L, weightCount(c), "SmolLM2-135M's parameter count");
    }

    @Test
    void optionsAreKeyValuePairs() {
        assertEquals(Map.of("model", "minilm", "threads", "1,2"), ForwardProfile.options(new String[] {"--model=minilm", "--threads=1,2"}));
        assertThrows(IllegalArgumentException.class, () -> ForwardProfile.options(new String[] {"minilm"}));
        assertTrue(ForwardProfile.options(new String[0]).isEmpty());
    }

    private static long weightCount(DecoderConfig c) {
        long h = c.hiddenSize();
        long layer = 2 * h + h * c.qWidth() + 2 * h * c.kvWidth() + c.qWidth() * h + 3 * h * c.intermediateSize();
        return (long) c.vocabSize() * h + c.numLayers() * layer + h;
    }

    private static OpStats op(String name) {
        return op(name, 1, 1);
    }

    private static OpStats op(String name, long calls, long nanos) {
        return new OpStats(name, 0, 0, 0, calls, nanos);
    }
}
