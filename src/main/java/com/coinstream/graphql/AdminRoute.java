package com.coinstream.graphql;

import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * An HTTP route outside the GraphQL endpoint whose requests are admin operations (the settlement report upload). A
 * request to it whose bearer token fails verification never reaches it, so {@link AuthenticationFailures} asks it to
 * audit the attempt, as the GraphQL endpoint's admin mutations are.
 */
public interface AdminRoute {
    /** The route's path, as the request's normalized path. */
    String path();

    /** Audit {@code rc} as an admin attempt refused with {@code code} before anyone was known; reads nothing of its body. */
    Uni<Void> refusedUnknownCaller(RoutingContext rc, String code);
}
