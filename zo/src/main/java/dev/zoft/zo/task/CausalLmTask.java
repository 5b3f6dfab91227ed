package dev.zoft.zo.task;

import dev.zoft.tensor.ops.Kernels;
import dev.zoft.transformer.decoder.DecoderBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Causal-LM finetuning of a decoder on plain text: the text is tokenized once (no special tokens)
 * and cut into consecutive chunks of {@code chunkTokens} tokens; the loss of a batch of chunks is
 * the mean negative log-likelihood of every next token inside the chunks (a chunk's first token
 * is context only; padding is never a target), through the streaming LM head
 * ({@link CausalLmObjective}).
 *
 * <pre>{@code
 * try (CausalLmTask lm = CausalLmTask.open(Path.of("model.gguf"), kernels, DecoderSubset.norms(), -1, 64)) {
 *     List<int[]> chunks = lm.chunks(Files.readString(Path.of("notes.txt")));
 *     double nll = lm.meanLoss(chunks, 8);
 * }
 * }</pre>
 */
public final class CausalLmTask extends DecoderTask<CausalLmObjective.Batch, CausalLmObjective> {
    private final DecoderSubset subset;
    private final int chunkTokens;

    private CausalLmTask(DecoderFiles files, DecoderSubset subset, int chunkTokens, CausalLmObjective objective) {
        super(files, objective);
        this.subset = subset;
        this.chunkTokens = chunkTokens;
    }

    /**
     * Opens the decoder at {@code model} (a GGUF file or a Hugging Face folder) with its tokenizer.
     *
     * @param split       block 1's layers, or {@link DecoderClassifierOptions#AUTO_SPLIT} for ⌊3L/4⌋
     * @param chunkTokens tokens per chunk, at least 2 and at most the model's context
     * @throws IllegalArgumentException naming {@code model} and the problem
     */
    public static CausalLmTask open(Path model, Kernels kernels, DecoderSubset subset, int split, int chunkTokens) {
        Objects.requireNonNull(kernels, "kernels");
        Objects.requireNonNull(subset, "subset");
        if (chunkTokens < 2) {
            throw new IllegalArgumentException("a chunk needs at least 2 tokens, got " + chunkTokens);
        }
        DecoderFiles files = DecoderFiles.open(model);
        try {
            if (chunkTokens > files.config.maxPositions()) {
                throw new IllegalArgumentException(model + ": chunks of " + chunkTokens + " tokens exceed the model's "
                        + files.config.maxPositions() + " positions");
            }
            CausalLmObjective objective = new CausalLmObjective(files.config, files.weights, kernels, subset,
                    files.resolveSplit(split));
            return new CausalLmTask(files, subset, chunkTokens, objective);
        } catch (RuntimeException | Error e) {
            files.close();
            throw e;
        }
    }

    /**
     * {@code text}'s tokens cut into consecutive chunks of {@link #chunkTokens()}; a last partial
     * chunk of at least 2 tokens is kept (it has a target).
     *
     * @throws IllegalArgumentException if the text has fewer than 2 tokens
     */
    public List<int[]> chunks(String text) {
        int[] ids = files().tokenizer.encode(text, false).ids();
        if (ids.length < 2) {
            throw new IllegalArgumentException("the text has " + ids.length + " tokens; a causal-LM chunk needs 2");
        }
        List<int[]> out = new ArrayList<>();
        for (int from = 0; from < ids.length; from += chunkTokens) {
            int to = Math.min(ids.length, from + chunkTokens);
            if (to - from >= 2) {
                out.add(Arrays.copyOfRange(ids, from, to));
            }
        }
        return out;
    }

    /** Chunks as one right-padded batch, every next token inside a chunk a target. */
    public CausalLmObjective.Batch batch(List<int[]> chunks) {
        if (chunks.isEmpty()) {
            throw new IllegalArgumentException("an empty batch");
        }
        return CausalLmObjective.Batch.nextTokens(DecoderBatch.rightPadded(chunks, 0));
    }

    /** Mean next-token NLL over every target of {@code chunks}, in batches of {@code batchSize} (weighted by targets). */
    public double meanLoss(List<int[]> chunks, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        double sum = 0;
        long targets = 0;
        for (int from = 0; from < chunks.size(); from += batchSize) {
            List<int[]> part = chunks.subList(from, Math.min(chunks.size(), from + batchSize));
            CausalLmObjective.Batch b = batch(part);
            long n = b.labelled();
            sum += objective().loss(b) * n;
            targets += n;
        }
        return targets == 0 ? Double.NaN : sum / targets;
    }

    public int chunkTokens() {
        return chunkTokens;
    }

    public DecoderSubset subset() {
        return subset;
    }

    public int splitLayer() {
        return objective().splitLayer();
    }

    public Path source() {
        return files().source;
    }
}
