package dev.zoft.federation.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** {@link DirectionSchedule}: the linear form's endpoints, rounding and monotonicity; the piecewise form. */
class DirectionScheduleProperties {

    @Property
    void linearStartsAtFromEndsAtToAndMovesMonotonicallyByRoundedSteps(@ForAll @IntRange(min = 1, max = 64) int from,
                                                                       @ForAll @IntRange(min = 1, max = 64) int to,
                                                                       @ForAll @IntRange(min = 2, max = 500) int rounds) {
        DirectionSchedule s = DirectionSchedule.linear(from, to, rounds);
        assertEquals(from, s.at(1));
        assertEquals(to, s.at(rounds));
        assertEquals(to, s.at(rounds + 7), "after the last round the count stays at 'to'");
        int prev = s.at(1);
        for (int r = 1; r <= rounds; r++) {
            int c = s.at(r);
            double exact = from + (to - from) * (double) (r - 1) / (rounds - 1);
            assertTrue(Math.abs(c - exact) <= 0.5 + 1e-9, "round " + r + ": " + c + " vs " + exact);
            assertTrue(to >= from ? c >= prev : c <= prev, "monotone");
            assertTrue(c >= Math.min(from, to) && c <= s.max());
            prev = c;
        }
        assertEquals(from == to, s.isConstant());
    }

    @Example
    void linearRoundsHalvesUpAndNamesItself() {
        DirectionSchedule s = DirectionSchedule.linear(1, 2, 3);
        assertEquals(2, s.at(2), "1.5 rounds up");
        DirectionSchedule d = DirectionSchedule.linear(2, 8, 100);
        assertEquals("2..8/100r", d.describe());
        assertEquals("2to8in100", d.id());
        assertEquals(5, d.at(50)); // 2 + 6·49/99 = 4.97
        assertEquals(DirectionSchedule.linear(2, 8, 100), d);
        assertNotEquals(DirectionSchedule.linear(2, 8, 99), d);
        assertEquals(3, DirectionSchedule.linear(3, 9, 1).at(5), "a one-round run uses 'from'");
    }

    @Example
    void piecewiseUsesTheLastStartAtOrBeforeTheRound() {
        DirectionSchedule s = DirectionSchedule.piecewise(new int[] {1, 10, 20}, new int[] {2, 4, 8});
        assertEquals(2, s.at(1));
        assertEquals(2, s.at(9));
        assertEquals(4, s.at(10));
        assertEquals(4, s.at(19));
        assertEquals(8, s.at(20));
        assertEquals(8, s.at(1000));
        assertEquals(8, s.max());
        assertEquals("2@1;4@10;8@20", s.describe());
        assertEquals("2at1-4at10-8at20", s.id());
        assertTrue(DirectionSchedule.constant(3).isConstant());
    }

    @Example
    void rejectsBadSchedules() {
        assertThrows(IllegalArgumentException.class, () -> DirectionSchedule.linear(0, 4, 10));
        assertThrows(IllegalArgumentException.class, () -> DirectionSchedule.linear(1, DirectionSchedule.MAX_COUNT + 1, 10));
        assertThrows(IllegalArgumentException.class, () -> DirectionSchedule.linear(1, 4, 0));
        assertThrows(IllegalArgumentException.class, () -> DirectionSchedule.piecewise(new int[] {2}, new int[] {1}));
        assertThrows(IllegalArgumentException.class, () -> DirectionSchedule.piecewise(new int[] {1, 5, 5}, new int[] {1, 2, 3}));
        assertThrows(IllegalArgumentException.class, () -> DirectionSchedule.piecewise(new int[] {1, 5}, new int[] {1}));
        assertThrows(IllegalArgumentException.class, () -> DirectionSchedule.piecewise(new int[] {1}, new int[] {0}));
        assertThrows(IllegalArgumentException.class, () -> DirectionSchedule.piecewise(new int[0], new int[0]));
        assertThrows(IllegalArgumentException.class, () -> DirectionSchedule.constant(2).at(0));
    }

    @Example
    void aSpecsScheduleMustAgreeWithItsRoundOneCount() {
        MethodSpec decomfl = MethodSpec.of(MethodKind.DECOMFL, 2, 1, 1e-3f);
        assertThrows(IllegalArgumentException.class, () -> new MethodSpec(MethodKind.DECOMFL, 2, 1, 0, 1e-3f,
                decomfl.scales(), decomfl.clip(), DirectionSchedule.linear(3, 5, 10)));
        MethodSpec s = decomfl.withSchedule(DirectionSchedule.linear(3, 5, 10));
        assertEquals(3, s.p());
        assertEquals(5, s.directionsAt(10));
        assertEquals(5, s.estimatorAt(10).p1());
        assertEquals("decomfl P=3..5/10r eps=0.001", s.describe());
        MethodSpec f = MethodSpec.of(MethodKind.FEDSPZO, 2, 4, 1e-3f).withSchedule(DirectionSchedule.piecewise(new int[] {1, 3}, new int[] {1, 6}));
        assertEquals(1, f.p2());
        assertEquals(2, f.p());
        assertEquals(6, f.estimatorAt(3).p2());
        assertEquals("fedspzo P1=2 P2=1@1;6@3 eps=0.001", f.describe());
        // Schedules stay under the 65,536-directions-per-step cap at their largest count.
        assertThrows(IllegalArgumentException.class, () -> MethodSpec.of(MethodKind.FEDSPZO, 4096, 1, 1e-3f)
                .withSchedule(DirectionSchedule.linear(1, 32, 10)));
    }
}
