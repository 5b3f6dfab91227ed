package dev.zoft.federation;

import dev.zoft.federation.protocol.ClientUpload;
import dev.zoft.federation.protocol.ProtocolException;
import dev.zoft.federation.protocol.RoundAggregate;
import dev.zoft.federation.protocol.RoundPlan;
import dev.zoft.federation.protocol.RoundRecord;
import dev.zoft.federation.protocol.StepScalars;
import dev.zoft.zo.estimate.Estimator;
import dev.zoft.zo.estimate.LearningRate;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * The federation's coordinator. It owns the rounds: round r picks {@code perRound} of the
 * {@code clients} clients (uniformly without replacement, seeded by
 * {@link FederationSeeds#selection}), derives the round seed ({@link FederationSeeds#round}), sends
 * each chosen client a {@link RoundPlan} carrying the rounds it has not seen, validates the uploads,
 * aggregates each scalar across the clients ({@link Aggregator}, in client-id order), turns the
 * aggregate into updates with {@code estimator.updates(Seeds.step(roundSeed, s), aggregate_s, η)}
 * and appends the round to the {@link RoundLog}. It never touches model weights: the log is the
 * global model.
 *
 * <p>Not thread-safe: one round at a time, calls serialised by the caller.
 */
public final class Server {

    /** A round in progress: its number, seed, learning rate and chosen clients (ascending). */
    public record OpenRound(int round, long roundSeed, double learningRate, int[] clients) {
        public OpenRound {
            clients = clients.clone();
        }

        @Override
        public int[] clients() {
            return clients.clone();
        }
    }

    private final int clients;
    private final int perRound;
    private final int localSteps;
    private final int batchSize;
    private final LearningRate schedule;
    private final long runSeed;
    private final Estimator estimator;
    /** The estimator of each round (a direction-count schedule may change it); round 1's is {@link #estimator}. */
    private final IntFunction<Estimator> estimators;
    private final Aggregator aggregator;
    private final RoundLog log;
    /** For every client, the last round whose aggregate it has been sent (0 = none). */
    private final int[] sentThrough;

    private OpenRound open;
    private int openAttempt;
    private final TreeMap<Integer, ClientUpload> uploads = new TreeMap<>();

    /**
     * @param clients    N, the clients of the federation (ids 0..N−1)
     * @param perRound   C ≤ N clients per round
     * @param localSteps S local steps per round
     * @param batchSize  examples per local step
     * @param schedule   η of round r is {@code schedule.at(r − 1)}
     * @param runSeed    the seed every round's randomness derives from
     * @param estimator  the estimator the clients run (its scalars per step and updates)
     * @param aggregator how uploads combine
     * @param log        where rounds go (empty)
     */
    public Server(int clients, int perRound, int localSteps, int batchSize, LearningRate schedule, long runSeed,
                  Estimator estimator, Aggregator aggregator, RoundLog log) {
        this(clients, perRound, localSteps, batchSize, schedule, runSeed, constant(estimator), aggregator, log);
    }

    /**
     * A server whose estimator may change with the round (a direction-count schedule): round r's
     * uploads are checked against, and its aggregate turned into updates by,
     * {@code estimators.apply(r)}, which must be a function of r alone (every client derives the same).
     */
    public Server(int clients, int perRound, int localSteps, int batchSize, LearningRate schedule, long runSeed,
                  IntFunction<Estimator> estimators, Aggregator aggregator, RoundLog log) {
        if (clients < 1 || perRound < 1 || perRound > clients) {
            throw new IllegalArgumentException("need 1 ≤ clients per round ≤ clients, got " + perRound + " of " + clients);
        }
        if (localSteps < 1 || batchSize < 1) {
            throw new IllegalArgumentException("need S ≥ 1 and batch ≥ 1, got S = " + localSteps + ", batch " + batchSize);
        }
        this.clients = clients;
        this.perRound = perRound;
        this.localSteps = localSteps;
        this.batchSize = batchSize;
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.runSeed = runSeed;
        this.estimators = Objects.requireNonNull(estimators, "estimators");
        this.estimator = Objects.requireNonNull(estimators.apply(1), "estimator of round 1");
        this.aggregator = Objects.requireNonNull(aggregator, "aggregator");
        this.log = Objects.requireNonNull(log, "log");
        if (log.rounds() != 0) {
            throw new IllegalArgumentException("the server starts from an empty round log, got " + log.rounds() + " rounds");
        }
        this.sentThrough = new int[clients];
    }

    /**
     * A server continuing the rounds of a log that already holds some (a networked server after a
     * restart): the next round is {@code log.rounds() + 1}. Every client counts as having been sent
     * nothing, so {@link #plan} carries every round; a networked caller builds its own plans from
     * the round the client says it holds.
     */
    public static Server resume(int clients, int perRound, int localSteps, int batchSize, LearningRate schedule,
                                long runSeed, Estimator estimator, Aggregator aggregator, RoundLog log) {
        Objects.requireNonNull(log, "log");
        Server s = new Server(clients, perRound, localSteps, batchSize, schedule, runSeed, estimator, aggregator,
                RoundLog.inMemory(log.seedLog().header()));
        return new Server(s, log);
    }

    private Server(Server shape, RoundLog log) {
        this.clients = shape.clients;
        this.perRound = shape.perRound;
        this.localSteps = shape.localSteps;
        this.batchSize = shape.batchSize;
        this.schedule = shape.schedule;
        this.runSeed = shape.runSeed;
        this.estimator = shape.estimator;
        this.estimators = shape.estimators;
        this.aggregator = shape.aggregator;
        this.log = log;
        this.sentThrough = new int[clients];
    }

    public int clients() {
        return clients;
    }

    public int perRound() {
        return perRound;
    }

    public int localSteps() {
        return localSteps;
    }

    public int batchSize() {
        return batchSize;
    }

    /** The attempt number of the open round (0 unless it was re-opened after missing its quorum). */
    public int openAttempt() {
        return openAttempt;
    }

    /** Rounds completed so far. */
    public int completedRounds() {
        return log.rounds();
    }

    public RoundLog log() {
        return log;
    }

    /** The estimator of round 1 (of every round unless a schedule changes it: see {@link #estimator(int)}). */
    public Estimator estimator() {
        return estimator;
    }

    /** The estimator of round {@code round}. */
    public Estimator estimator(int round) {
        return estimators.apply(round);
    }

    private static IntFunction<Estimator> constant(Estimator e) {
        Objects.requireNonNull(e, "estimator");
        return r -> e;
    }

    /** The round in progress, or null. */
    public OpenRound openRound() {
        return open;
    }

    /** Opens the next round: picks its clients and derives its seed. */
    public OpenRound startRound() {
        return startRound(0);
    }

    /**
     * Opens attempt {@code attempt} of the next round. Attempt 0 is {@link #startRound()}; a later
     * attempt (the round re-opened after {@link #abandonRound}) keeps the round's seed and learning
     * rate and picks its clients with {@link FederationSeeds#reselection}.
     */
    public OpenRound startRound(int attempt) {
        if (open != null) {
            throw new IllegalStateException("round " + open.round() + " is still open");
        }
        if (attempt < 0) {
            throw new IllegalArgumentException("negative attempt " + attempt);
        }
        int round = log.rounds() + 1;
        open = new OpenRound(round, FederationSeeds.round(runSeed, round), schedule.at(round - 1),
                select(clients, perRound, FederationSeeds.reselection(runSeed, round, attempt)));
        openAttempt = attempt;
        uploads.clear();
        return open;
    }

    /** Drops the open round and its uploads without logging anything (it missed its quorum). */
    public void abandonRound() {
        requireOpen();
        open = null;
        uploads.clear();
    }

    /** {@code k} distinct ids of {@code 0..n−1}, ascending: a partial Fisher–Yates shuffle. */
    public static int[] select(int n, int k, long seed) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(n - i);
            int t = ids[i];
            ids[i] = ids[j];
            ids[j] = t;
        }
        int[] chosen = Arrays.copyOf(ids, k);
        Arrays.sort(chosen);
        return chosen;
    }

    /**
     * The plan for {@code client} in the open round, with every round it has not been sent yet;
     * afterwards the server counts those rounds as sent.
     */
    public RoundPlan plan(int client) {
        requireOpen();
        if (Arrays.binarySearch(open.clients, client) < 0) {
            throw new IllegalArgumentException("client " + client + " is not part of round " + open.round());
        }
        RoundPlan p = new RoundPlan(open.round(), open.roundSeed(), localSteps, batchSize, open.learningRate(),
                missingFor(client));
        sentThrough[client] = open.round() - 1;
        return p;
    }

    /**
     * The completed rounds {@code client} has not been sent, in order (for a sync outside a round,
     * e.g. at the end of a run); marks them as sent.
     */
    public List<RoundAggregate> catchUp(int client) {
        List<RoundAggregate> m = missingFor(client);
        sentThrough[client] = log.rounds();
        return m;
    }

    private List<RoundAggregate> missingFor(int client) {
        Objects.checkIndex(client, clients);
        List<RoundRecord> records = log.records();
        List<RoundAggregate> out = new ArrayList<>(records.size() - sentThrough[client]);
        for (int r = sentThrough[client]; r < records.size(); r++) {
            out.add(records.get(r).aggregate());
        }
        return out;
    }

    /**
     * Validates and keeps an upload of the open round.
     *
     * @throws ProtocolException for an upload of another round, from a client not chosen for it, a
     *     second upload from a client, scalars of the wrong shape, or a coverage mask that is not a
     *     sub-grid of the round's estimator ({@link SubGrid#requireAllowed}) (nothing is kept then)
     */
    public void accept(ClientUpload upload) throws ProtocolException {
        if (open == null) {
            throw new ProtocolException("upload from client " + upload.clientId() + " for round " + upload.round()
                    + " while no round is open");
        }
        if (upload.round() != open.round()) {
            throw new ProtocolException("upload from client " + upload.clientId() + " for round " + upload.round()
                    + ", the open round is " + open.round());
        }
        if (Arrays.binarySearch(open.clients, upload.clientId()) < 0) {
            throw new ProtocolException("client " + upload.clientId() + " was not chosen for round " + open.round());
        }
        if (uploads.containsKey(upload.clientId())) {
            throw new ProtocolException("client " + upload.clientId() + " already uploaded for round " + open.round());
        }
        StepScalars s = upload.scalars();
        Estimator roundEstimator = estimators.apply(open.round());
        int perStep = roundEstimator.scalarsPerStep();
        if (s.steps() != localSteps || s.perStep() != perStep) {
            throw new ProtocolException("client " + upload.clientId() + " uploaded " + s.steps() + " × " + s.perStep()
                    + " scalars, round " + open.round() + " expects " + localSteps + " × " + perStep);
        }
        try {
            SubGrid.requireAllowed(roundEstimator, upload.coverage());
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("client " + upload.clientId() + "'s upload for round " + open.round() + ": "
                    + e.getMessage());
        }
        uploads.put(upload.clientId(), upload);
    }

    /** Whether {@code client} has an upload kept for the open round. */
    public boolean hasUploaded(int client) {
        return open != null && uploads.containsKey(client);
    }

    /** Uploads received for the open round, by client id. */
    public int uploadsReceived() {
        return uploads.size();
    }

    /**
     * Closes the open round once every chosen client has uploaded: aggregates, derives the updates,
     * appends the round to the log, and returns its record.
     */
    public RoundRecord finishRound() throws IOException {
        requireOpen();
        if (uploads.size() != open.clients.length) {
            throw new IllegalStateException("round " + open.round() + " has " + uploads.size() + " of "
                    + open.clients.length + " uploads");
        }
        return finishRound(open.clients.length);
    }

    /**
     * Closes the open round with the uploads received so far, provided there are at least
     * {@code quorum} of them (the clients that did not upload are left out of the record; a
     * networked server calls this at the round's deadline).
     *
     * @throws IllegalStateException if fewer than {@code quorum} (or no) uploads arrived
     */
    public RoundRecord finishRound(int quorum) throws IOException {
        requireOpen();
        if (uploads.isEmpty() || uploads.size() < quorum) {
            throw new IllegalStateException("round " + open.round() + " has " + uploads.size() + " uploads, quorum "
                    + quorum);
        }
        List<ClientUpload> ordered = new ArrayList<>(uploads.values());
        int[] uploaders = uploads.keySet().stream().mapToInt(Integer::intValue).toArray();
        StepScalars aggregated = aggregator.aggregate(ordered);
        RoundAggregate aggregate = new RoundAggregate(open.round(), open.roundSeed(), open.learningRate(), aggregated);
        RoundRecord record = new RoundRecord(aggregate, uploaders, aggregator.weights(ordered),
                aggregate.updates(estimators.apply(open.round())));
        log.append(record);
        open = null;
        uploads.clear();
        return record;
    }

    /** The uploads of the open round in client-id order (for metrics). */
    public List<ClientUpload> pendingUploads() {
        return List.copyOf(uploads.values());
    }

    private void requireOpen() {
        if (open == null) {
            throw new IllegalStateException("no round is open");
        }
    }
}
