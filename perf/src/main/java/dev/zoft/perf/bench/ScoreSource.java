package dev.zoft.perf.bench;

import java.util.Map;

/** Runs one benchmark configuration and returns its scores ({@link JmhScores} runs JMH). */
public interface ScoreSource {

    /** The primary score and the secondary results (e.g. {@code @AuxCounters}) by label. */
    record Scores(Measured primary, Map<String, Measured> secondary) {
        public Scores {
            secondary = Map.copyOf(secondary);
        }
    }

    /**
     * Runs {@code spec} (a resolved run key: JMH method and all its params).
     *
     * @throws Exception with a message saying what went wrong; the row is reported as failed
     */
    Scores run(BenchmarkSpec spec) throws Exception;
}
