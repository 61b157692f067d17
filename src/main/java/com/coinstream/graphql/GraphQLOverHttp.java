package com.coinstream.graphql;

import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * GraphQL over HTTP (the GraphQL Foundation's specification, as graphql-http's audit checks it) for POST
 * /graphql, in front of SmallRye:
 * <ul>
 * <li>The response type is {@code application/graphql-response+json} when the client asks for it (at least as
 * strongly as for {@code application/json}), else {@code application/json}: also for {@code *}{@code /*}
 * and for no Accept header at all, which is what older clients (Apollo Client 2, curl, fetch) send.</li>
 * <li>A POST whose body is not {@code application/json} (or SmallRye's {@code application/graphql}) is refused
 * with 415, including one without a Content-Type: fetch() labels a bare string body text/plain.</li>
 * <li>A request error (the document does not parse, does not validate, exceeds a limit, or its variables do
 * not coerce: no {@code data} in the answer) is 400 for {@code application/graphql-response+json}, and 200
 * for {@code application/json}, whose clients read the errors from the body. A malformed body (not JSON, no
 * query) is 400 for both.</li>
 * </ul>
 */
@ApplicationScoped
public class GraphQLOverHttp {
    public static final String GRAPHQL_RESPONSE = "application/graphql-response+json";
    public static final String JSON = "application/json";
    private static final String MEDIA = "coinstream.graphql.media";
    private static final String REQUEST_ERROR = "coinstream.graphql.request-error";
    private final String path;

    public GraphQLOverHttp(GraphQLConfig config) {
        this.path = config.path();
    }

    void install(@Observes Router router) {
        router.post(path).order(-101).handler(this::negotiate);
        // after the WebSocket upgrade (-100): the other methods, and a GET that is no upgrade, are refused with a code
        // (Quarkus answered a bare 405); OPTIONS stays CORS's, and a POST (every gift) passes no handler more
        var others = router.route(path).order(-98);
        for (HttpMethod method : new HttpMethod[] { HttpMethod.GET, HttpMethod.HEAD, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.PATCH }) {
            others.method(method);
        }
        others.handler(this::onlyPost);
    }

    void onlyPost(RoutingContext rc) {
        rc.put(MEDIA, prefersGraphqlResponse(rc.request().getHeader(HttpHeaders.ACCEPT)) ? GRAPHQL_RESPONSE : JSON);
        rc.response().putHeader("Allow", "POST");
        RequestShape.refuse(rc, 405, "BAD_REQUEST", "A GraphQL request is an HTTP POST with a JSON body (GET is taken only to open a WebSocket)");
    }

    void negotiate(RoutingContext rc) {
        String contentType = rc.request().getHeader(HttpHeaders.CONTENT_TYPE);
        boolean graphqlResponse = prefersGraphqlResponse(rc.request().getHeader(HttpHeaders.ACCEPT));
        String media = graphqlResponse ? GRAPHQL_RESPONSE : JSON;
        rc.put(MEDIA, media);
        if (!acceptedBody(contentType)) {
            // Also what keeps a cross-site form or text/plain post (no CORS preflight) from reaching a resolver.
            RequestShape.refuse(rc, 415, "BAD_REQUEST", "A GraphQL POST needs Content-Type: application/json");
            return;
        }
        // SmallRye answers in the type it reads from Accept: give it the one chosen here.
        rc.request().headers().set(HttpHeaders.ACCEPT, media);
        if (graphqlResponse) {
            // The GraphQL engine runs on this request's own (duplicated) context: a flag it leaves there is this request's.
            Context context = Vertx.currentContext();
            rc.addHeadersEndHandler(v -> {
                if (VertxContext.isDuplicatedContext(context) && Boolean.TRUE.equals(context.getLocal(REQUEST_ERROR))
                        && rc.response().getStatusCode() == 200) {
                    rc.response().setStatusCode(400).setStatusMessage("Bad Request");
                }
            });
        }
        rc.next();
    }

    static boolean acceptedBody(String contentType) {
        String type = mediaType(contentType);
        return type != null && (type.equals(JSON) || type.equals("application/graphql"));
    }

    /** The media type of a Content-Type header, lower-case, without parameters ("" for ";"); null for none. */
    static String mediaType(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }

    /** The response type chosen for this request (application/json before negotiation ran). */
    static String media(RoutingContext rc) {
        String media = rc.get(MEDIA);
        return media == null ? JSON : media;
    }

    /** The status of a request error (the document, a limit, the variables) in the chosen response type. */
    static int requestErrorStatus(RoutingContext rc) {
        return GRAPHQL_RESPONSE.equals(media(rc)) ? 400 : 200;
    }

    /** Called while a result with no data (a request error) is produced: remembered for the response status. */
    static void requestError() {
        Context context = Vertx.currentContext();
        if (VertxContext.isDuplicatedContext(context)) {
            context.putLocal(REQUEST_ERROR, Boolean.TRUE);
        }
    }

    /** Whether {@code accept} names application/graphql-response+json at least as strongly as application/json. */
    static boolean prefersGraphqlResponse(String accept) {
        if (accept == null || accept.isBlank()) {
            return false;
        }
        double graphql = 0;
        double json = 0;
        for (String range : accept.split(",")) {
            String[] parts = range.split(";", -1); // (-1: ";" alone is two empty parts, not none)
            String type = parts[0].strip().toLowerCase(Locale.ROOT);
            double q = 1;
            for (int i = 1; i < parts.length; i++) {
                String parameter = parts[i].strip();
                if (parameter.startsWith("q=")) {
                    try {
                        q = Double.parseDouble(parameter.substring(2));
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            if (type.equals(GRAPHQL_RESPONSE)) {
                graphql = Math.max(graphql, q);
            } else if (type.equals(JSON)) {
                json = Math.max(json, q);
            }
        }
        return graphql > 0 && graphql >= json;
    }
}
