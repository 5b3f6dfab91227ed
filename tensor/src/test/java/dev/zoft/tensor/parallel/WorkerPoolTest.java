package dev.zoft.tensor.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.constraints.IntRange;


class WorkerPoolTest {
    private static WorkerPool[] pools;

    @BeforeContainer
    static void start() {
        pools = new WorkerPool[] {WorkerPool.create(1), WorkerPool.create(2), WorkerPool.create(3), WorkerPool.create(5)};
    }

    @AfterContainer
    static void stop() {
        for (WorkerPool p : pools) {
            p.close();
        }
    }

    /** Every row is visited exactly once, chunks are contiguous, grain-aligned, at most one per thread. */
    @Property(tries = 200)
    void chunksCoverTheRangeExactlyOnce(@ForAll @IntRange(min = 0, max = 3) int poolIndex,
                                        @ForAll @IntRange(min = 0, max = 500) int rows,
                                        @ForAll @IntRange(min = 1, max = 40) int grain) {
        WorkerPool pool = pools[poolIndex];
        AtomicIntegerArray hits = new AtomicIntegerArray(rows);
        List<long[]> chunks = Collections.synchronizedList(new ArrayList<>());
        pool.parallelFor(rows, grain, (from, to) -> {
            chunks.add(new long[] {from, to});
            for (long r = from; r < to; r++) {
                hits.incrementAndGet((int) r);
            }
        });
        for (int r = 0; r < rows; r++) {
            assertEquals(1, hits.get(r), "row " + r);
        }
        assertTrue(chunks.size() <= pool.threads(), "more chunks than threads: " + chunks.size());
        assertEquals(rows == 0 ? 0 : Math.min(pool.threads(), (rows + grain - 1) / grain), chunks.size());
        chunks.sort((a, b) -> Long.compare(a[0], b[0]));
        long expectedStart = 0;
        for (int i = 0; i < chunks.size(); i++) {
            long[] c = chunks.get(i);
            assertEquals(expectedStart, c[0]);
            assertTrue(c[1] > c[0], "empty chunk");
            if (i < chunks.size() - 1) {
                assertEquals(0, (c[1] - c[0]) % grain, "chunk not a multiple of the grain");
            }
            expectedStart = c[1];
        }
        assertEquals(rows, expectedStart);
    }

    @Example
    void workerExceptionPropagatesToTheCaller() {
        for (WorkerPool pool : pools) {
            IllegalStateException boom = new IllegalStateException("boom");
            IllegalStateException thrown = assertThrows(IllegalStateException.class,
                    () -> pool.parallelFor(100, 1, (from, to) -> {
                        if (to == 100) {
                            throw boom;
                        }
                    }));
            assertSame(boom, thrown);
            // The pool is still usable afterwards.
            AtomicInteger sum = new AtomicInteger();
            pool.parallelFor(10, 1, (from, to) -> sum.addAndGet((int) (to - from)));
            assertEquals(10, sum.get());
        }
    }

    @Example
    void failuresInSeveralChunksAreAllReported() {
        WorkerPool pool = pools[2];
        RuntimeException thrown = assertThrows(RuntimeException.class,
                () -> pool.parallelFor(30, 10, (from, to) -> {
                    throw new RuntimeException("chunk " + from);
                }));
        assertEquals(2, thrown.getSuppressed().length);
    }

    @Example
    void workUsesSeveralThreads() {
        WorkerPool pool = pools[2];
        Set<Thread> seen = ConcurrentHashMap.newKeySet();
        pool.parallelFor(3, 1, (from, to) -> seen.add(Thread.currentThread()));
        assertEquals(3, seen.size());
        assertTrue(seen.contains(Thread.currentThread()), "the caller runs a chunk");
    }

    @Example
    void nestedCallsRunInline() {
        WorkerPool pool = pools[1];
        AtomicInteger count = new AtomicInteger();
        pool.parallelFor(4, 1, (from, to) -> pool.parallelFor(5, 1, (a, b) -> count.addAndGet((int) (b - a))));
        assertEquals(10, count.get());
    }

    @Example
    void concurrentCallersQueue() throws InterruptedException {
        WorkerPool pool = pools[1];
        AtomicInteger count = new AtomicInteger();
        Thread[] callers = new Thread[4];
        for (int i = 0; i < callers.length; i++) {
            callers[i] = new Thread(() -> {
                for (int j = 0; j < 200; j++) {
                    pool.parallelFor(7, 1, (a, b) -> count.addAndGet((int) (b - a)));
                }
            });
            callers[i].start();
        }
        for (Thread t : callers) {
            t.join();
        }
        assertEquals(4 * 200 * 7, count.get());
    }

    @Example
    void rejectsBadArgumentsAndUseAfterClose() {
        assertThrows(IllegalArgumentException.class, () -> WorkerPool.create(0));
        WorkerPool pool = WorkerPool.create(2);
        assertThrows(IllegalArgumentException.class, () -> pool.parallelFor(-1, 1, (a, b) -> { }));
        assertThrows(IllegalArgumentException.class, () -> pool.parallelFor(10, 0, (a, b) -> { }));
        pool.close();
        pool.close();
        assertThrows(IllegalStateException.class, () -> pool.parallelFor(10, 1, (a, b) -> { }));
    }

    @Example
    void threadPropertyIsValidated() {
        String old = System.getProperty(WorkerPool.THREADS_PROPERTY);
        try {
            System.setProperty(WorkerPool.THREADS_PROPERTY, "3");
            assertEquals(3, WorkerPool.defaultThreads());
            System.setProperty(WorkerPool.THREADS_PROPERTY, "zero");
            assertThrows(IllegalArgumentException.class, WorkerPool::defaultThreads);
            System.setProperty(WorkerPool.THREADS_PROPERTY, "0");
            assertThrows(IllegalArgumentException.class, WorkerPool::defaultThreads);
            System.clearProperty(WorkerPool.THREADS_PROPERTY);
            assertEquals(Runtime.getRuntime().availableProcessors(), WorkerPool.defaultThreads());
        } finally {
            if (old == null) {
                System.clearProperty(WorkerPool.THREADS_PROPERTY);
            } else {
                System.setProperty(WorkerPool.THREADS_PROPERTY, old);
            }
        }
    }
}
