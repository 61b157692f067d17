package com.coinstream.identity;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.StartupEvent;

/**
 * Refuses to start without a key to verify tokens: the standard MicroProfile JWT settings
 * {@code mp.jwt.verify.publickey.location} (MP_JWT_VERIFY_PUBLICKEY_LOCATION) or the key itself in
 * {@code mp.jwt.verify.publickey} (MP_JWT_VERIFY_PUBLICKEY). Without either, smallrye-jwt would start
 * and then turn every caller away.
 */
@ApplicationScoped
public class TokenVerification {

    void requireAKey(@Observes StartupEvent ignored, IdentityConfig config) {
        Optional<String> location = config.publicKeyLocation();
        Optional<String> key = config.publicKey();
        Optional<String> issuer = config.issuer();
        if (location.filter(s -> !s.isBlank()).isEmpty() && key.filter(s -> !s.isBlank()).isEmpty()) {
            throw new IllegalStateException("No token verification key: set MP_JWT_VERIFY_PUBLICKEY_LOCATION (a PEM or JWK file or URL) "
                    + "or MP_JWT_VERIFY_PUBLICKEY (the key itself). Coinstream will not start without one.");
        }
        if (issuer.filter(s -> !s.isBlank()).isEmpty()) {
            throw new IllegalStateException("No token issuer: set MP_JWT_VERIFY_ISSUER. Coinstream will not start without one.");
        }
    }
}
