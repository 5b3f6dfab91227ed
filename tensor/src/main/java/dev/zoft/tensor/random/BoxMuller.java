package dev.zoft.tensor.random;

/**
 * The scalar definition of the Box–Muller transform zoft uses, in float arithmetic.
 *
 * <p>Two 32-bit words {@code (a, b)} give two standard normal values
 * {@code (r·cos θ, r·sin θ)} with {@code r = sqrt(−2 ln u)} and {@code θ = 2π·v}:
 * <ul>
 *   <li>{@code u = ((a >>> 8) + 1) · 2⁻²⁴}, in (0, 1] so the logarithm is finite; only the top 24
 *       bits are used, so u is an exact float and {@code |z| ≤ sqrt(48 ln 2) ≈ 5.77} (a normal
 *       exceeds that with probability 8·10⁻⁹).</li>
 *   <li>{@code v = (b >>> 8) · 2⁻²⁴}, in [0, 1): a 24-bit fraction of a turn.</li>
 * </ul>
 *
 * <p>The transcendental functions are not {@code Math}'s nor the Vector API's: they are short
 * polynomials (Cephes' single-precision {@code logf}, {@code sinf} and {@code cosf} coefficients)
 * written with float {@code +}, {@code −}, {@code ×}, integer bit operations and a correctly
 * rounded square root only. Those are exactly rounded IEEE operations in scalar Java and in every
 * Vector API lane, so the vector kernels, which repeat the same operations in the same order, give
 * bit-identical values at every vector width; no fused multiply-add is used anywhere, for the
 * same reason. The argument reduction of the angle is exact: the top two bits of the rounded
 * turn fraction select the quadrant, and the rest is a fraction of a quarter turn in
 * [−½, ½) that converts to a float without rounding. The result is within a few float ulps of
 * the true Box–Muller value of the same (u, v) (the tests check it against {@code StrictMath}).
 *
 * <p>Changing any constant or operation order here changes every perturbation zoft has ever
 * drawn: seed logs would no longer replay. Treat it as a file format.
 */
final class BoxMuller {

    /** {@code u} and {@code v} are 24-bit fractions: {@code word >>> SHIFT}. */
    static final int SHIFT = 8;
    static final float TWO_POW_M24 = 0x1p-24f;

    // logf: ln(u) = ln(m) + e·ln 2 with m in [√½, √2), ln 2 split into an exact head and a tail.
    static final int SQRT_HALF_BITS = 0x3F3504F3;
    static final float LN2_HI = 0.693359375f;
    static final float LN2_LO = -2.12194440e-4f;
    static final float L8 = 7.0376836292e-2f;
    static final float L7 = -1.1514610310e-1f;
    static final float L6 = 1.1676998740e-1f;
    static final float L5 = -1.2420140846e-1f;
    static final float L4 = 1.4249322787e-1f;
    static final float L3 = -1.6668057665e-1f;
    static final float L2 = 2.0000714765e-1f;
    static final float L1 = -2.4999993993e-1f;
    static final float L0 = 3.3333331174e-1f;

    // Quarter-turn reduction of the 24-bit turn fraction.
    static final int HALF_QUARTER = 1 << 21;
    static final int QUARTER_MASK = (1 << 22) - 1;
    static final int QUARTER_SHIFT = 22;
    static final float TWO_POW_M22 = 0x1p-22f;
    static final float HALF_PI = 1.5707963267948966f;

    // sinf / cosf on [−π/4, π/4].
    static final float S3 = -1.9515295891e-4f;
    static final float S2 = 8.3321608736e-3f;
    static final float S1 = -1.6666654611e-1f;
    static final float C3 = 2.443315711809948e-5f;
    static final float C2 = -1.388731625493765e-3f;
    static final float C1 = 4.166664568298827e-2f;

    static final int SIGN = 0x8000_0000;

    private BoxMuller() {
    }

    /** {@code sqrt(−2 ln u)} for the uniform u of word a. */
    static float radius(int a) {
        float u = (float) ((a >>> SHIFT) + 1) * TWO_POW_M24;
        int bits = Float.floatToRawIntBits(u);
        int e = (bits - SQRT_HALF_BITS) >> 23;
        float m = Float.intBitsToFloat(bits - (e << 23));
        float f = m - 1f;
        float z = f * f;
        float p = L8;
        p = p * f + L7;
        p = p * f + L6;
        p = p * f + L5;
        p = p * f + L4;
        p = p * f + L3;
        p = p * f + L2;
        p = p * f + L1;
        p = p * f + L0;
        float fe = (float) e;
        float y = f * z * p;
        y = y + fe * LN2_LO;
        y = y + z * -0.5f;
        float ln = f + y;
        ln = ln + fe * LN2_HI;
        return (float) Math.sqrt(ln * -2f);
    }

    /**
     * Writes {@code r·cos θ} to {@code out[offset]} and {@code r·sin θ} to {@code out[offset + 1]}
     * for the pair of words (a, b).
     */
    static void pair(int a, int b, float[] out, int offset) {
        float r = radius(a);
        int w = (b >>> SHIFT) + HALF_QUARTER;
        int q = w >>> QUARTER_SHIFT;
        float x = (float) ((w & QUARTER_MASK) - HALF_QUARTER) * TWO_POW_M22 * HALF_PI;
        float xx = x * x;
        float ps = S3;
        ps = ps * xx + S2;
        ps = ps * xx + S1;
        float sin = x + x * xx * ps;
        float pc = C3;
        pc = pc * xx + C2;
        pc = pc * xx + C1;
        float cos = 1f - xx * 0.5f + xx * xx * pc;
        boolean swap = (q & 1) != 0;
        float cosTheta = flipSign(swap ? sin : cos, ((q + 1) & 2) << 30);
        float sinTheta = flipSign(swap ? cos : sin, (q & 2) << 30);
        out[offset] = r * cosTheta;
        out[offset + 1] = r * sinTheta;
    }

    private static float flipSign(float value, int signBit) {
        return Float.intBitsToFloat(Float.floatToRawIntBits(value) ^ signBit);
    }
}
