package dev.zoft.zo.task;

import java.util.List;

/**
 * How {@link EncoderClassifier} sets the task up.
 *
 * @param labelPrompts one prompt per class, in label order; class c's vector starts as the
 *     (L2-normalised, mean-pooled) embedding of prompt c
 * @param temperature  τ in {@code logits = cos / τ}
 * @param splitLayer   block 1 = embeddings + layers {@code [0, splitLayer)}, block 2 = the rest +
 *     pooling + head; {@link #AUTO_SPLIT} picks {@link EncoderClassifier#defaultSplit}
 * @param trainable    the trainable encoder tensors (the head always trains)
 * @param maxTokens    texts are truncated at this many tokens, special tokens included
 */
public record ClassifierOptions(List<String> labelPrompts, double temperature, int splitLayer,
                                TrainableSubset trainable, int maxTokens) {
    /** {@link #splitLayer} value asking for {@link EncoderClassifier#defaultSplit}. */
    public static final int AUTO_SPLIT = -1;
    /** The binary sentiment prompts: label 0 negative, label 1 positive. */
    public static final List<String> SENTIMENT_PROMPTS = List.of("It was terrible.", "It was great.");

    public ClassifierOptions {
        labelPrompts = List.copyOf(labelPrompts);
        if (labelPrompts.size() < 2) {
            throw new IllegalArgumentException("need a prompt per class and at least 2 classes, got " + labelPrompts);
        }
        if (!(temperature > 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("temperature must be positive and finite, got " + temperature);
        }
        if (splitLayer < AUTO_SPLIT) {
            throw new IllegalArgumentException("split layer must be ≥ 0 (or AUTO_SPLIT), got " + splitLayer);
        }
        if (trainable == null) {
            throw new IllegalArgumentException("trainable subset is null");
        }
        if (maxTokens < 2) {
            throw new IllegalArgumentException("maxTokens must be at least 2, got " + maxTokens);
        }
    }

    /** The task: sentiment prompts, τ = 0.05, the default split, all parameters, 64 tokens. */
    public static ClassifierOptions defaults() {
        return new ClassifierOptions(SENTIMENT_PROMPTS, ClassificationHead.DEFAULT_TEMPERATURE, AUTO_SPLIT,
                TrainableSubset.all(), BatchEncoder.DEFAULT_MAX_TOKENS);
    }

    public ClassifierOptions withLabelPrompts(List<String> prompts) {
        return new ClassifierOptions(prompts, temperature, splitLayer, trainable, maxTokens);
    }

    public ClassifierOptions withTemperature(double t) {
        return new ClassifierOptions(labelPrompts, t, splitLayer, trainable, maxTokens);
    }

    public ClassifierOptions withSplitLayer(int split) {
        return new ClassifierOptions(labelPrompts, temperature, split, trainable, maxTokens);
    }

    public ClassifierOptions withTrainable(TrainableSubset subset) {
        return new ClassifierOptions(labelPrompts, temperature, splitLayer, subset, maxTokens);
    }

    public ClassifierOptions withMaxTokens(int max) {
        return new ClassifierOptions(labelPrompts, temperature, splitLayer, trainable, max);
    }
}
