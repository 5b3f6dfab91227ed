package dev.zoft.perf.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
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
    /** How long a run waits for another JMH run on the machine to finish. */
    static final Duration LOCK_WAIT = Duration.ofMinutes(30);

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

    /**
     * Waits (up to {@link #LOCK_WAIT}) while another JMH run on this machine holds JMH's lock file:
     * JMH refuses to start then, and benchmarks sharing the cores would measure each other anyway.
     * The lock is only probed and released here; JMH takes it itself a moment later.
     */
    void awaitJmhLock() {
        Path lockFile = Path.of(System.getProperty("java.io.tmpdir"), "jmh.lock");
        long deadline = System.nanoTime() + LOCK_WAIT.toNanos();
        boolean told = false;
        while (true) {
            try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock lock = ch.tryLock()) {
                if (lock != null) {
                    return;
                }
            } catch (IOException | OverlappingFileLockException e) {
                return; // cannot probe: let JMH decide and report
            }
            if (System.nanoTime() > deadline) {
                return; // JMH will fail with its own message, which the row reports
            }
            if (!told) {
                log.println("bench: another JMH run holds " + lockFile + "; waiting up to " + LOCK_WAIT.toMinutes() + " min for it to finish");
                told = true;
            }
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
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
        awaitJmhLock();
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
