package dev.zoft.federation.protocol;

import java.io.IOException;

/**
 * Bytes that are not a valid protocol message, or a message the receiver must refuse (wrong round,
 * unknown client, wrong number of scalars, non-finite values). Names the message and the problem;
 * for decoding errors also the byte offset.
 */
public final class ProtocolException extends IOException {

    private final long offset;

    /** A decoding error at byte {@code offset} of a {@code message}. */
    public ProtocolException(String message, long offset, String problem) {
        super(message + " at byte " + offset + ": " + problem);
        this.offset = offset;
    }

    /** A well-formed message the receiver refuses. */
    public ProtocolException(String problem) {
        super(problem);
        this.offset = -1;
    }

    /** Byte offset of a decoding problem, or −1 for a refused message. */
    public long offset() {
        return offset;
    }
}
