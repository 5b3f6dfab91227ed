package dev.zoft.federation.method;

import java.util.Locale;

/** The federated ZO methods zoft implements in one framework, with their spec/command-line names. */
public enum MethodKind {
    /**
     * MeZO-FedAvg / FedZO: every client draws its own direction seeds (derived from the round seed and
     * its id), runs S local MeZO steps, uploads (seed, scalar) pairs; the server applies every client's
     * pairs weighted by sample count.
     */
    FEDZO("fedzo"),
    /**
     * DeComFL: every client of a round uses the server's step seeds with P directions per step; the
     * server averages the scalars; clients return to the round's start and replay the aggregate.
     */
    DECOMFL("decomfl"),
    /** FedKSeed: directions drawn uniformly from a pool of K seeds; one accumulated scalar per seed. */
    FEDKSEED("fedkseed"),
    /** FedKSeed-Pro: as FedKSeed, seeds drawn with probabilities from their past mean |scalar|. */
    FEDKSEED_PRO("fedkseed-pro"),
    /** FedSPZO (the paper), nested: the zo module's {@code FedSpzo} over the shared-seed protocol. */
    FEDSPZO("fedspzo"),
    /** FedSPZO, decoupled variant. */
    FEDSPZO_DECOUPLED("fedspzo-decoupled");

    private final String specName;

    MethodKind(String specName) {
        this.specName = specName;
    }

    /** The name used in experiment specs. */
    public String specName() {
        return specName;
    }

    /** Whether this is the paper's method (as opposed to a baseline). */
    public boolean isFedSpzo() {
        return this == FEDSPZO || this == FEDSPZO_DECOUPLED;
    }

    /** The method named {@code name} (case-insensitive). */
    public static MethodKind parse(String name) {
        String s = name.trim().toLowerCase(Locale.ROOT);
        for (MethodKind k : values()) {
            if (k.specName.equals(s)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown method '" + name
                + "': expected fedzo, decomfl, fedkseed, fedkseed-pro, fedspzo or fedspzo-decoupled");
    }
}
