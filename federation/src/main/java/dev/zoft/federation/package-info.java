/** The seed + scalar federated protocol: server, client and in-process simulator. */
package dev.zoft.federation;
