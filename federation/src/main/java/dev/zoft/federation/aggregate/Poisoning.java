package dev.zoft.federation.aggregate;

import dev.zoft.federation.protocol.ClientUpload;
import dev.zoft.federation.protocol.StepScalars;
import dev.zoft.zo.estimate.Seeds;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Simulated poisoning: a fixed set of attacker clients that run the round honestly and then
 * upload manipulated scalars. It exists to measure robust aggregation; only the in-process
 * simulator applies it, to uploads of its simulated clients (the real client library never does).
 *
 * <p>Attacks, written {@code kind:value} ({@link #parse}):
 * <ul>
 *   <li>{@code flip:k}: upload −k × its true scalars (k &gt; 0), pushing the model uphill;</li>
 *   <li>{@code constant:v}: upload v for every scalar (a huge finite v drags a mean anywhere);</li>
 *   <li>{@code random:v}: upload independent uniform values in [−v, v], seeded by round and client.</li>
 * </ul>
 * The attackers are {@code round(fraction × N)} of the N clients, chosen uniformly by a
 * Fisher–Yates shuffle seeded with {@code Seeds.derive(runSeed, }{@value #ATTACKER_DOMAIN}{@code , 0)}.
 *
 * @param kind     what the attackers upload
 * @param value    k for {@code flip}, v otherwise (finite; positive for flip and random)
 * @param fraction the fraction of the clients that attack, in [0, 1]
 */
public record Poisoning(Kind kind, double value, double fraction) {

    /** The seed domain of the attackers' choice (the federation's own domains are 32–35). */
    public static final long ATTACKER_DOMAIN = 40;
    /** The seed domain of the random attack's values. */
    public static final long RANDOM_DOMAIN = 41;

    /** What an attacker uploads. */
    public enum Kind { FLIP, CONSTANT, RANDOM }

    public Poisoning {
        Objects.requireNonNull(kind, "kind");
        if (!Double.isFinite(value) || (kind != Kind.CONSTANT && !(value > 0))) {
            throw new IllegalArgumentException(kind.name().toLowerCase(Locale.ROOT) + " attack needs a finite"
                    + (kind == Kind.CONSTANT ? "" : ", positive") + " value, got " + value);
        }
        if (Math.abs(value) > Float.MAX_VALUE) {
            throw new IllegalArgumentException("attack value " + value + " does not fit a float scalar");
        }
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("attacker fraction must be in [0, 1], got " + fraction);
        }
    }

    /**
     * Reads {@code flip:k}, {@code constant:v} or {@code random:v} with the given attacker fraction.
     *
     * @throws IllegalArgumentException naming the text and the accepted forms
     */
    public static Poisoning parse(String attack, double fraction) {
        String s = attack.strip().toLowerCase(Locale.ROOT);
        int colon = s.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("attack '" + attack + "': expected flip:K, constant:V or random:V");
        }
        Kind kind = switch (s.substring(0, colon)) {
            case "flip" -> Kind.FLIP;
            case "constant" -> Kind.CONSTANT;
            case "random" -> Kind.RANDOM;
            default -> throw new IllegalArgumentException("attack '" + attack + "': unknown kind '" + s.substring(0, colon)
                    + "', expected flip, constant or random");
        };
        double v;
        try {
            v = Double.parseDouble(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("attack '" + attack + "': '" + s.substring(colon + 1) + "' is not a number");
        }
        return new Poisoning(kind, v, fraction);
    }

    /** {@code kind:value}, what {@link #parse} reads. */
    public String format() {
        return kind.name().toLowerCase(Locale.ROOT) + ":" + value;
    }

    /** Which of {@code clients} clients attack, by id. */
    public boolean[] attackers(int clients, long runSeed) {
        int count = (int) Math.round(fraction * clients);
        int[] ids = new int[clients];
        for (int i = 0; i < clients; i++) {
            ids[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(Seeds.derive(runSeed, ATTACKER_DOMAIN, 0));
        boolean[] attacker = new boolean[clients];
        for (int i = 0; i < count; i++) {
            int j = i + rng.nextInt(clients - i);
            int t = ids[i];
            ids[i] = ids[j];
            ids[j] = t;
            attacker[ids[i]] = true;
        }
        return attacker;
    }

    /** The upload an attacker sends instead of its honest {@code upload} (same round, client, count and loss). */
    public ClientUpload apply(ClientUpload upload, long runSeed) {
        StepScalars honest = upload.scalars();
        float[] v = honest.values();
        switch (kind) {
            case FLIP -> {
                for (int i = 0; i < v.length; i++) {
                    // In double, then clamped: −k·g may exceed the float range for a large k.
                    v[i] = clampToFloat(-value * v[i]);
                }
            }
            case CONSTANT -> Arrays.fill(v, (float) value);
            case RANDOM -> {
                SplittableRandom rng = new SplittableRandom(Seeds.derive(Seeds.derive(runSeed, RANDOM_DOMAIN, upload.round()),
                        RANDOM_DOMAIN, upload.clientId()));
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) ((2 * rng.nextDouble() - 1) * value);
                }
            }
        }
        return new ClientUpload(upload.round(), upload.clientId(), upload.sampleCount(),
                StepScalars.of(honest.steps(), honest.perStep(), v), upload.meanTrainLoss());
    }

    private static float clampToFloat(double x) {
        return (float) Math.max(-Float.MAX_VALUE, Math.min(Float.MAX_VALUE, x));
    }

    @Override
    public String toString() {
        return format() + " by " + fraction + " of the clients";
    }
}
