package dev.zoft.zo.task;

import dev.zoft.zo.SplitObjective;
import dev.zoft.zo.params.ParameterView;
import java.util.Objects;

/**
 * A task over a decoder opened from files: its {@link SplitObjective} is the wrapped objective's,
 * and closing it frees the objective's trainable copies, then the loaded checkpoint.
 *
 * @param <B> the objective's batch
 * @param <O> the objective
 */
abstract class DecoderTask<B, O extends DecoderObjective<B>> implements SplitObjective<B>, AutoCloseable {
    private final DecoderFiles files;
    private final O objective;

    DecoderTask(DecoderFiles files, O objective) {
        this.files = Objects.requireNonNull(files, "files");
        this.objective = Objects.requireNonNull(objective, "objective");
    }

    /** The objective (its model computes with the trainable copies). */
    public O objective() {
        return objective;
    }

    /** The opened model files (tokenizer, checkpoint). */
    DecoderFiles files() {
        return files;
    }

    @Override
    public ParameterView parameters() {
        return objective.parameters();
    }

    @Override
    public ParameterView block1() {
        return objective.block1();
    }

    @Override
    public ParameterView block2() {
        return objective.block2();
    }

    @Override
    public BlockState forwardBlock1(B batch) {
        return objective.forwardBlock1(batch);
    }

    @Override
    public double lossFromBlock1(BlockState state, B batch) {
        return objective.lossFromBlock1(state, batch);
    }

    @Override
    public boolean supportsFusedPerturbation() {
        return objective.supportsFusedPerturbation();
    }

    @Override
    public void perturbFused(java.util.List<dev.zoft.zo.params.FusedDirection> directions) {
        objective.perturbFused(directions);
    }

    @Override
    public long block1Flops(B batch) {
        return objective.block1Flops(batch);
    }

    @Override
    public long block2Flops(B batch) {
        return objective.block2Flops(batch);
    }

    /** Frees the trainable copies, the loader's copies and the mapped checkpoint. */
    @Override
    public void close() {
        objective.close();
        files.close();
    }
}
