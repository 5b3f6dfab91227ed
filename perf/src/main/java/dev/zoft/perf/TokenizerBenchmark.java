package dev.zoft.perf;

import dev.zoft.tokenizer.HfTokenizer;
import dev.zoft.transformer.bert.MiniLm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * WordPiece throughput: all 67,349 SST-2 training sentences through the MiniLM tokenizer (one
 * thread). Needs {@code -Dzoft.shared.dir=<folder holding datasets/sst2>} (default {@code ../shared}).
 * Reported as milliseconds per pass over the whole training set.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class TokenizerBenchmark {
    private HfTokenizer tokenizer;
    private List<String> sentences;

    @Setup
    public void setUp() {
        tokenizer = MiniLm.bundledTokenizer();
        Path train = Path.of(System.getProperty("zoft.shared.dir", "../shared"), "datasets", "sst2", "train.tsv");
        try {
            List<String> lines = Files.readAllLines(train, StandardCharsets.UTF_8);
            int column = List.of(lines.get(0).split("\t")).indexOf("sentence");
            if (column < 0) {
                throw new IllegalStateException(train + " has no 'sentence' column");
            }
            sentences = new ArrayList<>(lines.size() - 1);
            for (String line : lines.subList(1, lines.size())) {
                sentences.add(line.split("\t")[column]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + train + " (set -Dzoft.shared.dir)", e);
        }
    }

    /** Returns the token count so the work cannot be optimised away. */
    @Benchmark
    public long encodeSst2Train() {
        long tokens = 0;
        for (String s : sentences) {
            tokens += tokenizer.encode(s).length();
        }
        return tokens;
    }
}
