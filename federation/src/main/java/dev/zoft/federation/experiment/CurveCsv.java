package dev.zoft.federation.experiment;

import dev.zoft.zo.metrics.RoundMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A cell's learning curve as {@link RoundMetrics} CSV ({@link RoundMetrics#CSV_HEADER}), written and read back. */
final class CurveCsv {

    private CurveCsv() {
    }

    static void write(Path file, List<RoundMetrics> rows) throws IOException {
        StringBuilder sb = new StringBuilder(RoundMetrics.CSV_HEADER).append('\n');
        for (RoundMetrics r : rows) {
            sb.append(r.toCsvRow()).append('\n');
        }
        Files.writeString(file, sb.toString());
    }

    static List<RoundMetrics> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        if (lines.isEmpty() || !lines.getFirst().equals(RoundMetrics.CSV_HEADER)) {
            throw new IOException(file + ": not a metrics CSV (header " + (lines.isEmpty() ? "missing" : "'" + lines.getFirst() + "'") + ")");
        }
        List<RoundMetrics> out = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",", -1);
            if (f.length != 9) {
                throw new IOException(file + ": line " + (i + 1) + " has " + f.length + " fields, expected 9");
            }
            try {
                out.add(new RoundMetrics(Integer.parseInt(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]),
                        Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]), cell(f[6]), cell(f[7]),
                        Double.parseDouble(f[8])));
            } catch (NumberFormatException e) {
                throw new IOException(file + ": line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return out;
    }

    private static double cell(String s) {
        return s.isEmpty() ? Double.NaN : Double.parseDouble(s.toLowerCase(Locale.ROOT));
    }
}
