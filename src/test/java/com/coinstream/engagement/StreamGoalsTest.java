package com.coinstream.engagement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.coinstream.support.Db;
import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LedgerChecks;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Race;
import com.coinstream.support.Viewer;
import com.coinstream.support.Tokens;

import io.restassured.path.json.JsonPath;
import io.quarkus.test.junit.QuarkusTest;

/** Stream goals count exactly the gifts committed while they are active, whatever races them. */
@QuarkusTest
class StreamGoalsTest {
    static final String SET = """
            mutation($i: SetStreamGoalInput!) { setStreamGoal(input: $i) {
              goal { id title kind target progress coins reached active gift { name } value { amount currency } targetValue { amount currency } }
              userErrors { code field message } } }
            """;
    static final String END = "mutation($i: EndStreamGoalInput!) { endStreamGoal(input: $i) { goal { id active progress endedAt } userErrors { code } } }";
    static final String GOALS = "query($s: ID!) { streamGoals(streamId: $s) { id title kind target progress coins reached reachedAt active endedAt value { amount } } }";

    static JsonPath setGoal(LiveCreator creator, String title, String kind, String giftId, long target) {
        Map<String, Object> input = new HashMap<>(Map.of("streamId", creator.stream(), "title", title, "kind", kind, "target", target));
        if (giftId != null) {
            input.put("giftId", giftId);
        }
        return Gql.ok(creator.token(), SET, Gql.vars("i", input));
    }

    /** Coins the stream's gifts took from wallets (the ledger), for gifts after stream number {@code afterSeq}. */
    static long ledgerCoins(String stream, long afterSeq) {
        return Db.number(Db.TEST_SCHEMA, """
                select coalesce(-sum(p.amount), 0) from gift_event g join posting p on p.entry_id = g.entry_id
                join ledger_account a on a.id = p.account_id and a.owner_id = g.sender_id and a.purpose = 'WALLET'
                where g.stream_id = ?::uuid and g.stream_seq > ?
                """, stream, afterSeq);
    }

    /**
     * A goal's target in money, for a creator who paid for many coins: a billion Universes at what they paid took long
     * arithmetic past its range (INTERNAL, after the goal had committed). It is worked out exactly.
     */
    @Test
    void aBillionOfTheDearestGiftIsValuedExactlyAtWhatTheCreatorPaid() {
        LiveCreator creator = Gifting.liveCreator("goalbig");
        JsonPath bought = Flows.buyCoins(creator.token(), 100_000, "pm_card_ok", Flows.key()); // about 1,414 USD
        assertEquals(List.of(), bought.getList("data.purchaseCoins.userErrors"));
        JsonPath set = setGoal(creator, "A universe of universes", "GIFT", "00000000-0000-4000-9000-000000044999", 1_000_000_000L);
        assertEquals(null, set.getList("errors"));
        assertEquals(List.of(), set.getList("data.setStreamGoal.userErrors"));
        assertEquals(1_000_000_000L, set.getLong("data.setStreamGoal.goal.target"));
        assertEquals("636416357100.00", set.getString("data.setStreamGoal.goal.targetValue.amount"), "44,999 billion coins at what "
                + "100,000 cost, rounded half up");
        assertNotNull(set.getString("data.setStreamGoal.goal.value.amount"), "the coins so far still have theirs");
        JsonPath goals = Gql.ok(creator.token(), GOALS, Gql.vars("s", creator.stream()));
        assertEquals(null, goals.getList("errors"));
        assertEquals(1, goals.getList("data.streamGoals").size());
    }

