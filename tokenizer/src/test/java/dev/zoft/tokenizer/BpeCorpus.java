package dev.zoft.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test inputs for the BPE tokenizers: the vocab GGUFs in the shared assets and the reference corpus. */
final class BpeCorpus {
    private BpeCorpus() {
    }

    /** A vocab-only GGUF from {@code ../shared/assets/vocab}; a missing file fails the test. */
    static Path vocab(String name) {
        Path p = TestFiles.sharedDir().resolve("assets/vocab/ggml-vocab-" + name + ".gguf");
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("test asset " + p + " is missing (see shared/assets/README.md)");
        }
        return p;
    }

    private static final java.util.Map<String, HfTokenizer> LOADED = new java.util.concurrent.ConcurrentHashMap<>();

    /** The tokenizer of a vocab GGUF, loaded once per test JVM (the large vocabularies take a second). */
    static HfTokenizer tokenizer(String name) {
        return LOADED.computeIfAbsent(name, n -> GgufTokenizer.load(vocab(n)));
    }

    /** The committed BPE fixture: code, numbers, whitespace runs, contractions, unicode (one JSON string a line). */
    static List<String> fixture() {
        try (InputStream in = BpeCorpus.class.getResourceAsStream("/bpe-corpus.jsonl")) {
            if (in == null) {
                throw new IllegalStateException("bpe-corpus.jsonl missing from test resources");
            }
            ObjectMapper json = new ObjectMapper();
            List<String> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isEmpty()) {
                    JsonNode n = json.readTree(line);
                    out.add(n.asText());
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The reference corpus: all SST-2 dev sentences, the first 1,000 training sentences, the
     * tokenizer stress corpus and the BPE fixture (about 2,900 texts).
     */
    static List<String> all() {
        List<String> out = new ArrayList<>(TestFiles.sst2Sentences("dev.tsv", Integer.MAX_VALUE));
        out.addAll(TestFiles.sst2Sentences("train.tsv", 1000));
        out.addAll(TestFiles.stressCorpus());
        out.addAll(fixture());
        return out;
    }
}
