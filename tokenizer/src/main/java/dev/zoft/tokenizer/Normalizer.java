package dev.zoft.tokenizer;

/** First stage of the pipeline: rewrites text (cleaning, case, accents). Pure function. */
interface Normalizer {
    String normalize(String text);

    /** No normalization, for a {@code tokenizer.json} whose normalizer is null. */
    Normalizer IDENTITY = text -> text;
}
