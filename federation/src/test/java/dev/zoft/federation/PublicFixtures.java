package dev.zoft.federation;

import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.zo.params.ParameterView;
import dev.zoft.zo.task.ClassifierOptions;
import dev.zoft.zo.task.EncoderClassifier;

/** {@link Fixtures} for the tests of other packages (the networked federation's). */
public final class PublicFixtures {

    private PublicFixtures() {
    }

    /** A classifier over the tiny random BERT at its base weights. */
    public static EncoderClassifier tinyClassifier(WorkerPool pool, ClassifierOptions options) {
        return Fixtures.tinyClassifier(pool, options);
    }

    /** Every trainable parameter's bits, in view order. */
    public static int[] bits(ParameterView view) {
        return Fixtures.bits(view);
    }
}
