package com.coinstream.web;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.coinstream.domain.CodedErrors;
import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.Refusal;

import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

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

    /**
     * Quarkus' other refusals of a request a REST route matched: a method it does not serve (405, with its Allow header),
     * an Accept it cannot answer (406), a Content-Type it does not take (415). (Not "no such resource": a path no REST
     * route matches goes on to the web app and its pages, and a mapper of it would answer those instead.)
     */
    @ServerExceptionMapper
    public RestResponse<String> notAllowed(jakarta.ws.rs.NotAllowedException e) {
        RestResponse<String> coded = coded(405, "BAD_REQUEST", "This method is not served here");
        String allow = e.getResponse() == null ? null : e.getResponse().getHeaderString("Allow");
        return allow == null ? coded : RestResponse.ResponseBuilder.fromResponse(coded).header("Allow", allow).build();
    }

    @ServerExceptionMapper
    public RestResponse<String> notAcceptable(jakarta.ws.rs.NotAcceptableException e) {
        return coded(406, "BAD_REQUEST", "This resource cannot answer in a type the Accept header allows");
    }

    @ServerExceptionMapper
    public RestResponse<String> unsupported(jakarta.ws.rs.NotSupportedException e) {
        return coded(415, "BAD_REQUEST", "This resource does not take that Content-Type");
    }

    /** A database refusal that reaches a REST route (a lost race, a value the database refuses): coded, never a bare 500. */
    @ServerExceptionMapper
    public RestResponse<String> database(io.vertx.pgclient.PgException e) {
        return com.coinstream.db.DatabaseErrors.refusal(e).map(this::refusal).orElseGet(() -> {
            org.jboss.logging.Logger.getLogger(RestRefusals.class).error("a REST request failed in the database", e);
            return coded(500, "INTERNAL", "Internal error");
        });
    }

    /**
     * What fails a REST request before its answer starts when the database cannot be reached (a download's first read, a
     * pool that timed out, a connection refused or closed): the exception classes of those faults, as the GraphQL endpoint
     * codes them ({@link com.coinstream.db.DatabaseErrors#unreachable}, the GraphQL endpoint's rule too): a refusal or a database refusal in their causes as
     * itself, the database out of reach 503 UNAVAILABLE (with Retry-After), anything else 500 INTERNAL, logged. Never
     * Quarkus' bare error page. (Not one mapper of every exception: a mapper that takes Quarkus' NotFoundException would
     * answer every path no REST route matches, the web app's pages among them, instead of passing it on.)
     */
    @ServerExceptionMapper({ java.io.IOException.class, io.vertx.core.VertxException.class, io.vertx.core.impl.NoStackTraceThrowable.class,
            java.util.concurrent.CompletionException.class, java.util.concurrent.TimeoutException.class })
    public RestResponse<String> fault(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof Refusal r) {
                return refusal(r);
            }
            if (c instanceof io.vertx.pgclient.PgException pg) {
                return database(pg);
            }
            // (a refusal of the caller wrapped on its way: as itself)
            if (c instanceof UnauthorizedException u) {
                return unauthorized(u);
            }
            if (c instanceof ForbiddenException f) {
                return forbidden(f);
            }
        }
        if (com.coinstream.db.DatabaseErrors.unreachable(e)) {
            org.jboss.logging.Logger.getLogger(RestRefusals.class).errorf(e, "UNAVAILABLE: a REST request could not reach the database");
            return RestResponse.ResponseBuilder.fromResponse(coded(503, "UNAVAILABLE", com.coinstream.db.DatabaseErrors.UNREACHABLE))
                    .header("Retry-After", "5").build();
        }
        org.jboss.logging.Logger.getLogger(RestRefusals.class).error("a REST request failed", e);
        return coded(500, "INTERNAL", "Internal error");
    }

    static RestResponse<String> coded(int status, String code, String message) {
        String body = CodedErrors.encoded(code, message);
        return RestResponse.ResponseBuilder.<String> create(status).entity(body).type(MediaType.APPLICATION_JSON_TYPE).build();
    }
}
