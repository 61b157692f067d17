package com.coinstream.graphql;

import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.security.AuthenticationFailedException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * A request whose bearer token fails verification (bad signature, expired, wrong issuer...) is refused
 * with 401 before GraphQL runs. Quarkus sends that 401 with an empty body; GraphQL clients get the same
 * status with an {@code errors} body whose {@code extensions.code} is UNAUTHENTICATED, like every other
 * authentication failure in the API.
 */
@ApplicationScoped
public class AuthenticationFailures {
    static final String BODY = "{\"errors\":[{\"message\":\"The bearer token is not valid (signature, issuer or expiry), or its account "
            + "has been erased; send a valid token or none\",\"extensions\":{\"code\":\"UNAUTHENTICATED\"}}]}";

    private final AdminAttempts attempts;
    private final String path;

    private final long maxBodySize;

    public AuthenticationFailures(AdminAttempts attempts, GraphQLConfig config) {
        this.attempts = attempts;
        this.path = config.path();
        this.maxBodySize = config.maxBodySize().asLongValue();
    }

    void explainRejectedTokens(@Observes Router router) {
        router.route().failureHandler(ctx -> {
            if (ctx.failure() instanceof AuthenticationFailedException && !ctx.response().headWritten()) {
                auditAdminAttempts(ctx).subscribe().with(v -> ctx.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer")
                        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(BODY));
            } else {
                ctx.next();
            }
        });
    }

    /** An admin mutation sent with a token that fails verification is an attempt at an admin operation too: audited. */
    private Uni<Void> auditAdminAttempts(RoutingContext ctx) {
        String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (!path.equals(ctx.normalizedPath()) || ctx.request().method() != HttpMethod.POST || length == null || !length.matches("\\d{1,9}")
                || Long.parseLong(length) > maxBodySize) {
            return Uni.createFrom().voidItem();
        }
        // authentication ran before the body was read: read it now (bounded by its declared length, itself within the limit)
        Uni<Buffer> body = ctx.body() != null && ctx.body().buffer() != null ? Uni.createFrom().item(ctx.body().buffer())
                : Uni.createFrom().completionStage(() -> ctx.request().body().toCompletionStage());
        return body.flatMap(bytes -> {
            JsonObject request = new JsonObject(bytes);
            if (!(request.getValue("query") instanceof String query)) {
                return Uni.createFrom().voidItem();
            }
            JsonObject variables = request.getValue("variables") instanceof JsonObject v ? v : new JsonObject();
            Object operation = request.getValue("operationName");
            return attempts.refusedBefore(query, operation instanceof String name ? name : null, variables.getMap(), Optional.empty(), Set.of(),
                    "UNAUTHENTICATED");
        }).onFailure().recoverWithNull().replaceWithVoid(); // not JSON: nothing it names is known
    }
}
