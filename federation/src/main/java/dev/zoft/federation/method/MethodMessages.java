package dev.zoft.federation.method;

import dev.zoft.federation.protocol.ProtocolCodec;
import dev.zoft.federation.protocol.ProtocolException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages of the baselines that do not share step seeds (FedZO, FedKSeed), in the framing of
 * {@link ProtocolCodec} (big-endian; {@code u32 magic "ZOFP", u8 version 1, u8 type}) with types of
 * their own, so byte counts are exact:
 * <pre>
 * header        := i32 round, i64 roundSeed, i32 S, i32 batch, f64 η                       (28 bytes)
 * fedzo plan    (type 16) := header, i32 n, n × (i32 round, i32 u, u × (i64 seed, f32 coefficient))
 * pool plan     (type 17) := header, i32 m, m × (i32 index, f32 accumulated scalar)          (FedKSeed)
 * pool-pro plan (type 18) := header, i32 m, m × (i32 index, f32 accumulated scalar, f32 mean |g|)
 * fedzo upload  (type 19) := i32 round, i32 client, i32 samples, i32 S, i32 P, S·P × (i64 seed, f32 g), f64 loss
 * pool upload   (type 20) := i32 round, i32 client, i32 samples, i32 S, i32 P, S·P × (i32 index, f32 g), f64 loss
 * </pre>
 * So a FedZO upload is {@code 34 + 12·S·P} bytes, a FedKSeed upload {@code 34 + 8·S·P}, and a plan
 * {@code 38 +} its entries. Decoding checks every count against the bytes left before allocating,
 * rejects non-finite floats and trailing bytes, and reports flaws as {@link ProtocolException}s
 * naming the message and the byte offset.
 */
public final class MethodMessages {

    static final int TYPE_FEDZO_PLAN = 16;
    static final int TYPE_POOL_PLAN = 17;
    static final int TYPE_POOL_PRO_PLAN = 18;
    static final int TYPE_FEDZO_UPLOAD = 19;
    static final int TYPE_POOL_UPLOAD = 20;

    /** Most scalars one upload may carry. */
    public static final int MAX_SCALARS = ProtocolCodec.Limits.MAX_SCALARS;

    private MethodMessages() {
    }

    /** The round part every plan carries. */
    public record Header(int round, long roundSeed, int localSteps, int batchSize, double learningRate) {
        public Header {
            if (round < 1 || localSteps < 1 || batchSize < 1) {
                throw new IllegalArgumentException("bad round header: round " + round + ", S " + localSteps + ", batch " + batchSize);
            }
            if (!(learningRate >= 0) || !Double.isFinite(learningRate)) {
                throw new IllegalArgumentException("learning rate must be finite and ≥ 0, got " + learningRate);
            }
        }
    }

    /** A round's global update as (seed, coefficient) passes over all trainable parameters. */
    public record RoundUpdates(int round, long[] seeds, float[] coefficients) {
        public RoundUpdates {
            if (seeds.length != coefficients.length) {
                throw new IllegalArgumentException(seeds.length + " seeds, " + coefficients.length + " coefficients");
            }
        }
    }

    /** FedZO's plan: the header and every round the client missed, as passes. */
    public record FedZoPlan(Header header, List<RoundUpdates> missing) {
    }

    /** FedKSeed's plan: the header and the pool entries changed since the client's last sync. */
    public record PoolPlan(Header header, int[] indices, float[] accumulated, float[] meanAbs) {
        public PoolPlan {
            if (indices.length != accumulated.length || (meanAbs != null && meanAbs.length != indices.length)) {
                throw new IllegalArgumentException("pool plan arrays differ in length");
            }
        }

        public boolean pro() {
            return meanAbs != null;
        }
    }

    /**
     * An upload of S × P (direction, scalar) pairs: FedZO's direction ids are seeds, FedKSeed's pool
     * indices.
     */
    public record DirectionUpload(int round, int client, int sampleCount, int steps, int perStep, long[] directions,
                                  float[] scalars, double meanTrainLoss) {
        public DirectionUpload {
            if ((long) steps * perStep != scalars.length || directions.length != scalars.length || steps < 1 || perStep < 1) {
                throw new IllegalArgumentException(steps + " × " + perStep + " pairs expected, got "
                        + directions.length + " directions and " + scalars.length + " scalars");
            }
        }
    }

    // ---- encoding ----

