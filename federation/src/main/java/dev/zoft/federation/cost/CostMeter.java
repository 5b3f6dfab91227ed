package dev.zoft.federation.cost;

/**
 * The counters of one client's round, filled by the method as it works (passes, draws, bytes) and
 * by the {@link CountingObjective} it computes through (forward FLOPs). Not thread-safe.
 */
public final class CostMeter {

    long block1Flops;
    long block2Flops;
    long forwardPasses;
    private long draws;
    private long perturbPasses;
    private long restorePasses;
    private long updatePasses;
    private long syncPasses;
    private long bytesUp;
    private long bytesDown;
    private long stateBytes;

    /** A perturbation pass (+ε or −2ε) over {@code n} parameters. */
    public void perturb(long n) {
        perturbPasses++;
        draws = Math.addExact(draws, n);
    }

    /** A restore: a snapshot copy (no draws) or, when {@code generated}, a +ε pass over {@code n} parameters. */
    public void restore(long n, boolean generated) {
        restorePasses++;
        if (generated) {
            draws = Math.addExact(draws, n);
        }
    }

    /** A fused evaluation: z of {@code n} parameters generated inside the forward's kernels (no pass). */
    public void fusedDraws(long n) {
        draws = Math.addExact(draws, n);
    }

    /** A local update pass over {@code n} parameters. */
    public void update(long n) {
        updatePasses++;
        draws = Math.addExact(draws, n);
    }

    /** A sync pass (replay or rebuild) over {@code n} parameters. */
    public void sync(long n) {
        syncPasses++;
        draws = Math.addExact(draws, n);
    }

    public void bytesUp(long n) {
        bytesUp += n;
    }

    public void bytesDown(long n) {
        bytesDown += n;
    }

    /** Records that the method keeps {@code n} bytes of state on the device (the largest value counts). */
    public void state(long n) {
        stateBytes = Math.max(stateBytes, n);
    }

    /** Block-1 and block-2 passes run (each counts once). */
    public long forwardPasses() {
        return forwardPasses;
    }

    public long block1Flops() {
        return block1Flops;
    }

    public long block2Flops() {
        return block2Flops;
    }

    public long draws() {
        return draws;
    }

    public long perturbPasses() {
        return perturbPasses;
    }

    public long restorePasses() {
        return restorePasses;
    }

    public long updatePasses() {
        return updatePasses;
    }

    public long syncPasses() {
        return syncPasses;
    }

    public long bytesUp() {
        return bytesUp;
    }

    public long bytesDown() {
        return bytesDown;
    }

    /** The record of this meter with the measured memory and time. */
    public CostRecord record(int round, int client, MemoryProbe.Peak memory, double wallSeconds) {
        return new CostRecord(round, client, block1Flops, block2Flops, draws, perturbPasses, restorePasses,
                updatePasses, syncPasses, bytesUp, bytesDown, stateBytes, memory.heapBytes(), memory.mappedBytes(),
                memory.rssBytes(), wallSeconds);
    }
}
