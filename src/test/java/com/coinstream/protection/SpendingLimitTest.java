package com.coinstream.protection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
import com.coinstream.support.TestClock;
import com.coinstream.support.Tokens;
import com.coinstream.support.Viewer;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class SpendingLimitTest {
    static final String SET = """
            mutation($input: SetSpendingLimitInput!) { setSpendingLimit(input: $input) {
              spendingLimit { period coins effectiveAt pendingCoins pendingRemoval pendingEffectiveAt spent remaining resetsAt }
              userErrors { code } } }
            """;

    @Inject
    TestClock clock;

    @AfterEach
    void cleanLedgerAndClock() {
        clock.reset();
        LedgerChecks.assertClean();
    }

    @Test
    void theDailyCapHoldsUnderAHundredRacingGifts() {
        clock.advanceToNext(DayOfWeek.TUESDAY, LocalTime.of(1, 0)); // the race stays inside one day
        LiveCreator creator = Gifting.liveCreator("capped");
        Viewer viewer = Gifting.fundedViewer("capper", 10_000);
        Gql.ok(viewer.token(), SET, Gql.input("period", "DAY", "coins", 100));
        List<String> outcomes = Race.run(100, i -> {
            String code = Gifting.code(Gifting.send(viewer.token(), creator.stream(), Gifting.FINGER_HEART, 1, Flows.key()));
            return code == null ? "SENT" : code;
        });
        assertEquals(20, outcomes.stream().filter("SENT"::equals).count(), outcomes.toString());
        assertEquals(80, outcomes.stream().filter("SPENDING_LIMIT_REACHED"::equals).count());
        assertEquals(10_000 - 100, Flows.coins(viewer.token()));
        var refused = Gql.ok(viewer.token(), "mutation($input: SendGiftInput!) { sendGift(input: $input) { spendingLimit { period coins remaining resetsAt } userErrors { code message } } }",
                Gql.input("streamId", creator.stream(), "giftId", Gifting.ROSE, "quantity", 1, "idempotencyKey", Flows.key()));
        assertEquals("SPENDING_LIMIT_REACHED", refused.getString("data.sendGift.userErrors[0].code"));
        assertEquals(0, refused.getLong("data.sendGift.spendingLimit.remaining"));
        assertNotNull(refused.getString("data.sendGift.spendingLimit.resetsAt"));
        // a new day in the viewer's time zone resets the cap
        clock.advance(Duration.ofDays(1));
        assertNull(Gifting.code(Gifting.send(viewer.token(), creator.stream(), Gifting.FINGER_HEART, 1, Flows.key())));
    }

    @Test
    void loweringIsImmediateAndRaisingWaitsForTheCoolDown() {
        clock.advanceToNext(DayOfWeek.TUESDAY, LocalTime.of(1, 0)); // the steps below stay inside one week
        LiveCreator creator = Gifting.liveCreator("cool");
        Viewer viewer = Gifting.fundedViewer("cooler", 10_000);
        var set = Gql.ok(viewer.token(), SET, Gql.input("period", "WEEK", "coins", 50));
        assertEquals(50, set.getLong("data.setSpendingLimit.spendingLimit.coins"));
        assertNull(Gifting.code(Gifting.send(viewer.token(), creator.stream(), Gifting.PERFUME, 2, Flows.key())));   // 40
        assertEquals("SPENDING_LIMIT_REACHED", Gifting.code(Gifting.send(viewer.token(), creator.stream(), Gifting.PERFUME, 1, Flows.key())));

        var raise = Gql.ok(viewer.token(), SET, Gql.input("period", "WEEK", "coins", 500));
        assertEquals(50, raise.getLong("data.setSpendingLimit.spendingLimit.coins"));
        assertEquals(500, raise.getLong("data.setSpendingLimit.spendingLimit.pendingCoins"));
        assertNotNull(raise.getString("data.setSpendingLimit.spendingLimit.pendingEffectiveAt"));
        assertEquals("SPENDING_LIMIT_REACHED", Gifting.code(Gifting.send(viewer.token(), creator.stream(), Gifting.PERFUME, 1, Flows.key())));
        clock.advance(Duration.ofHours(23));
        assertEquals("SPENDING_LIMIT_REACHED", Gifting.code(Gifting.send(viewer.token(), creator.stream(), Gifting.PERFUME, 1, Flows.key())));
        clock.advance(Duration.ofHours(1).plusMinutes(1));
        assertNull(Gifting.code(Gifting.send(viewer.token(), creator.stream(), Gifting.PERFUME, 1, Flows.key())));

        // removing also waits; lowering in the meantime cancels the pending removal
        var remove = Gql.ok(viewer.token(), SET, Gql.input("period", "WEEK", "coins", null));
        assertEquals(true, remove.getBoolean("data.setSpendingLimit.spendingLimit.pendingRemoval"));
        var lower = Gql.ok(viewer.token(), SET, Gql.input("period", "WEEK", "coins", 60));
        assertEquals(60, lower.getLong("data.setSpendingLimit.spendingLimit.coins"));
        assertNull(lower.get("data.setSpendingLimit.spendingLimit.pendingEffectiveAt"));
        clock.advance(Duration.ofHours(25));
        var limits = Gql.ok(viewer.token(), "{ spendingLimits { period coins spent remaining } }");
        assertEquals(60, limits.getLong("data.spendingLimits.find { it.period == 'WEEK' }.coins"));
        assertEquals("INVALID_AMOUNT", Gql.ok(viewer.token(), SET, Gql.input("period", "DAY", "coins", -1)).getString("data.setSpendingLimit.userErrors[0].code"));
    }

    /**
     * Two instances whose clocks are two minutes apart: a lowering made through the one ahead is not undone by a change
     * made right after through the one behind (which judged against the cap before the lowering, and deleted the lowering
     * as a change still pending); the change is judged against the lowering, a raise that waits out its cool-down.
     */
    @Test
    void aChangeThroughAnInstanceWhoseClockRunsBehindNeverUndoesALowering() {
        clock.advanceToNext(DayOfWeek.TUESDAY, LocalTime.of(1, 0));
        Viewer viewer = Gifting.fundedViewer("skewed", 100);
        Gql.ok(viewer.token(), SET, Gql.input("period", "DAY", "coins", 500));
        clock.advance(Duration.ofMinutes(1)); // the instance that runs ahead
        assertEquals(100, Gql.ok(viewer.token(), SET, Gql.input("period", "DAY", "coins", 100)).getLong("data.setSpendingLimit.spendingLimit.coins"));
        clock.advance(Duration.ofMinutes(-2)); // the one that runs behind
        var behind = Gql.ok(viewer.token(), SET, Gql.input("period", "DAY", "coins", 300));
        assertEquals(300, behind.getLong("data.setSpendingLimit.spendingLimit.pendingCoins"), behind.prettify());
        clock.advance(Duration.ofMinutes(2));
        var limits = Gql.ok(viewer.token(), "{ spendingLimits { period coins pendingCoins } }");
        assertEquals(100, limits.getLong("data.spendingLimits.find { it.period == 'DAY' }.coins"), limits.prettify());
        assertEquals(300, limits.getLong("data.spendingLimits.find { it.period == 'DAY' }.pendingCoins"), limits.prettify());
    }

    /**
     * Lowerings to 100 and raises to 900 of a cap of 1000, sent at once: each is judged against the cap the previous one
     * left (as if sent in turn), so no 900 judged on an older read undoes a lowering that answered "in force now", and
     * the raise still pending takes effect only after its cool-down.
     */
    @Test
    void loweringsAndRaisesSentAtOnceAreJudgedInTurn() {
        String viewer = Tokens.viewer(Tokens.unique("capracer"));
        Gql.ok(viewer, SET, Gql.input("period", "DAY", "coins", 1000));
        List<io.restassured.response.Response> answers = Race.run(50,
                i -> Gql.post(viewer, SET, Gql.input("period", "DAY", "coins", i % 2 == 0 ? 100 : 900)));
        for (int i = 0; i < answers.size(); i++) {
            var answer = answers.get(i).jsonPath();
            assertEquals(List.of(), answer.getList("data.setSpendingLimit.userErrors"), answers.get(i).asString());
            if (i % 2 == 0) {
                assertEquals(100, answer.getLong("data.setSpendingLimit.spendingLimit.coins"), "a lowering is in force when it answers, and stays");
            }
        }
        String query = "{ spendingLimits { period coins pendingCoins } }";
        var day = Gql.ok(viewer, query).getMap("data.spendingLimits.find { it.period == 'DAY' }");
        assertEquals(100, ((Number) day.get("coins")).longValue(), day.toString());
        Object pending = day.get("pendingCoins");
        assertTrue(pending == null || ((Number) pending).longValue() == 900, day.toString());
        clock.advance(Duration.ofHours(23));
        assertEquals(100, Gql.ok(viewer, query).getLong("data.spendingLimits.find { it.period == 'DAY' }.coins"), "still cooling down");
        clock.advance(Duration.ofHours(1).plusMinutes(1));
        assertEquals(pending == null ? 100 : 900, Gql.ok(viewer, query).getLong("data.spendingLimits.find { it.period == 'DAY' }.coins"));
    }

    @Test
    void theSummaryShowsMoneyCoinsPerCreatorAndRemainingBudget() {
        clock.advanceToNext(DayOfWeek.TUESDAY, LocalTime.of(1, 0)); // the purchases, gifts and summary stay inside one month
        LiveCreator creatorA = Gifting.liveCreator("suma");
        LiveCreator creatorB = Gifting.liveCreator("sumb");
        String viewerId = Tokens.unique("summer");
        String viewer = Tokens.viewer(viewerId);
        Flows.buyPackage(viewer, Flows.PKG_350, "pm_card_ok", Flows.key());
        Flows.buyPackage(viewer, Flows.PKG_70, "pm_card_ok", Flows.key());
        Gql.ok(viewer, SET, Gql.input("period", "MONTH", "coins", 300));
        Gifting.send(viewer, creatorA.stream(), Gifting.HAND_HEARTS, 1, Flows.key());
        Gifting.send(viewer, creatorB.stream(), Gifting.PERFUME, 2, Flows.key());
        var s = Gql.ok(viewer, "{ spendingSummary(period: MONTH) { period moneySpent { amount currency } coinsBought coinsGifted giftsSent perCreator { creator { id } coins } limit { coins remaining } } }");
        assertEquals("5.98", s.getString("data.spendingSummary.moneySpent[0].amount"));
        assertEquals(420, s.getLong("data.spendingSummary.coinsBought"));
        assertEquals(140, s.getLong("data.spendingSummary.coinsGifted"));
        assertEquals(creatorA.id(), s.getString("data.spendingSummary.perCreator[0].creator.id"));
        assertEquals(160, s.getLong("data.spendingSummary.limit.remaining"));
    }

    static final String FIGURES = "period from until moneySpent { amount currency } coinsBought coinsGifted giftsSent perCreator { creator { id } coins gifts }";
    static final String HISTORY = "query($last: Int) { spendingHistory(period: WEEK, last: $last) { " + FIGURES + " } }";

    @Test
    void theWeeklyHistoryStartsWithThisWeeksSummaryAndPutsEarlierSpendingInItsOwnWeek() {
        clock.advanceToNext(DayOfWeek.TUESDAY, LocalTime.of(1, 0)); // the test's steps stay inside one week
        LiveCreator creator = Gifting.liveCreator("histc");
        String viewerId = Tokens.unique("historian");
        String viewer = Tokens.viewer(viewerId);
        Flows.buyPackage(viewer, Flows.PKG_350, "pm_card_ok", Flows.key());
        // the same purchase, a week earlier: the only row of this viewer so far
        Db.rows(Db.TEST_SCHEMA, "update purchase set created_at = created_at - interval '7 days' where user_id = ? returning id", viewerId);
        Flows.buyPackage(viewer, Flows.PKG_70, "pm_card_ok", Flows.key());
        Gifting.send(viewer, creator.stream(), Gifting.PERFUME, 2, Flows.key());
        String neighbour = Tokens.viewer(Tokens.unique("neighbour"));
        Flows.buyPackage(neighbour, Flows.PKG_700, "pm_card_ok", Flows.key());

        List<Map<String, Object>> weeks = Gql.ok(viewer, HISTORY, Gql.vars("last", 3)).getList("data.spendingHistory");
        assertEquals(3, weeks.size());
        var summary = Gql.ok(viewer, "{ spendingSummary(period: WEEK) { " + FIGURES + " } }");
        assertEquals(summary.getMap("data.spendingSummary"), weeks.get(0), "this week is spendingSummary(WEEK), figure for figure");
        assertEquals(List.of(Map.of("amount", "0.99", "currency", "USD")), weeks.get(0).get("moneySpent"));
        assertEquals(70, ((Number) weeks.get(0).get("coinsBought")).longValue(), "the neighbour's 700 coins are not the viewer's");
        assertEquals(40, ((Number) weeks.get(0).get("coinsGifted")).longValue());
        assertEquals(List.of(Map.of("amount", "4.99", "currency", "USD")), weeks.get(1).get("moneySpent"));
        assertEquals(350, ((Number) weeks.get(1).get("coinsBought")).longValue());
        assertEquals(0, ((Number) weeks.get(1).get("coinsGifted")).longValue());
        assertEquals(List.of(), weeks.get(2).get("moneySpent"));
        for (int i = 0; i < weeks.size(); i++) {
            Instant from = Instant.parse((String) weeks.get(i).get("from"));
            assertEquals(DayOfWeek.MONDAY, from.atZone(ZoneOffset.UTC).getDayOfWeek(), "weeks start on Monday in the viewer's zone (UTC here)");
            if (i > 0) {
                assertEquals(weeks.get(i).get("until"), weeks.get(i - 1).get("from"), "the weeks follow each other without a gap");
            }
        }
        assertEquals(12, Gql.ok(viewer, "{ spendingHistory { from } }").getList("data.spendingHistory").size(), "12 weeks by default");

        List<Map<String, Object>> theirs = Gql.ok(neighbour, HISTORY, Gql.vars("last", 2)).getList("data.spendingHistory");
        assertEquals(700, ((Number) theirs.get(0).get("coinsBought")).longValue());
        assertEquals(List.of(), theirs.get(0).get("perCreator"));
        assertEquals(0, ((Number) theirs.get(1).get("coinsBought")).longValue(), "the viewer's backdated purchase is not the neighbour's");
    }

    @Test
    void theHistoryCoversOneToFiftyThreePeriods() {
        String viewer = Tokens.viewer(Tokens.unique("histrange"));
        for (int last : new int[] { 0, 54, -1 }) {
            var refused = Gql.post(viewer, HISTORY, Gql.vars("last", last));
            assertEquals("BAD_USER_INPUT", Gql.errorCode(refused), refused.asString());
            assertEquals(List.of("last"), refused.jsonPath().getList("errors[0].extensions.field"));
        }
        assertEquals(53, Gql.ok(viewer, HISTORY, Gql.vars("last", 53)).getList("data.spendingHistory").size());
        assertEquals(1, Gql.ok(viewer, "{ spendingHistory(period: MONTH, last: 1) { period } }").getList("data.spendingHistory").size());
    }

    @Test
    void movingTheTimeZoneWestDoesNotReopenTheDailyCap() {
        LiveCreator creator = Gifting.liveCreator("zonecap");
        String id = Tokens.unique("zonehopper");
        String east = Tokens.builder(id, Set.of("viewer"), Tokens.ADULT, "US")
                .claim("zoneinfo", "Pacific/Kiritimati").sign(Tokens.key()); // UTC+14
        String west = Tokens.builder(id, Set.of("viewer"), Tokens.ADULT, "US")
                .claim("zoneinfo", "Etc/GMT+12").sign(Tokens.key()); // UTC-12: one or two calendar days earlier
        Flows.fund(id, east, 100);
        Gql.ok(east, SET, Gql.input("period", "DAY", "coins", 10));
        assertNull(Gifting.code(Gifting.send(east, creator.stream(), Gifting.FINGER_HEART, 2, Flows.key())));
        assertEquals("SPENDING_LIMIT_REACHED", Gifting.code(Gifting.send(west, creator.stream(), Gifting.FINGER_HEART, 1, Flows.key())));
        assertEquals(90, Flows.coins(west));
    }
    /** A zone or offset no place on Earth keeps (+18:00: tomorrow's caps hours before they began anywhere) counts as UTC. */
    @Test
    void anOffsetNoPlaceKeepsCountsAsUtc() {
        String id = Tokens.unique("farzone");
        String far = Tokens.builder(id, Set.of("viewer"), Tokens.ADULT, "US").claim("zoneinfo", "+18:00").sign(Tokens.key());
        String utc = Tokens.builder(id, Set.of("viewer"), Tokens.ADULT, "US").claim("zoneinfo", "UTC").sign(Tokens.key());
        String kiritimati = Tokens.builder(id, Set.of("viewer"), Tokens.ADULT, "US").claim("zoneinfo", "Pacific/Kiritimati").sign(Tokens.key());
        String reset = Gql.ok(utc, SET, Gql.input("period", "DAY", "coins", 10)).getString("data.setSpendingLimit.spendingLimit.resetsAt");
        assertEquals(reset, Gql.ok(far, SET, Gql.input("period", "DAY", "coins", 10)).getString("data.setSpendingLimit.spendingLimit.resetsAt"));
        assertNotEquals(reset, Gql.ok(kiritimati, SET, Gql.input("period", "DAY", "coins", 10))
                .getString("data.setSpendingLimit.spendingLimit.resetsAt"), "UTC+14 is a place's, and kept");
    }

    /**
     * The day's spend is counted on the wallet row (V43) and handed to spend_day when a later day begins; a gift of an
     * earlier day (the zone moved west) goes to spend_day at once; a day written before the upgrade is added to. The
     * caps and spendingLimits see every day of the week, and ledgerAudit (after each test) every day against its gifts.
     */
    @Test
    void theDaysSpendMovesOnWithTheDaysAndEveryDayCounts() {
        clock.advanceToNext(DayOfWeek.TUESDAY, LocalTime.of(13, 0)); // east: Wednesday 03:00; west: Tuesday 01:00
        LiveCreator creator = Gifting.liveCreator("rollcap");
        String id = Tokens.unique("roller");
        String east = Tokens.builder(id, Set.of("viewer"), Tokens.ADULT, "US").claim("zoneinfo", "Pacific/Kiritimati").sign(Tokens.key());
        String west = Tokens.builder(id, Set.of("viewer"), Tokens.ADULT, "US").claim("zoneinfo", "Etc/GMT+12").sign(Tokens.key());
        Flows.fund(id, east, 1000);
        Gql.ok(east, SET, Gql.input("period", "WEEK", "coins", 30));
        assertNull(Gifting.code(Gifting.send(east, creator.stream(), Gifting.FINGER_HEART, 2, Flows.key())));  // Wednesday: 10
        assertNull(Gifting.code(Gifting.send(west, creator.stream(), Gifting.FINGER_HEART, 1, Flows.key())));  // Tuesday: 5
        assertEquals(List.of(Map.of("day", "Tue", "coins", 5L)), days(id));
        assertEquals(15, spentThisWeek(east));

        clock.advance(Duration.ofDays(1)); // east: Thursday
        assertNull(Gifting.code(Gifting.send(east, creator.stream(), Gifting.FINGER_HEART, 1, Flows.key())));  // Thursday: 5
        assertEquals(List.of(Map.of("day", "Tue", "coins", 5L), Map.of("day", "Wed", "coins", 10L)), days(id), "Wednesday handed on");
        assertEquals(20, spentThisWeek(east));

        // as an earlier build left it: Thursday's spend in spend_day, the wallet row empty
        Db.rows(Db.TEST_SCHEMA, "insert into spend_day (user_id, day, coins) select a.owner_id, b.spent_on, b.spent_coins from account_balance b"
                + " join ledger_account a on a.id = b.account_id where a.owner_id = ? and a.purpose = 'WALLET' and b.slot = 0", id);
        Db.rows(Db.TEST_SCHEMA, "update account_balance set spent_on = null, spent_coins = 0 where slot = 0"
                + " and account_id = (select id from ledger_account where owner_id = ? and purpose = 'WALLET')", id);
        assertNull(Gifting.code(Gifting.send(east, creator.stream(), Gifting.FINGER_HEART, 1, Flows.key())));  // Thursday: 5 more
        assertEquals(25, spentThisWeek(east));
        assertEquals("SPENDING_LIMIT_REACHED", Gifting.code(Gifting.send(east, creator.stream(), Gifting.FINGER_HEART, 2, Flows.key())));
        clock.advance(Duration.ofDays(1)); // east: Friday; Thursday's two halves become one day
        assertNull(Gifting.code(Gifting.send(east, creator.stream(), Gifting.FINGER_HEART, 1, Flows.key())));  // Friday: 5
        assertEquals(List.of(Map.of("day", "Tue", "coins", 5L), Map.of("day", "Wed", "coins", 10L), Map.of("day", "Thu", "coins", 10L)), days(id));
        assertEquals(30, spentThisWeek(east));
        assertEquals("SPENDING_LIMIT_REACHED", Gifting.code(Gifting.send(east, creator.stream(), Gifting.ROSE, 1, Flows.key())));
        assertEquals(1000 - 30, Flows.coins(east));
    }

    /** The person's days in spend_day (not the wallet row's), by the day of the week. */
    private static List<Map<String, Object>> days(String userId) {
        return Db.rows(Db.TEST_SCHEMA, "select to_char(day, 'Dy') as day, coins from spend_day where user_id = ? order by spend_day.day", userId);
    }

    private static long spentThisWeek(String token) {
        return Gql.ok(token, "{ spendingLimits { period spent } }").getLong("data.spendingLimits.find { it.period == 'WEEK' }.spent");
    }
}
