package dev.zoft.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD width a kernel runs at. Every width runs on every host (the Vector API emulates widths
 * the CPU lacks, slowly), which is how the tests check each vector kernel at every width against
 * its scalar twin. Choose it with {@code -Dzoft.vector.bits=0|128|256|512}; by default the host's
 * preferred width.
 */
public enum VectorWidth {
    SCALAR(0),
    W128(128),
    W256(256),
    W512(512);

    /** System property selecting the width: 0 (scalar), 128, 256 or 512. */
    public static final String PROPERTY = "zoft.vector.bits";

    private final int bits;

    VectorWidth(int bits) {
        this.bits = bits;
    }

    public int bits() {
        return bits;
    }

    /** Float lanes per vector (1 for scalar). */
    public int floatLanes() {
        return bits == 0 ? 1 : bits / Float.SIZE;
    }

    /** The Vector API species of this width; scalar has none. */
    public VectorSpecies<Float> species() {
        return switch (this) {
            case SCALAR -> throw new IllegalStateException("the scalar width has no vector species");
            case W128 -> FloatVector.SPECIES_128;
            case W256 -> FloatVector.SPECIES_256;
            case W512 -> FloatVector.SPECIES_512;
        };
    }

    public static VectorWidth ofBits(int bits) {
        for (VectorWidth w : values()) {
            if (w.bits == bits) {
                return w;
            }
        }
        throw new IllegalArgumentException("unsupported vector width " + bits + " bits (use 0, 128, 256 or 512)");
    }

    /** The width named by {@value #PROPERTY}, else the host's preferred float species. */
    public static VectorWidth configured() {
        String v = System.getProperty(PROPERTY);
        if (v != null && !v.isBlank()) {
            try {
                return ofBits(Integer.parseInt(v.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("-D" + PROPERTY + "=" + v + " is not a number of bits (0, 128, 256 or 512)");
            }
        }
        return preferred();
    }

    /** The host's preferred width, clamped to the widths zoft knows. */
    public static VectorWidth preferred() {
        int bits = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        return bits >= 512 ? W512 : bits >= 256 ? W256 : bits >= 128 ? W128 : SCALAR;
    }
}
