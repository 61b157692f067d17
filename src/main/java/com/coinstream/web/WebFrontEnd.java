package com.coinstream.web;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The front end's pages (served by Quinoa from the Vite build): off entirely with COINSTREAM_WEB_ENABLED=false,
 * and always sent with a Content Security Policy that allows only this origin, the GraphQL endpoint (HTTP and
 * WebSocket) and the configured identity provider.
 */
@ApplicationScoped
public class WebFrontEnd {
    /**
     * Paths that are the API or operations, never pages (as quarkus.quinoa.ignored-path-prefixes in application.properties):
     * served whether the web app is on or off.
     */
    static final List<String> NOT_PAGES = List.of("/graphql", "/q/", "/dev/", "/webhooks/", "/exports/", "/imports/");
    private final WebConfig config;
    private final String policy;

    public WebFrontEnd(WebConfig config) {
        this.config = config;
        String issuer = config.oidc().authority().map(WebFrontEnd::origin).orElse("");
        // frames: only the silent sign-in's, which opens at the provider and comes back to this app's /silent-signed-in;
        // connections: this origin ('self' covers its own ws: and wss:; "ws: wss:" let a page talk to any host) and the provider
        this.policy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                + "font-src 'self' data:; connect-src 'self' " + issuer + "; frame-src " + (issuer.isEmpty() ? "'none'" : "'self' " + issuer)
                + "; object-src 'none'; base-uri 'self'; form-action 'self' " + issuer + "; frame-ancestors 'self'";
    }

    void install(@Observes Router router) {
        router.route().order(-200).handler(this::pages);
        // A built file that is not there (a page of an earlier deploy asks for it): a 404 nobody keeps. The app's routing
        // would answer it with the page itself, which a script tag cannot run and a cache would keep a year under the
        // file's name. (After the files served, before that routing.)
        router.get("/assets/*").order(io.quarkiverse.quinoa.QuinoaRecorder.QUINOA_SPA_ROUTE_ORDER - 1)
                .handler(rc -> rc.response().setStatusCode(404).putHeader("Cache-Control", "no-store").end());
    }

    void pages(RoutingContext rc) {
        String path = rc.normalizedPath();
        // every answer, the API's and the downloads' too: a browser never guesses another type than the one sent
        rc.response().putHeader("X-Content-Type-Options", "nosniff");
        if (path.startsWith("/exports/")) {
            // a person's data, statements and reports: never kept in a browser's or a proxy's cache
            rc.addHeadersEndHandler(v -> rc.response().headers().set("Cache-Control", "no-store"));
        }
        if (NOT_PAGES.stream().anyMatch(path::startsWith) || path.equals("/q")) {
            rc.next();
            return;
        }
        if (!config.enabled()) {
            rc.response().setStatusCode(404).end();
            return;
        }
        rc.response().putHeader("Content-Security-Policy", policy).putHeader("Referrer-Policy", "no-referrer");
        // Set last, over the static handler's one-day default: the hashed build output never changes under its name, so
        // a year; the page itself (index.html, whatever route it answers) is revalidated every time, so a deploy shows
        // at once and never points at hashed files that are gone.
        rc.addHeadersEndHandler(v -> {
            String cache = cachePolicy(path, rc.response().getStatusCode(), rc.response().headers().get("Content-Type"));
            if (cache != null) {
                rc.response().putHeader("Cache-Control", cache);
            }
        });
        rc.next();
    }

    /** The Cache-Control of a front-end response, or null to leave it as it is (downloads, errors). */
    static String cachePolicy(String path, int status, String contentType) {
        if (status != 200 && status != 304) {
            return null;
        }
        if (path.startsWith("/assets/")) {
            return IMMUTABLE;
        }
        return contentType != null && contentType.startsWith("text/html") ? "no-cache" : null;
    }

    static final String IMMUTABLE = "public, max-age=31536000, immutable";

    private static String origin(String url) {
        try {
            java.net.URI uri = java.net.URI.create(url);
            return uri.getScheme() + "://" + uri.getAuthority();
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
