package dev.zoft.zo.log;

import dev.zoft.tensor.random.Distribution;
import dev.zoft.zo.params.Scope;
import dev.zoft.zo.params.Update;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Whatever the bytes, reading a seed log either succeeds or throws {@link SeedLogFormatException}:
 * never another exception, never an allocation driven by a corrupt length.
 */
class SeedLogFuzzProperties {

    @Property(tries = 400)
    void randomBytesAreReadOrRejectedCleanly(@ForAll @Size(max = 300) byte[] bytes) {
        readBothWays(bytes);
    }

    @Property(tries = 600)
    void mutatedLogsAreReadOrRejectedCleanly(@ForAll("logs") SeedLog log, @ForAll("mutations") List<int[]> mutations,
                                            @ForAll @IntRange(min = 0, max = 40) int truncate) {
        byte[] bytes = log.toBytes();
        for (int[] m : mutations) {
            int at = Math.floorMod(m[0], bytes.length);
            bytes[at] = m[2] == 0 ? (byte) m[1] : (byte) (bytes[at] ^ (1 << (m[1] & 7)));
        }
        byte[] cut = java.util.Arrays.copyOf(bytes, Math.max(0, bytes.length - truncate));
        readBothWays(cut);
    }

    @Property(tries = 200)
    void validLogsRoundTrip(@ForAll("logs") SeedLog log) throws SeedLogFormatException {
        SeedLog back = SeedLog.read(log.toBytes(), "valid");
        if (!back.header().equals(log.header()) || !back.updates().equals(log.updates())) {
            throw new AssertionError("round trip changed the log");
        }
    }

    private static void readBothWays(byte[] bytes) {
        try {
            SeedLog.read(bytes, "fuzz");
        } catch (SeedLogFormatException expected) {
            // the only allowed failure
        }
        try {
            SeedLog.readRecovering(bytes, "fuzz");
        } catch (SeedLogFormatException expected) {
            // the only allowed failure
        }
    }

    @Provide
    Arbitrary<SeedLog> logs() {
        Arbitrary<Update> update = Combinators.combine(
                Arbitraries.of(Scope.class), Arbitraries.longs(),
                Arbitraries.integers().map(Float::intBitsToFloat).filter(Float::isFinite))
                .as(Update::new);
        Arbitrary<SeedLog.Header> header = Combinators.combine(
                Arbitraries.strings().ofMaxLength(20), Arbitraries.bytes().array(byte[].class).ofSize(32),
                Arbitraries.of(Distribution.class), Arbitraries.strings().ofMaxLength(30),
                Arbitraries.longs().greaterOrEqual(0))
                .as(SeedLog.Header::new);
        return Combinators.combine(header, update.list().ofMaxSize(6)).as((h, us) -> {
            SeedLog log = new SeedLog(h);
            log.appendAll(us);
            return log;
        });
    }

    @Provide
    Arbitrary<List<int[]>> mutations() {
        return Combinators.combine(Arbitraries.integers(), Arbitraries.integers().between(0, 255), Arbitraries.integers().between(0, 1))
                .as((at, v, kind) -> new int[] {at, v, kind})
                .list().ofMinSize(1).ofMaxSize(3);
    }
}
