package dev.zoft.cli;

import dev.zoft.transformer.SentenceEmbedder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code zoft embed}: sentence embeddings of the given texts (or a file's lines) as TSV. */
final class EmbedCommand implements Command {
    @Override
    public String name() {
        return "embed";
    }

    @Override
    public String summary() {
        return "print MiniLM sentence embeddings of texts or of a file's lines";
    }

    @Override
    public String usage() {
        return """
                usage: zoft embed [--file PATH] [--threads N] [TEXT ...]

                Prints one line per text: the text, a tab, then the 384 components of its
                L2-normalised mean-pooled all-MiniLM-L6-v2 embedding, tab-separated.

                  --file PATH   embed every non-empty line of this UTF-8 file
                  --threads N   worker threads (default: the machine's cores)""";
    }

    @Override
    public int run(List<String> argv, PrintStream out) throws IOException {
        Args args = Args.parse(argv, Set.of("file", "threads"), Set.of());
        Threads.apply(args);
        List<String> texts = args.positional();
        String file = args.string("file", null);
        if (file != null) {
            if (!texts.isEmpty()) {
                throw new UsageException("give texts or --file, not both");
            }
            texts = readLines(Path.of(file));
        }
        if (texts.isEmpty()) {
            throw new UsageException("nothing to embed: give one or more texts, or --file");
        }
        try (SentenceEmbedder embedder = SentenceEmbedder.miniLm()) {
            float[][] vectors = embedder.embed(texts);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < texts.size(); i++) {
                line.setLength(0);
                line.append(texts.get(i).replace('\t', ' ').replace('\n', ' '));
                for (float v : vectors[i]) {
                    line.append('\t').append(String.format(Locale.ROOT, "%.6f", v));
                }
                out.println(line);
            }
        }
        return 0;
    }

    private static List<String> readLines(Path path) throws IOException {
        try {
            return Files.readAllLines(path, StandardCharsets.UTF_8).stream().filter(s -> !s.isBlank()).toList();
        } catch (NoSuchFileException e) {
            throw new IOException("no such file: " + path, e);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new IOException(path + " is not valid UTF-8", e);
        }
    }
}
