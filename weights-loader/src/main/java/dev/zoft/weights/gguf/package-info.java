/**
 * GGUF, llama.cpp's model format (versions 2 and 3), read and written.
 *
 * <ul>
 *   <li>{@link dev.zoft.weights.gguf.GgufFile}: the mapped file, its header checked against the file
 *       size before anything is allocated; {@link dev.zoft.weights.gguf.GgufMetadata} with typed
 *       getters; {@link dev.zoft.weights.gguf.GgufTensorInfo} (GGUF dims fastest-first, shapes
 *       row-major); tensors as a {@link dev.zoft.weights.TensorStore} (F32/F16/BF16 mapped, Q8_0
 *       dequantised to F32).</li>
 *   <li>{@link dev.zoft.weights.gguf.GgufWriter}: metadata of every type, tensors stored as F32,
 *       F16, BF16 or Q8_0; rewriting llama.cpp's vocab files reproduces them byte for byte.</li>
 *   <li>{@link dev.zoft.weights.gguf.GgufTensorNames}: llama.cpp names against Hugging Face names
 *       for {@code llama}, {@code qwen2} and {@code gpt2}.</li>
 * </ul>
 */
package dev.zoft.weights.gguf;
