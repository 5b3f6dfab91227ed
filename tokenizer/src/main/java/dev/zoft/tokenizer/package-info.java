/**
 * Tokenizers read from Hugging Face {@code tokenizer.json} files, reproducing the Rust
 * {@code tokenizers} library id for id.
 *
 * <p>Entry points: {@link dev.zoft.tokenizer.TokenizerJson#load(java.nio.file.Path)} returns an
 * {@link dev.zoft.tokenizer.HfTokenizer}, which implements {@link dev.zoft.tokenizer.Tokenizer}:
 * {@code encode} / {@code encodePair} give an {@link dev.zoft.tokenizer.Encoding} (ids, tokens, type
 * ids, attention mask), {@code encodePadded} a rectangular {@link dev.zoft.tokenizer.Batch}, and
 * {@code decode} turns ids back into text. {@link dev.zoft.tokenizer.Truncation} and
 * {@link dev.zoft.tokenizer.Padding} default to the file's sections and can be overridden.
 *
 * <p>The pipeline, as in Hugging Face: added tokens are cut out of the raw text; the rest is
 * normalized ({@code BertNormalizer}), split into words ({@code BertPreTokenizer}), tokenized by the
 * model ({@code WordPiece}), truncated, and wrapped by the post-processor
 * ({@code TemplateProcessing}: {@code [CLS] A [SEP]}). Decoding maps ids to tokens and joins them with
 * the decoder ({@code WordPiece}). Character classes follow the reference exactly, including its
 * Unicode 8.0 category tables (see {@code Unicode8Tables}).
 *
 * <p>Only WordPiece tokenizers are supported so far; other components make the loader throw a
 * {@link dev.zoft.tokenizer.TokenizerFormatException} that names the file and the component.
 */
package dev.zoft.tokenizer;
