package dev.zoft.federation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.federation.protocol.ClientUpload;
import dev.zoft.federation.protocol.CoverageMask;
import dev.zoft.federation.protocol.ProtocolException;
import dev.zoft.federation.protocol.StepScalars;
import dev.zoft.tensor.random.Distribution;
import dev.zoft.zo.estimate.Estimator;
import dev.zoft.zo.estimate.FedSpzo;
import dev.zoft.zo.estimate.LearningRate;
import dev.zoft.zo.estimate.MeZo;
import dev.zoft.zo.estimate.RestoreMode;
import dev.zoft.zo.estimate.ZoSettings;
import dev.zoft.zo.log.SeedLog;
import java.io.IOException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The sub-grids a capped client may cover: every mask {@link DirectionCaps} produces is allowed, and
 * the server refuses, with a {@link ProtocolException} naming the rule, masks that are not a sub-grid
 * of the round's estimator.
 */
class SubGridTest {

    static final ZoSettings Z = new ZoSettings(1e-3f, Distribution.GAUSSIAN, RestoreMode.SNAPSHOT, ZoSettings.NO_CLIP);

    static CoverageMask mask(int k, int... covered) {
        boolean[] b = new boolean[k];
        for (int i : covered) {
            b[i] = true;
        }
        return CoverageMask.of(b);
    }

    @Property(tries = 300)
    void everyCappedMaskIsAllowedAndScattersItsScalarsInPlace(@ForAll @IntRange(min = 1, max = 6) int p1,
                                                              @ForAll @IntRange(min = 1, max = 6) int p2,
                                                              @ForAll @IntRange(min = 1, max = 8) int c1,
                                                              @ForAll @IntRange(min = 1, max = 8) int c2,
                                                              @ForAll @IntRange(min = 0, max = 2) int kind) {
        Estimator round = switch (kind) {
            case 0 -> new MeZo(p1, Z);
            case 1 -> new FedSpzo(p1, p2, FedSpzo.Variant.NESTED, Z);
            default -> new FedSpzo(p1, p2, FedSpzo.Variant.DECOUPLED, Z);
        };
        DirectionCaps caps = new DirectionCaps(c1, c1, c2);
        Estimator capped = caps.capped(round);
        CoverageMask m = SubGrid.mask(round, capped);
        SubGrid.requireAllowed(round, m);
        assertEquals(capped.scalarsPerStep(), m.count());
        assertEquals(capped == round, m.isFull());
        double[] g = new double[capped.scalarsPerStep()];
        for (int i = 0; i < g.length; i++) {
            g[i] = i + 1;
        }
        double[] out = SubGrid.scatter(round, capped, g);
        // The capped scalars, in their order, are the covered coordinates in increasing order.
        int next = 0;
        for (int i = 0; i < out.length; i++) {
            if (m.covers(i)) {
                // Nested and MeZO keep the order; decoupled too (block 1's, then block 2's).
                assertEquals(++next, out[i], "coordinate " + i + " of " + round);
            } else {
                assertEquals(0.0, out[i]);
            }
        }
        assertEquals(g.length, next);
    }

    @Test
    void masksThatAreNotSubGridsAreRefused() {
        Estimator nested = new FedSpzo(2, 3, FedSpzo.Variant.NESTED, Z); // g[j·3 + k]
        Estimator decoupled = new FedSpzo(2, 3, FedSpzo.Variant.DECOUPLED, Z); // g1[0..2), g2 at 2..5
        Estimator mezo = new MeZo(3, Z);
        SubGrid.requireAllowed(nested, mask(6, 0, 1));
        SubGrid.requireAllowed(nested, mask(6, 0, 3));
        SubGrid.requireAllowed(decoupled, mask(5, 0, 2));
        SubGrid.requireAllowed(mezo, mask(3, 0, 1));
        for (CoverageMask bad : new CoverageMask[] {mask(6, 0, 2), mask(6, 1), mask(6, 0, 3, 4), mask(6, 3), mask(6, 0, 1, 3)}) {
            var e = assertThrows(IllegalArgumentException.class, () -> SubGrid.requireAllowed(nested, bad));
            assertTrue(e.getMessage().contains("not a sub-grid"), e.getMessage());
        }
        for (CoverageMask bad : new CoverageMask[] {mask(5, 0, 1), mask(5, 2, 3), mask(5, 1, 2), mask(5, 0, 3)}) {
            assertThrows(IllegalArgumentException.class, () -> SubGrid.requireAllowed(decoupled, bad), bad.toString());
        }
        assertThrows(IllegalArgumentException.class, () -> SubGrid.requireAllowed(mezo, mask(3, 1)));
        assertThrows(IllegalArgumentException.class, () -> SubGrid.requireAllowed(mezo, mask(3, 0, 2)));
        assertThrows(IllegalArgumentException.class, () -> SubGrid.requireAllowed(mezo, mask(4, 0)), "wrong K");
    }

