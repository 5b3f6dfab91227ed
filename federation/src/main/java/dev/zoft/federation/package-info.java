/**
 * The seed + scalar federated protocol (DESIGN.md §1) and an in-process simulator.
 *
 * <ul>
 *   <li>{@link dev.zoft.federation.Server}: rounds, seeded client choice, upload validation,
 *       aggregation ({@link dev.zoft.federation.Aggregator}, {@link dev.zoft.federation.WeightedMean}),
 *       the durable {@link dev.zoft.federation.RoundLog};</li>
 *   <li>{@link dev.zoft.federation.Client}: sync by replaying missed rounds, S local steps, exact
 *       return to the round's start ({@link dev.zoft.federation.SyncedModel}), scalar upload;</li>
 *   <li>{@link dev.zoft.federation.FederatedSimulation}: N clients sharing one model, configured by
 *       {@link dev.zoft.federation.SimulationConfig}, reporting a {@code RoundMetrics} row per round;</li>
 *   <li>slow clients: {@link dev.zoft.federation.DirectionCaps} (fewer directions per client,
 *       a sub-grid of the round's), {@link dev.zoft.federation.ClientCaps} (which clients),
 *       {@link dev.zoft.federation.SubGrid} (where their scalars sit, which masks a server accepts);
 *       the aggregators average each scalar over the clients that computed it;</li>
 *   <li>{@link dev.zoft.federation.protocol}: the messages and their binary codec.</li>
 *   <li>{@link dev.zoft.federation.aggregate}: robust aggregators and simulated poisoning;
 *       {@link dev.zoft.federation.privacy}: DP on the uploaded scalars and its (ε, δ) accounting.</li>
 * </ul>
 */
package dev.zoft.federation;
