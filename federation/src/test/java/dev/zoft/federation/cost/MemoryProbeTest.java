package dev.zoft.federation.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The probe sees what a client allocates: heap arrays in the heap peak, and off-heap arena memory
 * (invisible to every JVM counter) in the resident-set peak.
 */
class MemoryProbeTest {

    @Test
    void heapAndOffHeapAllocationsShowInThePeaks() {
        MemoryProbe probe = new MemoryProbe();
        probe.start();
        long[] heap = new long[48 << 17]; // 48 MiB
        heap[heap.length - 1] = 1;
        long offHeap = 96L << 20;
        MemoryProbe.Peak peak;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(offHeap);
            for (long i = 0; i < offHeap; i += 4096) {
                s.set(ValueLayout.JAVA_BYTE, i, (byte) 1); // touch every page so it becomes resident
            }
            peak = probe.finish();
        }
        assertTrue(heap[heap.length - 1] == 1);
        assertTrue(peak.heapBytes() >= 48L << 20, "heap peak " + peak.heapBytes());
        assertTrue(peak.mappedBytes() >= 0);
        if (Files.isWritable(Path.of("/proc/self/clear_refs"))) {
            assertTrue(peak.rssBytes() >= offHeap, "peak RSS " + peak.rssBytes() + " must cover the " + offHeap + " off-heap bytes");
        } else {
            assertEquals(-1, peak.rssBytes(), "no resettable peak RSS on this system: reported as -1");
        }
    }
}
