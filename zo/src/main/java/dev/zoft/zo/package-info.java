/** Zeroth-order finetuning: perturbation, estimators (MeZO, FedSPZO), ZO-SGD, tasks and seed logs. */
package dev.zoft.zo;
