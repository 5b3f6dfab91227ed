/**
 * Robust aggregation of the clients' scalars, and simulated poisoning to measure it.
 *
 * <ul>
 *   <li>{@link dev.zoft.federation.aggregate.CoordinateMedian} and
 *       {@link dev.zoft.federation.aggregate.TrimmedMean}: coordinate-wise, unweighted (one vote
 *       per upload, since sample counts are the clients' own claims), independent of the uploads'
 *       order bit for bit, and of bounded influence: fewer than half of the uploads (median), or
 *       ⌊β·n⌋ of them (trimmed mean), cannot move a scalar outside the other uploads' range.</li>
 *   <li>{@link dev.zoft.federation.aggregate.AggregatorSpec}: {@code mean}, {@code median},
 *       {@code trimmed:β}, as configured and typed on the command line.</li>
 *   <li>{@link dev.zoft.federation.aggregate.Poisoning}: attacker behaviours for the in-process
 *       simulator only (flip, constant, random).</li>
 * </ul>
 * The round log stores the aggregated scalars, so replay reproduces the global model exactly
 * whichever aggregator produced them; the recorded weights are the votes (1/n).
 */
package dev.zoft.federation.aggregate;
