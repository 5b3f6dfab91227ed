package dev.zoft.federation.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.federation.method.DirectionSchedule;
import dev.zoft.federation.method.MethodKind;
import dev.zoft.federation.method.MethodSpec;
import dev.zoft.zo.estimate.BlockScales;
import dev.zoft.zo.estimate.ZoSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spec fields beyond the paper ({@code clip}, {@code eps1}/{@code eps2}/{@code lr1}/{@code lr2},
 * direction-count schedules): parsed into the method specs, carried by cell ids and settings, absent
 * = the old cells exactly, and rejected with the file's name where a method does not take them.
 */
class ExperimentSpecKnobsTest {

    private static ExperimentSpec read(Path dir, String json) throws IOException {
        Path f = dir.resolve("knobs.spec");
        Files.writeString(f, json);
        return ExperimentSpec.read(f);
    }

    private static String spec(String methods) {
        return "{ \"federation\": { \"rounds\": 10 }, \"seeds\": [1], \"methods\": [" + methods + "] }";
    }

    @Test
    void absentKnobsGiveTheOldSpecsAndIds(@TempDir Path dir) throws IOException {
        ExperimentSpec s = read(dir, spec("""
                { "method": "fedspzo", "p1": 1, "p2": 4, "eps": 1e-3, "lr": 1e-3 },
                { "method": "decomfl", "p": 2, "lr": 1e-3 }"""));
        List<ExperimentCell> cells = s.cells();
        assertEquals(MethodSpec.of(MethodKind.FEDSPZO, 1, 4, 1e-3f), cells.get(0).spec());
        assertEquals(MethodSpec.of(MethodKind.DECOMFL, 2, 1, 1e-3f), cells.get(1).spec());
        assertEquals("fedspzo_P1-1_P2-4_eps-0.001_lr-0.001_a-0.5_s-1", cells.get(0).id());
        assertEquals("decomfl_P-2_eps-0.001_lr-0.001_a-0.5_s-1", cells.get(1).id());
        assertEquals("fedspzo P1=1 P2=4 eps=0.001 lr=0.001", cells.get(0).setting());
    }

    @Test
    void knobsReachTheSpecsTheIdsAndTheSettings(@TempDir Path dir) throws IOException {
        ExperimentSpec s = read(dir, spec("""
                { "method": "fedspzo", "p1": 2, "p2": {"from": 2, "to": 8}, "eps": 1e-3, "eps1": 4e-3,
                  "lr2": [1, 0.5], "clip": 50, "lr": 1e-3 },
                { "method": "fedkseed", "k": 64, "p": {"rounds": [1, 5], "counts": [1, 3]}, "clip": 2.5, "lr": 1e-3 },
                { "method": "fedzo", "p": [2, {"from": 4, "to": 1}], "lr": 1e-3 }"""));
        List<ExperimentCell> cells = s.cells();
        assertEquals(5, cells.size());
        MethodSpec f = cells.get(0).spec();
        assertEquals(DirectionSchedule.linear(2, 8, 10), f.schedule());
        assertEquals(2, f.p2());
        assertEquals(8, f.directionsAt(10));
        assertEquals(new BlockScales(4e-3f, 1e-3f, 1, 1), f.scales());
        assertEquals(50f, f.clip());
        assertEquals(new BlockScales(4e-3f, 1e-3f, 1, 0.5), cells.get(1).spec().scales());
        assertEquals("fedspzo_P1-2_P2-2to8in10_eps-0.001_eps1-0.004_eps2-0.001_lr1-1_lr2-1_clip-50_lr-0.001_a-0.5_s-1",
                cells.get(0).id());
        assertEquals("fedspzo P1=2 P2=2..8/10r eps=0.001 eps1=0.004 eps2=0.001 lr1=1.0 lr2=1.0 clip=50.0 lr=0.001",
                cells.get(0).setting());
        MethodSpec k = cells.get(2).spec();
        assertEquals(DirectionSchedule.piecewise(new int[] {1, 5}, new int[] {1, 3}), k.schedule());
        assertEquals(2.5f, k.clip());
        assertEquals("fedkseed_K-64_P-1at1-3at5_eps-0.001_clip-2.5_lr-0.001_a-0.5_s-1", cells.get(2).id());
        assertNull(cells.get(3).spec().schedule());
        assertEquals(4, cells.get(4).spec().p());
        assertEquals(ZoSettings.NO_CLIP, cells.get(4).spec().clip());
        assertEquals("fedzo_P-4to1in10_eps-0.001_lr-0.001_a-0.5_s-1", cells.get(4).id());
    }

    @Test
    void fieldsAMethodDoesNotTakeAreErrorsNamingTheFile(@TempDir Path dir) throws IOException {
        String[][] bad = {
                {"{ \"method\": \"decomfl\", \"eps1\": 1e-3, \"lr\": 0.1 }", "'eps1' is FedSPZO's"},
                {"{ \"method\": \"fedkseed\", \"lr2\": 2, \"lr\": 0.1 }", "'lr2' is FedSPZO's"},
                {"{ \"method\": \"fedzo\", \"clip\": 0, \"lr\": 0.1 }", "clip must be a positive float"},
                {"{ \"method\": \"fedzo\", \"clip\": -1, \"lr\": 0.1 }", "clip must be a positive float"},
                {"{ \"method\": \"fedzo\", \"clip\": 1e300, \"lr\": 0.1 }", "clip must be a positive float"},
                {"{ \"method\": \"fedspzo\", \"eps2\": 0, \"lr\": 0.1 }", "epsilon must be positive"},
                {"{ \"method\": \"fedspzo\", \"lr1\": -1, \"lr\": 0.1 }", "factor must be finite"},
                {"{ \"method\": \"fedspzo\", \"p1\": {\"from\": 1, \"to\": 2}, \"lr\": 0.1 }", "must be a number"},
                {"{ \"method\": \"fedspzo\", \"p2\": {\"from\": 1}, \"lr\": 0.1 }", "needs both 'from' and 'to'"},
                {"{ \"method\": \"decomfl\", \"p\": {\"from\": 1, \"to\": 3, \"by\": 1}, \"lr\": 0.1 }", "unknown key 'by'"},
                {"{ \"method\": \"decomfl\", \"p\": {\"rounds\": [2], \"counts\": [1]}, \"lr\": 0.1 }", "must start at round 1"},
                {"{ \"method\": \"decomfl\", \"p\": {\"rounds\": [1, 3]}, \"lr\": 0.1 }", "'rounds' and 'counts'"},
                {"{ \"method\": \"decomfl\", \"p\": {\"from\": 0, \"to\": 3}, \"lr\": 0.1 }", "direction count must be 1"},
                {"{ \"method\": \"decomfl\", \"p\": [], \"lr\": 0.1 }", "empty list"},
        };
        for (String[] b : bad) {
            Path f = dir.resolve("bad.spec");
            Files.writeString(f, spec(b[0]));
            ExperimentSpecException e = assertThrows(ExperimentSpecException.class, () -> ExperimentSpec.read(f), b[0]);
            assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains(b[1]), e.getMessage());
        }
    }
}
