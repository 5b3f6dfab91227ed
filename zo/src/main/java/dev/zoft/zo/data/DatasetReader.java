package dev.zoft.zo.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads labelled text datasets from GLUE-style TSV, RFC 4180 CSV and JSONL.
 *
 * <ul>
 *   <li><b>TSV</b>: a header line, then one row per line, fields split on tabs, no quoting (a tab
 *       cannot occur in a text). The text column is the first of {@link ReadOptions#textColumns()}
 *       in the header, the label column {@link ReadOptions#labelColumn()}; other columns are
 *       ignored. Every row must have as many fields as the header.</li>
 *   <li><b>CSV</b>: RFC 4180: a header, comma-separated fields, fields in double quotes may hold
 *       commas, line breaks (kept as {@code \n}) and doubled quotes; a quote in an unquoted field or
 *       text after a closing quote is malformed. Columns are found by header name as for TSV.</li>
 *   <li><b>JSONL</b>: one JSON object per line with a text key (first of
 *       {@link ReadOptions#textColumns()} present) and the label key; the label is an integer
 *       class index or a string (a class name or a decimal index). Other keys are ignored;
 *       duplicate keys and trailing content are malformed.</li>
 * </ul>
 *
 * <p>In every format: input is strict UTF-8 (a BOM is dropped, CRLF accepted), blank lines are
 * ignored, and a malformed row fails the load with a {@link DatasetFormatException} naming the
 * file, the 1-based line and the problem, unless {@link ReadOptions#skipMalformed()} is set, in
 * which case it is skipped and counted in the {@link LoadReport}. An empty file, a missing column
 * or a file without valid examples always fails. Memory is bounded by
 * {@link ReadOptions#maxLineBytes()} per line plus the examples kept.
 */
public final class DatasetReader {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonParser.Feature.AUTO_CLOSE_SOURCE)
            .build();

    private DatasetReader() {
    }

    /** Loads {@code file}, its format told by its extension ({@link DatasetFormat#fromFileName}). */
    public static LoadResult load(Path file, ReadOptions options) throws IOException {
        return load(file, DatasetFormat.fromFileName(file), options);
    }

    /** Loads {@code file} in {@code format}. */
    public static LoadResult load(Path file, DatasetFormat format, ReadOptions options) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return load(in, file.toString(), format, options);
        }
    }

    /**
     * Loads a stream in {@code format}; {@code source} names it in errors and in
     * {@link Dataset#source()}. The stream is read to its end but not closed.
     */
    public static LoadResult load(InputStream in, String source, DatasetFormat format, ReadOptions options)
            throws IOException {
        RowCollector rows = new RowCollector(source, format, options);
        LineSource lines = new LineSource(in, options.maxLineBytes());
        switch (format) {
            case TSV -> readTsv(lines, rows, options);
            case CSV -> readCsv(lines, rows, options);
            case JSONL -> readJsonl(lines, rows, options);
        }
        return rows.finish();
    }

    /** Strict load of {@code file} (format from its extension), returning only the dataset. */
    public static Dataset read(Path file, ReadOptions options) throws IOException {
        return load(file, options).dataset();
    }

    // ---- TSV ----

    private static void readTsv(LineSource lines, RowCollector rows, ReadOptions options) throws IOException {
        String header = headerLine(lines, rows);
        List<String> names = splitTabs(header);
        int[] cols = findColumns(names, rows, options, lines.lineNumber());
        int width = names.size();
        List<String> fields = new ArrayList<>(width);
        while (lines.next()) {
            if (!rows.usable(lines)) {
                continue;
            }
            String line = lines.text();
            if (line.isBlank()) {
                rows.blankLine();
                continue;
            }
            fields.clear();
            splitTabs(line, fields);
            if (fields.size() != width) {
                rows.malformed(lines.lineNumber(), Problem.WRONG_COLUMN_COUNT,
                        "expected " + width + " tab-separated columns as in the header, found " + fields.size());
                continue;
            }
            rows.add(lines.lineNumber(), fields.get(cols[0]), fields.get(cols[1]));
        }
    }

    private static List<String> splitTabs(String s) {
        List<String> out = new ArrayList<>();
        splitTabs(s, out);
        return out;
    }

    private static void splitTabs(String s, List<String> out) {
        int start = 0;
        while (true) {
            int t = s.indexOf('\t', start);
            if (t < 0) {
                out.add(s.substring(start));
                return;
            }
            out.add(s.substring(start, t));
            start = t + 1;
        }
    }

    // ---- CSV ----

    private static void readCsv(LineSource lines, RowCollector rows, ReadOptions options) throws IOException {
        String headerText = headerLine(lines, rows);
        CsvRecordParser csv = new CsvRecordParser();
        if (!csv.feed(headerText) || csv.error() != null) {
            throw rows.fileError(lines.lineNumber(), Problem.BAD_HEADER, "malformed CSV header: "
                    + (csv.error() != null ? csv.error() : "unclosed quote"));
        }
        List<String> names = new ArrayList<>(csv.fields());
        int[] cols = findColumns(names, rows, options, lines.lineNumber());
        int width = names.size();
        long recordStart = 0;
        boolean open = false; // inside a quoted field continued over lines
        while (lines.next()) {
            long ln = lines.lineNumber();
            if (!rows.usable(lines)) {
                // a bad line inside a quoted field spoils the whole record: start afresh after it
                open = false;
                continue;
            }
            String line = lines.text();
            if (!open) {
                if (line.isBlank()) {
                    rows.blankLine();
                    continue;
                }
                csv.reset();
                recordStart = ln;
            }
            open = !csv.feed(line);
            if (csv.length() > options.maxLineBytes()) {
                open = false;
                rows.malformed(recordStart, Problem.LINE_TOO_LONG,
                        "CSV record longer than " + options.maxLineBytes() + " characters (unclosed quote?)");
                continue;
            }
            if (open) {
                continue;
            }
            if (csv.error() != null) {
                rows.malformed(recordStart, Problem.BAD_CSV, csv.error());
                continue;
            }
            List<String> fields = csv.fields();
            if (fields.size() != width) {
                rows.malformed(recordStart, Problem.WRONG_COLUMN_COUNT,
                        "expected " + width + " comma-separated columns as in the header, found " + fields.size());
                continue;
            }
            rows.add(recordStart, fields.get(cols[0]), fields.get(cols[1]));
        }
        if (open) {
            rows.malformed(recordStart, Problem.BAD_CSV, "quoted field not closed before the end of the file");
        }
    }

    // ---- JSONL ----

    private static void readJsonl(LineSource lines, RowCollector rows, ReadOptions options) throws IOException {
        boolean any = false;
        while (lines.next()) {
            any = true;
            if (!rows.usable(lines)) {
                continue;
            }
            String line = lines.text();
            if (line.isBlank()) {
                rows.blankLine();
                continue;
            }
            long ln = lines.lineNumber();
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (IOException e) {
                rows.malformed(ln, Problem.BAD_JSON, "bad JSON: " + firstLine(e.getMessage()));
                continue;
            }
            if (node == null || !node.isObject()) {
                rows.malformed(ln, Problem.BAD_JSON, "line is not a JSON object");
                continue;
            }
            JsonNode text = null;
            String textKey = null;
            for (String key : options.textColumns()) {
                JsonNode t = node.get(key);
                if (t != null) {
                    text = t;
                    textKey = key;
                    break;
                }
            }
            if (text == null || text.isNull()) {
                rows.malformed(ln, Problem.MISSING_TEXT, "missing text (no key " + options.textColumns() + ")");
                continue;
            }
            if (!text.isTextual()) {
                rows.malformed(ln, Problem.BAD_JSON, "\"" + textKey + "\" must be a string, found " + text.getNodeType());
                continue;
            }
            JsonNode label = node.get(options.labelColumn());
            if (label == null || label.isNull()) {
                rows.malformed(ln, Problem.MISSING_LABEL, "missing label (no key \"" + options.labelColumn() + "\")");
                continue;
            }
            if (label.isTextual()) {
                rows.add(ln, text.textValue(), label.textValue());
            } else if (label.isIntegralNumber()) {
                int l = label.canConvertToLong() ? options.labels().index(label.longValue()) : -1;
                if (l < 0) {
                    rows.malformed(ln, Problem.UNKNOWN_LABEL, "unknown label " + RowCollector.abbreviate(label.toString())
                            + " (expected an index 0.." + (options.labels().size() - 1) + " or one of " + options.labels().names() + ")");
                    continue;
                }
                rows.addResolved(ln, text.textValue(), l);
            } else {
                rows.malformed(ln, Problem.UNKNOWN_LABEL, "label must be an integer or a string, found "
                        + RowCollector.abbreviate(label.toString()));
            }
        }
        if (!any) {
            throw rows.fileError(0, Problem.EMPTY_FILE, "empty file");
        }
    }

    // ---- shared ----

    /** The header line (line 1), or a file-level error. */
    private static String headerLine(LineSource lines, RowCollector rows) throws IOException {
        if (!lines.next()) {
            throw rows.fileError(0, Problem.EMPTY_FILE, "empty file: expected a header line");
        }
        switch (lines.status()) {
            case INVALID_UTF8 -> throw rows.fileError(1, Problem.BAD_HEADER,
                    "header is not valid UTF-8 (byte " + lines.errorOffset() + ")");
            case TOO_LONG -> throw rows.fileError(1, Problem.BAD_HEADER, "header line too long");
            case OK -> { }
        }
        if (lines.text().isBlank()) {
            throw rows.fileError(1, Problem.EMPTY_FILE, "first line is blank: expected a header line");
        }
        return lines.text();
    }

    /** Indices of the text and label columns in {@code header}, or a BAD_HEADER error. */
    private static int[] findColumns(List<String> header, RowCollector rows, ReadOptions options, long line)
            throws DatasetFormatException {
        List<String> norm = new ArrayList<>(header.size());
        for (String h : header) {
            String k = h.strip().toLowerCase(Locale.ROOT);
            if (norm.contains(k)) {
                throw rows.fileError(line, Problem.BAD_HEADER, "column '" + RowCollector.abbreviate(h.strip())
                        + "' appears twice in the header");
            }
            norm.add(k);
        }
        int text = -1;
        for (String want : options.textColumns()) {
            text = norm.indexOf(want.toLowerCase(Locale.ROOT));
            if (text >= 0) {
                break;
            }
        }
        int label = norm.indexOf(options.labelColumn().toLowerCase(Locale.ROOT));
        if (text < 0) {
            throw rows.fileError(line, Problem.BAD_HEADER, "no text column: header has " + abbreviatedHeader(header)
                    + ", expected one of " + options.textColumns());
        }
        if (label < 0) {
            throw rows.fileError(line, Problem.BAD_HEADER, "no label column: header has " + abbreviatedHeader(header)
                    + ", expected '" + options.labelColumn() + "'");
        }
        return new int[] {text, label};
    }

    private static String abbreviatedHeader(List<String> header) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.min(header.size(), 10); i++) {
            out.add(RowCollector.abbreviate(header.get(i)));
        }
        return out + (header.size() > 10 ? " (" + header.size() + " columns)" : "");
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        String first = nl < 0 ? s : s.substring(0, nl);
        return first.length() <= 160 ? first : first.substring(0, 157) + "...";
    }
}
