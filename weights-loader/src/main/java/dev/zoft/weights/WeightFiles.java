package dev.zoft.weights;

import dev.zoft.weights.gguf.GgufFile;
import dev.zoft.weights.llama2c.Llama2cCheckpoint;

import java.nio.file.Files;
import java.nio.file.Path;

/** Opens a weights file by its kind, for callers (the CLI) that take any supported path. */
public final class WeightFiles {
    private WeightFiles() {
    }

    /**
     * Opens {@code path} with its native tensor names: {@code *.onnx} through {@link OnnxModel#load},
     * a {@code *.safetensors} file, a {@code *.index.json} or a Hugging Face folder through
     * {@link Safetensors#open}, a {@code *.gguf} file through {@link GgufFile#tensors()} (GGUF names,
     * Q8_0 dequantised) and a llama2.c {@code *.bin} file through {@link Llama2cCheckpoint#tensors()}.
     * Closing the store closes the file.
     *
     * @throws WeightFormatException for a missing path or an unrecognised kind of file
     */
    public static TensorStore open(Path path) {
        String name = String.valueOf(path.getFileName());
        if (Files.isDirectory(path) || name.endsWith(".safetensors") || name.endsWith(".index.json")) {
            return Safetensors.open(path);
        }
        if (name.endsWith(".onnx")) {
            return OnnxModel.load(path);
        }
        if (name.endsWith(".gguf")) {
            GgufFile g = GgufFile.open(path);
            try {
                return g.tensors();
            } catch (RuntimeException e) {
                g.close();
                throw e;
            }
        }
        if (name.endsWith(".bin")) {
            return Llama2cCheckpoint.open(path).tensors();
        }
        if (!Files.exists(path)) {
            throw new WeightFormatException(path, "file not found");
        }
        throw new WeightFormatException(path, "unrecognised weights file (expected .onnx, .safetensors, .gguf, llama2.c .bin, "
                + Safetensors.INDEX_FILE_NAME + " or a model folder)");
    }
}
