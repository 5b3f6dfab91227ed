package dev.zoft.tensor.parallel;

/**
 * A fixed pool of worker threads with a parallel-for that splits work by output rows only.
 * Kernels never split a reduction across threads, so results are bit-identical whatever the
 * thread count. The thread count defaults to {@link #defaultThreads()} ({@code -Dzoft.threads=N}
 * overrides it).
 *
 * <p>Implementations must be safe to call from several threads at once (calls then queue) and
 * from inside a running body (a nested call then runs inline in the calling thread).
 */
public interface WorkerPool extends AutoCloseable {

    /** System property overriding the default thread count. */
    String THREADS_PROPERTY = "zoft.threads";

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
     * thrown by a chunk are rethrown in the caller (the first one, with any others suppressed).
     * The caller's thread runs the first chunk itself.
     *
     * @throws IllegalArgumentException if {@code rows < 0} or {@code grain < 1}
     * @throws IllegalStateException if the pool is closed
     */
    void parallelFor(long rows, long grain, RowRange body);

    /** Stops the worker threads; later calls to {@link #parallelFor} throw. Idempotent. */
    @Override
    void close();

    /** A pool of {@code threads} threads in total: the caller plus {@code threads − 1} daemon workers. */
    static WorkerPool create(int threads) {
        return new FixedWorkerPool(threads);
    }

    /** A pool of {@link #defaultThreads()} threads. */
    static WorkerPool create() {
        return new FixedWorkerPool(defaultThreads());
    }

    /**
     * {@code -Dzoft.threads=N} if set, else the physical cores this JVM may use (SMT siblings
     * excluded: two FMA-bound threads on one core gain nothing), else
     * {@link Runtime#availableProcessors()} where the topology is unknown.
     */
    static int defaultThreads() {
        String v = System.getProperty(THREADS_PROPERTY);
        if (v == null || v.isBlank()) {
            return CpuTopology.physicalCores();
        }
        int n;
        try {
            n = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + THREADS_PROPERTY + "=" + v + " is not a thread count");
        }
        if (n < 1) {
            throw new IllegalArgumentException("-D" + THREADS_PROPERTY + "=" + v + " must be at least 1");
        }
        return n;
    }
}
