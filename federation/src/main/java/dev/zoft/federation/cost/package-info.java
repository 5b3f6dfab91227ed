/**
 * Exact cost accounting of federated ZO methods, one schema for all ({@link dev.zoft.federation.cost.CostRecord}):
 * forward FLOPs per block counted through {@link dev.zoft.federation.cost.CountingObjective}, generator
 * draws and parameter passes ({@link dev.zoft.federation.cost.CostMeter}, {@link dev.zoft.federation.cost.StepCosts}),
 * serialized bytes, measured peak memory ({@link dev.zoft.federation.cost.MemoryProbe}) and wall time,
 * written per client and per round by {@link dev.zoft.federation.cost.CostCsv}.
 */
package dev.zoft.federation.cost;
