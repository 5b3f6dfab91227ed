package dev.zoft.perf.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The fork flags only: running JMH is the smoke run's job, not a unit test's. */
class JmhScoresTest {

    @Test
    void aForkKeepsTheBenchmarksPinnedFlagsAndPinsTheVectorWidth() {
        ClassLoader loader = JmhScoresTest.class.getClassLoader();
        JmhScores scores = new JmhScores(true, 256, System.err, loader);
        BenchmarkSpec decoder = BenchmarkSpec.of("dev.zoft.perf.DecoderForwardBenchmark", "forwardAndLoss", "threads", "1", "dtype", "F32");
        assertEquals(List.of("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx2g",
                "-Dzoft.vector.bits=256"), scores.forkArgs(decoder));
        BenchmarkSpec generator = BenchmarkSpec.of("dev.zoft.perf.GeneratorBenchmark", "fillGaussian", "width", "W256");
        assertEquals(List.of("--add-modules", "jdk.incubator.vector", "-Dzoft.vector.bits=256"), scores.forkArgs(generator));
    }
}
