/**
 * Zeroth-order estimators over a {@link dev.zoft.zo.SplitObjective}: MeZO / n-SPSA
 * ({@link dev.zoft.zo.estimate.MeZo}) and FedSPZO's split perturbation
 * ({@link dev.zoft.zo.estimate.FedSpzo}, nested or decoupled), seed derivation
 * ({@link dev.zoft.zo.estimate.Seeds}) and the ZO-SGD loop ({@link dev.zoft.zo.estimate.ZoSgd}).
 */
package dev.zoft.zo.estimate;
