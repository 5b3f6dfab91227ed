package dev.zoft.federation.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.federation.ClientCaps;
import dev.zoft.federation.DirectionCaps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code federation.slowClients}: parsed into every cell's {@code SimulationConfig}, absent = nobody capped, typos refused. */
class ExperimentSpecSlowClientsTest {

    private static ExperimentSpec read(Path dir, String slow) throws IOException {
        Path f = dir.resolve("slow.spec");
        Files.writeString(f, "{ \"federation\": { \"rounds\": 10" + (slow == null ? "" : ", \"slowClients\": " + slow)
                + " }, \"seeds\": [1], \"methods\": [ { \"method\": \"fedspzo\", \"p1\": 2, \"p2\": 4, \"lr\": 1e-3 },"
                + " { \"method\": \"decomfl\", \"p\": 4, \"lr\": 1e-3 } ] }");
        return ExperimentSpec.read(f);
    }

    @Test
    void slowClientsReachEveryCellsConfig(@TempDir Path dir) throws IOException {
        ExperimentSpec s = read(dir, "{\"every\": 3, \"p1\": 1, \"p2\": 2, \"p\": 2}");
        for (ExperimentCell cell : s.cells()) {
            ClientCaps caps = s.config(cell).clientCaps();
            assertEquals(new DirectionCaps(2, 1, 2), caps.of(2));
            assertEquals(new DirectionCaps(2, 1, 2), caps.of(5));
            assertNull(caps.of(0));
            assertNull(caps.of(4));
            assertEquals("every3:p=2,p1=1,p2=2", caps.describe());
        }
        ExperimentSpec onlyP2 = read(dir, "{\"every\": 2, \"p2\": 1}");
        assertEquals(DirectionCaps.fedSpzo(DirectionCaps.UNCAPPED, 1), onlyP2.base().clientCaps().of(1));
    }

    @Test
    void absentMeansNobodyCapped(@TempDir Path dir) throws IOException {
        assertEquals(ClientCaps.none(), read(dir, null).base().clientCaps());
    }

    @Test
    void malformedSlowClientsAreRefusedNamingTheFile(@TempDir Path dir) {
        String[][] bad = {
                {"{\"every\": 3, \"p1\": 1, \"speed\": 2}", "unknown key 'speed'"},
                {"{\"p1\": 1}", "needs 'every'"},
                {"{\"every\": 3}", "caps nothing"},
                {"{\"every\": 0, \"p1\": 1}", "'every' must be ≥ 1"},
                {"{\"every\": 2, \"p1\": 0}", "must be ≥ 1"},
                {"{\"every\": 2, \"p1\": 1.5}", "must be an integer"},
                {"3", "must be a JSON object"},
        };
        for (String[] b : bad) {
            ExperimentSpecException e = assertThrows(ExperimentSpecException.class, () -> read(dir, b[0]), b[0]);
            assertTrue(e.getMessage().contains(b[1]) && e.getMessage().contains("slow.spec"), e.getMessage());
        }
    }
}
