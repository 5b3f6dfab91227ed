/**
 * llama2.c checkpoints ({@code .bin}, legacy and version-1 headers): read by
 * {@link dev.zoft.weights.llama2c.Llama2cCheckpoint}, written by
 * {@link dev.zoft.weights.llama2c.Llama2cWriter}; converted to GGUF through
 * {@link dev.zoft.weights.DecoderCheckpoint} and {@link dev.zoft.weights.DecoderToGguf}.
 */
package dev.zoft.weights.llama2c;
