package dev.zoft.federation.cost;

import java.util.List;
import java.util.Locale;

/**
 * What one client's part of one round cost (or, with {@code client = -1}, the round's total over its
 * clients), one schema for every federated method.
 *
 * <p>Counted exactly (deterministic, the same on every machine):
 * <ul>
 *   <li>{@code block1Flops}, {@code block2Flops}: forward FLOPs of the block-1 and block-2 passes the
 *       client ran (each pass counted through {@link CountingObjective} with the objective's exact
 *       per-batch FLOPs);</li>
 *   <li>{@code generatorDraws}: values z(seed, i) generated, over every perturbation, generator
 *       restore, update and sync pass (a pass over a view of n parameters draws n);</li>
 *   <li>{@code perturbPasses} (+ε and −2ε passes), {@code restorePasses} (snapshot copies back, or +ε
 *       passes in in-place mode, including the return to the round's start), {@code updatePasses}
 *       (local ZO-SGD update passes), {@code syncPasses} (passes a device holding its own model runs to
 *       reach the round's start model: replaying missed rounds, or FedKSeed's rebuild from the base);</li>
 *   <li>{@code bytesUp}, {@code bytesDown}: length of the serialized upload and plan;</li>
 *   <li>{@code stateBytes}: off-heap memory the method keeps on the device beyond the model itself
 *       (snapshots, seed-pool state), from the sizes it allocates.</li>
 * </ul>
 * Measured (machine- and JVM-dependent, see {@link MemoryProbe}): {@code peakHeapBytes},
 * {@code mappedBytes}, {@code peakRssBytes}, {@code wallSeconds}.
 */
public record CostRecord(int round, int client, long block1Flops, long block2Flops, long generatorDraws,
                         long perturbPasses, long restorePasses, long updatePasses, long syncPasses,
                         long bytesUp, long bytesDown, long stateBytes, long peakHeapBytes, long mappedBytes,
                         long peakRssBytes, double wallSeconds) {

    /** The CSV header matching {@link #toCsvRow()}. */
    public static final String CSV_HEADER = "round,client,block1_flops,block2_flops,forward_flops,generator_draws,"
            + "perturb_passes,restore_passes,update_passes,sync_passes,bytes_up,bytes_down,state_bytes,"
            + "peak_heap_bytes,mapped_bytes,peak_rss_bytes,wall_seconds";

    /** Client id of a round-total row. */
    public static final int TOTAL = -1;

    /** Forward FLOPs of both blocks. */
    public long forwardFlops() {
        return Math.addExact(block1Flops, block2Flops);
    }

    /** This record as a CSV row. */
    public String toCsvRow() {
        return round + "," + client + "," + block1Flops + "," + block2Flops + "," + forwardFlops() + ","
                + generatorDraws + "," + perturbPasses + "," + restorePasses + "," + updatePasses + "," + syncPasses
                + "," + bytesUp + "," + bytesDown + "," + stateBytes + "," + peakHeapBytes + "," + mappedBytes + ","
                + peakRssBytes + "," + String.format(Locale.ROOT, "%.4f", wallSeconds);
    }

    /**
     * The round's total over {@code clients}: counters and wall time summed, memory the largest of
     * the clients' (a device's peak, not a sum over devices).
     */
    public static CostRecord total(int round, List<CostRecord> clients) {
        long b1 = 0, b2 = 0, draws = 0, perturb = 0, restore = 0, update = 0, sync = 0, up = 0, down = 0;
        long state = 0, heap = 0, mapped = 0, rss = 0;
        double wall = 0;
        for (CostRecord c : clients) {
            b1 = Math.addExact(b1, c.block1Flops);
            b2 = Math.addExact(b2, c.block2Flops);
            draws = Math.addExact(draws, c.generatorDraws);
            perturb += c.perturbPasses;
            restore += c.restorePasses;
            update += c.updatePasses;
            sync += c.syncPasses;
            up += c.bytesUp;
            down += c.bytesDown;
            state = Math.max(state, c.stateBytes);
            heap = Math.max(heap, c.peakHeapBytes);
            mapped = Math.max(mapped, c.mappedBytes);
            rss = Math.max(rss, c.peakRssBytes);
            wall += c.wallSeconds;
        }
        return new CostRecord(round, TOTAL, b1, b2, draws, perturb, restore, update, sync, up, down, state, heap,
                mapped, rss, wall);
    }
}
