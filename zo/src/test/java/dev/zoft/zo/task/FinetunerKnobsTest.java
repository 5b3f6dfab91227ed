package dev.zoft.zo.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tensor.random.Distribution;
import dev.zoft.zo.data.Datasets;
import dev.zoft.zo.data.Labels;
import dev.zoft.zo.estimate.BlockScales;
import dev.zoft.zo.estimate.StepResult;
import dev.zoft.zo.estimate.ZoSettings;
import dev.zoft.zo.log.SeedLog;
import dev.zoft.zo.params.ParameterView;
import dev.zoft.zo.params.ScopedViews;
import dev.zoft.zo.params.Update;
import dev.zoft.zo.train.EstimatorSpec;
import dev.zoft.zo.train.Finetuner;
import dev.zoft.zo.train.LearningRateSpec;
import dev.zoft.zo.train.RunManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The knobs beyond the paper on the single-device path ({@link Finetuner.Config#clip},
 * {@link Finetuner.Config#scales}) on the tiny random encoder: off they give the run of a config
 * built without them bit for bit; a bound below the observed scalars bounds every scalar and
 * changes the log; lr1 = 0 freezes block 1 while block 2 moves; a log with knobs replays exactly;
 * the manifest records them.
 */
class FinetunerKnobsTest {

    /** Block 1 = embeddings + layers 0, 1; block 2 = layer 2 + head; everything trainable. */
    private static final ClassifierOptions OPTIONS = ClassifierOptions.defaults().withTrainable(TrainableSubset.all())
            .withSplitLayer(2).withMaxTokens(24);
    private static final float EPS = 1e-3f;
    /** As a caller wrote it before the knobs existed. */
    private static final Finetuner.Config PLAIN = new Finetuner.Config(EstimatorSpec.fedSpzo(2, 2, EPS),
            LearningRateSpec.constant(2e-2), 8, 6, 11, 3, 16);

    private record Run(List<Update> updates, List<double[]> scalars, int[] all, int[] block1, int[] block2,
                       SeedLog log) {
    }

    private static int[] bits(ParameterView v) {
        List<Integer> out = new ArrayList<>();
        for (ParameterView.Entry e : v.entries()) {
            for (float f : e.tensor().toFloatArray()) {
                out.add(Float.floatToRawIntBits(f));
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static SeedLog.Header header(EncoderClassifier c) {
        return new SeedLog.Header("tiny", new byte[32], Distribution.GAUSSIAN, "tiny split=2", c.parameters().size());
    }

    private static Run run(Finetuner.Config config) throws IOException {
        try (WorkerPool pool = WorkerPool.create(2);
             EncoderClassifier c = TaskFixtures.tinyClassifier(pool, OPTIONS)) {
            List<double[]> scalars = new ArrayList<>();
            Finetuner.Result r = new Finetuner(c, pool, config).run(Datasets.demoTrain(), Datasets.demoDev(), header(c), null,
                    new Finetuner.Listener() {
                        @Override
                        public void stepped(long step, StepResult result) {
                            scalars.add(result.projectedGradients());
                        }
                    });
            ScopedViews v = ScopedViews.of(c);
            return new Run(r.log().updates(), scalars, bits(v.all()), bits(v.block1()), bits(v.block2()), r.log());
        }
    }

    private static Run base() {
        try (WorkerPool pool = WorkerPool.create(1);
             EncoderClassifier c = TaskFixtures.tinyClassifier(pool, OPTIONS)) {
            ScopedViews v = ScopedViews.of(c);
            return new Run(List.of(), List.of(), bits(v.all()), bits(v.block1()), bits(v.block2()), null);
        }
    }

    private static double maxAbs(List<double[]> scalars) {
        return scalars.stream().flatMapToDouble(Arrays::stream).map(Math::abs).max().orElseThrow();
    }

    @Test
    void knobsAtTheirDefaultsOrOutOfReachGiveTheRunOfAConfigWithoutThem() throws IOException {
        assertEquals(PLAIN, PLAIN.withKnobs(ZoSettings.NO_CLIP, BlockScales.uniform(EPS)));
        Run plain = run(PLAIN);
        // A finite bound no scalar reaches takes the clipping branch and must change nothing.
        Run unreached = run(PLAIN.withKnobs(Float.MAX_VALUE, BlockScales.uniform(EPS)));
        assertFalse(Arrays.equals(base().all(), plain.all()), "the run moved the model");
        assertEquals(plain.updates(), unreached.updates());
        assertArrayEquals(plain.all(), unreached.all());
    }

    @Test
    void aBoundBelowTheObservedScalarsBoundsEveryScalarAndChangesTheLog() throws IOException {
        Run plain = run(PLAIN);
        double observed = maxAbs(plain.scalars());
        float bound = (float) (observed / 4);
        Run clipped = run(PLAIN.withKnobs(bound, BlockScales.uniform(EPS)));
        assertEquals(plain.scalars().size(), clipped.scalars().size());
        for (double[] g : clipped.scalars()) {
            for (double x : g) {
                assertTrue(Math.abs(x) <= bound, x + " beyond the bound " + bound);
            }
        }
        assertEquals(bound, maxAbs(clipped.scalars()), "some scalar was clipped to the bound itself");
        assertNotEquals(plain.updates(), clipped.updates());
        // Every coefficient is −η·(sum of at most P1 clipped scalars)/(P1·P2): within η·bound.
        for (Update e : clipped.updates()) {
            assertTrue(Math.abs(e.coefficient()) <= 2e-2 * bound * (1 + 1e-6), e.toString());
        }
    }

    @Test
    void lr1ZeroFreezesBlockOneWhileBlockTwoMoves() throws IOException {
        Run base = base();
        Run frozen = run(PLAIN.withKnobs(ZoSettings.NO_CLIP, new BlockScales(EPS, EPS, 0, 1)));
        assertArrayEquals(base.block1(), frozen.block1(), "block 1 moved with lr1 = 0");
        assertFalse(Arrays.equals(base.block2(), frozen.block2()), "block 2 did not move");
        // And the reverse: lr2 = 0 freezes block 2.
        Run other = run(PLAIN.withKnobs(ZoSettings.NO_CLIP, new BlockScales(EPS, EPS, 1, 0)));
        assertArrayEquals(base.block2(), other.block2());
        assertFalse(Arrays.equals(base.block1(), other.block1()));
    }

    @Test
    void aLogWrittenWithClippingAndPerBlockScalesReplaysBitForBit() throws IOException {
        float bound = (float) (maxAbs(run(PLAIN).scalars()) / 3);
        Run knobs = run(PLAIN.withKnobs(bound, new BlockScales(2e-3f, EPS, 0.5, 1.5)));
        try (WorkerPool pool = WorkerPool.create(1);
             EncoderClassifier fresh = TaskFixtures.tinyClassifier(pool, OPTIONS)) {
            knobs.log().apply(ScopedViews.of(fresh), pool);
            assertArrayEquals(knobs.all(), bits(fresh.parameters()));
        }
    }

    @Test
    void theManifestRecordsTheKnobsAndReadsOlderManifestsAsWithout(@TempDir Path dir) throws IOException {
        Finetuner.Config knobs = PLAIN.withKnobs(0.5f, new BlockScales(2e-3f, EPS, 0, 1));
        try (WorkerPool pool = WorkerPool.create(1);
             EncoderClassifier c = TaskFixtures.tinyClassifier(pool, OPTIONS)) {
            Path file = dir.resolve(RunManifest.FILE_NAME);
            RunManifest m = RunManifest.of("tiny", new byte[32], c, Labels.sentiment().names(), knobs, "t", "d");
            m.write(file);
            RunManifest back = RunManifest.read(file);
            assertEquals(m, back);
            assertEquals(0.5f, back.clipBound());
            assertEquals(knobs.scales(), back.scales());
            assertEquals(knobs.estimator().describe(0.5f, knobs.scales()), back.describeEstimator());
            assertTrue(back.describeEstimator().endsWith(" eps1=0.002 eps2=0.001 lr1=0.0 lr2=1.0 clip=0.5"),
                    back.describeEstimator());

            // Without knobs nothing is recorded, and a manifest written before the knobs reads the same.
            RunManifest plain = RunManifest.of("tiny", new byte[32], c, Labels.sentiment().names(), PLAIN, "t", "d");
            assertNull(plain.clip());
            assertNull(plain.blockScales());
            assertEquals(knobs.estimator().describe(), plain.describeEstimator());
            plain.write(file);
            String json = Files.readString(file);
            String old = json.replaceAll(",\\s*\"clip\" : null", "").replaceAll(",\\s*\"blockScales\" : null", "");
            assertFalse(old.contains("clip") || old.contains("blockScales"), old);
            Files.writeString(file, old);
            assertEquals(plain, RunManifest.read(file));

            // A bad bound or block scale in the file is refused, naming the file.
            for (String bad : new String[] {"\"clip\" : -1.0", "\"clip\" : 0.0", "\"clip\" : \"NaN\"",
                    "\"blockScales\" : {\"eps1\" : -0.001, \"eps2\" : 0.001, \"lr1\" : 1.0, \"lr2\" : 1.0}"}) {
                String key = bad.substring(1, bad.indexOf('"', 1));
                Files.writeString(file, json.replace("\"" + key + "\" : null", bad));
                IOException e = assertThrows(IOException.class, () -> RunManifest.read(file), bad);
                assertTrue(e.getMessage().startsWith(file + ": not a valid run manifest"), e.getMessage());
            }
        }
    }
}
