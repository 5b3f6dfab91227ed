package dev.zoft.federation.method;

import dev.zoft.federation.cost.CostMeter;
import dev.zoft.federation.protocol.ProtocolException;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.zo.params.ScopedViews;
import java.io.IOException;

/**
 * A federated ZO method as a strategy with a server side and a client side that talk only through
 * serialized messages (so the bytes counted are the bytes a network would carry). One round:
 * {@link #startRound}; for each chosen client {@link #plan} (server → client), {@link #runClient}
 * (the client's work, upload bytes back), {@link #accept} (server); then {@link #finishRound}, after
 * which the shared model holds the new global model.
 *
 * <p>Every method is reproducible from seeds: {@link #replay} rebuilds the global model on a model at
 * the base weights from the method's log alone, bit for bit. Not thread-safe.
 */
public interface FederatedMethod<B> extends AutoCloseable {

    /** What the server learned from an upload, for the round's metrics. */
    record Accepted(int client, int sampleCount, double meanTrainLoss) {
    }

    MethodSpec spec();

    /** Opens round {@code round} with its seed, learning rate and chosen clients (ascending). */
    void startRound(int round, long roundSeed, double learningRate, int[] clients);

    /** The serialized plan for {@code client} in the open round (marks the rounds it carries as sent). */
    byte[] plan(int client);

    /**
     * The client's round from its serialized plan: sync, local steps, back to the round's start;
     * counts its passes into {@code meter}; returns the serialized upload.
     */
    byte[] runClient(int client, byte[] plan, CostMeter meter) throws ProtocolException;

    /** Validates and keeps a serialized upload of the open round. */
    Accepted accept(byte[] upload) throws ProtocolException;

    /** Aggregates the round's uploads, logs the round, and moves the shared model to the new global model. */
    void finishRound() throws IOException;

    /** Rounds completed. */
    int completedRounds();

    /**
     * Applies the method's whole log to {@code views}, which must hold the base weights: afterwards they
     * hold the global model, bit for bit.
     *
     * @return the parameter passes the replay ran
     */
    long replay(ScopedViews views, WorkerPool pool);

    @Override
    void close();
}
