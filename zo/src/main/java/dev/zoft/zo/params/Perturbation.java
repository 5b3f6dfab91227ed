package dev.zoft.zo.params;

import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tensor.random.Distribution;
import dev.zoft.tensor.random.PerturbationGenerator;
import java.util.List;
import java.util.Objects;

/**
 * The in-place pass {@code θ_i ← θ_i + c·z(seed, i)} over every parameter of a {@link ParameterView}
 * (global index {@code i = entry.offset + j}), vectorized by {@link PerturbationGenerator#axpy} and
 * split across a {@link WorkerPool}.
 *
 * <p>The view's parameters, concatenated in view order, are cut into contiguous chunks (one per
 * worker, multiples of {@link #GRAIN} elements); each chunk runs the generator's axpy on the
 * segments of the tensors it overlaps. Because z depends on {@code (seed, i)} only and each element
 * is computed by the same float product and sum, the result is bit-identical for any thread count,
 * vector width and chunking.
 *
 * <p>A ZO step uses it for the perturbation ({@code c = +ε}), the flip ({@code −2ε}), the restore
 * ({@code +ε}), the update ({@code −η·g}) and the merged restore-and-update ({@code ε − η·g}). The
 * restore by {@code +ε} is not exact in float: after N perturb/flip/restore cycles the drift of
 * each parameter is bounded by {@link #cycleDriftBound}; use a {@link Snapshot} to go back exactly.
 */
public final class Perturbation {

    /** Elements per scheduling grain: 64 KB of F32, a multiple of every distribution's Philox block. */
    public static final long GRAIN = 1 << 14;

    /** Largest |z| of a Gaussian direction (Box–Muller with 24-bit uniforms, see the generator). */
    public static final double GAUSSIAN_MAX_ABS = 5.77;

    private final Distribution distribution;
    private final WorkerPool pool;
    private final PerturbationGenerator generator;

    /** A perturbation of law {@code distribution} at the configured vector width, run on {@code pool}. */
    public Perturbation(Distribution distribution, WorkerPool pool) {
        this(distribution, pool, PerturbationGenerator.configured());
    }

    /** As {@link #Perturbation(Distribution, WorkerPool)} with an explicit generator (vector width). */
    public Perturbation(Distribution distribution, WorkerPool pool, PerturbationGenerator generator) {
        this.distribution = Objects.requireNonNull(distribution, "distribution");
        this.pool = Objects.requireNonNull(pool, "pool");
        this.generator = Objects.requireNonNull(generator, "generator");
    }

    public Distribution distribution() {
        return distribution;
    }

    public WorkerPool pool() {
        return pool;
    }

    /**
     * {@code θ_i ← θ_i + c·z(seed, i)} for every parameter i of {@code view}.
     *
     * @throws IllegalArgumentException if {@code c} is not finite
     */
    public void axpy(ParameterView view, long seed, float c) {
        Objects.requireNonNull(view, "view");
        if (!Float.isFinite(c)) {
            throw new IllegalArgumentException("the coefficient c must be finite, got " + c);
        }
        List<ParameterView.Entry> entries = view.entries();
        int n = entries.size();
        long[] starts = new long[n + 1];
        for (int k = 0; k < n; k++) {
            starts[k + 1] = starts[k] + entries.get(k).tensor().numel();
        }
        pool.parallelFor(starts[n], GRAIN, (from, to) -> {
            for (int k = firstEntry(starts, from); k < n && starts[k] < to; k++) {
                long lo = Math.max(from, starts[k]) - starts[k];
                long hi = Math.min(to, starts[k + 1]) - starts[k];
                if (hi <= lo) {
                    continue;
                }
                ParameterView.Entry e = entries.get(k);
                generator.axpy(distribution, seed, e.offset() + lo, c,
                        e.tensor().segment().asSlice(lo * 4, (hi - lo) * 4), hi - lo);
            }
        });
    }

    /** Applies {@code update} to the view its scope names. */
    public void apply(Update update, ScopedViews views) {
        axpy(views.view(update.scope()), update.seed(), update.coefficient());
    }

    /** Applies {@code updates} in order. */
    public void applyAll(List<Update> updates, ScopedViews views) {
        for (Update u : updates) {
            apply(u, views);
        }
    }

    /** Index of the entry holding local position {@code pos} (the last k with {@code starts[k] <= pos}). */
    private static int firstEntry(long[] starts, long pos) {
        int lo = 0;
        int hi = starts.length - 2;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (starts[mid] <= pos) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /**
     * A guaranteed bound on {@code |θ_N − θ_0|} for one parameter after N cycles of
     * {@code +ε, −2ε, +ε} (each cycle with any direction), under round-to-nearest float arithmetic.
     *
     * <p>Derivation: with {@code a = fl(ε·z)} and {@code b = fl(−2ε·z)} ({@code b = −2a} exactly
     * unless the product is subnormal, and then {@code |b + 2a| ≤ 3η}), one cycle computes
     * {@code x1 = fl(θ + a)}, {@code x2 = fl(x1 + b)}, {@code x3 = fl(x2 + a)}. Rounding the exact
     * result y errs by at most {@code u·|y| + η} (u = 2⁻²⁴, η = 2⁻¹⁵⁰ for subnormal results). Writing
     * δ₁, δ₂, δ₃ for the three errors, {@code x3 = θ + (2a + b) + δ₁ + δ₂ + δ₃} and the exact results
     * are bounded by {@code |θ| + |a| + |δ₁| + |δ₂|}, so the cycle moves θ by at most
     * {@code Δ ≤ (3u(|θ| + |a|) + 6η) / (1 − 3u)}. Summing over N cycles with
     * {@code |θ_n| ≤ |θ_0| + D} (D the bound itself) and {@code |a| ≤ (1+u)·ε·zMax}, and solving for D:
     * {@code D ≤ N·(3u(|θ_0| + (1+u)ε·zMax) + 6η) / (1 − 3u(N + 1))}. It grows linearly in N; the
     * measured drift of random directions grows like √N and is far smaller.
     *
     * @param n        cycles (must satisfy {@code 3u(n + 1) < 1})
     * @param theta0   the parameter's starting value
     * @param epsilon  the perturbation scale ε
     * @param zMaxAbs  the largest |z| of the distribution ({@link #maxAbs})
     */
    public static double cycleDriftBound(long n, float theta0, float epsilon, double zMaxAbs) {
        double u = 0x1p-24;
        double eta = 0x1p-150;
        double denominator = 1 - 3 * u * (n + 1);
        if (n < 0 || denominator <= 0) {
            throw new IllegalArgumentException(n + " cycles is outside the range of the bound");
        }
        double aMax = (1 + u) * Math.abs(epsilon) * zMaxAbs;
        // Round the bound up: it is compared against exact float differences.
        return Math.nextUp(n * (3 * u * (Math.abs(theta0) + aMax) + 6 * eta) / denominator);
    }

    /** The largest |z| {@code distribution} produces. */
    public static double maxAbs(Distribution distribution) {
        return distribution == Distribution.RADEMACHER ? 1.0 : GAUSSIAN_MAX_ABS;
    }
}
