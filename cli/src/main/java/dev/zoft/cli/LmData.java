package dev.zoft.cli;

import dev.zoft.zo.task.CausalLmTask;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Causal-LM data for {@code --task lm}: UTF-8 text files cut into chunks by the model's tokenizer.
 * Without a dev file the last tenth of the training chunks (at least one) is held out.
 */
final class LmData {
    /** Text files are read whole: cap them well below what a String can hold. */
    static final long MAX_TEXT_BYTES = 256L << 20;

    /**
     * @param train      the training chunks
     * @param dev        the dev chunks
     * @param trainSource where the training chunks came from
     * @param devSource  where the dev chunks came from
     */
    record Chunks(List<int[]> train, List<int[]> dev, String trainSource, String devSource) {
    }

    private LmData() {
    }

    /** Reads a UTF-8 text file, naming it in every error. */
    static String read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such text file");
        }
        long size = Files.size(file);
        if (size > MAX_TEXT_BYTES) {
            throw new IOException(file + ": " + size + " bytes is more text than --task lm reads (at most "
                    + MAX_TEXT_BYTES + ")");
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new IOException(file + ": not UTF-8 text", e);
        }
    }

    /** Training and dev chunks of {@code trainFile} (and {@code devFile} when not null). */
    static Chunks chunks(CausalLmTask task, Path trainFile, Path devFile) throws IOException {
        List<int[]> train = chunksOf(task, trainFile);
        if (devFile != null) {
            return new Chunks(train, chunksOf(task, devFile), trainFile.toString(), devFile.toString());
        }
        if (train.size() < 2) {
            throw new IOException(trainFile + ": " + train.size() + " chunk of " + task.chunkTokens()
                    + " tokens; holding out a dev chunk needs at least 2 (give --dev, or lower --max-tokens)");
        }
        int dev = Math.max(1, train.size() / 10);
        int cut = train.size() - dev;
        return new Chunks(List.copyOf(train.subList(0, cut)), List.copyOf(train.subList(cut, train.size())),
                trainFile + " (first " + cut + " chunks)", trainFile + " (last " + dev + " chunks)");
    }

    private static List<int[]> chunksOf(CausalLmTask task, Path file) throws IOException {
        try {
            return task.chunks(read(file));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }
}
