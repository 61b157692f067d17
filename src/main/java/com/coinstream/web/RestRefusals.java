package com.coinstream.web;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.Refusal;

import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.json.JsonObject;

/**
 * The REST routes (the CSV and JSON exports, the simulated provider's report, the dev token issuer) refuse as the GraphQL
 * endpoint does: a JSON {@code errors} body whose {@code extensions.code} says why, never a bare status. A route refuses by
 * throwing a {@link Refusal}; Quarkus' own refusals (a missing or insufficient token, a malformed parameter) are coded here too.
 */
public class RestRefusals {

    @ServerExceptionMapper
    public RestResponse<String> refusal(Refusal r) {
        int status = switch (r.code()) {
            case NOT_FOUND -> 404;
            case FORBIDDEN -> 403;
            case INVALID_INPUT, INVALID_AMOUNT -> 400;
            default -> r.httpStatus();
        };
        return coded(status, r.code().name(), r.getMessage());
    }

    @ServerExceptionMapper
    public RestResponse<String> badRequest(BadRequestException e) {
        return coded(400, "BAD_REQUEST", e.getMessage() == null || e.getMessage().startsWith("HTTP 400") ? "The request is malformed" : e.getMessage());
    }

    @ServerExceptionMapper
    public RestResponse<String> unauthorized(UnauthorizedException e) {
        return RestResponse.ResponseBuilder.fromResponse(coded(401, "UNAUTHENTICATED",
                "Authentication required: send a valid bearer token in the Authorization header")).header("WWW-Authenticate", "Bearer").build();
    }

    @ServerExceptionMapper
    public RestResponse<String> forbidden(ForbiddenException e) {
        return coded(403, ErrorCode.FORBIDDEN.name(), "Your roles do not allow this operation");
    }

    /** Quarkus' other refusals of a REST request (no such route's method, an Accept it cannot answer, ...): coded too. */
    @ServerExceptionMapper
    public RestResponse<String> web(jakarta.ws.rs.WebApplicationException e) {
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        String code = switch (status) {
            case 401 -> "UNAUTHENTICATED";
            case 403 -> ErrorCode.FORBIDDEN.name();
            case 404 -> ErrorCode.NOT_FOUND.name();
            default -> status >= 500 ? "INTERNAL" : "BAD_REQUEST";
        };
        String message = switch (status) {
            case 404 -> "No such resource";
            case 405 -> "This method is not served here";
            case 406 -> "This resource cannot answer in a type the Accept header allows";
            case 415 -> "This resource does not take that Content-Type";
            default -> status >= 500 ? "Internal error" : "The request is malformed";
        };
        return coded(status, code, message);
    }

    /** A database refusal that reaches a REST route (a lost race, a value the database refuses): coded, never a bare 500. */
    @ServerExceptionMapper
    public RestResponse<String> database(io.vertx.pgclient.PgException e) {
        return com.coinstream.db.DatabaseErrors.refusal(e).map(this::refusal).orElseGet(() -> {
            org.jboss.logging.Logger.getLogger(RestRefusals.class).error("a REST request failed in the database", e);
            return coded(500, "INTERNAL", "Internal error");
        });
    }

    static RestResponse<String> coded(int status, String code, String message) {
        String body = new JsonObject().put("errors", List.of(Map.of("message", message, "extensions", Map.of("code", code)))).encode();
        return RestResponse.ResponseBuilder.<String> create(status).entity(body).type(MediaType.APPLICATION_JSON_TYPE).build();
    }
}
