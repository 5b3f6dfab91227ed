/**
 * Counter-based random perturbations for zeroth-order training.
 *
 * <p>{@link dev.zoft.tensor.random.PerturbationGenerator} defines the direction z of a ZO step as
 * a pure function of (seed, parameter index), built on the Philox4x32-10 generator
 * ({@link dev.zoft.tensor.random.Philox4x32}), so z is never stored: it is regenerated, bit for
 * bit, by whoever holds the seed, at any vector width and on any split of the index range.
 */
package dev.zoft.tensor.random;
