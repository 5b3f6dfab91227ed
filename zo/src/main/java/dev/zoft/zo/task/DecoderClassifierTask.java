package dev.zoft.zo.task;

import dev.zoft.tensor.ops.Kernels;
import dev.zoft.tokenizer.HfTokenizer;
import dev.zoft.transformer.decoder.DecoderBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Text classification with a decoder LM through label words, as MeZO runs SST-2 on OPT: a
 * {@link ClassifierTask} over a model file or folder and its own tokenizer. Each text fills the
 * template ({@code "{sentence} It was"}), is tokenized with the tokenizer's special tokens (BOS
 * where the model wants one), left-padded so every prompt ends in the last column, and scored by
 * a {@link LabelWordClassifier}.
 *
 * <pre>{@code
 * try (WorkerPool pool = WorkerPool.create(2);
 *      DecoderClassifierTask task = DecoderClassifierTask.open(Path.of("SmolLM2-135M"),
 *              Kernels.create(VectorWidth.configured(), pool), DecoderClassifierOptions.sentiment())) {
 *     Evaluation zeroShot = task.evaluate(task.batches(texts, labels, 16));
 * }
 * }</pre>
 *
 * <p><b>Models.</b> A Hugging Face folder with {@code config.json}, safetensors and
 * {@code tokenizer.json} ({@code tokenizer_config.json}'s {@code add_bos_token}, when present,
 * decides whether special tokens are added), or a GGUF file with {@code tokenizer.ggml.*}
 * metadata. A llama2.c {@code .bin} has no tokenizer and is refused.
 *
 * <p><b>Label words</b> must each be one token. A word with a leading space that is not one token
 * is tried without it, since SentencePiece vocabularies carry the space as {@code ▁} themselves.
 */
public final class DecoderClassifierTask extends DecoderTask<LabelWordClassifier.Batch, LabelWordClassifier>
        implements ClassifierTask<LabelWordClassifier.Batch> {
    private final DecoderClassifierOptions options;
    private final int[] labelWordIds;

    private DecoderClassifierTask(DecoderFiles files, DecoderClassifierOptions options, int[] labelWordIds,
                                  LabelWordClassifier objective) {
        super(files, objective);
        this.options = options;
        this.labelWordIds = labelWordIds;
    }

    /**
     * Opens the decoder at {@code model} (a GGUF file or a Hugging Face folder) with its tokenizer.
     *
     * @throws IllegalArgumentException naming {@code model} and the problem: missing, not a
     *     decoder, no tokenizer, a label word that is not one token, an unsupported setting
     */
    public static DecoderClassifierTask open(Path model, Kernels kernels, DecoderClassifierOptions options) {
        Objects.requireNonNull(kernels, "kernels");
        Objects.requireNonNull(options, "options");
        DecoderFiles files = DecoderFiles.open(model);
        try {
            int[] words = labelWordIds(model, files.tokenizer, options.labelWords());
            int split = files.resolveSplit(options.split());
            LabelWordClassifier objective = new LabelWordClassifier(files.config, files.weights, kernels, options.subset(),
                    split, words);
            return new DecoderClassifierTask(files, options.withSplit(split), words, objective);
        } catch (RuntimeException | Error e) {
            files.close();
            throw e;
        }
    }

    private static int[] labelWordIds(Path model, HfTokenizer tokenizer, List<String> words) {
        int[] ids = new int[words.size()];
        for (int c = 0; c < ids.length; c++) {
            String w = words.get(c);
            int[] t = tokenizer.encode(w, false).ids();
            if (t.length != 1 && w.startsWith(" ") && w.length() > 1) {
                t = tokenizer.encode(w.substring(1), false).ids();
            }
            if (t.length != 1) {
                throw new IllegalArgumentException(model + ": label word '" + w + "' is " + t.length + " tokens "
                        + Arrays.toString(t) + " in this model's vocabulary; each label word must be one token");
            }
            ids[c] = t[0];
        }
        for (int a = 0; a < ids.length; a++) {
            for (int b = a + 1; b < ids.length; b++) {
                if (ids[a] == ids[b]) {
                    throw new IllegalArgumentException(model + ": label words '" + words.get(a) + "' and '"
                            + words.get(b) + "' are the same token " + ids[a]);
                }
            }
        }
        return ids;
    }

    /** The model file or folder. */
    public Path source() {
        return files().source;
    }

    /** The options with the split resolved. */
    public DecoderClassifierOptions options() {
        return options;
    }

    /** The token id of each class's label word. */
    public int[] labelWordIds() {
        return labelWordIds.clone();
    }

    public HfTokenizer tokenizer() {
        return files().tokenizer;
    }


    /** The prompt token ids of one text: template filled, special tokens as the model wants, the last maxTokens kept. */
    public int[] promptIds(String text) {
        int[] ids = files().tokenizer.encode(options.prompt(text), files().addSpecialTokens).ids();
        if (ids.length == 0) {
            throw new IllegalArgumentException("the prompt of '" + text + "' has no tokens");
        }
        return ids.length > options.maxTokens() ? Arrays.copyOfRange(ids, ids.length - options.maxTokens(), ids.length) : ids;
    }

    @Override
    public LabelWordClassifier.Batch encode(List<String> texts, int[] labels) {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("an empty batch");
        }
        List<int[]> seqs = new ArrayList<>(texts.size());
        for (String t : texts) {
            seqs.add(promptIds(t));
        }
        return new LabelWordClassifier.Batch(DecoderBatch.leftPadded(seqs, 0), labels);
    }

    @Override
    public Evaluation evaluate(Iterable<LabelWordClassifier.Batch> batches) {
        int correct = 0;
        int total = 0;
        double lossSum = 0;
        for (LabelWordClassifier.Batch b : batches) {
            float[][] logits = objective().logits(b);
            int[] labels = b.labels();
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] < 0 || labels[i] >= labelWordIds.length) {
                    throw new IllegalArgumentException("label " + labels[i] + " is not one of the " + labelWordIds.length
                            + " classes");
                }
                int best = 0;
                for (int c = 1; c < logits[i].length; c++) {
                    if (logits[i][c] > logits[i][best]) {
                        best = c;
                    }
                }
                correct += best == labels[i] ? 1 : 0;
            }
            lossSum += LabelWordClassifier.meanCrossEntropy(logits, labels) * labels.length;
            total += labels.length;
        }
        return new Evaluation(correct, total, total == 0 ? Double.NaN : lossSum / total);
    }

    @Override
    public int numClasses() {
        return labelWordIds.length;
    }

    @Override
    public List<String> classDescriptions() {
        return options.labelWords();
    }

    @Override
    public int splitLayer() {
        return objective().splitLayer();
    }

    @Override
    public void restoreInitial() {
        objective().restoreInitial();
    }
}
