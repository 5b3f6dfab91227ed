package dev.zoft.federation.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.federation.WeightedMean;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

/** {@code mean}, {@code median}, {@code trimmed:β}: parsing, formatting, what they create, bad text. */
class AggregatorSpecTest {

    @Test
    void parsesTheThreeForms() {
        assertEquals(AggregatorSpec.mean(), AggregatorSpec.parse("mean"));
        assertInstanceOf(WeightedMean.class, AggregatorSpec.parse(" MEAN ").create());
        assertInstanceOf(CoordinateMedian.class, AggregatorSpec.parse("median").create());
        AggregatorSpec t = AggregatorSpec.parse("trimmed:0.2");
        assertEquals(new AggregatorSpec.Trimmed(0.2), t);
        assertEquals(0.2, ((TrimmedMean) t.create()).beta());
        assertEquals("trimmed:0.2", t.format());
        assertEquals("median", AggregatorSpec.parse("Median").format());
        assertEquals(new AggregatorSpec.Trimmed(0), AggregatorSpec.parse("trimmed:0"));
    }

    @Property(tries = 200)
    void formatAndParseAreInverse(@ForAll @DoubleRange(min = 0, max = 0.5, maxIncluded = false) double beta) {
        AggregatorSpec s = new AggregatorSpec.Trimmed(beta);
        assertEquals(s, AggregatorSpec.parse(s.format()));
    }

    @Test
    void badTextNamesTheProblem() {
        for (String bad : new String[] {"", "max", "trimmed", "trimmed:", "trimmed:abc", "trimmed:0.5", "trimmed:-0.1",
                "trimmed:NaN", "trimmed:Infinity", "median:0.2", "mean "+"x"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AggregatorSpec.parse(bad), bad);
            assertTrue(e.getMessage().contains(bad.strip().isEmpty() ? "aggregator" : bad), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new AggregatorSpec.Trimmed(0.5));
    }
}
