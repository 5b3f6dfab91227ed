package dev.zoft.federation.net;

import static dev.zoft.federation.net.NetFixtures.open;
import static dev.zoft.federation.net.NetFixtures.plan;
import static dev.zoft.federation.net.NetFixtures.stateOf;
import static dev.zoft.federation.net.NetFixtures.upload;
import static dev.zoft.federation.net.NetFixtures.uploadBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.federation.FederationSeeds;
import dev.zoft.federation.RoundLog;
import dev.zoft.federation.Server;
import dev.zoft.federation.WeightedMean;
import dev.zoft.federation.protocol.ClientUpload;
import dev.zoft.federation.protocol.ProtocolCodec;
import dev.zoft.federation.protocol.ProtocolException;
import dev.zoft.federation.protocol.RoundRecord;
import dev.zoft.federation.protocol.StepScalars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The durable round lifecycle without HTTP: sampling, deadline, quorum, restart, refusals. */
class CoordinatorTest {

    private static final Duration HOUR = Duration.ofHours(1);

    /** The records an uninterrupted in-memory {@link Server} writes for the same uploads. */
    static List<RoundRecord> reference(FederationPlan plan) throws IOException {
        Server s = new Server(plan.clients(), plan.perRound(), plan.localSteps(), plan.batchSize(), plan.schedule(),
                plan.runSeed(), plan.estimator().create(), new WeightedMean(), RoundLog.inMemory(NetFixtures.HEADER));
        for (int r = 1; r <= plan.rounds(); r++) {
            for (int c : s.startRound().clients()) {
                s.accept(upload(r, c));
            }
            s.finishRound();
        }
        return s.log().records();
    }

    @Test
    void aRunWhereEveryoneUploadsLogsWhatTheInProcessServerLogs(@TempDir Path dir) throws Exception {
        FederationPlan plan = plan(10, 3, 5);
        NetFixtures.Clock clock = new NetFixtures.Clock();
        try (Coordinator c = open(dir, plan, 3, HOUR, clock)) {
            for (int r = 1; r <= 5; r++) {
                int[] sampled = c.sampled();
                assertArrayEquals(Server.select(10, 3, FederationSeeds.selection(7, r)), sampled);
                for (int id = 0; id < 10; id++) {
                    Coordinator.Fetch f = c.fetch(id, r - 1);
                    if (Arrays.binarySearch(sampled, id) >= 0) {
                        Coordinator.Fetch.Plan p = assertInstanceOf(Coordinator.Fetch.Plan.class, f);
                        assertEquals(r, p.plan().round());
                    } else {
                        assertInstanceOf(Coordinator.Fetch.Wait.class, f);
                    }
                }
                for (int id : sampled) {
                    c.upload(id, uploadBytes(r, id));
                }
                assertEquals(r, c.completedRounds());
            }
            assertTrue(c.finished());
            assertInstanceOf(Coordinator.Fetch.Finished.class, c.fetch(0, 0));
            assertEquals(reference(plan), c.records());
            assertEquals(reference(plan), RoundLog.readRounds(dir.resolve(RoundLog.ROUNDS_FILE)));
        }
    }

    @Test
    void aPlanCarriesTheRoundsTheClientSaysItMissed(@TempDir Path dir) throws Exception {
        FederationPlan plan = plan(4, 4, 4);
        try (Coordinator c = open(dir, plan, 4, HOUR, new NetFixtures.Clock())) {
            for (int r = 1; r <= 3; r++) {
                for (int id : c.sampled()) {
                    c.upload(id, uploadBytes(r, id));
                }
            }
            Coordinator.Fetch.Plan p = (Coordinator.Fetch.Plan) c.fetch(2, 1);
            assertEquals(List.of(2, 3), p.plan().missing().stream().map(a -> a.round()).toList());
            assertEquals(3, c.since(0).size());
            assertEquals(400, assertThrows(Rejected.class, () -> c.fetch(2, 4)).status());
            assertEquals(400, assertThrows(Rejected.class, () -> c.since(-1)).status());
        }
    }

