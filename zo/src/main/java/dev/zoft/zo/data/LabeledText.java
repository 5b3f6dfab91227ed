package dev.zoft.zo.data;

import java.util.Objects;

/**
 * One classification example: a text and its class index (0-based, into the dataset's
 * {@link Labels}).
 */
public record LabeledText(String text, int label) {
    public LabeledText {
        Objects.requireNonNull(text, "text");
        if (label < 0) {
            throw new IllegalArgumentException("label must be >= 0, got " + label);
        }
    }
}
