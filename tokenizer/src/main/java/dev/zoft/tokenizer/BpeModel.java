package dev.zoft.tokenizer;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.Long2LongOpenHashMap;
import it.unimi.dsi.fastutil.longs.LongHeapPriorityQueue;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hugging Face's BPE model: a word's characters become symbols, then the adjacent pair with the
 * lowest merge rank is merged, again and again, until no adjacent pair has a merge. Ties go to the
 * leftmost pair. Used for byte-level BPE (GPT-2, Llama-3, Qwen2: the words are already mapped to
 * byte characters by the pre-tokenizer) and for SentencePiece BPE (Llama-2, Phi-3: merges ranked by
 * the merged piece's score, characters missing from the vocabulary spelled as {@code <0xNN>} bytes).
 *
 * <p>Merging is O(n log n) in the word's length: a heap of candidate pairs keyed by
 * {@code rank << 32 | position}, with stale entries (a side already merged away) skipped when
 * popped. Results for short words are cached, as most words repeat.
 *
 * <p>Options, as in the reference: {@code unk} (token for characters that are not in the vocabulary,
 * or none: such characters are dropped), {@code fuseUnk} (consecutive unknowns become one),
 * {@code byteFallback} (unknown characters become their UTF-8 bytes as {@code <0xNN>} tokens when
 * all of those exist), {@code ignoreMerges} (a word that is itself a token is not split, Llama-3),
 * and the continuing-subword prefix / end-of-word suffix some vocabularies use.
 */
final class BpeModel implements Model {
    /** Words up to this many UTF-16 units are cached. Longer ones are rare and would crowd the cache. */
    private static final int CACHED_WORD_CHARS = 64;
    private static final int CACHE_CAPACITY = 50_000;

    private final Map<String, Integer> vocab;
    private final String[] idToToken;
    /** (left id, right id) → (rank << 32 | merged id). */
    private final Long2LongOpenHashMap merges;
    private final int unkId; // -1: none
    private final boolean fuseUnk;
    private final boolean byteFallback;
    private final boolean ignoreMerges;
    private final String prefix;
    private final String suffix;
    /** Ids of {@code <0xNN>}, or -1, for byte fallback. */
    private final int[] byteIds = new int[256];
    private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();
    /** Ids of single-character tokens below U+10000 (-1: not a token), so initial symbols need no lookup. */
    private final int[] charIds = new int[0x10000];

    /** One merge rule: the pair of tokens that becomes one. Its rank is its position in the list. */
    record Merge(String left, String right) {
    }

    /**
     * @param vocab token to id (ids non-negative, dense enough to index an array); kept, not copied
     * @param mergeList merge rules, best first
     * @param unkToken the unknown token, or {@code null}
     * @throws IllegalArgumentException naming the first merge or token that does not fit the vocabulary
     */
    BpeModel(Map<String, Integer> vocab, List<Merge> mergeList, String unkToken, boolean fuseUnk, boolean byteFallback,
            boolean ignoreMerges, String continuingSubwordPrefix, String endOfWordSuffix) {
        this.vocab = vocab;
        this.prefix = continuingSubwordPrefix == null ? "" : continuingSubwordPrefix;
        this.suffix = endOfWordSuffix == null ? "" : endOfWordSuffix;
        int maxId = -1;
        for (int id : vocab.values()) {
            maxId = Math.max(maxId, id);
        }
        this.idToToken = new String[maxId + 1];
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            idToToken[e.getValue()] = e.getKey();
        }
        if (unkToken != null) {
            Integer unk = vocab.get(unkToken);
            if (unk == null) {
                throw new IllegalArgumentException("the unknown token '" + unkToken + "' is not in the vocabulary");
            }
            this.unkId = unk;
        } else {
            this.unkId = -1;
        }
        this.fuseUnk = fuseUnk;
        this.byteFallback = byteFallback;
        this.ignoreMerges = ignoreMerges;
        for (int b = 0; b < 256; b++) {
            byteIds[b] = vocab.getOrDefault(byteToken(b), -1);
        }
        java.util.Arrays.fill(charIds, -1);
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            if (e.getKey().length() == 1) {
                charIds[e.getKey().charAt(0)] = e.getValue();
            }
        }
        this.merges = new Long2LongOpenHashMap(mergeList.size() * 2);
        for (int rank = 0; rank < mergeList.size(); rank++) {
            Merge m = mergeList.get(rank);
            Integer a = vocab.get(m.left());
            Integer b = vocab.get(m.right());
            if (a == null || b == null) {
                throw new IllegalArgumentException("merge " + rank + " (" + m.left() + " " + m.right()
                        + "): token '" + (a == null ? m.left() : m.right()) + "' is not in the vocabulary");
            }
            String right = m.right();
            if (!prefix.isEmpty() && right.startsWith(prefix)) {
                right = right.substring(prefix.length());
            }
            Integer merged = vocab.get(m.left() + right);
            if (merged == null) {
                throw new IllegalArgumentException("merge " + rank + " (" + m.left() + " " + m.right()
                        + "): the merged token '" + m.left() + right + "' is not in the vocabulary");
            }
            // A repeated pair keeps the later rank, as the reference's map insertion does.
            merges.put(pairKey(a, b), ((long) rank << 32) | merged);
        }
    }

    /** The SentencePiece byte token for byte {@code b}: {@code <0x41>} for 'A'. */
    static String byteToken(int b) {
        return String.format("<0x%02X>", b);
    }

    private static long pairKey(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    @Override
    public void tokenize(String word, IntArrayList out) {
        if (word.isEmpty()) {
            return;
        }
        boolean cacheable = word.length() <= CACHED_WORD_CHARS;
        if (cacheable) {
            int[] cached = cache.get(word);
            if (cached != null) {
                out.addElements(out.size(), cached);
                return;
            }
        }
        if (ignoreMerges) {
            Integer whole = vocab.get(word);
            if (whole != null) {
                out.add(whole.intValue());
                return;
            }
        }
        int[] ids = merge(word);
        if (cacheable) {
            if (cache.size() >= CACHE_CAPACITY) {
                cache.clear(); // crude, but bounded; real text has a small working set of words
            }
            cache.put(word, ids);
        }
        out.addElements(out.size(), ids);
    }

    /** The initial symbols of a word, then every merge in rank order. */
    private int[] merge(String word) {
        IntArrayList symbols = initialSymbols(word);
        int n = symbols.size();
        if (n <= 1) {
            return symbols.toIntArray();
        }
        int[] ids = symbols.elements();
        int[] prev = new int[n];
        int[] next = new int[n];
        boolean[] dead = new boolean[n];
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        LongHeapPriorityQueue queue = new LongHeapPriorityQueue(n);
        for (int i = 0; i + 1 < n; i++) {
            enqueue(queue, ids, i, i + 1);
        }
        while (!queue.isEmpty()) {
            long top = queue.dequeueLong();
            int rank = (int) (top >>> 32);
            int pos = (int) top;
            int right = next[pos];
            if (dead[pos] || right < 0) {
                continue;
            }
            long rule = merges.getOrDefault(pairKey(ids[pos], ids[right]), -1L);
            if (rule < 0 || (int) (rule >>> 32) != rank) {
                continue; // stale: one side changed since this pair was queued
            }
            ids[pos] = (int) rule;
            dead[right] = true;
            next[pos] = next[right];
            if (next[pos] >= 0) {
                prev[next[pos]] = pos;
                enqueue(queue, ids, pos, next[pos]);
            }
            if (prev[pos] >= 0) {
                enqueue(queue, ids, prev[pos], pos);
            }
        }
        IntArrayList result = new IntArrayList(n);
        for (int i = 0; i >= 0; i = next[i]) {
            result.add(ids[i]);
        }
        return result.toIntArray();
    }

    private void enqueue(LongHeapPriorityQueue queue, int[] ids, int left, int right) {
        long rule = merges.getOrDefault(pairKey(ids[left], ids[right]), -1L);
        if (rule >= 0) {
            queue.enqueue((rule & 0xFFFFFFFF00000000L) | left);
        }
    }

    /** One symbol per character (with prefix / suffix), unknowns and byte fallback as the reference does. */
    private IntArrayList initialSymbols(String word) {
        IntArrayList symbols = new IntArrayList(word.length());
        int pendingUnk = 0; // 1 when an unknown symbol waits to be added (fused or not)
        int n = word.length();
        boolean plain = prefix.isEmpty() && suffix.isEmpty();
        for (int i = 0; i < n; ) {
            int cp = word.codePointAt(i);
            int end = i + Character.charCount(cp);
            if (plain && cp < 0x10000 && charIds[cp] >= 0) {
                if (pendingUnk > 0) {
                    symbols.add(unkId);
                    pendingUnk = 0;
                }
                symbols.add(charIds[cp]);
                i = end;
                continue;
            }
            String s = word.substring(i, end);
            if (i > 0 && !prefix.isEmpty()) {
                s = prefix + s;
            }
            if (end == n && !suffix.isEmpty()) {
                s = s + suffix;
            }
            i = end;
            Integer id = vocab.get(s);
            if (id != null) {
                if (pendingUnk > 0) {
                    symbols.add(unkId);
                    pendingUnk = 0;
                }
                symbols.add(id.intValue());
                continue;
            }
            if (byteFallback && addBytes(cp, symbols)) {
                continue;
            }
            if (unkId >= 0) {
                if (pendingUnk > 0 && !fuseUnk) {
                    symbols.add(unkId);
                }
                pendingUnk = 1;
            }
        }
        if (pendingUnk > 0) {
            symbols.add(unkId);
        }
        return symbols;
    }

    /** Adds the byte tokens of one code point's UTF-8 form, if all of them exist. */
    private boolean addBytes(int cp, IntArrayList symbols) {
        byte[] utf8 = Character.toString(cp).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (byte b : utf8) {
            if (byteIds[b & 0xFF] < 0) {
                return false;
            }
        }
        for (byte b : utf8) {
            symbols.add(byteIds[b & 0xFF]);
        }
        return true;
    }

    @Override
    public OptionalInt tokenToId(String token) {
        Integer id = vocab.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    @Override
    public String idToToken(int id) {
        return id >= 0 && id < idToToken.length ? idToToken[id] : null;
    }

    @Override
    public int vocabSize() {
        return vocab.size();
    }
}
