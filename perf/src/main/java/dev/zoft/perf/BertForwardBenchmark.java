package dev.zoft.perf;

import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tokenizer.HfTokenizer;
import dev.zoft.transformer.EncoderBatch;
import dev.zoft.transformer.EncoderOutput;
import dev.zoft.transformer.bert.BertModel;
import dev.zoft.transformer.bert.MiniLm;
import dev.zoft.weights.EncoderCheckpoint;

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
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * all-MiniLM-L6-v2 forward (embeddings, 6 layers, mean pooling) over a batch of 16 × 64 tokens,
 * reported in tokens per second (1024 token slots an invocation, padding included). The vector
 * width is {@code -Dzoft.vector.bits} (default: the host's).
 *
 * <p>Inputs: {@code random} (default) draws valid ids with a full mask, so every slot is a real
 * token; {@code sst2} tokenizes the first 16 SST-2 dev sentences with zoft's WordPiece,
 * truncated/padded to 64 (needs {@code -Dzoft.shared.dir} pointing at the shared assets).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(BertForwardBenchmark.BATCH * BertForwardBenchmark.SEQ_LEN)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class BertForwardBenchmark {
    static final int BATCH = ModelShapes.MINILM_BATCH;
    static final int SEQ_LEN = ModelShapes.MINILM_SEQ_LEN;

    @Param({"1", "2"})
    int threads;

    @Param({"random"})
    String input;

    private EncoderCheckpoint checkpoint;
    private WorkerPool pool;
    private BertModel model;
    private EncoderBatch batch;

    @Setup(Level.Trial)
    public void setUp() {
        checkpoint = MiniLm.openBundled();
        pool = WorkerPool.create(threads);
        model = BertModel.load(checkpoint, Kernels.create(VectorWidth.configured(), pool));
        batch = switch (input) {
            case "random" -> ModelShapes.miniLmBatch(42);
            case "sst2" -> sst2Batch();
            default -> throw new IllegalArgumentException("input must be random or sst2, got " + input);
        };
        if (batch.batchSize() != BATCH || batch.seqLen() != SEQ_LEN) {
            throw new IllegalStateException("batch is " + batch + ", the token count assumes " + BATCH + " × " + SEQ_LEN);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        model.close();
        pool.close();
        checkpoint.close();
    }

    /** Returns a pooled value so the forward cannot be optimised away. */
    @Benchmark
    public float forward() {
        try (EncoderOutput out = model.forward(batch)) {
            return out.pooled().getFloat(0);
        }
    }

    private static EncoderBatch sst2Batch() {
        String shared = System.getProperty("zoft.shared.dir");
        if (shared == null) {
            throw new IllegalStateException("input=sst2 needs -Dzoft.shared.dir=<folder holding datasets/sst2/dev.tsv>");
        }
        Path dev = Path.of(shared, "datasets", "sst2", "dev.tsv");
        List<String> sentences = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(dev, StandardCharsets.UTF_8).subList(1, BATCH + 1)) {
                sentences.add(line.substring(line.indexOf('\t') + 1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dev, e);
        }
        HfTokenizer tok = MiniLm.bundledTokenizer().withMaxLength(SEQ_LEN);
        tok = tok.withPadding(tok.padding().toFixed(SEQ_LEN));
        return EncoderBatch.of(tok.encodePadded(sentences));
    }
}
