package dev.zoft.federation.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zoft.federation.SimulationConfig;
import dev.zoft.federation.WeightedMean;
import dev.zoft.zo.estimate.BlockScales;
import dev.zoft.zo.estimate.FedSpzo;
import dev.zoft.zo.estimate.LearningRate;
import dev.zoft.zo.estimate.ZoSettings;
import dev.zoft.zo.train.EstimatorSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The knobs beyond the paper in a networked run's {@link FederationPlan} and the status the server
 * publishes: the plan takes them from the simulation config and builds its estimator with them, the
 * status carries them over HTTP (null at their defaults, so old clients and old servers interoperate),
 * and bad values are refused.
 */
class FederationPlanKnobsTest {

    private static final float EPS = 1e-3f;
    private static final BlockScales SCALES = new BlockScales(2e-3f, EPS, 0.5, 2);
    /** How the server writes the status and how {@link FederationClient} reads it. */
    private static final ObjectMapper WRITER = new ObjectMapper();
    private static final ObjectMapper READER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private static FederationPlan plan(float clip, BlockScales scales) {
        return new FederationPlan(4, 2, 2, 4, 3, LearningRate.constant(0.01), 7, EstimatorSpec.fedSpzo(1, 2, EPS), clip, scales);
    }

    private static Coordinator open(Path dir, FederationPlan plan) throws IOException {
        return Coordinator.open(dir, NetFixtures.HEADER, plan, new RoundPolicy(plan.perRound(), Duration.ofHours(1)),
                UploadLimits.defaults(), new WeightedMean(), System::currentTimeMillis);
    }

    @Test
    void thePlanOfASimulationConfigCarriesItsKnobsAndBuildsItsEstimator() {
        SimulationConfig config = SimulationConfig.builder().estimator(EstimatorSpec.fedSpzo(1, 2, EPS)).clip(3f)
                .scales(SCALES).build();
        FederationPlan plan = FederationPlan.of(config);
        assertEquals(3f, plan.clip());
        assertEquals(SCALES, plan.scales());
        FedSpzo e = (FedSpzo) plan.createEstimator();
        assertEquals(3f, e.settings().clip());
        assertEquals(SCALES, e.scales());
        assertEquals(config.describeEstimator(), plan.describeEstimator());
        // Without knobs: the old constructor's plan, the old description.
        FederationPlan plain = FederationPlan.of(SimulationConfig.builder().estimator(EstimatorSpec.fedSpzo(1, 2, EPS)).build());
        assertEquals(new FederationPlan(plain.clients(), plain.perRound(), plain.localSteps(), plain.batchSize(), plain.rounds(),
                plain.schedule(), plain.runSeed(), plain.estimator()), plain);
        assertEquals(plain.estimator().describe(), plain.describeEstimator());
        assertNull(plain.publishedClip());
        assertNull(plain.publishedScales());
    }

    @Test
    void theStatusPublishesTheKnobsOverHttp(@TempDir Path dir) throws IOException {
        FederationPlan plan = plan(2.5f, SCALES);
        try (Coordinator c = open(dir.resolve("knobs"), plan);
             FederationHttpServer s = FederationHttpServer.start(c,
                     new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, NetFixtures.ENROLMENT)) {
            FederationClient anon = FederationClient.connect(URI.create("http://127.0.0.1:" + s.port() + "/"), null);
            Coordinator.Status st = anon.login(anon.register(1, NetFixtures.ENROLMENT)).status();
            assertEquals(2.5f, st.clip());
            assertEquals(SCALES, st.scales());
            assertEquals(plan.describeEstimator(), st.estimator());
            assertTrue(st.estimator().endsWith(" eps1=0.002 eps2=0.001 lr1=0.5 lr2=2.0 clip=2.5"), st.estimator());
            assertEquals(c.status(), st);
        }
        try (Coordinator c = open(dir.resolve("plain"), plan(ZoSettings.NO_CLIP, BlockScales.uniform(EPS)))) {
            Coordinator.Status st = READER.readValue(WRITER.writeValueAsBytes(c.status()), Coordinator.Status.class);
            assertNull(st.clip());
            assertNull(st.scales());
            assertEquals(c.status(), st);
        }
    }

