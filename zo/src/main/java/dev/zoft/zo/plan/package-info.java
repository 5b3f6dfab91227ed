/**
 * Choosing FedSPZO's split point and direction counts from a cost profile and a budget
 * (DESIGN.md §1, issue 6 "beyond the paper"): {@link dev.zoft.zo.plan.LayerProfile} is the exact
 * FLOPs (and optionally the measured seconds) of every stage of the network for one batch shape,
 * {@link dev.zoft.zo.plan.SplitPlanner} picks the split, P1 and P2 that fit a
 * {@link dev.zoft.zo.plan.Budget} per step or per round, and {@link dev.zoft.zo.plan.SplitPlan} is
 * the answer with its cost.
 */
package dev.zoft.zo.plan;
