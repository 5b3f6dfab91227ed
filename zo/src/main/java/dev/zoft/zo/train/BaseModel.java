package dev.zoft.zo.train;

import dev.zoft.tensor.ops.Kernels;
import dev.zoft.weights.BundledModel;
import dev.zoft.zo.log.SeedLog;
import dev.zoft.zo.task.ClassifierOptions;
import dev.zoft.zo.task.EncoderClassifier;
import dev.zoft.zo.task.CausalLmTask;
import dev.zoft.zo.task.DecoderClassifierOptions;
import dev.zoft.zo.task.DecoderSubset;
import dev.zoft.zo.task.DecoderClassifierTask;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.stream.Stream;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A base model a run can start from, by name, and the file its weights are read from. A run's
 * manifest names it; {@link #named} finds it again, so {@code apply}, {@code export} and
 * {@code eval} rebuild the classifier from the same bytes (checked by SHA-256).
 *
 * <p>Two kinds: the bundled all-MiniLM-L6-v2 ({@value #MINILM}, an encoder), and a decoder LM
 * the user names by path ({@link #decoder}: a GGUF file or a Hugging Face folder), whose name is
 * its absolute path.
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
     * A decoder LM at {@code path} (a GGUF file or a Hugging Face folder with config.json,
     * safetensors and tokenizer.json), named by its absolute path.
     *
     * @throws IllegalArgumentException if nothing is at {@code path}
     */
    public static BaseModel decoder(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        if (!Files.exists(abs)) {
            throw new IllegalArgumentException(path + ": no such model file or folder");
        }
        return new BaseModel(abs.toString(), abs);
    }

    /** Whether this is a decoder LM given by path (not the bundled encoder). */
    public boolean isDecoder() {
        return !MINILM.equals(name);
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
        if (Path.of(name).isAbsolute()) {
            if (!Files.exists(Path.of(name))) {
                throw new IllegalArgumentException("the base model " + name + " is gone (no such file or folder)");
            }
            return decoder(Path.of(name));
        }
        throw new IllegalArgumentException("unknown base model '" + name + "' (this build knows " + MINILM
                + " and decoders by absolute path)");
    }

    /**
     * SHA-256 of the weights file, streamed. For a folder: SHA-256 over, in file-name order, each
     * weight file's name, a NUL and its own SHA-256, for every {@code *.safetensors},
     * {@code *.gguf} and {@code *.bin} file, plus {@code config.json}, {@code tokenizer.json} and
     * {@code tokenizer_config.json} (what the replayed model is built from).
     *
     * @throws IOException if the folder holds no weight file
     */
    public byte[] sha256() throws IOException {
        if (!Files.isDirectory(weightsFile)) {
            return SeedLog.sha256(weightsFile);
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(weightsFile)) {
            files = s.filter(Files::isRegularFile).filter(BaseModel::identifiesModel).sorted().toList();
        }
        if (files.stream().noneMatch(BaseModel::isWeightFile)) {
            throw new IOException(weightsFile + ": no weight file (*.safetensors, *.gguf, *.bin) in the model folder");
        }
        try {
            MessageDigest all = MessageDigest.getInstance("SHA-256");
            for (Path f : files) {
                all.update(f.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                all.update((byte) 0);
                all.update(SeedLog.sha256(f));
            }
            return all.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static boolean isWeightFile(Path f) {
        String n = f.getFileName().toString();
        return n.endsWith(".safetensors") || n.endsWith(".gguf") || n.endsWith(".bin");
    }

    private static boolean identifiesModel(Path f) {
        String n = f.getFileName().toString();
        return isWeightFile(f) || n.equals("config.json") || n.equals("tokenizer.json") || n.equals("tokenizer_config.json");
    }

    /** The causal-LM task over this decoder; closing it releases the weights. See {@link CausalLmTask#open}. */
    public CausalLmTask causalLm(Kernels kernels, DecoderSubset subset, int split, int chunkTokens) {
        if (!isDecoder()) {
            throw new IllegalArgumentException(name + " is the bundled encoder, not a decoder");
        }
        return CausalLmTask.open(weightsFile, kernels, subset, split, chunkTokens);
    }

    /** The decoder label-word classifier over this model; closing it releases the weights. */
    public DecoderClassifierTask decoderClassifier(Kernels kernels, DecoderClassifierOptions options) {
        if (!isDecoder()) {
            throw new IllegalArgumentException(name + " is the bundled encoder, not a decoder");
        }
        return DecoderClassifierTask.open(weightsFile, kernels, options);
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
