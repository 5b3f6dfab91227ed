package dev.zoft.perf.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferenceScriptTest {

    @Test
    void theScriptMeasuresOnlyTheGroupsAndThreadCountsTheRowsNeed() {
        ReferenceScript s = new ReferenceScript("/usr/bin/python3", Path.of("perf/reference/reference.py"));
        List<Row> rows = BenchOptions.parse(new String[]{"--only", "gemm,generator"}, Path.of(".")).select(Rows.all());
        List<String> cmd = s.command(rows, true, Path.of("out.json"));
        assertEquals(List.of("/usr/bin/python3", "perf/reference/reference.py", "--out", "out.json",
                "--only", "perturb,sgemm", "--threads", "1,2", "--quick"), cmd);
        List<Row> noReference = BenchOptions.parse(new String[]{"--only", "generator-fill-gaussian"}, Path.of(".")).select(Rows.all());
        assertNull(s.command(noReference, false, Path.of("out.json")));
    }

    @Test
    void aMissingScriptIsNamed(@TempDir Path dir) {
        Path script = dir.resolve("reference.py");
        ReferenceScript s = new ReferenceScript("/usr/bin/python3", script);
        IOException e = assertThrows(IOException.class, () -> s.measure(Rows.all(), true, dir.resolve("r.json")));
        assertTrue(e.getMessage().contains(script.toString()), e.getMessage());
    }
}
