package dev.zoft.zo.data;

import java.util.ArrayList;
import java.util.List;

/**
 * An incremental RFC 4180 record parser fed one physical line at a time, so a quoted field may
 * span lines without re-scanning (linear in the input even for records of many lines).
 *
 * <p>A field is quoted if it starts with {@code "}; inside it {@code ""} is a quote and commas and
 * line breaks are text (a line break is kept as {@code \n}). A quote anywhere else in an unquoted
 * field, or anything but a comma or the end of the record after a closing quote, is an error. A
 * stray quote is thus caught on its own line instead of swallowing the rest of the file.
 */
final class CsvRecordParser {

    private final List<String> fields = new ArrayList<>();
    private final StringBuilder field = new StringBuilder();
    private boolean inQuotes;
    private boolean afterClosingQuote;
    private boolean atFieldStart = true;
    private String error;
    private long length;

    void reset() {
        fields.clear();
        field.setLength(0);
        inQuotes = false;
        afterClosingQuote = false;
        atFieldStart = true;
        error = null;
        length = 0;
    }

    /**
     * Feeds the next physical line of the record (without its terminator).
     *
     * @return true when the record is finished (complete or in error), false when a quoted field
     *     continues on the next line
     */
    boolean feed(String line) {
        length += line.length() + 1;
        int n = line.length();
        for (int i = 0; i < n; i++) {
            char c = line.charAt(i);
            if (inQuotes) {
                if (c == '"') {
                    if (i + 1 < n && line.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        inQuotes = false;
                        afterClosingQuote = true;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
                atFieldStart = true;
                afterClosingQuote = false;
            } else if (afterClosingQuote) {
                error = "unexpected character after the closing quote of field " + (fields.size() + 1);
                return true;
            } else if (c == '"') {
                if (!atFieldStart) {
                    error = "quote inside unquoted field " + (fields.size() + 1) + " (quote the field and double the quote)";
                    return true;
                }
                inQuotes = true;
                atFieldStart = false;
            } else {
                field.append(c);
                atFieldStart = false;
            }
        }
        if (inQuotes) {
            field.append('\n');
            return false;
        }
        fields.add(field.toString());
        field.setLength(0);
        return true;
    }

    /** Whether a quoted field is still open (the record needs more lines). */
    boolean open() {
        return inQuotes;
    }

    /** What is wrong with the finished record, or null. */
    String error() {
        return error;
    }

    /** The fields of the finished record. */
    List<String> fields() {
        return fields;
    }

    /** Characters fed so far, line breaks included. */
    long length() {
        return length;
    }
}
