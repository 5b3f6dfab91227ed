package dev.zoft.zo.data;

/** A training split and a development (evaluation) split with the same labels. */
public record DatasetSplits(Dataset train, Dataset dev) {
    public DatasetSplits {
        if (!train.labels().equals(dev.labels())) {
            throw new IllegalArgumentException("train and dev labels differ: " + train.labels() + " vs " + dev.labels());
        }
    }
}
