package dev.zoft.zo.task;

import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.transformer.decoder.DecoderBatch;
import dev.zoft.transformer.decoder.DecoderConfig;
import dev.zoft.transformer.decoder.DecoderModel;
import dev.zoft.transformer.decoder.DecoderWeights;

/**
 * Classification with a decoder LM through label words, as MeZO runs SST-2 on OPT: each class has
 * a verbalizer token (e.g. " terrible" / " great"); the class logits are the LM's logits of those
 * tokens as the next token after the prompt (each sequence's last real token), and the loss is the
 * batch-mean cross-entropy of the softmax over the classes' logits. The LM head is streamed but
 * only the label words' logits are kept.
 */
public final class LabelWordClassifier extends DecoderObjective<LabelWordClassifier.Batch> {
    private final int[] labelWords;

    /**
     * Prompts (left padding recommended: every prompt then ends in the last column) and their classes.
     *
     * @param tokens the padded prompts
     * @param labels the class of each prompt
     */
    public record Batch(DecoderBatch tokens, int[] labels) {
        public Batch {
            if (labels.length != tokens.batchSize()) {
                throw new IllegalArgumentException(labels.length + " labels for " + tokens.batchSize() + " sequences");
            }
            labels = labels.clone();
        }

        @Override
        public int[] labels() {
            return labels.clone();
        }
    }

    /**
     * @param labelWords the token id of each class's label word, in class order (at least 2)
     */
    public LabelWordClassifier(DecoderConfig config, DecoderWeights base, Kernels kernels, DecoderSubset subset, int split,
                               int[] labelWords) {
        super(config, base, kernels, subset, split);
        if (labelWords == null || labelWords.length < 2) {
            close();
            throw new IllegalArgumentException("a classifier needs at least two label words");
        }
        for (int w : labelWords) {
            if (w < 0 || w >= config.vocabSize()) {
                close();
                throw new IllegalArgumentException("label word " + w + " is outside the vocabulary of " + config.vocabSize());
            }
        }
        this.labelWords = labelWords.clone();
    }

    public int numClasses() {
        return labelWords.length;
    }

    @Override
    protected DecoderBatch tokens(Batch batch) {
        return batch.tokens();
    }

    @Override
    protected double headLoss(Tensor hidden, Batch batch) {
        return meanCrossEntropy(classLogits(hidden, batch.tokens()), checked(batch.labels));
    }

    @Override
    protected long scoredRows(Batch batch) {
        return batch.tokens().batchSize();
    }

    /** The class logits {@code [B][classes]} at the current parameters. */
    public synchronized float[][] logits(Batch batch) {
        requireOpen();
        return model().labelWordScores(batch.tokens(), labelWords).logits();
    }

    /** The argmax class of each prompt. */
    public int[] predict(Batch batch) {
        float[][] l = logits(batch);
        int[] out = new int[l.length];
        for (int b = 0; b < l.length; b++) {
            for (int c = 1; c < l[b].length; c++) {
                if (l[b][c] > l[b][out[b]]) {
                    out[b] = c;
                }
            }
        }
        return out;
    }

    private float[][] classLogits(Tensor hidden, DecoderBatch tokens) {
        DecoderModel.RowScores s = model().labelWordScores(hidden, tokens, labelWords);
        return s.logits();
    }

    private int[] checked(int[] labels) {
        for (int b = 0; b < labels.length; b++) {
            if (labels[b] < 0 || labels[b] >= labelWords.length) {
                throw new IllegalArgumentException("label " + labels[b] + " of sequence " + b + " is not one of the "
                        + labelWords.length + " classes");
            }
        }
        return labels;
    }

    /** Mean over the batch of {@code −log softmax(logits[b])[labels[b]]}, in double, in order. */
    static double meanCrossEntropy(float[][] logits, int[] labels) {
        double total = 0;
        for (int b = 0; b < logits.length; b++) {
            double max = Double.NEGATIVE_INFINITY;
            for (float v : logits[b]) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (float v : logits[b]) {
                sum += StrictMath.exp(v - max);
            }
            total += max + StrictMath.log(sum) - logits[b][labels[b]];
        }
        return total / logits.length;
    }
}
