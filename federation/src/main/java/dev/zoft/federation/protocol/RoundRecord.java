package dev.zoft.federation.protocol;

import dev.zoft.zo.params.Update;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The server's durable record of one round, appended to the round log: who took part with which
 * weight, the aggregated scalars, and the weight updates they produce. The round log is the global
 * model's history: the base model plus every record's {@link #updates} in order is the model.
 *
 * @param aggregate the round in its compact form (what clients download)
 * @param clients   the participating client ids, ascending
 * @param weights   each client's aggregation weight (same order), finite and positive
 * @param updates   {@code aggregate.updates(estimator)}: the passes applied to the global model
 */
public record RoundRecord(RoundAggregate aggregate, int[] clients, double[] weights, List<Update> updates) {

    public RoundRecord {
        Objects.requireNonNull(aggregate, "aggregate");
        clients = clients.clone();
        weights = weights.clone();
        updates = List.copyOf(updates);
        if (clients.length == 0 || clients.length != weights.length) {
            throw new IllegalArgumentException(clients.length + " clients and " + weights.length + " weights");
        }
        for (int i = 0; i < clients.length; i++) {
            if (clients[i] < 0 || (i > 0 && clients[i] <= clients[i - 1])) {
                throw new IllegalArgumentException("client ids must be non-negative and ascending: " + Arrays.toString(clients));
            }
            if (!(weights[i] > 0) || !Double.isFinite(weights[i])) {
                throw new IllegalArgumentException("weight of client " + clients[i] + " must be positive and finite, got " + weights[i]);
            }
        }
    }

    public int round() {
        return aggregate.round();
    }

    @Override
    public int[] clients() {
        return clients.clone();
    }

    @Override
    public double[] weights() {
        return weights.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RoundRecord r && aggregate.equals(r.aggregate) && Arrays.equals(clients, r.clients)
                && Arrays.equals(weights, r.weights) && updates.equals(r.updates);
    }

    @Override
    public int hashCode() {
        return Objects.hash(aggregate, Arrays.hashCode(clients), Arrays.hashCode(weights), updates);
    }

    @Override
    public String toString() {
        return "RoundRecord[round " + round() + ", clients " + Arrays.toString(clients) + ", " + updates.size() + " updates]";
    }
}
