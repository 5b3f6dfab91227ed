package dev.zoft.federation;

import dev.zoft.federation.protocol.ProtocolException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * An append-only file of checksummed frames, forced to the storage device after every append, so
 * a process killed at any moment leaves at worst a torn last frame, which {@link #open} detects
 * and cuts off.
 *
 * <h2>Format (big-endian)</h2>
 * {@code u32 magic}, {@code u16 version}, then per frame {@code u32 length n}, {@code n bytes},
 * {@code u32 CRC32 of those n bytes}. A frame is written with one positional write of its
 * {@code 8 + n} bytes.
 *
 * <h2>Torn tail versus corruption</h2>
 * Appends only ever extend the file, so a kill can only damage the last frame: a frame whose
 * declared extent runs past the end of the file, fewer than 4 bytes after the last whole frame, or
 * a checksum mismatch in the frame that ends exactly at the end of the file, is a torn tail and is
 * dropped. A checksum mismatch in any earlier frame is corruption, reported as a
 * {@link ProtocolException} naming the file and the byte offset.
 */
public final class FramedFile implements AutoCloseable {

    /** Bytes of magic + version. */
    public static final int HEADER_BYTES = 6;
    /** Largest frame accepted (reading and writing). */
    public static final int MAX_FRAME_BYTES = 1 << 28;

    /** What {@link #open} found: the intact frames, and the bytes of a torn tail it cut off. */
    public record Recovered(List<byte[]> frames, long validBytes, long droppedBytes) {
        public Recovered {
            frames = List.copyOf(frames);
        }
    }

    private final Path file;
    private final FileChannel channel;
    /** Bytes written (header and whole frames); advanced only after a frame's write returned. */
    private volatile long size;
    /** Bytes known to be on the storage device. */
    private volatile long forced;
    private final Object forceLock = new Object();

    private FramedFile(Path file, FileChannel channel, long size) {
        this.file = file;
        this.channel = channel;
        this.size = size;
        this.forced = size;
    }

    /** Creates (or replaces) {@code file} holding only the header, forced to disk. */
    public static FramedFile create(Path file, int magic, int version) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ, StandardOpenOption.TRUNCATE_EXISTING);
        try {
            ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES).putInt(magic).putShort((short) version).flip();
            writeFully(ch, h, 0);
            ch.force(true);
            return new FramedFile(file, ch, HEADER_BYTES);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Opens {@code file} to append to it, creating it when absent; a torn last frame is cut off the
     * file (and reported in {@code recovered}).
     *
     * @param recovered receives what was found (one element), may be null
     * @throws ProtocolException if the file is not of this kind (magic, version) or corrupt before its tail
     */
    public static FramedFile open(Path file, int magic, int version, Recovered[] recovered) throws IOException {
        if (!Files.exists(file)) {
            FramedFile f = create(file, magic, version);
            if (recovered != null) {
                recovered[0] = new Recovered(List.of(), HEADER_BYTES, 0);
            }
            return f;
        }
        Recovered r = read(file, magic, version);
        if (r.validBytes() == 0) {
            FramedFile f = create(file, magic, version);
            if (recovered != null) {
                recovered[0] = new Recovered(List.of(), HEADER_BYTES, r.droppedBytes());
            }
            return f;
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ);
        try {
            if (r.droppedBytes() > 0) {
                ch.truncate(r.validBytes());
                ch.force(true);
            }
            if (recovered != null) {
                recovered[0] = r;
            }
            return new FramedFile(file, ch, r.validBytes());
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Reads every intact frame of {@code file} without changing it (a torn tail is reported, not cut). */
    public static Recovered read(Path file, int magic, int version) throws IOException {
        String what = file.toString();
        long length = Files.size(file);
        List<byte[]> frames = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (length < HEADER_BYTES) {
                // A kill while the header was being created: nothing was ever acknowledged from it.
                return new Recovered(frames, 0, length);
            }
            ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES);
            readFully(ch, h, 0);
            h.flip();
            int m = h.getInt();
            if (m != magic) {
                throw new ProtocolException(what, 0, String.format("magic 0x%08X, expected 0x%08X", m, magic));
            }
            int v = Short.toUnsignedInt(h.getShort());
            if (v != version) {
                throw new ProtocolException(what, 4, "unsupported version " + v + " (this reader knows " + version + ")");
            }
            long offset = HEADER_BYTES;
            ByteBuffer word = ByteBuffer.allocate(4);
            while (offset < length) {
                long left = length - offset;
                if (left < 4) {
                    break;
                }
                word.clear();
                readFully(ch, word, offset);
                int n = word.flip().getInt();
                if (n < 0 || n > MAX_FRAME_BYTES || 8L + n > left) {
                    break;
                }
                ByteBuffer frame = ByteBuffer.allocate(n);
                readFully(ch, frame, offset + 4);
                word.clear();
                readFully(ch, word, offset + 4 + n);
                int crc = word.flip().getInt();
                CRC32 c = new CRC32();
                c.update(frame.array());
                if ((int) c.getValue() != crc) {
                    if (offset + 8 + n == length) {
                        break;
                    }
                    throw new ProtocolException(what, offset, "checksum mismatch in frame " + (frames.size() + 1)
                            + " (not the last frame: the file is corrupt, not torn)");
                }
                frames.add(frame.array());
                offset += 8L + n;
            }
            return new Recovered(frames, offset, length - offset);
        }
    }

    /** Appends one frame and forces it (and the file's size) to the storage device before returning. */
    public void append(byte[] frame) throws IOException {
        forceUpTo(write(frame));
    }

    /**
     * Appends one frame without forcing it (group commit: several writers then share one
     * {@link #forceUpTo}). Callers serialise writes; nothing written is durable before a force.
     *
     * @return the file's size after the frame, to pass to {@link #forceUpTo}
     */
    public long write(byte[] frame) throws IOException {
        if (frame.length > MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("frame of " + frame.length + " bytes exceeds " + MAX_FRAME_BYTES);
        }
        CRC32 c = new CRC32();
        c.update(frame);
        ByteBuffer b = ByteBuffer.allocate(8 + frame.length).putInt(frame.length).put(frame).putInt((int) c.getValue()).flip();
        long end = size + 8L + frame.length;
        writeFully(channel, b, size);
        size = end;
        return end;
    }

    /**
     * Makes every byte up to {@code end} durable. Concurrent callers coalesce: one force covers every
     * frame written before it started, so N writers waiting together cost one device flush.
     */
    public void forceUpTo(long end) throws IOException {
        if (forced >= end) {
            return;
        }
        synchronized (forceLock) {
            if (forced >= end) {
                return;
            }
            long target = size;
            channel.force(true);
            forced = Math.max(forced, target);
        }
    }

    /** Bytes in the file (header and whole frames). */
    public long size() {
        return size;
    }

    public Path path() {
        return file;
    }

    private static void writeFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
        long p = position;
        while (b.hasRemaining()) {
            p += ch.write(b, p);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
        long p = position;
        while (b.hasRemaining()) {
            int n = ch.read(b, p);
            if (n < 0) {
                throw new java.io.EOFException("unexpected end of file at byte " + p);
            }
            p += n;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
