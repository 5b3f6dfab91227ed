package dev.zoft.tensor.ops;

import static dev.zoft.tensor.Tensor.F32_LE;

import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tensor.random.PerturbationGenerator;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector GEMM {@code out[M×N] = x[M×K] · w[N×K]ᵀ + bias}, blocked for the caches after the
 * BLIS scheme, at one vector width.
 *
 * <h2>Layout</h2>
 * <ul>
 *   <li>w is packed once per call, shared by all threads, into panels of {@code NR = 2·lanes}
 *       output columns, k-major: {@code b[q·NR·K + k·NR + j] = w[q·NR + j, k]} (zero past N). The
 *       pack is split across the pool by panels. A {@link WeightSource} may transform the values as
 *       they are packed (the fused perturbation {@code w + c·z} never writes w).</li>
 *   <li>Each thread packs its own rows of x, {@code KC} columns and {@code MC} rows at a time,
 *       into micro-panels of {@code MR = 6} rows, k-major ({@code a[k·MR + r]}), zero padded.</li>
 *   <li>The micro-kernel keeps a 6 × 2-vector tile of accumulators in registers (12 of them) and,
 *       per k, loads two weight vectors once and FMAs them with six broadcast x values. The weight
 *       micro-panel ({@code KC·NR} floats) stays in L1 across the row blocks of an x block, which
 *       stays in L2.</li>
 * </ul>
 *
 * <h2>Determinism</h2>
 * Each output element is {@code fma}-accumulated over k = 0…K−1 from zero, in order, then the bias
 * is added. Between K blocks the partial sum is stored to {@code out} and loaded back, which is
 * exact. Every element therefore sees the same operations whichever thread, row block or panel
 * computes it: results are identical for every thread count and every blocking.
 */
abstract sealed class PackedGemm permits PackedGemm.W128, PackedGemm.W256, PackedGemm.W512 {

    /** Token rows per micro-kernel. */
    static final int MR = 6;
    /** Vectors of output columns per micro-kernel. */
    static final int NV = 2;
    /**
     * Depth of a K block. Long blocks measured faster here than L1-sized ones (the partial sums'
     * round trips and the kernel's start-up cost more than streaming the weight micro-panel from
     * L2), so the transformer widths (384, 576, 768) run unblocked.
     */
    static final int KC = 768;
    /**
     * k values per step of the weight transpose: one step's rows stay in L1, and a step is a whole
     * number of Rademacher blocks (128 indices) so a fused perturbation of aligned rows never falls
     * back to the generator's scalar path.
     */
    private static final int PACK_K = 128;
    /** A packing thread's perturbed rows of its current panel (fused perturbation). */
    private static final ThreadLocal<float[]> PANEL_ROWS = ThreadLocal.withInitial(() -> new float[0]);
    /** The first row of the panel in {@link #PANEL_ROWS}. */
    private static final ThreadLocal<long[]> PANEL_FIRST_ROW = ThreadLocal.withInitial(() -> new long[1]);
    /** Rows of x packed at once (a multiple of MR): {@code MC·KC} floats stay in L2. */
    static final int MC = 192;
    /** Largest packed weight block held at once, in floats (16 MiB): bounds the buffer for wide outputs. */
    static final long MAX_PACKED_W = 4L << 20;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ThreadLocal<float[]> PACKED_W = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<float[]> PACKED_X = ThreadLocal.withInitial(() -> new float[MC * KC]);

    /** The species of this width; a constant in each subclass so the JIT folds it. */
    abstract VectorSpecies<Float> species();

    static PackedGemm of(dev.zoft.tensor.VectorWidth width) {
        return switch (width) {
            case SCALAR -> throw new IllegalArgumentException("the packed GEMM needs a vector width");
            case W128 -> W128.INSTANCE;
            case W256 -> W256.INSTANCE;
            case W512 -> W512.INSTANCE;
        };
    }

    /** Output columns per panel at this width. */
    final int nr() {
        return NV * species().length();
    }

