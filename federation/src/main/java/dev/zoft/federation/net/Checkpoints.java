package dev.zoft.federation.net;

import dev.zoft.federation.SyncedModel;
import dev.zoft.federation.protocol.ProtocolException;
import dev.zoft.federation.protocol.RoundRecord;
import dev.zoft.tensor.DType;
import dev.zoft.zo.params.ParameterView;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * Periodic checkpoints of the global model, kept beside the round log: the server holds a replica
 * of the model, applies every closed round to it, and every {@code every} rounds writes its
 * trainable parameters to {@value #FILE_NAME} (written to a temporary file, forced, then renamed
 * over the old one, so a kill leaves the old or the new checkpoint, never a mix).
 *
 * <h2>Format (checkpoint version 1)</h2>
 * {@code u32 magic 0x5A4F4643 ("ZOFC")}, {@code u16 version 1}, {@code i32 round}, {@code i64 n},
 * {@code n × f32 little-endian} (the trainable parameters in the objective's order), {@code u32 CRC32}
 * of every byte before it: {@code 22 + 4n} bytes.
 */
public final class Checkpoints implements Coordinator.RoundClosedListener {

    public static final String FILE_NAME = "checkpoint.zock";
    public static final int MAGIC = 0x5A4F4643;
    public static final int VERSION = 1;
    static final int HEADER_BYTES = 18;
    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path file;
    private final SyncedModel<?> replica;
    private final int every;
    private int latestRound;

    /**
     * @param directory the server's state directory
     * @param replica   a model at the base weights (the server's copy of the global model)
     * @param every     checkpoint after every {@code every}-th round (≥ 1)
     */
    public Checkpoints(Path directory, SyncedModel<?> replica, int every) throws IOException {
        if (every < 1) {
            throw new IllegalArgumentException("checkpoint interval must be ≥ 1, got " + every);
        }
        this.file = directory.resolve(FILE_NAME);
        this.replica = Objects.requireNonNull(replica, "replica");
        this.every = every;
        if (Files.exists(file)) {
            latestRound = readHeaderRound(file);
        }
    }

    /** Brings the replica to the log's last round (at start-up); writes a checkpoint if one is due and missing. */
    public void catchUp(List<RoundRecord> records) throws IOException {
        replica.catchUp(records.stream().map(RoundRecord::aggregate).toList());
        int last = replica.syncedRound();
        int due = last - last % every;
        if (due > latestRound && due == last) {
            write(last);
        }
    }

    @Override
    public void roundClosed(RoundRecord record) throws IOException {
        replica.catchUp(List.of(record.aggregate()));
        if (record.round() % every == 0) {
            write(record.round());
        }
    }

    /** The round of the newest checkpoint, 0 if none. */
    public synchronized int latestRound() {
        return latestRound;
    }

    /** Bytes of a checkpoint of this model: {@code 22 + 4n}. */
    public long checkpointBytes() {
        return bytesFor(replica.trainable().size());
    }

    public static long bytesFor(long parameters) {
        return HEADER_BYTES + 4 * parameters + 4;
    }

    /** The newest checkpoint file's bytes, or null if none (checkpoints up to 2 GB are served). */
    public synchronized byte[] latestBytes() throws IOException {
        return latestRound == 0 ? null : Files.readAllBytes(file);
    }

    private synchronized void write(int round) throws IOException {
        Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
        Files.write(tmp, encode(round, replica.trainable()));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        latestRound = round;
    }

    /** A checkpoint of {@code view}'s parameters as the global model of {@code round}. */
    public static byte[] encode(int round, ParameterView view) {
        long n = view.size();
        long total = bytesFor(n);
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("a checkpoint of " + n + " parameters exceeds 2 GB");
        }
        byte[] out = new byte[(int) total];
        ByteBuffer b = ByteBuffer.wrap(out);
        b.putInt(MAGIC).putShort((short) VERSION).putInt(round).putLong(n);
        MemorySegment dst = MemorySegment.ofArray(out);
        long pos = HEADER_BYTES;
        for (ParameterView.Entry e : view.entries()) {
            requireF32(e);
            long k = e.tensor().numel();
            MemorySegment.copy(e.tensor().segment(), ValueLayout.JAVA_FLOAT_UNALIGNED, 0, dst, LE_FLOAT, pos, k);
            pos += 4 * k;
        }
        CRC32 c = new CRC32();
        c.update(out, 0, (int) pos);
        b.putInt((int) pos, (int) c.getValue());
        return out;
    }

    /** The round a checkpoint holds (its header only; {@link #decodeInto} checks the rest). */
    public static int roundOf(byte[] bytes, String what) throws ProtocolException {
        if (bytes.length < HEADER_BYTES + 4 || ByteBuffer.wrap(bytes).getInt() != MAGIC) {
            throw new ProtocolException(what, 0, "not a zoft checkpoint");
        }
        int round = ByteBuffer.wrap(bytes).getInt(6);
        if (round < 1) {
            throw new ProtocolException(what, 6, "checkpoint round " + round);
        }
        return round;
    }

    /**
     * Checks a checkpoint and writes its parameters into {@code view}.
     *
     * @return its round
     * @throws ProtocolException if it is malformed, its checksum fails, or its size does not match {@code view}
     */
    public static int decodeInto(byte[] bytes, ParameterView view, String what) throws ProtocolException {
        if (bytes.length < HEADER_BYTES + 4) {
            throw new ProtocolException(what, 0, "checkpoint too short (" + bytes.length + " bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (b.getInt() != MAGIC) {
            throw new ProtocolException(what, 0, "not a zoft checkpoint");
        }
        int v = Short.toUnsignedInt(b.getShort());
        if (v != VERSION) {
            throw new ProtocolException(what, 4, "unsupported checkpoint version " + v);
        }
        int round = b.getInt();
        long n = b.getLong();
        if (round < 1) {
            throw new ProtocolException(what, 6, "checkpoint round " + round);
        }
        if (n != view.size() || bytesFor(n) != bytes.length) {
            throw new ProtocolException(what, 10, "checkpoint of " + n + " parameters (" + bytes.length
                    + " bytes), the model trains " + view.size());
        }
        CRC32 c = new CRC32();
        c.update(bytes, 0, bytes.length - 4);
        if ((int) c.getValue() != b.getInt(bytes.length - 4)) {
            throw new ProtocolException(what, bytes.length - 4, "checksum mismatch");
        }
        MemorySegment src = MemorySegment.ofArray(bytes);
        long pos = HEADER_BYTES;
        for (ParameterView.Entry e : view.entries()) {
            long k = e.tensor().numel();
            for (long i = 0; i < k; i++) {
                if (!Float.isFinite(src.get(LE_FLOAT, pos + 4 * i))) {
                    throw new ProtocolException(what, pos + 4 * i, "parameter is not finite");
                }
            }
            pos += 4 * k;
        }
        pos = HEADER_BYTES;
        for (ParameterView.Entry e : view.entries()) {
            requireF32(e);
            long k = e.tensor().numel();
            MemorySegment.copy(src, LE_FLOAT, pos, e.tensor().segment(), ValueLayout.JAVA_FLOAT_UNALIGNED, 0, k);
            pos += 4 * k;
        }
        return round;
    }

    private static void requireF32(ParameterView.Entry e) {
        if (e.tensor().dtype() != DType.F32) {
            throw new IllegalArgumentException("trainable parameter " + e.name() + " is " + e.tensor().dtype() + ", not F32");
        }
    }

    private static int readHeaderRound(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES);
            while (h.hasRemaining() && ch.read(h) >= 0) {
                // read the header
            }
            h.flip();
            if (h.remaining() < HEADER_BYTES || h.getInt() != MAGIC) {
                throw new ProtocolException(file.toString(), 0, "not a zoft checkpoint");
            }
            h.getShort();
            return h.getInt();
        }
    }
}
