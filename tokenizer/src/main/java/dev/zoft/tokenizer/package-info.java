/**
 * Tokenizers read from Hugging Face {@code tokenizer.json} files or GGUF metadata, reproducing the
 * Rust {@code tokenizers} library id for id: WordPiece (BERT), byte-level BPE (GPT-2, Llama-3, Qwen2,
 * SmolLM) and SentencePiece BPE with byte fallback (Llama-2, TinyLlama, Phi-3, Mistral).
 *
 * <p>Entry points: {@link dev.zoft.tokenizer.TokenizerJson#load(java.nio.file.Path)} and
 * {@link dev.zoft.tokenizer.GgufTokenizer#load(java.nio.file.Path)} return an
 * {@link dev.zoft.tokenizer.HfTokenizer}, which implements {@link dev.zoft.tokenizer.Tokenizer}:
 * {@code encode} / {@code encodePair} give an {@link dev.zoft.tokenizer.Encoding} (ids, tokens, type
 * ids, attention mask), {@code encodePadded} a rectangular {@link dev.zoft.tokenizer.Batch}, and
 * {@code decode} turns ids back into text. {@link dev.zoft.tokenizer.Truncation} and
 * {@link dev.zoft.tokenizer.Padding} default to the file's sections and can be overridden.
 * {@link dev.zoft.tokenizer.GgufTokenizer#exportTokenizerJson} writes a GGUF file's tokenizer as a
 * {@code tokenizer.json}.
 *
 * <p>The pipeline, as in Hugging Face: added tokens are cut out of the raw text; the rest is
 * normalized ({@code BertNormalizer}, {@code NFC}, {@code Prepend}/{@code Replace}, ...), split into
 * words ({@code BertPreTokenizer}, {@code ByteLevel}, a {@code Split} regex, {@code Metaspace}),
 * tokenized by the model ({@code WordPiece} or {@code BPE}), truncated, and wrapped by the
 * post-processor ({@code TemplateProcessing}: {@code [CLS] A [SEP]}, {@code <s> A}). Decoding maps
 * ids to tokens and joins them with the decoder ({@code WordPiece}, {@code ByteLevel}, or a
 * {@code Sequence} of {@code Replace}, {@code ByteFallback}, {@code Fuse}, {@code Strip}). Character
 * classes follow the reference exactly, including its Unicode 8.0 category tables for BERT (see
 * {@code Unicode8Tables}); pre-tokenizer regexes run on {@link java.util.regex.Pattern} with Unicode
 * character classes.
 *
 * <p>Components this module does not implement (Unigram and WordLevel models, BPE dropout, a few
 * normalizers and pre-tokenizers) make the loader throw a
 * {@link dev.zoft.tokenizer.TokenizerFormatException} that names the file and the component.
 */
package dev.zoft.tokenizer;
