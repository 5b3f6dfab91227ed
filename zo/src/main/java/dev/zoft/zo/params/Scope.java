package dev.zoft.zo.params;

/**
 * Which parameters a perturbation direction covers. The direction itself is always the global
 * {@code z(seed, i)}; a scope restricts it to the indices of one view of the trainable parameters.
 * The ordinal is the on-disk code of the scope in a seed log: never reorder.
 */
public enum Scope {
    /** Every trainable parameter (MeZO). */
    ALL,
    /** The trainable parameters of block 1 (embeddings and first layers). */
    BLOCK1,
    /** The trainable parameters of block 2 (remaining layers and head). */
    BLOCK2;

    /** The scope with on-disk code {@code code}, or null if there is none. */
    public static Scope ofCode(int code) {
        Scope[] all = values();
        return code >= 0 && code < all.length ? all[code] : null;
    }
}
