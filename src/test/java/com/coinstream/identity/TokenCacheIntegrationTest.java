package com.coinstream.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Set;

import org.junit.jupiter.api.Test;

import com.coinstream.support.Gql;
import com.coinstream.support.Tokens;

import io.quarkus.test.junit.QuarkusTest;

/** The cache in front of SmallRye JWT, in the running service: a cached token stops working at its exp; a bad one never works. */
@QuarkusTest
class TokenCacheIntegrationTest {
    /** SmallRye JWT's own leeway past exp (its default clock skew): the cache must not stretch it. */
    static final long LEEWAY_SECONDS = 60;

    @jakarta.inject.Inject
    TokenCaches caches;
    @Test
    void aCachedTokenIsRefusedOnceItExpires() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        String token = Tokens.builder(Tokens.unique("shortlived"), Set.of("viewer"), Tokens.ADULT, "US").issuedAt(now).expiresAt(now + 3)
                .sign(Tokens.key());
        for (int i = 0; i < 3; i++) {
            assertNull(Gql.errorCode(Gql.post(token, "{ me { id } }", null)), "valid, then served from the cache");
        }
        org.junit.jupiter.api.Assertions.assertTrue(caches.cache().size() > 0, "SmallRye JWT's parser goes through the cache");
        // after exp and SmallRye's leeway, the token is refused, though it was cached
        Thread.sleep(Math.max(0, (now + 3 + LEEWAY_SECONDS + 2) * 1000 - System.currentTimeMillis()));
        var r = Gql.post(token, "{ me { id } }", null);
        assertEquals(401, r.statusCode(), r.asString());
        assertEquals("UNAUTHENTICATED", Gql.errorCode(r));
    }

    @Test
    void aTokenThatFailsVerificationIsRefusedEveryTime() throws Exception {
        var other = java.security.KeyPairGenerator.getInstance("RSA");
        other.initialize(2048);
        String forged = Tokens.builder("mallory", Set.of("admin"), Tokens.ADULT, "US").sign(other.generateKeyPair().getPrivate());
        for (int i = 0; i < 3; i++) {
            assertEquals(401, Gql.post(forged, "{ me { id } }", null).statusCode());
        }
        // and a good token with the same subject still works: nothing about the forged one was kept
        assertNull(Gql.errorCode(Gql.post(Tokens.admin("mallory"), "{ me { id } }", null)));
    }
}
