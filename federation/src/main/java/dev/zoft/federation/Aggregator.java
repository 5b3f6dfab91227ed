package dev.zoft.federation;

import dev.zoft.federation.protocol.ClientUpload;
import dev.zoft.federation.protocol.StepScalars;
import java.util.List;

/**
 * Combines the round's uploads into one set of scalars. The uploads arrive validated (same round,
 * same S × K shape) and sorted by client id, so an implementation that sums in list order is
 * deterministic whatever order the uploads came in.
 */
public interface Aggregator {

    /** Each upload's weight in the aggregate, in the uploads' order (recorded in the round log). */
    double[] weights(List<ClientUpload> uploads);

    /** The aggregated scalars (same shape as every upload), rounded to float as they travel. */
    StepScalars aggregate(List<ClientUpload> uploads);
}
