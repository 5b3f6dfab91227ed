package dev.zoft.federation.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.federation.PublicFixtures;
import dev.zoft.federation.SimulationConfig;
import dev.zoft.federation.SyncedModel;
import dev.zoft.federation.protocol.ProtocolException;
import dev.zoft.federation.protocol.RoundAggregate;
import dev.zoft.federation.protocol.StepScalars;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.zo.estimate.Estimator;
import dev.zoft.zo.task.EncoderClassifier;
import dev.zoft.zo.task.LabelledBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints of the global model and the sync rule that chooses between them and a replay. */
class CheckpointsTest {

    private static List<RoundAggregate> rounds(int n, Estimator e) {
        List<RoundAggregate> out = new ArrayList<>();
        for (int r = 1; r <= n; r++) {
            float[] v = new float[2 * e.scalarsPerStep()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) Math.cos(r * 3 + i);
            }
            out.add(new RoundAggregate(r, 1000 + r, 0.05, StepScalars.of(2, e.scalarsPerStep(), v)));
        }
        return out;
    }

    @Test
    void aCheckpointLoadedAndTheRestReplayedGivesTheReplayedModelBitForBit(@TempDir Path dir) throws Exception {
        SimulationConfig config = TinyFederation.config();
        try (WorkerPool pool = WorkerPool.create(1);
             EncoderClassifier server = PublicFixtures.tinyClassifier(pool, config.classifierOptions());
             EncoderClassifier replayed = PublicFixtures.tinyClassifier(pool, config.classifierOptions());
             EncoderClassifier jumped = PublicFixtures.tinyClassifier(pool, config.classifierOptions())) {
            Estimator e = config.estimator().create();
            List<RoundAggregate> all = rounds(5, e);
            try (SyncedModel<LabelledBatch> replica = new SyncedModel<>(server, e, pool);
                 SyncedModel<LabelledBatch> a = new SyncedModel<>(replayed, e, pool);
                 SyncedModel<LabelledBatch> b = new SyncedModel<>(jumped, e, pool)) {
                Checkpoints cp = new Checkpoints(dir, replica, 2);
                for (var r : all) {
                    cp.roundClosed(new dev.zoft.federation.protocol.RoundRecord(r, new int[] {0}, new double[] {1},
                            r.updates(e)));
                }
                assertEquals(4, cp.latestRound());
                byte[] bytes = cp.latestBytes();
                assertEquals(Checkpoints.bytesFor(server.parameters().size()), bytes.length);
                assertFalse(Files.exists(dir.resolve(Checkpoints.FILE_NAME + ".tmp")));
                a.catchUp(all);
                b.jumpTo(Checkpoints.roundOf(bytes, "cp"), view -> {
                    try {
                        Checkpoints.decodeInto(bytes, view, "cp");
                    } catch (ProtocolException ex) {
                        throw new AssertionError(ex);
                    }
                });
                assertEquals(4, b.syncedRound());
                assertEquals(1, b.catchUp(all));
                assertArrayEquals(PublicFixtures.bits(replayed.parameters()), PublicFixtures.bits(jumped.parameters()));
                assertArrayEquals(PublicFixtures.bits(server.parameters()), PublicFixtures.bits(jumped.parameters()));
                // A restarted server finds its checkpoint.
                assertEquals(4, new Checkpoints(dir, replica, 2).latestRound());
                // Damaged checkpoints are refused before a single parameter is written.
                int[] before = PublicFixtures.bits(jumped.parameters());
                byte[] flipped = bytes.clone();
                flipped[100] ^= 1;
                byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 4);
                for (byte[] bad : List.of(flipped, cut, new byte[10])) {
                    assertThrows(ProtocolException.class, () -> Checkpoints.decodeInto(bad, jumped.parameters(), "cp"));
                }
                assertArrayEquals(before, PublicFixtures.bits(jumped.parameters()));
            }
        }
    }

    @Property(tries = 200)
    void theRuleChoosesTheCheaperPath(@ForAll @LongRange(min = 0, max = 1_000_000_000L) long replayAll,
                                      @ForAll @LongRange(min = 0, max = 1_000_000_000L) long after,
                                      @ForAll @LongRange(min = 26, max = 1_000_000_000L) long bytes) {
        long afterCheckpoint = Math.min(after, replayAll);
        SyncRule rule = new SyncRule(1.3, 10e6);
        double replay = replayAll * 1.3;
        double via = bytes / 10e6 * 1e9 + afterCheckpoint * 1.3;
        assertEquals(via < replay, rule.preferCheckpoint(replayAll, afterCheckpoint, bytes));
        assertFalse(SyncRule.alwaysReplay().preferCheckpoint(replayAll, afterCheckpoint, bytes));
        if (replayAll > afterCheckpoint) {
            assertTrue(SyncRule.alwaysCheckpoint().preferCheckpoint(replayAll, afterCheckpoint, bytes));
        }
    }

    @Test
    void theDocumentedExampleCrossesOverNear300Updates() {
        long n = 1_775_232;
        long bytes = Checkpoints.bytesFor(n);
        SyncRule rule = SyncRule.defaults();
        assertFalse(rule.preferCheckpoint(250 * n, 0, bytes));
        assertTrue(rule.preferCheckpoint(350 * n, 0, bytes));
    }
}
