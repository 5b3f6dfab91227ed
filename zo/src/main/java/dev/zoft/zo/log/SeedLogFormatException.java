package dev.zoft.zo.log;

import java.io.IOException;

/** A seed log's bytes are not a valid log: names the source, the byte offset and the problem. */
public final class SeedLogFormatException extends IOException {

    private final String source;
    private final long offset;

    public SeedLogFormatException(String source, long offset, String problem) {
        super(source + " at byte " + offset + ": " + problem);
        this.source = source;
        this.offset = offset;
    }

    /** The file or stream the bytes came from. */
    public String source() {
        return source;
    }

    /** Byte offset of the problem in the source. */
    public long offset() {
        return offset;
    }
}
