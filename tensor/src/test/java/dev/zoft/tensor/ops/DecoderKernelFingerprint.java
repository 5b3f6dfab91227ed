package dev.zoft.tensor.ops;

import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.parallel.WorkerPool;
import java.util.zip.CRC32;

/** {@link KernelFingerprint} for the decoder kernels: one CRC of the output bits per kernel. */
public final class DecoderKernelFingerprint {
    private DecoderKernelFingerprint() {
    }

    public static void main(String[] args) {
        VectorWidth width = VectorWidth.valueOf(args[0]);
        try (WorkerPool pool = WorkerPool.create(1)) {
            System.out.println(String.join(" ", of(Kernels.create(width, pool))));
        }
    }

    static String[] of(Kernels k) {
        int batch = 2, seq = 7, heads = 4, kvHeads = 2, headDim = 10, h = heads * headDim;
        Tensor x = TestData.uniform(1, -3, 3, batch * seq, h);
        Tensor gamma = TestData.uniform(2, 0.5f, 1.5f, h);
        Tensor rms = TestData.zeros(batch * seq, h);
        k.rmsNorm(x, gamma, 1e-6f, rms);
        Tensor cos = TestData.uniform(3, -1, 1, 8, headDim / 2);
        Tensor sin = TestData.uniform(4, -1, 1, 8, headDim / 2);
        int[] positions = {0, 1, 2, 3, 4, 5, 6, 0, 0, 0, 1, 2, 3, 4};
        Tensor rope = TestData.copy(x);
        k.rope(rope, heads, headDim, positions, cos, sin, false);
        k.rope(rope, heads, headDim, positions, cos, sin, true);
        Tensor silu = TestData.uniform(5, -30, 30, batch * seq, h);
        k.siluMul(silu, x);
        Tensor gelu = TestData.uniform(6, -12, 12, batch * seq, h);
        k.geluTanh(gelu);
        Tensor relu = TestData.copy(x);
        k.relu(relu);
        int[] mask = {1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1};
        Tensor att = TestData.zeros(batch * seq, h);
        k.causalAttention(x, TestData.uniform(7, -3, 3, batch * seq, kvHeads * headDim),
                TestData.uniform(8, -1, 1, batch * seq, kvHeads * headDim), batch, seq, heads, kvHeads, headDim, mask, att);
        float[] max = new float[batch * seq];
        double[] sum = new double[batch * seq];
        java.util.Arrays.fill(max, Float.NEGATIVE_INFINITY);
        k.accumulateLogSumExp(x, max, sum);
        k.accumulateLogSumExp(TestData.uniform(9, -20, 20, batch * seq, 37), max, sum);
        Tensor lse = TestData.zeros(batch * seq, 1);
        for (int r = 0; r < max.length; r++) {
            lse.setFloat(r, (float) (max[r] + Math.log(sum[r])));
        }
        return new String[] {"rmsNorm=" + crc(rms), "rope=" + crc(rope), "siluMul=" + crc(silu), "geluTanh=" + crc(gelu),
            "relu=" + crc(relu), "causalAttention=" + crc(att), "logSumExp=" + crc(lse)};
    }

    private static String crc(Tensor t) {
        CRC32 crc = new CRC32();
        for (float f : t.toFloatArray()) {
            int bits = Float.floatToRawIntBits(f);
            crc.update(new byte[] {(byte) bits, (byte) (bits >> 8), (byte) (bits >> 16), (byte) (bits >> 24)});
        }
        return Long.toHexString(crc.getValue());
    }
}
