package com.coinstream.graphql;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.coinstream.domain.CodedErrors;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

/**
 * What a body handler or Vert.x Web fails a request with, when the status is a client error, is answered coded as every
 * other refusal is (a JSON {@code errors} body whose {@code extensions.code} says why; README "Errors"), never a bare
 * status with an empty body or Quarkus' error page and its logged stack trace: a body over its route's limit (413), a
 * form or multipart body that does not decode (400), and the like. (Not 401 and 403, which {@link AuthenticationFailures}
 * and the routes answer themselves, nor 404, which the web app's pages answer.) A real fault (no status, or 5xx) is left
 * to Quarkus: logged, and answered 500. (A request line with a malformed percent-escape in its path or query never
 * reaches a route of ours: it is answered 400, empty, before routing; MalformedHttpTest.)
 */
@ApplicationScoped
public class HttpRefusals {

    void install(@Observes Router router) {
        router.route().failureHandler(this::clientErrors);
    }

    void clientErrors(RoutingContext rc) {
        int status = status(rc);
        if (status < 400 || status > 499 || status == 401 || status == 403 || status == 404 || rc.response().headWritten()) {
            rc.next();
            return;
        }
        String message = switch (status) {
            case 413 -> "The request body is larger than this endpoint takes";
            case 408 -> "The request body did not arrive in time";
            case 415 -> "This endpoint does not take that Content-Type";
            default -> "The request is malformed";
        };
        String body = CodedErrors.encoded("BAD_REQUEST", message);
        rc.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
    }

    /** The status a failure carries: an {@link HttpException}'s, or the one it was failed with (a fault carries 500 or none). */
    static int status(RoutingContext rc) {
        return rc.failure() instanceof HttpException http ? http.getStatusCode() : rc.statusCode();
    }
}
