package dev.zoft.cli;

import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.tensor.parallel.WorkerPool;

/**
 * The worker pool and kernels a command computes with: {@code --threads} (via {@link Threads},
 * applied before this is opened) or the machine's cores, at the configured vector width.
 */
record Compute(WorkerPool pool, Kernels kernels) implements AutoCloseable {

    static Compute open() {
        WorkerPool pool = WorkerPool.create();
        try {
            return new Compute(pool, Kernels.create(VectorWidth.configured(), pool));
        } catch (RuntimeException | Error e) {
            pool.close();
            throw e;
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
