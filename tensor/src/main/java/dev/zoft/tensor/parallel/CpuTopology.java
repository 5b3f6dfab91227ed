package dev.zoft.tensor.parallel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Physical core count. The JVM only reports logical processors; on an SMT host two FMA-bound
 * threads on one core gain nothing and disturb each other's caches, so the worker pool defaults to
 * physical cores. Read from Linux's {@code /proc/cpuinfo} (distinct {@code physical id}/{@code core id}
 * pairs), never more than the processors this JVM may use (container limits), and the logical count
 * wherever the file is missing or says nothing about cores.
 */
final class CpuTopology {
    private static final Path CPUINFO = Path.of("/proc/cpuinfo");

    private CpuTopology() {
    }

    static int physicalCores() {
        int logical = Runtime.getRuntime().availableProcessors();
        try {
            if (Files.isReadable(CPUINFO)) {
                int cores = countCores(Files.readAllLines(CPUINFO));
                return cores > 0 ? Math.min(cores, logical) : logical;
            }
        } catch (IOException | RuntimeException e) {
            // an unreadable or odd cpuinfo only costs the SMT refinement
        }
        return logical;
    }

    /** Distinct (physical id, core id) pairs in cpuinfo text; 0 when it names no core ids. */
    static int countCores(List<String> cpuinfo) {
        Set<String> cores = new HashSet<>();
        String physical = "0";
        for (String line : cpuinfo) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (key.equals("physical id")) {
                physical = value;
            } else if (key.equals("core id")) {
                cores.add(physical + "/" + value);
            }
        }
        return cores.size();
    }
}
