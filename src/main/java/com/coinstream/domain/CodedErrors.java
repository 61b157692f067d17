package com.coinstream.domain;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The one shape of a refusal answered outside GraphQL's own execution (README "Errors"): an HTTP route, a body handler, a
 * rejected token, a WebSocket message. {@code {"errors":[{"message":..., "extensions":{"code":...}}]}}, as the GraphQL
 * endpoint answers every error, so a client reads every refusal the same way whatever refused it.
 */
public final class CodedErrors {
    private CodedErrors() {
    }

    /** One error: its message and its code. */
    public static JsonObject error(String code, String message) {
        return new JsonObject().put("message", message).put("extensions", new JsonObject().put("code", code));
    }

    /** A whole answer of one error. */
    public static JsonObject body(String code, String message) {
        return new JsonObject().put("errors", new JsonArray().add(error(code, message)));
    }

    /** {@link #body}, as the text sent. */
    public static String encoded(String code, String message) {
        return body(code, message).encode();
    }
}
