package dev.zoft.cli;

import dev.zoft.zo.metrics.RoundMetrics;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A run's per-round metrics as CSV ({@link RoundMetrics#CSV_HEADER}, one
 * {@link RoundMetrics#toCsvRow()} per line, empty cells for NaN). Rows are written as they come and
 * flushed one by one, so the file can be watched (or plotted) while a long run goes on and a
 * killed run keeps every row it finished. {@link #read} parses such a file back.
 */
final class MetricsCsv implements AutoCloseable {
    private final Path file;
    private final Writer out;
    private final List<RoundMetrics> rows = new ArrayList<>();

    private MetricsCsv(Path file, Writer out) {
        this.file = file;
        this.out = out;
    }

    /** Creates (or replaces) {@code file} holding only the header line. */
    static MetricsCsv create(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        MetricsCsv csv = new MetricsCsv(file, w);
        try {
            w.write(RoundMetrics.CSV_HEADER);
            w.write('\n');
            w.flush();
        } catch (IOException e) {
            w.close();
            throw e;
        }
        return csv;
    }

    /** Appends one row and flushes it to the file. */
    void append(RoundMetrics row) throws IOException {
        Objects.requireNonNull(row, "row");
        out.write(row.toCsvRow());
        out.write('\n');
        out.flush();
        rows.add(row);
    }

    /** The rows written so far, in order. */
    List<RoundMetrics> rows() {
        return List.copyOf(rows);
    }

    Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    /**
     * Reads a metrics file written by this class.
     *
     * @throws IOException naming the file and line when the header or a row is not what
     *                     {@link RoundMetrics} writes
     */
    static List<RoundMetrics> read(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IOException("no such file: " + file, e);
        }
        if (lines.isEmpty() || !lines.get(0).equals(RoundMetrics.CSV_HEADER)) {
            throw new IOException(file + ":1: not a zoft metrics CSV (expected the header " + RoundMetrics.CSV_HEADER + ")");
        }
        List<RoundMetrics> out = new ArrayList<>(lines.size() - 1);
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            String[] c = line.split(",", -1);
            if (c.length != 9) {
                throw new IOException(file + ":" + (i + 1) + ": expected 9 columns, found " + c.length);
            }
            try {
                out.add(new RoundMetrics(Integer.parseInt(c[0]), Long.parseLong(c[1]), Long.parseLong(c[2]),
                        Long.parseLong(c[3]), Long.parseLong(c[4]), Long.parseLong(c[5]), cell(c[6]), cell(c[7]),
                        Double.parseDouble(c[8])));
            } catch (NumberFormatException e) {
                throw new IOException(file + ":" + (i + 1) + ": bad number (" + e.getMessage() + ")", e);
            }
        }
        return out;
    }

    private static double cell(String s) {
        return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
    }
}
