package dev.zoft.federation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.federation.protocol.ClientUpload;
import dev.zoft.federation.protocol.ProtocolException;
import dev.zoft.federation.protocol.RoundPlan;
import dev.zoft.federation.protocol.RoundRecord;
import dev.zoft.federation.protocol.StepScalars;
import dev.zoft.tensor.random.Distribution;
import dev.zoft.zo.estimate.LearningRate;
import dev.zoft.zo.estimate.MeZo;
import dev.zoft.zo.estimate.Seeds;
import dev.zoft.zo.estimate.ZoSettings;
import dev.zoft.zo.log.SeedLog;
import dev.zoft.zo.params.Update;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The server's bookkeeping without a model: selection, plans, validation, aggregation, the log. */
class ServerTest {

    private static final MeZo MEZO = new MeZo(2, ZoSettings.gaussian(1e-3f));

    private static Server server(int clients, int perRound, int steps) {
        SeedLog.Header h = new SeedLog.Header("none", new byte[32], Distribution.GAUSSIAN, "test", 10);
        return new Server(clients, perRound, steps, 4, LearningRate.constant(0.5), 99, MEZO, new WeightedMean(),
                RoundLog.inMemory(h));
    }

    private static ClientUpload upload(int round, int client, int samples, float... scalars) {
        return new ClientUpload(round, client, samples, StepScalars.of(scalars.length / 2, 2, scalars), 0.7);
    }

    @Test
    void selectionPicksDistinctClientsUniformlyAndReproducibly() {
        int[] counts = new int[10];
        for (int round = 1; round <= 2000; round++) {
            int[] chosen = Server.select(10, 3, FederationSeeds.selection(5, round));
            assertEquals(3, chosen.length);
            assertTrue(chosen[0] < chosen[1] && chosen[1] < chosen[2], Arrays.toString(chosen));
            assertTrue(chosen[0] >= 0 && chosen[2] < 10);
            for (int c : chosen) {
                counts[c]++;
            }
            assertArrayEquals(chosen, Server.select(10, 3, FederationSeeds.selection(5, round)));
        }
        // 600 expected per client; a binomial sd of ~20.
        for (int c : counts) {
            assertEquals(600, c, 100, Arrays.toString(counts));
        }
        assertArrayEquals(new int[] {0, 1, 2, 3}, Server.select(4, 4, 1));
    }

    @Test
    void aggregateIsTheSampleWeightedMeanAndBecomesTheEstimatorsUpdates() throws IOException {
        Server s = server(5, 2, 1);
        Server.OpenRound open = s.startRound();
        assertEquals(1, open.round());
        assertEquals(FederationSeeds.round(99, 1), open.roundSeed());
        int[] c = open.clients();
        // Uploads in reverse order: the aggregate is computed in client order anyway.
        s.accept(upload(1, c[1], 3, 4f, -1f));
        s.accept(upload(1, c[0], 1, 0f, 3f));
        RoundRecord rec = s.finishRound();
        assertArrayEquals(new float[] {3f, 0f}, rec.aggregate().scalars().values());
        assertArrayEquals(new double[] {0.25, 0.75}, rec.weights());
        List<Update> expected = MEZO.updates(Seeds.step(open.roundSeed(), 0), new double[] {3, 0}, 0.5);
        assertEquals(expected, rec.updates());
        assertEquals(expected, s.log().seedLog().updates());
    }

    @Test
    void invalidUploadsAreRefusedAndNothingIsKept() throws ProtocolException {
        Server s = server(6, 2, 2);
        assertThrows(ProtocolException.class, () -> s.accept(upload(1, 0, 1, 1, 2, 3, 4)));
        int[] c = s.startRound().clients();
        int outsider = 0;
        while (Arrays.binarySearch(c, outsider) >= 0) {
            outsider++;
        }
        int notChosen = outsider;
        assertThrows(ProtocolException.class, () -> s.accept(upload(2, c[0], 1, 1, 2, 3, 4)), "wrong round");
        assertThrows(ProtocolException.class, () -> s.accept(upload(1, notChosen, 1, 1, 2, 3, 4)), "not chosen");
        assertThrows(ProtocolException.class, () -> s.accept(upload(1, c[0], 1, 1, 2)), "one step instead of two");
        assertEquals(0, s.uploadsReceived());
        s.accept(upload(1, c[0], 1, 1, 2, 3, 4));
        assertThrows(ProtocolException.class, () -> s.accept(upload(1, c[0], 1, 1, 2, 3, 4)), "duplicate");
        assertThrows(IllegalStateException.class, s::finishRound, "one upload missing");
        assertThrows(IllegalArgumentException.class, () -> s.plan(notChosen));
    }

    @Test
    void plansCarryExactlyTheRoundsTheClientHasNotBeenSent() throws IOException {
        Server s = server(4, 2, 1);
        int[] sent = new int[4];
        for (int r = 1; r <= 8; r++) {
            int[] c = s.startRound().clients();
            for (int id : c) {
                RoundPlan p = s.plan(id);
                assertEquals(r, p.round());
                assertEquals(r - 1 - sent[id], p.missing().size(), "client " + id + " in round " + r);
                if (!p.missing().isEmpty()) {
                    assertEquals(sent[id] + 1, p.missing().getFirst().round());
                    assertEquals(s.log().records().get(sent[id]).aggregate(), p.missing().getFirst());
                }
                sent[id] = r - 1;
                s.accept(upload(r, id, 1 + id, r, -r));
            }
            s.finishRound();
        }
        for (int id = 0; id < 4; id++) {
            assertEquals(8 - sent[id], s.catchUp(id).size());
            assertEquals(0, s.catchUp(id).size());
        }
    }
}
