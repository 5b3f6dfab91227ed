package dev.zoft.transformer.bert;

import static dev.zoft.transformer.bert.MiniLmTestModel.batchOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.transformer.EncoderBatch;
import dev.zoft.transformer.EncoderOutput;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The forward in pieces ({@code embed}, {@code runLayers} over a layer range) is the forward:
 * bit for bit, whatever the split point, and a cached block output can be run again. The
 * reference is each model's first forward, so these tests also catch kernels whose results change
 * when the JIT recompiles them. Runs at the default width and at the scalar twin.
 */
class BertBlockSplitTest {
    /** A model and its first full forward, per width. */
    private record Reference(BertModel model, float[] hidden, float[] pooled) {
    }

    /** Five fixture sentences of 3 to 12 tokens: cheap enough for the scalar twin. */
    private static final EncoderBatch BATCH = batchOf(0, 1, 6, 0, 11, 3);
    private static final Map<VectorWidth, Reference> REFERENCES = new EnumMap<>(VectorWidth.class);

    static List<VectorWidth> widths() {
        return MiniLmTestModel.widths();
    }

    private static synchronized Reference reference(VectorWidth width) {
        return REFERENCES.computeIfAbsent(width, w -> {
            BertModel model = MiniLmTestModel.model(w, 2);
            try (EncoderOutput out = model.forward(BATCH)) {
                return new Reference(model, out.lastHidden().toFloatArray(), out.pooled().toFloatArray());
            }
        });
    }

    @AfterAll
    static void close() {
        REFERENCES.values().forEach(r -> r.model().close());
        REFERENCES.clear();
    }

    @ParameterizedTest
    @MethodSource("widths")
    void embedThenThreeAndThreeLayersIsTheForward(VectorWidth width) {
        Reference ref = reference(width);
        BertModel model = ref.model();
        try (Arena arena = Arena.ofShared()) {
            Tensor h = model.embed(BATCH, arena);
            model.runLayers(h, BATCH, 0, 3);
            model.runLayers(h, BATCH, 3, 6);
            assertArrayEquals(ref.hidden(), h.toFloatArray());
            Tensor pooled = Tensor.allocate(arena, DType.F32, BATCH.batchSize(), model.config().hiddenSize());
            model.meanPool(h, BATCH, pooled);
            assertArrayEquals(ref.pooled(), pooled.toFloatArray());
        }
    }

    @ParameterizedTest
    @MethodSource("widths")
    void forwardIntoCallerTensorsIsTheForward(VectorWidth width) {
        Reference ref = reference(width);
        BertModel model = ref.model();
        try (Arena arena = Arena.ofShared()) {
            Tensor h = Tensor.allocate(arena, DType.F32, BATCH.tokens(), model.config().hiddenSize());
            Tensor pooled = Tensor.allocate(arena, DType.F32, BATCH.batchSize(), model.config().hiddenSize());
            model.forward(BATCH, h, pooled);
            assertArrayEquals(ref.hidden(), h.toFloatArray());
            assertArrayEquals(ref.pooled(), pooled.toFloatArray());
        }
    }

    @ParameterizedTest
    @MethodSource("widths")
    void everySplitPointGivesTheSameBits(VectorWidth width) {
        Reference ref = reference(width);
        BertModel model = ref.model();
        int layers = model.numLayers();
        for (int k = 0; k <= layers; k++) {
            try (Arena arena = Arena.ofShared()) {
                Tensor h = model.embed(BATCH, arena);
                model.runLayers(h, BATCH.mask(), BATCH.batchSize(), BATCH.seqLen(), 0, k);
                model.runLayers(h, BATCH.mask(), BATCH.batchSize(), BATCH.seqLen(), k, layers);
                assertArrayEquals(ref.hidden(), h.toFloatArray(), "split at layer " + k);
            }
        }
    }

    /** What a ZO estimator does: keep block 1's output, run block 2 on copies of it twice. */
    @ParameterizedTest
    @MethodSource("widths")
    void cachedBlockOutputCanBeReused(VectorWidth width) {
        Reference ref = reference(width);
        BertModel model = ref.model();
        try (Arena arena = Arena.ofShared()) {
            Tensor block1 = model.embed(BATCH, arena);
            model.runLayers(block1, BATCH, 0, 4);
            float[] cached = block1.toFloatArray();
            for (int round = 0; round < 2; round++) {
                Tensor h = Tensor.allocate(arena, DType.F32, block1.shape());
                MemorySegment.copy(block1.segment(), 0, h.segment(), 0, block1.segment().byteSize());
                model.runLayers(h, BATCH, 4, 6);
                assertArrayEquals(ref.hidden(), h.toFloatArray(), "round " + round);
            }
            assertArrayEquals(cached, block1.toFloatArray(), "block 1 output was modified");
            assertFalse(Arrays.equals(cached, ref.hidden()), "layers 4..6 did nothing");
        }
    }

    /**
     * The same forward repeated gives the same bits: the JIT recompiling the kernels in between
     * (interpreter, C1, C2) must not change results, or a ZO step's two losses and a replay on
     * another machine would disagree.
     */
    @ParameterizedTest
    @MethodSource("widths")
    void repeatedForwardsGiveTheSameBits(VectorWidth width) {
        Reference ref = reference(width);
        for (int i = 0; i < 8; i++) {
            try (EncoderOutput again = ref.model().forward(BATCH)) {
                assertArrayEquals(ref.hidden(), again.lastHidden().toFloatArray(), "forward " + (i + 2));
            }
        }
    }

    /** A different batch shape in between (scratch reallocated) does not disturb later results. */
    @ParameterizedTest
    @MethodSource("widths")
    void anotherShapeInBetweenDoesNotChangeResults(VectorWidth width) {
        Reference ref = reference(width);
        try (EncoderOutput other = ref.model().forward(batchOf(0, 2, 3))) {
            assertFalse(Float.isNaN(other.pooled().getFloat(0)));
        }
        try (EncoderOutput again = ref.model().forward(BATCH)) {
            assertArrayEquals(ref.hidden(), again.lastHidden().toFloatArray());
        }
    }
}
