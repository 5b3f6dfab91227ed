package dev.zoft.zo.task;

/**
 * The result of evaluating a classifier over a labelled set.
 *
 * @param correct  sequences whose argmax class is their label
 * @param total    sequences evaluated
 * @param meanLoss mean cross-entropy over every sequence
 */
public record Evaluation(int correct, int total, double meanLoss) {

    /** {@code correct / total}, in [0, 1]. */
    public double accuracy() {
        return total == 0 ? Double.NaN : (double) correct / total;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%d/%d correct (%.2f %%), mean loss %.4f",
                correct, total, 100 * accuracy(), meanLoss);
    }
}
