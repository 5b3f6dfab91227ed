package dev.zoft.federation.cost;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes cost records as CSV ({@link CostRecord#CSV_HEADER} then one row per record). */
public final class CostCsv {

    private CostCsv() {
    }

    /** Writes {@code records} to {@code file} (replaced). */
    public static void write(Path file, List<CostRecord> records) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(CostRecord.CSV_HEADER);
            w.newLine();
            for (CostRecord r : records) {
                w.write(r.toCsvRow());
                w.newLine();
            }
        }
    }
}
