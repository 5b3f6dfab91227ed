package dev.zoft.tokenizer;

import java.util.List;

/**
 * Hugging Face's WordPiece decoder: every token but the first loses its continuing-subword prefix
 * if it has one, or else gets a leading space; with cleanup, each token then has the usual
 * tokenization artifacts undone (space before . ? ! , and English contractions).
 */
final class WordPieceDecoder implements Decoder {
    private final String prefix;
    private final boolean cleanup;

    WordPieceDecoder(String prefix, boolean cleanup) {
        this.prefix = prefix;
        this.cleanup = cleanup;
    }

    @Override
    public List<String> decodeChain(List<String> tokens) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            if (i != 0) {
                token = token.startsWith(prefix) ? token.substring(prefix.length()) : " " + token;
            }
            sb.append(cleanup ? cleanup(token) : token);
        }
        return List.of(sb.toString());
    }

    /** Applied per token, in this order, like the reference: later rules see earlier rules' output. */
    static String cleanup(String s) {
        return s.replace(" .", ".")
                .replace(" ?", "?")
                .replace(" !", "!")
                .replace(" ,", ",")
                .replace(" ' ", "'")
                .replace(" n't", "n't")
                .replace(" 'm", "'m")
                .replace(" do not", " don't")
                .replace(" 's", "'s")
                .replace(" 've", "'ve")
                .replace(" 're", "'re");
    }
}
