package dev.zoft.zo.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a byte stream line by line and decodes each line as strict UTF-8.
 *
 * <p>Lines are split on the byte {@code '\n'} before decoding (in UTF-8 that byte never occurs
 * inside a multi-byte sequence), so a decoding error belongs to exactly one line and its number is
 * exact. A trailing {@code '\r'} is dropped, and a byte-order mark at the start of the stream. The
 * decoder REPORTS malformed input rather than substituting U+FFFD. A line longer than the limit is
 * not buffered: its bytes are discarded up to the next newline and it is reported as too long, so
 * memory stays bounded whatever the input.
 */
final class LineSource {

    /** The outcome of {@link #next()} for the current line. */
    enum Status { OK, INVALID_UTF8, TOO_LONG }

    private final InputStream in;
    private final int maxLineBytes;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    private byte[] buf = new byte[1 << 16];
    private int pos;
    private int limit;
    private boolean eof;

    private long lineNumber;
    private Status status;
    private String text;
    private int errorOffset;
    private CharBuffer chars = CharBuffer.allocate(256);

    LineSource(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /** Advances to the next line; false at the end of the stream. */
    boolean next() throws IOException {
        while (true) {
            int nl = indexOfNewline(pos, limit);
            if (nl >= 0) {
                int start = pos;
                pos = nl + 1;
                lineNumber++;
                accept(start, nl);
                return true;
            }
            if (eof) {
                if (pos < limit) {
                    int start = pos;
                    pos = limit;
                    lineNumber++;
                    accept(start, limit);
                    return true;
                }
                return false;
            }
            if (limit - pos > maxLineBytes) {
                lineNumber++;
                discardRestOfLine();
                status = Status.TOO_LONG;
                text = null;
                return true;
            }
            fill();
        }
    }

    long lineNumber() {
        return lineNumber;
    }

    Status status() {
        return status;
    }

    /** The decoded line without its line terminator (valid when status is OK). */
    String text() {
        return text;
    }

    /** Byte offset within the line of the first invalid UTF-8 byte (when status is INVALID_UTF8). */
    int errorOffset() {
        return errorOffset;
    }

    private void accept(int start, int end) {
        if (end > start && buf[end - 1] == '\r') {
            end--;
        }
        if (lineNumber == 1 && end - start >= 3 && (buf[start] & 0xFF) == 0xEF
                && (buf[start + 1] & 0xFF) == 0xBB && (buf[start + 2] & 0xFF) == 0xBF) {
            start += 3;
        }
        if (end - start > maxLineBytes) {
            status = Status.TOO_LONG;
            text = null;
            return;
        }
        decode(start, end);
    }

    private void decode(int start, int end) {
        boolean ascii = true;
        for (int i = start; i < end; i++) {
            if (buf[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            // Latin-1 of ASCII bytes is the same text and lets String copy without decoding
            text = new String(buf, start, end - start, StandardCharsets.ISO_8859_1);
            status = Status.OK;
            return;
        }
        int len = end - start;
        if (chars.capacity() < len) {
            chars = CharBuffer.allocate(Math.max(len, chars.capacity() * 2));
        }
        chars.clear();
        ByteBuffer bytes = ByteBuffer.wrap(buf, start, len);
        decoder.reset();
        CoderResult r = decoder.decode(bytes, chars, true);
        if (!r.isError()) {
            r = decoder.flush(chars);
        }
        if (r.isError()) {
            status = Status.INVALID_UTF8;
            errorOffset = bytes.position() - start;
            text = null;
            return;
        }
        chars.flip();
        text = chars.toString();
        status = Status.OK;
    }

    private int indexOfNewline(int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Reads more bytes, compacting or growing the buffer (never beyond what one line may need). */
    private void fill() throws IOException {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        if (limit == buf.length) {
            buf = Arrays.copyOf(buf, (int) Math.min((long) buf.length * 2, (long) maxLineBytes + 8192));
        }
        int n = in.read(buf, limit, buf.length - limit);
        if (n < 0) {
            eof = true;
        } else {
            limit += n;
        }
    }

    /** Drops the buffered part of an over-long line and everything up to and including its newline. */
    private void discardRestOfLine() throws IOException {
        pos = limit = 0;
        while (true) {
            int n = in.read(buf, 0, buf.length);
            if (n < 0) {
                eof = true;
                return;
            }
            int nl = indexOfNewline(0, n);
            if (nl >= 0) {
                pos = nl + 1;
                limit = n;
                return;
            }
        }
    }
}
