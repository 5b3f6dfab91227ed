package dev.zoft.weights;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;

import java.nio.file.Path;
import java.util.List;

/** ONNX parsing of random and damaged files ends in success or WeightFormatException, nothing else. */
class OnnxFuzzProperties {
    private static final FuzzFiles FILES = new FuzzFiles("zoft-onnx-fuzz");
    private static final byte[] SAMPLE = OnnxModelTest.sampleModel();
    private static final byte[] BERT = new TinyBertOnnx(1, 4, 2, 6, 5, 3).build();

    @AfterContainer
    static void cleanUp() {
        FILES.deleteAll();
    }

    /** Opens the file as a model, reads every loadable tensor and every integer constant. */
    private static void open(byte[] bytes) {
        Path f = FILES.write("fuzz.onnx", bytes);
        FuzzFiles.successOrFormatError(() -> {
            try (TensorStore s = OnnxModel.load(f)) {
                FuzzFiles.touchAll(s, v -> { });
            }
        });
        FuzzFiles.successOrFormatError(() -> {
            try (OnnxModel m = OnnxModel.open(f)) {
                for (OnnxNode n : m.nodes()) {
                    for (String out : n.outputs()) {
                        if (m.constant(out).isPresent()) {
                            FuzzFiles.successOrFormatError(() -> m.int64Values(out));
                        }
                    }
                }
            }
        });
    }

    private static void openBert(byte[] bytes) {
        Path f = FILES.write("bert.onnx", bytes);
        FuzzFiles.successOrFormatError(() -> {
            try (EncoderCheckpoint c = BertOnnx.load(f)) {
                FuzzFiles.touchAll(c.weights(), v -> { });
            }
        });
    }

    @Property(tries = 500)
    void randomBytes(@ForAll @Size(max = 300) byte[] bytes) {
        open(bytes);
    }

    @Property(tries = 600)
    void flippedBytes(@ForAll @Size(min = 1, max = 6) List<@IntRange(min = 0, max = 1 << 20) Integer> positions,
                      @ForAll @Size(min = 1, max = 6) List<Byte> values) {
        open(FuzzFiles.flip(SAMPLE, positions, values, 0, SAMPLE.length));
    }

    @Property(tries = 300)
    void truncated(@ForAll @IntRange(min = 0, max = 1 << 20) int cut) {
        open(FuzzFiles.truncate(SAMPLE, cut));
    }

    @Property(tries = 300)
    void flippedBertExport(@ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 1 << 20) Integer> positions,
                           @ForAll @Size(min = 1, max = 4) List<Byte> values) {
        openBert(FuzzFiles.flip(BERT, positions, values, 0, BERT.length));
    }

    @Property(tries = 200)
    void truncatedBertExport(@ForAll @IntRange(min = 0, max = 1 << 20) int cut) {
        openBert(FuzzFiles.truncate(BERT, cut));
    }
}
