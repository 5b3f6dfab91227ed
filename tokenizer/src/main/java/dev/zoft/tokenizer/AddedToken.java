package dev.zoft.tokenizer;

/**
 * A token matched in the text before the model runs, from the {@code added_tokens} section: special
 * tokens such as {@code [CLS]} typed literally in the input, or user-added words.
 *
 * @param id its id
 * @param content the text it matches
 * @param singleWord only match when not inside a word
 * @param lstrip also swallow whitespace on its left
 * @param rstrip also swallow whitespace on its right
 * @param normalized match in the normalized text (true) or in the raw input (false)
 * @param special a special token: skipped when decoding with {@code skipSpecialTokens}
 */
record AddedToken(int id, String content, boolean singleWord, boolean lstrip, boolean rstrip, boolean normalized,
        boolean special) {
}
