package dev.zoft.zo.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tensor.random.Distribution;
import dev.zoft.zo.estimate.Estimator;
import dev.zoft.zo.estimate.FedSpzo;
import dev.zoft.zo.estimate.LearningRate;
import dev.zoft.zo.estimate.MeZo;
import dev.zoft.zo.estimate.QuadraticObjective;
import dev.zoft.zo.estimate.RestoreMode;
import dev.zoft.zo.estimate.ZoSettings;
import dev.zoft.zo.estimate.ZoSgd;
import dev.zoft.zo.params.ScopedViews;
import dev.zoft.zo.params.Snapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Train N steps recording the seed log, write it to a file, read it back, reset the parameters to
 * the base model and apply the log: the weights are the finetuned ones, bit for bit, whatever the
 * estimator, restore mode or thread count of the replay.
 */
class SeedLogReplayTest {

    static List<Estimator> estimators() {
        List<Estimator> out = new ArrayList<>();
        for (RestoreMode mode : RestoreMode.values()) {
            ZoSettings g = new ZoSettings(1e-3f, Distribution.GAUSSIAN, mode);
            ZoSettings r = new ZoSettings(1e-3f, Distribution.RADEMACHER, mode);
            out.add(new MeZo(2, g));
            out.add(new FedSpzo(2, 4, FedSpzo.Variant.NESTED, r));
            out.add(new FedSpzo(3, 2, FedSpzo.Variant.DECOUPLED, g));
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("estimators")
    void replayingTheLogOnTheBaseReproducesTheFinetunedWeights(Estimator estimator, @TempDir Path dir) throws Exception {
        try (QuadraticObjective q = new QuadraticObjective(new int[] {20_000, 77}, new int[] {9_000, 16_500}, 21);
             WorkerPool train = WorkerPool.create(2);
             WorkerPool replay = WorkerPool.create(1)) {
            ScopedViews views = ScopedViews.of(q);
            SeedLog.Header header = new SeedLog.Header("quadratic-21", new byte[32], estimator.settings().distribution(),
                    "b1.* | b2.*", q.parameters().size());
            SeedLog log = new SeedLog(header);
            Path file = dir.resolve("run.zosl");
            try (Snapshot base = Snapshot.capture(q.parameters(), train);
                 SeedLogWriter writer = SeedLogWriter.create(file, header)) {
                ZoSgd<Integer> sgd = new ZoSgd<>(q, estimator, LearningRate.linearDecay(0.01, 0.001, 30), train, 3L, updates -> {
                    log.appendAll(updates);
                    try {
                        writer.appendAll(updates);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                for (int s = 0; s < 30; s++) {
                    sgd.step(0);
                }
                writer.sync();
                float[] finetuned = q.values();
                assertFalse(base.matches(), "training should have moved the weights");

                SeedLog read = SeedLog.read(file);
                assertEquals(header, read.header());
                assertEquals(log.updates(), read.updates());
                assertEquals(log.byteSize(), Files.size(file));

                base.restore();
                read.apply(views, replay);
                assertArrayEquals(finetuned, q.values(), estimator + ": replay differs from the finetuned weights");
            }
        }
    }

    @org.junit.jupiter.api.Test
    void applyRefusesAModelOfAnotherSize() {
        try (QuadraticObjective q = QuadraticObjective.small(1); WorkerPool pool = WorkerPool.create(1)) {
            SeedLog log = new SeedLog(new SeedLog.Header("m", new byte[32], Distribution.GAUSSIAN, "s", 201));
            assertThrows(IllegalArgumentException.class, () -> log.apply(ScopedViews.of(q), pool));
        }
    }
}