    public static byte[] encode(FedZoPlan p) {
        return write(TYPE_FEDZO_PLAN, d -> {
            header(d, p.header());
            d.writeInt(p.missing().size());
            for (RoundUpdates r : p.missing()) {
                d.writeInt(r.round());
                d.writeInt(r.seeds().length);
                for (int i = 0; i < r.seeds().length; i++) {
                    d.writeLong(r.seeds()[i]);
                    d.writeFloat(r.coefficients()[i]);
                }
            }
        });
    }

    public static byte[] encode(PoolPlan p) {
        return write(p.pro() ? TYPE_POOL_PRO_PLAN : TYPE_POOL_PLAN, d -> {
            header(d, p.header());
            d.writeInt(p.indices().length);
            for (int i = 0; i < p.indices().length; i++) {
                d.writeInt(p.indices()[i]);
                d.writeFloat(p.accumulated()[i]);
                if (p.pro()) {
                    d.writeFloat(p.meanAbs()[i]);
                }
            }
        });
    }

    /** {@code pooled}: directions are 32-bit pool indices (FedKSeed), else 64-bit seeds (FedZO). */
    public static byte[] encode(DirectionUpload u, boolean pooled) {
        return write(pooled ? TYPE_POOL_UPLOAD : TYPE_FEDZO_UPLOAD, d -> {
            d.writeInt(u.round());
            d.writeInt(u.client());
            d.writeInt(u.sampleCount());
            d.writeInt(u.steps());
            d.writeInt(u.perStep());
            for (int i = 0; i < u.scalars().length; i++) {
                if (pooled) {
                    d.writeInt(Math.toIntExact(u.directions()[i]));
                } else {
                    d.writeLong(u.directions()[i]);
                }
                d.writeFloat(u.scalars()[i]);
            }
            d.writeDouble(u.meanTrainLoss());
        });
    }

    private interface Body {
        void write(DataOutputStream d) throws IOException;
    }

    private static byte[] write(int type, Body body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(bytes)) {
            d.writeInt(ProtocolCodec.MAGIC);
            d.writeByte(ProtocolCodec.VERSION);
            d.writeByte(type);
            body.write(d);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        return bytes.toByteArray();
    }

    private static void header(DataOutputStream d, Header h) throws IOException {
        d.writeInt(h.round());
        d.writeLong(h.roundSeed());
        d.writeInt(h.localSteps());
        d.writeInt(h.batchSize());
        d.writeDouble(h.learningRate());
    }

    // ---- decoding ----

