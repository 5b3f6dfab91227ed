package dev.zoft.zo.estimate;

import dev.zoft.zo.params.Scope;

/**
 * Deterministic derivation of seeds: a round seed gives step seeds, a step seed gives direction
 * seeds. Everyone holding the parent seed derives the same children, so only parent seeds and
 * scalars need to travel.
 *
 * <p>Definition: {@code mix(x)} is the SplitMix64 finalizer (Stafford's variant 13:
 * {@code x ^= x >>> 30; x *= 0xBF58476D1CE4E5B9; x ^= x >>> 27; x *= 0x94D049BB133111EB;
 * x ^= x >>> 31}). Then
 * {@code derive(parent, domain, index) = mix(mix(parent + (domain + 1)·γ) + (index + 1)·γ)} with
 * γ = 0x9E3779B97F4A7C15 (the golden-ratio increment), all arithmetic mod 2⁶⁴. Domains:
 * <ul>
 *   <li>{@link #direction}{@code (step, scope, p)}: domain = the scope's code (0 ALL, 1 BLOCK1,
 *       2 BLOCK2), so block 1's and block 2's directions of one step are distinct streams;</li>
 *   <li>{@link #step}{@code (round, s)}: domain {@value #STEP_DOMAIN}.</li>
 * </ul>
 */
public final class Seeds {

    /** The domain of step seeds derived from a round (or run) seed. */
    public static final long STEP_DOMAIN = 16;

    private static final long GAMMA = 0x9E3779B97F4A7C15L;

    private Seeds() {
    }

    /** The SplitMix64 finalizer: a bijection of 64-bit values that mixes every bit into every other. */
    public static long mix(long x) {
        x = (x ^ (x >>> 30)) * 0xBF58476D1CE4E5B9L;
        x = (x ^ (x >>> 27)) * 0x94D049BB133111EBL;
        return x ^ (x >>> 31);
    }

    /** The child seed number {@code index} of {@code parent} in {@code domain}. */
    public static long derive(long parent, long domain, long index) {
        return mix(mix(parent + (domain + 1) * GAMMA) + (index + 1) * GAMMA);
    }

    /** The seed of direction {@code index} (from 0) on {@code scope} in the step seeded {@code stepSeed}. */
    public static long direction(long stepSeed, Scope scope, int index) {
        return derive(stepSeed, scope.ordinal(), index);
    }

    /** The seed of local step {@code step} (from 0) of a round or run seeded {@code roundSeed}. */
    public static long step(long roundSeed, long step) {
        return derive(roundSeed, STEP_DOMAIN, step);
    }
}
