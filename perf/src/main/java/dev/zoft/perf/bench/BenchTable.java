package dev.zoft.perf.bench;

import dev.zoft.tensor.VectorWidth;
import dev.zoft.weights.AtomicFileWrite;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * {@code ./zoft bench}: measures the PyTorch/OpenBLAS reference ({@code perf/reference/reference.py})
 * and zoft's JMH benchmarks ({@link Rows}) in one command and prints the Markdown table of issue
 * 4 (figure | zoft | reference measured now | issue 4's figure | ratio | target | met?), also
 * written to {@code perf/target/bench.md}. The reference runs first, then the benchmarks, one at a
 * time so neither disturbs the other. The project folder is {@code -Dzoft.home} (the launcher
 * sets it), else the working directory.
 */
public final class BenchTable {
    private BenchTable() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(System.getProperty("zoft.home", ".")).toAbsolutePath().normalize();
        BenchOptions options;
        List<Row> rows;
        try {
            options = BenchOptions.parse(args, home);
            rows = options.select(Rows.all());
        } catch (IllegalArgumentException e) {
            System.err.println("zoft bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (options.list()) {
            for (Row r : rows) {
                System.out.println(r.group() + "\t" + r.id() + "\t" + r.spec());
            }
            return;
        }
        VectorWidth width = options.bits() < 0 ? VectorWidth.preferred() : VectorWidth.ofBits(options.bits());

        ReferenceFigures reference;
        if (options.noReference()) {
            reference = ReferenceFigures.none();
        } else if (options.reference() != null) {
            try {
                reference = ReferenceFigures.loadExisting(options.reference());
            } catch (IllegalArgumentException | IOException e) {
                System.err.println("zoft bench: " + e.getMessage());
                System.exit(2);
                return;
            }
        } else {
            ReferenceScript script = new ReferenceScript(options.python(), home.resolve("perf/reference/reference.py"));
            try {
                reference = script.measure(rows, options.quick(), home.resolve("perf/target/reference.json"));
            } catch (IOException e) {
                System.err.println("zoft bench: " + e.getMessage() + " — continuing without a measured reference");
                reference = ReferenceFigures.missing("not measured: " + e.getMessage());
            }
        }

        ClassLoader loader = BenchTable.class.getClassLoader();
        RowEvaluator evaluator = new RowEvaluator(new JmhScores(options.quick(), width.bits(), System.err, loader),
                loader, width.bits(), width.name());
        List<Outcome> outcomes = evaluator.evaluate(rows);

        String table = header(options, width) + MarkdownTable.render(outcomes, reference);
        System.out.println();
        System.out.print(table);
        AtomicFileWrite.write(options.out(), tmp -> Files.writeString(tmp, table, StandardCharsets.UTF_8));
        System.err.println("bench: table written to " + options.out());
    }

    private static String header(BenchOptions options, VectorWidth width) {
        return "## zoft bench" + (options.quick() ? " (quick: smoke figures, not for quoting)" : "") + "\n\n"
                + Instant.now().truncatedTo(ChronoUnit.SECONDS) + ", JDK " + Runtime.version()
                + ", " + Runtime.getRuntime().availableProcessors() + " cores, zoft vector width " + width.bits() + " bits.\n\n";
    }
}