    public static FedZoPlan decodeFedZoPlan(byte[] bytes) throws ProtocolException {
        Reader r = new Reader(bytes, "fedzo plan", TYPE_FEDZO_PLAN);
        Header h = r.header();
        int n = r.count(8, "missing rounds");
        List<RoundUpdates> missing = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int round = r.intIn(1, h.round() - 1, "missing round");
            int u = r.count(12, "updates");
            long[] seeds = new long[u];
            float[] c = new float[u];
            for (int j = 0; j < u; j++) {
                seeds[j] = r.i64();
                c[j] = r.finiteFloat("coefficient");
            }
            missing.add(new RoundUpdates(round, seeds, c));
        }
        r.end();
        return new FedZoPlan(h, missing);
    }

    public static PoolPlan decodePoolPlan(byte[] bytes, boolean pro, int poolSize) throws ProtocolException {
        Reader r = new Reader(bytes, pro ? "fedkseed-pro plan" : "fedkseed plan", pro ? TYPE_POOL_PRO_PLAN : TYPE_POOL_PLAN);
        Header h = r.header();
        int m = r.count(pro ? 12 : 8, "pool entries");
        int[] idx = new int[m];
        float[] acc = new float[m];
        float[] abs = pro ? new float[m] : null;
        for (int i = 0; i < m; i++) {
            idx[i] = r.intIn(0, poolSize - 1, "pool index");
            acc[i] = r.finiteFloat("accumulated scalar");
            if (pro) {
                abs[i] = r.finiteFloat("mean |scalar|");
                if (abs[i] < 0) {
                    throw r.error(4, "negative mean |scalar| " + abs[i]);
                }
            }
        }
        r.end();
        return new PoolPlan(h, idx, acc, abs);
    }

    public static DirectionUpload decodeUpload(byte[] bytes, boolean pooled) throws ProtocolException {
        Reader r = new Reader(bytes, pooled ? "fedkseed upload" : "fedzo upload", pooled ? TYPE_POOL_UPLOAD : TYPE_FEDZO_UPLOAD);
        int round = r.intIn(1, Integer.MAX_VALUE, "round");
        int client = r.intIn(0, Integer.MAX_VALUE, "client id");
        int samples = r.intIn(1, Integer.MAX_VALUE, "sample count");
        int steps = r.intIn(1, ProtocolCodec.Limits.MAX_STEPS, "steps");
        int perStep = r.intIn(1, ProtocolCodec.Limits.MAX_SCALARS_PER_STEP, "scalars per step");
        long n = (long) steps * perStep;
        int pair = pooled ? 8 : 12;
        if (n > MAX_SCALARS || n * pair > r.left()) {
            throw r.error(8, steps + " × " + perStep + " pairs need " + n * pair + " bytes, " + r.left() + " left");
        }
        long[] dirs = new long[(int) n];
        float[] g = new float[(int) n];
        for (int i = 0; i < n; i++) {
            dirs[i] = pooled ? r.intIn(0, Integer.MAX_VALUE, "pool index") : r.i64();
            g[i] = r.finiteFloat("scalar " + i);
        }
        double loss = r.finiteDouble("mean train loss");
        r.end();
        return new DirectionUpload(round, client, samples, steps, perStep, dirs, g, loss);
    }

    /** A bounds-checked cursor over one message. */
    private static final class Reader {
        private final ByteBuffer in;
        private final String what;

        Reader(byte[] bytes, String what, int type) throws ProtocolException {
            this.in = ByteBuffer.wrap(bytes);
            this.what = what;
            if (bytes.length < ProtocolCodec.PREFIX_BYTES) {
                throw new ProtocolException(what, 0, "message too short (" + bytes.length + " bytes)");
            }
            int magic = in.getInt();
            if (magic != ProtocolCodec.MAGIC) {
                throw new ProtocolException(what, 0, String.format("not a zoft protocol message (magic 0x%08X)", magic));
            }
            int version = in.get() & 0xFF;
            if (version != ProtocolCodec.VERSION) {
                throw new ProtocolException(what, 4, "unsupported protocol version " + version);
            }
            int t = in.get() & 0xFF;
            if (t != type) {
                throw new ProtocolException(what, 5, "message type " + t + ", expected " + type);
            }
        }

        int left() {
            return in.remaining();
        }

        ProtocolException error(int back, String problem) {
            return new ProtocolException(what, in.position() - back, problem);
        }

        private void need(int n) throws ProtocolException {
            if (in.remaining() < n) {
                throw new ProtocolException(what, in.position(), "message ends early: " + n + " more bytes needed, "
                        + in.remaining() + " left");
            }
        }

        int i32() throws ProtocolException {
            need(4);
            return in.getInt();
        }

        long i64() throws ProtocolException {
            need(8);
            return in.getLong();
        }

        int intIn(int min, int max, String field) throws ProtocolException {
            int v = i32();
            if (v < min || v > max) {
                throw error(4, field + " " + v + " outside [" + min + ", " + max + "]");
            }
            return v;
        }

        int count(int minItemBytes, String field) throws ProtocolException {
            int n = intIn(0, Integer.MAX_VALUE, field + " count");
            if ((long) n * minItemBytes > in.remaining()) {
                throw error(4, n + " " + field + " need at least " + (long) n * minItemBytes + " bytes, "
                        + in.remaining() + " left");
            }
            return n;
        }

        float finiteFloat(String field) throws ProtocolException {
            need(4);
            float f = in.getFloat();
            if (!Float.isFinite(f)) {
                throw error(4, field + " is not finite: " + f);
            }
            return f;
        }

        double finiteDouble(String field) throws ProtocolException {
            need(8);
            double v = in.getDouble();
            if (!Double.isFinite(v)) {
                throw error(8, field + " is not finite: " + v);
            }
            return v;
        }

        Header header() throws ProtocolException {
            int round = intIn(1, Integer.MAX_VALUE, "round");
            long seed = i64();
            int steps = intIn(1, ProtocolCodec.Limits.MAX_STEPS, "local steps");
            int batch = intIn(1, Integer.MAX_VALUE, "batch size");
            double lr = finiteDouble("learning rate");
            if (lr < 0) {
                throw error(8, "negative learning rate " + lr);
            }
            return new Header(round, seed, steps, batch, lr);
        }

        void end() throws ProtocolException {
            if (in.hasRemaining()) {
                throw new ProtocolException(what, in.position(), in.remaining() + " unexpected bytes after the message");
            }
        }
    }
}
