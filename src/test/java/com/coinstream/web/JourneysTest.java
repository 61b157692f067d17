package com.coinstream.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LedgerChecks;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Payouts;
import com.coinstream.support.Tokens;
import com.coinstream.web.Browser.Tab;
import com.coinstream.web.Browser.User;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * What people do, in headless Chromium against the app with its front end: each journey asserts on the page,
 * then on the API (balances, records, and a clean, reconciled ledger).
 */
@QuarkusTest
@TestProfile(BrowserProfile.class)
class JourneysTest {
    static final LocatorAssertions.ContainsTextOptions LIVE = new LocatorAssertions.ContainsTextOptions().setTimeout(15_000);

    @TestHTTPResource("/")
    String root;

    Tab open(User user, int width) {
        return Browser.open(root, user, width);
    }

    static String token(User user) {
        return Tokens.token(user.sub(), Set.of(user.groups().split(",")), user.birthdate(), user.region());
    }

    static Locator button(Page page, String name) {
        return page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name));
    }

    @Test
    void aViewerBuysCoinsAndSendsAGiftThatTheCreatorSeesArriveAndAcknowledges() {
        User viewer = User.viewer(Tokens.unique("j1-viewer"));
        User creator = User.creator(Tokens.unique("j1-creator"));
        String title = "Journey one " + UUID.randomUUID().toString().substring(0, 6);
        try (Tab studio = open(creator, Browser.DESKTOP); Tab room = open(viewer, Browser.DESKTOP)) {
            studio.go("/studio");
            studio.page.getByLabel("Stream title").fill(title);
            button(studio.page, "Go live").click();
            assertThat(studio.page.getByText("received")).isVisible();

            room.go("/store");
            room.page.getByLabel("Buy 70 coins for $0.99").click();
            assertThat(room.page.getByTestId("purchase-status")).containsText("70 coins added");
            assertThat(room.page.getByTestId("balance")).hasText("70");

            room.page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Live now").setExact(true)).click();
            room.page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(title)).click();
            room.page.locator("[data-gift='Finger Heart']").click();
            button(room.page, "Send Finger Heart × 1 (5 coins)").click();
            assertThat(room.page.getByTestId("feed")).containsText(viewer.sub() + " sent Finger Heart × 1", LIVE);
            assertThat(room.page.getByTestId("balance")).hasText("65");
            assertThat(room.page.getByTestId("stream-total")).containsText("5");

            assertThat(studio.page.getByTestId("studio-feed")).containsText(viewer.sub(), LIVE);
            assertThat(studio.page.getByTestId("studio-total")).containsText("5", LIVE);
            button(studio.page, "Thank " + viewer.sub() + " for Finger Heart").click();
            assertThat(studio.page.getByTestId("studio-feed")).containsText("thanked ♥");
            room.assertNoConsoleErrors();
            studio.assertNoConsoleErrors();
        }
        String viewerToken = token(viewer);
        assertEquals(65, Flows.coins(viewerToken));
        var receipts = Gql.ok(viewerToken, "{ giftReceipts { nodes { coins gift { name } acknowledgedAt } } }");
        assertEquals(List.of(5), receipts.getList("data.giftReceipts.nodes.coins"));
        assertTrue(receipts.getString("data.giftReceipts.nodes[0].acknowledgedAt") != null, "the creator's thanks is recorded");
        LedgerChecks.assertClean();
    }

    /**
     * When the whole request is refused, or never arrives, the page says so in plain words and what to do, and no coin
     * moves; a viewer who opens the console is told it is not theirs. (The network and the service's refusal are played
     * by the browser's own routing of the gift's request.)
     */
    @Test
    void aRefusedOrLostGiftIsSaidInPlainWordsAndMovesNothing() {
        User viewer = User.viewer(Tokens.unique("j10-viewer"));
        Flows.fund(viewer.sub(), token(viewer), 50);
        LiveCreator creator = Gifting.liveCreator("j10-creator");
        try (Tab tab = open(viewer, Browser.PHONE)) {
            tab.go("/admin");
            assertThat(tab.page.getByText("Sign in with an admin account to open the console.")).isVisible();
            tab.go("/stream/" + creator.stream());
            assertThat(tab.page.getByTestId("balance")).hasText("50");
            java.util.concurrent.atomic.AtomicReference<String> mode = new java.util.concurrent.atomic.AtomicReference<>("limited");
            tab.page.route("**/graphql", route -> {
                String body = route.request().postData();
                if (body == null || !body.contains("sendGift")) {
                    route.resume();
                } else if (mode.get().equals("limited")) {
                    route.fulfill(new com.microsoft.playwright.Route.FulfillOptions().setStatus(200).setContentType("application/json")
                            .setBody("{\"errors\":[{\"message\":\"Too many requests\",\"extensions\":{\"code\":\"RATE_LIMITED\"}}],\"data\":null}"));
                } else {
                    route.abort();
                }
            });
            tab.page.locator("[data-gift='Rose']").click();
            button(tab.page, "Send Rose × 1 (1 coin)").click();
            assertThat(tab.page.getByRole(AriaRole.ALERT)).containsText("That was a lot of gifts very fast.");
            assertThat(tab.page.getByRole(AriaRole.ALERT)).containsText("Wait a moment and send again.");
            mode.set("lost");
            button(tab.page, "Send Rose × 1 (1 coin)").click();
            assertThat(tab.page.getByRole(AriaRole.ALERT)).containsText("The service cannot be reached right now.");
            assertThat(tab.page.getByTestId("balance")).hasText("50");
        }
        assertEquals(50, Flows.coins(token(viewer)), "nothing was sent");
    }

    /**
     * A money action happens once however it is tried: a double click on Grant grants once, and a gift whose answer was
     * lost (the service took it; the page heard nothing), sent again after a reload, goes with the same idempotency key
     * and is sent once.
     */
    @Test
    void aDoubleClickOrATryAfterALostAnswerMovesMoneyOnce() {
        User admin = User.admin(Tokens.unique("j11-admin"));
        User viewer = User.viewer(Tokens.unique("j11-viewer"));
        Gql.ok(token(viewer), "{ me { id } }");
        LiveCreator creator = Gifting.liveCreator("j11-creator");
        try (Tab console = open(admin, Browser.DESKTOP)) {
            console.go("/admin");
            console.page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Accounts").setExact(true)).click();
            Locator grant = console.page.locator("article").filter(new Locator.FilterOptions().setHasText("Grant coins"));
            grant.getByLabel("User id").fill(viewer.sub());
            grant.getByLabel("Coins").fill("25");
            grant.getByLabel("Reason").fill("welcome");
            grant.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Grant").setExact(true)).dblclick();
            assertThat(console.page.getByText("Granted; their wallet now holds 25 coins.")).isVisible();
        }
        assertEquals(25, Flows.coins(token(viewer)), "granted once");

        // two Perfumes (40 coins) with 25: refused, the shortfall bought and the gift sent again, whose answer is lost; sent
        // once more by hand: every try goes with the first one's key, and the gift is sent once
        try (Tab tab = open(viewer, Browser.PHONE)) {
            tab.go("/stream/" + creator.stream());
            assertThat(tab.page.getByTestId("balance")).hasText("25");
            List<String> keys = new java.util.concurrent.CopyOnWriteArrayList<>();
            tab.page.route("**/graphql", route -> {
                String body = route.request().postData();
                if (body == null || !body.contains("sendGift")) {
                    route.resume();
                    return;
                }
                keys.add(io.restassured.path.json.JsonPath.from(body).getString("variables.input.idempotencyKey"));
                if (keys.size() == 2) {
                    route.fetch(); // the service takes it, and its answer never arrives
                    route.abort();
                } else {
                    route.resume();
                }
            });
            tab.page.locator("[data-gift='Perfume']").click();
            tab.page.getByLabel("Quantity").fill("2");
            button(tab.page, "Send Perfume × 2 (40 coins)").click();
            tab.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(java.util.regex.Pattern.compile("^Buy 15 coins for .* and send$")))
                    .click();
            assertThat(tab.page.getByRole(AriaRole.ALERT)).containsText("a purchase or gift tried again is never made twice");
            // tried again after a reload (what a person does next): the tab still holds the open gift's key
            tab.page.reload();
            assertThat(tab.page.getByTestId("balance")).hasText("0");
            tab.page.locator("[data-gift='Perfume']").click();
            tab.page.getByLabel("Quantity").fill("2");
            button(tab.page, "Send Perfume × 2 (40 coins)").click();
            assertThat(tab.page.getByRole(AriaRole.ALERT)).hasCount(0);
            assertThat(tab.page.getByTestId("balance")).hasText("0");
            assertEquals(3, keys.size(), keys.toString());
            assertEquals(1, keys.stream().distinct().count(), "the same key for every try: " + keys);
        }
        assertEquals(0, Flows.coins(token(viewer)), "sent once");
        assertEquals(1L, com.coinstream.support.Db.number(com.coinstream.support.Db.TEST_SCHEMA,
                "select count(*) from gift_event where sender_id = ?", viewer.sub()), "one gift");
        LedgerChecks.assertClean();
    }

    @Test
    void aViewerShortOfCoinsBuysTheExactShortfallAndTheGiftGoesThrough() {
        User viewer = User.viewer(Tokens.unique("j2-viewer"));
        Flows.fund(viewer.sub(), token(viewer), 12);
        LiveCreator creator = Gifting.liveCreator("j2-creator");
        try (Tab tab = open(viewer, Browser.PHONE)) {
            tab.go("/stream/" + creator.stream());
            assertThat(tab.page.getByTestId("balance")).hasText("12");
            tab.page.locator("[data-gift='Perfume']").click();
            button(tab.page, "Send Perfume × 1 (20 coins)").click();
            Locator refusal = tab.page.getByRole(AriaRole.ALERT);
            assertThat(refusal).containsText("You need 8 more coins for this gift.");
            Locator topUp = tab.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(java.util.regex.Pattern.compile("^Buy 8 coins for \\$0\\.\\d\\d and send$")));
            topUp.click();
            assertThat(tab.page.getByTestId("feed")).containsText(viewer.sub() + " sent Perfume × 1", LIVE);
            assertThat(tab.page.getByTestId("balance")).hasText("0");

            // My spending: the weeks as a chart, summarised for a screen reader, and the same weeks in a table
            int weeks = Gql.ok(token(viewer), "{ spendingHistory { from } }").getList("data.spendingHistory").size();
            tab.go("/spending");
            Locator chart = tab.page.getByTestId("spending-by-week-chart");
            assertThat(chart.locator("figcaption")).containsText("Spent per week");
            assertThat(chart.locator("canvas[role=img]")).hasAttribute("aria-label", java.util.regex.Pattern.compile("^Bar chart of the money you spent\\b.+"));
            assertThat(chart.getByTestId("spending-week-row")).hasCount(weeks);
            tab.assertNoConsoleErrors();
        }
        String t = token(viewer);
        assertEquals(0, Flows.coins(t));
        // today and yesterday, summed: the journey may have crossed midnight
        var spent = Gql.ok(t, "{ spendingHistory(period: DAY, last: 2) { coinsBought coinsGifted giftsSent } }");
        assertEquals(8, spent.getLong("data.spendingHistory.sum { it.coinsBought }"));
        assertEquals(20, spent.getLong("data.spendingHistory.sum { it.coinsGifted }"));
        assertEquals(1, spent.getLong("data.spendingHistory.sum { it.giftsSent }"));
        LedgerChecks.assertClean();
    }

    @Test
    void aViewerReachesTheirDailyCapAndSeesWhatRemainsAndWhenItResets() {
        User viewer = User.viewer(Tokens.unique("j3-viewer"));
        Flows.fund(viewer.sub(), token(viewer), 100);
        LiveCreator creator = Gifting.liveCreator("j3-creator");
        try (Tab tab = open(viewer, Browser.DESKTOP)) {
            tab.go("/spending");
            Locator daily = tab.page.locator("article").filter(new Locator.FilterOptions().setHasText("Daily limit"));
            daily.getByLabel("New daily limit").fill("6");
            daily.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Set")).click();
            assertThat(tab.page.getByRole(AriaRole.STATUS)).containsText("Your daily limit is now 6 coins, in force at once.");
            assertThat(tab.page.getByTestId("limit-DAY")).containsText("6 coins");

            tab.go("/stream/" + creator.stream());
            tab.page.locator("[data-gift='Finger Heart']").click();
            button(tab.page, "Send Finger Heart × 1 (5 coins)").click();
            assertThat(tab.page.getByTestId("feed")).containsText("Finger Heart", LIVE);
            button(tab.page, "Send Finger Heart × 1 (5 coins)").click();
            assertThat(tab.page.getByRole(AriaRole.ALERT)).containsText("This gift would pass your daily limit of 6 coins: 1 left until ");
            assertThat(tab.page.getByRole(AriaRole.ALERT)).containsText("Send a smaller gift, or change your limit under My spending");
            assertThat(tab.page.getByTestId("balance")).hasText("95");
            tab.assertNoConsoleErrors();
        }
        var limits = Gql.ok(token(viewer), "{ spendingLimits { period coins spent remaining } }");
        Map<String, Object> day = limits.<Map<String, Object>> getList("data.spendingLimits").stream()
                .filter(l -> "DAY".equals(l.get("period"))).findFirst().orElseThrow();
        assertEquals(6, ((Number) day.get("coins")).intValue());
        assertEquals(5, ((Number) day.get("spent")).intValue());
        assertEquals(1, ((Number) day.get("remaining")).intValue());
        assertEquals(95, Flows.coins(token(viewer)));
        LedgerChecks.assertClean();
    }

    @Test
    void aCreatorRequestsAPayoutThatTheAdminApprovesAndMarksPaidAndTheCreatorSeesTheTimeline() throws InterruptedException {
        User creator = User.creator(Tokens.unique("j4-creator"));
        String creatorToken = token(creator);
        String stream = Gql.ok(creatorToken, "mutation { startLiveStream(input: {title: \"Payday\"}) { liveStream { id } } }")
                .getString("data.startLiveStream.liveStream.id");
        var fan = Gifting.fundedViewer("j4-fan", 44999);
        Gifting.send(fan.token(), stream, Payouts.UNIVERSE, 1, Flows.key());
        String account = Payouts.verifiedAccount(creatorToken);
        Thread.sleep(2500); // the profile's diamond hold is 2 s
        try (Tab studio = open(creator, Browser.DESKTOP); Tab admin = open(User.admin(Tokens.unique("j4-admin")), Browser.DESKTOP)) {
            studio.go("/studio");
            studio.page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Payouts")).click();
            assertThat(studio.page.getByText("The smallest payout is 2,000 diamonds")).isVisible();
            studio.page.getByLabel("Diamonds").fill("2000");
            button(studio.page, "Request payout").click();
            assertThat(studio.page.getByTestId("studio-message")).containsText("Payout of $10.00 requested; expected by");
            assertThat(studio.page.getByTestId("payout-status")).hasText("requested");

            admin.go("/admin");
            admin.page.getByLabel("Creator id").fill(creator.sub());
            button(admin.page, "Filter").click();
            Locator row = admin.page.getByTestId("queue-row");
            assertThat(row).hasCount(1);
            row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Approve")).click();
            assertThat(admin.page.getByTestId("admin-message")).containsText("Payout of $10.00 approved.");
            button(admin.page, "approved").click();
            assertThat(row).hasCount(1);
            row.getByLabel("Provider reference, or reason it failed").fill("pp_tx_778899");
            row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Mark paid")).click();
            assertThat(admin.page.getByTestId("admin-message")).containsText("Payout of $10.00 marked paid.");

            studio.go("/studio");
            studio.page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Payouts")).click();
            assertThat(studio.page.getByTestId("payout-status")).hasText("paid");
            Locator timeline = studio.page.getByTestId("payout").locator(".timeline li");
            assertThat(timeline).hasCount(3);
            assertThat(timeline.nth(0)).containsText("requested");
            assertThat(timeline.nth(1)).containsText("approved");
            assertThat(timeline.nth(2)).containsText("paid");
            assertThat(studio.page.getByTestId("payout")).containsText("reference pp_tx_778899");
            studio.assertNoConsoleErrors();
            admin.assertNoConsoleErrors();
        }
        var payouts = Gql.ok(creatorToken, "{ payouts { nodes { status diamonds externalReference payoutAccount { id } } } }");
        assertEquals(List.of("PAID"), payouts.getList("data.payouts.nodes.status"));
        assertEquals(account, payouts.getString("data.payouts.nodes[0].payoutAccount.id"));
        assertEquals(22499 - 2000, Payouts.earnings(creatorToken).getLong("data.earnings.diamonds.available"));
        LedgerChecks.assertClean();
    }

    @Test
    void theOverlayShowsAGiftSentElsewhereAndARevokedKeyStopsIt() {
        User creator = User.creator(Tokens.unique("j5-creator"));
        String creatorToken = token(creator);
        String stream = Gql.ok(creatorToken, "mutation { startLiveStream(input: {title: \"On air\"}) { liveStream { id } } }")
                .getString("data.startLiveStream.liveStream.id");
        int roses = 0;
        var fan = Gifting.fundedViewer("j5-fan", 200);
        try (Tab studio = open(creator, Browser.DESKTOP)) {
            studio.go("/studio");
            studio.page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Overlay")).click();
            studio.page.getByLabel("Name").fill("OBS");
            button(studio.page, "Create a key").click();
            String url = studio.page.getByTestId("overlay-url").textContent().strip();
            // one address for every stream: the creator's, which follows their live stream
            assertTrue(url.contains("/overlay?creator=" + java.net.URLEncoder.encode(creator.sub(), java.nio.charset.StandardCharsets.UTF_8)
                    + "&key="), url);
            try (Tab overlay = open(null, 1920)) {
                overlay.go(url.substring(url.indexOf("/overlay")));
                overlay.page.waitForTimeout(1000); // the overlay subscribes
                Gifting.send(fan.token(), stream, Gifting.PERFUME, 1, Flows.key());
                assertThat(overlay.page.getByTestId("overlay-alerts")).containsText(fan.id() + " sent Perfume", LIVE);
                assertThat(overlay.page.getByTestId("overlay-top")).containsText(fan.id() + " · 20 coins", LIVE);
                assertEquals("rgba(0, 0, 0, 0)", overlay.page.evaluate("getComputedStyle(document.documentElement).backgroundColor + ''"),
                        "the overlay page is transparent (streaming software composes it over the video)");
                assertEquals("rgba(0, 0, 0, 0)", overlay.page.evaluate("getComputedStyle(document.body).backgroundColor + ''"));
                overlay.screenshot("overlay-1920");

                // the next stream, on the same browser source: it moves there once the creator is live again
                Gql.ok(creatorToken, "mutation($i: EndLiveStreamInput!) { endLiveStream(input: $i) { liveStream { status } } }",
                        Gql.vars("i", Map.of("streamId", stream)));
                String next = Gql.ok(creatorToken, "mutation { startLiveStream(input: {title: \"Again\"}) { liveStream { id } } }")
                        .getString("data.startLiveStream.liveStream.id");
                // (a rose's alert stays 3 s: each try watches for its own)
                boolean followed = false;
                for (int tries = 0; tries < 8 && !followed; tries++) {
                    Gifting.send(fan.token(), next, Gifting.ROSE, 1, Flows.key());
                    roses++;
                    try {
                        overlay.page.getByTestId("overlay-alerts").getByText(fan.id() + " sent Rose")
                                .waitFor(new Locator.WaitForOptions().setTimeout(5_000));
                        followed = true;
                    } catch (com.microsoft.playwright.TimeoutError notYet) {
                        // not there yet: the overlay looks for the creator's live stream every 15 s
                    }
                }
                assertTrue(followed, "the overlay moved to the creator's next stream");
                stream = next;

                button(studio.page, "Revoke the overlay key").click();
                button(studio.page, "Revoke: the overlay stops").click(); // (two steps: it cannot be undone)
                assertThat(studio.page.getByText("revoked")).isVisible();
                Gifting.send(fan.token(), stream, Gifting.HAND_HEARTS, 1, Flows.key());
                assertThat(overlay.page.getByRole(AriaRole.ALERT)).containsText("This overlay key is not valid for this stream", LIVE);
                assertThat(overlay.page.getByTestId("overlay-alerts")).not().containsText("Hand Hearts");
                overlay.page.reload();
                assertThat(overlay.page.getByRole(AriaRole.ALERT)).containsText("This overlay key is not valid for this stream", LIVE);
            }
            studio.assertNoConsoleErrors();
        }
        String key = Gql.ok(creatorToken, "{ overlayKeys { revokedAt } }").getString("data.overlayKeys[0].revokedAt");
        assertTrue(key != null, "the key is revoked");
        assertEquals(200 - 20 - 100 - roses, Flows.coins(fan.token()));
        LedgerChecks.assertClean();
    }

    @Test
    void aMinorSeesWhyTheyCannotBuyOrGift() {
        User minor = User.minor(Tokens.unique("j6-minor"));
        LiveCreator creator = Gifting.liveCreator("j6-creator");
        try (Tab tab = open(minor, Browser.PHONE)) {
            tab.go("/store");
            assertThat(tab.page.getByRole(AriaRole.NOTE)).containsText("Buying coins is only for people aged 18 and over");
            tab.page.getByLabel("Buy 70 coins for $0.99").click();
            assertThat(tab.page.getByRole(AriaRole.ALERT)).containsText("only for people aged 18 and over, and your verified age is under 18");
            assertThat(tab.page.getByRole(AriaRole.ALERT)).containsText("You can still watch every stream and its gifts.");

            tab.go("/stream/" + creator.stream());
            assertThat(tab.page.getByRole(AriaRole.NOTE)).containsText("You can still watch.");
            tab.page.locator("[data-gift='Rose']").click();
            button(tab.page, "Send Rose × 1 (1 coin)").click();
            assertThat(tab.page.getByRole(AriaRole.ALERT)).containsText("only for people aged 18 and over");
            tab.assertNoConsoleErrors();
        }
        String t = token(minor);
        assertEquals(0, Flows.coins(t));
        assertEquals(List.of(), Gql.ok(t, "{ giftReceipts { nodes { id } } }").getList("data.giftReceipts.nodes"));
        LedgerChecks.assertClean();
    }

    @Test
    void theHeaderBalanceFollowsTheSendGiftPayloadAlone() {
        User viewer = User.viewer(Tokens.unique("cache-viewer"));
        Flows.fund(viewer.sub(), token(viewer), 50);
        LiveCreator creator = Gifting.liveCreator("cache-creator");
        try (Tab tab = open(viewer, Browser.DESKTOP)) {
            // No subscriptions at all (walletChanged cannot help): the socket is answered by nobody.
            tab.page.routeWebSocket("**/graphql", ws -> {
            });
            tab.go("/stream/" + creator.stream());
            assertThat(tab.page.getByTestId("balance")).hasText("50");
            assertThat(tab.page.getByText("No gifts yet. Be the first!")).isVisible();
            List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
            tab.page.onRequest(r -> {
                if (r.url().endsWith("/graphql") && r.postData() != null) {
                    requests.add(r.postData());
                }
            });
            tab.page.locator("[data-gift='Finger Heart']").click();
            button(tab.page, "Send Finger Heart × 1 (5 coins)").click();
            assertThat(tab.page.getByTestId("balance")).hasText("45");
            assertTrue(requests.stream().anyMatch(r -> r.contains("\"operationName\":\"SendGift\"")), requests.toString());
            assertTrue(requests.stream().noneMatch(r -> r.contains("\"operationName\":\"Wallet\"")), "no wallet refetch: " + requests);
        }
        assertEquals(45, Flows.coins(token(viewer)));
    }
}
