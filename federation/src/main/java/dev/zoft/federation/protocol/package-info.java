/**
 * The seed + scalar protocol's messages ({@link dev.zoft.federation.protocol.RoundPlan} down,
 * {@link dev.zoft.federation.protocol.ClientUpload} up, {@link dev.zoft.federation.protocol.RoundRecord}
 * into the round log) and their versioned binary codec ({@link dev.zoft.federation.protocol.ProtocolCodec}).
 * A capped client's upload carries a {@link dev.zoft.federation.protocol.CoverageMask} (a partial
 * upload, message type 5); a full upload is the type-2 message it always was.
 */
package dev.zoft.federation.protocol;
