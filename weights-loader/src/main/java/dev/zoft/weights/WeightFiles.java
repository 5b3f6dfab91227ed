package dev.zoft.weights;

import java.nio.file.Files;
import java.nio.file.Path;

/** Opens a weights file by its kind, for callers (the CLI) that take any supported path. */
public final class WeightFiles {
    private WeightFiles() {
    }

    /**
     * Opens {@code path} with its native tensor names: {@code *.onnx} through {@link OnnxModel#load},
     * a {@code *.safetensors} file, a {@code *.index.json} or a Hugging Face folder through
     * {@link Safetensors#open}.
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
        if (!Files.exists(path)) {
            throw new WeightFormatException(path, "file not found");
        }
        throw new WeightFormatException(path, "unrecognised weights file (expected .onnx, .safetensors, "
                + Safetensors.INDEX_FILE_NAME + " or a model folder)");
    }
}
