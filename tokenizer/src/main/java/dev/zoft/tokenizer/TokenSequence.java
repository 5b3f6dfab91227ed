package dev.zoft.tokenizer;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.util.ArrayList;
import java.util.List;

/** The tokens of one sequence between model and post-processor: ids with their strings. */
final class TokenSequence {
    private final IntArrayList ids = new IntArrayList(32);
    private final List<String> tokens = new ArrayList<>(32);

    void add(int id, String token) {
        ids.add(id);
        tokens.add(token);
    }

    int size() {
        return ids.size();
    }

    int id(int i) {
        return ids.getInt(i);
    }

    String token(int i) {
        return tokens.get(i);
    }

    /** Keeps {@code length} tokens: the first ones, or the last ones if {@code fromLeft}. */
    void truncate(int length, boolean fromLeft) {
        int n = size();
        if (length >= n) {
            return;
        }
        if (fromLeft) {
            int[] kept = ids.subList(n - length, n).toIntArray();
            List<String> keptTokens = new ArrayList<>(tokens.subList(n - length, n));
            ids.size(0);
            tokens.clear();
            for (int i = 0; i < length; i++) {
                add(kept[i], keptTokens.get(i));
            }
        } else {
            ids.size(length);
            tokens.subList(length, n).clear();
        }
    }

    /** Without a post-processor: the sequence as an encoding, no special tokens. */
    Encoding toEncoding(int typeId) {
        int n = size();
        int[] typeIds = new int[n];
        java.util.Arrays.fill(typeIds, typeId);
        int[] mask = new int[n];
        java.util.Arrays.fill(mask, 1);
        return new Encoding(ids.toIntArray(), tokens.toArray(new String[0]), typeIds, mask, new int[n]);
    }
}
