package dev.zoft.tokenizer;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A Hugging Face tokenizer pipeline, as described by a {@code tokenizer.json} (see
 * {@link TokenizerJson#load}): added tokens, normalizer, pre-tokenizer, model, truncation,
 * post-processor, and for decoding the decoder.
 *
 * <p>Immutable and thread-safe. {@link #withTruncation}, {@link #withMaxLength} and
 * {@link #withPadding} return adjusted copies that share the vocabulary.
 */
public final class HfTokenizer implements Tokenizer {
    private final AddedVocabulary added;
    private final Normalizer normalizer;
    private final PreTokenizer preTokenizer;
    private final Model model;
    private final TemplateProcessing postProcessor; // null: no special tokens added
    private final Decoder decoder;
    private final Truncation truncation; // null: never truncate
    private final Padding padding;

    HfTokenizer(AddedVocabulary added, Normalizer normalizer, PreTokenizer preTokenizer, Model model,
            TemplateProcessing postProcessor, Decoder decoder, Truncation truncation, Padding padding) {
        this.added = added;
        this.normalizer = normalizer;
        this.preTokenizer = preTokenizer;
        this.model = model;
        this.postProcessor = postProcessor;
        this.decoder = decoder;
        this.truncation = truncation;
        this.padding = Objects.requireNonNull(padding);
    }

    /** The truncation applied by every encode method, or {@code null} if sequences are never cut. */
    public Truncation truncation() {
        return truncation;
    }

    /** The padding used by {@link #encodePadded}. */
    public Padding padding() {
        return padding;
    }

    /** A copy that truncates as given ({@code null}: never truncate). */
    public HfTokenizer withTruncation(Truncation newTruncation) {
        return new HfTokenizer(added, normalizer, preTokenizer, model, postProcessor, decoder, newTruncation, padding);
    }

    /**
     * A copy whose maximum length (special tokens included) is {@code maxLength}, keeping the
     * truncation strategy and direction (longest-first from the right if there was none).
     */
    public HfTokenizer withMaxLength(int maxLength) {
        return withTruncation(truncation == null ? Truncation.of(maxLength) : truncation.withMaxLength(maxLength));
    }

    /** A copy that pads batches as given. */
    public HfTokenizer withPadding(Padding newPadding) {
        return new HfTokenizer(added, normalizer, preTokenizer, model, postProcessor, decoder, truncation, newPadding);
    }

    @Override
    public Encoding encode(String text) {
        return encode(text, true);
    }

    /**
     * Tokenizes one sequence, with or without the post-processor's special tokens (BOS, [CLS] ...),
     * truncated to this tokenizer's maximum length. Without them, the ids are the text's alone, as
     * when a prompt and its continuation are tokenized separately for a causal LM.
     */
    public Encoding encode(String text, boolean addSpecialTokens) {
        TokenSequence a = tokenize(text);
        boolean template = addSpecialTokens && postProcessor != null;
        truncate(a, null, template);
        return template ? postProcessor.apply(a, null) : a.toEncoding(0);
    }

    @Override
    public Encoding encodePair(String first, String second) {
        TokenSequence a = tokenize(first);
        TokenSequence b = tokenize(second);
        truncate(a, b, postProcessor != null);
        if (postProcessor != null) {
            return postProcessor.apply(a, b);
        }
        Encoding ea = a.toEncoding(0);
        Encoding eb = b.toEncoding(1);
        return concat(ea, eb);
    }

    @Override
    public List<Encoding> encodeBatch(List<String> texts) {
        List<Encoding> out = new ArrayList<>(texts.size());
        for (String t : texts) {
            out.add(encode(t));
        }
        return out;
    }

    @Override
    public Batch encodePadded(List<String> texts) {
        List<Encoding> encodings = encodeBatch(texts);
        int longest = 0;
        for (Encoding e : encodings) {
            longest = Math.max(longest, e.length());
        }
        int seqLen = padding.targetLength(longest);
        int rows = encodings.size();
        int[][] ids = new int[rows][seqLen];
        int[][] mask = new int[rows][seqLen];
        int[][] types = new int[rows][seqLen];
        for (int r = 0; r < rows; r++) {
            Encoding e = encodings.get(r);
            int n = e.length();
            int offset = padding.left() ? seqLen - n : 0;
            java.util.Arrays.fill(ids[r], padding.padId());
            java.util.Arrays.fill(types[r], padding.padTypeId());
            System.arraycopy(e.ids(), 0, ids[r], offset, n);
            System.arraycopy(e.typeIds(), 0, types[r], offset, n);
            java.util.Arrays.fill(mask[r], offset, offset + n, 1);
        }
        return new Batch(ids, mask, types, seqLen);
    }

    @Override
    public String decode(int[] ids) {
        return decode(ids, true);
    }

    @Override
    public String decode(int[] ids, boolean skipSpecialTokens) {
        List<String> tokens = new ArrayList<>(ids.length);
        for (int id : ids) {
            String token = added.contentOf(id);
            if (token == null) {
                token = model.idToToken(id);
            }
            if (token == null || (skipSpecialTokens && added.isSpecial(token))) {
                continue;
            }
            tokens.add(token);
        }
        return decoder.decode(tokens);
    }

    @Override
    public int vocabSize() {
        int n = model.vocabSize();
        for (AddedToken t : added.tokens()) {
            if (model.tokenToId(t.content()).isEmpty()) {
                n++;
            }
        }
        return n;
    }

    @Override
    public OptionalInt tokenToId(String token) {
        Integer id = added.idOf(token);
        return id != null ? OptionalInt.of(id) : model.tokenToId(token);
    }

    @Override
    public String idToToken(int id) {
        String token = added.contentOf(id);
        if (token == null) {
            token = model.idToToken(id);
        }
        if (token == null) {
            throw new IllegalArgumentException("no token has id " + id);
        }
        return token;
    }

    /** Added tokens, normalizer, pre-tokenizer and model: one sequence's tokens, nothing added around. */
    private TokenSequence tokenize(String text) {
        String clean = CharClasses.replaceLoneSurrogates(Objects.requireNonNull(text, "text"));
        TokenSequence seq = new TokenSequence();
        IntArrayList ids = new IntArrayList(16);
        boolean atStart = true;
        for (AddedVocabulary.Piece piece : added.extract(clean, normalizer)) {
            if (piece.isToken()) {
                seq.add(piece.id(), piece.text());
                atStart = false;
                continue;
            }
            preTokenizer.split(piece.text(), atStart, word -> {
                ids.size(0);
                model.tokenize(word, ids);
                for (int i = 0; i < ids.size(); i++) {
                    seq.add(ids.getInt(i), model.idToToken(ids.getInt(i)));
                }
            });
            atStart = false;
        }
        return seq;
    }

    /** Hugging Face's truncation, before the post-processor: its special tokens count towards the maximum. */
    private void truncate(TokenSequence a, TokenSequence b, boolean withTemplate) {
        if (truncation == null) {
            return;
        }
        int reserved = withTemplate ? postProcessor.addedTokens(b != null) : 0;
        int max = truncation.maxLength() - reserved;
        if (max < 0) {
            throw new IllegalArgumentException("max length " + truncation.maxLength()
                    + " leaves no room for the " + reserved + " special tokens");
        }
        int total = a.size() + (b == null ? 0 : b.size());
        if (total <= max) {
            return;
        }
        boolean left = truncation.left();
        if (b == null) {
            if (truncation.strategy() == Truncation.Strategy.ONLY_SECOND) {
                throw new IllegalArgumentException("truncation ONLY_SECOND needs a pair of sequences");
            }
            a.truncate(max, left);
            return;
        }
        int toRemove = total - max;
        switch (truncation.strategy()) {
            case ONLY_FIRST, ONLY_SECOND -> {
                TokenSequence target = truncation.strategy() == Truncation.Strategy.ONLY_FIRST ? a : b;
                if (target.size() <= toRemove) {
                    throw new IllegalArgumentException("cannot truncate the pair to " + truncation.maxLength()
                            + " tokens by shortening only the " + truncation.strategy() + " sequence");
                }
                target.truncate(target.size() - toRemove, left);
            }
            case LONGEST_FIRST -> {
                // Give the shorter sequence its full length if the longer one can absorb the cut,
                // otherwise split the budget in halves (the longer one gets the odd token).
                int n1 = a.size();
                int n2 = b.size();
                boolean swap = n1 > n2;
                if (swap) {
                    int t = n1;
                    n1 = n2;
                    n2 = t;
                }
                n2 = n1 > max ? n1 : Math.max(n1, max - n1);
                if (n1 + n2 > max) {
                    n1 = max / 2;
                    n2 = n1 + max % 2;
                }
                if (swap) {
                    int t = n1;
                    n1 = n2;
                    n2 = t;
                }
                a.truncate(n1, left);
                b.truncate(n2, left);
            }
        }
    }

    private static Encoding concat(Encoding x, Encoding y) {
        int n = x.length() + y.length();
        int[] ids = new int[n];
        int[] types = new int[n];
        int[] mask = new int[n];
        int[] special = new int[n];
        String[] tokens = new String[n];
        System.arraycopy(x.ids(), 0, ids, 0, x.length());
        System.arraycopy(y.ids(), 0, ids, x.length(), y.length());
        System.arraycopy(x.typeIds(), 0, types, 0, x.length());
        System.arraycopy(y.typeIds(), 0, types, x.length(), y.length());
        java.util.Arrays.fill(mask, 1);
        List<String> all = new ArrayList<>(x.tokens());
        all.addAll(y.tokens());
        all.toArray(tokens);
        return new Encoding(ids, tokens, types, mask, special);
    }
}
