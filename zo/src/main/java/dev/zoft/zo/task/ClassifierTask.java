package dev.zoft.zo.task;

import dev.zoft.zo.SplitObjective;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A text classifier a {@code Finetuner} can train: a {@link SplitObjective} over labelled batches
 * that also encodes texts into its batches and scores them. Implemented by the encoder path
 * ({@link #of(EncoderClassifier)}) and the decoder label-word path ({@link DecoderClassifierTask}),
 * so one training loop, one seed log and one replay serve both.
 *
 * @param <B> the batch type
 */
public interface ClassifierTask<B> extends SplitObjective<B>, AutoCloseable {

    /** Classes the task scores. */
    int numClasses();

    /** How the classes are presented to the model (label prompts or label words), for error messages. */
    List<String> classDescriptions();

    /** {@code texts} labelled {@code labels} as one batch. */
    B encode(List<String> texts, int[] labels);

    /** Accuracy and mean cross-entropy over {@code batches}. */
    Evaluation evaluate(Iterable<B> batches);

    /** Block 1 = embeddings + layers {@code [0, splitLayer)}. */
    int splitLayer();

    /** Puts every trainable parameter back to its starting value, bit for bit. */
    void restoreInitial();

    @Override
    void close();

    /** {@code texts} and {@code labels} cut into consecutive batches of at most {@code batchSize}. */
    default List<B> batches(List<String> texts, int[] labels, int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        if (texts.size() != labels.length) {
            throw new IllegalArgumentException(texts.size() + " texts but " + labels.length + " labels");
        }
        List<B> out = new ArrayList<>();
        for (int from = 0; from < texts.size(); from += batchSize) {
            int to = Math.min(texts.size(), from + batchSize);
            out.add(encode(texts.subList(from, to), Arrays.copyOfRange(labels, from, to)));
        }
        return out;
    }

    /** The encoder classifier behind this task, if it is one ({@link #of}). */
    default java.util.Optional<EncoderClassifier> encoder() {
        return java.util.Optional.empty();
    }

    /** The encoder classifier as a task (closing the task closes the classifier). */
    static ClassifierTask<LabelledBatch> of(EncoderClassifier classifier) {
        return new EncoderTask(classifier);
    }
}
