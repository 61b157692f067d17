package com.coinstream.identity;

import java.util.Optional;

import jakarta.enterprise.context.RequestScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.UnauthorizedException;
import io.smallrye.mutiny.Uni;

/** The caller of the current request, from the verified token, with their user row ensured. */
@RequestScoped
public class CurrentCaller {
    private final JsonWebToken token;
    private final UserDirectory users;
    private final String defaultRegion;
    private Caller caller;

    public CurrentCaller(JsonWebToken token, UserDirectory users, CallerDefaults defaults) {
        this.token = token;
        this.users = users;
        this.defaultRegion = defaults.region();
    }

    /** The caller, registered on first use. Fails with UNAUTHENTICATED when there is no valid token. */
    public Uni<Caller> get() {
        Caller current;
        try {
            current = peek();
        } catch (RuntimeException e) {
            return Uni.createFrom().failure(e);
        }
        // (as the service counts them: an older token's request goes on with the newest token's claims)
        return users.register(current).invoke(counted -> this.caller = counted);
    }

    /** The caller, or empty for an anonymous request. */
    public Optional<Caller> optional() {
        if (token == null || token.getRawToken() == null || token.getSubject() == null || token.getSubject().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(peek());
    }

    /** The caller without touching the database (as the token says, until {@link #get} has read their row). */
    public Caller peek() {
        if (caller == null) {
            if (token == null || token.getRawToken() == null || token.getSubject() == null
                    || token.getSubject().isBlank()) {
                throw new UnauthorizedException("Authentication required: send a valid bearer token");
            }
            caller = Caller.from(token, defaultRegion);
        }
        return caller;
    }
}
