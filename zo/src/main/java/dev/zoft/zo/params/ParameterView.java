package dev.zoft.zo.params;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Trainable parameters as one global index space: tensor k's element j has index
 * {@code offset(k) + j}, offsets assigned in order. The perturbation direction for parameter i is
 * {@code z(seed, i)} (the tensor module's generator), so z depends on the parameter, never on how
 * work is split. A {@link #subset} keeps the global offsets of the tensors it keeps: perturbing a
 * subset moves exactly those coordinates of the full direction.
 *
 * <p>Tensors must be writable F32 off-heap memory that worker threads may read (a shared or
 * automatic arena): in-place ZO writes into them.
 */
public final class ParameterView {

    /** One tensor of the view and the global index of its first element. */
    public record Entry(String name, Tensor tensor, long offset) {
        public long end() {
            return offset + tensor.numel();
        }
    }

    private final List<Entry> entries;
    private final long size;

    private ParameterView(List<Entry> entries) {
        this.entries = Collections.unmodifiableList(entries);
        long n = 0;
        for (Entry e : entries) {
            n += e.tensor().numel();
        }
        this.size = n;
    }

    /** A view over {@code tensors} in iteration order, global offsets from 0. */
    public static ParameterView of(Map<String, Tensor> tensors) {
        List<Entry> list = new ArrayList<>(tensors.size());
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            if (t.dtype() != DType.F32) {
                throw new IllegalArgumentException("trainable tensor " + e.getKey() + " must be F32, got " + t);
            }
            if (t.segment().isReadOnly()) {
                throw new IllegalArgumentException("trainable tensor " + e.getKey() + " is read-only (copy it to an arena first)");
            }
            list.add(new Entry(e.getKey(), t, offset));
            offset = Math.addExact(offset, t.numel());
        }
        return new ParameterView(list);
    }

    /** The tensors whose names {@code keep} accepts, with their global offsets unchanged. */
    public ParameterView subset(Predicate<String> keep) {
        List<Entry> kept = new ArrayList<>();
        for (Entry e : entries) {
            if (keep.test(e.name())) {
                kept.add(e);
            }
        }
        return new ParameterView(kept);
    }

    /** Number of parameters in this view (not the extent of the global index space). */
    public long size() {
        return size;
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The tensors by name, in view order. */
    public Map<String, Tensor> tensors() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (Entry e : entries) {
            m.put(e.name(), e.tensor());
        }
        return m;
    }

    @Override
    public String toString() {
        return "ParameterView[" + entries.size() + " tensors, " + size + " parameters]";
    }
}
