package dev.zoft.weights.gguf;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random metadata values of every GGUF type (nested arrays included) for round-trip and fuzz tests. */
final class RandomGguf {
    private final Random random;

    RandomGguf(long seed) {
        random = new Random(seed);
    }

    Random random() {
        return random;
    }

    GgufValueType anyType(boolean arrays) {
        GgufValueType[] all = GgufValueType.values();
        while (true) {
            GgufValueType t = all[random.nextInt(all.length)];
            if (arrays || t != GgufValueType.ARRAY) {
                return t;
            }
        }
    }

    /** A value of {@code type} in the form the reader returns (and the writer accepts). */
    Object value(GgufValueType type, int depth) {
        return switch (type) {
            case UINT8 -> (long) random.nextInt(256);
            case INT8 -> (long) (byte) random.nextInt();
            case UINT16 -> (long) random.nextInt(65536);
            case INT16 -> (long) (short) random.nextInt();
            case UINT32 -> random.nextLong() & 0xffff_ffffL;
            case INT32 -> (long) random.nextInt();
            case UINT64 -> random.nextBoolean() ? random.nextLong() & Long.MAX_VALUE : random.nextLong();
            case INT64 -> random.nextLong();
            case FLOAT32 -> specialOr(Float.intBitsToFloat(random.nextInt()));
            case FLOAT64 -> random.nextInt(8) == 0 ? -0.0 : random.nextGaussian() * 1e6;
            case BOOL -> random.nextBoolean();
            case STRING -> string();
            case ARRAY -> array(depth + 1);
        };
    }

    private float specialOr(float f) {
        return switch (random.nextInt(10)) {
            case 0 -> Float.NaN;
            case 1 -> Float.NEGATIVE_INFINITY;
            case 2 -> -0.0f;
            default -> f;
        };
    }

    String string() {
        int n = random.nextInt(12);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.appendCodePoint(switch (random.nextInt(4)) {
                case 0 -> 'a' + random.nextInt(26);
                case 1 -> 0x20 + random.nextInt(0x5f);
                case 2 -> 0xa0 + random.nextInt(0x2000);
                default -> 0x1f600 + random.nextInt(0x50); // outside the BMP: surrogate pairs in Java
            });
        }
        return sb.toString();
    }

    GgufArray array(int depth) {
        GgufValueType t = anyType(depth < 3);
        int n = random.nextInt(depth > 1 ? 4 : 9);
        Object values = switch (t) {
            case UINT8, INT8 -> {
                byte[] b = new byte[n];
                random.nextBytes(b);
                yield b;
            }
            case UINT16, INT16 -> {
                short[] s = new short[n];
                for (int i = 0; i < n; i++) {
                    s[i] = (short) random.nextInt();
                }
                yield s;
            }
            case UINT32, INT32 -> random.ints(n).toArray();
            case UINT64, INT64 -> random.longs(n).toArray();
            case FLOAT32 -> {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = specialOr((float) random.nextGaussian());
                }
                yield f;
            }
            case FLOAT64 -> random.doubles(n).toArray();
            case BOOL -> {
                boolean[] b = new boolean[n];
                for (int i = 0; i < n; i++) {
                    b[i] = random.nextBoolean();
                }
                yield b;
            }
            case STRING -> {
                List<String> s = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    s.add(string());
                }
                yield s;
            }
            case ARRAY -> {
                List<GgufArray> a = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    a.add(array(depth + 1));
                }
                yield a;
            }
        };
        return GgufArray.of(t, values);
    }
}
