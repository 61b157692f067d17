package com.coinstream.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.smallrye.jwt.auth.principal.ParseException;

/** The verified-token cache: what it keeps, for how long, and what it never keeps. */
@Tag("fast")
class TokenCacheTest {
    static final class MovableClock extends Clock {
        long millis = 1_800_000_000_000L;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    record Jwt(String subject, long exp, Long nbf, Long iat) implements JsonWebToken {
        Jwt(String subject, long exp, Long nbf) {
            this(subject, exp, nbf, null);
        }

        @Override
        public String getName() {
            return subject;
        }

        @Override
        public Set<String> getClaimNames() {
            return Set.of("sub", "exp");
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T getClaim(String claimName) {
            Object value = switch (claimName) {
                case "sub" -> subject;
                case "exp" -> exp;
                case "nbf" -> nbf;
                case "iat" -> iat;
                default -> null;
            };
            return (T) value;
        }

        @Override
        public long getExpirationTime() {
            return exp;
        }
    }

    final MovableClock clock = new MovableClock();
    final AtomicInteger verifications = new AtomicInteger();

    TokenCache.Verifier valid(long exp, Long nbf) {
        return token -> {
            verifications.incrementAndGet();
            return new Jwt(token, exp, nbf);
        };
    }

    long inSeconds(long s) {
        return clock.millis() / 1000 + s;
    }

    /** With a token age configured, a token is served from the cache no longer than the verifier would accept it. */
    @Test
    void aTokenIsServedNoLongerThanTheConfiguredTokenAgeAllows() throws Exception {
        TokenCache cache = new TokenCache(100, 30, clock);
        long issued = clock.millis() / 1000;
        TokenCache.Verifier verifier = token -> {
            verifications.incrementAndGet();
            return new Jwt(token, issued + 3600, null, issued);
        };
        cache.get("aged", verifier);
        clock.millis += 29_000;
        cache.get("aged", verifier);
        assertEquals(1, verifications.get(), "young: served from the cache");
        clock.millis += 2_000;
        cache.get("aged", verifier);
        assertEquals(2, verifications.get(), "past its age: verified again (where SmallRye refuses it)");
        cache.get("no-iat", token -> {
            verifications.incrementAndGet();
            return new Jwt(token, issued + 3600, null, null);
        });
        cache.get("no-iat", token -> {
            verifications.incrementAndGet();
            return new Jwt(token, issued + 3600, null, null);
        });
        assertEquals(4, verifications.get(), "no iat with an age configured: never cached");
    }

    @Test
    void aValidTokenIsVerifiedOnceThenServedUntilItsExp() throws Exception {
        TokenCache cache = new TokenCache(100, clock);
        TokenCache.Verifier verifier = valid(inSeconds(60), null);
        JsonWebToken first = cache.get("t1", verifier);
        assertSame(first, cache.get("t1", verifier));
        assertEquals(1, verifications.get());
        clock.millis += 59_000;
        cache.get("t1", verifier);
        assertEquals(1, verifications.get());
    }

    @Test
    void aTokenThatExpiresWhileCachedIsVerifiedAgainAndRefusedThere() throws Exception {
        TokenCache cache = new TokenCache(100, clock);
        cache.get("t2", valid(inSeconds(2), null));
        clock.millis += 2_000;
        TokenCache.Verifier refusing = token -> {
            verifications.incrementAndGet();
            throw new ParseException("The token has expired");
        };
        assertThrows(ParseException.class, () -> cache.get("t2", refusing));
        assertEquals(2, verifications.get(), "not served from the cache past its exp");
        assertEquals(0, cache.size());
    }

    @Test
    void aTokenBeforeItsNbfIsNotServedFromTheCache() throws Exception {
        TokenCache cache = new TokenCache(100, clock);
        long nbf = inSeconds(30);
        cache.get("t3", valid(inSeconds(600), nbf));
        cache.get("t3", valid(inSeconds(600), nbf));
        assertEquals(2, verifications.get(), "before nbf every use is verified");
        clock.millis += 31_000;
        cache.get("t3", valid(inSeconds(600), nbf));
        cache.get("t3", valid(inSeconds(600), nbf));
        assertEquals(3, verifications.get());
    }

    @Test
    void aTokenThatFailsVerificationIsNeverCached() {
        TokenCache cache = new TokenCache(100, clock);
        TokenCache.Verifier refusing = token -> {
            verifications.incrementAndGet();
            throw new ParseException("bad signature");
        };
        for (int i = 0; i < 3; i++) {
            assertThrows(ParseException.class, () -> cache.get("forged", refusing));
        }
        assertEquals(3, verifications.get());
        assertEquals(0, cache.size());
    }

    @Test
    void tokensWithoutExpOrAlreadyExpiredAreNotKept() throws Exception {
        TokenCache cache = new TokenCache(100, clock);
        cache.get("noexp", valid(0, null));
        cache.get("past", valid(inSeconds(-5), null));
        assertEquals(0, cache.size());
    }

    @Test
    void theCacheIsBoundedAndDropsExpiredEntriesFirst() throws Exception {
        TokenCache cache = new TokenCache(10, clock);
        for (int i = 0; i < 5; i++) {
            cache.get("short" + i, valid(inSeconds(1), null));
        }
        for (int i = 0; i < 5; i++) {
            cache.get("long" + i, valid(inSeconds(600), null));
        }
        clock.millis += 2_000;
        cache.get("one-more", valid(inSeconds(600), null));
        assertEquals(6, cache.size(), "the expired ones made room");
        for (int i = 0; i < 20; i++) {
            cache.get("flood" + i, valid(inSeconds(600), null));
            assertTrue(cache.size() <= 10);
        }
    }

    @Test
    void twoHundredThreadsShareOneEntryAndAllSeeTheVerifiedToken() throws Exception {
        TokenCache cache = new TokenCache(1000, clock);
        TokenCache.Verifier verifier = valid(inSeconds(600), null);
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            List<Future<JsonWebToken>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                results.add(pool.submit(() -> cache.get("shared", verifier)));
            }
            for (Future<JsonWebToken> r : results) {
                assertEquals("shared", r.get().getName());
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(1, cache.size());
        assertTrue(verifications.get() >= 1 && verifications.get() <= 32, "at most one verification per racing thread: " + verifications.get());
    }

    @Test
    void keysAreDigestsNotTokens() {
        assertEquals(44, TokenCache.key("eyJhbGciOi.payload.signature").length());
        assertTrue(!TokenCache.key("abc").contains("abc"));
    }
}
