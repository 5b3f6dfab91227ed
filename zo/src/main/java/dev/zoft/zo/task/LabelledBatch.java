package dev.zoft.zo.task;

import dev.zoft.transformer.EncoderBatch;

/**
 * A padded batch of token sequences with one class label per sequence: the batch type of
 * {@link EncoderClassifier}. Immutable ({@link #labels} returns a copy). Build one from texts with
 * {@link BatchEncoder}.
 */
public final class LabelledBatch {
    private final EncoderBatch tokens;
    private final int[] labels;

    private LabelledBatch(EncoderBatch tokens, int[] labels) {
        this.tokens = tokens;
        this.labels = labels;
    }

    /**
     * {@code tokens} with {@code labels[b]} the class of sequence b.
     *
     * @throws IllegalArgumentException if the counts differ or a label is negative
     */
    public static LabelledBatch of(EncoderBatch tokens, int[] labels) {
        if (labels.length != tokens.batchSize()) {
            throw new IllegalArgumentException(labels.length + " labels for a batch of " + tokens.batchSize() + " sequences");
        }
        for (int b = 0; b < labels.length; b++) {
            if (labels[b] < 0) {
                throw new IllegalArgumentException("negative label " + labels[b] + " for sequence " + b);
            }
        }
        return new LabelledBatch(tokens, labels.clone());
    }

    /** The token ids, type ids and mask. */
    public EncoderBatch tokens() {
        return tokens;
    }

    /** The class of every sequence, in order (a copy). */
    public int[] labels() {
        return labels.clone();
    }

    public int label(int b) {
        return labels[b];
    }

    /** Number of sequences, B. */
    public int size() {
        return labels.length;
    }

    /** Padded length T of every sequence. */
    public int seqLen() {
        return tokens.seqLen();
    }

    @Override
    public String toString() {
        return "LabelledBatch[" + tokens.batchSize() + " × " + tokens.seqLen() + "]";
    }
}
