package dev.zoft.zo.data;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The class names of a classification dataset; class {@code i} is named {@code names().get(i)}.
 *
 * <p>A label written in a file is resolved by {@link #parse}: first as a class name (exact,
 * case-sensitive), then as a class index written in ASCII decimal digits. Anything else, or an
 * index outside {@code [0, size())}, is unknown. So with names {@code negative, positive} both
 * {@code "positive"} and {@code "1"} mean class 1.
 */
public final class Labels {

    private static final Labels SENTIMENT = of("negative", "positive");

    private final List<String> names;
    private final Map<String, Integer> byName;

    private Labels(List<String> names) {
        if (names.size() < 2) {
            throw new IllegalArgumentException("a classification needs at least 2 labels, got " + names);
        }
        this.names = List.copyOf(names);
        this.byName = new HashMap<>();
        for (int i = 0; i < this.names.size(); i++) {
            String n = this.names.get(i);
            if (n.isBlank()) {
                throw new IllegalArgumentException("label names must not be blank: " + names);
            }
            if (byName.putIfAbsent(n, i) != null) {
                throw new IllegalArgumentException("duplicate label name '" + n + "' in " + names);
            }
        }
    }

    /** Labels with the given class names, class i = names[i]. */
    public static Labels of(String... names) {
        return new Labels(List.of(names));
    }

    /** Labels with the given class names, class i = names.get(i). */
    public static Labels of(List<String> names) {
        return new Labels(names);
    }

    /** {@code k} classes named {@code "0" .. "k-1"}: plain integer labels. */
    public static Labels integers(int k) {
        String[] n = new String[k];
        for (int i = 0; i < k; i++) {
            n[i] = Integer.toString(i);
        }
        return new Labels(List.of(n));
    }

    /** Binary sentiment: 0 = {@code negative}, 1 = {@code positive} (SST-2 and the demo set). */
    public static Labels sentiment() {
        return SENTIMENT;
    }

    public int size() {
        return names.size();
    }

    public String name(int label) {
        return names.get(label);
    }

    public List<String> names() {
        return names;
    }

    /** The class of {@code token} (a name, else a decimal index), or -1 when it is unknown. */
    public int parse(String token) {
        Integer byN = byName.get(token);
        if (byN != null) {
            return byN;
        }
        return indexOf(token);
    }

    /** The class with index {@code value}, or -1 when it is out of range. */
    public int index(long value) {
        return value >= 0 && value < names.size() ? (int) value : -1;
    }

    private int indexOf(String token) {
        int n = token.length();
        // at most 10 digits keeps the value in a long without overflow checks
        if (n == 0 || n > 10) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            char c = token.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return index(v);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Labels l && l.names.equals(names);
    }

    @Override
    public int hashCode() {
        return names.hashCode();
    }

    @Override
    public String toString() {
        return "Labels" + names;
    }
}
