package dev.zoft.perf.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferenceFiguresTest {
    static final String SAMPLE = """
            {"schema": 1, "quick": true, "started": "2026-11-26T03:00:00Z",
             "environment": {"torch": "1.13.0a0", "numpy": "1.24.2",
                             "openblas_in_measurements": [{"core_type": "Cooperlake"}, {"core_type": "Cooperlake"}]},
             "figures": {"1": {"sgemm_numpy_gflops.1024x384x1536": 241.5, "minilm_mezo_outside_forward_fraction": 0.31},
                         "2": {"sgemm_numpy_gflops.1024x384x1536": 452.0}}}
            """;

    @Test
    void figuresAreKeyedByThreadsAndScaledIntoTheRowsUnit() {
        ReferenceFigures r = ReferenceFigures.parse(SAMPLE, "sample");
        assertEquals(241.5, r.figure(ReferenceKey.of("sgemm", 1, "sgemm_numpy_gflops.1024x384x1536")).getAsDouble());
        assertEquals(452.0, r.figure(ReferenceKey.of("sgemm", 2, "sgemm_numpy_gflops.1024x384x1536")).getAsDouble());
        assertEquals(31.0, r.figure(new ReferenceKey("mezo_minilm", 1, "minilm_mezo_outside_forward_fraction", 100)).getAsDouble(), 1e-12);
        assertTrue(r.figure(ReferenceKey.of("sgemm", 2, "minilm_mezo_outside_forward_fraction")).isEmpty());
        assertTrue(r.figure(ReferenceKey.of("sgemm", 3, "sgemm_numpy_gflops.1024x384x1536")).isEmpty());
        assertEquals("PyTorch 1.13.0a0, numpy 1.24.2, OpenBLAS core Cooperlake, quick run, started 2026-11-26T03:00:00Z", r.summary());
    }

    @Test
    void aFileThatIsNotTheScriptsOutputIsNamedInTheError(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"figures\": {\"1\": {\"x\": \"fast\"}}}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReferenceFigures.load(bad));
        assertTrue(e.getMessage().contains(bad.toString()) && e.getMessage().contains("\"x\""), e.getMessage());

        Files.writeString(bad, "{\"figures\": {\"one\": {}}}");
        e = assertThrows(IllegalArgumentException.class, () -> ReferenceFigures.load(bad));
        assertTrue(e.getMessage().contains("thread count"), e.getMessage());

        Files.writeString(bad, "[1, 2]");
        e = assertThrows(IllegalArgumentException.class, () -> ReferenceFigures.load(bad));
        assertTrue(e.getMessage().contains("no \"figures\""), e.getMessage());

        Files.writeString(bad, "{\"figures\": ");
        e = assertThrows(IllegalArgumentException.class, () -> ReferenceFigures.load(bad));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());

        Path missing = dir.resolve("missing.json");
        e = assertThrows(IllegalArgumentException.class, () -> ReferenceFigures.loadExisting(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void noReferenceHasNoFigures() {
        assertTrue(ReferenceFigures.none().figure(ReferenceKey.of("sgemm", 1, "anything")).isEmpty());
    }
}
