package dev.zoft.federation.method;

import dev.zoft.federation.BatchFactory;
import dev.zoft.federation.cost.CountingObjective;
import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.zo.SplitObjective;
import dev.zoft.zo.data.Dataset;
import dev.zoft.zo.data.LabeledText;
import dev.zoft.zo.data.Labels;
import dev.zoft.zo.estimate.LearningRate;
import dev.zoft.zo.log.SeedLog;
import dev.zoft.tensor.random.Distribution;
import dev.zoft.zo.params.ParameterView;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A small federated problem whose loss depends on the batch, so clients with different label mixes
 * pull the model in different directions: {@code L(θ; batch) = ½ Σ_i a_i (θ_i − c_i − 0.5·ȳ)²}, ȳ the
 * batch's mean label. Two blocks (block 1: 48 + 24 parameters, block 2: 40), block 1's state its
 * partial sum. FLOPs are declared batch-dependent: {@code F1 = 3·n1·b + 7}, {@code F2 = 3·n2·b + 1}.
 */
final class LabelQuadratic implements SplitObjective<double[]>, AutoCloseable {

    private final Arena arena = Arena.ofShared();
    private final ParameterView all;
    private final ParameterView block1;
    private final ParameterView block2;
    private final double[] a;
    private final double[] c;
    private final float[] start;

    LabelQuadratic(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("b1.w", Tensor.allocate(arena, DType.F32, 48));
        t.put("b1.v", Tensor.allocate(arena, DType.F32, 24));
        t.put("b2.w", Tensor.allocate(arena, DType.F32, 40));
        all = ParameterView.of(t);
        block1 = all.subset(n -> n.startsWith("b1."));
        block2 = all.subset(n -> n.startsWith("b2."));
        int n = (int) all.size();
        a = new double[n];
        c = new double[n];
        start = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = 0.5 + rnd.nextDouble();
            c[i] = rnd.nextDouble(-1, 1);
            start[i] = (float) rnd.nextDouble(-1, 1);
        }
        set(start);
    }

    void set(float[] v) {
        int k = 0;
        for (ParameterView.Entry e : all.entries()) {
            for (long j = 0; j < e.tensor().numel(); j++) {
                e.tensor().setFloat(j, v[k++]);
            }
        }
    }

    float[] values() {
        float[] v = new float[(int) all.size()];
        int k = 0;
        for (ParameterView.Entry e : all.entries()) {
            for (long j = 0; j < e.tensor().numel(); j++) {
                v[k++] = e.tensor().getFloat(j);
            }
        }
        return v;
    }

    void reset() {
        set(start);
    }

    /**
     * Loss at the given values, a pure function summed as the objective sums it (block 1's half sum,
     * then block 2's added), so a direct recomputation can match it bit for bit.
     */
    double lossAt(float[] theta, double[] batch) {
        double mean = 0;
        for (double y : batch) {
            mean += y;
        }
        mean /= batch.length;
        int n1 = (int) block1.size();
        double s1 = 0;
        for (int i = 0; i < n1; i++) {
            double d = theta[i] - c[i] - 0.5 * mean;
            s1 += a[i] * d * d;
        }
        double s2 = 0;
        for (int i = n1; i < theta.length; i++) {
            double d = theta[i] - c[i] - 0.5 * mean;
            s2 += a[i] * d * d;
        }
        return 0.5 * s1 + 0.5 * s2;
    }

    private double partial(ParameterView view, double[] batch) {
        double mean = 0;
        for (double y : batch) {
            mean += y;
        }
        mean /= batch.length;
        double s = 0;
        for (ParameterView.Entry e : view.entries()) {
            for (long j = 0; j < e.tensor().numel(); j++) {
                int i = (int) (e.offset() + j);
                double d = e.tensor().getFloat(j) - c[i] - 0.5 * mean;
                s += a[i] * d * d;
            }
        }
        return 0.5 * s;
    }

    record Partial(double value) implements BlockState {
        @Override
        public void close() {
        }
    }

    @Override
    public ParameterView parameters() {
        return all;
    }

    @Override
    public ParameterView block1() {
        return block1;
    }

    @Override
    public ParameterView block2() {
        return block2;
    }

    @Override
    public BlockState forwardBlock1(double[] batch) {
        return new Partial(partial(block1, batch));
    }

    @Override
    public double lossFromBlock1(BlockState state, double[] batch) {
        return ((Partial) state).value() + partial(block2, batch);
    }

    @Override
    public long block1Flops(double[] batch) {
        return 3L * block1.size() * batch.length + 7;
    }

    @Override
    public long block2Flops(double[] batch) {
        return 3L * block2.size() * batch.length + 1;
    }

    @Override
    public void close() {
        arena.close();
    }

    /** Batches of labels. */
    static final BatchFactory<double[]> BATCHES = (data, idx) -> {
        double[] b = new double[idx.length];
        for (int i = 0; i < idx.length; i++) {
            b[i] = data.label(idx[i]);
        }
        return b;
    };

    /** {@code clients} shards of 3 to 9 examples with labels 0/1 skewed per client. */
    static List<Dataset> shards(int clients, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Dataset> out = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int size = 3 + rnd.nextInt(7);
            double p = rnd.nextDouble();
            List<LabeledText> ex = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                ex.add(new LabeledText("client " + c + " example " + i, rnd.nextDouble() < p ? 1 : 0));
            }
            out.add(Dataset.of(ex, Labels.sentiment(), "shard " + c));
        }
        return out;
    }

    static final SeedLog.Header HEADER = new SeedLog.Header("label-quadratic", new byte[32], Distribution.GAUSSIAN,
            "test", 112);

    /** A context: 6 clients, 3 per round, S = 2, batch 4, η = 0.05. */
    MethodContext<double[]> context(WorkerPool pool, int localSteps) {
        return new MethodContext<>(new CountingObjective<>(this), pool, shards(6, 5), BATCHES, 3, localSteps, 4,
                LearningRate.constant(0.05), 1234, HEADER);
    }
}
