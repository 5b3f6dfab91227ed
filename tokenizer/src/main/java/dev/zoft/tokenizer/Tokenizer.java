package dev.zoft.tokenizer;

import java.util.List;
import java.util.OptionalInt;

/**
 * Text to token ids and back.
 *
 * <p>Implementations are immutable and safe to share between threads. Text is handled by Unicode
 * code point; a lone surrogate in the input is treated as U+FFFD, as it would be once encoded to
 * UTF-8.
 */
public interface Tokenizer {

    /**
     * Tokenizes one sequence, adds the special tokens of the post-processor (e.g. {@code [CLS] A
     * [SEP]}) and truncates to this tokenizer's maximum length. Never padded.
     */
    Encoding encode(String text);

    /**
     * Tokenizes a pair of sequences (e.g. {@code [CLS] A [SEP] B [SEP]} with type ids 0 then 1) and
     * truncates the pair to this tokenizer's maximum length. Never padded.
     */
    Encoding encodePair(String first, String second);

    /** {@link #encode(String)} for each text, in order. */
    List<Encoding> encodeBatch(List<String> texts);

    /**
     * Encodes the texts and pads them into one rectangular batch, following this tokenizer's padding
     * policy (see {@link Padding}).
     */
    Batch encodePadded(List<String> texts);

    /** Decodes ids to text, skipping special tokens (as Hugging Face's default does). */
    String decode(int[] ids);

    /**
     * Decodes ids to text. Ids that belong to no token are ignored.
     *
     * @param skipSpecialTokens whether special tokens ({@code [CLS]}, {@code [PAD]}, ...) are left out
     */
    String decode(int[] ids, boolean skipSpecialTokens);

    /** Number of distinct ids: the model vocabulary plus added tokens that are not in it. */
    int vocabSize();

    /** The id of a token (model vocabulary or added token), if there is one. */
    OptionalInt tokenToId(String token);

    /**
     * The token with this id.
     *
     * @throws IllegalArgumentException if no token has this id
     */
    String idToToken(int id);
}
