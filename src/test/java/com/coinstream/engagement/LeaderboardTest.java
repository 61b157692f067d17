package com.coinstream.engagement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.coinstream.support.Db;
import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LedgerChecks;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Race;
import com.coinstream.support.Rollups;
import com.coinstream.support.TestClock;
import com.coinstream.support.Tokens;
import com.coinstream.support.Viewer;

import io.restassured.path.json.JsonPath;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Leaderboards, topGifters and earnings are read from rollups kept in the gift batch's transaction: they equal
 * the ledger per period (ledgerAudit's ROLLUP checks, and here through the API), anonymous gifts show as
 * "Anonymous" everywhere but to their sender, and a viewer can stay off every leaderboard.
 */
@QuarkusTest
class LeaderboardTest {
    @Inject
    TestClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    static final String BOARD = """
            query($i: LeaderboardInput!) { leaderboard(input: $i) {
              nodes { rank coins gifts profile { id displayName } value { amount currency } } pageInfo { hasNextPage endCursor } periodStart periodEnd } }
            """;

    static JsonPath board(String token, String scope, String period, String creatorId, Integer first, String after) {
        Map<String, Object> input = new HashMap<>(Map.of("scope", scope, "period", period));
        if (creatorId != null) {
            input.put("creatorId", creatorId);
        }
        if (first != null) {
            input.put("first", first);
        }
        if (after != null) {
            input.put("after", after);
        }
        return Gql.ok(token, BOARD, Gql.vars("i", input));
    }

    /**
     * Equal amounts are ordered by the id others see: an erased creator's pseudonymous one, never their own id (whose
     * order beside a creator one controls would tell about it, one comparison at a time).
     */
    @Test
    void equalAmountsAreOrderedByTheIdOthersSeeNotAnErasedPersonsOwnId() {
        LiveCreator erased = creatorNamed(Tokens.unique("zz-tie"));
        LiveCreator kept = creatorNamed(Tokens.unique("mm-tie"));
        for (LiveCreator c : List.of(erased, kept)) {
            Viewer fan = Gifting.fundedViewer("tiefan", 1126);
            for (String gift : List.of(Gifting.GALAXY, Gifting.HAND_HEARTS, Gifting.PERFUME, Gifting.FINGER_HEART, Gifting.ROSE)) {
                assertEquals(null, Gifting.code(Gifting.send(fan.token(), c.stream(), gift, 1, Flows.key())));
            }
        }
        String at = clock.instant().toString();
        clock.advance(java.time.Duration.ofDays(7).plusMinutes(1)); // an erasure waits for diamonds still maturing
        com.coinstream.support.Payouts.earnings(erased.token());
        com.coinstream.support.Erasures.erase(erased.token());
        Rollups.drain();
        List<String> tied = new java.util.ArrayList<>();
        JsonPath page = Gql.ok(null, BOARD, Gql.vars("i", Map.of("scope", "TOP_CREATORS", "period", "DAY", "at", at, "first", 100)));
        List<Map<String, Object>> nodes = page.getList("data.leaderboard.nodes");
        for (Map<String, Object> n : nodes) {
            String id = String.valueOf(((Map<?, ?>) n.get("profile")).get("id"));
            if (((Number) n.get("coins")).longValue() == 1126 && (id.startsWith("erased-") || id.equals(kept.id()))) {
                tied.add(id.startsWith("erased-") ? "erased" : "kept");
            }
        }
        assertEquals(List.of("erased", "kept"), tied, "'erased-…' before 'mm-tie-…', whatever the erased creator's own id ('zz-tie-…')");
    }

    static LiveCreator creatorNamed(String id) {
        String token = Tokens.creator(id);
        return new LiveCreator(id, token, Gifting.startStream(token, "Tie"));
    }

    /** Coins per supporter of a creator from the ledger: each gift's wallet debit, for gifts no reversal took back. */
    static Map<String, Long> ledgerSupporters(String creatorId) {
        Map<String, Long> coins = new HashMap<>();
        for (Map<String, Object> r : Db.rows(Db.TEST_SCHEMA, """
                select case when g.anonymous then 'anonymous' else g.sender_id end as who, -sum(p.amount) as coins
                from gift_event g join posting p on p.entry_id = g.entry_id
                join ledger_account a on a.id = p.account_id and a.owner_id = g.sender_id and a.purpose = 'WALLET'
                where g.creator_id = ? and g.reversed_entry_id is null group by 1
                """, creatorId)) {
            coins.put((String) r.get("who"), ((Number) r.get("coins")).longValue());
        }
        return coins;
    }

    @Test
    void aHundredAndTwentyRacingGiftsLandOnEveryLeaderboardExactlyAsInTheLedger() {
        clock.advanceToNext(DayOfWeek.TUESDAY, LocalTime.of(1, 0)); // the gifts and the boards' checks stay inside one day and week
        LiveCreator creator = Gifting.liveCreator("board");
        Viewer[] fans = new Viewer[12];
        for (int i = 0; i < fans.length; i++) {
            fans[i] = Gifting.fundedViewer("boardfan" + i, 1000);
        }
        String gift = "mutation($input: SendGiftInput!) { sendGift(input: $input) { receipt { id } userErrors { code } } }";
        List<JsonPath> sent = Race.run(120, i -> Gql.ok(fans[i % fans.length].token(), gift, Gql.input("streamId", creator.stream(),
                "giftId", i % 3 == 0 ? Gifting.FINGER_HEART : Gifting.ROSE, "quantity", 1 + i % 4, "idempotencyKey", Flows.key(),
                "anonymous", i % 12 == 11)));
        assertTrue(sent.stream().allMatch(r -> r.getList("data.sendGift.userErrors").isEmpty()), "every gift accepted");
        LedgerChecks.assertClean(); // with gifts still queued for the rollups: the audit counts them as not yet applied
        Rollups.drain();

        Map<String, Long> ledger = ledgerSupporters(creator.id());
        for (String period : List.of("DAY", "WEEK", "MONTH", "ALL_TIME")) {
            Map<String, Long> shown = new HashMap<>();
            String after = null;
            long lastCoins = Long.MAX_VALUE;
            int rank = 0;
            do {
                JsonPath page = board(null, "CREATOR_SUPPORTERS", period, creator.id(), 5, after);
                for (Map<String, Object> e : page.<Map<String, Object>> getList("data.leaderboard.nodes")) {
                    @SuppressWarnings("unchecked")
                    String who = ((Map<String, Object>) e.get("profile")).get("id").toString();
                    long coins = ((Number) e.get("coins")).longValue();
                    assertEquals(++rank, ((Number) e.get("rank")).intValue());
                    assertTrue(coins <= lastCoins, "ordered by coins");
                    lastCoins = coins;
                    shown.merge(who, coins, Long::sum);
                }
                after = page.getBoolean("data.leaderboard.pageInfo.hasNextPage") ? page.getString("data.leaderboard.pageInfo.endCursor") : null;
            } while (after != null);
            assertEquals(ledger, shown, period);
        }
        JsonPath top = Gql.ok(null, "query($s: ID!) { topGifters(streamId: $s, first: 20) { supporter { id } coins } }", Gql.vars("s", creator.stream()));
        Map<String, Long> room = new HashMap<>();
        for (Map<String, Object> t : top.<Map<String, Object>> getList("data.topGifters")) {
            @SuppressWarnings("unchecked")
            String who = ((Map<String, Object>) t.get("supporter")).get("id").toString();
            room.merge(who, ((Number) t.get("coins")).longValue(), Long::sum);
        }
        assertEquals(ledger, room, "topGifters");
        long total = ledger.values().stream().mapToLong(Long::longValue).sum();
        assertEquals(total, Gql.ok(creator.token(), "{ earnings { totals { coins } } }").getLong("data.earnings.totals.coins"));
        LedgerChecks.assertClean(); // includes every rollup against the ledger, per period (ROLLUP)
    }

    @Test
    void anAnonymousGiftIsAnonymousEverywhereButToItsSender() {
        LiveCreator creator = Gifting.liveCreator("anoncreator");
        Viewer fan = Gifting.fundedViewer("shyfan", 100);
        String receipt = Gql.ok(fan.token(), "mutation($input: SendGiftInput!) { sendGift(input: $input) { receipt { id anonymous sender { id displayName } } userErrors { code } } }",
                Gql.input("streamId", creator.stream(), "giftId", Gifting.PERFUME, "quantity", 1, "idempotencyKey", Flows.key(), "anonymous", true))
                .getString("data.sendGift.receipt.sender.id");
        assertEquals(fan.id(), receipt, "the sender sees themselves");
        Rollups.drain();
        String everyone = Gql.ok(creator.token(), "query($s: ID!) { streamEvents(streamId: $s) { senderName } topGifters(streamId: $s) { supporter { id displayName } } "
                + "giftsReceived { nodes { anonymous sender { id displayName } } } earnings { topSupporters { supporter { displayName } } } }",
                Gql.vars("s", creator.stream())).prettify();
        assertFalse(everyone.contains(fan.id()), everyone);
        assertTrue(everyone.contains("\"senderName\": \"Anonymous\""), everyone);
        String board = board(null, "CREATOR_SUPPORTERS", "DAY", creator.id(), null, null).prettify();
        assertFalse(board.contains(fan.id()), board);
        assertTrue(board.contains("\"displayName\": \"Anonymous\""), board);
        String gifters = board(null, "TOP_GIFTERS", "ALL_TIME", null, 100, null).prettify();
        assertFalse(gifters.contains(fan.id()), "an anonymous-only gifter is not on the platform's board by name");
        assertTrue(Gql.ok(fan.token(), "{ giftReceipts { nodes { anonymous } } }").getBoolean("data.giftReceipts.nodes[0].anonymous"));
    }

    @Test
    void aViewerCanStayOffEveryLeaderboard() {
        LiveCreator creator = Gifting.liveCreator("privcreator");
        Viewer fan = Gifting.fundedViewer("privfan", 100);
        Gifting.send(fan.token(), creator.stream(), Gifting.PERFUME, 1, Flows.key());
        Rollups.drain();
        assertTrue(board(null, "CREATOR_SUPPORTERS", "DAY", creator.id(), null, null).prettify().contains(fan.id()));
        String set = "mutation($h: Boolean!) { setPrivacy(input: {hideFromLeaderboards: $h}) { privacy { hideFromLeaderboards } userErrors { code } } }";
        assertTrue(Gql.ok(fan.token(), set, Gql.vars("h", true)).getBoolean("data.setPrivacy.privacy.hideFromLeaderboards"));
        assertTrue(Gql.ok(fan.token(), "{ me { hideFromLeaderboards } }").getBoolean("data.me.hideFromLeaderboards"));
        String seen = Gql.ok(null, "query($s: ID!, $i: LeaderboardInput!) { topGifters(streamId: $s) { supporter { id } } leaderboard(input: $i) { nodes { profile { id } } } }",
                Gql.vars("s", creator.stream(), "i", Map.of("scope", "CREATOR_SUPPORTERS", "period", "ALL_TIME", "creatorId", creator.id()))).prettify();
        assertFalse(seen.contains(fan.id()), seen);
        Gql.ok(fan.token(), set, Gql.vars("h", false));
        assertTrue(board(null, "CREATOR_SUPPORTERS", "ALL_TIME", creator.id(), null, null).prettify().contains(fan.id()));
    }

    @Test
    void anonymousByDefaultRoundTripsAndASettingLeftOutStaysAsItIs() {
        String fan = Tokens.viewer(Tokens.unique("anondefault"));
        String me = "{ me { hideFromLeaderboards anonymousByDefault } }";
        String set = "mutation($i: SetPrivacyInput!) { setPrivacy(input: $i) { privacy { hideFromLeaderboards anonymousByDefault } userErrors { code field } } }";
        assertFalse(Gql.ok(fan, me).getBoolean("data.me.anonymousByDefault"), "named until the person chooses otherwise");

        JsonPath on = Gql.ok(fan, set, Gql.vars("i", Map.of("anonymousByDefault", true)));
        assertTrue(on.getBoolean("data.setPrivacy.privacy.anonymousByDefault"));
        assertFalse(on.getBoolean("data.setPrivacy.privacy.hideFromLeaderboards"), "left out, so unchanged");
        assertTrue(Gql.ok(fan, me).getBoolean("data.me.anonymousByDefault"));

        JsonPath hidden = Gql.ok(fan, set, Gql.vars("i", Map.of("hideFromLeaderboards", true)));
        assertTrue(hidden.getBoolean("data.setPrivacy.privacy.hideFromLeaderboards"));
        assertTrue(hidden.getBoolean("data.setPrivacy.privacy.anonymousByDefault"), "left out, so unchanged");

        Gql.ok(fan, set, Gql.vars("i", Map.of("anonymousByDefault", false)));
        JsonPath now = Gql.ok(fan, me);
        assertFalse(now.getBoolean("data.me.anonymousByDefault"));
        assertTrue(now.getBoolean("data.me.hideFromLeaderboards"), "left out, so unchanged");

        JsonPath nothing = Gql.ok(fan, set, Gql.vars("i", Map.of()));
        assertEquals("INVALID_INPUT", nothing.getString("data.setPrivacy.userErrors[0].code"));
        assertEquals(List.of("input"), nothing.getList("data.setPrivacy.userErrors[0].field"));
        assertEquals(now.getMap("data.me"), Gql.ok(fan, me).getMap("data.me"), "a refused call changes nothing");

        Gql.ok(fan, set, Gql.vars("i", Map.of("anonymousByDefault", true)));
        String export = Gql.ok(fan, "{ exportMyData { document } }").getString("data.exportMyData.document");
        assertTrue(JsonPath.from(export).getBoolean("profile.anonymousByDefault"), "the export lists it with the other privacy choices");
    }

    @Test
    void aGiftThatDoesNotSayFollowsTheSendersAnonymousByDefaultAndOneThatSaysDecidesForItself() {
        LiveCreator creator = Gifting.liveCreator("anonfollow");
        var fan = Gifting.fundedViewer("anonfollowfan", 100);
        String set = "mutation($i: SetPrivacyInput!) { setPrivacy(input: $i) { userErrors { code } } }";
        String send = "mutation($i: SendGiftInput!) { sendGift(input: $i) { receipt { id anonymous } userErrors { code } } }";
        java.util.function.BiFunction<Boolean, String, Boolean> gift = (anonymous, key) -> {
            Map<String, Object> input = new java.util.HashMap<>(Map.of("streamId", creator.stream(), "giftId", Gifting.ROSE, "quantity", 1,
                    "idempotencyKey", key));
            if (anonymous != null) {
                input.put("anonymous", anonymous);
            }
            return Gql.ok(fan.token(), send, Gql.vars("i", input)).getBoolean("data.sendGift.receipt.anonymous");
        };
        assertFalse(gift.apply(null, Flows.key()), "named until the person chooses otherwise");
        Gql.ok(fan.token(), set, Gql.vars("i", Map.of("anonymousByDefault", true)));
        String key = Flows.key();
        assertTrue(gift.apply(null, key), "left out: the person's choice");
        assertFalse(gift.apply(false, Flows.key()), "said: this gift named");
        Gql.ok(fan.token(), set, Gql.vars("i", Map.of("anonymousByDefault", false)));
        assertTrue(gift.apply(null, key), "a retry replays what the first attempt made");
        assertFalse(gift.apply(null, Flows.key()));
        // the room, the feed and the creator's receipts saw "Anonymous" for the one that followed the choice
        List<String> names = Db.rows(Db.TEST_SCHEMA, "select anonymous::text as a from gift_event where stream_id = ?::uuid order by stream_seq",
                creator.stream()).stream().map(r -> String.valueOf(r.get("a"))).toList();
        assertEquals(List.of("false", "true", "false", "false"), names);
        // a change no instance was told of (made on another one, whose event has not arrived): followed from the next gift,
        // as the batch reads the setting from the sender's row when it makes the gift
        Db.rows(Db.TEST_SCHEMA, "update app_user set anonymous_by_default = true where id = ? returning id", fan.id());
        assertTrue(gift.apply(null, Flows.key()), "the setting as the database has it, not as an instance remembers it");
        LedgerChecks.assertClean();
    }

    /**
     * Each list's cursors are its own: a live streams cursor (its position a platform-wide stream number) given to a
     * leaderboard was read as an offset, which the page's ranks then showed. It is refused, as one of another board is.
     */
    @Test
    void aCursorOfAnotherListOrBoardIsRefused() {
        LiveCreator creator = Gifting.liveCreator("cursorkinds");
        // a gift this week, so the weekly boards have an entry (and a cursor) to try
        Gifting.send(Gifting.fundedViewer("cursorkindsfan", 10).token(), creator.stream(), Gifting.ROSE, 1, Flows.key());
        Rollups.drain();
        String streams = Gql.ok(null, "{ liveStreams(first: 1) { pageInfo { endCursor } } }").getString("data.liveStreams.pageInfo.endCursor");
        String board = "query($i: LeaderboardInput!) { leaderboard(input: $i) { nodes { rank } pageInfo { endCursor } } }";
        assertEquals("BAD_USER_INPUT", Gql.errorCode(Gql.post(null, board, Gql.vars("i", Map.of("scope", "TOP_GIFTERS", "period", "ALL_TIME",
                "after", streams)))));
        String weekly = Gql.ok(null, "{ leaderboard(input: {scope: TOP_CREATORS, period: WEEK, first: 1}) { pageInfo { endCursor } } }")
                .getString("data.leaderboard.pageInfo.endCursor");
        assertEquals("BAD_USER_INPUT", Gql.errorCode(Gql.post(null, board, Gql.vars("i", Map.of("scope", "TOP_GIFTERS", "period", "WEEK",
                "after", weekly)))), "another board's cursor");
        Gql.ok(null, board, Gql.vars("i", Map.of("scope", "TOP_CREATORS", "period", "WEEK", "after", weekly))); // its own board takes it
        // another week's board of the same kind is another board
        assertEquals("BAD_USER_INPUT", Gql.errorCode(Gql.post(null, board, Gql.vars("i", Map.of("scope", "TOP_CREATORS", "period", "WEEK",
                "at", clock.instant().minus(java.time.Duration.ofDays(8)).toString(), "after", weekly)))), "last week's board");
        // a page of none has no next page (with no end cursor, a client following it would read the first page for ever)
        var none = Gql.ok(null, "{ leaderboard(input: {scope: TOP_CREATORS, period: WEEK, first: 0}) { pageInfo { hasNextPage endCursor } } }");
        assertEquals(false, none.getBoolean("data.leaderboard.pageInfo.hasNextPage"));
    }

    @Test
    void aRefundTakesItsGiftsOffTheLeaderboards() {
        LiveCreator creator = Gifting.liveCreator("refundboard");
        String fanId = Tokens.unique("refundfan");
        String fan = Tokens.viewer(fanId);
        String purchase = Flows.buyPackage(fan, Flows.PKG_350, "pm_card_ok", Flows.key()).getString("data.purchaseCoins.purchase.id");
        Gifting.send(fan, creator.stream(), Gifting.HAND_HEARTS, 1, Flows.key());
        Rollups.drain();
        assertEquals(100, board(null, "CREATOR_SUPPORTERS", "DAY", creator.id(), null, null).getLong("data.leaderboard.nodes[0].coins"));
        Gql.ok(Tokens.admin(), "mutation($input: ReversePurchaseInput!) { reversePurchase(input: $input) { reversal { id } userErrors { code } } }",
                Gql.input("purchaseId", purchase, "kind", "REFUND", "idempotencyKey", Flows.key()));
        Rollups.drain();
        assertEquals(List.of(), board(null, "CREATOR_SUPPORTERS", "DAY", creator.id(), null, null).getList("data.leaderboard.nodes"));
        assertEquals(Map.of(), ledgerSupporters(creator.id()));
        LedgerChecks.assertClean();
    }

    /**
     * A creator's earnings by stream come from the stream's counter row (V58), which keeps every gift: a refund's reversed
     * gifts are taken out when read, and a stream whose every gift was reversed leaves the breakdown. No round of the
     * applier is needed either way.
     */
    @Test
    void aRefundTakesItsGiftsOutOfTheEarningsByStream() {
        LiveCreator creator = Gifting.liveCreator("refundstream");
        LiveCreator other = Gifting.liveCreator("refundstreamonly");
        String fan = Tokens.viewer(Tokens.unique("refundstreamfan"));
        String purchase = Flows.buyPackage(fan, Flows.PKG_350, "pm_card_ok", Flows.key()).getString("data.purchaseCoins.purchase.id");
        Viewer kept = Gifting.fundedViewer("keptfan", 100);
        Gifting.send(fan, creator.stream(), Gifting.HAND_HEARTS, 1, Flows.key()); // 100 coins, then refunded
        Gifting.send(kept.token(), creator.stream(), Gifting.PERFUME, 2, Flows.key()); // 40 coins, kept
        Gifting.send(fan, other.stream(), Gifting.HAND_HEARTS, 1, Flows.key()); // the other stream's only gift, refunded
        String query = "{ earnings { byStream { stream { id } gifts coins diamonds } } }";
        JsonPath before = Gql.ok(creator.token(), query);
        assertEquals(1, Gql.ok(other.token(), query).getLong("data.earnings.byStream[0].gifts"));
        assertEquals(creator.stream(), before.getString("data.earnings.byStream[0].stream.id"));
        assertEquals(2, before.getLong("data.earnings.byStream[0].gifts"));
        assertEquals(140, before.getLong("data.earnings.byStream[0].coins"));
        long diamondsBefore = before.getLong("data.earnings.byStream[0].diamonds");
        Gql.ok(Tokens.admin(), "mutation($input: ReversePurchaseInput!) { reversePurchase(input: $input) { reversal { id } userErrors { code } } }",
                Gql.input("purchaseId", purchase, "kind", "REFUND", "idempotencyKey", Flows.key()));
        JsonPath after = Gql.ok(creator.token(), query);
        assertEquals(1, after.getList("data.earnings.byStream").size());
        assertEquals(1, after.getLong("data.earnings.byStream[0].gifts"));
        assertEquals(40, after.getLong("data.earnings.byStream[0].coins"));
        assertEquals(diamondsBefore - 50, after.getLong("data.earnings.byStream[0].diamonds")); // HAND_HEARTS: 100 coins -> 50 diamonds
        LedgerChecks.assertClean();
        assertEquals(List.of(), Gql.ok(other.token(), query).getList("data.earnings.byStream")); // its only gift reversed
    }
}
