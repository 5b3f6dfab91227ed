package dev.zoft.tensor.parallel;

/**
 * A fixed pool of worker threads with a parallel-for that splits work by output rows only.
 * Kernels never split a reduction across threads, so results are bit-identical whatever the
 * thread count. The thread count defaults to the physical cores ({@code -Dzoft.threads=N}
 * overrides it).
 *
 * <p>Placeholder contract; the implementation lands with the tensor kernels.
 */
public interface WorkerPool extends AutoCloseable {

    /** Body of a parallel loop over the half-open row range {@code [from, to)}. */
    @FunctionalInterface
    interface RowRange {
        void run(long from, long to);
    }

    /** Number of threads (1 means the caller runs everything). */
    int threads();

    /**
     * Runs {@code body} over {@code [0, rows)} split into contiguous chunks, at most one per thread,
     * each a multiple of {@code grain} rows except the last; returns when all are done. Exceptions
     * thrown by a chunk are rethrown in the caller.
     */
    void parallelFor(long rows, long grain, RowRange body);

    @Override
    void close();
}