    /**
     * Where packing reads the weights (and bias) from: the plain tensors, or the tensors plus a
     * perturbation generated on the fly. Implementations are called from several threads at once,
     * each for its own rows.
     */
    interface WeightSource {
        /** Writes {@code w[row, k0 … k0 + count)} (as the GEMM should see it) to {@code dst[at … at + count)}. */
        void readRow(long row, long k0, int count, float[] dst, int at);

        /** {@code bias[row]} as the GEMM should see it. */
        float bias(long row);

        /** Whether there is a bias at all. */
        boolean hasBias();

        /**
         * Called by a packing thread before it reads rows {@code [firstRow, firstRow + rows)} (one
         * panel), e.g. to generate whole rows at once; the reads that follow come from this thread.
         */
        default void preparePanel(long firstRow, int rows) {
        }
    }

    /** The tensors as they are (a BF16 or F16 w decoded to F32 as it is packed). */
    static WeightSource plain(Tensor w, MemorySegment bias, long k) {
        return new WeightSource() {
            @Override
            public void readRow(long row, long k0, int count, float[] dst, int at) {
                HalfFloats.read(w, row * k + k0, count, dst, at);
            }

            @Override
            public float bias(long row) {
                return bias.getAtIndex(F32_LE, row);
            }

            @Override
            public boolean hasBias() {
                return bias != null;
            }
        };
    }

