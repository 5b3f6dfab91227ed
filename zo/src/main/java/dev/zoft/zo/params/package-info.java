/**
 * Trainable parameters as one global index space ({@link dev.zoft.zo.params.ParameterView}), the
 * parallel in-place perturbation pass ({@link dev.zoft.zo.params.Perturbation}), exact snapshots
 * ({@link dev.zoft.zo.params.Snapshot}) and the update record ({@link dev.zoft.zo.params.Update}).
 */
package dev.zoft.zo.params;
