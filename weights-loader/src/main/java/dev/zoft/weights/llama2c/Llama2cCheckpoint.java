package dev.zoft.weights.llama2c;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.weights.MappedFile;
import dev.zoft.weights.TensorStore;
import dev.zoft.weights.WeightFormatException;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A llama2.c checkpoint ({@code .bin}): float32 weights of a Llama-architecture model after a
 * small header, memory-mapped read-only. Two headers exist (see llama2.c's {@code export.py}):
 * <ul>
 *   <li><b>legacy</b> (version 0): seven int32 {@code dim, hidden_dim, n_layers, n_heads,
 *       n_kv_heads, vocab_size, seq_len}; a negative {@code vocab_size} means the classifier is not
 *       shared with the embedding. Then, per kind and layer by layer: embedding, attention norms,
 *       wq, wk, wv, wo, ffn norms, w1, w2, w3, final norm, the old RoPE {@code freq_cis} real and
 *       imaginary tables ({@code seq_len * head_size / 2} floats each, skipped), and the classifier
 *       when not shared.</li>
 *   <li><b>version 1</b>: uint32 magic {@code 0x616b3432} ("ak42", stored little-endian so the file starts with the bytes "24ka"), int32 version 1, the seven
 *       int32 (vocab positive), a uint8 shared-classifier flag, zeros up to byte 256. Then
 *       attention norms, ffn norms, final norm, embedding, wq, wk, wv, wo, w1, w2, w3 (each layer by
 *       layer), and the classifier when not shared. No freq_cis tables.</li>
 * </ul>
 * Version 2 (llama2.c's grouped int8) is recognised and rejected with a message.
 *
 * <p>Tensors are named as llama2.c's PyTorch model names them ({@code tok_embeddings.weight},
 * {@code layers.N.attention.wq.weight}, {@code layers.N.feed_forward.w1.weight},
 * {@code layers.N.attention_norm.weight}, {@code layers.N.ffn_norm.weight}, {@code norm.weight},
 * {@code output.weight} only when not shared), row-major {@code [out, in]}. Q and K use the
 * interleaved RoPE layout (llama2.c rotates consecutive pairs {@code (2i, 2i+1)} of each head).
 *
 * <p>The file size must equal exactly what the header implies, which catches truncation and most
 * header damage. The file is never written; the store and this checkpoint share one lifetime.
 */
public final class Llama2cCheckpoint implements AutoCloseable {
    /** "ak42" as written by export.py ({@code struct.pack('I', 0x616b3432)}). */
    public static final int MAGIC = 0x616b3432;
    /** Size of the version-1 header. */
    public static final int V1_HEADER_BYTES = 256;
    /** Size of the legacy header. */
    public static final int LEGACY_HEADER_BYTES = 28;

    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path path;
    private final int version;
    private final Llama2cConfig config;
    private final TensorStore store;

    private Llama2cCheckpoint(Path path, int version, Llama2cConfig config, TensorStore store) {
        this.path = path;
        this.version = version;
        this.config = config;
        this.store = store;
    }

    /** Maps and validates {@code path}. */
    public static Llama2cCheckpoint open(Path path) {
        MappedFile mapped = MappedFile.open(path);
        TensorStore.Builder b = TensorStore.builder(path.toString()).file(path).owns(mapped);
        try {
            long size = mapped.size();
            if (size < LEGACY_HEADER_BYTES) {
                throw new WeightFormatException(path, "file of " + size + " bytes is too short for a llama2.c header");
            }
            int first = mapped.segment().get(I32, 0);
            int version;
            int[] h = new int[7];
            boolean shared;
            long dataStart;
            if (first == MAGIC) {
                if (size < V1_HEADER_BYTES) {
                    throw new WeightFormatException(path, "file of " + size + " bytes is too short for a llama2.c v1 header (256 bytes)");
                }
                version = mapped.segment().get(I32, 4);
                if (version != 1) {
                    throw new WeightFormatException(path, "llama2.c checkpoint version " + version + " is not supported (legacy and 1 are"
                            + (version == 2 ? "; version 2 holds llama2.c's own int8 groups: export version 1 instead)" : ")"));
                }
                for (int i = 0; i < 7; i++) {
                    h[i] = mapped.segment().get(I32, 8 + 4L * i);
                }
                byte flag = mapped.segment().get(ValueLayout.JAVA_BYTE, 36);
                if (flag != 0 && flag != 1) {
                    throw new WeightFormatException(path, "shared-classifier flag is " + flag + ", neither 0 nor 1");
                }
                if (h[5] <= 0) {
                    throw new WeightFormatException(path, "vocab_size is " + h[5] + " in a v1 header, must be positive");
                }
                shared = flag == 1;
                dataStart = V1_HEADER_BYTES;
            } else {
                version = 0;
                for (int i = 0; i < 7; i++) {
                    h[i] = mapped.segment().get(I32, 4L * i);
                }
                shared = h[5] > 0;
                if (h[5] == Integer.MIN_VALUE) {
                    throw new WeightFormatException(path, "vocab_size " + h[5] + " is absurd");
                }
                h[5] = Math.abs(h[5]);
                dataStart = LEGACY_HEADER_BYTES;
            }
            Llama2cConfig config;
            try {
                config = new Llama2cConfig(h[0], h[1], h[2], h[3], h[4], h[5], h[6], shared);
            } catch (IllegalArgumentException e) {
                throw new WeightFormatException(path, "not a llama2.c checkpoint (" + (version == 0 ? "legacy" : "v1")
                        + " header): " + e.getMessage());
            }
            // Sizes first, in exact arithmetic: the layout list is built only for a header the file can back.
            long expected;
            try {
                expected = Math.addExact(dataStart, Math.multiplyExact(floatCount(config, version), 4L));
            } catch (ArithmeticException e) {
                throw new WeightFormatException(path, "header " + config + " implies more than 2^63 bytes");
            }
            if (expected != size) {
                throw new WeightFormatException(path, "file is " + size + " bytes but its " + (version == 0 ? "legacy" : "v1")
                        + " header " + config + " implies " + expected + " bytes");
            }
            List<Slot> slots = layout(config, version);
            long at = dataStart;
            for (Slot s : slots) {
                long bytes = s.numel() * 4L;
                if (s.name != null) {
                    b.put(s.name, Tensor.wrap(mapped.slice(at, bytes, s.name), DType.F32, s.shape));
                }
                at += bytes;
            }
            b.metadata("llama2c.version", Integer.toString(version));
            Llama2cCheckpoint ckpt = new Llama2cCheckpoint(path, version, config, b.build());
            return ckpt;
        } catch (RuntimeException e) {
            b.abort();
            throw e;
        }
    }

    /** One run of floats in the file: a named tensor, or a skipped table ({@code name == null}). */
    private record Slot(String name, long... shape) {
        long numel() {
            long n = 1;
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }
    }

    /** Floats in the file after the header, in exact arithmetic (throws ArithmeticException on overflow). */
    private static long floatCount(Llama2cConfig c, int version) {
        long n = c.parameterCount();
        // the legacy layout's two freq_cis tables of seq_len * head_size / 2 floats each
        return version == 0 ? Math.addExact(n, (long) c.seqLen() * c.headSize()) : n;
    }

    private static List<Slot> layout(Llama2cConfig c, int version) {
        long d = c.dim();
        long kv = c.kvDim();
        long hid = c.hiddenDim();
        long v = c.vocabSize();
        int n = c.layers();
        List<Slot> s = new ArrayList<>();
        if (version == 0) {
            s.add(new Slot(Llama2cNames.EMBEDDING, v, d));
            perLayer(s, n, "attention_norm", d);
            perLayer(s, n, "attention.wq", d, d);
            perLayer(s, n, "attention.wk", kv, d);
            perLayer(s, n, "attention.wv", kv, d);
            perLayer(s, n, "attention.wo", d, d);
            perLayer(s, n, "ffn_norm", d);
            perLayer(s, n, "feed_forward.w1", hid, d);
            perLayer(s, n, "feed_forward.w2", d, hid);
            perLayer(s, n, "feed_forward.w3", hid, d);
            s.add(new Slot(Llama2cNames.NORM, d));
            long half = (long) c.seqLen() * c.headSize() / 2;
            s.add(new Slot(null, half)); // freq_cis real
            s.add(new Slot(null, half)); // freq_cis imaginary
        } else {
            perLayer(s, n, "attention_norm", d);
            perLayer(s, n, "ffn_norm", d);
            s.add(new Slot(Llama2cNames.NORM, d));
            s.add(new Slot(Llama2cNames.EMBEDDING, v, d));
            perLayer(s, n, "attention.wq", d, d);
            perLayer(s, n, "attention.wk", kv, d);
            perLayer(s, n, "attention.wv", kv, d);
            perLayer(s, n, "attention.wo", d, d);
            perLayer(s, n, "feed_forward.w1", hid, d);
            perLayer(s, n, "feed_forward.w2", d, hid);
            perLayer(s, n, "feed_forward.w3", hid, d);
        }
        if (!c.sharedClassifier()) {
            s.add(new Slot(Llama2cNames.OUTPUT, v, d));
        }
        return s;
    }

    private static void perLayer(List<Slot> s, int layers, String part, long... shape) {
        for (int i = 0; i < layers; i++) {
            s.add(new Slot(Llama2cNames.layer(i, part), shape));
        }
    }

    /** The tensors in file order for {@code config} and {@code version} (0 = legacy, 1), with their row-major shapes. */
    public static Map<String, long[]> tensorShapes(Llama2cConfig config, int version) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (Slot s : layout(config, version)) {
            if (s.name != null) {
                shapes.put(s.name, s.shape.clone());
            }
        }
        return shapes;
    }

    public Path path() {
        return path;
    }

    /** 0 for the legacy header, 1 for the "ak42" v1 header. */
    public int version() {
        return version;
    }

    public Llama2cConfig config() {
        return config;
    }

    /** The F32 tensors under llama2.c's names (see the class comment); closing it closes this checkpoint. */
    public TensorStore tensors() {
        return store;
    }

    @Override
    public void close() {
        store.close();
    }

    @Override
    public String toString() {
        return "Llama2cCheckpoint[" + path + ", v" + version + ", " + config + "]";
    }
}
