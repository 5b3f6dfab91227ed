package dev.zoft.tensor.ops;

import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.parallel.WorkerPool;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * Runs every kernel on fixed inputs and prints one CRC of the output bits per kernel. The JIT
 * stability test runs it in an interpreter-only child JVM ({@code -Xint}) and compares with the same
 * fingerprints computed in the test JVM after C2 has compiled the kernels.
 */
public final class KernelFingerprint {
    private KernelFingerprint() {
    }

    public static void main(String[] args) {
        VectorWidth width = VectorWidth.valueOf(args[0]);
        try (WorkerPool pool = WorkerPool.create(1)) {
            System.out.println(String.join(" ", of(Kernels.create(width, pool))));
        }
    }

    /** {@code name=crc} for each kernel, in a fixed order. */
    static String[] of(Kernels k) {
        int batch = 2, seq = 7, heads = 3, headDim = 19, h = heads * headDim;
        Tensor x = TestData.uniform(1, -3, 3, batch * seq, h);
        Tensor w = TestData.uniform(2, -1, 1, 23, h);
        Tensor bias = TestData.uniform(3, -1, 1, 23);
        Tensor gamma = TestData.uniform(4, 0.5f, 1.5f, h);
        Tensor beta = TestData.uniform(5, -0.5f, 0.5f, h);
        int[] mask = {1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1};

        Tensor mm = TestData.zeros(batch * seq, 23);
        k.matmulTransposed(x, w, bias, mm);
        Tensor ln = TestData.zeros(batch * seq, h);
        k.layerNorm(x, gamma, beta, 1e-12f, ln);
        Tensor gelu = TestData.copy(x);
        k.gelu(gelu);
        Tensor soft = TestData.copy(x);
        k.softmaxRows(soft);
        Tensor att = TestData.zeros(batch * seq, h);
        k.attention(x, TestData.uniform(6, -3, 3, batch * seq, h), TestData.uniform(7, -1, 1, batch * seq, h),
                batch, seq, heads, headDim, mask, att);
        Tensor pooled = TestData.zeros(batch, h);
        k.meanPool(x, mask, batch, seq, pooled);
        return new String[] {"matmul=" + crc(mm), "layerNorm=" + crc(ln), "gelu=" + crc(gelu),
            "softmax=" + crc(soft), "attention=" + crc(att), "meanPool=" + crc(pooled)};
    }

    private static String crc(Tensor t) {
        CRC32 crc = new CRC32();
        for (float f : t.toFloatArray()) {
            int bits = Float.floatToRawIntBits(f);
            crc.update(new byte[] {(byte) bits, (byte) (bits >> 8), (byte) (bits >> 16), (byte) (bits >> 24)});
        }
        return Long.toHexString(crc.getValue());
    }

    static String describe(String[] fp) {
        return Arrays.toString(fp);
    }
}
