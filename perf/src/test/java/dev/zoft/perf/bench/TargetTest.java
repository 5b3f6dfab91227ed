package dev.zoft.perf.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalDouble;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Scale;
import org.junit.jupiter.api.Test;

class TargetTest {
    private static final Direction UP = Direction.HIGHER_IS_BETTER;
    private static final Direction DOWN = Direction.LOWER_IS_BETTER;

    @Test
    void advantageIsAboveOneWhenZoftIsAheadInEitherDirection() {
        assertEquals(2.0, UP.advantage(200, 100), 1e-12);    // twice the tokens/s
        assertEquals(2.0, DOWN.advantage(50, 100), 1e-12);   // half the ms
        assertEquals(0.5, DOWN.advantage(200, 100), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> UP.advantage(0, 1));
        assertThrows(IllegalArgumentException.class, () -> UP.advantage(1, Double.NaN));
    }

    @Test
    void relativeTargetsNeedTheReference() {
        Target t = Target.timesReference(1.8);
        assertEquals(Verdict.MET, t.check(1.8 * 7166, UP, OptionalDouble.of(7166)));
        assertEquals(Verdict.MISSED, t.check(1.7 * 7166, UP, OptionalDouble.of(7166)));
        assertEquals(Verdict.UNKNOWN, t.check(1e9, UP, OptionalDouble.empty()));
        assertEquals(Verdict.MET, Target.timesReference(3).check(622 / 3.0, DOWN, OptionalDouble.of(622)));
        assertEquals(Verdict.MISSED, Target.timesReference(3).check(622 / 2.9, DOWN, OptionalDouble.of(622)));
        assertEquals("≥ 1.80× ref", t.describe("tokens/s"));
    }

    @Test
    void boundsIgnoreTheReference() {
        assertEquals(Verdict.MET, Target.atMost(0.4, "").check(0.4, DOWN, OptionalDouble.empty()));
        assertEquals(Verdict.MISSED, Target.atMost(0.4, "").check(0.41, DOWN, OptionalDouble.of(100)));
        assertEquals(Verdict.MET, Target.atLeast(804.7, "llama.cpp").check(900, UP, OptionalDouble.empty()));
        assertEquals("≤ 0.400 ns/param", Target.atMost(0.4, "").describe("ns/param"));
        assertEquals("≥ 805 tokens/s (llama.cpp)", Target.atLeast(804.7, "llama.cpp").describe("tokens/s"));
        assertThrows(IllegalArgumentException.class, () -> Target.atMost(Double.NaN, ""));
    }

    @Test
    void allOfIsMetOnlyWhenEveryPartIs() {
        Target gemm = Target.allOf(Target.timesReference(1.0), Target.atLeast(0.85 * 269, "peak"));
        assertEquals(Verdict.MET, gemm.check(250, UP, OptionalDouble.of(240)));
        assertEquals(Verdict.MISSED, gemm.check(235, UP, OptionalDouble.of(240)));  // above 85 % of peak, below OpenBLAS
        assertEquals(Verdict.MISSED, gemm.check(200, UP, OptionalDouble.of(150)));  // above OpenBLAS, below 85 % of peak
        assertEquals(Verdict.UNKNOWN, gemm.check(250, UP, OptionalDouble.empty())); // the bound is met, the ratio unknown
        assertEquals(Verdict.MISSED, gemm.check(100, UP, OptionalDouble.empty()));  // a missed part is a miss regardless
        assertEquals(Verdict.UNKNOWN, Target.none().check(1, UP, OptionalDouble.of(1)));
        assertTrue(gemm.describe("GFLOP/s").contains(" and "));
    }

    @Property
    void advantagesAreReciprocalAndDirectionsMirror(@ForAll @DoubleRange(min = 1e-6, max = 1e6) @Scale(9) double a,
                                                    @ForAll @DoubleRange(min = 1e-6, max = 1e6) @Scale(9) double b) {
        assertEquals(1.0, UP.advantage(a, b) * UP.advantage(b, a), 1e-9);
        assertEquals(UP.advantage(a, b), DOWN.advantage(b, a), 1e-12 * UP.advantage(a, b));
    }

    @Property
    void aRelativeTargetIsMetExactlyWhenTheAdvantageReachesIt(@ForAll @DoubleRange(min = 1e-3, max = 1e5) @Scale(6) double zoft,
                                                             @ForAll @DoubleRange(min = 1e-3, max = 1e5) @Scale(6) double ref,
                                                             @ForAll @DoubleRange(min = 0.1, max = 5) double times,
                                                             @ForAll boolean higherIsBetter) {
        Direction d = higherIsBetter ? UP : DOWN;
        Verdict v = Target.timesReference(times).check(zoft, d, OptionalDouble.of(ref));
        assertEquals(d.advantage(zoft, ref) >= times ? Verdict.MET : Verdict.MISSED, v);
    }
}
