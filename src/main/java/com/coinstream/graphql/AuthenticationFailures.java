package com.coinstream.graphql;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.coinstream.domain.CodedErrors;

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
    static final String BODY = CodedErrors.encoded("UNAUTHENTICATED",
            "The bearer token is not valid (signature, issuer or expiry), or its account has been erased; send a valid token or none");

    private final AdminAttempts attempts;
    private final RequestShape shape;
    private final jakarta.enterprise.inject.Instance<AdminRoute> routes;
    private final String path;

    public AuthenticationFailures(AdminAttempts attempts, RequestShape shape, jakarta.enterprise.inject.Instance<AdminRoute> routes,
            GraphQLConfig config) {
        this.attempts = attempts;
        this.shape = shape;
        this.routes = routes;
        this.path = config.path();
    }

    void explainRejectedTokens(@Observes Router router) {
        router.route().failureHandler(ctx -> {
            if (ctx.failure() instanceof AuthenticationFailedException && !ctx.response().headWritten()) {
                auditAdminAttempts(ctx).subscribe().with(v -> {
                    if (!ctx.response().ended()) {
                        // a body not read whole (over the limit, or not ours to read) is not waited for once answered
                        ctx.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer")
                                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(BODY).onComplete(sent -> RequestShape.abandonBody(ctx));
                    }
                });
            } else {
                ctx.next();
            }
        });
    }

    /**
     * A request with a token that fails verification is, when it names admin operations, an attempt at them too: audited.
     * At the GraphQL endpoint its body is read for them (whatever way it is sent: a declared length or chunked, JSON or
     * application/graphql), within the body limit and the body budget like any request; the other admin routes audit
     * their own attempt.
     */
    private Uni<Void> auditAdminAttempts(RoutingContext ctx) {
        // (an exact route takes its path with a trailing slash too)
        String requested = ctx.normalizedPath().length() > 1 && ctx.normalizedPath().endsWith("/")
                ? ctx.normalizedPath().substring(0, ctx.normalizedPath().length() - 1) : ctx.normalizedPath();
        if (ctx.request().method() != HttpMethod.POST) {
            return Uni.createFrom().voidItem(); // no admin operation is sent any other way
        }
        for (AdminRoute route : routes) {
            if (route.path().equals(requested)) {
                return Uni.createFrom().deferred(() -> route.refusedUnknownCaller(ctx, "UNAUTHENTICATED")).onFailure().recoverWithNull()
                        .replaceWithVoid();
            }
        }
        if (!path.equals(requested) || !shape.holdBody(ctx)) {
            return Uni.createFrom().voidItem(); // (a body over the budget was answered 503, unread)
        }
        String type = GraphQLOverHttp.mediaType(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE));
        return body(ctx).flatMap(bytes -> {
            if (bytes == null) {
                return Uni.createFrom().voidItem(); // more than the limit (the client is told 401 all the same), or broken off
            }
            if ("application/graphql".equals(type)) {
                return attempts.refusedBefore(bytes.toString(java.nio.charset.StandardCharsets.UTF_8), null, Map.of(), Optional.empty(),
                        Set.of(), "UNAUTHENTICATED");
            }
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

    /**
     * The body, read now (authentication ran before anything read it), at most the body limit: null when it is longer or
     * stops arriving. Counted as it arrives, so a chunked body that never ends holds no more than the limit.
     */
    private Uni<Buffer> body(RoutingContext ctx) {
        if (ctx.body() != null && ctx.body().buffer() != null) {
            return Uni.createFrom().item(ctx.body().buffer());
        }
        if (ctx.request().isEnded()) {
            return Uni.createFrom().nullItem();
        }
        long max = shape.maxBodySize();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        return Uni.createFrom().<Buffer>emitter(emitter -> {
            Buffer read = Buffer.buffer();
            ctx.request().handler(chunk -> {
                if (!done.get() && read.length() + chunk.length() > max) {
                    done.set(true);
                    emitter.complete(null);
                } else if (!done.get()) {
                    read.appendBuffer(chunk);
                } // else: given up on (over the limit, or refused at the deadline): what still arrives is dropped, not kept
            });
            ctx.request().exceptionHandler(e -> emitter.complete(null));
            ctx.request().endHandler(v -> emitter.complete(done.get() ? null : read));
            // the body's deadline (RequestShape.holdBody's timer, on this request's event loop) answers 408 and ends the
            // exchange: given up on then, by the same clock, never by a second one
            ctx.addEndHandler(v -> {
                done.set(true);
                emitter.complete(null);
            });
            ctx.request().resume();
        }).invoke(body -> RequestShape.releaseBody(ctx));
    }
}
