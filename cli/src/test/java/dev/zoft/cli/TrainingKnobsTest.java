package dev.zoft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.zo.estimate.BlockScales;
import dev.zoft.zo.estimate.FedSpzo;
import dev.zoft.zo.estimate.MeZo;
import dev.zoft.zo.estimate.ZoSettings;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The beyond-the-paper flags of {@link TrainingOptions}: --clip, --eps1, --eps2, --lr1, --lr2. */
class TrainingKnobsTest {

    private static TrainingOptions parse(String... argv) {
        Args a = Args.parse(List.of(argv), TrainingOptions.withValued(), Set.of());
        return TrainingOptions.parse(a, TrainingOptions.Defaults.FINETUNE);
    }

    private static String usageError(String... argv) {
        return assertThrows(UsageException.class, () -> parse(argv)).getMessage();
    }

    @Test
    void withoutTheFlagsTheKnobsAreOffAndTheHeaderIsAsBefore() {
        TrainingOptions o = parse("--eps", "2e-3");
        assertEquals(ZoSettings.NO_CLIP, o.clip());
        assertEquals(BlockScales.uniform(2e-3f), o.scales());
        assertTrue(o.describe().startsWith(o.estimator().describe() + ", lr "), o.describe());
        FedSpzo f = (FedSpzo) o.createEstimator();
        assertEquals(o.estimator().settings(), f.settings());
        assertEquals(BlockScales.uniform(2e-3f), f.scales());
        assertEquals(f.toString(), o.estimator().create().toString());
    }

    @Test
    void everyKnobReachesTheEstimatorAndTheHeader() {
        TrainingOptions o = parse("--clip", "5", "--eps1", "1e-2", "--lr1", "0", "--lr2", "2.5");
        assertEquals(5f, o.clip());
        assertEquals(new BlockScales(1e-2f, 1e-3f, 0, 2.5), o.scales(), "--eps2 defaults to --eps");
        FedSpzo f = (FedSpzo) o.createEstimator();
        assertEquals(5f, f.settings().clip());
        assertEquals(o.scales(), f.scales());
        assertTrue(o.describe().startsWith(o.estimator().describe() + " eps1=0.01 eps2=0.001 lr1=0.0 lr2=2.5 clip=5.0, lr "),
                o.describe());
        // Clip alone: the scales stay uniform and only the bound shows.
        TrainingOptions c = parse("--clip", "0.25");
        assertTrue(c.describe().startsWith(c.estimator().describe() + " clip=0.25, lr "), c.describe());
        // MeZO takes the clip.
        MeZo m = (MeZo) parse("--estimator", "mezo", "--clip", "3").createEstimator();
        assertEquals(3f, m.settings().clip());
    }

    @Test
    void badValuesAreUsageErrorsNamingTheFlag() {
        assertTrue(usageError("--clip", "0").startsWith("--clip: the clipping bound must be positive"), usageError("--clip", "0"));
        assertTrue(usageError("--clip", "-1").startsWith("--clip: the clipping bound must be positive"));
        assertTrue(usageError("--clip", "NaN").contains("--clip must be between"));
        assertTrue(usageError("--clip", "Infinity").contains("--clip must be between"));
        assertTrue(usageError("--clip", "1e39").contains("--clip must fit a float"));
        assertTrue(usageError("--clip", "x").contains("--clip must be a number, got 'x'"));
        for (String flag : new String[] {"--eps1", "--eps2"}) {
            assertTrue(usageError(flag, "0").startsWith(flag + ": a block's epsilon must be positive and finite"), flag);
            assertTrue(usageError(flag, "-1e-3").startsWith(flag + ": a block's epsilon must be positive"), flag);
            assertTrue(usageError(flag, "1e-50").startsWith(flag + ": a block's epsilon must be positive"), "underflows to 0");
            assertTrue(usageError(flag, "NaN").contains(flag + " must be between"), flag);
            assertTrue(usageError(flag, "3e38").startsWith(flag + ": a block's epsilon must be positive and finite"),
                    "2ε overflows");
        }
        for (String flag : new String[] {"--lr1", "--lr2"}) {
            assertTrue(usageError(flag, "-0.5").startsWith(flag + ": a block's learning-rate factor must be finite and ≥ 0"), flag);
            assertTrue(usageError(flag, "Infinity").contains(flag + " must be between"), flag);
        }
    }

    @Test
    void mezoRefusesThePerBlockFlags() {
        for (String flag : new String[] {"--eps1", "--eps2", "--lr1", "--lr2"}) {
            String e = usageError("--estimator", "mezo", flag, "1");
            assertEquals(flag + ": mezo has one block: eps1/eps2/lr1/lr2 are FedSPZO's", e);
        }
        // Even a value equal to the default: the flag has no meaning there.
        assertTrue(usageError("--estimator", "mezo", "--eps", "1e-3", "--eps1", "1e-3").contains("mezo has one block"));
    }

    @Property(tries = 60)
    void anyPositiveFiniteBoundIsTakenExactly(@ForAll @FloatRange(min = 1, max = 10) float mantissa,
                                              @ForAll @IntRange(min = -30, max = 30) int exponent) {
        float bound = (float) (mantissa * Math.pow(10, exponent));
        TrainingOptions o = parse("--clip", Float.toString(bound));
        assertEquals(bound, o.clip());
        assertEquals(bound, o.createEstimator().settings().clip());
    }

    @Property(tries = 60)
    void anyValidBlockScalesRoundTripThroughTheFlags(@ForAll @FloatRange(min = 1, max = 10) float m1,
                                                      @ForAll @IntRange(min = -8, max = -1) int e1,
                                                      @ForAll @FloatRange(min = 1, max = 10) float m2,
                                                      @ForAll @IntRange(min = -8, max = -1) int e2,
                                                      @ForAll @DoubleRange(min = 0, max = 100) double lr1,
                                                      @ForAll @DoubleRange(min = 0, max = 100) double lr2) {
        float eps1 = (float) (m1 * Math.pow(10, e1));
        float eps2 = (float) (m2 * Math.pow(10, e2));
        TrainingOptions o = parse("--eps1", Float.toString(eps1), "--eps2", Float.toString(eps2),
                "--lr1", Double.toString(lr1), "--lr2", Double.toString(lr2));
        BlockScales want = new BlockScales(eps1, eps2, lr1, lr2);
        assertEquals(want, o.scales());
        assertEquals(want, ((FedSpzo) o.createEstimator()).scales());
        assertEquals(!want.isUniform(o.estimator().epsilon()), o.describe().contains(" eps1="), o.describe());
    }

    @Property(tries = 40)
    void anyNegativeFactorIsRefusedNamingItsFlag(@ForAll @DoubleRange(min = 1, max = 10) double mantissa,
                                                 @ForAll @IntRange(min = -9, max = 6) int exponent) {
        double f = -mantissa * Math.pow(10, exponent);
        for (String flag : new String[] {"--lr1", "--lr2"}) {
            String e = usageError(flag, String.format(Locale.ROOT, "%s", f));
            assertTrue(e.startsWith(flag + ": "), e);
        }
    }
}
