package dev.zoft.federation.cost;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The peak memory of one client's round, measured, in three numbers (what exactly each means):
 * <ul>
 *   <li><b>heap</b>: the sum over the JVM's heap memory pools of their peak usage since {@link #start}
 *       ({@link MemoryPoolMXBean#resetPeakUsage}); it includes garbage not yet collected, so it is an
 *       upper bound on the live heap;</li>
 *   <li><b>mapped</b>: the largest value seen of the "mapped" buffer pool (memory-mapped weight files:
 *       {@code FileChannel.map} with an arena is counted there), sampled at {@link #start}, at every
 *       forward pass ({@link CountingObjective}) and at {@link #finish};</li>
 *   <li><b>rss</b>: the process's peak resident set ({@code VmHWM} of {@code /proc/self/status}) since
 *       {@link #start}, which resets it by writing 5 to {@code /proc/self/clear_refs}; it covers the
 *       off-heap arenas (weights copies, activations, snapshots) that no JVM counter reports. Linux
 *       only; -1 elsewhere or when the reset is refused. In a simulation every client shares the JVM,
 *       so this is the whole simulator's resident memory during that client's round (the model,
 *       once, plus JVM overhead), an upper bound on one device's.</li>
 * </ul>
 */
public final class MemoryProbe {

    /** A client round's measured peaks (bytes; -1 = not measurable here). */
    public record Peak(long heapBytes, long mappedBytes, long rssBytes) {
        public static final Peak NONE = new Peak(-1, -1, -1);
    }

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private final List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP && p.isValid()).toList();
    private final BufferPoolMXBean mapped = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
            .filter(b -> b.getName().equals("mapped")).findFirst().orElse(null);
    private long mappedPeak;
    private boolean rssReset;

    /** Starts a measurement: resets the heap pools' and the process's peaks. */
    public void start() {
        for (MemoryPoolMXBean p : heapPools) {
            p.resetPeakUsage();
        }
        mappedPeak = 0;
        sample();
        rssReset = resetRss();
    }

    /** Samples the counters that have no peak of their own. */
    public void sample() {
        if (mapped != null) {
            mappedPeak = Math.max(mappedPeak, mapped.getMemoryUsed());
        }
    }

    /** The peaks since {@link #start}. */
    public Peak finish() {
        sample();
        long heap = 0;
        for (MemoryPoolMXBean p : heapPools) {
            heap += p.getPeakUsage().getUsed();
        }
        return new Peak(heap, mapped == null ? -1 : mappedPeak, rssReset ? peakRss() : -1);
    }

    private static boolean resetRss() {
        try {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** VmHWM in bytes, or -1. */
    static long peakRss() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmHWM:")) {
                    String[] f = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(f[0]) * 1024;
                }
            }
        } catch (IOException | NumberFormatException | SecurityException e) {
            return -1;
        }
        return -1;
    }
}
