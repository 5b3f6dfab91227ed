package dev.zoft.federation.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/** The results CSV survives a round trip and refuses files that are not its own; specs never crash on bad bytes. */
class ResultsStoreTest {

    private static CellResult row(String id, double acc, long flops) {
        return new CellResult(id, "fedzo", "fedzo P=2 eps=0.001 lr=0.001", 0.5, 3, 10, 0.8, acc, acc, flops, 82.5, 413.25,
                2_000_000_000L, 1_000_000L, 14_201_856L, 12.5);
    }

    @Property(tries = 50)
    void rowsRoundTripThroughTheFile(@ForAll @DoubleRange(min = 0, max = 1) double acc,
                                     @ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long flops) throws IOException {
        Path dir = Files.createTempDirectory("results");
        try {
            Path f = dir.resolve("results.csv");
            ResultsStore s = ResultsStore.open(f);
            s.append(row("a", acc, flops));
            s.append(row("b", 1 - acc, flops / 2));
            ResultsStore again = ResultsStore.open(f);
            assertEquals(2, again.rows().size());
            assertTrue(again.has("a") && again.has("b"));
            CellResult a = again.rows().getFirst();
            assertEquals(flops, a.forwardFlops());
            assertEquals(acc, a.finalAccuracy(), 1e-6);
            assertThrows(IllegalArgumentException.class, () -> again.append(row("a", acc, flops)));
            assertEquals(List.of("results.csv"), Files.list(dir).map(p -> p.getFileName().toString()).toList(),
                    "no temporary file left behind");
        } finally {
            try (var s = Files.walk(dir)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
    void foreignOrDamagedFilesAreRefusedWithFileAndLine(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path f = dir.resolve("results.csv");
        Files.writeString(f, "round,steps\n1,2\n");
        IOException e = assertThrows(IOException.class, () -> ResultsStore.open(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        Files.writeString(f, CellResult.CSV_HEADER + "\n" + row("a", 0.5, 9).toCsvRow() + "\nb,fedzo,x,0.5\n");
        e = assertThrows(IOException.class, () -> ResultsStore.open(f));
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
        Files.writeString(f, CellResult.CSV_HEADER + "\n" + row("a", 0.5, 9).toCsvRow() + "\n" + row("a", 0.5, 9).toCsvRow() + "\n");
        e = assertThrows(IOException.class, () -> ResultsStore.open(f));
        assertTrue(e.getMessage().contains("repeats cell a"), e.getMessage());
    }

    @Property(tries = 200)
    void anyBytesAsASpecGiveASpecOrASpecError(@ForAll @Size(max = 300) byte[] bytes) throws IOException {
        Path f = Files.createTempFile("fuzz", ".spec");
        try {
            Files.write(f, bytes);
            try {
                ExperimentSpec.read(f);
            } catch (ExperimentSpecException expected) {
                // a clear refusal
            }
        } finally {
            Files.delete(f);
        }
    }

    @Property(tries = 200)
    void mutatedSpecsGiveASpecOrASpecError(@ForAll @LongRange(min = 0, max = 10_000) long position, @ForAll char c) throws IOException {
        String good = "{\"name\": \"x\", \"federation\": {\"clients\": 4, \"perRound\": 2, \"alpha\": [0.5, 0.1]},"
                + " \"seeds\": [1, 2], \"methods\": [{\"method\": \"fedkseed\", \"k\": 8, \"p\": 1, \"lr\": [0.1, 0.2]}]}";
        StringBuilder sb = new StringBuilder(good);
        sb.setCharAt((int) (position % good.length()), c);
        Path f = Files.createTempFile("fuzz", ".spec");
        try {
            Files.writeString(f, sb, StandardCharsets.UTF_8);
            try {
                ExperimentSpec.read(f);
            } catch (ExperimentSpecException expected) {
                assertTrue(expected.getMessage().startsWith(f.toString()), expected.getMessage());
            }
        } finally {
            Files.delete(f);
        }
    }
}
