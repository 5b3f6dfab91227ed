package dev.zoft.federation.cost;

import dev.zoft.zo.estimate.Estimator;
import dev.zoft.zo.estimate.FedSpzo;
import dev.zoft.zo.estimate.MeZo;
import dev.zoft.zo.estimate.RestoreMode;
import dev.zoft.zo.params.ScopedViews;

/**
 * The parameter passes of one step of the zo module's estimators, from their documented schedules
 * ({@link MeZo}, {@link FedSpzo}): the estimators do not report their perturbation and restore passes,
 * so these counts are the schedules written down once (the tests check them against what an
 * in-place step reports it applied, where every pass is listed). n = |all|, n1 = |block 1|, n2 = |block 2|.
 * <ul>
 *   <li>MeZO, P directions: 2P perturbation passes over n; P restores; P update passes over n;</li>
 *   <li>FedSPZO nested: 2·P1 passes over n1 and 2·P1·P2 over n2; P1 + P1·P2 restores; P1 + P2 updates;</li>
 *   <li>FedSPZO decoupled: 2·P1 over n1 and 2·P2 over n2; P1 + P2 restores; P1 + P2 updates.</li>
 * </ul>
 * In in-place mode each block's last restore carries that block's last update (one update pass fewer per
 * block) and restores draw z. A snapshot-mode step also copies the parameters once into its snapshot
 * (not a restore; not counted as a pass). A fused step makes no perturbation or restore pass: each of
 * its two evaluations per direction generates z inside the kernels (counted as draws), and its
 * updates are passes.
 */
public final class StepCosts {

    private StepCosts() {
    }

    /** Adds one step of {@code estimator} on {@code views} to {@code meter}. */
    public static void addStep(CostMeter meter, Estimator estimator, ScopedViews views) {
        boolean inPlace = estimator.settings().restore() == RestoreMode.IN_PLACE;
        boolean fused = estimator.settings().restore() == RestoreMode.FUSED;
        long n = views.all().size();
        long n1 = views.block1().size();
        long n2 = views.block2().size();
        switch (estimator) {
            case MeZo m -> directions(meter, m.directions(), n, m.directions(), inPlace, fused);
            case FedSpzo f when f.variant() == FedSpzo.Variant.NESTED -> {
                directions(meter, f.p1(), n1, f.p1(), inPlace, fused);
                directions(meter, (long) f.p1() * f.p2(), n2, f.p2(), inPlace, fused);
            }
            case FedSpzo f -> {
                directions(meter, f.p1(), n1, f.p1(), inPlace, fused);
                directions(meter, f.p2(), n2, f.p2(), inPlace, fused);
            }
            default -> throw new IllegalArgumentException("no pass schedule for " + estimator);
        }
    }

    /**
     * {@code evaluated} directions over a view of {@code size}: perturb + flip + restore each, then
     * {@code updates} update passes (in place, the last restore carries the last update).
     */
    static void directions(CostMeter meter, long evaluated, long size, int updates, boolean inPlace, boolean fused) {
        for (long d = 0; d < evaluated && fused; d++) {
            meter.fusedDraws(size);
            meter.fusedDraws(size);
        }
        for (long d = 0; d < evaluated && !fused; d++) {
            meter.perturb(size);
            meter.perturb(size);
            meter.restore(size, inPlace);
        }
        for (int u = 0; u < (inPlace ? updates - 1 : updates); u++) {
            meter.update(size);
        }
    }
}
