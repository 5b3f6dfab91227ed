package dev.zoft.perf.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs benchmarks through JMH's Java API ({@link Runner}): one fork, the benchmark's own pinned
 * {@code @Fork(jvmArgsAppend)} flags plus {@code -Dzoft.vector.bits} (a fork must use one vector
 * width only), its own warm-up and measurement unless {@code quick} (then 1 × 1 s each, a smoke
 * figure). JMH's progress goes to {@code log} so standard output keeps only the table.
 */
public final class JmhScores implements ScoreSource {
    private final boolean quick;
    private final int bits;
    private final PrintStream log;
    private final ClassLoader loader;

    public JmhScores(boolean quick, int bits, PrintStream log, ClassLoader loader) {
        this.quick = quick;
        this.bits = bits;
        this.log = log;
        this.loader = loader;
    }

    /** The JVM arguments of the fork running {@code spec}. */
    List<String> forkArgs(BenchmarkSpec spec) {
        List<String> args = new ArrayList<>(spec.pinnedForkArgs(loader));
        args.removeIf(a -> a.startsWith("-Dzoft.vector.bits="));
        args.add("-Dzoft.vector.bits=" + bits);
        return args;
    }

    @Override
    public Scores run(BenchmarkSpec spec) throws RunnerException {
        ChainedOptionsBuilder b = new OptionsBuilder()
                .include(spec.includePattern())
                .forks(1)
                .shouldFailOnError(true)
                .jvmArgsAppend(forkArgs(spec).toArray(String[]::new));
        spec.params().forEach(b::param);
        if (quick) {
            b.warmupIterations(1).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(1).measurementTime(TimeValue.seconds(1));
        }
        log.println("bench: JMH " + spec + (quick ? " (quick)" : ""));
        Runner runner = new Runner(b.build(), OutputFormatFactory.createFormatInstance(log, VerboseMode.NORMAL));
        Collection<RunResult> results = runner.run();
        if (results.size() != 1) {
            throw new IllegalStateException("JMH returned " + results.size() + " results for " + spec
                    + " (expected one: does the row pin every @Param, and does the method exist in the jar's benchmark list?)");
        }
        RunResult r = results.iterator().next();
        Result<?> primary = r.getPrimaryResult();
        Map<String, Measured> secondary = new HashMap<>();
        for (Map.Entry<String, Result> e : r.getSecondaryResults().entrySet()) {
            secondary.put(e.getKey(), new Measured(e.getValue().getScore(), e.getValue().getScoreUnit()));
        }
        return new Scores(new Measured(primary.getScore(), primary.getScoreUnit()), secondary);
    }
}
