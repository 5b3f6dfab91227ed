package dev.zoft.federation.net;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-client bearer tokens: 256 random bits from {@link SecureRandom}, handed out once, kept only
 * as their SHA-256 (so a copy of the server's journal does not let anyone upload), and checked
 * with a constant-time comparison of the hashes ({@link MessageDigest#isEqual}). A token of an
 * unknown client is hashed and compared too, so timing does not tell which ids are registered.
 *
 * <p>Not thread-safe; the coordinator serialises access.
 */
public final class TokenStore {

    /** Hash bytes per client. */
    public static final int HASH_BYTES = 32;
    private static final byte[] NOBODY = new byte[HASH_BYTES];

    private final SecureRandom random;
    private final Map<Integer, byte[]> hashes = new HashMap<>();

    public TokenStore(SecureRandom random) {
        this.random = random;
    }

    /** A fresh token: 32 random bytes, base64url without padding (43 characters). */
    public String newToken() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** SHA-256 of a token's UTF-8 bytes. */
    public static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    public boolean isRegistered(int client) {
        return hashes.containsKey(client);
    }

    /** Remembers {@code client}'s token hash. */
    public void put(int client, byte[] tokenHash) {
        if (tokenHash.length != HASH_BYTES) {
            throw new IllegalArgumentException("token hash of " + tokenHash.length + " bytes");
        }
        hashes.put(client, tokenHash.clone());
    }

    /** Whether {@code token} is {@code client}'s, compared in constant time. */
    public boolean verify(int client, String token) {
        byte[] expected = hashes.getOrDefault(client, NOBODY);
        boolean ok = MessageDigest.isEqual(expected, hash(token == null ? "" : token));
        return ok && expected != NOBODY;
    }

    public int size() {
        return hashes.size();
    }
}
