package dev.zoft.federation.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.federation.protocol.RoundAggregate;
import dev.zoft.federation.protocol.RoundRecord;
import dev.zoft.federation.protocol.StepScalars;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;

/**
 * The RDP accountant against closed forms and the exact privacy curve of the Gaussian mechanism.
 *
 * <p>Oracles: (1) T Gaussian mechanisms with noise z × sensitivity have RDP Tα/(2z²) (Mironov 2017,
 * Prop. 7 and 1); (2) with Mironov's conversion the optimum over a continuous α is
 * ρ + 2√(ρ ln(1/δ)) with ρ = T/(2z²) (zCDP, Bun and Steinke 2016, Prop. 1.3); (3) the exact
 * (ε, δ) of the Gaussian mechanism (Balle and Wang, ICML 2018, Thm. 8):
 * δ(ε) = Φ(μ/2 − ε/μ) − e^ε Φ(−μ/2 − ε/μ) with μ = √T / z, since T Gaussians compose to one with
 * μ = √T/z. Its published figure: for ε = 1, δ = 10⁻⁵ and sensitivity 1 the analytic Gaussian
 * needs σ = 3.73 where the classical bound √(2 ln(1.25/δ))/ε asks 4.84.
 */
class RdpAccountantTest {

    private static final NormalDistribution PHI = new NormalDistribution(0, 1);

    /** Exact δ(ε) of a Gaussian mechanism with sensitivity/noise μ. */
    static double exactDelta(double epsilon, double mu) {
        return PHI.cumulativeProbability(mu / 2 - epsilon / mu)
                - Math.exp(epsilon) * PHI.cumulativeProbability(-mu / 2 - epsilon / mu);
    }

