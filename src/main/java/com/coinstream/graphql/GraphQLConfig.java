package com.coinstream.graphql;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;

/**
 * The GraphQL endpoint and the parser limits the service checks itself before SmallRye (the same values
 * configure SmallRye, see application.properties, so both always agree).
 */
@ConfigMapping(prefix = "coinstream.graphql")
public interface GraphQLConfig {
    /** The endpoint's path. */
    String path();

    /** Most tokens in a document (COINSTREAM_GRAPHQL_MAX_TOKENS). */
    int maxTokens();

    /** Most whitespace tokens in a document (COINSTREAM_GRAPHQL_MAX_WHITESPACE_TOKENS). */
    int maxWhitespaceTokens();

    /** The largest request body (COINSTREAM_MAX_BODY_SIZE, default 256K, at most {@value RequestShape#MAX_BODY_SIZE_LIMIT} bytes). */
    MemorySize maxBodySize();

    /**
     * The most request-body bytes all GraphQL requests being read at once may hold (COINSTREAM_BODY_BUDGET, default 32M,
     * at least the body limit): each request reserves its declared length (a chunked one the whole body limit) until its
     * body has arrived (within {@link RequestShape#BODY_DEADLINE}, else 408), and one that does not fit is refused with
     * 503 (RATE_LIMITED) before it is read.
     */
    MemorySize bodyBudget();

    /**
     * Behind a reverse proxy (COINSTREAM_BEHIND_PROXY): a client's address is the last entry of X-Forwarded-For, the one
     * the nearest proxy added (the first is whatever the client sent).
     */
    boolean behindProxy();

    /**
     * What the instance's WebSocket connections and running subscriptions may hold of the heap at once
     * (COINSTREAM_WEBSOCKET_BUDGET; unset: a third of the JVM's largest heap; at least 640K): see {@link WebSocketMemory}.
     */
    java.util.Optional<MemorySize> websocketBudget();
}
