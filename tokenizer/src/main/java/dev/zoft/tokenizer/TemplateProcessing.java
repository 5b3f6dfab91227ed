package dev.zoft.tokenizer;

import java.util.List;

/**
 * Hugging Face's {@code TemplateProcessing} post-processor (and {@code BertProcessing}, which is the
 * template {@code [CLS] A [SEP]} / {@code [CLS] A [SEP] B [SEP]}): wraps the tokenized sequences in
 * special tokens and sets the type id of every position.
 */
final class TemplateProcessing {

    /** One template element: a special token (its ids and strings), or sequence A / B; with its type id. */
    record Element(Special special, boolean sequenceB, int typeId) {
        boolean isSpecial() {
            return special != null;
        }
    }

    /** The ids and token strings a special-token name expands to. */
    record Special(int[] ids, List<String> tokens) {
    }

    private final List<Element> single;
    private final List<Element> pair;

    TemplateProcessing(List<Element> single, List<Element> pair) {
        this.single = List.copyOf(single);
        this.pair = List.copyOf(pair);
    }

    static TemplateProcessing bert(String cls, int clsId, String sep, int sepId) {
        Special c = new Special(new int[] {clsId}, List.of(cls));
        Special s = new Special(new int[] {sepId}, List.of(sep));
        return new TemplateProcessing(
                List.of(new Element(c, false, 0), new Element(null, false, 0), new Element(s, false, 0)),
                List.of(new Element(c, false, 0), new Element(null, false, 0), new Element(s, false, 0),
                        new Element(null, true, 1), new Element(s, false, 1)));
    }

    /**
     * RoBERTa's {@code <s> A </s>} / {@code <s> A </s> </s> B </s>}, with type id 0 for the first
     * sequence's part and {@code pairTypeId} for the second's.
     */
    static TemplateProcessing roberta(String cls, int clsId, String sep, int sepId, int pairTypeId) {
        Special c = new Special(new int[] {clsId}, List.of(cls));
        Special s = new Special(new int[] {sepId}, List.of(sep));
        return new TemplateProcessing(
                List.of(new Element(c, false, 0), new Element(null, false, 0), new Element(s, false, 0)),
                List.of(new Element(c, false, 0), new Element(null, false, 0), new Element(s, false, 0),
                        new Element(s, false, pairTypeId), new Element(null, true, pairTypeId),
                        new Element(s, false, pairTypeId)));
    }

    /** How many tokens the template adds around a single sequence or a pair. */
    int addedTokens(boolean isPair) {
        int n = 0;
        for (Element e : isPair ? pair : single) {
            if (e.isSpecial()) {
                n += e.special().ids().length;
            }
        }
        return n;
    }

    /** Builds the final encoding from the (already truncated) sequences; {@code b} may be null. */
    Encoding apply(TokenSequence a, TokenSequence b) {
        List<Element> template = b == null ? single : pair;
        int n = a.size() + (b == null ? 0 : b.size()) + addedTokens(b != null);
        int[] ids = new int[n];
        String[] tokens = new String[n];
        int[] typeIds = new int[n];
        int[] special = new int[n];
        int k = 0;
        for (Element e : template) {
            if (e.isSpecial()) {
                Special s = e.special();
                for (int i = 0; i < s.ids().length; i++, k++) {
                    ids[k] = s.ids()[i];
                    tokens[k] = s.tokens().get(i);
                    typeIds[k] = e.typeId();
                    special[k] = 1;
                }
            } else {
                TokenSequence seq = e.sequenceB() ? b : a;
                if (seq == null) {
                    continue; // the pair template's B while encoding one sequence cannot happen: single is used
                }
                for (int i = 0; i < seq.size(); i++, k++) {
                    ids[k] = seq.id(i);
                    tokens[k] = seq.token(i);
                    typeIds[k] = e.typeId();
                }
            }
        }
        int[] mask = new int[n];
        java.util.Arrays.fill(mask, 1);
        return new Encoding(ids, tokens, typeIds, mask, special);
    }
}
