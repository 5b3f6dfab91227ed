package dev.zoft.zo.params;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tensor.random.Distribution;
import java.lang.foreign.Arena;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A managed snapshot (the estimators' cache) lives off-heap outside the JVM's direct-memory
 * budget: a fully trainable model larger than {@code -XX:MaxDirectMemorySize} (by default the
 * maximum heap) must still get its snapshot.
 */
class ManagedSnapshotTest {

    @Test
    void aManagedSnapshotDoesNotDrawOnTheDirectMemoryBudgetAndRestoresExactly() {
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).findFirst().orElseThrow();
        long size = 4L << 20; // 16 MiB of F32
        try (Arena arena = Arena.ofShared(); WorkerPool pool = WorkerPool.create(2)) {
            Tensor t = Tensor.allocate(arena, DType.F32, size);
            ParameterView v = ParameterView.of(Map.of("w", t));
            Perturbation p = new Perturbation(Distribution.GAUSSIAN, pool);
            p.axpy(v, 1, 0.1f);
            float[] start = t.toFloatArray();
            long before = direct.getMemoryUsed();
            Snapshot s = Snapshot.captureManaged(v, pool);
            long grew = direct.getMemoryUsed() - before;
            assertTrue(grew < size * 4 / 2, "the managed snapshot reserved " + grew + " bytes of direct memory");
            p.axpy(v, 2, 0.5f);
            s.restore();
            assertArrayEquals(start, t.toFloatArray());
        }
    }
}
