package dev.zoft.perf.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The row list against the benchmarks on main and against reference.py's groups and keys. */
class RowsTest {
    /** Benchmarks on main when the table was written: their rows must match them exactly. */
    private static final Set<String> ON_MAIN = Set.of("GemmBenchmark", "BertForwardBenchmark", "DecoderForwardBenchmark",
            "GeneratorBenchmark");

    @Test
    void idsAreUniqueAndEveryFamilyOfIssue4IsThere() {
        List<Row> rows = Rows.all();
        Set<String> ids = new HashSet<>();
        for (Row r : rows) {
            assertTrue(ids.add(r.id()), "duplicate row id " + r.id());
        }
        Set<String> groups = new HashSet<>();
        rows.forEach(r -> groups.add(r.group()));
        assertEquals(Set.of("peak", "gemm", "fused", "bert", "decoder", "generator", "perturbation", "zostep", "memory"), groups);
    }

    @Test
    void everyRowWhoseBenchmarkIsOnTheClasspathMatchesIt() {
        // A row for a benchmark not merged yet is skipped at run time; once merged it must match.
        ClassLoader loader = RowsTest.class.getClassLoader();
        Set<String> checked = new HashSet<>();
        for (Row r : Rows.all()) {
            for (BenchmarkSpec s : r.baseline() == null ? List.of(r.spec()) : List.of(r.spec(), r.baseline())) {
                BenchmarkSpec resolved = s.resolve(512, "W512");
                Optional<String> why = resolved.unavailable(loader);
                if (why.isPresent() && why.get().contains("not on the classpath")) {
                    assertFalse(ON_MAIN.contains(s.simpleName()), s.simpleName() + " is on main but not found");
                    continue;
                }
                why.ifPresent(w -> fail("row " + r.id() + ": " + w));
                if (s.isJmh()) {
                    assertTrue(resolved.pinnedForkArgs(loader).contains("--add-modules"),
                            "row " + r.id() + ": the benchmark's pinned @Fork flags are read");
                }
                checked.add(s.simpleName());
            }
        }
        assertTrue(checked.containsAll(ON_MAIN), "checked " + checked);
    }

    @Test
    void everyReferenceKeyIsOneTheScriptWrites() throws IOException {
        // Surefire runs in the module folder: perf/.
        Path script = Path.of("reference", "reference.py");
        assertTrue(Files.isRegularFile(script), "reference.py not found at " + script.toAbsolutePath());
        String source = Files.readString(script);
        Matcher m = Pattern.compile("GROUPS = \\(([^)]*)\\)").matcher(source);
        assertTrue(m.find(), "reference.py declares GROUPS");
        String groups = m.group(1);
        for (Row r : Rows.all()) {
            if (r.reference() == null) {
                continue;
            }
            assertTrue(groups.contains("\"" + r.reference().group() + "\""), "row " + r.id() + ": no group " + r.reference().group());
            String key = r.reference().key();
            String base = key.contains(".") ? key.substring(0, key.indexOf('.')) : key;
            String stem = base.startsWith("minilm_") || base.startsWith("smollm_") ? base.substring(base.indexOf('_')) : base;
            assertTrue(source.contains(stem), "row " + r.id() + ": reference.py never writes a key like " + key);
            if (key.startsWith("sgemm_")) {
                String[] mkn = key.substring(key.indexOf('.') + 1).split("x");
                assertTrue(source.contains("(" + mkn[0] + ", " + mkn[1] + ", " + mkn[2] + ")"), "SGEMM shape of " + key + " is measured");
            }
        }
    }

    @Test
    void rowsComparedWithTheReferenceHaveTheIssuesFigureOrAReason() {
        for (Row r : Rows.all()) {
            assertFalse(r.figure().isBlank());
            if (r.target() instanceof Target.TimesReference) {
                assertTrue(r.reference() != null, "row " + r.id() + " has a relative target but no reference");
            }
        }
    }
}
