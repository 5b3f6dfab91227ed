package dev.zoft.zo.params;

import dev.zoft.zo.SplitObjective;
import java.util.Objects;

/**
 * The three views a {@link Scope} can name: all trainable parameters and the two blocks that
 * partition them (global offsets shared).
 */
public record ScopedViews(ParameterView all, ParameterView block1, ParameterView block2) {

    public ScopedViews {
        Objects.requireNonNull(all, "all");
        Objects.requireNonNull(block1, "block1");
        Objects.requireNonNull(block2, "block2");
        if (block1.size() + block2.size() != all.size()) {
            throw new IllegalArgumentException("block1 (" + block1.size() + ") and block2 (" + block2.size()
                    + ") do not partition the " + all.size() + " trainable parameters");
        }
    }

    /** The views of {@code objective}. */
    public static ScopedViews of(SplitObjective<?> objective) {
        return new ScopedViews(objective.parameters(), objective.block1(), objective.block2());
    }

    /** The view {@code scope} names. */
    public ParameterView view(Scope scope) {
        return switch (scope) {
            case ALL -> all;
            case BLOCK1 -> block1;
            case BLOCK2 -> block2;
        };
    }
}
