package dev.zoft.zo.task;

import dev.zoft.zo.params.ParameterView;
import java.util.List;
import java.util.Objects;

/** {@link EncoderClassifier} seen as a {@link ClassifierTask}: every call forwards to it. */
record EncoderTask(EncoderClassifier classifier) implements ClassifierTask<LabelledBatch> {
    EncoderTask {
        Objects.requireNonNull(classifier, "classifier");
    }

    @Override
    public java.util.Optional<EncoderClassifier> encoder() {
        return java.util.Optional.of(classifier);
    }

    @Override
    public int numClasses() {
        return classifier.head().numClasses();
    }

    @Override
    public List<String> classDescriptions() {
        return classifier.options().labelPrompts();
    }

    @Override
    public LabelledBatch encode(List<String> texts, int[] labels) {
        return classifier.encode(texts, labels);
    }

    @Override
    public List<LabelledBatch> batches(List<String> texts, int[] labels, int batchSize) {
        return classifier.batches(texts, labels, batchSize);
    }

    @Override
    public Evaluation evaluate(Iterable<LabelledBatch> batches) {
        return classifier.evaluate(batches);
    }

    @Override
    public int splitLayer() {
        return classifier.splitLayer();
    }

    @Override
    public void restoreInitial() {
        classifier.restoreInitial();
    }

    @Override
    public ParameterView parameters() {
        return classifier.parameters();
    }

    @Override
    public ParameterView block1() {
        return classifier.block1();
    }

    @Override
    public ParameterView block2() {
        return classifier.block2();
    }

    @Override
    public BlockState forwardBlock1(LabelledBatch batch) {
        return classifier.forwardBlock1(batch);
    }

    @Override
    public double lossFromBlock1(BlockState state, LabelledBatch batch) {
        return classifier.lossFromBlock1(state, batch);
    }

    @Override
    public boolean supportsFusedPerturbation() {
        return classifier.supportsFusedPerturbation();
    }

    @Override
    public void perturbFused(List<dev.zoft.zo.params.FusedDirection> directions) {
        classifier.perturbFused(directions);
    }

    @Override
    public long block1Flops(LabelledBatch batch) {
        return classifier.block1Flops(batch);
    }

    @Override
    public long block2Flops(LabelledBatch batch) {
        return classifier.block2Flops(batch);
    }

    @Override
    public double loss(LabelledBatch batch) {
        return classifier.loss(batch);
    }

    @Override
    public void close() {
        classifier.close();
    }
}
