package dev.zoft.zo.train;

import dev.zoft.tensor.ops.Kernels;
import dev.zoft.weights.BundledModel;
import dev.zoft.zo.log.SeedLog;
import dev.zoft.zo.task.ClassifierOptions;
import dev.zoft.zo.task.EncoderClassifier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A base model a run can start from, by name, and the file its weights are read from. A run's
 * manifest names it; {@link #named} finds it again, so {@code apply}, {@code export} and
 * {@code eval} rebuild the classifier from the same bytes (checked by SHA-256).
 *
 * <p>Today the one known model is the bundled all-MiniLM-L6-v2 ({@value #MINILM}).
 *
 * @param name        the model's name as a manifest records it
 * @param weightsFile the file its weights are read from
 */
public record BaseModel(String name, Path weightsFile) {

    /** The name of the bundled sentence-transformers/all-MiniLM-L6-v2. */
    public static final String MINILM = "sentence-transformers/all-MiniLM-L6-v2";

    public BaseModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(weightsFile, "weightsFile");
    }

    /** The bundled MiniLM, its ONNX file extracted to the model cache if needed. */
    public static BaseModel bundledMiniLm() {
        return new BaseModel(MINILM, BundledModel.ALL_MINILM_L6_V2.onnx());
    }

    /**
     * The model a manifest names.
     *
     * @throws IllegalArgumentException for a model this build does not know
     */
    public static BaseModel named(String name) {
        if (MINILM.equals(name)) {
            return bundledMiniLm();
        }
        throw new IllegalArgumentException("unknown base model '" + name + "' (this build knows " + MINILM + ")");
    }

    /** SHA-256 of the weights file, streamed. */
    public byte[] sha256() throws IOException {
        return SeedLog.sha256(weightsFile);
    }

    public String sha256Hex() throws IOException {
        return HexFormat.of().formatHex(sha256());
    }

    /** A classifier over this model computing with {@code kernels}; closing it releases the weights. */
    public EncoderClassifier classifier(Kernels kernels, ClassifierOptions options) {
        if (!MINILM.equals(name)) {
            throw new IllegalArgumentException("cannot build a classifier over unknown model '" + name + "'");
        }
        return EncoderClassifier.miniLm(kernels, options);
    }
}
