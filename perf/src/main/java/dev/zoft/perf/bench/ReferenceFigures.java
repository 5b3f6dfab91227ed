package dev.zoft.perf.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * The figures {@code perf/reference/reference.py} wrote: {@code figures[threads][key]} plus a
 * one-line summary of what it measured with (torch version, the OpenBLAS core type, quick or not).
 */
public final class ReferenceFigures {
    private final Map<String, Double> figures;
    private final String summary;
    private final String source;

    private ReferenceFigures(Map<String, Double> figures, String summary, String source) {
        this.figures = Map.copyOf(figures);
        this.summary = summary;
        this.source = source;
    }

    /** No reference measured ({@code --no-reference}). */
    public static ReferenceFigures none() {
        return missing("no reference measured (--no-reference)");
    }

    /** No reference figures, for the reason {@code why} (shown under the table). */
    public static ReferenceFigures missing(String why) {
        return new ReferenceFigures(Map.of(), why, "none");
    }

    /**
     * Reads a {@code reference.py} JSON file.
     *
     * @throws IOException              if it cannot be read
     * @throws IllegalArgumentException naming the file if it is not the script's format
     */
    public static ReferenceFigures load(Path file) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        return parse(root, file.toString());
    }

    /** Parses the JSON text of a {@code reference.py} output; {@code source} names it in messages. */
    public static ReferenceFigures parse(String json, String source) {
        try {
            return parse(new ObjectMapper().readTree(json), source);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(source + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static ReferenceFigures parse(JsonNode root, String source) {
        if (root == null || !root.isObject() || !root.path("figures").isObject()) {
            throw new IllegalArgumentException(source + " has no \"figures\" object: not a reference.py output");
        }
        Map<String, Double> figures = new HashMap<>();
        for (Map.Entry<String, JsonNode> perThreads : root.get("figures").properties()) {
            int threads;
            try {
                threads = Integer.parseInt(perThreads.getKey());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(source + ": figures are keyed by thread count, got \"" + perThreads.getKey() + "\"");
            }
            if (!perThreads.getValue().isObject()) {
                throw new IllegalArgumentException(source + ": figures[\"" + threads + "\"] is not an object");
            }
            for (Map.Entry<String, JsonNode> f : perThreads.getValue().properties()) {
                if (!f.getValue().isNumber() || !Double.isFinite(f.getValue().asDouble())) {
                    throw new IllegalArgumentException(source + ": figures[\"" + threads + "\"][\"" + f.getKey() + "\"] is not a finite number");
                }
                figures.put(threads + "/" + f.getKey(), f.getValue().asDouble());
            }
        }
        return new ReferenceFigures(figures, summarize(root), source);
    }

    private static String summarize(JsonNode root) {
        JsonNode env = root.path("environment");
        Set<String> cores = new LinkedHashSet<>();
        for (JsonNode lib : env.path("openblas_in_measurements")) {
            if (lib.hasNonNull("core_type")) {
                cores.add(lib.get("core_type").asText());
            }
        }
        StringBuilder b = new StringBuilder("PyTorch ").append(env.path("torch").asText("?"))
                .append(", numpy ").append(env.path("numpy").asText("?"))
                .append(", OpenBLAS core ").append(cores.isEmpty() ? "unknown" : String.join("/", cores));
        if (root.path("quick").asBoolean(false)) {
            b.append(", quick run");
        }
        if (root.hasNonNull("started")) {
            b.append(", started ").append(root.get("started").asText());
        }
        return b.toString();
    }

    /** The figure at {@code key}, scaled into the row's unit, or empty if the file lacks it. */
    public OptionalDouble figure(ReferenceKey key) {
        Double v = figures.get(key.threads() + "/" + key.key());
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v * key.scale());
    }

    public String summary() {
        return summary;
    }

    /** The file it came from ("none" if nothing was measured). */
    public String source() {
        return source;
    }

    /** Reads a file, naming it when it is missing. */
    static ReferenceFigures loadExisting(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("reference file " + file + " does not exist");
        }
        return load(file);
    }
}
