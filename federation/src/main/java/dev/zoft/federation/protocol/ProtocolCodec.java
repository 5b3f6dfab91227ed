package dev.zoft.federation.protocol;

import dev.zoft.zo.params.Scope;
import dev.zoft.zo.params.Update;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary form of the protocol messages. What a message costs on the wire is exactly the length
 * of its encoding, so byte counts are {@code encode(m).length}.
 *
 * <h2>Format, version 1 (big-endian, as {@link DataOutputStream} writes)</h2>
 * Every message starts with a 6-byte prefix: {@code u32 magic 0x5A4F4650 ("ZOFP")}, {@code u8 version = 1},
 * {@code u8 type} (1 plan, 2 upload, 3 record, 4 catch-up, 5 partial upload). Then the body:
 * <pre>
 * scalars   := i32 S, i32 K, S·K × f32                                          (8 + 4·S·K bytes)
 * aggregate := i32 round, i64 roundSeed, f64 η, scalars                         (28 + 4·S·K bytes)
 * plan      := i32 round, i64 roundSeed, i32 S, i32 batch, f64 η,
 *              i32 n, n × aggregate                                             (32 + Σ aggregates)
 * upload    := i32 round, i32 clientId, i32 sampleCount, scalars, f64 meanLoss  (28 + 4·S·K)
 * record    := aggregate, i32 n, n × (i32 client, f64 weight),
 *              i32 u, u × (u8 scope, i64 seed, f32 coefficient)                 (36 + 4·S·K + 12·n + 13·u)
 * catch-up  := i32 n, n × aggregate (consecutive rounds, increasing)            (4 + Σ aggregates)
 * partial   := upload, i32 K, ⌈K/8⌉ × u8 coverage mask                           (32 + 4·S·K + ⌈K/8⌉)
 * </pre>
 * So an upload of S·K scalars is {@code 34 + 4·S·K} bytes and a plan with no missing round 38.
 *
 * <p><b>Partial uploads</b> (type 5) come from capped clients ({@link ClientUpload#coverage()}):
 * the upload's body, then the mask ({@link CoverageMask#toBytes}) of the K coordinates each step
 * computed. An upload covering everything is always written as type 2, byte for byte as before
 * masks existed, and a type-5 message whose mask covers everything is refused (one encoding per
 * upload). The decoder refuses a mask whose K differs from the scalars', a set bit beyond K, a mask
 * covering nothing, and an uncovered scalar that is not 0. Whether the mask is a sub-grid the
 * round's estimator allows is the server's check ({@code Server.accept}), since only it knows the
 * round's estimator.
 *
 * <p>Decoding checks every count against {@link Limits} and against the bytes left before it
 * allocates, rejects non-finite floats, out-of-range fields and trailing bytes, and reports any
 * flaw as a {@link ProtocolException} naming the message type and the byte offset; it never throws
 * anything else on bad input.
 */
public final class ProtocolCodec {

    public static final int MAGIC = 0x5A4F4650;
    public static final int VERSION = 1;
    /** Bytes of the magic + version + type prefix. */
    public static final int PREFIX_BYTES = 6;

    static final int TYPE_PLAN = 1;
    static final int TYPE_UPLOAD = 2;
    static final int TYPE_RECORD = 3;
    static final int TYPE_CATCH_UP = 4;
    static final int TYPE_PARTIAL_UPLOAD = 5;

    /** Upper bounds a decoder accepts; they keep a hostile length field from allocating gigabytes. */
    public static final class Limits {
        /** Local steps per round. */
        public static final int MAX_STEPS = 1 << 16;
        /** Scalars per step. */
        public static final int MAX_SCALARS_PER_STEP = 1 << 16;
        /** Scalars in one {@link StepScalars} (16 MiB of floats). */
        public static final int MAX_SCALARS = 1 << 22;
        /** Missing rounds in one plan. */
        public static final int MAX_MISSING_ROUNDS = 1 << 20;
        /** Clients in one round record. */
        public static final int MAX_CLIENTS = 1 << 20;
        /** Updates in one round record. */
        public static final int MAX_UPDATES = 1 << 24;

        private Limits() {
        }
    }

    private ProtocolCodec() {
    }

    // ---- encoding ----

    public static byte[] encode(RoundPlan plan) {
        return write(TYPE_PLAN, d -> {
            d.writeInt(plan.round());
            d.writeLong(plan.roundSeed());
            d.writeInt(plan.localSteps());
            d.writeInt(plan.batchSize());
            d.writeDouble(plan.learningRate());
            d.writeInt(plan.missing().size());
            for (RoundAggregate a : plan.missing()) {
                writeAggregate(d, a);
            }
        });
    }

    /** An upload: type 2 when it covers every coordinate, else type 5 with its coverage mask. */
    public static byte[] encode(ClientUpload upload) {
        boolean partial = !upload.coverage().isFull();
        return write(partial ? TYPE_PARTIAL_UPLOAD : TYPE_UPLOAD, d -> {
            d.writeInt(upload.round());
            d.writeInt(upload.clientId());
            d.writeInt(upload.sampleCount());
            writeScalars(d, upload.scalars());
            d.writeDouble(upload.meanTrainLoss());
            if (partial) {
                d.writeInt(upload.coverage().size());
                d.write(upload.coverage().toBytes());
            }
        });
    }

    public static byte[] encode(RoundRecord record) {
        return write(TYPE_RECORD, d -> {
            writeAggregate(d, record.aggregate());
            int[] clients = record.clients();
            double[] weights = record.weights();
            d.writeInt(clients.length);
            for (int i = 0; i < clients.length; i++) {
                d.writeInt(clients[i]);
                d.writeDouble(weights[i]);
            }
            d.writeInt(record.updates().size());
            for (Update u : record.updates()) {
                d.writeByte(u.scope().ordinal());
                d.writeLong(u.seed());
                d.writeFloat(u.coefficient());
            }
        });
    }

    /** A catch-up: the aggregates of consecutive rounds a client replays (what a networked sync sends). */
    public static byte[] encodeCatchUp(List<RoundAggregate> rounds) {
        return write(TYPE_CATCH_UP, d -> {
            d.writeInt(rounds.size());
            for (RoundAggregate a : rounds) {
                writeAggregate(d, a);
            }
        });
    }

    private interface Body {
        void write(DataOutputStream d) throws IOException;
    }

    private static byte[] write(int type, Body body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(bytes)) {
            d.writeInt(MAGIC);
            d.writeByte(VERSION);
            d.writeByte(type);
            body.write(d);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        return bytes.toByteArray();
    }

    private static void writeAggregate(DataOutputStream d, RoundAggregate a) throws IOException {
        d.writeInt(a.round());
        d.writeLong(a.roundSeed());
        d.writeDouble(a.learningRate());
        writeScalars(d, a.scalars());
    }

    private static void writeScalars(DataOutputStream d, StepScalars s) throws IOException {
        d.writeInt(s.steps());
        d.writeInt(s.perStep());
        for (int i = 0; i < s.size(); i++) {
            d.writeFloat(s.get(i));
        }
    }

    // ---- decoding ----

    public static RoundPlan decodePlan(byte[] bytes) throws ProtocolException {
        Reader r = new Reader(bytes, "round plan", TYPE_PLAN);
        int round = r.round();
        long seed = r.i64();
        int steps = r.intIn(1, Limits.MAX_STEPS, "local steps");
        int batch = r.intIn(1, Integer.MAX_VALUE, "batch size");
        double lr = r.learningRate();
        int n = r.count(Limits.MAX_MISSING_ROUNDS, 32, "missing rounds");
        List<RoundAggregate> missing = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            missing.add(r.aggregate());
        }
        r.end();
        return r.build(() -> new RoundPlan(round, seed, steps, batch, lr, missing));
    }

    /** Decodes an upload of either form (type 2, or type 5 with a coverage mask). */
    public static ClientUpload decodeUpload(byte[] bytes) throws ProtocolException {
        Reader r = new Reader(bytes, "client upload", TYPE_UPLOAD, TYPE_PARTIAL_UPLOAD);
        int round = r.round();
        int client = r.intIn(0, Integer.MAX_VALUE, "client id");
        int samples = r.intIn(1, Integer.MAX_VALUE, "sample count");
        StepScalars scalars = r.scalars();
        double loss = r.finiteDouble("mean train loss");
        CoverageMask coverage = null;
        if (r.type == TYPE_PARTIAL_UPLOAD) {
            int k = r.intIn(scalars.perStep(), scalars.perStep(), "coverage mask size (the scalars per step)");
            int n = (k + 7) / 8;
            if (bytes.length - r.pos < n) {
                throw r.error(0, "a mask of " + k + " coordinates needs " + n + " bytes, " + (bytes.length - r.pos) + " left");
            }
            byte[] mask = new byte[n];
            for (int i = 0; i < n; i++) {
                mask[i] = (byte) r.u8();
            }
            coverage = r.build(() -> CoverageMask.fromBytes(mask, k));
            if (coverage.isFull()) {
                throw r.error(n, "a partial upload's mask covers all " + k + " coordinates (a full upload is type "
                        + TYPE_UPLOAD + ")");
            }
        }
        r.end();
        CoverageMask cov = coverage;
        return r.build(() -> new ClientUpload(round, client, samples, scalars, loss, cov));
    }

    /** Decodes {@link #encodeCatchUp}: consecutive, increasing rounds. */
    public static List<RoundAggregate> decodeCatchUp(byte[] bytes) throws ProtocolException {
        Reader r = new Reader(bytes, "catch-up", TYPE_CATCH_UP);
        int n = r.count(Limits.MAX_MISSING_ROUNDS, 28, "rounds");
        List<RoundAggregate> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            RoundAggregate a = r.aggregate();
            if (i > 0 && a.round() != out.get(i - 1).round() + 1) {
                throw r.error(0, "round " + a.round() + " follows round " + out.get(i - 1).round());
            }
            out.add(a);
        }
        r.end();
        return List.copyOf(out);
    }

    public static RoundRecord decodeRecord(byte[] bytes) throws ProtocolException {
        Reader r = new Reader(bytes, "round record", TYPE_RECORD);
        RoundAggregate aggregate = r.aggregate();
        int n = r.count(Limits.MAX_CLIENTS, 12, "clients");
        int[] clients = new int[n];
        double[] weights = new double[n];
        for (int i = 0; i < n; i++) {
            clients[i] = r.intIn(i == 0 ? 0 : clients[i - 1] + 1, Integer.MAX_VALUE, "client id (ascending)");
            weights[i] = r.finiteDouble("client weight");
            if (!(weights[i] > 0)) {
                throw r.error(8, "client weight must be positive, got " + weights[i]);
            }
        }
        int u = r.count(Limits.MAX_UPDATES, 13, "updates");
        List<Update> updates = new ArrayList<>(u);
        for (int i = 0; i < u; i++) {
            int code = r.u8();
            Scope scope = Scope.ofCode(code);
            if (scope == null) {
                throw r.error(1, "unknown scope code " + code);
            }
            long seed = r.i64();
            float c = r.finiteFloat("update coefficient");
            updates.add(new Update(scope, seed, c));
        }
        r.end();
        return r.build(() -> new RoundRecord(aggregate, clients, weights, updates));
    }

    /** A cursor over one message; every read checks the bytes left. */
    private static final class Reader {
        private final byte[] bytes;
        private final String what;
        private final DataInputStream in;
        private int pos;
        /** The message's type (one of those the reader accepts). */
        private final int type;

        Reader(byte[] bytes, String what, int... types) throws ProtocolException {
            this.bytes = bytes;
            this.what = what;
            this.in = new DataInputStream(new ByteArrayInputStream(bytes));
            if (bytes.length < PREFIX_BYTES) {
                throw new ProtocolException(what, 0, "message too short (" + bytes.length + " bytes)");
            }
            int magic = i32();
            if (magic != MAGIC) {
                throw new ProtocolException(what, 0, String.format("not a zoft protocol message (magic 0x%08X)", magic));
            }
            int version = u8();
            if (version != VERSION) {
                throw new ProtocolException(what, 4, "unsupported protocol version " + version + " (this reader knows " + VERSION + ")");
            }
            int t = u8();
            if (java.util.Arrays.stream(types).noneMatch(x -> x == t)) {
                throw new ProtocolException(what, 5, "message type " + t + ", expected "
                        + (types.length == 1 ? String.valueOf(types[0]) : java.util.Arrays.toString(types)));
            }
            this.type = t;
        }

        ProtocolException error(int back, String problem) {
            return new ProtocolException(what, pos - back, problem);
        }

        private void need(int n) throws ProtocolException {
            if (bytes.length - pos < n) {
                throw new ProtocolException(what, pos, "message ends early: " + n + " more bytes needed, "
                        + (bytes.length - pos) + " left");
            }
            pos += n;
        }

        int i32() throws ProtocolException {
            need(4);
            return io(() -> in.readInt());
        }

        long i64() throws ProtocolException {
            need(8);
            return io(() -> in.readLong());
        }

        int u8() throws ProtocolException {
            need(1);
            return io(() -> in.readUnsignedByte());
        }

        float finiteFloat(String field) throws ProtocolException {
            need(4);
            float f = io(() -> in.readFloat());
            if (!Float.isFinite(f)) {
                throw error(4, field + " is not finite: " + f);
            }
            return f;
        }

        double finiteDouble(String field) throws ProtocolException {
            need(8);
            double v = io(() -> in.readDouble());
            if (!Double.isFinite(v)) {
                throw error(8, field + " is not finite: " + v);
            }
            return v;
        }

        double learningRate() throws ProtocolException {
            double lr = finiteDouble("learning rate");
            if (!(lr >= 0)) {
                throw error(8, "negative learning rate " + lr);
            }
            return lr;
        }

        int intIn(int min, int max, String field) throws ProtocolException {
            int v = i32();
            if (v < min || v > max) {
                throw error(4, field + " " + v + " outside [" + min + ", " + max + "]");
            }
            return v;
        }

        int round() throws ProtocolException {
            return intIn(1, Integer.MAX_VALUE, "round");
        }

        /** A count of items of at least {@code minItemBytes} each: bounded by the limit and by the bytes left. */
        int count(int limit, int minItemBytes, String field) throws ProtocolException {
            int n = intIn(0, limit, field + " count");
            if ((long) n * minItemBytes > bytes.length - pos) {
                throw error(4, n + " " + field + " need at least " + (long) n * minItemBytes + " bytes, "
                        + (bytes.length - pos) + " left");
            }
            return n;
        }

        StepScalars scalars() throws ProtocolException {
            int steps = intIn(1, Limits.MAX_STEPS, "steps");
            int perStep = intIn(1, Limits.MAX_SCALARS_PER_STEP, "scalars per step");
            long n = (long) steps * perStep;
            if (n > Limits.MAX_SCALARS) {
                throw error(8, steps + " × " + perStep + " scalars exceed the limit of " + Limits.MAX_SCALARS);
            }
            if (n * 4 > bytes.length - pos) {
                throw error(8, n + " scalars need " + n * 4 + " bytes, " + (bytes.length - pos) + " left");
            }
            float[] v = new float[(int) n];
            for (int i = 0; i < v.length; i++) {
                v[i] = finiteFloat("scalar " + i);
            }
            return StepScalars.of(steps, perStep, v);
        }

        RoundAggregate aggregate() throws ProtocolException {
            int round = round();
            long seed = i64();
            double lr = learningRate();
            StepScalars s = scalars();
            return build(() -> new RoundAggregate(round, seed, lr, s));
        }

        void end() throws ProtocolException {
            if (pos != bytes.length) {
                throw new ProtocolException(what, pos, (bytes.length - pos) + " unexpected bytes after the message");
            }
        }

        /** Runs a constructor whose own checks (e.g. consecutive missing rounds) may refuse the values. */
        <T> T build(java.util.function.Supplier<T> constructor) throws ProtocolException {
            try {
                return constructor.get();
            } catch (IllegalArgumentException e) {
                throw new ProtocolException(what, pos, e.getMessage());
            }
        }

        private interface Read<T> {
            T read() throws IOException;
        }

        private <T> T io(Read<T> read) throws ProtocolException {
            try {
                return read.read();
            } catch (EOFException e) {
                throw new ProtocolException(what, pos, "message ends early");
            } catch (IOException e) {
                throw new IllegalStateException("reading from memory failed", e);
            }
        }
    }
}
