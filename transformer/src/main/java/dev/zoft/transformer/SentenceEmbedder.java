package dev.zoft.transformer;

import dev.zoft.tokenizer.HfTokenizer;
import dev.zoft.tokenizer.Padding;
import dev.zoft.transformer.bert.BertModel;
import dev.zoft.transformer.bert.MiniLm;

import java.util.ArrayList;
import java.util.List;

/**
 * Sentence embeddings the sentence-transformers way: tokenize, run the encoder, mean-pool the
 * last hidden states over the real tokens, optionally L2-normalise. Texts are embedded in batches
 * of {@link #BATCH_SIZE}, each padded to its own longest text.
 */
public final class SentenceEmbedder implements AutoCloseable {
    /** Texts per forward pass: bounds activation memory whatever the length of the list. */
    public static final int BATCH_SIZE = 32;
    /** sentence-transformers' max_seq_length for all-MiniLM-L6-v2 (its tokenizer.json says 128). */
    public static final int MINILM_MAX_TOKENS = 256;

    private final HfTokenizer tokenizer;
    private final BertModel model;
    private final boolean normalize;
    private final boolean ownsModel;

    /**
     * Embeds with {@code tokenizer} (used as configured, truncation included; padding is always to
     * the longest text of a batch, on the right) and {@code model}, which stays the caller's.
     */
    public SentenceEmbedder(HfTokenizer tokenizer, BertModel model, boolean normalize) {
        this(tokenizer, model, normalize, false);
    }

    private SentenceEmbedder(HfTokenizer tokenizer, BertModel model, boolean normalize, boolean ownsModel) {
        Padding pad = tokenizer.padding();
        this.tokenizer = tokenizer.withPadding(new Padding(0, 0, false, pad.padId(), pad.padTypeId(), pad.padToken()));
        this.model = model;
        this.normalize = normalize;
        this.ownsModel = ownsModel;
    }

    /**
     * all-MiniLM-L6-v2 from the bundled model files, default kernels, L2-normalised embeddings
     * (sentence-transformers' output), texts truncated at {@value #MINILM_MAX_TOKENS} tokens.
     * Closing the embedder frees the model.
     */
    public static SentenceEmbedder miniLm() {
        HfTokenizer tokenizer = MiniLm.bundledTokenizer().withMaxLength(MINILM_MAX_TOKENS);
        return new SentenceEmbedder(tokenizer, MiniLm.loadBundled(), true, true);
    }

    public BertModel model() {
        return model;
    }

    /** One embedding per text, in order, each of the model's hidden size. */
    public float[][] embed(List<String> texts) {
        List<float[]> out = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += BATCH_SIZE) {
            List<String> chunk = texts.subList(from, Math.min(texts.size(), from + BATCH_SIZE));
            EncoderBatch batch = EncoderBatch.of(tokenizer.encodePadded(chunk));
            try (EncoderOutput o = model.forward(batch)) {
                out.addAll(List.of(o.embeddings(normalize)));
            }
        }
        return out.toArray(new float[0][]);
    }

    /** The embedding of one text. */
    public float[] embed(String text) {
        return embed(List.of(text))[0];
    }

    /** Cosine similarity of every pair of {@code texts}: a symmetric matrix with 1 on the diagonal (up to rounding). */
    public float[][] similarities(List<String> texts) {
        float[][] e = embed(texts);
        float[][] sim = new float[e.length][e.length];
        for (int i = 0; i < e.length; i++) {
            for (int j = i; j < e.length; j++) {
                sim[i][j] = sim[j][i] = cosine(e[i], e[j]);
            }
        }
        return sim;
    }

    /** {@code a·b / (|a| |b|)}, accumulated in double; 0 when either vector is zero. */
    public static float cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vectors of length " + a.length + " and " + b.length);
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0f : (float) (dot / Math.sqrt(na * nb));
    }

    /** Closes the model if this embedder loaded it ({@link #miniLm()}). */
    @Override
    public void close() {
        if (ownsModel) {
            model.close();
        }
    }
}
