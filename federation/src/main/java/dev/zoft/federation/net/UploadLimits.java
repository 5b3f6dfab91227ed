package dev.zoft.federation.net;

/**
 * Bounds every upload must respect (beyond its shape, which the round fixes).
 *
 * @param maxAbsScalar   largest accepted |projected gradient| (a finite positive bound; a poisoned or
 *                       diverged client sends huge values)
 * @param maxSampleCount largest accepted sample count (the aggregation weight a client claims)
 * @param maxBodyBytes   largest request body read; larger ones are refused before being read
 */
public record UploadLimits(double maxAbsScalar, int maxSampleCount, int maxBodyBytes) {

    /** |g| ≤ 10⁶, at most 10⁷ examples, 1 MiB bodies. */
    public static UploadLimits defaults() {
        return new UploadLimits(1e6, 10_000_000, 1 << 20);
    }

    public UploadLimits {
        if (!(maxAbsScalar > 0) || !Double.isFinite(maxAbsScalar)) {
            throw new IllegalArgumentException("max |scalar| must be finite and positive, got " + maxAbsScalar);
        }
        if (maxSampleCount < 1 || maxBodyBytes < 64) {
            throw new IllegalArgumentException("need max sample count ≥ 1 and max body ≥ 64 bytes, got "
                    + maxSampleCount + ", " + maxBodyBytes);
        }
    }
}
