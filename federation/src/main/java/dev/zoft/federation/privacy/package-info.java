/**
 * Differential privacy on the uploaded scalars and its accounting.
 *
 * <ul>
 *   <li>{@link dev.zoft.federation.privacy.LocalGaussianPrivacy} (the default): each device clips
 *       its round's scalars to L2 norm C and adds N(0, σ²C²) noise from a seed it keeps secret;
 *       nothing to trust, composes with every aggregator.</li>
 *   <li>{@link dev.zoft.federation.privacy.CentralGaussianMean}: the server clips, sums and adds
 *       the noise once, from its own secret seed: √n times less noise in the aggregate, for a
 *       server that is trusted with the raw uploads; the mean only.</li>
 *   <li>{@link dev.zoft.federation.privacy.RdpAccountant} and
 *       {@link dev.zoft.federation.privacy.PrivacyReport}: Rényi DP of the Gaussian mechanism,
 *       composed over the rounds each client took part in (no subsampling amplification: who took
 *       part is known to the server and written in the log), converted to (ε, δ).</li>
 *   <li>{@link dev.zoft.federation.privacy.GaussianNoise}: deterministic double-precision normal
 *       noise from a seed.</li>
 * </ul>
 */
package dev.zoft.federation.privacy;
