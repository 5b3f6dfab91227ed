package dev.zoft.tensor.ops;

import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.parallel.WorkerPool;

/**
 * The encoder's compute kernels. All tensors are F32 and row-major; "rows" are every dimension but
 * the last. There are two kinds of implementation: the scalar twin (the definition, and the test
 * oracle) and the Vector API one at a chosen {@link VectorWidth}. Both split work across the
 * worker pool by output rows only, so results do not depend on the thread count: every output
 * element is computed by the same sequence of floating-point operations whichever thread or chunk
 * it falls in. Vector and scalar results agree to rounding, not bit for bit.
 *
 * <p>Every method checks its arguments (dtype F32, shapes, index ranges, no aliasing where it is
 * not allowed) and throws {@link IllegalArgumentException} naming the problem before touching
 * memory. Masks hold 0 (padding) or 1 (token); other values are rejected.
 *
 * <p>The pool's threads read and write the tensors, so their memory must be accessible from any
 * thread: a global, automatic or shared arena, or a mapped file. A confined arena's segment fails
 * with {@link WrongThreadException} as soon as a worker touches it.
 */
public interface Kernels {

    /** Kernels at {@code width}: the scalar twin for {@link VectorWidth#SCALAR}, else Vector API kernels. */
    static Kernels create(VectorWidth width, WorkerPool pool) {
        return width == VectorWidth.SCALAR ? new ScalarKernels(pool) : VectorKernels.create(width, pool);
    }

    /** The scalar twin: the definition of every op, and the test oracle. */
    static Kernels scalar(WorkerPool pool) {
        return new ScalarKernels(pool);
    }

    /** The width these kernels run at. */
    VectorWidth width();

    /** The pool these kernels split their work across. */
    WorkerPool pool();

    /**
     * {@code out[m, n] = Σ_k x[m, k] · w[n, k] + bias[n]}: x is [M × K] (tokens), w is [N × K] (a
     * Linear weight as PyTorch stores it), bias is [N] or null, out is [M × N].
     */
    void matmulTransposed(Tensor x, Tensor w, Tensor bias, Tensor out);

    /**
     * {@link #matmulTransposed} over the perturbed weights {@code w + c·z} and bias
     * {@code bias + c·z} of {@code p}, generated as the weights are read: neither tensor is written,
     * so they may be read-only (a mapped file). The result is bit-identical to perturbing w and
     * bias in place with the same (distribution, seed, c, indices) and calling
     * {@link #matmulTransposed}.
     */
    void matmulTransposedPerturbed(Tensor x, Tensor w, Tensor bias, Tensor out, FusedPerturbation p);

    /** {@code a += b}, elementwise, same shapes (residual connections). */
    void addInPlace(Tensor a, Tensor b);

    /** Per row of x (length H = last dim): {@code out = (x − mean) / sqrt(var + eps) · gamma + beta}. out may be x. */
    void layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor out);

    /** In place, the exact (erf) GELU: {@code x · ½ · (1 + erf(x / √2))}. */
    void gelu(Tensor x);

    /** In place, a numerically stable softmax over the last dimension of every row. */
    void softmaxRows(Tensor x);

    /**
     * Scaled-dot-product attention with a padding mask. q, k, v and out are [B·T × heads·headDim]
     * (sequence b's token t is row b·T + t, head h occupies columns [h·headDim, (h+1)·headDim)).
     * {@code mask[b·T + t] == 0} marks key t of sequence b as padding: it gets no attention weight.
     * Scale is 1/√headDim. Rows of padded queries are computed like any other (callers ignore them).
     * A sequence whose keys are all padding gets zero output rows.
     */
    void attention(Tensor q, Tensor k, Tensor v, int batch, int seqLen, int heads, int headDim, int[] mask, Tensor out);

    /** {@code out[r, :] = table[ids[r], :]}; an id outside the table throws. */
    void embeddingGather(Tensor table, int[] ids, Tensor out);

    /**
     * Masked mean over the tokens of each sequence: hidden is [B·T × H], out is [B × H],
     * {@code out[b] = Σ_t mask[b·T+t] · hidden[b·T+t] / max(1, Σ_t mask[b·T+t])}.
     */
    void meanPool(Tensor hidden, int[] mask, int batch, int seqLen, Tensor out);

    // ---------------------------------------------------------------- decoder ops

    /** Per row of x (length H): {@code out = x / sqrt(mean(x²) + eps) · gamma} (RMSNorm). out may be x. */
    void rmsNorm(Tensor x, Tensor gamma, float eps, Tensor out);

    /**
     * In place, rotary position embeddings on x ({@code [rows × heads·headDim]}): each pair
     * {@code (a, b)} of each head of row r becomes {@code (a·c − b·s, b·c + a·s)} with
     * {@code c = cos[positions[r], i]} and {@code s = sin[positions[r], i]}; cos and sin are
     * {@code [maxPositions × headDim/2]} tables the caller computes once. Pair i is the dimensions
     * {@code (i, i + headDim/2)} (Hugging Face's half split) or, when {@code interleaved},
     * {@code (2i, 2i + 1)} (llama.cpp's permuted GGUF weights, llama2.c).
     */
    void rope(Tensor x, int heads, int headDim, int[] positions, Tensor cos, Tensor sin, boolean interleaved);

    /** In place, SwiGLU's gate: {@code gate = silu(gate) · up = gate / (1 + e^−gate) · up}, same shapes. */
    void siluMul(Tensor gate, Tensor up);

    /**
     * In place, GPT-2's tanh GELU {@code ½x(1 + tanh(√(2/π)(x + 0.044715x³)))}, evaluated as the
     * identical {@code x / (1 + e^(−2u))}, {@code u = √(2/π)(x + 0.044715x³)}.
     */
    void geluTanh(Tensor x);

    /** In place, {@code max(x, 0)}. */
    void relu(Tensor x);

    /**
     * Causal scaled-dot-product attention with grouped-query heads and a padding mask. q and out are
     * {@code [B·T × heads·headDim]}, k and v {@code [B·T × kvHeads·headDim]}; query head h reads
     * key/value head {@code h / (heads / kvHeads)}. Query t of sequence b attends to the keys
     * {@code j ≤ t} with {@code mask[b·T + j] == 1}; a query with no such key (left padding) gets a
     * zero output row. Scale is 1/√headDim.
     */
    void causalAttention(Tensor q, Tensor k, Tensor v, int batch, int seqLen, int heads, int kvHeads, int headDim,
                         int[] mask, Tensor out);

    /**
     * One step of a streaming log-sum-exp over the columns of many rows: for each row r of
     * {@code logits} (a chunk of the vocabulary), with {@code m = max(max[r], max of the row)},
     * {@code sum[r] ← sum[r]·e^(max[r] − m) + Σ_j e^(logits[r, j] − m)} and {@code max[r] ← m}.
     * Start from {@code max = −∞, sum = 0}; after the last chunk {@code max + ln(sum)} is the
     * log-sum-exp of the whole row, computed without ever holding the whole row.
     */
    void accumulateLogSumExp(Tensor logits, float[] max, double[] sum);
}
