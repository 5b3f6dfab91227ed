package dev.zoft.federation.aggregate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.zoft.federation.RoundLog;
import dev.zoft.federation.Server;
import dev.zoft.federation.protocol.ClientUpload;
import dev.zoft.federation.protocol.RoundRecord;
import dev.zoft.federation.protocol.StepScalars;
import dev.zoft.tensor.random.Distribution;
import dev.zoft.zo.estimate.LearningRate;
import dev.zoft.zo.estimate.MeZo;
import dev.zoft.zo.estimate.Seeds;
import dev.zoft.zo.estimate.ZoSettings;
import dev.zoft.zo.log.SeedLog;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A server aggregating with the median: an outlier client does not reach the log, whatever order the uploads came in. */
class RobustServerTest {

    private static final MeZo MEZO = new MeZo(1, ZoSettings.gaussian(1e-3f));

    @Test
    void theMedianServerLogsTheMedianAndItsUpdatesAndOneVotePerClient() throws IOException {
        SeedLog.Header h = new SeedLog.Header("none", new byte[32], Distribution.GAUSSIAN, "test", 10);
        Server s = new Server(3, 3, 2, 4, LearningRate.constant(0.5), 5, MEZO, AggregatorSpec.parse("median").create(),
                RoundLog.inMemory(h));
        Server.OpenRound open = s.startRound();
        s.accept(new ClientUpload(1, 2, 1, StepScalars.of(2, 1, new float[] {1e30f, -1e30f}), 0.1));
        s.accept(new ClientUpload(1, 0, 500, StepScalars.of(2, 1, new float[] {0.25f, 2f}), 0.1));
        s.accept(new ClientUpload(1, 1, 1, StepScalars.of(2, 1, new float[] {0.5f, 1f}), 0.1));
        RoundRecord rec = s.finishRound();
        assertArrayEquals(new float[] {0.5f, 1f}, rec.aggregate().scalars().values());
        assertArrayEquals(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3}, rec.weights());
        var expected = new java.util.ArrayList<>(MEZO.updates(Seeds.step(open.roundSeed(), 0), new double[] {0.5}, 0.5));
        expected.addAll(MEZO.updates(Seeds.step(open.roundSeed(), 1), new double[] {1}, 0.5));
        assertEquals(expected, rec.updates());
        assertEquals(List.copyOf(expected), s.log().seedLog().updates());
    }
}
