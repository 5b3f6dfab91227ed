package dev.zoft.federation;

import dev.zoft.federation.protocol.ProtocolCodec;
import dev.zoft.federation.protocol.ProtocolException;
import dev.zoft.federation.protocol.RoundRecord;
import dev.zoft.zo.log.SeedLog;
import dev.zoft.zo.log.SeedLogWriter;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * The global model's history: every round's {@link RoundRecord} and, flattened, every update as a
 * {@link SeedLog} (base model identity + updates), so {@code seedLog().apply(views, pool)} on the
 * base model gives the global model. Kept in memory; with a directory also written as each round
 * ends, and forced to the storage device, so a kill loses no accepted round:
 * <ul>
 *   <li>{@value #SEED_LOG_FILE}: the seed log ({@link SeedLogWriter}; replayable by {@code zoft apply});</li>
 *   <li>{@value #ROUNDS_FILE}: the round records. Format: {@code u32 magic 0x5A4F4652 ("ZOFR")},
 *       {@code u16 version 1}, then per round {@code u32 length n, n bytes (ProtocolCodec record),
 *       u32 CRC32 of those n bytes}.</li>
 * </ul>
 */
public final class RoundLog implements AutoCloseable {

    public static final String SEED_LOG_FILE = "model.zosl";
    public static final String ROUNDS_FILE = "rounds.zofr";
    public static final int ROUNDS_MAGIC = 0x5A4F4652;
    public static final int ROUNDS_VERSION = 1;
    /** Largest record frame a reader accepts. */
    public static final int MAX_FRAME_BYTES = 1 << 28;

    private final SeedLog seedLog;
    private final List<RoundRecord> records = new ArrayList<>();
    private final SeedLogWriter seedWriter;
    private final FileChannel roundsChannel;
    private final DataOutputStream roundsOut;
    /** The rounds file of a {@link #reopen}ed log (then {@code roundsChannel} is null). */
    private final FramedFile framed;

    private RoundLog(SeedLog.Header header, SeedLogWriter seedWriter, FileChannel roundsChannel) {
        this.seedLog = new SeedLog(Objects.requireNonNull(header, "header"));
        this.seedWriter = seedWriter;
        this.roundsChannel = roundsChannel;
        this.roundsOut = roundsChannel == null ? null : new DataOutputStream(Channels.newOutputStream(roundsChannel));
        this.framed = null;
    }

    private RoundLog(SeedLog.Header header, SeedLogWriter seedWriter, FramedFile framed) {
        this.seedLog = new SeedLog(Objects.requireNonNull(header, "header"));
        this.seedWriter = seedWriter;
        this.roundsChannel = null;
        this.roundsOut = null;
        this.framed = framed;
    }

    /**
     * Opens the log in {@code directory} to continue it (a server restarting), or creates it when
     * there is none. The rounds file is read with {@link FramedFile#open}: a torn last round (a kill
     * while it was being written, so never acknowledged) is cut off; the seed log, derived data, is
     * rewritten from the rounds, so it always ends at the same round.
     *
     * @throws ProtocolException if the rounds file is corrupt, its rounds are out of order, or the
     *     existing seed log was written for another base model or configuration ({@code header} differs)
     */
    public static RoundLog reopen(Path directory, SeedLog.Header header) throws IOException {
        Path rounds = directory.resolve(ROUNDS_FILE);
        if (!Files.exists(rounds)) {
            return create(directory, header);
        }
        Path seedFile = directory.resolve(SEED_LOG_FILE);
        if (Files.exists(seedFile) && Files.size(seedFile) > 0) {
            SeedLog.Header old;
            try (SeedLogWriter w = SeedLogWriter.resume(seedFile)) {
                old = w.recovered().log().header();
            }
            if (!old.equals(header)) {
                throw new ProtocolException(seedFile + ": written for " + old + ", the server now runs " + header);
            }
        }
        FramedFile.Recovered[] found = new FramedFile.Recovered[1];
        FramedFile framed = FramedFile.open(rounds, ROUNDS_MAGIC, ROUNDS_VERSION, found);
        SeedLogWriter w = null;
        try {
            List<RoundRecord> records = new ArrayList<>();
            long offset = FramedFile.HEADER_BYTES;
            for (byte[] frame : found[0].frames()) {
                RoundRecord r = ProtocolCodec.decodeRecord(frame);
                if (r.round() != records.size() + 1) {
                    throw new ProtocolException(rounds.toString(), offset, "round " + r.round() + " where round "
                            + (records.size() + 1) + " was expected");
                }
                records.add(r);
                offset += 8L + frame.length;
            }
            w = SeedLogWriter.create(seedFile, header);
            RoundLog log = new RoundLog(header, w, framed);
            for (RoundRecord r : records) {
                w.appendAll(r.updates());
                log.records.add(r);
                log.seedLog.appendAll(r.updates());
            }
            w.sync();
            return log;
        } catch (IOException | RuntimeException e) {
            try (framed) {
                if (w != null) {
                    w.close();
                }
            }
            throw e;
        }
    }

    /** A log kept in memory only. */
    public static RoundLog inMemory(SeedLog.Header header) {
        return new RoundLog(header, null, (FileChannel) null);
    }

    /** A log in memory and in {@code directory} (created if needed; existing log files are replaced). */
    public static RoundLog create(Path directory, SeedLog.Header header) throws IOException {
        Files.createDirectories(directory);
        SeedLogWriter w = SeedLogWriter.create(directory.resolve(SEED_LOG_FILE), header);
        FileChannel ch = null;
        try {
            ch = FileChannel.open(directory.resolve(ROUNDS_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            RoundLog log = new RoundLog(header, w, ch);
            log.roundsOut.writeInt(ROUNDS_MAGIC);
            log.roundsOut.writeShort(ROUNDS_VERSION);
            log.roundsOut.flush();
            return log;
        } catch (IOException | RuntimeException e) {
            w.close();
            if (ch != null) {
                ch.close();
            }
            throw e;
        }
    }

    /** Appends a round: its record, and its updates to the seed log. */
    public void append(RoundRecord record) throws IOException {
        int expected = records.size() + 1;
        if (record.round() != expected) {
            throw new IllegalArgumentException("round " + record.round() + " appended, round " + expected + " expected");
        }
        if (framed != null) {
            framed.append(ProtocolCodec.encode(record));
            seedWriter.appendAll(record.updates());
            seedWriter.sync();
        } else if (seedWriter != null) {
            byte[] frame = ProtocolCodec.encode(record);
            CRC32 crc = new CRC32();
            crc.update(frame);
            roundsOut.writeInt(frame.length);
            roundsOut.write(frame);
            roundsOut.writeInt((int) crc.getValue());
            roundsOut.flush();
            roundsChannel.force(false);
            seedWriter.appendAll(record.updates());
            seedWriter.sync();
        }
        records.add(record);
        seedLog.appendAll(record.updates());
    }

    /** Every round so far, in order (unmodifiable). */
    public List<RoundRecord> records() {
        return Collections.unmodifiableList(records);
    }

    /** Every update so far, as a seed log over the base model. */
    public SeedLog seedLog() {
        return seedLog;
    }

    /** Rounds logged. */
    public int rounds() {
        return records.size();
    }

    /**
     * Reads a {@value #ROUNDS_FILE} file.
     *
     * @throws ProtocolException naming the file, the byte offset and the problem (bad magic,
     *     truncated or oversized frame, checksum mismatch, a malformed record, rounds out of order)
     */
    public static List<RoundRecord> readRounds(Path file) throws IOException {
        List<RoundRecord> out = new ArrayList<>();
        long size = Files.size(file);
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new BufferedInputStream(raw))) {
            String what = file.toString();
            long offset = 0;
            try {
                if (in.readInt() != ROUNDS_MAGIC) {
                    throw new ProtocolException(what, 0, "not a zoft round log");
                }
                int version = in.readUnsignedShort();
                if (version != ROUNDS_VERSION) {
                    throw new ProtocolException(what, 4, "unsupported round log version " + version);
                }
            } catch (EOFException e) {
                throw new ProtocolException(what, 0, "file too short for a round log");
            }
            offset = 6;
            while (offset < size) {
                if (size - offset < 4) {
                    throw new ProtocolException(what, offset, "torn frame length");
                }
                int n = in.readInt();
                if (n < 0 || n > MAX_FRAME_BYTES || n + 4L > size - offset - 4) {
                    throw new ProtocolException(what, offset, "frame length " + Integer.toUnsignedString(n)
                            + " does not fit the " + (size - offset - 4) + " bytes left");
                }
                byte[] frame = in.readNBytes(n);
                int crc = in.readInt();
                CRC32 c = new CRC32();
                c.update(frame);
                if ((int) c.getValue() != crc) {
                    throw new ProtocolException(what, offset, "checksum mismatch in the frame of round " + (out.size() + 1));
                }
                RoundRecord r = ProtocolCodec.decodeRecord(frame);
                if (r.round() != out.size() + 1) {
                    throw new ProtocolException(what, offset, "round " + r.round() + " where round " + (out.size() + 1) + " was expected");
                }
                out.add(r);
                offset += 8L + n;
            }
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        if (framed != null) {
            try (framed; seedWriter) {
                return;
            }
        }
        if (seedWriter != null) {
            try (roundsChannel; seedWriter) {
                roundsOut.flush();
            }
        }
    }
}