    @Test
    void aStatusWithoutTheKeysReadsAsWithoutKnobsAndAnOldClientIgnoresThem(@TempDir Path dir) throws IOException {
        try (Coordinator c = open(dir, plan(2.5f, SCALES))) {
            ObjectNode json = (ObjectNode) WRITER.readTree(WRITER.writeValueAsBytes(c.status()));
            assertTrue(json.has("clip") && json.has("scales"), json.toString());
            // An old client's Status is this one without the two keys: it must read the new JSON.
            record OldStatus(int protocolVersion, int totalRounds, String estimator, long runSeed) {
            }
            OldStatus old = READER.treeToValue(json, OldStatus.class);
            assertEquals(c.status().estimator(), old.estimator());
            // A server that predates the knobs sends no keys: read as null (the defaults).
            json.remove("clip");
            json.remove("scales");
            Coordinator.Status st = READER.treeToValue(json, Coordinator.Status.class);
            assertNull(st.clip());
            assertNull(st.scales());
        }
    }

    @Test
    void aHostileStatusWithBadBlockScalesFailsToDecodeNamingTheProblem(@TempDir Path dir) throws IOException {
        try (Coordinator c = open(dir, plan(2.5f, SCALES))) {
            byte[] good = WRITER.writeValueAsBytes(c.status());
            for (String[] bad : new String[][] {{"\"eps1\":0.002", "\"eps1\":\"NaN\"", "a block's epsilon must be positive"},
                    {"\"eps1\":0.002", "\"eps1\":-0.002", "a block's epsilon must be positive"},
                    {"\"lr1\":0.5", "\"lr1\":-1", "a block's learning-rate factor must be finite and ≥ 0"}}) {
                String json = new String(good, java.nio.charset.StandardCharsets.UTF_8);
                assertTrue(json.contains(bad[0]), json);
                IOException e = assertThrows(IOException.class,
                        () -> READER.readValue(json.replace(bad[0], bad[1]), Coordinator.Status.class));
                assertTrue(e.getMessage().contains(bad[2]), e.getMessage());
            }
        }
    }

    @Test
    void badPlansAreRefused() {
        for (float clip : new float[] {Float.NaN, -1f, 0f, Float.NEGATIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> plan(clip, SCALES));
            assertTrue(e.getMessage().contains("clipping bound must be positive"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> plan(1f, new BlockScales(Float.NaN, EPS, 1, 1)));
        IllegalArgumentException mezo = assertThrows(IllegalArgumentException.class, () -> new FederationPlan(4, 2, 2, 4, 3,
                LearningRate.constant(0.01), 7, EstimatorSpec.mezo(2, EPS), ZoSettings.NO_CLIP, SCALES));
        assertTrue(mezo.getMessage().contains("MeZO has one block"), mezo.getMessage());
    }

    @Property(tries = 30)
    void anyValidKnobsSurviveTheStatusJson(@ForAll @FloatRange(min = 1, max = 10) float mantissa,
                                           @ForAll @IntRange(min = -6, max = 6) int exponent,
                                           @ForAll @DoubleRange(min = 0, max = 10) double lr1,
                                           @ForAll @FloatRange(min = 1, max = 9) float eps2) throws IOException {
        float clip = (float) (mantissa * Math.pow(10, exponent));
        BlockScales scales = new BlockScales(EPS, eps2 * 1e-3f, lr1, 1);
        Coordinator.Status st = new Coordinator.Status(1, 3, 0, 0, 0, 0, 0, 2, 0, false, 4, 0, 2, 2, 4, 2, 7,
                plan(clip, scales).describeEstimator(), 0, 0, clip, scales);
        assertEquals(st, READER.readValue(WRITER.writeValueAsBytes(st), Coordinator.Status.class));
    }
}
