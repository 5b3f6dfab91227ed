package dev.zoft.perf;

import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tensor.random.Distribution;
import dev.zoft.zo.SplitObjective;
import dev.zoft.zo.estimate.MeZo;
import dev.zoft.zo.estimate.RestoreMode;
import dev.zoft.zo.estimate.StepResult;
import dev.zoft.zo.estimate.ZoSettings;
import dev.zoft.zo.params.ParameterView;
import dev.zoft.zo.task.EncoderClassifier;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One MeZO step (P = 1, Gaussian z, ε = 1e-3: perturb +ε, loss, flip −2ε, loss, restore and
 * update) through zoft's engine ({@link MeZo} on the real objectives), every parameter trainable
 * as in the PyTorch MeZO reference: {@code minilm} is the bundled all-MiniLM-L6-v2 sentiment
 * classifier ({@link EncoderClassifier}, 22.7 M parameters) on 16 × 64 tokens, {@code smollm2} a
 * SmolLM2-135M-shaped Llama with random weights and the causal-LM loss (134.5 M parameters) on
 * 4 × 256 tokens. {@code restore} is the estimator's restore mode: {@code SNAPSHOT} (the default:
 * exact, a copy of the parameters), {@code FUSED} (the kernels perturb on the fly: no perturbation
 * or restore pass, only the update) or {@code IN_PLACE} (restore by {@code +ε}, merged with the
 * update).
 *
 * <p>Figures: {@code step} is the step's time (ms). Its secondary results split it, as totals over
 * the measured steps ({@code steps}): {@code forwardMs} is the time inside the objective's two
 * loss evaluations, {@code outsideMs} the rest (perturbation passes, snapshot copies,
 * bookkeeping); the target is {@code outsideMs / (forwardMs + outsideMs) ≤ 5 %}.
 * {@code twoForwards} times two plain loss evaluations without any pass, as a check of
 * {@code forwardMs / steps}.
 *
 * <p>The vector width is pinned per fork ({@code -Dzoft.vector.bits=512}, the reference machine's;
 * override with {@code -jvmArgsAppend -Dzoft.vector.bits=256} on other hosts): one width per JVM.
 * Memory: the smollm2 fork holds the random base (513 MiB), the trainable copies (513 MiB) and the
 * snapshot (513 MiB) off-heap.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 20)
@Measurement(iterations = 3, time = 20)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Dzoft.vector.bits=512", "-Xmx1g"})
public class ZoStepBenchmark {

    /** ε and η of the steps: small enough that random-weight losses stay finite over any run. */
    static final float EPSILON = 1e-3f;
    static final double LEARNING_RATE = 1e-6;

    @Param({"minilm", "smollm2"})
    String model;

    @Param({"1", "2"})
    int threads;

    @Param({"SNAPSHOT", "IN_PLACE", "FUSED"})
    String restore;

    private WorkerPool pool;
    private AutoCloseable owner;
    private TimedObjective<?> objective;
    private MeZo mezo;
    private long stepSeed;

    /**
     * The step's split, reported beside its time as totals over the measured iterations (JMH
     * sums event counters across iterations): {@code steps}, {@code forwardMs} inside the two
     * loss evaluations, {@code outsideMs} the rest. Outside share = outsideMs / (forwardMs +
     * outsideMs); per step = outsideMs / steps.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Split {
        public long steps;
        public double forwardMs;
        public double outsideMs;

        @Setup(Level.Iteration)
        public void clear() {
            steps = 0;
            forwardMs = 0;
            outsideMs = 0;
        }

        void add(long stepNanos, long forwardNanos) {
            steps++;
            forwardMs += forwardNanos / 1e6;
            outsideMs += (stepNanos - forwardNanos) / 1e6;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        pool = WorkerPool.create(threads);
        Kernels kernels = Kernels.create(VectorWidth.configured(), pool);
        switch (model) {
            case "minilm" -> {
                EncoderClassifier c = ModelShapes.miniLmClassifier(kernels);
                owner = c;
                objective = new TimedObjective<>(c, ModelShapes.miniLmLabelledBatch(42));
            }
            case "smollm2" -> {
                ModelShapes.RandomDecoder d = ModelShapes.RandomDecoder.smolLm2(kernels);
                owner = d;
                objective = new TimedObjective<>(d.objective(), ModelShapes.RandomDecoder.batch(42));
            }
            default -> throw new IllegalArgumentException("model must be minilm or smollm2, got " + model);
        }
        mezo = new MeZo(1, new ZoSettings(EPSILON, Distribution.GAUSSIAN, RestoreMode.valueOf(restore)));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        owner.close();
        pool.close();
    }

    /** One MeZO step; returns its first loss. */
    @Benchmark
    public double step(Split split) {
        long forward0 = objective.nanos;
        long t0 = System.nanoTime();
        StepResult r = objective.step(mezo, stepSeed++, pool);
        split.add(System.nanoTime() - t0, objective.nanos - forward0);
        return r.losses()[0];
    }

    /** Two loss evaluations at the current parameters, no perturbation. */
    @Benchmark
    public double twoForwards() {
        return objective.twoLosses();
    }

    /**
     * The objective with the time spent inside its forward calls added up, so a step's time
     * splits into forwards and the rest (the wrapped objective does all the work).
     */
    private static final class TimedObjective<B> implements SplitObjective<B> {
        private final SplitObjective<B> inner;
        private final B batch;
        long nanos;

        TimedObjective(SplitObjective<B> inner, B batch) {
            this.inner = inner;
            this.batch = batch;
        }

        StepResult step(MeZo mezo, long seed, WorkerPool pool) {
            return mezo.step(this, batch, seed, LEARNING_RATE, pool);
        }

        double twoLosses() {
            return inner.loss(batch) + inner.loss(batch);
        }

        @Override
        public ParameterView parameters() {
            return inner.parameters();
        }

        @Override
        public boolean supportsFusedPerturbation() {
            return inner.supportsFusedPerturbation();
        }

        @Override
        public void perturbFused(java.util.List<dev.zoft.zo.params.FusedDirection> directions) {
            inner.perturbFused(directions);
        }

        @Override
        public ParameterView block1() {
            return inner.block1();
        }

        @Override
        public ParameterView block2() {
            return inner.block2();
        }

        @Override
        public BlockState forwardBlock1(B b) {
            long t = System.nanoTime();
            try {
                return new Timed(inner.forwardBlock1(b));
            } finally {
                nanos += System.nanoTime() - t;
            }
        }

        @Override
        public double lossFromBlock1(BlockState state, B b) {
            long t = System.nanoTime();
            try {
                return inner.lossFromBlock1(((Timed) state).inner, b);
            } finally {
                nanos += System.nanoTime() - t;
            }
        }

        /** A block-1 state whose release (part of the forward's cost) is timed too. */
        private final class Timed implements BlockState {
            final BlockState inner;

            Timed(BlockState inner) {
                this.inner = inner;
            }

            @Override
            public void close() {
                long t = System.nanoTime();
                try {
                    inner.close();
                } finally {
                    nanos += System.nanoTime() - t;
                }
            }
        }

        @Override
        public long block1Flops(B b) {
            return inner.block1Flops(b);
        }

        @Override
        public long block2Flops(B b) {
            return inner.block2Flops(b);
        }
    }
}