    @Test
    void atTheDeadlineARoundWithAQuorumClosesAndStragglersGet410(@TempDir Path dir) throws Exception {
        FederationPlan plan = plan(10, 4, 3);
        NetFixtures.Clock clock = new NetFixtures.Clock();
        try (Coordinator c = open(dir, plan, 2, Duration.ofSeconds(30), clock)) {
            int[] s = c.sampled();
            c.upload(s[2], uploadBytes(1, s[2]));
            c.upload(s[0], uploadBytes(1, s[0]));
            clock.advance(Duration.ofSeconds(29));
            c.tick();
            assertEquals(0, c.completedRounds());
            clock.advance(Duration.ofSeconds(1));
            c.tick();
            assertEquals(1, c.completedRounds());
            RoundRecord r = c.records().getFirst();
            assertArrayEquals(new int[] {s[0], s[2]}, r.clients());
            String before = stateOf(dir);
            Rejected late = assertThrows(Rejected.class, () -> c.upload(s[1], uploadBytes(1, s[1])));
            assertEquals(410, late.status());
            assertEquals(before, stateOf(dir));
            // Round 2 opened with a fresh deadline.
            assertEquals(2, c.status().openRound());
            assertEquals(clock.get() + 30_000, c.status().deadlineMillis());
        }
    }

    /**
     * A kill after the upload that closed a round but before its reply makes the client retry an upload
     * whose round is closed: the answer must be "already uploaded" (409, delivered), not "closed" (410,
     * which the client takes as a refusal, leaving every later round it is sampled in short of an upload).
     */
    @Test
    void theRetryOfTheUploadThatClosedARoundIsAlreadyUploadedAlsoAfterARestart(@TempDir Path dir) throws Exception {
        FederationPlan plan = plan(10, 3, 3);
        int[] s;
        try (Coordinator c = open(dir, plan, 3, HOUR, new NetFixtures.Clock())) {
            s = c.sampled();
            for (int id : s) {
                c.upload(id, uploadBytes(1, id));
            }
            assertEquals(1, c.completedRounds());
        }
        try (Coordinator c = open(dir, plan, 3, HOUR, new NetFixtures.Clock())) {
            String before = stateOf(dir);
            for (int id : s) {
                Rejected e = assertThrows(Rejected.class, () -> c.upload(id, uploadBytes(1, id)));
                assertEquals(409, e.status(), e.getMessage());
                assertTrue(e.reason().contains("already uploaded"), e.reason());
            }
            int outsider = 0;
            while (Arrays.binarySearch(s, outsider) >= 0) {
                outsider++;
            }
            int late = outsider;
            assertEquals(410, assertThrows(Rejected.class, () -> c.upload(late, uploadBytes(1, late))).status());
            assertEquals(before, stateOf(dir));
            assertEquals(1, c.completedRounds());
        }
    }

    @Test
    void belowQuorumTheRoundIsReopenedWithAFreshSampleAndSurvivesARestart(@TempDir Path dir) throws Exception {
        FederationPlan plan = plan(10, 3, 2);
        NetFixtures.Clock clock = new NetFixtures.Clock();
        int[] first;
        int[] second;
        try (Coordinator c = open(dir, plan, 2, Duration.ofSeconds(10), clock)) {
            first = c.sampled();
            c.upload(first[0], uploadBytes(1, first[0]));
            clock.advance(Duration.ofSeconds(10));
            c.tick();
            assertEquals(0, c.completedRounds());
            Coordinator.Status st = c.status();
            assertEquals(1, st.openRound());
            assertEquals(1, st.attempt());
            assertEquals(0, st.uploads());
            second = c.sampled();
            assertArrayEquals(Server.select(10, 3, FederationSeeds.reselection(7, 1, 1)), second);
            c.upload(second[1], uploadBytes(1, second[1]));
        }
        try (Coordinator c = open(dir, plan, 2, Duration.ofSeconds(10), clock)) {
            Coordinator.Status st = c.status();
            assertEquals(1, st.openRound());
            assertEquals(1, st.attempt());
            assertEquals(1, st.uploads());
            assertArrayEquals(second, c.sampled());
            assertEquals(409, assertThrows(Rejected.class, () -> c.upload(second[1], uploadBytes(1, second[1]))).status());
            c.upload(second[0], uploadBytes(1, second[0]));
            c.upload(second[2], uploadBytes(1, second[2]));
            assertEquals(1, c.completedRounds());
            assertArrayEquals(second, c.records().getFirst().clients());
        }
    }

