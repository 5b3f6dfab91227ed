package dev.zoft.tensor.random;

/** What a generator kernel does with each generated value. */
enum Mode {
    /** Store the raw 32-bit Philox word of each index (Gaussian counters only), as an int32. */
    RAW,
    /** Store z as an F32. */
    FILL,
    /** {@code θ ← θ + c·z} on F32 θ, computed as a float product then a float sum (no FMA). */
    AXPY
}
