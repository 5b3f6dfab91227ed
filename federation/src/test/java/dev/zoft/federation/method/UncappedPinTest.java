package dev.zoft.federation.method;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.zoft.federation.Aggregator;
import dev.zoft.federation.DirectionCaps;
import dev.zoft.federation.WeightedMean;
import dev.zoft.federation.aggregate.CoordinateMedian;
import dev.zoft.federation.aggregate.TrimmedMean;
import dev.zoft.federation.privacy.DpSettings;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tensor.random.Distribution;
import dev.zoft.zo.estimate.Estimator;
import dev.zoft.zo.estimate.FedSpzo;
import dev.zoft.zo.estimate.MeZo;
import dev.zoft.zo.estimate.RestoreMode;
import dev.zoft.zo.estimate.ZoSettings;
import java.io.IOException;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Regression pins: federations with no slow client send the same bytes and end at the same weights
 * as before per-client caps existed. The expected fingerprints were produced by this very test on
 * commit 6c6422c (the protocol before coverage masks); a change in any upload, record or weight
 * changes them.
 */
class UncappedPinTest {

    private static WorkerPool pool;

    @BeforeAll
    static void start() {
        pool = WorkerPool.create(2);
    }

    @AfterAll
    static void stop() {
        pool.close();
    }

    static ZoSettings settings() {
        return new ZoSettings(1e-3f, Distribution.GAUSSIAN, RestoreMode.SNAPSHOT, ZoSettings.NO_CLIP);
    }

    static Stream<Arguments> runs() {
        Supplier<Estimator> mezo = () -> new MeZo(3, settings());
        Supplier<Estimator> nested = () -> new FedSpzo(2, 3, FedSpzo.Variant.NESTED, settings());
        Supplier<Estimator> decoupled = () -> new FedSpzo(2, 3, FedSpzo.Variant.DECOUPLED, settings());
        DpSettings dp = new DpSettings(5.0, 0.5, 1e-5);
        return Stream.of(
                Arguments.of("mezo-mean", mezo, (Supplier<Aggregator>) WeightedMean::new, null, "ddff4020e2b9c3383c271df106a332c127e6cc29db12a66b3fbc5ce89e98caad"),
                Arguments.of("nested-mean", nested, (Supplier<Aggregator>) WeightedMean::new, null, "d5f90743133d8b7688ca3b4d06aa4d2a9ce73546e9de432dfdfaad3225001029"),
                Arguments.of("decoupled-median", decoupled, (Supplier<Aggregator>) CoordinateMedian::new, null, "c360e1c50ed540132f6651c5b510c958f3fe44c7fa41497faa6ec3de60645c0a"),
                Arguments.of("nested-trimmed-dp", nested, (Supplier<Aggregator>) () -> new TrimmedMean(0.25), dp, "1299109c7270460d45bb40304add14024d7526bc73e32a3b4b2e391e0dd03888"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runs")
    void uncappedFederationsSendTheSameBytesAsBefore(String name, Supplier<Estimator> estimator,
                                                      Supplier<Aggregator> aggregator, DpSettings dp, String expected)
            throws IOException {
        try (LabelQuadratic q = new LabelQuadratic(11)) {
            String got = ProtocolRun.fingerprint(77, estimator.get(), aggregator.get(), dp, null, q, pool);
            assertEquals(expected, got, name);
        }
    }

    /**
     * Caps at or above the round's counts lower nothing: the clients run the round's estimator
     * itself, and the run is the pinned one bit for bit.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("runs")
    void capsThatLowerNothingChangeNothing(String name, Supplier<Estimator> estimator, Supplier<Aggregator> aggregator,
                                           DpSettings dp, String expected) throws IOException {
        try (LabelQuadratic q = new LabelQuadratic(11)) {
            DirectionCaps loose = new DirectionCaps(3, 2, DirectionCaps.UNCAPPED);
            String got = ProtocolRun.fingerprint(77, estimator.get(), aggregator.get(), dp, c -> c % 2 == 0 ? loose : null, q,
                    pool);
            assertEquals(expected, got, name);
        }
    }
}
