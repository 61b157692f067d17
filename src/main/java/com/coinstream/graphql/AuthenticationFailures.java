package com.coinstream.graphql;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.security.AuthenticationFailedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;

/**
 * A request whose bearer token fails verification (bad signature, expired, wrong issuer...) is refused
 * with 401 before GraphQL runs. Quarkus sends that 401 with an empty body; GraphQL clients get the same
 * status with an {@code errors} body whose {@code extensions.code} is UNAUTHENTICATED, like every other
 * authentication failure in the API.
 */
@ApplicationScoped
public class AuthenticationFailures {
    static final String BODY = "{\"errors\":[{\"message\":\"The bearer token is not valid (signature, issuer or expiry); "
            + "send a valid token or none\",\"extensions\":{\"code\":\"UNAUTHENTICATED\"}}]}";

    void explainRejectedTokens(@Observes Router router) {
        router.route().failureHandler(ctx -> {
            if (ctx.failure() instanceof AuthenticationFailedException && !ctx.response().headWritten()) {
                ctx.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer")
                        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(BODY);
            } else {
                ctx.next();
            }
        });
    }
}
