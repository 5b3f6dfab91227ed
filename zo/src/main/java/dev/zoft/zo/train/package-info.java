/**
 * Single-device training as a library: {@link dev.zoft.zo.train.Finetuner} (seeded batches, ZO
 * steps, periodic dev evaluation, {@code RoundMetrics} rows, the seed log on disk),
 * {@link dev.zoft.zo.train.RunManifest} (the JSON that rebuilds a run's classifier) and
 * {@link dev.zoft.zo.train.FinetunedRun} (base weights verified by SHA-256 + seed log replayed =
 * the finetuned model, bit for bit).
 */
package dev.zoft.zo.train;
