package dev.zoft.federation.method;

import dev.zoft.federation.Aggregator;
import dev.zoft.federation.Client;
import dev.zoft.federation.DirectionCaps;
import dev.zoft.federation.LocalRound;
import dev.zoft.federation.RoundLog;
import dev.zoft.federation.Server;
import dev.zoft.federation.SyncedModel;
import dev.zoft.federation.privacy.DpSettings;
import dev.zoft.federation.privacy.LocalGaussianPrivacy;
import dev.zoft.federation.protocol.ClientUpload;
import dev.zoft.federation.protocol.ProtocolCodec;
import dev.zoft.federation.protocol.RoundPlan;
import dev.zoft.federation.protocol.RoundRecord;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.zo.data.Dataset;
import dev.zoft.zo.estimate.Estimator;
import dev.zoft.zo.estimate.LearningRate;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A federation on {@link LabelQuadratic} run through the protocol objects ({@link Server},
 * {@link Client}, {@link ProtocolCodec}), one shared model, with any aggregator and local DP: the
 * fingerprint of every byte it sent (uploads, round records) and of the final weights. Without
 * caps it uses only the API that existed before per-client caps, so the same run was pinned on the
 * commit before them ({@link UncappedPinTest}).
 */
final class ProtocolRun {

    static final int CLIENTS = 6;
    static final int PER_ROUND = 4;
    static final int STEPS = 2;
    static final int BATCH = 4;
    static final int ROUNDS = 4;

    private ProtocolRun() {
    }

    /**
     * Runs {@value #ROUNDS} rounds and returns the SHA-256 (hex) of the uploads' and records' bytes in
     * order, then the final weights' bits.
     *
     * @param caps client id → its direction caps (null entries: uncapped); null: every client built with
     *             the constructor that existed before caps (how the pins were produced)
     */
    static String fingerprint(long seed, Estimator estimator, Aggregator aggregator, DpSettings dp,
                              IntFunction<DirectionCaps> caps, LabelQuadratic q, WorkerPool pool) throws IOException {
        MessageDigest sha = sha();
        SyncedModel<double[]> model = new SyncedModel<>(q, estimator, pool);
        List<Dataset> shards = LabelQuadratic.shards(CLIENTS, seed);
        List<Client<double[]>> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            LocalGaussianPrivacy privacy = dp == null ? null : new LocalGaussianPrivacy(dp, 1000 + c);
            clients.add(caps == null ? new Client<>(c, shards.get(c), LabelQuadratic.BATCHES, model, privacy)
                    : new Client<>(c, shards.get(c), LabelQuadratic.BATCHES, model, privacy, caps.apply(c)));
        }
        try (RoundLog log = RoundLog.inMemory(LabelQuadratic.HEADER)) {
            Server server = new Server(CLIENTS, PER_ROUND, STEPS, BATCH, LearningRate.constant(0.05), seed, estimator,
                    aggregator, log);
            for (int r = 1; r <= ROUNDS; r++) {
                Server.OpenRound open = server.startRound();
                for (int c : open.clients()) {
                    RoundPlan plan = ProtocolCodec.decodePlan(ProtocolCodec.encode(server.plan(c)));
                    LocalRound local = clients.get(c).run(plan);
                    byte[] up = ProtocolCodec.encode(local.upload());
                    sha.update(up);
                    ClientUpload back = ProtocolCodec.decodeUpload(up);
                    server.accept(back);
                }
                RoundRecord record = server.finishRound();
                sha.update(ProtocolCodec.encode(record));
                model.catchUp(List.of(record.aggregate()));
            }
        } catch (dev.zoft.federation.protocol.ProtocolException e) {
            throw new IllegalStateException(e);
        }
        for (float v : q.values()) {
            int b = Float.floatToRawIntBits(v);
            sha.update(new byte[] {(byte) (b >>> 24), (byte) (b >>> 16), (byte) (b >>> 8), (byte) b});
        }
        model.close();
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
