/**
 * Decoder-only language models: Llama/Mistral/Qwen2/SmolLM (RMSNorm, RoPE in either layout,
 * SwiGLU, grouped-query attention), GPT-2 and OPT, loaded from Hugging Face folders, GGUF files or
 * llama2.c checkpoints through {@code dev.zoft.weights.DecoderCheckpoint}.
 *
 * <p>{@link dev.zoft.transformer.decoder.DecoderModel} runs a padded
 * {@link dev.zoft.transformer.decoder.DecoderBatch} (left or right padding, positions from the
 * mask) one layer at a time with real GEMMs, exposes the forward in blocks for FedSPZO, and scores
 * targets through a streaming LM head that never holds {@code [tokens × vocab]}:
 * {@code causalLmLoss}, {@code labelWordScores}, {@code scoreRows}.
 */
package dev.zoft.transformer.decoder;
