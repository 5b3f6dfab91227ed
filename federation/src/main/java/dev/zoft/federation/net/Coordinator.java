package dev.zoft.federation.net;

import dev.zoft.federation.Aggregator;
import dev.zoft.federation.FramedFile;
import dev.zoft.federation.RoundLog;
import dev.zoft.federation.Server;
import dev.zoft.federation.protocol.ClientUpload;
import dev.zoft.federation.protocol.ProtocolCodec;
import dev.zoft.federation.protocol.ProtocolException;
import dev.zoft.federation.protocol.RoundAggregate;
import dev.zoft.federation.protocol.RoundPlan;
import dev.zoft.federation.protocol.RoundRecord;
import dev.zoft.federation.protocol.StepScalars;
import dev.zoft.zo.estimate.BlockScales;
import dev.zoft.zo.estimate.Estimator;
import dev.zoft.zo.log.SeedLog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The durable heart of {@code zoft server}: a {@link Server} (sampling, validation, aggregation)
 * whose every state change is written ahead to disk, so a restart resumes exactly where a kill
 * left it. Transport-agnostic: the HTTP front end maps its methods to endpoints and its
 * {@link Rejected} to 4xx statuses.
 *
 * <h2>Files in the state directory</h2>
 * <ul>
 *   <li>{@value RoundLog#ROUNDS_FILE} and {@value RoundLog#SEED_LOG_FILE}: the round log ({@link RoundLog#reopen}),
 *       the global model's history; a round is applied when its record is in this file, and never twice
 *       (records carry consecutive round numbers);</li>
 *   <li>{@value #JOURNAL_FILE}: a {@link FramedFile} (magic {@code "ZOFJ"}) of events:
 *       {@code 1 register (i32 client, 32-byte token hash)}, {@code 2 open (i32 round, i32 attempt,
 *       i64 deadline ms)}, {@code 3 upload (the ProtocolCodec upload bytes)}, {@code 4 abandon
 *       (i32 round, i32 attempt)}.</li>
 * </ul>
 * Every event is forced to disk before the request that caused it is answered: an acknowledged
 * registration or upload survives any kill. On {@link #open} the journal is replayed over the round
 * log: events of rounds already in the log are skipped, the last open attempt of the next round is
 * re-opened with its deadline and its journaled uploads re-accepted (they were validated before being
 * written). A kill between an upload's journal write and its reply leaves an upload the client was
 * not told about; its retry then gets 409 "already uploaded", which the client library treats as
 * success — also when that upload closed its round (the round's record lists the client), where
 * a late upload from a client the record does not list gets 410.
 *
 * <p>If writing to disk fails the coordinator stops (every later call throws): its memory would no
 * longer match its files.
 *
 * <p>Thread-safe: every state change happens under the coordinator's lock (microseconds). An
 * upload's journal frame is written under the lock and forced after it is released, before the
 * upload is acknowledged: concurrent uploads share one device flush (group commit). Anything
 * depending on a frame not yet forced is never acknowledged: a round's record is forced before its
 * round counts as closed, and a refusal forces pending frames before it is answered.
 */
public final class Coordinator implements AutoCloseable {

    public static final String JOURNAL_FILE = "server.journal";
    public static final int JOURNAL_MAGIC = 0x5A4F464A;
    public static final int JOURNAL_VERSION = 1;

    static final int EVENT_REGISTER = 1;
    static final int EVENT_OPEN = 2;
    static final int EVENT_UPLOAD = 3;
    static final int EVENT_ABANDON = 4;

    /** Called (under the coordinator's lock) after a round's record is durable, e.g. to checkpoint the model. */
    @FunctionalInterface
    public interface RoundClosedListener {
        void roundClosed(RoundRecord record) throws IOException;
    }

    /** What {@link #fetch} answers. */
    public sealed interface Fetch {
        /** The client is sampled in the open round and has not uploaded: run this plan. */
        record Plan(RoundPlan plan) implements Fetch {
        }

        /** Nothing to do now: {@code reason} says why; ask again after {@code retryAfterMillis}. */
        record Wait(String reason, int openRound, long retryAfterMillis) implements Fetch {
        }

        /** Every round of the run is done; {@code rounds} is the last. */
        record Finished(int rounds) implements Fetch {
        }
    }

    /**
     * An accepted upload: its round, and how many uploads that round holds now (0 if it just closed).
     * {@code journalEnd} is internal (where its journal frame ends; 0 once it is durable).
     */
    public record Accepted(int round, int uploads, boolean roundClosed, @com.fasterxml.jackson.annotation.JsonIgnore long journalEnd) {
    }

    /**
     * A snapshot of the run's state for the status endpoint. {@code estimator} is
     * {@link FederationPlan#describeEstimator()}; {@code clip} and {@code scales} are the plan's knobs
     * beyond the paper, null when at their defaults (no clipping, uniform scales) — which is also how a
     * client reads the status of a server that predates them (the JSON lacks the keys), and how an old
     * client ignores them (unknown keys).
     */
    public record Status(int protocolVersion, int totalRounds, int completedRounds, int openRound, int attempt,
                         int sampled, int uploads, int quorum, long deadlineMillis, boolean finished, int clients,
                         int registered, int perRound, int localSteps, int batchSize, int scalarsPerStep,
                         long runSeed, String estimator, int checkpointRound, long checkpointBytes, Float clip,
                         BlockScales scales) {

        /** A status without the knobs beyond the paper. */
        public Status(int protocolVersion, int totalRounds, int completedRounds, int openRound, int attempt,
                      int sampled, int uploads, int quorum, long deadlineMillis, boolean finished, int clients,
                      int registered, int perRound, int localSteps, int batchSize, int scalarsPerStep,
                      long runSeed, String estimator, int checkpointRound, long checkpointBytes) {
            this(protocolVersion, totalRounds, completedRounds, openRound, attempt, sampled, uploads, quorum,
                    deadlineMillis, finished, clients, registered, perRound, localSteps, batchSize, scalarsPerStep,
                    runSeed, estimator, checkpointRound, checkpointBytes, null, null);
        }
    }

    private final Path directory;
    private final FederationPlan plan;
    private final RoundPolicy policy;
    private final UploadLimits limits;
    private final LongSupplier clock;
    private final Estimator estimator;
    private final RoundLog log;
    private final FramedFile journal;
    private final Server server;
    private final TokenStore tokens;
    private final List<RoundClosedListener> listeners = new ArrayList<>();
    private long deadline;
    private IOException failure;
    private Checkpoints checkpoints;
    /** Bumped whenever a round opens (after a close or an abandon): what long-polling fetches wait for. */
    private long version;

    private Coordinator(Path directory, FederationPlan plan, RoundPolicy policy, UploadLimits limits,
                        LongSupplier clock, Estimator estimator, RoundLog log, FramedFile journal, Server server,
                        TokenStore tokens) {
        this.directory = directory;
        this.plan = plan;
        this.policy = policy;
        this.limits = limits;
        this.clock = clock;
        this.estimator = estimator;
        this.log = log;
        this.journal = journal;
        this.server = server;
        this.tokens = tokens;
    }

    /**
     * Opens (or creates) the coordinator's state in {@code directory} and resumes it: the same
     * completed rounds, the same open round with the same uploads and deadline.
     *
     * @param header     the seed log header (base model, law of z, trainable subset, parameter count)
     * @param clock      milliseconds since the epoch (System::currentTimeMillis; tests inject their own)
     * @throws ProtocolException if the files are corrupt (beyond a torn tail) or were written for another run
     */
    public static Coordinator open(Path directory, SeedLog.Header header, FederationPlan plan, RoundPolicy policy,
                                   UploadLimits limits, Aggregator aggregator, LongSupplier clock) throws IOException {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(clock, "clock");
        if (policy.quorum() > plan.perRound()) {
            throw new IllegalArgumentException("quorum " + policy.quorum() + " exceeds the " + plan.perRound()
                    + " clients sampled per round");
        }
        Files.createDirectories(directory);
        Estimator estimator = plan.createEstimator();
        RoundLog log = RoundLog.reopen(directory, header);
        FramedFile journal = null;
        try {
            if (log.rounds() > plan.rounds()) {
                throw new ProtocolException(directory + ": the round log holds " + log.rounds() + " rounds, the run has "
                        + plan.rounds());
            }
            FramedFile.Recovered[] found = new FramedFile.Recovered[1];
            journal = FramedFile.open(directory.resolve(JOURNAL_FILE), JOURNAL_MAGIC, JOURNAL_VERSION, found);
            Server server = Server.resume(plan.clients(), plan.perRound(), plan.localSteps(), plan.batchSize(),
                    plan.schedule(), plan.runSeed(), estimator, aggregator, log);
            Coordinator c = new Coordinator(directory, plan, policy, limits, clock, estimator, log, journal, server,
                    new TokenStore(new SecureRandom()));
            synchronized (c) {
                c.replay(found[0].frames());
            }
            return c;
        } catch (IOException | RuntimeException e) {
            try (log) {
                if (journal != null) {
                    journal.close();
                }
            }
            throw e;
        }
    }

    /** Rebuilds the in-memory state from the journal (the round log is already loaded). */
    private void replay(List<byte[]> events) throws IOException {
        int next = log.rounds() + 1;
        int openAttempt = -1;
        long openDeadline = 0;
        int abandonedAttempt = -1;
        List<ClientUpload> uploads = new ArrayList<>();
        long offset = FramedFile.HEADER_BYTES;
        for (byte[] e : events) {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(e))) {
                int type = in.readUnsignedByte();
                switch (type) {
                    case EVENT_REGISTER -> {
                        int client = in.readInt();
                        byte[] h = in.readNBytes(TokenStore.HASH_BYTES);
                        tokens.put(client, h);
                    }
                    case EVENT_OPEN -> {
                        int round = in.readInt();
                        int attempt = in.readInt();
                        long d = in.readLong();
                        if (round == next) {
                            openAttempt = attempt;
                            openDeadline = d;
                            uploads.clear();
                        }
                    }
                    case EVENT_UPLOAD -> {
                        ClientUpload u = ProtocolCodec.decodeUpload(Arrays.copyOfRange(e, 1, e.length));
                        if (u.round() == next && openAttempt >= 0) {
                            uploads.add(u);
                        }
                    }
                    case EVENT_ABANDON -> {
                        int round = in.readInt();
                        int attempt = in.readInt();
                        if (round == next && attempt == openAttempt) {
                            abandonedAttempt = attempt;
                            openAttempt = -1;
                            uploads.clear();
                        }
                    }
                    default -> throw new ProtocolException(journal.path().toString(), offset, "unknown event type " + type);
                }
            } catch (java.io.EOFException ex) {
                throw new ProtocolException(journal.path().toString(), offset, "event ends early");
            }
            offset += 8L + e.length;
        }
        if (log.rounds() >= plan.rounds()) {
            return;
        }
        if (openAttempt >= 0) {
            server.startRound(openAttempt);
            deadline = openDeadline;
            for (ClientUpload u : uploads) {
                server.accept(u);
            }
            closeIfComplete();
        } else {
            openRound(abandonedAttempt + 1);
        }
    }

    private void openRound(int attempt) throws IOException {
        Server.OpenRound r = server.startRound(attempt);
        long d = Math.addExact(clock.getAsLong(), policy.roundTimeout().toMillis());
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(b)) {
            out.writeByte(EVENT_OPEN);
            out.writeInt(r.round());
            out.writeInt(attempt);
            out.writeLong(d);
        }
        write(b.toByteArray());
        deadline = d;
        changed();
    }

    private void changed() {
        version++;
        notifyAll();
    }

    /** A counter that moves whenever the rounds' state changes (see {@link #awaitChange}). */
    public synchronized long version() {
        return version;
    }

    /**
     * Waits until the state moves past {@code seen} (a round opens, i.e. the previous one closed or was abandoned) or
     * {@code millis} pass; a long-polling fetch calls this instead of making the client poll.
     */
    public synchronized void awaitChange(long seen, long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (version == seen && failure == null) {
            long left = (end - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return;
            }
            wait(left);
        }
    }

    private void write(byte[] event) throws IOException {
        try {
            journal.append(event);
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    private void requireHealthy() throws IOException {
        if (failure != null) {
            throw new IOException("the coordinator stopped after a storage failure: " + failure.getMessage(), failure);
        }
    }

    /** Adds a listener called after every round closes. */
    public synchronized void addListener(RoundClosedListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Keeps checkpoints of the global model from now on: brings {@code c}'s replica to the log's last
     * round and calls it after every round.
     */
    public synchronized void attach(Checkpoints c) throws IOException {
        if (checkpoints != null) {
            throw new IllegalStateException("checkpoints already attached");
        }
        c.catchUp(log.records());
        listeners.add(c);
        checkpoints = c;
    }

    /** The attached checkpoints, or null. */
    public synchronized Checkpoints checkpoints() {
        return checkpoints;
    }

    // ---- registration and credentials ----

    /**
     * Registers {@code client} and returns its token (shown once; only its hash is kept).
     *
     * @throws Rejected 404 for an id outside the federation, 409 if the id is already registered
     */
    public synchronized String register(int client) throws Rejected, IOException {
        requireHealthy();
        if (client < 0 || client >= plan.clients()) {
            throw new Rejected(404, "client " + client + " is not part of this federation (ids 0.." + (plan.clients() - 1) + ")");
        }
        if (tokens.isRegistered(client)) {
            throw new Rejected(409, "client " + client + " is already registered");
        }
        String token = tokens.newToken();
        byte[] h = TokenStore.hash(token);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(b)) {
            out.writeByte(EVENT_REGISTER);
            out.writeInt(client);
            out.write(h);
        }
        write(b.toByteArray());
        tokens.put(client, h);
        return token;
    }

    /** Whether {@code token} is {@code client}'s (constant-time). */
    public synchronized boolean authenticate(int client, String token) {
        return tokens.verify(client, token);
    }

    // ---- rounds ----

    /**
     * What {@code client}, holding the global model of round {@code have}, should do now.
     *
     * @throws Rejected 400 if {@code have} is negative or ahead of the server
     */
    public synchronized Fetch fetch(int client, int have) throws Rejected, IOException {
        requireHealthy();
        tick();
        int done = log.rounds();
        if (have < 0 || have > done) {
            throw new Rejected(400, "client holds round " + have + ", the server has completed " + done);
        }
        if (done >= plan.rounds()) {
            return new Fetch.Finished(done);
        }
        Server.OpenRound open = server.openRound();
        long retry = Math.max(20, Math.min(200, deadline - clock.getAsLong()));
        if (Arrays.binarySearch(open.clients(), client) < 0) {
            return new Fetch.Wait("client " + client + " is not sampled in round " + open.round() + " (attempt "
                    + server.openAttempt() + ")", open.round(), retry);
        }
        if (server.hasUploaded(client)) {
            return new Fetch.Wait("client " + client + " has uploaded for round " + open.round(), open.round(), retry);
        }
        List<RoundAggregate> missing = aggregates(have);
        return new Fetch.Plan(new RoundPlan(open.round(), open.roundSeed(), plan.localSteps(), plan.batchSize(),
                open.learningRate(), missing));
    }

    /**
     * The aggregates of rounds {@code have + 1 ..} completed: what a client replays to catch up.
     *
     * @throws Rejected 400 if {@code have} is negative or ahead of the server
     */
    public synchronized List<RoundAggregate> since(int have) throws Rejected, IOException {
        requireHealthy();
        if (have < 0 || have > log.rounds()) {
            throw new Rejected(400, "client holds round " + have + ", the server has completed " + log.rounds());
        }
        return aggregates(have);
    }

    private List<RoundAggregate> aggregates(int have) {
        List<RoundRecord> records = log.records();
        List<RoundAggregate> out = new ArrayList<>(records.size() - have);
        for (int r = have; r < records.size(); r++) {
            out.add(records.get(r).aggregate());
        }
        return out;
    }

    /**
     * Validates, journals (forced to disk) and keeps an upload by {@code client}; closes the round if
     * it was the last one awaited. Nothing changes when it is refused.
     *
     * @throws Rejected 400 malformed bytes, 403 an upload for another client or for a round the client
     *     is not sampled in, 409 a second upload (also once its round closed with the first) or a round
     *     not open yet, 410 a round already closed without this client or a finished run, 422 values out of bounds or of the wrong shape
     */
    public Accepted upload(int client, byte[] body) throws Rejected, IOException {
        Accepted a;
        try {
            a = keep(client, body);
        } catch (Rejected r) {
            // A refusal may reflect an upload not yet forced (a retry's "already uploaded"): make it durable first.
            force(journal.size());
            throw r;
        }
        force(a.journalEnd());
        return new Accepted(a.round(), a.uploads(), a.roundClosed(), 0);
    }

    /** Forces the journal outside the lock, so concurrent uploads share one flush (group commit). */
    private void force(long end) throws IOException {
        try {
            journal.forceUpTo(end);
        } catch (IOException e) {
            synchronized (this) {
                failure = e;
            }
            throw e;
        }
    }

    private synchronized Accepted keep(int client, byte[] body) throws Rejected, IOException {
        requireHealthy();
        tick();
        ClientUpload u;
        try {
            u = ProtocolCodec.decodeUpload(body);
        } catch (ProtocolException e) {
            throw new Rejected(400, e.getMessage());
        }
        if (u.clientId() != client) {
            throw new Rejected(403, "client " + client + " cannot upload for client " + u.clientId());
        }
        int done = log.rounds();
        if (u.round() <= done) {
            // The retry of an upload that closed its round (killed before the reply) finds the round closed
            // with the upload in it: that is "already uploaded" (delivered), not "too late" (lost).
            if (Arrays.binarySearch(log.records().get(u.round() - 1).clients(), client) >= 0) {
                throw new Rejected(409, "client " + client + " already uploaded for round " + u.round()
                        + " (closed with its upload)");
            }
            throw new Rejected(410, "round " + u.round() + " is closed (the server has completed " + done + " rounds)");
        }
        if (done >= plan.rounds()) {
            throw new Rejected(410, "the run is finished (" + done + " rounds)");
        }
        Server.OpenRound open = server.openRound();
        if (u.round() != open.round()) {
            throw new Rejected(409, "upload for round " + u.round() + ", the open round is " + open.round());
        }
        if (Arrays.binarySearch(open.clients(), client) < 0) {
            throw new Rejected(403, "client " + client + " is not sampled in round " + open.round() + " (attempt "
                    + server.openAttempt() + ")");
        }
        if (server.hasUploaded(client)) {
            throw new Rejected(409, "client " + client + " already uploaded for round " + open.round());
        }
        StepScalars s = u.scalars();
        if (s.steps() != plan.localSteps() || s.perStep() != estimator.scalarsPerStep()) {
            throw new Rejected(422, "upload of " + s.steps() + " × " + s.perStep() + " scalars, round " + open.round()
                    + " expects " + plan.localSteps() + " × " + estimator.scalarsPerStep());
        }
        try {
            dev.zoft.federation.SubGrid.requireAllowed(estimator, u.coverage());
        } catch (IllegalArgumentException e) {
            throw new Rejected(422, e.getMessage());
        }
        for (int i = 0; i < s.size(); i++) {
            if (Math.abs(s.get(i)) > limits.maxAbsScalar()) {
                throw new Rejected(422, "scalar " + i + " = " + s.get(i) + " exceeds the bound " + limits.maxAbsScalar());
            }
        }
        if (u.sampleCount() > limits.maxSampleCount()) {
            throw new Rejected(422, "sample count " + u.sampleCount() + " exceeds the bound " + limits.maxSampleCount());
        }
        byte[] event = new byte[body.length + 1];
        event[0] = EVENT_UPLOAD;
        System.arraycopy(body, 0, event, 1, body.length);
        long end;
        try {
            end = journal.write(event);
        } catch (IOException e) {
            failure = e;
            throw e;
        }
        try {
            server.accept(u);
        } catch (ProtocolException e) {
            // Every check of Server.accept was made above; reaching here means the two disagree.
            failure = new IOException("journaled an upload the server refused: " + e.getMessage(), e);
            throw failure;
        }
        int n = server.uploadsReceived();
        boolean closed = closeIfComplete();
        return new Accepted(u.round(), closed ? 0 : n, closed, end);
    }

    private boolean closeIfComplete() throws IOException {
        Server.OpenRound open = server.openRound();
        if (open != null && server.uploadsReceived() == open.clients().length) {
            close(open.clients().length);
            return true;
        }
        return false;
    }

    private void close(int quorum) throws IOException {
        RoundRecord record;
        try {
            record = server.finishRound(quorum);
        } catch (IOException e) {
            failure = e;
            throw e;
        }
        for (RoundClosedListener l : listeners) {
            l.roundClosed(record);
        }
        if (log.rounds() < plan.rounds()) {
            openRound(0);
        }
    }

    /**
     * Applies the deadline: a round past it closes with its uploads if they reach the quorum, else it
     * is abandoned and re-opened with a fresh sample. Called by a timer and before every request.
     */
    public synchronized void tick() throws IOException {
        requireHealthy();
        Server.OpenRound open = server.openRound();
        if (open == null || clock.getAsLong() < deadline) {
            return;
        }
        if (server.uploadsReceived() >= policy.quorum()) {
            close(policy.quorum());
            return;
        }
        int attempt = server.openAttempt();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(b)) {
            out.writeByte(EVENT_ABANDON);
            out.writeInt(open.round());
            out.writeInt(attempt);
        }
        write(b.toByteArray());
        server.abandonRound();
        openRound(attempt + 1);
    }

    // ---- state ----

    public synchronized Status status() {
        Server.OpenRound open = server.openRound();
        boolean finished = log.rounds() >= plan.rounds();
        return new Status(ProtocolCodec.VERSION, plan.rounds(), log.rounds(), open == null ? 0 : open.round(),
                open == null ? 0 : server.openAttempt(), open == null ? 0 : open.clients().length,
                open == null ? 0 : server.uploadsReceived(), policy.quorum(), open == null ? 0 : deadline, finished,
                plan.clients(), tokens.size(), plan.perRound(), plan.localSteps(), plan.batchSize(),
                estimator.scalarsPerStep(), plan.runSeed(), plan.describeEstimator(),
                checkpoints == null ? 0 : checkpoints.latestRound(),
                checkpoints == null || checkpoints.latestRound() == 0 ? 0 : checkpoints.checkpointBytes(),
                plan.publishedClip(), plan.publishedScales());
    }

    /** The clients sampled in the open round, ascending (empty when none is open). */
    public synchronized int[] sampled() {
        Server.OpenRound open = server.openRound();
        return open == null ? new int[0] : open.clients();
    }

    public synchronized int completedRounds() {
        return log.rounds();
    }

    public synchronized boolean finished() {
        return log.rounds() >= plan.rounds();
    }

    /** Every round record so far (a copy). */
    public synchronized List<RoundRecord> records() {
        return List.copyOf(log.records());
    }

    /** The seed log of the global model so far. */
    public synchronized SeedLog seedLog() {
        SeedLog copy = new SeedLog(log.seedLog().header());
        copy.appendAll(log.seedLog().updates());
        return copy;
    }

    public FederationPlan plan() {
        return plan;
    }

    public UploadLimits limits() {
        return limits;
    }

    public Path directory() {
        return directory;
    }

    @Override
    public synchronized void close() throws IOException {
        try (log) {
            journal.close();
        }
    }

    @Override
    public String toString() {
        return "Coordinator[" + directory + ", " + plan.rounds() + " rounds]";
    }
}
