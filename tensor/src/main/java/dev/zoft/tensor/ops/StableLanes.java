package dev.zoft.tensor.ops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Lane operations whose result does not depend on how the JIT compiled the caller.
 *
 * <p>The Vector API leaves two things to the implementation: {@code reduceLanes(ADD)} on floats
 * may add lanes in any order, and {@code lanewise(EXP)} may call an intrinsic stub with other
 * rounding than the interpreter's fallback. Both change the bits of a result once C2 compiles the
 * kernel, so one JVM would compute two different losses for the same input. Everything here is
 * built from operations that IEEE 754 rounds exactly one way (add, mul, compare, blend,
 * conversions of exact integers, bit shifts), in a fixed order.
 */
final class StableLanes {
    private static final float LOG2E = 1.44269504088896341f;
    /** ln 2 split in a part with few bits (so {@code n·LN2_HI} is exact) and the rest (Cody–Waite). */
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5·2²³: adding and subtracting it rounds a float of magnitude < 2²² to the nearest integer. */
    private static final float ROUND_MAGIC = 12582912f;
    /** Below this e^x is under Float.MIN_NORMAL: the result is flushed to exactly 0. */
    private static final float EXP_LO = -87.33654f;
    /** Above this e^x overflows float. */
    private static final float EXP_HI = 88.72283f;

    private StableLanes() {
    }

    /** A thread's spill buffer for {@link #sum}: {@code lane(i)} with a variable i boxes the vector on every call. */
    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[16]);

    /** Σ lanes in lane order: lane 0 + lane 1 + … (one rounding per addition, always the same). */
    static float sum(FloatVector v) {
        float[] lanes = LANES.get();
        v.intoArray(lanes, 0);
        float s = lanes[0];
        for (int i = 1; i < v.length(); i++) {
            s += lanes[i];
        }
        return s;
    }

    /**
     * e^x per lane: Cody–Waite range reduction {@code x = n·ln2 + r}, the degree-6 minimax
     * polynomial of Cephes' {@code expf} for e^r on [−ln2/2, ln2/2], then scaling by 2^n built in the
     * exponent bits. Relative error about 1 ulp of float (tested against {@link Math#exp}); −∞ and
     * anything below {@value #EXP_LO} give exactly 0, anything above {@value #EXP_HI} +∞.
     */
    static FloatVector exp(FloatVector x) {
        VectorMask<Float> under = x.compare(VectorOperators.LT, EXP_LO);
        VectorMask<Float> over = x.compare(VectorOperators.GT, EXP_HI);
        FloatVector xc = x.max(EXP_LO).min(EXP_HI);
        FloatVector n = xc.mul(LOG2E).add(ROUND_MAGIC).sub(ROUND_MAGIC);
        FloatVector r = xc.sub(n.mul(LN2_HI)).sub(n.mul(LN2_LO));
        FloatVector p = r.mul(1.9875691500e-4f).add(1.3981999507e-3f);
        p = p.mul(r).add(8.3334519073e-3f);
        p = p.mul(r).add(4.1665795894e-2f);
        p = p.mul(r).add(1.6666665459e-1f);
        p = p.mul(r).add(5.0000001201e-1f);
        FloatVector y = p.mul(r.mul(r)).add(r).add(1f);
        // n ∈ [−126, 128]: split 2^n = 2^(n−h)·2^h with h = n/2 so each factor is a normal float.
        IntVector ni = (IntVector) n.convert(VectorOperators.F2I, 0);
        IntVector half = ni.lanewise(VectorOperators.ASHR, 1);
        FloatVector s1 = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = ni.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return y.mul(s1).mul(s2)
                .blend(0f, under)
                .blend(Float.POSITIVE_INFINITY, over);
    }
}
