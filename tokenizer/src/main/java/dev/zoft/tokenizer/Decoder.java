package dev.zoft.tokenizer;

import java.util.List;

/**
 * Last stage of decoding: turns token strings back into text. As in the reference, a decoder maps
 * a list of token strings to a new list ({@link #decodeChain}), so decoders can be chained in a
 * {@code Sequence}; the text is the concatenation of the final list.
 */
interface Decoder {
    /** One step of the chain: token strings in, (usually fewer or rewritten) strings out. */
    List<String> decodeChain(List<String> tokens);

    /** The decoded text. */
    default String decode(List<String> tokens) {
        return String.join("", decodeChain(tokens));
    }

    /** No decoder in the file: tokens joined by single spaces, as Hugging Face does. */
    Decoder JOIN_WITH_SPACES = tokens -> List.of(String.join(" ", tokens));

    /** The steps applied in order, each to the list the previous one produced. */
    static Decoder sequence(List<Decoder> steps) {
        List<Decoder> copy = List.copyOf(steps);
        return tokens -> {
            List<String> current = tokens;
            for (Decoder d : copy) {
                current = d.decodeChain(current);
            }
            return current;
        };
    }
}