    /** The smallest ε with exactDelta(ε, μ) ≤ δ, by bisection. */
    static double exactEpsilon(double mu, double delta) {
        double lo = 0;
        double hi = 1000;
        for (int i = 0; i < 200; i++) {
            double mid = (lo + hi) / 2;
            if (exactDelta(mid, mu) > delta) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }

    @Test
    void theExactOracleReproducesThePublishedAnalyticGaussianFigure() {
        double lo = 1;
        double hi = 10;
        for (int i = 0; i < 100; i++) {
            double sigma = (lo + hi) / 2;
            if (exactDelta(1, 1 / sigma) > 1e-5) {
                lo = sigma;
            } else {
                hi = sigma;
            }
        }
        assertEquals(3.73, hi, 0.005);
        assertEquals(4.84, Math.sqrt(2 * Math.log(1.25 / 1e-5)), 0.005);
    }

    @Property(tries = 100)
    void composedGaussianRdpIsTAlphaOverTwoZSquaredAtEveryOrder(@ForAll @DoubleRange(min = 0.3, max = 20) double z,
                                                               @ForAll @IntRange(min = 0, max = 5000) int t) {
        RdpAccountant acc = new RdpAccountant();
        // Composed in two parts: composition adds.
        acc.gaussian(z, t / 2).gaussian(z, t - t / 2);
        double[] orders = acc.orders();
        double[] rdp = acc.rdp();
        for (int i = 0; i < orders.length; i++) {
            assertEquals(t * orders[i] / (2 * z * z), rdp[i], 1e-12 * rdp[i]);
        }
    }

    @Property(tries = 100)
    void classicConversionMatchesTheZcdpClosedForm(@ForAll @DoubleRange(min = 0.5, max = 20) double z,
                                                  @ForAll @IntRange(min = 1, max = 2000) int t,
                                                  @ForAll @DoubleRange(min = 2, max = 9) double minusLog10Delta) {
        double delta = Math.pow(10, -minusLog10Delta);
        double rho = t / (2 * z * z);
        double log = Math.log(1 / delta);
        double closed = rho + 2 * Math.sqrt(rho * log);
        double alphaStar = 1 + Math.sqrt(log / rho);
        if (alphaStar > 250 || alphaStar < 1.02) {
            return; // the optimum lies beyond the grid's dense part; not this property's subject
        }
        double eps = new RdpAccountant().gaussian(z, t).epsilonClassic(delta).epsilon();
        // The grid can only miss the continuous optimum, and by little (orders 0.01 to 0.1 apart up to 11, 1 apart to 256).
        assertTrue(eps >= closed * (1 - 1e-12), eps + " < " + closed);
        assertTrue(eps <= closed * 1.02, eps + " vs " + closed);
    }

    /** The reported ε is a valid bound (the exact δ at it is ≤ δ) and within 15 % of the exact ε. */
    @Property(tries = 60)
    void theReportedEpsilonBoundsTheExactCurveTightly(@ForAll @DoubleRange(min = 0.5, max = 20) double z,
                                                     @ForAll @IntRange(min = 1, max = 1000) int t,
                                                     @ForAll @DoubleRange(min = 3, max = 8) double minusLog10Delta) {
        double delta = Math.pow(10, -minusLog10Delta);
        double mu = Math.sqrt(t) / z;
        // Beyond μ = 20 the oracle's e^ε·Φ(·) leaves the double range; ε is in the hundreds there anyway.
        Assume.that(mu <= 20);
        RdpAccountant.Epsilon e = new RdpAccountant().gaussian(z, t).epsilon(delta);
        double exact = exactEpsilon(mu, delta);
        assertTrue(exactDelta(e.epsilon(), mu) <= delta * (1 + 1e-9), "ε " + e + " does not hold at δ " + delta);
        assertTrue(e.epsilon() >= exact - 1e-9, e + " below the exact " + exact);
        assertTrue(e.epsilon() <= 1.15 * exact + 0.05, e + " vs exact " + exact);
        assertTrue(e.epsilon() <= new RdpAccountant().gaussian(z, t).epsilonClassic(delta).epsilon() + 1e-12);
    }

    @Test
    void knownValues() {
        // σ = 1, one run, δ = 1e-5: exact ε = 4.378; RDP with the improved conversion gives 4.729.
        assertEquals(4.3772, exactEpsilon(1, 1e-5), 1e-3);
        RdpAccountant.Epsilon one = new RdpAccountant().gaussian(1, 1).epsilon(1e-5);
        assertEquals(4.7285, one.epsilon(), 1e-3);
        // z = 2, 100 runs: exact 33.10, RDP 35.08.
        assertEquals(35.0818, new RdpAccountant().gaussian(2, 100).epsilon(1e-5).epsilon(), 1e-3);
        assertEquals(33.1037, exactEpsilon(Math.sqrt(100) / 2, 1e-5), 1e-3);
        // Nothing spent: ε = 0.
        assertEquals(0, new RdpAccountant().epsilon(1e-5).epsilon());
    }

    @Property(tries = 50)
    void moreNoiseOrFewerRoundsNeverCostMore(@ForAll @DoubleRange(min = 0.5, max = 10) double z,
                                            @ForAll @IntRange(min = 1, max = 500) int t) {
        double base = new RdpAccountant().gaussian(z, t).epsilon(1e-5).epsilon();
        assertTrue(new RdpAccountant().gaussian(z * 1.5, t).epsilon(1e-5).epsilon() <= base);
        assertTrue(new RdpAccountant().gaussian(z, t + 1).epsilon(1e-5).epsilon() >= base);
    }

    @Test
    void theReportIsThatOfTheClientThatTookPartMostOften() {
        DpSettings s = new DpSettings(1.0, 2.0, 1e-5);
        List<RoundRecord> log = new ArrayList<>();
        int[][] who = {{0, 1}, {1, 2}, {1, 3}, {0, 2}};
        for (int r = 0; r < who.length; r++) {
            log.add(new RoundRecord(new RoundAggregate(r + 1, 5, 0.1, StepScalars.of(1, 1, new float[] {0.5f})), who[r],
                    new double[] {0.5, 0.5}, List.of()));
        }
        PrivacyReport report = PrivacyReport.afterRounds(s, log, 4);
        assertEquals(3, report.maxParticipations(), "client 1 took part in 3 rounds");
        assertEquals(4, report.rounds());
        // σ = 2 over a sensitivity of 2C: z = 1.
        assertEquals(new RdpAccountant().gaussian(1, 3).epsilon(1e-5).epsilon(), report.epsilon());
        assertEquals(1, PrivacyReport.afterRounds(s, log, 1).maxParticipations());
        assertEquals(0, PrivacyReport.afterRounds(s, log, 0).epsilon());
        assertTrue(report.describe().contains("3 of 4 rounds"), report.describe());
        assertThrows(IllegalArgumentException.class, () -> PrivacyReport.afterRounds(s, log, 5));
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RdpAccountant().gaussian(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new RdpAccountant().gaussian(Double.NaN, 1));
        assertThrows(IllegalArgumentException.class, () -> new RdpAccountant().gaussian(1, -1));
        assertThrows(IllegalArgumentException.class, () -> new RdpAccountant().epsilon(0));
        assertThrows(IllegalArgumentException.class, () -> new RdpAccountant().epsilon(1));
        assertThrows(IllegalArgumentException.class, () -> new RdpAccountant(new double[] {1.0}));
        assertThrows(IllegalArgumentException.class, () -> new RdpAccountant(new double[0]));
        for (double[] bad : new double[][] {{0, 1, 1e-5}, {-1, 1, 1e-5}, {1, 0, 1e-5}, {1, Double.NaN, 1e-5},
                {Double.POSITIVE_INFINITY, 1, 1e-5}, {1, 1, 0}, {1, 1, 1}, {1e20, 1e20, 1e-5}}) {
            assertThrows(IllegalArgumentException.class, () -> new DpSettings(bad[0], bad[1], bad[2]),
                    java.util.Arrays.toString(bad));
        }
    }
}
