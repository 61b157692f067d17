package com.coinstream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The packaged app (prod profile) serves the web front end that ./mvnw package built: the app shell on every
 * page route, its assets, a Content Security Policy, no dev sign-in; COINSTREAM_WEB_ENABLED=false turns
 * the pages off and leaves the API as it is; the OIDC settings reach the page and its policy.
 */
class WebFrontEndIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String clientConfig(int port) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/graphql")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"{ clientConfig { devSignIn oidcAuthority oidcClientId oidcScope sandboxCards } }\"}"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void thePackagedAppServesTheFrontEndWithItsPolicyAndOperatorsCanTurnItOff() throws Exception {
        try (SecondInstance app = SecondInstance.start(8087, Map.of("COINSTREAM_WEB_OIDC_AUTHORITY", "https://id.operator.example/realms/coinstream",
                "COINSTREAM_WEB_OIDC_CLIENT_ID", "coinstream-web"), Set.of())) {
            for (String path : new String[] { "/", "/stream/00000000-0000-4000-a000-0000000ca201", "/studio", "/overlay/x" }) {
                HttpResponse<String> page = get(app.port, path);
                assertEquals(200, page.statusCode(), path);
                assertTrue(page.body().contains("<cs-app>"), path);
                String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
                assertTrue(csp.contains("default-src 'self'") && csp.contains("connect-src 'self' https://id.operator.example"), csp);
            }
            Matcher script = Pattern.compile("src=\"(/assets/index-[^\"]+\\.js)\"").matcher(get(app.port, "/").body());
            assertTrue(script.find(), "the built app shell references its bundle");
            HttpResponse<String> bundle = get(app.port, script.group(1));
            assertEquals(200, bundle.statusCode());
            assertTrue(bundle.headers().firstValue("Content-Type").orElse("").contains("javascript"));
            assertEquals(404, get(app.port, "/dev/token?sub=x").statusCode(), "no dev token endpoint in prod");
            String config = clientConfig(app.port);
            assertTrue(config.contains("\"devSignIn\":false") && config.contains("\"oidcAuthority\":\"https://id.operator.example/realms/coinstream\"")
                    && config.contains("\"oidcClientId\":\"coinstream-web\""), config);
        }
        try (SecondInstance app = SecondInstance.start(8088, Map.of("COINSTREAM_WEB_ENABLED", "false"), Set.of())) {
            assertEquals(404, get(app.port, "/").statusCode());
            assertEquals(404, get(app.port, "/stream/anything").statusCode());
            assertFalse(get(app.port, "/").body().contains("<cs-app>"));
            assertTrue(clientConfig(app.port).contains("\"devSignIn\":false"), "the API is still there");
            // the exports and the upload are the API's, not pages: refused for want of a token, never a bare 404
            for (String path : new String[] { "/exports/my-data.json", "/exports/history.csv" }) {
                HttpResponse<String> export = get(app.port, path);
                assertEquals(401, export.statusCode(), path + ": " + export.body());
            }
            assertEquals(200, get(SecondInstance.managementPort(app.port), "/q/health/ready").statusCode());
        }
    }
}