    @Test
    void capsLowerToTheRoundsCountsAndOnlyApplyToMezoAndFedSpzo() {
        Estimator nested = new FedSpzo(2, 3, FedSpzo.Variant.NESTED, Z);
        assertSame(nested, DirectionCaps.fedSpzo(5, 9).capped(nested), "caps above the counts change nothing");
        assertSame(nested, DirectionCaps.mezo(1).capped(nested), "a MeZO cap does not touch FedSPZO");
        FedSpzo c = (FedSpzo) DirectionCaps.fedSpzo(1, 9).capped(nested);
        assertEquals(1, c.p1());
        assertEquals(3, c.p2());
        assertEquals("p1=1,p2=2", DirectionCaps.fedSpzo(1, 2).describe());
        assertEquals("p=3", DirectionCaps.mezo(3).describe());
        assertThrows(IllegalArgumentException.class, () -> DirectionCaps.fedSpzo(0, 1));
        assertThrows(IllegalArgumentException.class, () -> ClientCaps.every(0, DirectionCaps.mezo(1)));
        ClientCaps every3 = ClientCaps.every(3, DirectionCaps.mezo(1));
        assertArrayEquals(new boolean[] {false, false, true, false, false, true},
                new boolean[] {every3.of(0) != null, every3.of(1) != null, every3.of(2) != null, every3.of(3) != null,
                        every3.of(4) != null, every3.of(5) != null});
        assertEquals("every3:p=1", every3.describe());
        assertEquals(ClientCaps.every(3, DirectionCaps.fedSpzo(1, 2)), ClientCaps.parse(" 3:1:2 "));
        assertEquals(ClientCaps.every(2, DirectionCaps.mezo(4)), ClientCaps.parse("2:4"));
        assertEquals(DirectionCaps.fedSpzo(1, 2), DirectionCaps.parse("1:2"));
        assertEquals(DirectionCaps.mezo(3), DirectionCaps.parse("3"));
        for (String bad : new String[] {"3", "3:", "3:1:2:4", "0:1:2", "x:1", "3:1:0", "3:-1", ":1:2"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> ClientCaps.parse(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
        for (String bad : new String[] {"", "1:2:3", "0", "a:b", "2:0"}) {
            assertThrows(IllegalArgumentException.class, () -> DirectionCaps.parse(bad), bad);
        }
    }

    @Test
    void theServerRefusesAMaskTheRoundsEstimatorDoesNotAllow() throws IOException, ProtocolException {
        Estimator nested = new FedSpzo(2, 3, FedSpzo.Variant.NESTED, Z);
        try (RoundLog log = RoundLog.inMemory(new SeedLog.Header("m", new byte[32], Distribution.GAUSSIAN, "t", 10))) {
            Server s = new Server(3, 3, 1, 4, LearningRate.constant(0.1), 5, nested, new WeightedMean(), log);
            s.startRound();
            ClientUpload skewed = new ClientUpload(1, 0, 4, StepScalars.of(1, 6, new float[] {1, 0, 2, 0, 0, 0}), 0.1,
                    mask(6, 0, 2));
            ProtocolException e = assertThrows(ProtocolException.class, () -> s.accept(skewed));
            assertTrue(e.getMessage().contains("client 0") && e.getMessage().contains("not a sub-grid"), e.getMessage());
            assertEquals(0, s.uploadsReceived(), "nothing kept");
            // A proper sub-grid (j < 1, k < 2) and a full upload are accepted; coordinates nobody
            // covered (here: none) would be 0, and the covered ones average over their clients.
            s.accept(new ClientUpload(1, 0, 4, StepScalars.of(1, 6, new float[] {1, 3, 0, 0, 0, 0}), 0.1, mask(6, 0, 1)));
            s.accept(new ClientUpload(1, 1, 4, StepScalars.of(1, 6, new float[] {3, 5, 7, 1, 1, 1}), 0.1));
            s.accept(new ClientUpload(1, 2, 8, StepScalars.of(1, 6, new float[] {2, 2, 2, 2, 2, 2}), 0.1));
            StepScalars agg = s.finishRound().aggregate().scalars();
            assertArrayEquals(new float[] {(4f + 12 + 16) / 16, (12f + 20 + 16) / 16, (28f + 16) / 12, (4f + 16) / 12,
                    (4f + 16) / 12, (4f + 16) / 12}, agg.values());
        }
    }
}
