package dev.zoft.tensor.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CpuTopologyTest {

    private static List<String> cpuinfo(int sockets, int coresPerSocket, int threadsPerCore) {
        List<String> lines = new ArrayList<>();
        int processor = 0;
        for (int s = 0; s < sockets; s++) {
            for (int t = 0; t < threadsPerCore; t++) {
                for (int c = 0; c < coresPerSocket; c++) {
                    lines.add("processor\t: " + processor++);
                    lines.add("model name\t: Test CPU");
                    lines.add("physical id\t: " + s);
                    lines.add("siblings\t: " + coresPerSocket * threadsPerCore);
                    lines.add("core id\t\t: " + c);
                    lines.add("");
                }
            }
        }
        return lines;
    }

    @Test
    void smtSiblingsCountOnceAndSocketsSeparately() {
        assertEquals(2, CpuTopology.countCores(cpuinfo(1, 2, 1)));
        assertEquals(4, CpuTopology.countCores(cpuinfo(1, 4, 2)));
        assertEquals(16, CpuTopology.countCores(cpuinfo(2, 8, 2)));
    }

    @Test
    void cpuinfoWithoutCoreIdsSaysNothing() {
        assertEquals(0, CpuTopology.countCores(List.of("processor\t: 0", "BogoMIPS\t: 100.00", "garbage")));
    }

    @Test
    void theDefaultIsBetweenOneAndTheLogicalProcessors() {
        int cores = CpuTopology.physicalCores();
        assertTrue(cores >= 1 && cores <= Runtime.getRuntime().availableProcessors(), "cores " + cores);
    }
}
