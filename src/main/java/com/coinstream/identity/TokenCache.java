package com.coinstream.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.smallrye.jwt.auth.principal.ParseException;

/**
 * Tokens already verified, so a client sending the same bearer token on every request pays for the RS256 check and
 * the parse once. Keyed by the SHA-256 of the token (the cache never holds a token itself), kept only until the
 * token's {@code exp} (and only once its {@code nbf} has passed), and looked at again on every hit: a token past its {@code exp} or before its {@code nbf} is
 * not served from here but verified again (and refused there). Only a token that passed verification is ever stored;
 * a failure is never cached. Bounded: when full, expired entries go first, then all of them.
 */
public final class TokenCache {
    /** The verification this cache saves: SmallRye JWT's parse. */
    public interface Verifier {
        JsonWebToken verify(String token) throws ParseException;
    }

    record Entry(JsonWebToken token, long expiresAtMillis, long notBeforeMillis) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final int maxEntries;
    private final long maxAgeSeconds;
    private final Clock clock;

    public TokenCache(int maxEntries, Clock clock) {
        this(maxEntries, 0, clock);
    }

    /**
     * @param maxAgeSeconds the token age the verifier allows (MP_JWT_VERIFY_TOKEN_AGE), 0 for none: a token is then kept
     *        no longer than its {@code iat} plus that age either, and one without {@code iat} not at all, so a hit never
     *        serves a token the verifier would refuse as too old
     */
    public TokenCache(int maxEntries, long maxAgeSeconds, Clock clock) {
        this.maxEntries = maxEntries;
        this.maxAgeSeconds = maxAgeSeconds;
        this.clock = clock;
    }

    public JsonWebToken get(String token, Verifier verifier) throws ParseException {
        if (maxEntries <= 0 || token == null) {
            return verifier.verify(token);
        }
        String key = key(token);
        long now = clock.millis();
        Entry cached = entries.get(key);
        if (cached != null) {
            if (now < cached.expiresAtMillis() && now >= cached.notBeforeMillis()) {
                return cached.token();
            }
            entries.remove(key, cached);
        }
        JsonWebToken verified = verifier.verify(token);
        long exp = verified.getExpirationTime();
        Object nbf = verified.getClaim("nbf");
        long notBefore = nbf instanceof Number n ? n.longValue() * 1000 : 0;
        // kept only while it is valid by its own times: not past exp, not before nbf (accepted within the verifier's clock
        // skew), and not older than the token age the verifier allows
        long until = exp * 1000;
        if (maxAgeSeconds > 0) {
            Object iat = verified.getClaim("iat");
            until = iat instanceof Number n ? Math.min(until, (n.longValue() + maxAgeSeconds) * 1000) : 0;
        }
        if (exp > 0 && now < until && now >= notBefore) {
            if (entries.size() >= maxEntries) {
                evict(now);
            }
            entries.put(key, new Entry(verified, until, notBefore));
        }
        return verified;
    }

    int size() {
        return entries.size();
    }

    private void evict(long now) {
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext();) {
            if (it.next().expiresAtMillis() <= now) {
                it.remove();
            }
        }
        if (entries.size() >= maxEntries) {
            entries.clear();
        }
    }

    static String key(String token) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
