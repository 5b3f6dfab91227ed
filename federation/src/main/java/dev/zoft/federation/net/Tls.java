package dev.zoft.federation.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** SSL contexts from key stores (PKCS#12 or JKS, as {@link KeyStore#getInstance(java.io.File, char[])} detects). */
public final class Tls {

    private Tls() {
    }

    /** The server side: the key and certificate chain in {@code keystore}. */
    public static SSLContext server(Path keystore, char[] password) throws IOException {
        try {
            KeyStore ks = load(keystore, password);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException(keystore + ": cannot use it as a TLS key store: " + e.getMessage(), e);
        }
    }

    /** The client side: trust the certificates in {@code truststore} (e.g. the server's self-signed one). */
    public static SSLContext trusting(Path truststore, char[] password) throws IOException {
        try {
            KeyStore ks = load(truststore, password);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException(truststore + ": cannot use it as a TLS trust store: " + e.getMessage(), e);
        }
    }

    private static KeyStore load(Path file, char[] password) throws IOException, GeneralSecurityException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such key store");
        }
        return KeyStore.getInstance(file.toFile(), password);
    }
}
