package com.coinstream.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.coinstream.support.Db;
import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LedgerChecks;
import com.coinstream.support.Rollups;
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
 * The live mechanics in a real browser: goal bars and combo counters in the room and on the overlay, the session
 * reminder's question with the gift's price, the battle bar in both rooms, and leaderboards with money and the opt-out.
 * Each journey asserts on the page, then on the API and a clean, reconciled ledger.
 */
@QuarkusTest
@TestProfile(BrowserProfile.class)
class EngagementJourneysTest {
    static final LocatorAssertions.ContainsTextOptions LIVE = new LocatorAssertions.ContainsTextOptions().setTimeout(15_000);
    static final Pattern MONEY = Pattern.compile("\\$\\d+\\.\\d\\d");

    @TestHTTPResource("/")
    String root;

    static String token(User user) {
        return Tokens.token(user.sub(), Set.of(user.groups().split(",")), user.birthdate(), user.region());
    }

    static String goLive(User creator, String title) {
        return Gql.ok(token(creator), "mutation($i: StartLiveStreamInput!) { startLiveStream(input: $i) { liveStream { id } } }",
                Gql.vars("i", Map.of("title", title))).getString("data.startLiveStream.liveStream.id");
    }

    static Locator button(Page page, String name) {
        return page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name));
    }

    @Test
    void aGoalFillsUpAndACombosCountsUpInTheRoomAndOnTheOverlayWithMoneyBesideCoins() {
        User creator = User.creator(Tokens.unique("e1-creator"));
        User viewer = User.viewer(Tokens.unique("e1-viewer"));
        Flows.fund(viewer.sub(), token(viewer), 100);
        String stream = goLive(creator, "Goal night");
        String key = Gql.ok(token(creator), "mutation { createOverlayKey(input: {label: \"OBS\"}) { key } }").getString("data.createOverlayKey.key");
        try (Tab studio = Browser.open(root, creator, Browser.DESKTOP); Tab room = Browser.open(root, viewer, Browser.DESKTOP);
                Tab overlay = Browser.open(root, null, Browser.DESKTOP)) {
            studio.go("/studio");
            studio.page.getByLabel("Goal", new Page.GetByLabelOptions().setExact(true)).fill("Ten roses");
            studio.page.getByLabel("Counts").selectOption("GIFT");
            studio.page.getByLabel("Gift to count").selectOption(new com.microsoft.playwright.options.SelectOption().setLabel("Rose"));
            studio.page.getByLabel("Target").fill("10");
            button(studio.page, "Set goal").click();
            assertThat(studio.page.getByTestId("studio-message")).containsText("Goal set: Ten roses.");

            overlay.go("/overlay/" + stream + "?key=" + key);
            room.go("/stream/" + stream);
            assertThat(room.page.getByTestId("goals")).containsText("Ten roses", LIVE);
            assertThat(room.page.getByTestId("goals")).containsText("0 / 10 Rose");
            room.page.locator("[data-gift='Rose']").click();
            room.page.getByLabel("Quantity").fill("3");
            button(room.page, "Send Rose × 3 (3 coins)").click();
            assertThat(room.page.getByTestId("feed")).containsText("Rose × 3", LIVE);
            button(room.page, "Send Rose × 3 (3 coins)").click();
            assertThat(room.page.getByTestId("combos")).containsText("×6", LIVE);
            assertThat(room.page.getByTestId("combos")).containsText(MONEY);
            assertThat(room.page.getByTestId("goals")).containsText("6 / 10 Rose", LIVE);
            assertThat(room.page.getByTestId("goals")).containsText(MONEY);
            assertThat(overlay.page.getByTestId("combos")).containsText("×6", LIVE);
            assertThat(overlay.page.getByTestId("goals")).containsText("6 / 10 Rose", LIVE);
            assertThat(studio.page.getByTestId("goals")).containsText("6 / 10 Rose", LIVE);
            room.screenshot("engagement-room-goal-combo");
            overlay.screenshot("engagement-overlay");
            room.assertNoConsoleErrors();
            overlay.assertNoConsoleErrors();
            studio.assertNoConsoleErrors();
        }
        var goals = Gql.ok(null, "query($s: ID!) { streamGoals(streamId: $s) { progress coins } }", Gql.vars("s", stream));
        assertEquals(6, goals.getLong("data.streamGoals[0].progress"));
        assertEquals(6, Db.number(Db.TEST_SCHEMA, "select sum(quantity) from gift_event where stream_id = ?::uuid", stream));
        assertEquals(94, Flows.coins(token(viewer)));
        LedgerChecks.assertClean();
    }

    @Test
    void theSessionReminderAsksBeforeTheNextGiftAndSaysWhatItCosts() {
        User viewer = User.viewer(Tokens.unique("e2-viewer"));
        Flows.fund(viewer.sub(), token(viewer), 100);
        var creator = Gifting.liveCreator("e2-creator");
        try (Tab tab = Browser.open(root, viewer, Browser.PHONE)) {
            tab.go("/spending");
            tab.page.getByLabel("Remind me after").fill("5");
            tab.page.locator("article").filter(new Locator.FilterOptions().setHasText("Session reminder"))
                    .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Set")).click();
            assertThat(tab.page.getByTestId("session-reminder")).containsText("After 5 coins");

            tab.go("/stream/" + creator.stream());
            tab.page.locator("[data-gift='Finger Heart']").click();
            button(tab.page, "Send Finger Heart × 1 (5 coins)").click();
            assertThat(tab.page.getByTestId("feed")).containsText("Finger Heart", LIVE);
            assertThat(tab.page.getByTestId("gift-sent")).hasText("Sent Finger Heart × 1");
            // while the next one is on its way (its answer held here), the gift tiles wait: a tap on another gift cannot
            // change what the confirmation it may bring would send
            java.util.concurrent.atomic.AtomicReference<com.microsoft.playwright.Route> held = new java.util.concurrent.atomic.AtomicReference<>();
            tab.page.route("**/graphql", route -> {
                String body = route.request().postData();
                if (body != null && body.contains("sendGift") && held.get() == null) {
                    held.set(route);
                } else {
                    route.resume();
                }
            });
            button(tab.page, "Send Finger Heart × 1 (5 coins)").click();
            tab.page.waitForCondition(() -> held.get() != null);
            assertThat(tab.page.locator("[data-gift='Rose']")).isDisabled();
            held.get().resume();
            assertThat(tab.page.getByRole(AriaRole.ALERT)).containsText("You asked to be reminded");
            tab.page.unrouteAll();
            assertThat(tab.page.getByTestId("gift-sent")).hasText("");
            Locator confirm = tab.page.getByTestId("confirm-gift");
            assertThat(confirm).containsText("Send it anyway: 5 coins");
            assertThat(confirm).containsText(MONEY);
            assertThat(tab.page.getByTestId("balance")).hasText("95");
            confirm.click();
            assertThat(tab.page.getByTestId("balance")).hasText("90", new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(15_000));
            tab.assertNoConsoleErrors();
        }
        assertEquals(2, Db.number(Db.TEST_SCHEMA, "select count(*) from gift_event where sender_id = ?", viewer.sub()));
        assertEquals(90, Flows.coins(token(viewer)));
        LedgerChecks.assertClean();
    }

    @Test
    void anAcceptedMatchShowsTheBattleBarInBothRoomsAndItsScoreIsTheGifts() {
        User a = User.creator(Tokens.unique("e3-a"));
        User b = User.creator(Tokens.unique("e3-b"));
        User viewer = User.viewer(Tokens.unique("e3-viewer"));
        Flows.fund(viewer.sub(), token(viewer), 100);
        String streamA = goLive(a, "Red corner");
        String streamB = goLive(b, "Blue corner");
        String match = Gql.ok(token(a), "mutation($i: InviteToMatchInput!) { inviteToMatch(input: $i) { match { id } } }",
                Gql.vars("i", Map.of("streamId", streamA, "opponentStreamId", streamB, "durationSeconds", 300))).getString("data.inviteToMatch.match.id");
        try (Tab studio = Browser.open(root, b, Browser.DESKTOP); Tab room = Browser.open(root, viewer, Browser.PHONE)) {
            studio.go("/studio");
            assertThat(studio.page.getByTestId("invitation")).containsText(a.sub() + " challenges you", LIVE);
            button(studio.page, "Accept").click();
            assertThat(studio.page.getByTestId("studio-message")).containsText("The match has started!");
            assertThat(studio.page.getByTestId("battle")).containsText("left", LIVE);

            room.go("/stream/" + streamA);
            assertThat(room.page.getByTestId("battle")).containsText(b.sub(), LIVE);
            room.page.locator("[data-gift='Finger Heart']").click();
            button(room.page, "Send Finger Heart × 1 (5 coins)").click();
            assertThat(room.page.getByTestId("battle")).containsText("5 coins", LIVE);
            assertThat(room.page.getByTestId("battle")).containsText(MONEY);
            assertThat(studio.page.getByTestId("battle")).containsText("5 coins", LIVE);
            room.screenshot("engagement-battle-390");
            studio.screenshot("engagement-battle-studio");
            room.assertNoConsoleErrors();
            studio.assertNoConsoleErrors();
        }
        var m = Gql.ok(null, "query($id: ID!) { match(id: $id) { status inviter { score } invitee { score } } }", Gql.vars("id", match));
        assertEquals("RUNNING", m.getString("data.match.status"));
        assertEquals(5, m.getLong("data.match.inviter.score"));
        assertEquals(0, m.getLong("data.match.invitee.score"));
        LedgerChecks.assertClean();
    }

    @Test
    void theLeaderboardShowsSupportersWithMoneyAndLeavesOutThoseWhoOptOut() {
        User viewer = User.viewer(Tokens.unique("e4-viewer"));
        Flows.fund(viewer.sub(), token(viewer), 100);
        var creator = Gifting.liveCreator("e4-creator");
        Gifting.send(token(viewer), creator.stream(), Gifting.PERFUME, 1, Flows.key());
        Rollups.drain(); // the board reads the rollups, which trail a gift (COINSTREAM_ROLLUP_INTERVAL)
        try (Tab tab = Browser.open(root, viewer, Browser.DESKTOP)) {
            tab.go("/leaderboards?creator=" + creator.id());
            Locator board = tab.page.getByTestId("leaderboard");
            assertThat(board).containsText(viewer.sub(), LIVE);
            assertThat(board).containsText("20 coins");
            assertThat(board).containsText(MONEY);
            tab.screenshot("engagement-leaderboard");
            assertEquals(List.of(), tab.accessibilityViolations());

            tab.go("/spending");
            tab.page.getByTestId("hide-from-leaderboards").check();
            assertThat(tab.page.getByRole(AriaRole.STATUS)).containsText("You are off every leaderboard now.");
            tab.go("/leaderboards?creator=" + creator.id());
            assertThat(tab.page.getByText("Nobody yet in this period.")).isVisible();

            // anonymous by default: the room's "Send anonymously" starts ticked
            tab.go("/account");
            assertThat(tab.page.getByTestId("export-contents")).isVisible(); // (the page has settled: the switch no longer moves)
            tab.page.getByTestId("account-anonymous-default").check();
            assertThat(tab.page.getByTestId("account-message")).containsText("Your gifts now start out anonymous");
            tab.go("/stream/" + creator.stream());
            tab.page.locator("[data-gift='Rose']").click();
            assertThat(tab.page.getByLabel("Send anonymously", new Page.GetByLabelOptions().setExact(true))).isChecked();
            tab.assertNoConsoleErrors();
        }
        assertTrue(Gql.ok(token(viewer), "{ me { anonymousByDefault } }").getBoolean("data.me.anonymousByDefault"));
        assertEquals(List.of(), Gql.ok(null, "query($c: String) { leaderboard(input: {scope: CREATOR_SUPPORTERS, creatorId: $c, period: DAY}) { nodes { rank } } }",
                Gql.vars("c", creator.id())).getList("data.leaderboard.nodes"));
        LedgerChecks.assertClean();
    }
}
