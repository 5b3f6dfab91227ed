package dev.zoft.zo.params;

import dev.zoft.tensor.parallel.WorkerPool;
import java.lang.foreign.Arena;
import java.lang.ref.Cleaner;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A bit-exact copy of the parameters of a {@link ParameterView}, to go back to exactly (the restore
 * by {@code +ε} drifts in float, see {@link Perturbation#cycleDriftBound}). The federation uses it to
 * return to a round's start model; the estimators use it for their exact restore mode.
 *
 * <p>Memory: {@link #byteSize()} = 4 bytes per parameter of the view, in one off-heap segment of
 * its own arena (for MiniLM-L6 fully trainable, 22.7 M parameters: 91 MB). Capture and restore are
 * memory copies split over the pool, so they cost far less than one perturbation pass (which also
 * generates z).
 */
public final class Snapshot implements AutoCloseable {

    private final ParameterView view;
    private final WorkerPool pool;
    /** Closes the arenas of managed snapshots once they are unreachable. */
    private static final Cleaner CLEANER = Cleaner.create();

    private final Arena arena;
    private final boolean managed;
    private final MemorySegment data;
    /** Byte position in {@link #data} of each entry, by the entry's global offset. */
    private final Map<Long, Long> positionByOffset = new HashMap<>();

    private Snapshot(ParameterView view, WorkerPool pool, Arena arena, boolean managed) {
        this.view = view;
        this.managed = managed;
        this.pool = pool;
        this.arena = arena;
        this.data = arena.allocate(Math.max(1, Math.multiplyExact(view.size(), 4L)), 64).asSlice(0, view.size() * 4);
        long pos = 0;
        for (ParameterView.Entry e : view.entries()) {
            positionByOffset.put(e.offset(), pos);
            pos += e.tensor().numel() * 4;
        }
    }

    /** Copies the current values of {@code view} into a new shared arena (closed by {@link #close}). */
    public static Snapshot capture(ParameterView view, WorkerPool pool) {
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(pool, "pool");
        Snapshot s = new Snapshot(view, pool, Arena.ofShared(), false);
        s.recapture();
        return s;
    }

    /**
     * As {@link #capture} but freed by the garbage collector: once the snapshot is unreachable a
     * cleaner closes its arena, and {@link #close} does nothing. For caches whose owner has no
     * close method.
     *
     * <p>The arena is a shared one released by a {@link Cleaner}, not {@link Arena#ofAuto()}: an
     * automatic arena's allocations count against the JVM's direct-memory limit
     * ({@code -XX:MaxDirectMemorySize}, by default the maximum heap), so a snapshot of a model
     * larger than the heap limit (the 513 MiB of SmolLM2-135M under {@code -Xmx256m}) would fail
     * with an {@link OutOfMemoryError} although the memory is off-heap.
     */
    public static Snapshot captureManaged(ParameterView view, WorkerPool pool) {
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(pool, "pool");
        Arena arena = Arena.ofShared();
        Snapshot s;
        try {
            s = new Snapshot(view, pool, arena, true);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
        // The action holds the arena only: were it to reach the snapshot, it would never run.
        CLEANER.register(s, arena::close);
        s.recapture();
        return s;
    }

    /** The view this snapshot copies. */
    public ParameterView view() {
        return view;
    }

    /** Off-heap bytes held: 4 per parameter. */
    public long byteSize() {
        return data.byteSize();
    }

    /** Copies the view's current values over the snapshot (reuses its memory). */
    public void recapture() {
        copy(view, true);
    }

    /** Writes the captured values back into every tensor of the view, bit for bit. */
    public void restore() {
        copy(view, false);
    }

    /**
     * Writes the captured values back into the tensors of {@code part} only: a view whose entries
     * are entries of the captured view (e.g. one block of it).
     *
     * @throws IllegalArgumentException if {@code part} holds an entry the snapshot did not capture
     */
    public void restore(ParameterView part) {
        copy(part, false);
    }

    /** Whether {@code other} has exactly the captured view's tensors (same memory, offsets and sizes). */
    public boolean covers(ParameterView other) {
        if (other == view) {
            return true;
        }
        List<ParameterView.Entry> mine = view.entries();
        List<ParameterView.Entry> theirs = other.entries();
        if (mine.size() != theirs.size()) {
            return false;
        }
        for (int k = 0; k < mine.size(); k++) {
            ParameterView.Entry a = mine.get(k);
            ParameterView.Entry b = theirs.get(k);
            if (a.offset() != b.offset() || a.tensor().numel() != b.tensor().numel()
                    || a.tensor().segment().address() != b.tensor().segment().address()) {
                return false;
            }
        }
        return true;
    }

    /** Whether every tensor of the view holds exactly the captured bits. */
    public boolean matches() {
        for (ParameterView.Entry e : view.entries()) {
            MemorySegment saved = data.asSlice(positionByOffset.get(e.offset()), e.tensor().numel() * 4);
            if (saved.mismatch(e.tensor().segment()) != -1) {
                return false;
            }
        }
        return true;
    }

    private void copy(ParameterView part, boolean capture) {
        List<ParameterView.Entry> entries = part.entries();
        int n = entries.size();
        long[] starts = new long[n + 1];
        long[] positions = new long[n];
        for (int k = 0; k < n; k++) {
            ParameterView.Entry e = entries.get(k);
            Long pos = positionByOffset.get(e.offset());
            if (pos == null || !sameTensorAt(e)) {
                throw new IllegalArgumentException("tensor " + e.name() + " at global offset " + e.offset()
                        + " is not part of the captured " + view);
            }
            positions[k] = pos;
            starts[k + 1] = starts[k] + e.tensor().numel();
        }
        pool.parallelFor(starts[n], Perturbation.GRAIN, (from, to) -> {
            for (int k = 0; k < n; k++) {
                long lo = Math.max(from, starts[k]) - starts[k];
                long hi = Math.min(to, starts[k + 1]) - starts[k];
                if (hi <= lo) {
                    continue;
                }
                MemorySegment tensor = entries.get(k).tensor().segment();
                if (capture) {
                    MemorySegment.copy(tensor, lo * 4, data, positions[k] + lo * 4, (hi - lo) * 4);
                } else {
                    MemorySegment.copy(data, positions[k] + lo * 4, tensor, lo * 4, (hi - lo) * 4);
                }
            }
        });
    }

    private boolean sameTensorAt(ParameterView.Entry e) {
        for (ParameterView.Entry mine : view.entries()) {
            if (mine.offset() == e.offset()) {
                return mine.tensor().numel() == e.tensor().numel()
                        && mine.tensor().segment().address() == e.tensor().segment().address();
            }
        }
        return false;
    }

    /** Frees the copy (unless {@linkplain #captureManaged managed}); later calls fail. */
    @Override
    public void close() {
        if (!managed) {
            arena.close();
        }
    }

    /** The pool the copies run on. */
    public WorkerPool pool() {
        return pool;
    }
}
