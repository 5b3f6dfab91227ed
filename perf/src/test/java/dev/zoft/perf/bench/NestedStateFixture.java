package dev.zoft.perf.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A benchmark shaped like PerturbationPassBenchmark (params in nested {@code @State} classes, an
 * abstract state superclass, a state reached only through a {@code @Setup} argument), for the
 * row checks' reflection. Never run.
 */
public class NestedStateFixture {

    @State(Scope.Benchmark)
    public static class Threads {
        @Param({"1", "2"})
        public int threads;
    }

    @State(Scope.Benchmark)
    public abstract static class Model {
        @Param({"GAUSSIAN", "RADEMACHER"})
        public String distribution;
    }

    @State(Scope.Benchmark)
    public static class Small extends Model {
        @Setup
        public void setUp(Threads threads) {
            // the Threads state (and its param) is reached only through this argument
        }
    }

    @State(Scope.Benchmark)
    public static class Arrays {
        public float[] a = new float[1];
    }

    @Benchmark
    public float pass(Small model) {
        return model.distribution.length();
    }

    @Benchmark
    public float[] triad(Arrays arrays, Threads threads) {
        return arrays.a;
    }
}