    /**
     * What the gate lets through, the table keeps: a title counted as a person counts it (41 flags are 41 characters,
     * 82 code points) was refused by the table's own count of code points, as INVALID_STATE.
     */
    @Test
    void aTitleOfCharactersMadeOfSeveralCodePointsIsKept() {
        LiveCreator creator = Gifting.liveCreator("goalflags");
        String flags = "\uD83C\uDDEB\uD83C\uDDF7".repeat(41);
        JsonPath set = setGoal(creator, flags, "COINS", null, 100);
        assertEquals(List.of(), set.getList("data.setStreamGoal.userErrors"));
        assertEquals(flags, set.getString("data.setStreamGoal.goal.title"));
        String thumbs = "\uD83D\uDC4D\uD83C\uDFFD".repeat(71);
        String creatorId = com.coinstream.support.Tokens.unique("thumbs");
        String token = com.coinstream.support.Tokens.creator(creatorId);
        JsonPath live = Gql.ok(token, "mutation($i: StartLiveStreamInput!) { startLiveStream(input: $i) { liveStream { title } userErrors { code } } }",
                Gql.vars("i", Map.of("title", thumbs)));
        assertEquals(List.of(), live.getList("data.startLiveStream.userErrors"));
        assertEquals(thumbs, live.getString("data.startLiveStream.liveStream.title"));
    }

    @Test
    void twoHundredRacingGiftsMoveTheGoalsExactlyAsTheLedger() {
        LiveCreator creator = Gifting.liveCreator("goalrace");
        Viewer[] fans = new Viewer[20];
        for (int i = 0; i < fans.length; i++) {
            fans[i] = Gifting.fundedViewer("goalfan" + i, 500);
        }
        // gifts before the goal do not count
        Gifting.send(fans[0].token(), creator.stream(), Gifting.PERFUME, 1, Flows.key());
        long before = Db.number(Db.TEST_SCHEMA, "select coalesce(max(stream_seq), 0) from gift_event where stream_id = ?::uuid", creator.stream());
        JsonPath coins = setGoal(creator, "1,000 coins tonight", "COINS", null, 1000);
        assertEquals(List.of(), coins.getList("data.setStreamGoal.userErrors"));
        assertEquals(0, coins.getLong("data.setStreamGoal.goal.progress"));
        assertNotNull(coins.getString("data.setStreamGoal.goal.targetValue.amount"));
        JsonPath roses = setGoal(creator, "Help me reach 150 Roses", "GIFT", Gifting.ROSE, 150);
        assertEquals("Rose", roses.getString("data.setStreamGoal.goal.gift.name"));

        String send = "mutation($input: SendGiftInput!) { sendGift(input: $input) { receipt { id } userErrors { code } } }";
        List<JsonPath> sent = Race.run(200, i -> Gql.ok(fans[i % fans.length].token(), send, Gql.input("streamId", creator.stream(),
                "giftId", i % 4 == 0 ? Gifting.FINGER_HEART : Gifting.ROSE, "quantity", 1 + i % 3, "idempotencyKey", Flows.key(),
                "anonymous", i % 10 == 9)));
        assertTrue(sent.stream().allMatch(r -> r.getList("data.sendGift.userErrors").isEmpty()), "every gift accepted");

        long ledger = ledgerCoins(creator.stream(), before);
        long roseCount = Db.number(Db.TEST_SCHEMA, "select sum(quantity) from gift_event where stream_id = ?::uuid and stream_seq > ? "
                + "and gift_id = ?::uuid", creator.stream(), before, Gifting.ROSE);
        Map<String, Map<String, Object>> goals = new HashMap<>();
        for (Map<String, Object> g : Gql.ok(null, GOALS, Gql.vars("s", creator.stream())).<Map<String, Object>> getList("data.streamGoals")) {
            goals.put((String) g.get("kind"), g);
        }
        assertEquals(ledger, ((Number) goals.get("COINS").get("progress")).longValue(), "coins goal = the ledger");
        assertEquals(ledger, ((Number) goals.get("COINS").get("coins")).longValue());
        assertEquals(roseCount, ((Number) goals.get("GIFT").get("progress")).longValue(), "rose goal = the roses committed");
        assertEquals(ledger >= 1000, goals.get("COINS").get("reached"));
        assertEquals(roseCount >= 150, goals.get("GIFT").get("reached"));
        LedgerChecks.assertClean(); // GOAL: every goal recomputed from its gifts, and every gift against its entry
    }

