package dev.zoft.tensor;

import java.util.List;

/** Closing what an object owns, in one place: models, classifiers and stores all own lists of resources. */
public final class Closeables {
    private Closeables() {
    }

    /**
     * Closes every resource, last first (the reverse of acquisition), even when some fail; the first
     * failure is thrown afterwards as an {@link IllegalStateException} naming the resource, with the
     * later ones suppressed.
     */
    public static void closeAllReversed(List<? extends AutoCloseable> resources) {
        closeAllReversed(resources, null);
    }

    /** As {@link #closeAllReversed(List)}, the failure naming {@code owner} (e.g. a file) rather than the resource. */
    public static void closeAllReversed(List<? extends AutoCloseable> resources, String owner) {
        RuntimeException failure = null;
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing " + (owner != null ? owner : resources.get(i)) + " failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
