package dev.zoft.perf;

import dev.zoft.tokenizer.GgufTokenizer;
import dev.zoft.tokenizer.HfTokenizer;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * BPE throughput: the first 20,000 SST-2 training sentences through a tokenizer loaded from a vocab
 * GGUF (one thread): byte-level GPT-2, Llama-3 and Qwen2, and SentencePiece Llama-2. Needs
 * {@code -Dzoft.shared.dir=<folder holding assets/vocab and datasets/sst2>} (default {@code ../shared}).
 * Reported as milliseconds per pass; tokens per second = tokens / time (the benchmark returns the
 * token count, printed once at setup).
 * Words repeat, so after the first pass most come from the model's word cache (the steady state of
 * a long run); SentencePiece tokenizers have no pre-tokenizer and merge whole sentences, uncached.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class BpeTokenizerBenchmark {
    @Param({"gpt-2", "llama-bpe", "qwen2", "llama-spm"})
    public String vocab;

    private HfTokenizer tokenizer;
    private List<String> sentences;

    @Setup
    public void setUp() {
        Path shared = Path.of(System.getProperty("zoft.shared.dir", "../shared"));
        tokenizer = GgufTokenizer.load(shared.resolve("assets/vocab/ggml-vocab-" + vocab + ".gguf"));
        Path train = shared.resolve("datasets/sst2/train.tsv");
        try {
            List<String> lines = Files.readAllLines(train, StandardCharsets.UTF_8);
            int column = List.of(lines.get(0).split("\t")).indexOf("sentence");
            if (column < 0) {
                throw new IllegalStateException(train + " has no 'sentence' column");
            }
            sentences = new ArrayList<>();
            for (String line : lines.subList(1, Math.min(lines.size(), 20_001))) {
                sentences.add(line.split("\t")[column]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + train + " (set -Dzoft.shared.dir)", e);
        }
        System.out.println(vocab + ": " + encodeSst2() + " tokens per pass over " + sentences.size() + " sentences");
    }

    /** Returns the token count so the work cannot be optimised away. */
    @Benchmark
    public long encodeSst2() {
        long tokens = 0;
        for (String s : sentences) {
            tokens += tokenizer.encode(s).length();
        }
        return tokens;
    }
}
