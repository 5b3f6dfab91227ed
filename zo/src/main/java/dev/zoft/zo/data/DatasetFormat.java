package dev.zoft.zo.data;

import java.nio.file.Path;
import java.util.Locale;

/** The file formats {@link DatasetReader} reads. */
public enum DatasetFormat {
    /** GLUE-style tab-separated values with a header line; no quoting. */
    TSV,
    /** RFC 4180 comma-separated values with a header line. */
    CSV,
    /** One JSON object per line. */
    JSONL;

    /**
     * The format named by a file's extension: {@code .tsv}, {@code .csv}, {@code .jsonl} or
     * {@code .ndjson} (case-insensitive).
     *
     * @throws IllegalArgumentException for any other name
     */
    public static DatasetFormat fromFileName(Path file) {
        String n = String.valueOf(file.getFileName()).toLowerCase(Locale.ROOT);
        if (n.endsWith(".tsv")) {
            return TSV;
        }
        if (n.endsWith(".csv")) {
            return CSV;
        }
        if (n.endsWith(".jsonl") || n.endsWith(".ndjson")) {
            return JSONL;
        }
        throw new IllegalArgumentException("cannot tell the format of " + file
                + " from its name: expected .tsv, .csv, .jsonl or .ndjson");
    }
}
