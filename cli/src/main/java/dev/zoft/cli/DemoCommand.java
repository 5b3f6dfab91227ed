package dev.zoft.cli;

import dev.zoft.transformer.SentenceEmbedder;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;

/**
 * {@code zoft demo}: loads the bundled all-MiniLM-L6-v2, embeds a few sentences and prints their
 * cosine similarities, with the time each part took. It shows the whole stack working: bundled
 * model extracted and memory-mapped, WordPiece tokenization, the Vector API forward pass.
 */
final class DemoCommand implements Command {
    static final List<String> SENTENCES = List.of(
            "a gripping, beautifully acted film.",
            "one of the best movies of the year.",
            "a tedious, poorly written mess.",
            "i wanted my two hours back.",
            "the cat sat on the mat.");

    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "embed a few sentences with the bundled MiniLM and print their similarities";
    }

    @Override
    public String usage() {
        return """
                usage: zoft demo [--threads N]

                Loads the bundled all-MiniLM-L6-v2 (extracted once to ~/.cache/zoft), embeds five
                sentences in one padded batch and prints the cosine similarity of every pair.

                  --threads N   worker threads (default: the machine's cores)""";
    }

    @Override
    public int run(List<String> argv, PrintStream out) {
        Args args = Args.parse(argv, Set.of("threads"), Set.of());
        if (!args.positional().isEmpty()) {
            throw new UsageException("demo takes no positional arguments, got " + args.positional());
        }
        Threads.apply(args);
        long t0 = System.nanoTime();
        try (SentenceEmbedder embedder = SentenceEmbedder.miniLm()) {
            long t1 = System.nanoTime();
            float[][] sims = embedder.similarities(SENTENCES);
            long t2 = System.nanoTime();
            out.printf("all-MiniLM-L6-v2 loaded in %.0f ms; %d sentences embedded in %.0f ms%n%n",
                    (t1 - t0) / 1e6, SENTENCES.size(), (t2 - t1) / 1e6);
            for (int i = 0; i < SENTENCES.size(); i++) {
                out.printf("  [%d] %s%n", i, SENTENCES.get(i));
            }
            out.println();
            out.print("cosine ");
            for (int j = 0; j < SENTENCES.size(); j++) {
                out.printf("    [%d]", j);
            }
            out.println();
            for (int i = 0; i < SENTENCES.size(); i++) {
                out.printf("  [%d]  ", i);
                for (int j = 0; j < SENTENCES.size(); j++) {
                    out.printf("%7.3f", sims[i][j]);
                }
                out.println();
            }
        }
        return 0;
    }
}
