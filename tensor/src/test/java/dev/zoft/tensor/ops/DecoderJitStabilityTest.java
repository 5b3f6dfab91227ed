package dev.zoft.tensor.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.parallel.WorkerPool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The decoder kernels ({@link DecoderKernelFingerprint}) under the same check as {@link JitStabilityTest}.
 * A kernel must give the same bits interpreted and JIT-compiled: otherwise one JVM computes two
 * different losses for the same model and input as C2 kicks in, and determinism (DESIGN.md §3) is
 * lost. The reference is an interpreter-only child JVM ({@code -Xint}, no compiler at all); this
 * JVM runs each kernel until C2 has compiled it.
 */
class DecoderJitStabilityTest {
    private static final int WARM_CALLS = 4_000;

    @ParameterizedTest
    @EnumSource(VectorWidth.class)
    void compiledKernelsMatchTheInterpreterBitForBit(VectorWidth width) throws Exception {
        String[] interpreted = interpretedFingerprint(width);
        String[] compiled;
        try (WorkerPool pool = WorkerPool.create(1)) {
            Kernels k = Kernels.create(width, pool);
            String[] first = DecoderKernelFingerprint.of(k);
            for (int i = 0; i < WARM_CALLS; i++) {
                DecoderKernelFingerprint.of(k);
            }
            compiled = DecoderKernelFingerprint.of(k);
            assertArrayEquals(first, compiled, "results changed while the JIT compiled the kernels at " + width);
        }
        assertArrayEquals(interpreted, compiled, "interpreted (-Xint) vs compiled kernels at " + width);
    }

    private static String[] interpretedFingerprint(VectorWidth width) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(List.of(java.toString(), "-Xint", "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), DecoderKernelFingerprint.class.getName(), width.name()))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("interpreter-only child JVM did not finish");
        }
        assertEquals(0, p.exitValue(), "child JVM failed: " + out);
        return out.split(" ");
    }
}
