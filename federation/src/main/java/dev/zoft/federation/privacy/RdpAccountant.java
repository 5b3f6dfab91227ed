package dev.zoft.federation.privacy;

/**
 * A Rényi-DP accountant (Mironov, "Rényi Differential Privacy", CSF 2017): it adds up the RDP
 * curve ε(α) of every mechanism run, at a fixed grid of orders α, and converts the total to an
 * (ε, δ) guarantee.
 *
 * <ul>
 *   <li>Gaussian mechanism with noise deviation z times the L2 sensitivity: ε(α) = α / (2z²) at
 *       every order (Mironov 2017, Prop. 7). Composition adds the curves (Prop. 1).</li>
 *   <li>Conversion ({@link #epsilon}): ε = min over α of
 *       {@code ε(α) + ln((α − 1)/α) − (ln δ + ln α)/(α − 1)} (Balle, Barthe, Gaboardi, Hsu, Sato,
 *       "Hypothesis testing interpretations and Rényi DP", AISTATS 2020, Thm. 21; the conversion
 *       Opacus and TF Privacy use). {@link #epsilonClassic} is Mironov's
 *       {@code ε(α) + ln(1/δ)/(α − 1)}, never smaller.</li>
 * </ul>
 *
 * <p>No amplification by subsampling is claimed: the guarantee is against the server too, and the
 * server knows which clients it sampled, so a round a client takes part in costs it the full
 * mechanism and a round it skips costs nothing. The accountant is therefore run per client over
 * the rounds it took part in ({@link PrivacyReport}).
 */
public final class RdpAccountant {

    /**
     * The orders: 1.01 … 1.09, 1.1 … 10.9 in steps of 0.1, 11 … 256, then powers of two to 2²⁰
     * (small ε needs orders near 1, strong noise large ones).
     */
    public static final double[] DEFAULT_ORDERS = defaultOrders();

    private final double[] orders;
    private final double[] rdp;

    /** An accountant at the {@link #DEFAULT_ORDERS}, with nothing spent. */
    public RdpAccountant() {
        this(DEFAULT_ORDERS);
    }

    /** An accountant at the given orders (each &gt; 1), with nothing spent. */
    public RdpAccountant(double[] orders) {
        if (orders.length == 0) {
            throw new IllegalArgumentException("no RDP orders");
        }
        for (double a : orders) {
            if (!(a > 1) || !Double.isFinite(a)) {
                throw new IllegalArgumentException("RDP orders must be finite and > 1, got " + a);
            }
        }
        this.orders = orders.clone();
        this.rdp = new double[orders.length];
    }

    private static double[] defaultOrders() {
        double[] o = new double[9 + 99 + 246 + 12];
        int k = 0;
        for (int i = 1; i <= 9; i++) {
            o[k++] = 1 + i / 100.0;
        }
        for (int i = 1; i <= 99; i++) {
            o[k++] = 1 + i / 10.0;
        }
        for (int a = 11; a <= 256; a++) {
            o[k++] = a;
        }
        for (int e = 9; e <= 20; e++) {
            o[k++] = Math.scalb(1.0, e);
        }
        return o;
    }

    /** The RDP of the Gaussian mechanism at order α with noise deviation {@code z} × the sensitivity: α / (2z²). */
    public static double gaussianRdp(double alpha, double z) {
        return alpha / (2 * z * z);
    }

    /**
     * Accounts {@code times} runs of the Gaussian mechanism whose noise deviation is {@code z}
     * times its L2 sensitivity.
     */
    public RdpAccountant gaussian(double z, long times) {
        if (!(z > 0) || !Double.isFinite(z)) {
            throw new IllegalArgumentException("noise over sensitivity must be positive and finite, got " + z);
        }
        if (times < 0) {
            throw new IllegalArgumentException("negative composition count " + times);
        }
        for (int i = 0; i < orders.length; i++) {
            rdp[i] += times * gaussianRdp(orders[i], z);
        }
        return this;
    }

    /** The orders (a copy). */
    public double[] orders() {
        return orders.clone();
    }

    /** The accumulated RDP at each order (a copy). */
    public double[] rdp() {
        return rdp.clone();
    }

    /** An (ε, δ) guarantee and the order it was read at. */
    public record Epsilon(double epsilon, double order) {
    }

    /** The smallest ε over the orders for {@code delta}, with the improved conversion (see class notes). */
    public Epsilon epsilon(double delta) {
        checkDelta(delta);
        double logDelta = Math.log(delta);
        double best = Double.POSITIVE_INFINITY;
        double at = Double.NaN;
        for (int i = 0; i < orders.length; i++) {
            double a = orders[i];
            double e = rdp[i] + Math.log1p(-1 / a) - (logDelta + Math.log(a)) / (a - 1);
            if (e < best) {
                best = e;
                at = a;
            }
        }
        return new Epsilon(Math.max(0, best), at);
    }

    /** The smallest ε over the orders for {@code delta} with Mironov's conversion ε(α) + ln(1/δ)/(α − 1). */
    public Epsilon epsilonClassic(double delta) {
        checkDelta(delta);
        double best = Double.POSITIVE_INFINITY;
        double at = Double.NaN;
        for (int i = 0; i < orders.length; i++) {
            double e = rdp[i] - Math.log(delta) / (orders[i] - 1);
            if (e < best) {
                best = e;
                at = orders[i];
            }
        }
        return new Epsilon(best, at);
    }

    private static void checkDelta(double delta) {
        if (!(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException("δ must be in (0, 1), got " + delta);
        }
    }

    @Override
    public String toString() {
        return "RdpAccountant[" + orders.length + " orders]";
    }
}