    /**
     * The tensors plus a perturbation, generated as they are read: a panel's rows are copied
     * whole into a per-thread buffer, then the generator's in-place pass adds {@code c·z} to them in
     * one call, so the values are exactly those an in-place perturbation of w would hold. The transpose then reads the buffer in
     * L1-sized chunks like plain weights.
     */
    static WeightSource perturbed(Tensor w, MemorySegment bias, long n, long k, FusedPerturbation p,
                                  PerturbationGenerator generator) {
        float[] biasValues = null;
        if (bias != null) {
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("N = " + n + " is too large for a fused perturbation's bias");
            }
            biasValues = new float[(int) n];
            MemorySegment.copy(bias, F32_LE, 0, biasValues, 0, (int) n);
            generator.axpy(p.distribution(), p.seed(), p.biasIndex(), p.c(), biasValues, 0, (int) n);
        }
        float[] perturbedBias = biasValues;
        int kk = (int) k;
        return new WeightSource() {
            @Override
            public void preparePanel(long firstRow, int rows) {
                float[] buffer = PANEL_ROWS.get();
                if (buffer.length < rows * kk) {
                    buffer = new float[rows * kk];
                    PANEL_ROWS.set(buffer);
                }
                // The panel's rows are one contiguous run of w and of the parameter indices: one copy,
                // one generator call (its per-call set-up costs hundreds of nanoseconds).
                HalfFloats.read(w, firstRow * k, rows * kk, buffer, 0);
                generator.axpy(p.distribution(), p.seed(), p.weightIndex() + firstRow * k, p.c(), buffer, 0, rows * kk);
                PANEL_FIRST_ROW.get()[0] = firstRow;
            }

            @Override
            public void readRow(long row, long k0, int count, float[] dst, int at) {
                long first = PANEL_FIRST_ROW.get()[0];
                System.arraycopy(PANEL_ROWS.get(), (int) ((row - first) * k + k0), dst, at, count);
            }

            @Override
            public float bias(long row) {
                return perturbedBias[(int) row];
            }

            @Override
            public boolean hasBias() {
                return perturbedBias != null;
            }
        };
    }

    /** {@code out = x · wᵀ + bias} with w and bias read through {@code source}. */
    final void multiply(WorkerPool pool, MemorySegment xs, WeightSource source, MemorySegment os,
                        long m, long n, long k) {
        if (k == 0) { // an empty sum: out is the bias
            for (long r = 0; r < m; r++) {
                for (long j = 0; j < n; j++) {
                    os.setAtIndex(F32_LE, r * n + j, source.hasBias() ? source.bias(j) : 0f);
                }
            }
            return;
        }
        int nr = nr();
        if ((long) nr * k > MAX_PACKED_W) {
            throw new IllegalArgumentException("K = " + k + " is too large for a packed GEMM panel");
        }
        long panels = (n + nr - 1) / nr;
        long perGroup = Math.max(1, MAX_PACKED_W / ((long) nr * k));
        float[] bias = source.hasBias() ? new float[(int) (Math.min(panels, perGroup) * nr)] : null;
        for (long g0 = 0; g0 < panels; g0 += perGroup) {
            long group = Math.min(perGroup, panels - g0);
            float[] packed = packedWeights((int) (group * nr * k));
            long first = g0;
            pool.parallelFor(group, 1, (from, to) -> packPanels(source, n, k, first, from, to, packed, bias));
            long rowBlocks = (m + MR - 1) / MR;
            if (rowBlocks >= 2L * pool.threads() || group == 1) {
                pool.parallelFor(rowBlocks, 1, (from, to) -> compute(xs, os, packed, bias, m, n, k,
                        from * MR, Math.min(m, to * MR), first, 0, group));
            } else {
                pool.parallelFor(group, 1, (from, to) -> compute(xs, os, packed, bias, m, n, k,
                        0, m, first, from, to));
            }
        }
    }

    private static float[] packedWeights(int size) {
        float[] b = PACKED_W.get();
        if (b.length < size) {
            b = new float[size];
            PACKED_W.set(b);
        }
        return b;
    }

    /**
     * Packs panels {@code [from, to)} of the group starting at panel {@code g0}: {@code PACK_K}
     * values of each of the panel's rows at a time into an L1 buffer, then out k-major, so both
     * the reads and the writes are sequential.
     */
    private void packPanels(WeightSource source, long n, long k, long g0, long from, long to, float[] packed, float[] bias) {
        int nr = nr();
        int kk = (int) k;
        int step = PACK_K;
        float[] rows = new float[nr * step];
        int[] column = new int[species().length()];
        for (int j = 0; j < column.length; j++) {
            column[j] = j * step;
        }
        for (long q = from; q < to; q++) {
            long n0 = (g0 + q) * nr;
            int nc = (int) Math.min(nr, n - n0);
            int base = (int) (q * nr * k);
            source.preparePanel(n0, nc);
            for (int k0 = 0; k0 < kk; k0 += step) {
                int count = Math.min(step, kk - k0);
                for (int j = 0; j < nc; j++) {
                    source.readRow(n0 + j, k0, count, rows, j * step);
                }
                if (nc == nr) {
                    transpose(rows, step, column, count, packed, base + k0 * nr);
                    continue;
                }
                for (int i = 0; i < count; i++) {
                    int at = base + (k0 + i) * nr;
                    for (int j = 0; j < nc; j++) {
                        packed[at + j] = rows[j * step + i];
                    }
                    for (int j = nc; j < nr; j++) {
                        packed[at + j] = 0f;
                    }
                }
            }
            if (bias != null) {
                for (int j = 0; j < nr; j++) {
                    bias[(int) (q * nr) + j] = j < nc ? source.bias(n0 + j) : 0f;
                }
            }
        }
    }

    /** {@code packed[at + i·NR + j] = rows[j·step + i]} for a full panel: one gather per vector. */
    private void transpose(float[] rows, int step, int[] column, int count, float[] packed, int at) {
        VectorSpecies<Float> s = species();
        int lanes = s.length();
        int nr = NV * lanes;
        for (int i = 0; i < count; i++) {
            int o = at + i * nr;
            FloatVector.fromArray(s, rows, i, column, 0).intoArray(packed, o);
            FloatVector.fromArray(s, rows, i + lanes * step, column, 0).intoArray(packed, o + lanes);
        }
    }

    /** Rows [r0, r1) × panels [q0, q1) of the group starting at panel g0. */
    private void compute(MemorySegment xs, MemorySegment os, float[] packed, float[] bias, long m, long n, long k,
                         long r0, long r1, long g0, long q0, long q1) {
        int nr = nr();
        float[] ap = PACKED_X.get();
        float[] tile = new float[MR * nr];
        for (long k0 = 0; k0 < k; k0 += KC) {
            int kc = (int) Math.min(KC, k - k0);
            boolean first = k0 == 0;
            boolean last = k0 + kc == k;
            for (long mc0 = r0; mc0 < r1; mc0 += MC) {
                int mc = (int) Math.min(MC, r1 - mc0);
                packRows(xs, k, mc0, mc, k0, kc, ap);
                for (long q = q0; q < q1; q++) {
                    long n0 = (g0 + q) * nr;
                    int nc = (int) Math.min(nr, n - n0);
                    int bOff = (int) (q * nr * k + k0 * nr);
                    int biasOff = (int) (q * nr);
                    for (int blk = 0; blk * MR < mc; blk++) {
                        int rows = Math.min(MR, mc - blk * MR);
                        long mRow = mc0 + (long) blk * MR;
                        if (rows == MR && nc == nr) {
                            kernel(ap, blk * kc * MR, packed, bOff, kc, os, (mRow * n + n0) * Float.BYTES,
                                    n * Float.BYTES, first, last ? bias : null, biasOff);
                        } else {
                            edge(ap, blk * kc * MR, packed, bOff, kc, os, mRow, n0, n, rows, nc, first,
                                    last ? bias : null, biasOff, tile);
                        }
                    }
                }
            }
        }
    }

    /** {@code ap[(blk·kc + i)·MR + r] = x[mc0 + blk·MR + r, k0 + i]}, rows past mc zero. */
    private static void packRows(MemorySegment xs, long k, long mc0, int mc, long k0, int kc, float[] ap) {
        int blocks = (mc + MR - 1) / MR;
        for (int blk = 0; blk < blocks; blk++) {
            int base = blk * kc * MR;
            for (int r = 0; r < MR; r++) {
                int row = blk * MR + r;
                if (row < mc) {
                    long src = ((mc0 + row) * k + k0) * Float.BYTES;
                    for (int i = 0; i < kc; i++) {
                        ap[base + i * MR + r] = xs.get(F32_LE, src + (long) i * Float.BYTES);
                    }
                } else {
                    for (int i = 0; i < kc; i++) {
                        ap[base + i * MR + r] = 0f;
                    }
                }
            }
        }
    }

    /** A ragged tile (fewer rows or columns): run the kernel on a spill buffer and copy the valid part. */
    private void edge(float[] ap, int aOff, float[] packed, int bOff, int kc, MemorySegment os, long mRow, long n0,
                      long n, int rows, int nc, boolean first, float[] bias, int biasOff, float[] tile) {
        int nr = nr();
        MemorySegment t = MemorySegment.ofArray(tile);
        if (!first) {
            for (int r = 0; r < rows; r++) {
                MemorySegment.copy(os, F32_LE, ((mRow + r) * n + n0) * Float.BYTES, tile, r * nr, nc);
            }
        }
        kernel(ap, aOff, packed, bOff, kc, t, 0, (long) nr * Float.BYTES, first, bias, biasOff);
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(tile, r * nr, os, F32_LE, ((mRow + r) * n + n0) * Float.BYTES, nc);
        }
    }

    /**
     * The 6 × NR tile at byte {@code o} of {@code os} (rows {@code rowBytes} apart): accumulate
     * {@code kc} steps onto zero ({@code first}) or onto the stored partial sums, then add the bias
     * if given (the last K block) and store.
     */
    private void kernel(float[] ap, int aOff, float[] bp, int bOff, int kc, MemorySegment os, long o,
                        long rowBytes, boolean first, float[] bias, int biasOff) {
        VectorSpecies<Float> s = species();
        int lanes = s.length();
        int nr = NV * lanes;
        long vb = (long) lanes * Float.BYTES;
        long o1 = o + rowBytes, o2 = o1 + rowBytes, o3 = o2 + rowBytes, o4 = o3 + rowBytes, o5 = o4 + rowBytes;
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (first) {
            c00 = FloatVector.zero(s);
            c01 = c00; c10 = c00; c11 = c00; c20 = c00; c21 = c00;
            c30 = c00; c31 = c00; c40 = c00; c41 = c00; c50 = c00; c51 = c00;
        } else {
            c00 = FloatVector.fromMemorySegment(s, os, o, LE);
            c01 = FloatVector.fromMemorySegment(s, os, o + vb, LE);
            c10 = FloatVector.fromMemorySegment(s, os, o1, LE);
            c11 = FloatVector.fromMemorySegment(s, os, o1 + vb, LE);
            c20 = FloatVector.fromMemorySegment(s, os, o2, LE);
            c21 = FloatVector.fromMemorySegment(s, os, o2 + vb, LE);
            c30 = FloatVector.fromMemorySegment(s, os, o3, LE);
            c31 = FloatVector.fromMemorySegment(s, os, o3 + vb, LE);
            c40 = FloatVector.fromMemorySegment(s, os, o4, LE);
            c41 = FloatVector.fromMemorySegment(s, os, o4 + vb, LE);
            c50 = FloatVector.fromMemorySegment(s, os, o5, LE);
            c51 = FloatVector.fromMemorySegment(s, os, o5 + vb, LE);
        }
        for (int i = 0; i < kc; i++) {
            int pb = bOff + i * nr;
            int pa = aOff + i * MR;
            FloatVector b0 = FloatVector.fromArray(s, bp, pb);
            FloatVector b1 = FloatVector.fromArray(s, bp, pb + lanes);
            FloatVector a = FloatVector.broadcast(s, ap[pa]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(s, ap[pa + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(s, ap[pa + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(s, ap[pa + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(s, ap[pa + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(s, ap[pa + 5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
        }
        if (bias != null) {
            FloatVector b0 = FloatVector.fromArray(s, bias, biasOff);
            FloatVector b1 = FloatVector.fromArray(s, bias, biasOff + lanes);
            c00 = c00.add(b0);
            c01 = c01.add(b1);
            c10 = c10.add(b0);
            c11 = c11.add(b1);
            c20 = c20.add(b0);
            c21 = c21.add(b1);
            c30 = c30.add(b0);
            c31 = c31.add(b1);
            c40 = c40.add(b0);
            c41 = c41.add(b1);
            c50 = c50.add(b0);
            c51 = c51.add(b1);
        }
        c00.intoMemorySegment(os, o, LE);
        c01.intoMemorySegment(os, o + vb, LE);
        c10.intoMemorySegment(os, o1, LE);
        c11.intoMemorySegment(os, o1 + vb, LE);
        c20.intoMemorySegment(os, o2, LE);
        c21.intoMemorySegment(os, o2 + vb, LE);
        c30.intoMemorySegment(os, o3, LE);
        c31.intoMemorySegment(os, o3 + vb, LE);
        c40.intoMemorySegment(os, o4, LE);
        c41.intoMemorySegment(os, o4 + vb, LE);
        c50.intoMemorySegment(os, o5, LE);
        c51.intoMemorySegment(os, o5 + vb, LE);
    }

    // ---------------------------------------------------------------- widths

    static final class W128 extends PackedGemm {
        static final W128 INSTANCE = new W128();
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_128;

        @Override
        VectorSpecies<Float> species() {
            return S;
        }
    }

    static final class W256 extends PackedGemm {
        static final W256 INSTANCE = new W256();
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;

        @Override
        VectorSpecies<Float> species() {
            return S;
        }
    }

    static final class W512 extends PackedGemm {
        static final W512 INSTANCE = new W512();
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;

        @Override
        VectorSpecies<Float> species() {
            return S;
        }
    }
}
