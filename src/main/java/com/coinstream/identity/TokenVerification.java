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
            throw new io.quarkus.runtime.configuration.ConfigurationException("No token verification key: set MP_JWT_VERIFY_PUBLICKEY_LOCATION (a PEM or JWK file or URL) "
                    + "or MP_JWT_VERIFY_PUBLICKEY (the key itself). Coinstream will not start without one.");
        }
        if (key.filter(s -> !s.isBlank()).isEmpty()) {
            String where = location.get().strip();
            if (!readable(where)) {
                throw new io.quarkus.runtime.configuration.ConfigurationException("The token verification key at MP_JWT_VERIFY_PUBLICKEY_LOCATION ("
                        + where + ") cannot be read: no such file readable by this process, nor classpath resource. Coinstream will not "
                        + "start, rather than turn every caller away.");
            }
        }
        if (issuer.filter(s -> !s.isBlank()).isEmpty()) {
            throw new io.quarkus.runtime.configuration.ConfigurationException("No token issuer: set MP_JWT_VERIFY_ISSUER. Coinstream will not start without one.");
        }
    }

    /**
     * Whether a key location can be read now, as smallrye-jwt reads it later (lazily, at the first token): a file (plain
     * path or file:), or a classpath resource (classpath:, or a plain path that is no file). A URL (http, https) is read
     * when a token arrives, and may be down now: not checked.
     */
    static boolean readable(String location) {
        String lower = location.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            return true;
        }
        if (lower.startsWith("classpath:")) {
            return resource(location.substring("classpath:".length()));
        }
        String path = lower.startsWith("file:") ? location.substring("file:".length()) : location;
        try {
            java.nio.file.Path file = java.nio.file.Path.of(path);
            if (java.nio.file.Files.isRegularFile(file) && java.nio.file.Files.isReadable(file) && java.nio.file.Files.size(file) > 0) {
                return true;
            }
        } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
            // not a file: perhaps a resource
        }
        return !lower.startsWith("file:") && resource(path);
    }

    private static boolean resource(String path) {
        String name = path.startsWith("/") ? path.substring(1) : path;
        return Thread.currentThread().getContextClassLoader().getResource(name) != null;
    }
}
