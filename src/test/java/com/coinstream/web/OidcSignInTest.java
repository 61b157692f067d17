package com.coinstream.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.coinstream.web.Browser.Tab;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.options.AriaRole;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWireMock;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;

/**
 * The prod sign-in: no dev picker; the page signs in at the operator's identity provider with the OIDC
 * authorization code flow and PKCE (oidc-client-ts), and the API accepts the access token because it trusts
 * the same issuer and keys. The provider is Quarkus' test OIDC server (WireMock, from Maven Central).
 */
@QuarkusTest
@TestProfile(OidcSignInTest.Provider.class)
class OidcSignInTest {

    public static class Provider implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.quinoa", "true",
                    "coinstream.web.dev-sign-in", "false",
                    "coinstream.web.oidc.authority", "${keycloak.url}/realms/quarkus",
                    "coinstream.web.oidc.client-id", "coinstream-web",
                    "mp.jwt.verify.publickey.location", "${keycloak.url}/realms/quarkus/protocol/openid-connect/certs",
                    "mp.jwt.verify.issuer", "https://server.example.com");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(OidcWiremockTestResource.class));
        }
    }

    @TestHTTPResource("/")
    String root;

    /** The test provider's base URL (a free port, chosen when it starts), ending in /auth. */
    @ConfigProperty(name = "keycloak.url")
    String keycloak;

    @OidcWireMock
    WireMockServer provider;

    @Test
    void aPersonSignsInAtTheIdentityProviderAndTheApiAcceptsTheirToken() {
        String idp = keycloak.replaceAll("/auth$", "");
        // The provider's code exchange for a public client: PKCE's code_verifier instead of a client secret (its
        // stock stub answers confidential clients only). A token request without a verifier gets no tokens.
        provider.stubFor(WireMock.post("/auth/realms/quarkus/token")
                .withRequestBody(WireMock.containing("grant_type=authorization_code"))
                .withRequestBody(WireMock.containing("client_id=coinstream-web"))
                .withRequestBody(WireMock.matching(".*code_verifier=[A-Za-z0-9._~-]{43,128}.*"))
                .willReturn(WireMock.aResponse().withHeader("Content-Type", "application/json").withBody("{\"access_token\": \""
                        + OidcWiremockTestResource.getAccessToken("alice", Set.of("viewer")) + "\", \"token_type\": \"Bearer\", \"expires_in\": 300, "
                        + "\"id_token\": \"" + OidcWiremockTestResource.getIdToken("alice", Set.of("viewer")) + "\"}")));
        AtomicInteger silent = new AtomicInteger();
        AtomicInteger ended = new AtomicInteger();
        try (Tab tab = Browser.open(root, null, Browser.DESKTOP)) {
            // The WireMock provider sends no CORS headers (a real provider does, for its registered web origins):
            // add them to its answers to the page's cross-origin calls (discovery, token).
            tab.context.route(idp + "/**", route -> {
                String url = route.request().url();
                if (route.request().isNavigationRequest() && url.contains("prompt=none")) {
                    // a silent sign-in in the page's hidden frame: the provider's session is alive, so it answers at
                    // once with a code for the same state, as a real provider does (the stub shows a form instead)
                    Map<String, String> q = new HashMap<>();
                    for (String pair : URI.create(url).getRawQuery().split("&")) {
                        String[] kv = pair.split("=", 2);
                        q.put(kv[0], URLDecoder.decode(kv.length > 1 ? kv[1] : "", StandardCharsets.UTF_8));
                    }
                    silent.incrementAndGet();
                    route.fulfill(new Route.FulfillOptions().setStatus(302).setHeaders(Map.of("Location", q.get("redirect_uri")
                            + "?code=silent-" + silent.get() + "&state=" + URLEncoder.encode(q.get("state"), StandardCharsets.UTF_8))));
                    return;
                }
                if (route.request().isNavigationRequest() && url.contains("/end-session")) {
                    // signing out ends the provider's session too, which then sends the person back to the app
                    ended.incrementAndGet();
                    route.fulfill(new Route.FulfillOptions().setStatus(302).setHeaders(Map.of("Location", root)));
                    return;
                }
                if (route.request().isNavigationRequest()) {
                    route.resume();
                    return;
                }
                APIResponse answer = route.fetch();
                Map<String, String> headers = new HashMap<>(answer.headers());
                headers.put("access-control-allow-origin", root.replaceAll("/$", ""));
                route.fulfill(new Route.FulfillOptions().setResponse(answer).setHeaders(headers));
            });
            tab.go("/wallet");
            assertThat(tab.page.getByLabel("Sign in as")).hasCount(0);
            tab.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
            tab.page.waitForURL(idp + "/auth/realms/quarkus**");
            assertTrue(tab.page.url().contains("code_challenge=") && tab.page.url().contains("code_challenge_method=S256"), tab.page.url());
            tab.page.locator("#username").fill("alice");
            tab.page.locator("#password").fill("alice");
            tab.page.locator("#login").click();

            try {
                tab.page.waitForURL(root + "wallet", new Page.WaitForURLOptions().setTimeout(10_000));
            } catch (RuntimeException e) {
                throw new AssertionError("stuck at " + tab.page.url() + " errors " + tab.errors + " content " + tab.page.content(), e);
            }
            assertThat(tab.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out"))).isVisible();
            assertThat(tab.page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Wallet"))).isVisible();
            assertThat(tab.page.getByTestId("wallet-coins")).containsText("0");
            assertEquals(0, ((Number) tab.page.evaluate("localStorage.length")).intValue(), "nothing in localStorage");
            String stored = (String) tab.page.evaluate("JSON.stringify(Object.assign({}, sessionStorage))");
            assertFalse(stored.contains("eyJ"), "no token in sessionStorage: " + stored);

            // a reload keeps them signed in, silently: no provider page, the same person, a fresh token
            tab.page.reload();
            assertThat(tab.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out"))).isVisible();
            assertThat(tab.page.getByTestId("wallet-coins")).containsText("0");
            assertEquals(root + "wallet", tab.page.url());
            assertEquals(1, silent.get(), "one silent sign-in");
            assertFalse(((String) tab.page.evaluate("JSON.stringify(Object.assign({}, sessionStorage))")).contains("eyJ"));
            // signing out ends it: the next reload stays signed out
            tab.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out")).click();
            tab.page.waitForURL(root);
            assertEquals(1, ended.get(), "the provider's session is ended too: the next Sign in on this device asks again");
            tab.page.reload();
            assertThat(tab.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in"))).isVisible();
            assertEquals(1, silent.get(), "no silent sign-in after signing out");
            tab.assertNoConsoleErrors();
        }
    }
}
