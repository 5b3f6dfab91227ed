package dev.zoft.tensor.parallel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link WorkerPool} over {@code threads − 1} long-lived daemon platform threads; the calling
 * thread runs the first chunk. Hand-off is a volatile task slot per worker plus
 * {@link LockSupport#unpark}: a worker spins briefly before parking because kernels are called
 * back to back during a forward pass, and a park/unpark round trip costs tens of microseconds.
 */
final class FixedWorkerPool implements WorkerPool {

    /** Spin iterations before a waiting thread parks (a few microseconds of {@code onSpinWait}). */
    private static final int SPINS = 1 << 12;

    private final int threads;
    private final Worker[] workers;
    /** Serialises concurrent callers; a nested call from the holder runs inline. */
    private final ReentrantLock callLock = new ReentrantLock();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Thread caller;
    private volatile boolean closed;
    /** First failure of the current call; later ones are attached as suppressed (guarded by itself). */
    private Throwable failure;

    FixedWorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("a worker pool needs at least 1 thread, got " + threads);
        }
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].thread.start();
        }
    }

    @Override
    public int threads() {
        return threads;
    }

    @Override
    public void parallelFor(long rows, long grain, RowRange body) {
        if (rows < 0) {
            throw new IllegalArgumentException("negative row count " + rows);
        }
        if (grain < 1) {
            throw new IllegalArgumentException("grain must be at least 1, got " + grain);
        }
        if (closed) {
            throw new IllegalStateException("worker pool is closed");
        }
        if (rows == 0) {
            return;
        }
        long grains = (rows - 1) / grain + 1;
        int chunks = (int) Math.min(threads, grains);
        if (chunks == 1 || callLock.isHeldByCurrentThread() || Thread.currentThread() instanceof WorkerThread) {
            body.run(0, rows);
            return;
        }
        callLock.lock();
        try {
            runChunks(rows, grain, grains, chunks, body);
        } finally {
            callLock.unlock();
        }
    }

    private void runChunks(long rows, long grain, long grains, int chunks, RowRange body) {
        failure = null;
        caller = Thread.currentThread();
        pending.set(chunks - 1);
        // Chunk i gets base or base+1 grains (the first `extra` chunks take the +1); only the last
        // chunk can end on a partial grain, because it holds the last grain.
        long base = grains / chunks;
        long extra = grains % chunks;
        long firstEnd = Math.min(rows, (base + (extra > 0 ? 1 : 0)) * grain);
        long start = firstEnd;
        for (int i = 1; i < chunks; i++) {
            long g = base + (i < extra ? 1 : 0);
            long end = Math.min(rows, start + g * grain);
            workers[i - 1].submit(start, end, body);
            start = end;
        }
        try {
            body.run(0, firstEnd);
        } catch (Throwable t) {
            record(t);
        }
        awaitWorkers();
        Throwable t;
        synchronized (this) {
            t = failure;
            failure = null;
        }
        if (t != null) {
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException("parallel-for body failed", t);
        }
    }

    private void awaitWorkers() {
        int spins = 0;
        while (pending.get() != 0) {
            if (spins < SPINS) {
                spins++;
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
    }

    private void record(Throwable t) {
        synchronized (this) {
            if (failure == null) {
                failure = t;
            } else if (failure != t) {
                failure.addSuppressed(t);
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w.thread);
        }
    }

    /** Marker type so a nested parallel-for from a worker runs inline instead of deadlocking. */
    private static final class WorkerThread extends Thread {
        WorkerThread(Runnable r, String name) {
            super(r, name);
        }
    }

    private final class Worker implements Runnable {
        final WorkerThread thread;
        private volatile RowRange task;
        private long from;
        private long to;

        Worker(int index) {
            thread = new WorkerThread(this, "zoft-worker-" + index);
            thread.setDaemon(true);
        }

        void submit(long from, long to, RowRange body) {
            this.from = from;
            this.to = to;
            task = body; // volatile write publishes from/to
            LockSupport.unpark(thread);
        }

        @Override
        public void run() {
            int spins = 0;
            while (true) {
                RowRange t = task;
                if (t == null) {
                    if (closed) {
                        return;
                    }
                    if (spins < SPINS) {
                        spins++;
                        Thread.onSpinWait();
                    } else {
                        LockSupport.park(this);
                    }
                    continue;
                }
                spins = 0;
                task = null;
                try {
                    t.run(from, to);
                } catch (Throwable e) {
                    record(e);
                } finally {
                    if (pending.decrementAndGet() == 0) {
                        LockSupport.unpark(caller);
                    }
                }
            }
        }
    }
}
