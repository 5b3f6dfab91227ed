package dev.zoft.zo.estimate;

import dev.zoft.tensor.random.PerturbationGenerator;
import dev.zoft.zo.params.FusedDirection;
import java.util.List;

import dev.zoft.tensor.Tensor;
import dev.zoft.zo.SplitObjective;
import dev.zoft.zo.params.ParameterView;
import java.lang.foreign.Arena;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code L(θ) = ½ Σ a_i (θ_i − c_i)²} over F32 parameters in two blocks, as a {@link SplitObjective}:
 * block 1's "output" is its partial sum, block 2 adds its own. The batch is ignored. Counts every
 * call and the FLOPs they were declared to cost, so tests can check the estimators' bookkeeping.
 */
public final class QuadraticObjective implements SplitObjective<Integer>, AutoCloseable {

    private final Arena arena = Arena.ofShared();
    private final ParameterView all;
    private final ParameterView block1;
    private final ParameterView block2;
    private final double[] a;
    private final double[] c;
    private long block1Calls;
    private long block2Calls;
    private long flopsSpent;
    private List<FusedDirection> fused = List.of();

    /**
     * Tensors "b1.t0", "b1.t1", … of {@code block1Sizes} then "b2.t0", … of {@code block2Sizes};
     * curvatures a in [0.5, 2), centres c in [−1, 1), parameters θ in [−1, 1), all from {@code seed}.
     */
    public QuadraticObjective(int[] block1Sizes, int[] block2Sizes, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        int n = 0;
        for (int i = 0; i < block1Sizes.length; i++) {
            tensors.put("b1.t" + i, Tensor.allocate(arena, dev.zoft.tensor.DType.F32, block1Sizes[i]));
            n += block1Sizes[i];
        }
        for (int i = 0; i < block2Sizes.length; i++) {
            tensors.put("b2.t" + i, Tensor.allocate(arena, dev.zoft.tensor.DType.F32, block2Sizes[i]));
            n += block2Sizes[i];
        }
        all = ParameterView.of(tensors);
        block1 = all.subset(name -> name.startsWith("b1."));
        block2 = all.subset(name -> name.startsWith("b2."));
        a = new double[n];
        c = new double[n];
        float[] theta = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = 0.5 + 1.5 * rnd.nextDouble();
            c[i] = rnd.nextDouble(-1, 1);
            theta[i] = (float) rnd.nextDouble(-1, 1);
        }
        setValues(theta);
    }

    /** The standard small problem: 200 parameters, 120 in block 1 (two tensors) and 80 in block 2. */
    public static QuadraticObjective small(long seed) {
        return new QuadraticObjective(new int[] {96, 24}, new int[] {64, 16}, seed);
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
    public BlockState forwardBlock1(Integer batch) {
        block1Calls++;
        flopsSpent += block1Flops(batch);
        return new Partial(partialLoss(block1));
    }

    @Override
    public double lossFromBlock1(BlockState state, Integer batch) {
        Partial h = (Partial) state;
        if (h.closed) {
            throw new IllegalStateException("block-1 state used after close");
        }
        block2Calls++;
        flopsSpent += block2Flops(batch);
        return h.value + partialLoss(block2);
    }

    @Override
    public long block1Flops(Integer batch) {
        return 3L * block1.size() + 7;
    }

    @Override
    public long block2Flops(Integer batch) {
        return 3L * block2.size() + 1;
    }

    /** Evaluates at θ + c·z like a model on perturbing kernels: the float product, then the float sum. */
    @Override
    public boolean supportsFusedPerturbation() {
        return true;
    }

    @Override
    public void perturbFused(List<FusedDirection> directions) {
        fused = List.copyOf(directions);
    }

    private double partialLoss(ParameterView view) {
        double s = 0;
        for (ParameterView.Entry e : view.entries()) {
            long n = e.tensor().numel();
            float[] theta = e.tensor().toFloatArray();
            for (FusedDirection d : fused) {
                for (ParameterView.Entry de : d.view().entries()) {
                    if (de.offset() == e.offset()) {
                        PerturbationGenerator.configured().axpy(d.distribution(), d.seed(), e.offset(), d.c(), theta, 0, theta.length);
                    }
                }
            }
            for (long j = 0; j < n; j++) {
                int i = (int) (e.offset() + j);
                double d = theta[(int) j] - c[i];
                s += a[i] * d * d;
            }
        }
        return 0.5 * s;
    }

    /** The exact gradient {@code a_i (θ_i − c_i)} at the current parameters, by global index. */
    public double[] gradient() {
        float[] theta = values();
        double[] g = new double[theta.length];
        for (int i = 0; i < g.length; i++) {
            g[i] = a[i] * (theta[i] - c[i]);
        }
        return g;
    }

    /** The parameters by global index. */
    public float[] values() {
        float[] out = new float[(int) all.size()];
        for (ParameterView.Entry e : all.entries()) {
            float[] t = e.tensor().toFloatArray();
            System.arraycopy(t, 0, out, (int) e.offset(), t.length);
        }
        return out;
    }

    public void setValues(float[] theta) {
        for (ParameterView.Entry e : all.entries()) {
            for (long j = 0; j < e.tensor().numel(); j++) {
                e.tensor().setFloat(j, theta[(int) (e.offset() + j)]);
            }
        }
    }

    public long block1Calls() {
        return block1Calls;
    }

    public long block2Calls() {
        return block2Calls;
    }

    public long flopsSpent() {
        return flopsSpent;
    }

    @Override
    public void close() {
        arena.close();
    }

    private static final class Partial implements BlockState {
        final double value;
        boolean closed;

        Partial(double value) {
            this.value = value;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