    @Test
    void aRestartResumesTheOpenRoundWithItsUploadsAndDeadline(@TempDir Path dir) throws Exception {
        FederationPlan plan = plan(8, 3, 4);
        NetFixtures.Clock clock = new NetFixtures.Clock();
        long deadline;
        try (Coordinator c = open(dir, plan, 3, HOUR, clock)) {
            for (int id : c.sampled()) {
                c.upload(id, uploadBytes(1, id));
            }
            int[] s = c.sampled();
            c.upload(s[1], uploadBytes(2, s[1]));
            deadline = c.status().deadlineMillis();
        }
        clock.advance(Duration.ofMinutes(5));
        try (Coordinator c = open(dir, plan, 3, HOUR, clock)) {
            Coordinator.Status st = c.status();
            assertEquals(1, st.completedRounds());
            assertEquals(2, st.openRound());
            assertEquals(1, st.uploads());
            assertEquals(deadline, st.deadlineMillis());
            for (int r = 2; r <= 4; r++) {
                for (int id : c.sampled()) {
                    if (r == 2 && id == c.sampled()[1]) {
                        continue;
                    }
                    c.upload(id, uploadBytes(r, id));
                }
            }
            assertEquals(reference(plan), c.records());
        }
    }

    @Test
    void refusedUploadsChangeNoByteOnDisk(@TempDir Path dir) throws Exception {
        FederationPlan plan = plan(10, 3, 3);
        try (Coordinator c = open(dir, plan, 3, HOUR, new NetFixtures.Clock())) {
            int[] s = c.sampled();
            int outsider = 0;
            while (Arrays.binarySearch(s, outsider) >= 0) {
                outsider++;
            }
            c.upload(s[0], uploadBytes(1, s[0]));
            String before = stateOf(dir);
            float[] big = {1, 2, 3, 2e6f};
            byte[] huge = ProtocolCodec.encode(new ClientUpload(1, s[1], 5, StepScalars.of(2, 2, big), 0.1));
            byte[] shape = ProtocolCodec.encode(new ClientUpload(1, s[1], 5, StepScalars.of(1, 2, new float[] {1, 2}), 0.1));
            byte[] many = ProtocolCodec.encode(new ClientUpload(1, s[1], 20_000_000, upload(1, s[1]).scalars(), 0.1));
            byte[] truncated = Arrays.copyOf(uploadBytes(1, s[1]), 20);
            int outsiderId = outsider;
            record Case(int status, int client, byte[] body) {
            }
            List<Case> cases = List.of(
                    new Case(409, s[0], uploadBytes(1, s[0])),           // duplicate
                    new Case(403, outsiderId, uploadBytes(1, outsiderId)), // not sampled
                    new Case(403, s[1], uploadBytes(1, s[2])),           // for someone else
                    new Case(409, s[1], uploadBytes(2, s[1])),           // a round not open yet
                    new Case(422, s[1], huge),
                    new Case(422, s[1], shape),
                    new Case(422, s[1], many),
                    new Case(400, s[1], truncated),
                    new Case(400, s[1], new byte[0]));
            for (Case k : cases) {
                Rejected e = assertThrows(Rejected.class, () -> c.upload(k.client(), k.body()));
                assertEquals(k.status(), e.status(), e.getMessage());
                assertEquals(before, stateOf(dir), "state changed after: " + e.getMessage());
            }
            assertEquals(1, c.status().uploads());
            assertEquals(404, assertThrows(Rejected.class, () -> c.register(10)).status());
            c.register(3);
            String registered = stateOf(dir);
            assertEquals(409, assertThrows(Rejected.class, () -> c.register(3)).status());
            assertEquals(registered, stateOf(dir));
        }
    }