    @Test
    void goalsHaveLimitsRulesAndEndWithTheStream() {
        LiveCreator creator = Gifting.liveCreator("goalrules");
        LiveCreator other = Gifting.liveCreator("goalother");
        Viewer fan = Gifting.fundedViewer("goalrulesfan", 300);
        for (int i = 0; i < 3; i++) {
            assertEquals(List.of(), setGoal(creator, "Goal " + i, "COINS", null, 100).getList("data.setStreamGoal.userErrors"));
        }
        assertEquals("GOAL_LIMIT_REACHED", setGoal(creator, "One too many", "COINS", null, 100).getString("data.setStreamGoal.userErrors[0].code"));
        assertEquals("FORBIDDEN", Gql.ok(other.token(), SET, Gql.vars("i", Map.of("streamId", creator.stream(), "title", "Mine now",
                "kind", "COINS", "target", 5))).getString("data.setStreamGoal.userErrors[0].code"));
        assertEquals("INVALID_INPUT", setGoal(other, "No gift", "GIFT", null, 5).getString("data.setStreamGoal.userErrors[0].code"),
                "a GIFT goal that names no gift is a mistake in the input, not an unknown gift");
        assertEquals("NOT_FOUND", setGoal(other, "Unknown gift", "GIFT", "00000000-0000-4000-9000-000000000999", 5)
                .getString("data.setStreamGoal.userErrors[0].code"));
        assertEquals("GIFT_UNAVAILABLE", setGoal(other, "Retired gift", "GIFT", retiredGift(), 5).getString("data.setStreamGoal.userErrors[0].code"),
                "a goal no gift can move");
        assertEquals("INVALID_INPUT", setGoal(other, "Gift on coins", "COINS", Gifting.ROSE, 5).getString("data.setStreamGoal.userErrors[0].code"));
        assertEquals("INVALID_AMOUNT", setGoal(other, "Zero", "COINS", null, 0).getString("data.setStreamGoal.userErrors[0].code"));

        String first = Gql.ok(null, GOALS, Gql.vars("s", creator.stream())).<Map<String, Object>> getList("data.streamGoals").stream()
                .filter(g -> g.get("title").equals("Goal 0")).findFirst().orElseThrow().get("id").toString();
        JsonPath ended = Gql.ok(creator.token(), END, Gql.vars("i", Map.of("goalId", first)));
        assertFalse(ended.getBoolean("data.endStreamGoal.goal.active"));
        assertEquals("INVALID_STATE", Gql.ok(creator.token(), END, Gql.vars("i", Map.of("goalId", first)))
                .getString("data.endStreamGoal.userErrors[0].code"));
        // an ended goal stops counting; the others go on
        Gifting.send(fan.token(), creator.stream(), Gifting.PERFUME, 1, Flows.key());
        assertEquals(List.of(), setGoal(creator, "A new one in its place", "COINS", null, 10).getList("data.setStreamGoal.userErrors"));

        Gql.ok(creator.token(), "mutation($i: EndLiveStreamInput!) { endLiveStream(input: $i) { liveStream { status } userErrors { code } } }",
                Gql.vars("i", Map.of("streamId", creator.stream())));
        List<Map<String, Object>> goals = Gql.ok(null, GOALS, Gql.vars("s", creator.stream())).getList("data.streamGoals");
        assertEquals(4, goals.size(), "goals stay in the stream's history");
        for (Map<String, Object> g : goals) {
            assertFalse((Boolean) g.get("active"), "ended with the stream");
            assertNotNull(g.get("endedAt"));
            assertEquals(g.get("title").equals("Goal 0") ? 0L : g.get("title").equals("A new one in its place") ? 0L : 20L,
                    ((Number) g.get("progress")).longValue(), g.get("title").toString());
        }
        assertEquals("STREAM_NOT_LIVE", setGoal(creator, "Too late", "COINS", null, 10).getString("data.setStreamGoal.userErrors[0].code"));
        assertEquals("NOT_FOUND", Gql.errorCode(Gql.post(null, GOALS, Gql.vars("s", "not-a-stream"))), "a malformed id names nothing");
        LedgerChecks.assertClean();
    }

    /** A gift retired before today (no gift of it can arrive). */
    static String retiredGift() {
        return Gql.ok(Tokens.admin(), "mutation { createGift(input: {name: \"Retired\", coins: 3, tier: 1, animationKey: \"gifts/retired\", "
                + "activeFrom: \"2026-01-01T00:00:00Z\", activeUntil: \"2026-02-01T00:00:00Z\"}) { gift { id } } }").getString("data.createGift.gift.id");
    }
}
