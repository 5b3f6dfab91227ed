package dev.zoft.federation;

import dev.zoft.zo.data.Dataset;

/** Builds a batch of an objective's type from examples of a dataset. */
@FunctionalInterface
public interface BatchFactory<B> {

    /** The examples {@code indices} of {@code data}, in that order, as one batch. */
    B batch(Dataset data, int[] indices);
}
