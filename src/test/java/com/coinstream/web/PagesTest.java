package com.coinstream.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.Tokens;
import com.coinstream.web.Browser.Tab;
import com.coinstream.web.Browser.User;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Every main page at phone width (390 px) and on a desktop: it loads with data, axe-core finds no WCAG 2.1 A/AA
 * violation, nothing is written to the console as an error, and a screenshot goes to target/screenshots.
 */
@QuarkusTest
@TestProfile(BrowserProfile.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PagesTest {
    @TestHTTPResource("/")
    String root;

    static final User VIEWER = User.viewer(Tokens.unique("pages-viewer"));
    static final User CREATOR = User.creator(Tokens.unique("pages-creator"));
    static final User ADMIN = User.admin(Tokens.unique("pages-admin"));
    String stream;

    /** Some activity to show, once (after the app under test is up, so not in a @BeforeAll). */
    synchronized void someActivity() {
        if (stream != null) {
            return;
        }
        String creator = Tokens.token(CREATOR.sub(), Set.of("viewer", "creator"), CREATOR.birthdate(), "US");
        stream = Gifting.startStream(creator, "Sunday sketching");
        // a webhook whose endpoint refuses every connection: its gifts' deliveries fail, so the webhooks pages show a failure
        Gql.ok(creator, "mutation { createWebhookSubscription(input: {url: \"http://127.0.0.1:9/pages-bot\", eventTypes: [\"gift.sent\"], "
                + "description: \"Alert bot\"}) { userErrors { code } } }");
        String viewer = Tokens.viewer(VIEWER.sub());
        Flows.buyPackage(viewer, Flows.PKG_350, "pm_card_ok", Flows.key());
        for (String gift : List.of(Gifting.ROSE, Gifting.FINGER_HEART, Gifting.PERFUME, Gifting.HAND_HEARTS)) {
            Gifting.send(viewer, stream, gift, 1, Flows.key());
        }
        Gql.ok(viewer, "mutation { setSpendingLimit(input: {period: WEEK, coins: 300}) { userErrors { code } } }");
        Gql.ok(creator, "mutation($i: SetStreamGoalInput!) { setStreamGoal(input: $i) { userErrors { code } } }", Gql.vars("i", java.util.Map.of(
                "streamId", stream, "title", "100 Roses for a new sketchbook", "kind", "GIFT", "giftId", Gifting.ROSE, "target", 100)));
    }

    static Stream<Arguments> pages() {
        List<Arguments> all = new ArrayList<>();
        for (int width : List.of(Browser.PHONE, Browser.DESKTOP)) {
            all.add(Arguments.of("live", null, "/", null, width));
            all.add(Arguments.of("room", VIEWER, "/stream/{stream}", null, width));
            all.add(Arguments.of("room-unknown", VIEWER, "/stream/00000000-0000-4000-8000-00000000dead", null, width));
            all.add(Arguments.of("store", VIEWER, "/store", null, width));
            all.add(Arguments.of("wallet", VIEWER, "/wallet", null, width));
            all.add(Arguments.of("spending", VIEWER, "/spending", null, width));
            all.add(Arguments.of("leaderboards", VIEWER, "/leaderboards", null, width));
            all.add(Arguments.of("account", VIEWER, "/account", null, width));
            all.add(Arguments.of("studio", CREATOR, "/studio", null, width));
            all.add(Arguments.of("studio-earnings", CREATOR, "/studio", "Earnings", width));
            all.add(Arguments.of("studio-payouts", CREATOR, "/studio", "Payouts", width));
            all.add(Arguments.of("studio-statements", CREATOR, "/studio", "Statements", width));
            all.add(Arguments.of("studio-webhooks", CREATOR, "/studio", "Webhooks", width));
            all.add(Arguments.of("studio-overlay", CREATOR, "/studio", "Overlay", width));
            all.add(Arguments.of("admin-accounts", ADMIN, "/admin", "Accounts", width));
            all.add(Arguments.of("admin-risk", ADMIN, "/admin", "Risk", width));
            all.add(Arguments.of("admin", ADMIN, "/admin", null, width));
            all.add(Arguments.of("admin-ledger", ADMIN, "/admin", "Ledger", width));
            all.add(Arguments.of("admin-rates", ADMIN, "/admin", "Rates", width));
            all.add(Arguments.of("admin-audit", ADMIN, "/admin", "Audit log", width));
            all.add(Arguments.of("admin-data", ADMIN, "/admin", "Data requests", width));
            all.add(Arguments.of("admin-reconciliation", ADMIN, "/admin", "Reconciliation", width));
            all.add(Arguments.of("admin-webhooks", ADMIN, "/admin", "Webhooks", width));
            all.add(Arguments.of("admin-catalogue", ADMIN, "/admin", "Catalogue", width));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} at {4} px")
    @MethodSource("pages")
    void loadsAccessiblyWithoutConsoleErrors(String name, User user, String path, String tab, int width) {
        someActivity();
        try (Tab t = Browser.open(root, user, width)) {
            t.go(path.replace("{stream}", stream));
            if (tab != null) {
                t.page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(tab).setExact(true)).click();
            }
            assertThat(t.page.locator("[aria-busy=true]")).hasCount(0);
            if (name.equals("room-unknown")) {
                // NOT_FOUND is what the page says, not an error to retry
                assertThat(t.page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("No such stream"))).isVisible();
                assertThat(t.page.getByRole(AriaRole.ALERT)).hasCount(0);
            }
            if (name.equals("studio-earnings")) {
                assertThat(t.page.locator("canvas#chart-gift")).isVisible();
                t.page.waitForTimeout(600); // the charts' entry animation
            }
            if (user != null && !user.groups().equals("admin")) {
                assertThat(t.page.getByTestId("balance").or(t.page.getByText("Studio"))).not().hasCount(0);
            }
            List<String> violations = t.accessibilityViolations();
            t.screenshot(name + "-" + width);
            assertEquals(List.of(), violations, name + " at " + width + " px");
            // one compact header row: on a phone the pages are in a menu; on a desktop they fit on one line
            double header = ((Number) t.page.evaluate("document.querySelector('header.cs-top').getBoundingClientRect().height")).doubleValue();
            assertTrue(header <= 64, name + ": the header is " + header + " px high at " + width + " px");
            int overflow = ((Number) t.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")).intValue();
            assertTrue(overflow <= 0, name + " scrolls sideways at " + width + " px by " + overflow);
            t.assertNoConsoleErrors();
        }
    }

    /**
     * The gift panel as a person sees it: a grid of every launch gift, each tile with its own art (an SVG shipped with the
     * app, never the system's emoji font) and its money value under the coins; on a desktop all of them on at most two
     * rows, on a phone in a bottom sheet behind the Gifts toggle.
     */
    @ParameterizedTest(name = "at {0} px")
    @org.junit.jupiter.params.provider.ValueSource(ints = { Browser.PHONE, Browser.DESKTOP })
    void theGiftPanelIsACompactGridWithItsOwnArtAndTheMoneyUnderEachTile(int width) {
        someActivity();
        try (Tab t = Browser.open(root, VIEWER, width)) {
            t.go("/stream/" + stream);
            com.microsoft.playwright.Locator tiles = t.page.locator(".gift-tile");
            assertThat(tiles.first()).isAttached();
            if (width == Browser.PHONE) {
                // the sheet starts open (gifting one tap away); its toggle closes and opens it
                com.microsoft.playwright.Locator toggle = t.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Gifts").setExact(true));
                assertThat(toggle).hasAttribute("aria-expanded", "true");
                toggle.click();
                assertThat(tiles.first()).isHidden();
                toggle.click();
            }
            assertThat(tiles.first()).isVisible();
            int n = tiles.count();
            assertTrue(n >= 9, "the nine launch gifts: " + n);
            for (int i = 0; i < n; i++) {
                com.microsoft.playwright.Locator tile = tiles.nth(i);
                assertTrue(tile.locator("svg.art").count() >= 1, "the gift's own art (and the coin's): " + tile.innerText());
                String money = tile.locator("small").last().innerText();
                assertTrue(money.matches(".*\\d.*") && !money.contains("coin"), "the money value under the tile: " + tile.innerText());
            }
            @SuppressWarnings("unchecked")
            List<Number> tops = (List<Number>) t.page.evaluate("[...document.querySelectorAll('.gift-tile')].map(e => e.getBoundingClientRect().top)");
            double tileHeight = ((Number) t.page.evaluate("document.querySelector('.gift-tile').getBoundingClientRect().height")).doubleValue();
            List<Double> rows = new ArrayList<>();
            for (Number top : tops) {
                if (rows.stream().noneMatch(r -> Math.abs(r - top.doubleValue()) < tileHeight / 2)) {
                    rows.add(top.doubleValue());
                }
            }
            if (width == Browser.DESKTOP) {
                assertTrue(rows.size() <= 2, "all launch gifts on at most two rows at 1280 px: " + rows.size() + " rows " + tops);
            }
            t.assertNoConsoleErrors();
        }
    }

    /**
     * A gift committed while the room's (or the creator's live dashboard's) connection was down shows once the client has
     * reconnected: the feed reads what it missed after every (re)subscription. The connection is cut by the browser's own WebSocket route, as a network
     * would cut it.
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = { "room", "studio", "room after its token expired" })
    void theRoomAndTheStudioCatchUpOnAGiftSentWhileTheirConnectionWasDown(String where) {
        someActivity();
        boolean room = where.startsWith("room");
        // (the service closes a connection whose token expired with 1008, which graphql-ws takes as final: while the tab
        // holds a token, its subscriptions start again on a new connection all the same)
        int code = where.contains("expired") ? 1008 : 1012;
        try (Tab t = Browser.open(root, room ? VIEWER : CREATOR, Browser.DESKTOP)) {
            List<com.microsoft.playwright.WebSocketRoute> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();
            t.page.routeWebSocket(java.util.regex.Pattern.compile(".*/graphql$"), ws -> {
                ws.connectToServer();
                sockets.add(ws);
            });
            t.go(room ? "/stream/" + stream : "/studio");
            com.microsoft.playwright.Locator feed = t.page.getByTestId(room ? "feed" : "studio-feed").locator("li");
            assertThat(feed.first()).isVisible();
            t.page.waitForCondition(() -> !sockets.isEmpty());
            int before = feed.count();
            // the connection drops (a restarting server's close), and a gift is committed while nobody listens
            sockets.forEach(ws -> ws.close(new com.microsoft.playwright.WebSocketRoute.CloseOptions().setCode(code)
                    .setReason(code == 1008 ? "Authentication expired" : "restart")));
            Gifting.send(Tokens.viewer(VIEWER.sub()), stream, Gifting.ROSE, 1, Flows.key());
            assertThat(feed).hasCount(before + 1, new com.microsoft.playwright.assertions.LocatorAssertions.HasCountOptions().setTimeout(20_000));
            assertTrue(sockets.size() >= 2, "the client connected again: " + sockets.size());
        }
    }

    /**
     * What people type shows as their text and fits a phone: a viewer named as markup, a creator named by one 64-character
     * word, a right-to-left name and a stream title of script and a long unbroken word. No element is made of them, the
     * text is on the page as typed, and nothing scrolls sideways, in the room and in the creator's studio.
     */
    @ParameterizedTest(name = "at {0} px")
    @org.junit.jupiter.params.provider.ValueSource(ints = { Browser.PHONE, Browser.DESKTOP })
    void hostileNamesAndTitlesShowAsTextAndFitThePage(int width) {
        String tag = Tokens.unique("h").substring(2);
        String markup = "<img src=x onerror=alert(1)>" + tag;
        String longWord = ("W".repeat(64 - tag.length()) + tag);
        String rtl = "\u05E9\u05DC\u05D5\u05DD " + tag;
        String title = "<script>alert(1)</script>" + "Z".repeat(100) + tag;
        User creator = User.creator(longWord);
        String creatorToken = Tokens.token(creator.sub(), Set.of("viewer", "creator"), creator.birthdate(), "US");
        String hostile = Gifting.startStream(creatorToken, title);
        for (String name : List.of(markup, rtl)) {
            String viewer = Tokens.viewer(name);
            Flows.buyPackage(viewer, Flows.PKG_350, "pm_card_ok", Flows.key());
            assertEquals(null, Gifting.code(Gifting.send(viewer, hostile, Gifting.ROSE, 1, Flows.key())), name);
        }
        for (var where : List.of(java.util.Map.entry(User.viewer(markup), "/stream/" + hostile), java.util.Map.entry(creator, "/studio"))) {
            try (Tab t = Browser.open(root, where.getKey(), width)) {
                t.go(where.getValue());
                assertThat(t.page.locator("[aria-busy=true]")).hasCount(0);
                assertThat(t.page.locator("main").getByText(markup).first()).isVisible();
                assertThat(t.page.locator("main").getByText(rtl).first()).isVisible();
                if (where.getValue().startsWith("/stream/")) {
                    assertThat(t.page.locator("main").getByText(longWord).first()).isVisible();
                    assertThat(t.page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName(title))).isVisible();
                }
                assertEquals(0, ((Number) t.page.evaluate("document.querySelectorAll('[onerror], img[src=x], main script').length")).intValue(),
                        "no element made of a name or a title");
                int overflow = ((Number) t.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")).intValue();
                assertTrue(overflow <= 0, where.getValue() + " scrolls sideways at " + width + " px by " + overflow);
                t.screenshot("hostile-" + (where.getValue().startsWith("/stream/") ? "room" : "studio") + "-" + width);
                t.assertNoConsoleErrors();
            }
        }
    }

    /** The creator's live dashboard puts what arrives first: the gifts, the stream total and top gifters above the goal form. */
    @Test
    void theLiveDashboardShowsArrivingGiftsFirst() {
        someActivity();
        try (Tab t = Browser.open(root, CREATOR, Browser.DESKTOP)) {
            t.go("/studio");
            assertThat(t.page.getByTestId("studio-feed")).isVisible();
            double viewport = ((Number) t.page.evaluate("window.innerHeight")).doubleValue();
            double feed = ((Number) t.page.evaluate("document.querySelector('[data-testid=studio-feed]').getBoundingClientRect().top")).doubleValue();
            double total = ((Number) t.page.evaluate("document.querySelector('[data-testid=studio-total]').getBoundingClientRect().top")).doubleValue();
            double goals = ((Number) t.page.evaluate("document.getElementById('goals-heading').getBoundingClientRect().top")).doubleValue();
            assertTrue(feed < viewport && total < viewport, "the gifts and the total above the fold: " + feed + ", " + total + " of " + viewport);
            assertTrue(feed < goals, "the gifts before the goal form: " + feed + " vs " + goals);
            assertThat(t.page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Top gifters"))).isVisible();
        }
    }

    /**
     * The console's long lists page on with *More* (one helper for the payout queue, the audit log, reconciliation runs and
     * erasure requests): 21 reports imported, the runs tab shows the newest 20, *More* the rest, in the API's order.
     */
    @Test
    void theConsolesListsPageOnWithMore() {
        String admin = Tokens.admin(ADMIN.sub());
        for (int i = 0; i < 21; i++) {
            Gql.ok(admin, "mutation($i: ImportSettlementReportInput!) { importSettlementReport(input: $i) { userErrors { code } } }",
                    Gql.vars("i", java.util.Map.of("fileName", "paging-" + i + ".csv", "csv", "transaction_id,type,amount,currency,fee,date\n"
                            + "paging_" + Tokens.unique("t") + ",fee,0,USD,0.01,2026-11-30\n")));
        }
        List<String> newest = Gql.ok(admin, "{ reconciliationRuns(first: 21) { nodes { fileName } } }").getList("data.reconciliationRuns.nodes.fileName");
        try (Tab t = Browser.open(root, ADMIN, Browser.DESKTOP)) {
            t.go("/admin");
            t.page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Reconciliation").setExact(true)).click();
            var rows = t.page.getByRole(AriaRole.REGION, new Page.GetByRoleOptions().setName("Reconciliation runs")).locator("tbody tr");
            assertThat(rows).hasCount(20);
            assertThat(rows.first()).containsText(newest.get(0));
            t.page.getByTestId("more-runs").click();
            assertThat(rows).hasCount(Math.min(40, (int) Gql.ok(admin, "{ reconciliationRuns(first: 40) { nodes { id } } }")
                    .getList("data.reconciliationRuns.nodes").size()));
            assertThat(rows.nth(20)).containsText(newest.get(20));
            t.assertNoConsoleErrors();
        }
    }

    @Test
    void pagesAreSentWithAContentSecurityPolicyAndTheApiIsNotAPage() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("/", "/stream/anything", "/studio")) {
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(root).resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode(), path);
            assertTrue(page.body().contains("<cs-app"), path + " serves the app shell");
            String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
            assertTrue(csp.contains("script-src 'self'") && csp.contains("object-src 'none'"), csp);
        }
        // compressed when the browser accepts it; the page is revalidated every time, the hashed files are kept a year
        HttpResponse<String> plain = http.send(HttpRequest.newBuilder(URI.create(root).resolve("/")).build(), HttpResponse.BodyHandlers.ofString());
        java.util.regex.Matcher script = java.util.regex.Pattern.compile("src=\"(/assets/[^\"]+\\.js)\"").matcher(plain.body());
        assertTrue(script.find(), plain.body());
        for (String path : List.of("/", "/stream/anything", script.group(1))) {
            HttpResponse<byte[]> gz = http.send(HttpRequest.newBuilder(URI.create(root).resolve(path)).header("Accept-Encoding", "gzip").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, gz.statusCode(), path);
            assertEquals("gzip", gz.headers().firstValue("Content-Encoding").orElse(""), path + " is sent compressed");
            try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz.body()))) {
                assertTrue(in.readAllBytes().length > gz.body().length, path + " is smaller compressed");
            }
            String cache = gz.headers().firstValue("Cache-Control").orElse("");
            assertEquals(path.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache", cache, path);
        }
        HttpResponse<byte[]> br = http.send(HttpRequest.newBuilder(URI.create(root).resolve(script.group(1))).header("Accept-Encoding", "br").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("br", br.headers().firstValue("Content-Encoding").orElse(""), "Brotli for a browser that offers it");
        HttpResponse<String> api = http.send(HttpRequest.newBuilder(URI.create(root).resolve("/graphql")).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(api.statusCode() >= 400 && !api.body().contains("<cs-app"), "GET /graphql without a query is the API's answer, not the app");
        // every answer says its type is meant (the API's and the downloads' too, not only the pages')
        for (String path : List.of("/graphql", "/exports/history.csv", "/")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(root).resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""), path);
        }
        HttpResponse<String> download = http.send(HttpRequest.newBuilder(URI.create(root).resolve("/exports/history.csv"))
                .header("Authorization", "Bearer " + Tokens.viewer(Tokens.unique("nosniff"))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, download.statusCode(), download.body());
        assertEquals("nosniff", download.headers().firstValue("X-Content-Type-Options").orElse(""), "a download");
        // a built file that is not there (a page of an earlier deploy asks for it) is a 404 nobody keeps, never the page
        // kept a year under the file's name
        HttpResponse<String> gone = http.send(HttpRequest.newBuilder(URI.create(root).resolve("/assets/room-0123abcd.js")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, gone.statusCode(), gone.body());
        assertEquals("no-store", gone.headers().firstValue("Cache-Control").orElse(""));
    }

    /** A page's path is never a metrics label: ids stay out of the labels, and no client can use them up. */
    @Test
    void pagePathsAreOneMetricsLabel() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String id = java.util.UUID.randomUUID().toString();
        for (String path : List.of("/stream/" + id, "/overlay/" + id, "/no-such-page-" + id)) {
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(root).resolve(path)).build(), HttpResponse.BodyHandlers.discarding()).statusCode(), path);
        }
        String metrics = com.coinstream.support.Management.given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(!metrics.contains(id), "no page path in the labels");
        assertTrue(metrics.contains("uri=\"/{page}\""), "pages are one label");
    }
}
