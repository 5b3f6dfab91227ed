package dev.zoft.tokenizer;

import java.util.List;

/** Last stage of decoding: joins token strings back into text. */
interface Decoder {
    String decode(List<String> tokens);

    /** No decoder in the file: tokens joined by single spaces, as Hugging Face does. */
    Decoder JOIN_WITH_SPACES = tokens -> String.join(" ", tokens);
}
