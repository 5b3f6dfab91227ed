package dev.zoft.zo.log;

import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tensor.random.Distribution;
import dev.zoft.zo.params.Perturbation;
import dev.zoft.zo.params.Scope;
import dev.zoft.zo.params.ScopedViews;
import dev.zoft.zo.params.Update;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * A finetuning run as data: the base model's identity plus every update applied to its trainable
 * parameters, in order. {@link #apply} replays the updates on the base parameters and reproduces the
 * finetuned weights bit for bit (the same passes, the same float arithmetic, any thread count).
 *
 * <h2>File format (version 1, big-endian as written by {@link DataOutputStream})</h2>
 * <pre>
 *   u32  magic 0x5A4F534C ("ZOSL")
 *   u16  version = 1
 *   u32  header length H (at most {@value #MAX_HEADER_BYTES})
 *   H    header: UTF model name, u8 digest length (32) + SHA-256 of the weights file, u8 distribution
 *        (0 Gaussian, 1 Rademacher), UTF split description, i64 trainable parameter count
 *   u32  CRC32 of the H header bytes
 *   then records of {@value #RECORD_BYTES} bytes:
 *   u8   scope (0 ALL, 1 BLOCK1, 2 BLOCK2)
 *   i64  seed
 *   f32  coefficient (finite)
 *   u32  CRC32 of the 13 bytes before it
 * </pre>
 * Records are self-checking, so a write cut short (a torn last record) is detected: {@link #read}
 * rejects it, {@link #readRecovering} drops it and says how many bytes it dropped.
 */
public final class SeedLog {

    public static final int MAGIC = 0x5A4F534C;
    public static final int VERSION = 1;
    public static final int MAX_HEADER_BYTES = 1 << 16;
    public static final int RECORD_BYTES = 17;
    static final int SHA256_BYTES = 32;

    /**
     * The base model's identity and the log's conventions.
     *
     * @param modelName      a human-readable name of the base model
     * @param weightsSha256  SHA-256 of the base weights file (32 bytes)
     * @param distribution   the law of every update's z
     * @param split          a description of the trainable subset and the block split (free text)
     * @param parameterCount number of trainable parameters (the size of the ALL view)
     */
    public record Header(String modelName, byte[] weightsSha256, Distribution distribution, String split,
                         long parameterCount) {
        public Header {
            Objects.requireNonNull(modelName, "modelName");
            Objects.requireNonNull(split, "split");
            Objects.requireNonNull(distribution, "distribution");
            Objects.requireNonNull(weightsSha256, "weightsSha256");
            if (weightsSha256.length != SHA256_BYTES) {
                throw new IllegalArgumentException("a SHA-256 digest has 32 bytes, got " + weightsSha256.length);
            }
            weightsSha256 = weightsSha256.clone();
            if (parameterCount < 0) {
                throw new IllegalArgumentException("negative parameter count " + parameterCount);
            }
        }

        /** A header for the weights file {@code weights}, hashing it with SHA-256. */
        public static Header forWeightsFile(String modelName, Path weights, Distribution distribution, String split,
                                            long parameterCount) throws IOException {
            return new Header(modelName, sha256(weights), distribution, split, parameterCount);
        }

        @Override
        public byte[] weightsSha256() {
            return weightsSha256.clone();
        }

        /** The weights digest as lowercase hex. */
        public String weightsSha256Hex() {
            return HexFormat.of().formatHex(weightsSha256);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Header h && modelName.equals(h.modelName) && Arrays.equals(weightsSha256, h.weightsSha256)
                    && distribution == h.distribution && split.equals(h.split) && parameterCount == h.parameterCount;
        }

        @Override
        public int hashCode() {
            return Objects.hash(modelName, Arrays.hashCode(weightsSha256), distribution, split, parameterCount);
        }

        @Override
        public String toString() {
            return "Header[" + modelName + ", sha256=" + weightsSha256Hex() + ", " + distribution + ", split=" + split
                    + ", " + parameterCount + " parameters]";
        }
    }

    /** A log read with {@link #readRecovering}, and the bytes of a torn last record it dropped. */
    public record Recovered(SeedLog log, long droppedBytes, long validBytes) {
    }

    private final Header header;
    private final List<Update> updates = new ArrayList<>();

    /** An empty log over the base model {@code header} describes. */
    public SeedLog(Header header) {
        this.header = Objects.requireNonNull(header, "header");
    }

    public Header header() {
        return header;
    }

    /** The updates, in order (unmodifiable view). */
    public List<Update> updates() {
        return java.util.Collections.unmodifiableList(updates);
    }

    public int size() {
        return updates.size();
    }

    public void append(Update update) {
        updates.add(Objects.requireNonNull(update, "update"));
    }

    public void appendAll(List<Update> more) {
        for (Update u : more) {
            append(u);
        }
    }

    /**
     * Replays every update, in order, on {@code views} (which must hold the base parameters the
     * header names): afterwards they hold the finetuned weights, bit for bit.
     *
     * @throws IllegalArgumentException if the views' parameter count differs from the header's
     */
    public void apply(ScopedViews views, WorkerPool pool) {
        if (views.all().size() != header.parameterCount()) {
            throw new IllegalArgumentException("the seed log is for " + header.parameterCount()
                    + " trainable parameters, the model has " + views.all().size() + " (" + header.split() + ")");
        }
        new Perturbation(header.distribution(), pool).applyAll(updates, views);
    }

    /** Bytes the serialized log takes. */
    public long byteSize() {
        return headerBytes().length + 14L + (long) RECORD_BYTES * updates.size();
    }

    /** Writes the whole log to {@code out} (not closed). */
    public void writeTo(OutputStream out) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        writeHeader(d, header);
        for (Update u : updates) {
            writeRecord(d, u);
        }
        d.flush();
    }

    /** Writes the log to {@code file}, replacing it. */
    public void write(Path file) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            writeTo(out);
        }
    }

    /** The serialized log. */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            writeTo(bytes);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        return bytes.toByteArray();
    }

    /** Reads a log file, rejecting any flaw (including a torn last record). */
    public static SeedLog read(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return read(in, file.toString(), false).log();
        }
    }

    /** Reads a serialized log from memory; {@code source} names it in errors. */
    public static SeedLog read(byte[] bytes, String source) throws SeedLogFormatException {
        try {
            return read(new ByteArrayInputStream(bytes), source, false).log();
        } catch (SeedLogFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("reading from memory failed", e);
        }
    }

    /**
     * Reads a log file whose last write may have been cut short: an incomplete last record, or a
     * complete last record failing its checksum, is dropped and reported; any other flaw is an error.
     */
    public static Recovered readRecovering(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return read(in, file.toString(), true);
        }
    }

    /** {@link #readRecovering(Path)} over bytes in memory. */
    public static Recovered readRecovering(byte[] bytes, String source) throws SeedLogFormatException {
        try {
            return read(new ByteArrayInputStream(bytes), source, true);
        } catch (SeedLogFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("reading from memory failed", e);
        }
    }

    private static Recovered read(InputStream in, String source, boolean recover) throws IOException {
        DataInputStream d = new DataInputStream(in);
        byte[] start = new byte[10];
        int got = d.readNBytes(start, 0, start.length);
        if (got < start.length) {
            throw new SeedLogFormatException(source, got, "file too short for a seed log (" + got + " bytes)");
        }
        DataInputStream s = new DataInputStream(new ByteArrayInputStream(start));
        int magic = s.readInt();
        if (magic != MAGIC) {
            throw new SeedLogFormatException(source, 0, String.format("not a zoft seed log (magic 0x%08X, expected 0x%08X)", magic, MAGIC));
        }
        int version = s.readUnsignedShort();
        if (version != VERSION) {
            throw new SeedLogFormatException(source, 4, "unsupported seed log version " + version + " (this reader knows " + VERSION + ")");
        }
        int headerLength = s.readInt();
        if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
            throw new SeedLogFormatException(source, 6, "header length " + Integer.toUnsignedString(headerLength)
                    + " outside [0, " + MAX_HEADER_BYTES + "]");
        }
        byte[] headerBytes = d.readNBytes(headerLength);
        if (headerBytes.length < headerLength) {
            throw new SeedLogFormatException(source, 10 + headerBytes.length, "file ends inside the header");
        }
        byte[] crcBytes = d.readNBytes(4);
        if (crcBytes.length < 4) {
            throw new SeedLogFormatException(source, 10L + headerLength + crcBytes.length, "file ends inside the header checksum");
        }
        if (crc(headerBytes, headerBytes.length) != toInt(crcBytes, 0)) {
            throw new SeedLogFormatException(source, 10L + headerLength, "header checksum mismatch (corrupt header)");
        }
        SeedLog log = new SeedLog(parseHeader(headerBytes, source));
        long offset = 14L + headerLength;
        byte[] record = new byte[RECORD_BYTES];
        while (true) {
            int n = d.readNBytes(record, 0, RECORD_BYTES);
            if (n == 0) {
                return new Recovered(log, 0, offset);
            }
            if (n < RECORD_BYTES) {
                if (recover) {
                    return new Recovered(log, n, offset);
                }
                throw new SeedLogFormatException(source, offset, "torn last record: " + n + " of " + RECORD_BYTES
                        + " bytes (the write was cut short; readRecovering drops it)");
            }
            if (crc(record, 13) != toInt(record, 13)) {
                if (recover && d.read() < 0) {
                    return new Recovered(log, RECORD_BYTES, offset);
                }
                throw new SeedLogFormatException(source, offset, "checksum mismatch in record " + log.size());
            }
            Scope scope = Scope.ofCode(record[0] & 0xFF);
            if (scope == null) {
                throw new SeedLogFormatException(source, offset, "unknown scope code " + (record[0] & 0xFF) + " in record " + log.size());
            }
            long seed = ((long) toInt(record, 1) << 32) | (toInt(record, 5) & 0xFFFFFFFFL);
            float c = Float.intBitsToFloat(toInt(record, 9));
            if (!Float.isFinite(c)) {
                throw new SeedLogFormatException(source, offset, "non-finite coefficient " + c + " in record " + log.size());
            }
            log.append(new Update(scope, seed, c));
            offset += RECORD_BYTES;
        }
    }

    private static Header parseHeader(byte[] bytes, String source) throws SeedLogFormatException {
        DataInputStream h = new DataInputStream(new ByteArrayInputStream(bytes));
        try {
            String name = h.readUTF();
            int digestLength = h.readUnsignedByte();
            if (digestLength != SHA256_BYTES) {
                throw new SeedLogFormatException(source, 10, "weights digest of " + digestLength + " bytes, expected 32 (SHA-256)");
            }
            byte[] digest = h.readNBytes(SHA256_BYTES);
            if (digest.length < SHA256_BYTES) {
                throw new EOFException();
            }
            int dist = h.readUnsignedByte();
            Distribution[] laws = Distribution.values();
            if (dist >= laws.length) {
                throw new SeedLogFormatException(source, 10, "unknown distribution code " + dist);
            }
            String split = h.readUTF();
            long count = h.readLong();
            if (count < 0) {
                throw new SeedLogFormatException(source, 10, "negative parameter count " + count);
            }
            if (h.available() != 0) {
                throw new SeedLogFormatException(source, 10, h.available() + " unexpected bytes at the end of the header");
            }
            return new Header(name, digest, laws[dist], split, count);
        } catch (SeedLogFormatException e) {
            throw e;
        } catch (EOFException e) {
            throw new SeedLogFormatException(source, 10, "header too short for its fields");
        } catch (IOException e) {
            throw new SeedLogFormatException(source, 10, "malformed header text (" + e.getMessage() + ")");
        }
    }

    static void writeHeader(DataOutputStream d, Header header) throws IOException {
        byte[] body = headerBytes(header);
        d.writeInt(MAGIC);
        d.writeShort(VERSION);
        d.writeInt(body.length);
        d.write(body);
        d.writeInt(crc(body, body.length));
    }

    private byte[] headerBytes() {
        return headerBytes(header);
    }

    private static byte[] headerBytes(Header header) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream h = new DataOutputStream(bytes)) {
            h.writeUTF(header.modelName());
            h.writeByte(SHA256_BYTES);
            h.write(header.weightsSha256);
            h.writeByte(header.distribution().ordinal());
            h.writeUTF(header.split());
            h.writeLong(header.parameterCount());
        } catch (IOException e) {
            // writeUTF refuses strings over 65535 encoded bytes
            throw new IllegalArgumentException("header text too long: " + e.getMessage(), e);
        }
        if (bytes.size() > MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("header of " + bytes.size() + " bytes exceeds " + MAX_HEADER_BYTES);
        }
        return bytes.toByteArray();
    }

    static void writeRecord(DataOutputStream d, Update u) throws IOException {
        byte[] r = new byte[RECORD_BYTES];
        r[0] = (byte) u.scope().ordinal();
        putInt(r, 1, (int) (u.seed() >>> 32));
        putInt(r, 5, (int) u.seed());
        putInt(r, 9, Float.floatToRawIntBits(u.coefficient()));
        putInt(r, 13, crc(r, 13));
        d.write(r);
    }

    private static int crc(byte[] b, int length) {
        CRC32 c = new CRC32();
        c.update(b, 0, length);
        return (int) c.getValue();
    }

    private static int toInt(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    /** SHA-256 of a file, streamed. */
    public static byte[] sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return md.digest();
    }
}