    @Test
    void tokensAreCheckedAndSurviveARestart(@TempDir Path dir) throws Exception {
        FederationPlan plan = plan(5, 2, 1);
        String token;
        try (Coordinator c = open(dir, plan, 2, HOUR, new NetFixtures.Clock())) {
            token = c.register(4);
            assertEquals(43, token.length());
            assertTrue(c.authenticate(4, token));
            assertFalse(c.authenticate(3, token));
            assertFalse(c.authenticate(4, token + "x"));
            assertFalse(c.authenticate(4, null));
        }
        assertFalse(new String(Files.readAllBytes(dir.resolve(Coordinator.JOURNAL_FILE)), java.nio.charset.StandardCharsets.ISO_8859_1)
                .contains(token), "the token itself must not be stored");
        try (Coordinator c = open(dir, plan, 2, HOUR, new NetFixtures.Clock())) {
            assertTrue(c.authenticate(4, token));
            assertEquals(1, c.status().registered());
        }
    }

    @Test
    void aTornJournalTailIsDroppedAndCorruptionBeforeItIsReported(@TempDir Path dir) throws Exception {
        FederationPlan plan = plan(6, 3, 2);
        NetFixtures.Clock clock = new NetFixtures.Clock();
        int[] s;
        try (Coordinator c = open(dir, plan, 3, HOUR, clock)) {
            s = c.sampled();
            c.upload(s[0], uploadBytes(1, s[0]));
            c.upload(s[1], uploadBytes(1, s[1]));
        }
        Path journal = dir.resolve(Coordinator.JOURNAL_FILE);
        long intact = Files.size(journal);
        // A torn last upload: its length word and half of its bytes.
        byte[] full = Files.readAllBytes(journal);
        byte[] lastFrame = Arrays.copyOfRange(full, full.length - 20, full.length);
        Files.write(journal, Arrays.copyOf(lastFrame, 13), StandardOpenOption.APPEND);
        try (Coordinator c = open(dir, plan, 3, HOUR, clock)) {
            assertEquals(2, c.status().uploads());
            assertEquals(intact, Files.size(journal));
        }
        // A flipped byte inside an earlier frame is corruption, not a torn tail.
        byte[] bytes = Files.readAllBytes(journal);
        bytes[12] ^= 0x40;
        Files.write(journal, bytes);
        ProtocolException e = assertThrows(ProtocolException.class, () -> open(dir, plan, 3, HOUR, clock));
        assertTrue(e.getMessage().contains(Coordinator.JOURNAL_FILE), e.getMessage());
    }

    @Test
    void aTornRoundRecordIsDroppedAndTheRoundClosesAgainFromTheJournal(@TempDir Path dir) throws Exception {
        FederationPlan plan = plan(6, 2, 2);
        NetFixtures.Clock clock = new NetFixtures.Clock();
        try (Coordinator c = open(dir, plan, 2, HOUR, clock)) {
            for (int id : c.sampled()) {
                c.upload(id, uploadBytes(1, id));
            }
        }
        Path rounds = dir.resolve(RoundLog.ROUNDS_FILE);
        byte[] b = Files.readAllBytes(rounds);
        Files.write(rounds, Arrays.copyOf(b, b.length - 3)); // torn: the checksum is cut
        try (Coordinator c = open(dir, plan, 2, HOUR, clock)) {
            // The journal holds both uploads of round 1: it closes again, identically.
            assertEquals(1, c.completedRounds());
            assertEquals(reference(plan).getFirst(), c.records().getFirst());
            for (int id : c.sampled()) {
                c.upload(id, uploadBytes(2, id));
            }
            assertEquals(reference(plan), c.records());
        }
    }
}
