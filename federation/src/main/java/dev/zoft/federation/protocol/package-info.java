/**
 * The seed + scalar protocol's messages ({@link dev.zoft.federation.protocol.RoundPlan} down,
 * {@link dev.zoft.federation.protocol.ClientUpload} up, {@link dev.zoft.federation.protocol.RoundRecord}
 * into the round log) and their versioned binary codec ({@link dev.zoft.federation.protocol.ProtocolCodec}).
 */
package dev.zoft.federation.protocol;
