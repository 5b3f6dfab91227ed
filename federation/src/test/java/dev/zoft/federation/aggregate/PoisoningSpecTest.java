package dev.zoft.federation.aggregate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.federation.protocol.ClientUpload;
import dev.zoft.federation.protocol.StepScalars;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The simulated attackers: who attacks, what each attack uploads, and the spec text. */
class PoisoningSpecTest {

    private static final ClientUpload HONEST = new ClientUpload(3, 4, 17,
            StepScalars.of(2, 2, new float[] {0.5f, -2f, 0f, 3e38f}), 0.61);

    @Test
    void eachAttackReplacesOnlyTheScalars() {
        ClientUpload flipped = Poisoning.parse("flip:10", 0.2).apply(HONEST, 1);
        // −10 × 3e38 leaves the float range: clamped to the largest finite float.
        assertArrayEquals(new float[] {-5f, 20f, -0f, -Float.MAX_VALUE}, flipped.scalars().values());
        assertEquals(HONEST.round(), flipped.round());
        assertEquals(HONEST.clientId(), flipped.clientId());
        assertEquals(HONEST.sampleCount(), flipped.sampleCount());
        assertEquals(HONEST.meanTrainLoss(), flipped.meanTrainLoss());
        assertArrayEquals(new float[] {-1e30f, -1e30f, -1e30f, -1e30f},
                Poisoning.parse("constant:-1e30", 0.5).apply(HONEST, 1).scalars().values());
        Poisoning random = Poisoning.parse("random:7", 0.5);
        float[] r = random.apply(HONEST, 1).scalars().values();
        for (float v : r) {
            assertTrue(v >= -7 && v <= 7, "random value " + v);
        }
        assertArrayEquals(r, random.apply(HONEST, 1).scalars().values(), "seeded by run, round and client");
        assertNotEquals(r[0], random.apply(HONEST, 2).scalars().values()[0]);
    }

    @Property(tries = 200)
    void theAttackersAreTheRoundedFractionOfTheClientsChosenByTheRunSeed(
            @ForAll @IntRange(min = 1, max = 200) int clients, @ForAll @DoubleRange(min = 0, max = 1) double fraction,
            @ForAll long seed) {
        Poisoning p = new Poisoning(Poisoning.Kind.FLIP, 2, fraction);
        boolean[] a = p.attackers(clients, seed);
        int count = 0;
        for (boolean b : a) {
            count += b ? 1 : 0;
        }
        assertEquals(Math.round(fraction * clients), count);
        assertArrayEquals(a, p.attackers(clients, seed));
    }

    @Test
    void theChoiceIsUniformAcrossRunSeeds() {
        int[] hits = new int[10];
        for (long seed = 0; seed < 5000; seed++) {
            boolean[] a = Poisoning.parse("flip:1", 0.3).attackers(10, seed);
            for (int c = 0; c < 10; c++) {
                hits[c] += a[c] ? 1 : 0;
            }
        }
        // 1,500 expected per client, binomial sd ≈ 32.
        for (int h : hits) {
            assertEquals(1500, h, 160, java.util.Arrays.toString(hits));
        }
    }

    @Test
    void specTextRoundTripsAndBadTextIsRefused() {
        assertEquals("flip:50.0", Poisoning.parse(" FLIP:50 ", 0.2).format());
        assertEquals(Poisoning.parse("random:1e3", 0.1), Poisoning.parse(Poisoning.parse("random:1e3", 0.1).format(), 0.1));
        for (String bad : new String[] {"flip", "flip:", "flip:x", "flip:0", "flip:-2", "random:0", "swap:1", "constant:NaN",
                "constant:Infinity", "constant:1e39", ":3"}) {
            assertThrows(IllegalArgumentException.class, () -> Poisoning.parse(bad, 0.2), bad);
        }
        for (double f : new double[] {-0.1, 1.1, Double.NaN}) {
            assertThrows(IllegalArgumentException.class, () -> Poisoning.parse("flip:2", f), "fraction " + f);
        }
    }
}
