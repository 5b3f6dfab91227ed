package dev.zoft.federation.experiment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One finished cell's row of the results CSV.
 *
 * @param id                   the cell's id ({@link ExperimentCell#id})
 * @param method               the method's spec name
 * @param setting              the hyperparameter setting ({@link ExperimentCell#setting})
 * @param alpha                Dirichlet α
 * @param seed                 run seed
 * @param rounds               rounds run
 * @param zeroShot             dev accuracy before training
 * @param finalAccuracy        dev accuracy after the last round
 * @param bestAccuracy         best dev accuracy evaluated
 * @param forwardFlops         forward FLOPs of all clients, whole run
 * @param bytesUpPerClientRound   mean upload bytes per client per round
 * @param bytesDownPerClientRound mean download bytes per client per round
 * @param peakRssBytes         largest client-round peak resident set (-1 if unmeasured)
 * @param peakHeapBytes        largest client-round peak heap
 * @param stateBytes           the method's device state (snapshots, pool)
 * @param wallSeconds          wall time of the cell
 */
public record CellResult(String id, String method, String setting, double alpha, long seed, int rounds, double zeroShot,
                         double finalAccuracy, double bestAccuracy, long forwardFlops, double bytesUpPerClientRound,
                         double bytesDownPerClientRound, long peakRssBytes, long peakHeapBytes, long stateBytes,
                         double wallSeconds) {

    public static final String CSV_HEADER = "cell,method,setting,alpha,seed,rounds,zero_shot,final_accuracy,best_accuracy,"
            + "forward_flops,bytes_up_per_client_round,bytes_down_per_client_round,peak_rss_bytes,peak_heap_bytes,"
            + "state_bytes,wall_seconds";

    public CellResult {
        if (id.contains(",") || setting.contains(",") || method.contains(",")) {
            throw new IllegalArgumentException("CSV fields cannot hold commas: " + id + " / " + setting);
        }
    }

    public String toCsvRow() {
        return String.join(",", id, method, setting, ExperimentCell.num(alpha), Long.toString(seed), Integer.toString(rounds),
                f(zeroShot), f(finalAccuracy), f(bestAccuracy), Long.toString(forwardFlops), f(bytesUpPerClientRound),
                f(bytesDownPerClientRound), Long.toString(peakRssBytes), Long.toString(peakHeapBytes),
                Long.toString(stateBytes), String.format(Locale.ROOT, "%.3f", wallSeconds));
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }

    static CellResult parse(String line, Path file, int lineNo) throws IOException {
        String[] f = line.split(",", -1);
        if (f.length != 16) {
            throw new IOException(file + ": line " + lineNo + " has " + f.length + " fields, expected 16");
        }
        try {
            return new CellResult(f[0], f[1], f[2], Double.parseDouble(f[3]), Long.parseLong(f[4]), Integer.parseInt(f[5]),
                    Double.parseDouble(f[6]), Double.parseDouble(f[7]), Double.parseDouble(f[8]), Long.parseLong(f[9]),
                    Double.parseDouble(f[10]), Double.parseDouble(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]),
                    Long.parseLong(f[14]), Double.parseDouble(f[15]));
        } catch (NumberFormatException e) {
            throw new IOException(file + ": line " + lineNo + ": " + e.getMessage());
        }
    }
}
