package dev.zoft.federation.privacy;

import dev.zoft.federation.protocol.RoundRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Objects;

/**
 * The (ε, δ) guarantee of a run's uploads: every client's scalars went through the Gaussian
 * mechanism (on the device, or in the server's noised sum) once per round it took part in, so a client's privacy loss is the composition of
 * {@code participations} Gaussian mechanisms with noise/sensitivity σ/2 ({@link DpSettings}),
 * accounted in RDP ({@link RdpAccountant}). The report is that of the client that took part most
 * often, the worst case; a client never sampled spent nothing.
 *
 * @param settings          C, σ, δ
 * @param rounds            rounds run
 * @param maxParticipations the most rounds any one client took part in
 * @param epsilon           ε of the worst client at δ
 * @param order             the Rényi order ε was read at
 */
public record PrivacyReport(DpSettings settings, int rounds, int maxParticipations, double epsilon, double order) {

    public PrivacyReport {
        Objects.requireNonNull(settings, "settings");
    }

    /** The guarantee of a client that took part in {@code participations} rounds of a run of {@code rounds}. */
    public static PrivacyReport of(DpSettings settings, int rounds, int participations) {
        if (participations < 0 || participations > rounds) {
            throw new IllegalArgumentException(participations + " participations in " + rounds + " rounds");
        }
        if (participations == 0) {
            return new PrivacyReport(settings, rounds, 0, 0, Double.NaN);
        }
        RdpAccountant.Epsilon e = new RdpAccountant().gaussian(settings.noiseToSensitivity(), participations)
                .epsilon(settings.delta());
        return new PrivacyReport(settings, rounds, participations, e.epsilon(), e.order());
    }

    /** The guarantee after the first {@code rounds} rounds of a round log (who took part is in each record). */
    public static PrivacyReport afterRounds(DpSettings settings, List<RoundRecord> records, int rounds) {
        if (rounds < 0 || rounds > records.size()) {
            throw new IllegalArgumentException("the log has " + records.size() + " rounds, asked for " + rounds);
        }
        Map<Integer, Integer> counts = new HashMap<>();
        int most = 0;
        for (int r = 0; r < rounds; r++) {
            for (int c : records.get(r).clients()) {
                most = Math.max(most, counts.merge(c, 1, Integer::sum));
            }
        }
        return of(settings, rounds, most);
    }

    /** One line for a console: {@code (ε = …, δ = …) after …}. */
    public String describe() {
        return String.format(Locale.ROOT, "(ε = %.3f, δ = %.1e) per client, %s Gaussian mechanism C = %s, σ = %s,"
                        + " worst client in %d of %d rounds", epsilon, settings.delta(),
                settings.mode() == DpSettings.Mode.LOCAL ? "local" : "central", settings.clip(), settings.noise(),
                maxParticipations, rounds);
    }
}
