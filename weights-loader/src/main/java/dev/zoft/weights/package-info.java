/**
 * Weight files, memory-mapped: the bytes stay in the page cache and tensors are slices of the
 * mapping ({@link java.nio.channels.FileChannel#map(java.nio.channels.FileChannel.MapMode, long,
 * long, java.lang.foreign.Arena)}), so loading a model costs a few hundred KB of heap whatever
 * its size.
 *
 * <ul>
 *   <li>{@link dev.zoft.weights.TensorStore}: named tensors plus the arenas behind them; the common
 *       result of every loader.</li>
 *   <li>{@link dev.zoft.weights.Safetensors} / {@link dev.zoft.weights.SafetensorsWriter}:
 *       single-file and sharded checkpoints, read and written.</li>
 *   <li>{@link dev.zoft.weights.OnnxModel}: initializers and nodes of an ONNX graph, walked with
 *       protobuf's {@code CodedInputStream} without generated classes.</li>
 *   <li>{@link dev.zoft.weights.BertOnnx} and {@link dev.zoft.weights.EncoderCheckpoint}: a BERT
 *       encoder under Hugging Face names with its {@link dev.zoft.weights.EncoderHyperparameters},
 *       from ONNX or from a Hugging Face folder.</li>
 *   <li>{@link dev.zoft.weights.DecoderCheckpoint}: a decoder LM (Llama family, Qwen2, GPT-2) under
 *       Hugging Face names with an HF-style config and its {@link dev.zoft.weights.RopeLayout}, from
 *       GGUF ({@code dev.zoft.weights.gguf}), llama2.c ({@code dev.zoft.weights.llama2c}) or a
 *       Hugging Face folder.</li>
 *   <li>{@link dev.zoft.weights.BundledModel} / {@link dev.zoft.weights.ModelCache}: models shipped
 *       in Maven artifacts, extracted once to a cache folder so they can be mapped.</li>
 * </ul>
 *
 * <p>Every parser checks sizes against the file before allocating or slicing; a truncated,
 * inconsistent or hostile file ends in a {@link dev.zoft.weights.WeightFormatException} naming
 * the file and the problem.
 */
package dev.zoft.weights;
