package dev.zoft.tokenizer;

import java.util.Objects;

/**
 * How {@link Tokenizer#encodePadded} pads a batch; mirrors the {@code padding} section of a
 * {@code tokenizer.json}.
 *
 * @param fixedLength pad every row to this length, or 0 to pad to the longest row of the batch.
 *     Rows longer than a fixed length are not cut (that is truncation's job); the batch is then as
 *     long as its longest row.
 * @param padToMultipleOf round the padded length up to a multiple of this, or 0 for no rounding
 * @param left pad on the left instead of the right
 * @param padId id written into padded positions
 * @param padTypeId type id written into padded positions
 * @param padToken token string of padded positions
 */
public record Padding(int fixedLength, int padToMultipleOf, boolean left, int padId, int padTypeId, String padToken) {

    /** Largest fixed length or multiple accepted: far beyond any model, small enough to allocate. */
    public static final int MAX_LENGTH = 1 << 20;

    public Padding {
        if (fixedLength < 0 || padToMultipleOf < 0 || fixedLength > MAX_LENGTH || padToMultipleOf > MAX_LENGTH) {
            throw new IllegalArgumentException("padding length " + fixedLength + " or multiple " + padToMultipleOf
                    + " is outside 0.." + MAX_LENGTH);
        }
        Objects.requireNonNull(padToken, "padToken");
    }

    /** Pads to the longest row of each batch, on the right, with the given pad token. */
    public static Padding longest(int padId, String padToken) {
        return new Padding(0, 0, false, padId, 0, padToken);
    }

    /** The same padding, but to the longest row of each batch. */
    public Padding toLongest() {
        return new Padding(0, padToMultipleOf, left, padId, padTypeId, padToken);
    }

    /** The same padding, but always to {@code length}. */
    public Padding toFixed(int length) {
        if (length <= 0) {
            throw new IllegalArgumentException("fixed padding length must be positive: " + length);
        }
        return new Padding(length, padToMultipleOf, left, padId, padTypeId, padToken);
    }

    /** Target row length for a batch whose longest row has {@code longest} tokens. */
    int targetLength(int longest) {
        int target = fixedLength > 0 ? fixedLength : longest;
        if (padToMultipleOf > 0 && target % padToMultipleOf != 0) {
            target += padToMultipleOf - target % padToMultipleOf;
        }
        return Math.max(target, longest);
    }
}
