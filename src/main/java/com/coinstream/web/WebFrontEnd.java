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
    /** Paths that are the API or operations, never pages. */
    static final List<String> NOT_PAGES = List.of("/graphql", "/q/", "/dev/", "/webhooks/");
    private final WebConfig config;
    private final String policy;

    public WebFrontEnd(WebConfig config) {
        this.config = config;
        String issuer = config.oidc().authority().map(WebFrontEnd::origin).orElse("");
        this.policy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                + "font-src 'self' data:; connect-src 'self' ws: wss: " + issuer + "; frame-src " + (issuer.isEmpty() ? "'none'" : issuer)
                + "; object-src 'none'; base-uri 'self'; form-action 'self' " + issuer + "; frame-ancestors 'self'";
    }

    void install(@Observes Router router) {
        router.route().order(-200).handler(this::pages);
    }

    void pages(RoutingContext rc) {
        String path = rc.normalizedPath();
        if (NOT_PAGES.stream().anyMatch(path::startsWith) || path.equals("/q")) {
            rc.next();
            return;
        }
        if (!config.enabled()) {
            rc.response().setStatusCode(404).end();
            return;
        }
        rc.response().putHeader("Content-Security-Policy", policy).putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer");
        rc.next();
    }

    private static String origin(String url) {
        try {
            java.net.URI uri = java.net.URI.create(url);
            return uri.getScheme() + "://" + uri.getAuthority();
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
