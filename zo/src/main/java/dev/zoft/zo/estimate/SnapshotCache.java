package dev.zoft.zo.estimate;

import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.zo.params.ParameterView;
import dev.zoft.zo.params.Snapshot;

/**
 * One reusable snapshot per estimator: re-captured at each step, reallocated only when the view or
 * the pool changes. Managed memory (freed by the garbage collector with the estimator).
 */
final class SnapshotCache {

    private Snapshot snapshot;

    Snapshot capture(ParameterView view, WorkerPool pool) {
        if (snapshot != null && snapshot.covers(view) && snapshot.pool() == pool) {
            snapshot.recapture();
        } else {
            snapshot = Snapshot.captureManaged(view, pool);
        }
        return snapshot;
    }
}
