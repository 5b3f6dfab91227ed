package dev.zoft.weights.llama2c;

import dev.zoft.tensor.Tensor;
import dev.zoft.weights.AtomicFileWrite;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes llama2.c checkpoints in the legacy or the version-1 layout (see {@link Llama2cCheckpoint}),
 * for test fixtures and for moving a model trained by zoft back to llama2.c's {@code run.c}.
 * The legacy layout's {@code freq_cis} tables are written as llama2.c computes them (theta
 * 10000), although readers skip them.
 */
public final class Llama2cWriter {
    private Llama2cWriter() {
    }

    /**
     * Writes {@code tensors} (llama2.c names, row-major shapes as {@link Llama2cCheckpoint} lists
     * them; {@code output.weight} only when the classifier is not shared) with {@code version}
     * 0 (legacy) or 1.
     */
    public static void write(Path file, Llama2cConfig config, Map<String, Tensor> tensors, int version) {
        if (version != 0 && version != 1) {
            throw new IllegalArgumentException("llama2.c version " + version + " cannot be written (0 or 1)");
        }
        AtomicFileWrite.write(file, tmp -> {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                int vocab = config.sharedClassifier() || version == 1 ? config.vocabSize() : -config.vocabSize();
                if (version == 1) {
                    int32(out, Llama2cCheckpoint.MAGIC);
                    int32(out, 1);
                }
                for (int v : new int[]{config.dim(), config.hiddenDim(), config.layers(), config.heads(), config.kvHeads(),
                        vocab, config.seqLen()}) {
                    int32(out, v);
                }
                if (version == 1) {
                    out.write(config.sharedClassifier() ? 1 : 0);
                    out.write(new byte[Llama2cCheckpoint.V1_HEADER_BYTES - 37]);
                }
                for (Map.Entry<String, long[]> e : Llama2cCheckpoint.tensorShapes(config, version).entrySet()) {
                    String name = e.getKey();
                    Tensor t = tensors.get(name);
                    if (t == null) {
                        throw new IllegalArgumentException("tensor '" + name + "' is missing");
                    }
                    if (!Arrays.equals(t.shape(), e.getValue())) {
                        throw new IllegalArgumentException("tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                                + ", expected " + Arrays.toString(e.getValue()));
                    }
                    floats(out, t);
                    if (version == 0 && name.equals(Llama2cNames.NORM)) {
                        freqCis(out, config);
                    }
                }
            }
        });
    }

    private static void freqCis(OutputStream out, Llama2cConfig c) throws IOException {
        int half = c.headSize() / 2;
        for (int part = 0; part < 2; part++) {
            for (int t = 0; t < c.seqLen(); t++) {
                for (int i = 0; i < half; i++) {
                    double freq = 1.0 / Math.pow(10000.0, (2.0 * i) / c.headSize());
                    float angle = (float) (t * freq);
                    float32(out, part == 0 ? (float) Math.cos(angle) : (float) Math.sin(angle));
                }
            }
        }
    }

    private static void floats(OutputStream out, Tensor t) throws IOException {
        for (long i = 0; i < t.numel(); i++) {
            float32(out, t.getFloat(i));
        }
    }

    private static void float32(OutputStream out, float v) throws IOException {
        int32(out, Float.floatToRawIntBits(v));
    }

    private static void int32(OutputStream out, int v) throws IOException {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
    }
}
