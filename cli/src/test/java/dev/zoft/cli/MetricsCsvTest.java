package dev.zoft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.zo.metrics.RoundMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsCsvTest {

    static final RoundMetrics ZERO = new RoundMetrics(0, 0, 0, 0, 0, 0, Double.NaN, 0.714, 1.25);
    static final RoundMetrics ONE = new RoundMetrics(1, 20, 240, 123_456_789_012L, 4_096, 8_192, 0.5123456789, Double.NaN, 10.5);
    static final RoundMetrics TWO = new RoundMetrics(2, 40, 480, 246_913_578_024L, 8_192, 16_384, 0.41, 0.8125, 21.0);

    @Test
    void eachRowIsOnDiskAsSoonAsItIsAppended(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("sub/metrics.csv");
        try (MetricsCsv csv = MetricsCsv.create(file)) {
            assertEquals(List.of(RoundMetrics.CSV_HEADER), Files.readAllLines(file));
            csv.append(ZERO);
            // Read while the writer is still open: the row must already be flushed.
            assertEquals(List.of(RoundMetrics.CSV_HEADER, "0,0,0,0,0,0,,0.714000,1.250"), Files.readAllLines(file));
            csv.append(ONE);
            assertEquals(3, Files.readAllLines(file).size());
            assertEquals("1,20,240,123456789012,4096,8192,0.512346,,10.500", Files.readAllLines(file).get(2));
            csv.append(TWO);
            assertEquals(List.of(ZERO, ONE, TWO), csv.rows());
        }
    }

    @Test
    void readParsesWhatWasWrittenWithNaNForEmptyCells(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("metrics.csv");
        try (MetricsCsv csv = MetricsCsv.create(file)) {
            csv.append(ZERO);
            csv.append(ONE);
            csv.append(TWO);
        }
        List<RoundMetrics> back = MetricsCsv.read(file);
        assertEquals(3, back.size());
        assertEquals(ZERO, back.get(0));
        assertTrue(Double.isNaN(back.get(1).devAccuracy()));
        assertEquals(0.512346, back.get(1).trainLoss(), 0);
        assertEquals(123_456_789_012L, back.get(1).forwardFlops());
        assertEquals(TWO, back.get(2));
    }

    @Test
    void readRejectsAFileThatIsNotAMetricsCsvNamingFileAndLine(@TempDir Path dir) throws IOException {
        Path notCsv = dir.resolve("other.csv");
        Files.writeString(notCsv, "a,b\n1,2\n", StandardCharsets.UTF_8);
        IOException e = assertThrows(IOException.class, () -> MetricsCsv.read(notCsv));
        assertTrue(e.getMessage().startsWith(notCsv + ":1: not a zoft metrics CSV"), e.getMessage());

        Path torn = dir.resolve("torn.csv");
        Files.writeString(torn, RoundMetrics.CSV_HEADER + "\n0,0,0,0,0,0,,0.5,1.0\n1,2,3\n", StandardCharsets.UTF_8);
        e = assertThrows(IOException.class, () -> MetricsCsv.read(torn));
        assertTrue(e.getMessage().startsWith(torn + ":3: expected 9 columns, found 3"), e.getMessage());

        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, RoundMetrics.CSV_HEADER + "\n0,x,0,0,0,0,,0.5,1.0\n", StandardCharsets.UTF_8);
        e = assertThrows(IOException.class, () -> MetricsCsv.read(bad));
        assertTrue(e.getMessage().startsWith(bad + ":2: bad number"), e.getMessage());
    }
}
