/**
 * The federation over the network: a durable {@link dev.zoft.federation.net.Coordinator} (rounds with
 * sampling, deadline and quorum; every accepted upload journaled and forced to disk before it is
 * acknowledged), an HTTP(S) front end on the JDK's server ({@link dev.zoft.federation.net.FederationHttpServer}),
 * per-client bearer tokens stored as hashes ({@link dev.zoft.federation.net.TokenStore}), and the
 * client library ({@link dev.zoft.federation.net.FederationClient}). The wire format is specified in
 * {@code docs/protocol.md}.
 */
package dev.zoft.federation.net;
