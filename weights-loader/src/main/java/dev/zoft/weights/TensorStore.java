package dev.zoft.weights;

import dev.zoft.tensor.Closeables;
import dev.zoft.tensor.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Named tensors loaded from one or more weight files, in file order.
 *
 * <p>A store owns the memory behind its tensors: the arenas that map the files (weights stay in
 * the page cache, never on the Java heap) and any off-heap arena a loader used to convert a
 * tensor into a layout the kernels can use. {@link #close()} releases all of it; tensors obtained
 * from the store must not be used afterwards (doing so throws {@link IllegalStateException}).
 *
 * <p>Tensors whose element type zoft does not compute with (an ONNX {@code INT64} buffer, a
 * safetensors {@code I64}) are not part of {@link #names()}; they are listed by
 * {@link #unsupported()}, and asking for one with {@link #get} explains why it is not loaded.
 */
public final class TensorStore implements AutoCloseable, Iterable<Map.Entry<String, Tensor>> {
    private final String source;
    private final List<Path> files;
    private final Map<String, Tensor> tensors;
    private final Map<String, String> metadata;
    private final Map<String, String> unsupported;
    private final List<AutoCloseable> owned;
    private volatile boolean closed;

    private TensorStore(Builder b) {
        this.source = b.source;
        this.files = List.copyOf(b.files);
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(b.tensors));
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(b.metadata));
        this.unsupported = Collections.unmodifiableMap(new LinkedHashMap<>(b.unsupported));
        this.owned = List.copyOf(b.owned);
    }

    /** Starts a store whose errors will name {@code source}. */
    public static Builder builder(String source) {
        return new Builder(source);
    }

    /** Where the tensors came from: a file path, or a description of several files. */
    public String source() {
        return source;
    }

    /** The files the tensors are mapped from (several for a sharded checkpoint). */
    public List<Path> files() {
        return files;
    }

    /** Names of the loadable tensors, in file order. */
    public Set<String> names() {
        return tensors.keySet();
    }

    public int size() {
        return tensors.size();
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /**
     * The tensor called {@code name}.
     *
     * @throws WeightFormatException naming the tensor and the file when it is missing or of an
     *                               unsupported element type
     */
    public Tensor get(String name) {
        requireOpen();
        Tensor t = tensors.get(name);
        if (t != null) {
            return t;
        }
        String why = unsupported.get(name);
        if (why != null) {
            throw new WeightFormatException(source, "tensor '" + name + "' is not loadable: " + why);
        }
        throw new WeightFormatException(source, "no tensor named '" + name + "' (the file holds "
                + tensors.size() + " tensors" + suggestion(name) + ")");
    }

    /** The tensor called {@code name}, if present and loadable. */
    public Optional<Tensor> find(String name) {
        requireOpen();
        return Optional.ofNullable(tensors.get(name));
    }

    /** Every loadable tensor by name, in file order (unmodifiable). */
    public Map<String, Tensor> tensors() {
        requireOpen();
        return tensors;
    }

    /** Free-form string metadata of the file (safetensors {@code __metadata__}, ONNX producer...). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Tensors present in the file but not loaded, with the reason (usually their element type). */
    public Map<String, String> unsupported() {
        return unsupported;
    }

    /** Total bytes of the loadable tensors. */
    public long totalBytes() {
        long sum = 0;
        for (Tensor t : tensors.values()) {
            sum += t.segment().byteSize();
        }
        return sum;
    }

    /** Total number of elements of the loadable tensors (the parameter count). */
    public long totalElements() {
        long sum = 0;
        for (Tensor t : tensors.values()) {
            sum += t.numel();
        }
        return sum;
    }

    @Override
    public Iterator<Map.Entry<String, Tensor>> iterator() {
        return tensors().entrySet().iterator();
    }

    public boolean isClosed() {
        return closed;
    }

    /** Unmaps the files and frees converted tensors. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Closeables.closeAllReversed(owned, source);
    }

    @Override
    public String toString() {
        return "TensorStore[" + source + ", " + tensors.size() + " tensors]";
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("tensor store " + source + " is closed");
        }
    }

    /** Names sharing the last two dotted components, to point at a naming convention mismatch. */
    private String suggestion(String name) {
        String[] parts = name.split("\\.");
        String tail = parts.length >= 2 ? parts[parts.length - 2] + "." + parts[parts.length - 1] : name;
        List<String> similar = new ArrayList<>();
        for (String n : tensors.keySet()) {
            if (n.endsWith(tail)) {
                similar.add(n);
                if (similar.size() == 3) {
                    break;
                }
            }
        }
        return similar.isEmpty() ? "" : "; similar: " + String.join(", ", similar);
    }

    /**
     * Collects the tensors of a store and the resources it will own. If the loader fails before
     * {@link #build()}, it must call {@link #abort()} so the mapped files are released.
     */
    public static final class Builder {
        private final String source;
        private final List<Path> files = new ArrayList<>();
        private final Map<String, Tensor> tensors = new LinkedHashMap<>();
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private final Map<String, String> unsupported = new LinkedHashMap<>();
        private final List<AutoCloseable> owned = new ArrayList<>();
        private boolean done;

        private Builder(String source) {
            this.source = source;
        }

        public String source() {
            return source;
        }

        /** Records a file the tensors come from. */
        public Builder file(Path file) {
            files.add(file);
            return this;
        }

        /** Adds a tensor; a second tensor with the same name is an error in the file. */
        public Builder put(String name, Tensor tensor) {
            if (tensors.containsKey(name) || unsupported.containsKey(name)) {
                throw new WeightFormatException(source, "two tensors named '" + name + "'");
            }
            tensors.put(name, tensor);
            return this;
        }

        /** Records a tensor that is present but not loaded, and why. */
        public Builder unsupported(String name, String reason) {
            if (tensors.containsKey(name) || unsupported.containsKey(name)) {
                throw new WeightFormatException(source, "two tensors named '" + name + "'");
            }
            unsupported.put(name, reason);
            return this;
        }

        public Builder metadata(String key, String value) {
            metadata.put(key, value);
            return this;
        }

        public Builder metadata(Map<String, String> entries) {
            metadata.putAll(entries);
            return this;
        }

        /** Hands {@code resource} (an arena, a mapped file) to the store, which closes it last-in first-out. */
        public Builder owns(AutoCloseable resource) {
            owned.add(resource);
            return this;
        }

        public boolean contains(String name) {
            return tensors.containsKey(name);
        }

        public TensorStore build() {
            done = true;
            return new TensorStore(this);
        }

        /** Releases everything handed to {@link #owns} (for a loader that failed half-way). */
        public void abort() {
            if (!done) {
                done = true;
                Closeables.closeAllReversed(owned, source);
            }
        }
    }
}
