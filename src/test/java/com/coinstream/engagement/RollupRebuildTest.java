package com.coinstream.engagement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Timestamp;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import com.coinstream.support.Db;
import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LedgerChecks;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Race;
import com.coinstream.support.Rollups;
import com.coinstream.support.Viewer;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * The rollups are unlogged (V25): they write no WAL, and a crash of PostgreSQL empties them. The applier then rebuilds
 * every one from gift_event before it applies the queue, while gifts keep coming, and each gift counts exactly once.
 * The crash is simulated as PostgreSQL's recovery does it: every unlogged table emptied at once.
 */
@QuarkusTest
class RollupRebuildTest {
    static final String GIFT = "mutation($input: SendGiftInput!) { sendGift(input: $input) { receipt { id } userErrors { code } } }";
    /** What the boards and breakdowns read (the first three are V31's views over board_now and board_past). */
    static final List<String> ROLLUPS = List.of("creator_supporter_total", "gifter_total", "creator_total", "creator_gift_total",
            "creator_hour_total", "stream_supporter_total");
    /** The tables behind them. */
    static final List<String> TABLES = List.of("board_now", "board_past", "creator_gift_total", "creator_hour_past");

    static List<JsonPath> gifts(LiveCreator creator, Viewer[] fans, int n) {
        List<JsonPath> sent = Race.run(n, i -> Gql.ok(fans[i % fans.length].token(), GIFT, Gql.input("streamId", creator.stream(),
                "giftId", i % 3 == 0 ? Gifting.FINGER_HEART : Gifting.ROSE, "quantity", 1 + i % 3, "idempotencyKey", Flows.key(),
                "anonymous", i % 7 == 6)));
        assertTrue(sent.stream().allMatch(r -> r.getList("data.sendGift.userErrors").isEmpty()), "every gift accepted");
        return sent;
    }

    /**
     * Every rollup row of one creator and their fans, as text, in a stable order. (Only theirs: other tests on this schema
     * change gift rows behind the service's back to provoke the audit, and a rebuild rightly follows the gift rows.)
     */
    static String snapshot(LiveCreator creator, Viewer[] fans) {
        String[] ids = java.util.Arrays.stream(fans).map(Viewer::id).toArray(String[]::new);
        StringBuilder all = new StringBuilder();
        for (String table : ROLLUPS) {
            all.append(table).append('\n');
            String whose = table.equals("gifter_total") ? "sender_id = any (?)" : table.equals("stream_supporter_total") ? "stream_id = ?::uuid" : "creator_id = ?";
            Object arg = table.equals("gifter_total") ? ids : table.equals("stream_supporter_total") ? creator.stream() : creator.id();
            Db.rows(Db.TEST_SCHEMA, "select t::text as row from " + table + " t where " + whose + " and (coins <> 0 or gifts <> 0) order by 1", arg)
                    .forEach(r -> all.append(r.get("row")).append('\n'));
        }
        return all.toString();
    }

    @Test
    void theRollupsAndTheirQueueWriteNoWalWhileTheLedgerAndGiftsDo() {
        for (String table : TABLES) {
            assertEquals("u", persistence(table), table);
        }
        assertEquals("u", persistence("rollup_queue"));
        assertEquals("u", persistence("rollup_state"));
        assertEquals("u", persistence("stream_supporter_total"), "a stream's supporters too (V44)");
        for (String table : List.of("gift_event", "journal_entry", "posting", "account_balance", "idempotency_key")) {
            assertEquals("p", persistence(table), table + " stays logged");
        }
    }

    static String persistence(String table) {
        return (String) Db.rows(Db.TEST_SCHEMA, "select relpersistence::text as p from pg_class where oid = to_regclass(?)", table).get(0).get("p");
    }

    /**
     * What PostgreSQL's crash recovery does to unlogged tables: every one of them emptied, the queue with them, in one
     * transaction. (The stream's supporters by a delete: a gift batch reads them from its start, and a truncate would
     * wait for it while holding the queue it waits for. A real crash takes no locks.)
     */
    static void crash() {
        // (the truncate locks the tables one by one while the applier and the boards' readers lock them in their own order:
        // PostgreSQL may end it as a deadlock's victim, and it is tried again, as nothing of it happened)
        for (int attempt = 1;; attempt++) {
            try (Connection c = Db.connect(Db.TEST_SCHEMA)) {
                c.setAutoCommit(false);
                try {
                    Db.rows(c, "truncate rollup_state, rollup_queue, " + String.join(", ", TABLES));
                    Db.rows(c, "delete from stream_supporter_total");
                    c.commit();
                    return;
                } catch (RuntimeException e) {
                    c.rollback();
                    if (attempt == 5 || !deadlock(e)) {
                        throw e;
                    }
                }
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        // (the service's applier may rebuild them the next moment: that is what it is for)
    }

    static boolean deadlock(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && "40P01".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The session reminder reads the stream's supporters, which a crash empties (V44): until the rebuild has run, a gift
     * under a reminder needs confirmed, whatever the empty table says; a gift without a reminder goes. The applier is
     * held off by its own advisory lock, so the window is certain.
     */
    @Test
    void untilTheRebuildAGiftUnderASessionReminderNeedsConfirmation() throws Exception {
        LiveCreator creator = Gifting.liveCreator("rebuildremind");
        Viewer reminded = Gifting.fundedViewer("rebuildreminded", 500);
        Viewer free = Gifting.fundedViewer("rebuildfree", 500);
        Gql.ok(reminded.token(), "mutation { setSessionReminder(input: { coins: 100 }) { userErrors { code } } }");
        gifts(creator, new Viewer[] { reminded }, 1); // under the reminder: goes
        Rollups.drain();
        try (Connection applier = Db.connect(Db.TEST_SCHEMA)) {
            Db.rows(applier, "select pg_advisory_lock(3, 0)"); // no rebuild while this session holds it
            crash();
            assertEquals(0, Db.number(Db.TEST_SCHEMA, "select rollups_whole()::int"), "a rebuild is pending");
            String key = Flows.key();
            JsonPath asked = Gql.ok(reminded.token(), GIFT, Gql.input("streamId", creator.stream(), "giftId", Gifting.ROSE, "quantity", 1,
                    "idempotencyKey", key));
            assertEquals("CONFIRMATION_REQUIRED", asked.getString("data.sendGift.userErrors[0].code"), "the sum is not known");
            assertEquals(List.of(), Gql.ok(reminded.token(), GIFT, Gql.input("streamId", creator.stream(), "giftId", Gifting.ROSE, "quantity", 1,
                    "idempotencyKey", key, "confirmed", true)).getList("data.sendGift.userErrors"), "confirmed, it goes");
            gifts(creator, new Viewer[] { free }, 3); // no reminder, no question
            Db.rows(applier, "select pg_advisory_unlock(3, 0)");
        }
        Rollups.drain();
        assertEquals(Db.number(Db.TEST_SCHEMA, "select sum(coins) from gift_event where stream_id = ?::uuid", creator.stream()),
                Db.number(Db.TEST_SCHEMA, "select sum(coins) from stream_supporter_total where stream_id = ?::uuid", creator.stream()),
                "rebuilt: every gift, before the crash and after it, counted once");
        assertEquals(List.of(), Gql.ok(reminded.token(), GIFT, Gql.input("streamId", creator.stream(), "giftId", Gifting.ROSE, "quantity", 1,
                "idempotencyKey", Flows.key())).getList("data.sendGift.userErrors"), "whole again, and still under the reminder");
        LedgerChecks.assertClean();
    }

    @Test
    void afterACrashEmptiedThemTheRollupsAreRebuiltFromTheGiftsAsTheQueueHadBuiltThem() {
        LiveCreator creator = Gifting.liveCreator("rebuild");
        Viewer[] fans = new Viewer[8];
        for (int i = 0; i < fans.length; i++) {
            fans[i] = Gifting.fundedViewer("rebuildfan" + i, 2000);
        }
        gifts(creator, fans, 60);
        Rollups.drain();
        String before = snapshot(creator, fans);
        crash();
        Rollups.drain();
        assertEquals(1, Db.number(Db.TEST_SCHEMA, "select rollups_whole()::int"), "whole again");
        assertEquals(before, snapshot(creator, fans), "every row of every rollup, as the queue's rounds had made it");
        LedgerChecks.assertClean();
    }

    @Test
    void aRebuildThatRacesGiftsCountsEachGiftOnce() throws Exception {
        LiveCreator creator = Gifting.liveCreator("rebuildrace");
        Viewer[] fans = new Viewer[8];
        for (int i = 0; i < fans.length; i++) {
            fans[i] = Gifting.fundedViewer("rebuildracefan" + i, 2000);
        }
        gifts(creator, fans, 30);
        crash(); // with gifts still queued: the rebuild takes them from gift_event, and the queue is emptied with it
        CompletableFuture<List<JsonPath>> more = CompletableFuture.supplyAsync(() -> gifts(creator, fans, 50));
        for (int i = 0; i < 20 && !more.isDone(); i++) {
            crash(); // and again, while gifts commit
            Rollups.drain();
        }
        more.get();
        Rollups.drain();
        LedgerChecks.assertClean(); // its ROLLUP checks: every rollup equals the ledger, per period
        Map<String, Object> board = Db.rows(Db.TEST_SCHEMA, "select coalesce(sum(coins), 0) as coins, coalesce(sum(gifts), 0) as gifts "
                + "from creator_total where creator_id = ? and period = 'A'", creator.id()).get(0);
        Map<String, Object> ledger = Db.rows(Db.TEST_SCHEMA, "select coalesce(sum(coins), 0) as coins, count(*) as gifts from gift_event "
                + "where creator_id = ? and reversed_entry_id is null", creator.id()).get(0);
        assertEquals(80, ((Number) ledger.get("gifts")).longValue());
        assertEquals(((Number) ledger.get("coins")).longValue(), ((Number) board.get("coins")).longValue());
        assertEquals(80, ((Number) board.get("gifts")).longValue());
        // by stream: the stream's counter row (V58), logged, which a crash leaves as it was
        assertEquals(80, Gql.ok(creator.token(), "{ earnings { byStream { gifts } } }").getLong("data.earnings.byStream[0].gifts"));
    }

    /** One synthetic gift (or its reversal, sign -1) as the applier receives it. */
    record G(int sign, String creator, String sender, boolean anonymous, long coins, long diamonds, Instant at) {
    }

    /**
     * V31 keeps each person's current day, week and month on one row and moves a period to board_past when a newer one
     * arrives (and V59 a creator's current hour on their 'C' row, an older hour to creator_hour_past). Gifts over period boundaries (a month's last day, a Sunday and the Monday after, New Year), applied in
     * rounds of any order (older gifts after newer ones, as a rebuild's parts come), with reversals, read back through
     * the boards' views exactly as summing every gift per period gives. In one transaction holding the applier's lock,
     * rolled back: nothing of it stays.
     */
    @Test
    void periodsReadTheSameWhateverOrderTheirRoundsCameIn() throws Exception {
        String run = Flows.key().substring(0, 8);
        List<String> creators = List.of("rollc1-" + run, "rollc2-" + run);
        List<String> senders = List.of("rolls1-" + run, "rolls2-" + run, "rolls3-" + run);
        List<Instant> times = List.of(Instant.parse("2025-12-31T23:59:59Z"), Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-01-31T12:00:00Z"), Instant.parse("2026-02-01T10:00:00Z"), Instant.parse("2026-02-01T23:00:00Z"),
                Instant.parse("2026-02-02T00:30:00Z"), Instant.parse("2026-03-01T08:00:00Z"), Instant.parse("2026-03-02T08:00:00Z"));
        Random random = new Random(31);
        for (int trial = 0; trial < 5; trial++) {
            List<G> gifts = new ArrayList<>();
            for (int i = 0; i < 120; i++) {
                G g = new G(1, creators.get(random.nextInt(2)), senders.get(random.nextInt(3)), random.nextInt(4) == 0, 1 + random.nextInt(500),
                        random.nextInt(300), times.get(random.nextInt(times.size())));
                gifts.add(g);
                if (random.nextInt(6) == 0) {
                    gifts.add(new G(-1, g.creator(), g.sender(), g.anonymous(), g.coins(), g.diamonds(), g.at()));
                }
            }
            Collections.shuffle(gifts, random);
            try (Connection c = Db.connect(Db.TEST_SCHEMA)) {
                c.setAutoCommit(false);
                Db.rows(c, "select pg_advisory_xact_lock(3, 0)");
                Db.rows(c, "set local time zone 'UTC'"); // (hours are cut in the session's zone, as the service's are: UTC)
                for (int from = 0; from < gifts.size();) {
                    int to = Math.min(gifts.size(), from + 1 + random.nextInt(40));
                    apply(c, gifts.subList(from, to));
                    from = to;
                }
                assertEquals(expected(gifts, "S", creators, senders), read(c, "select 'S' as b, creator_id as o, sender_id as w, anonymous, period, "
                        + "period_start, coins, gifts, diamonds from creator_supporter_total where creator_id = any (?)", creators), "supporters, trial " + trial);
                assertEquals(expected(gifts, "G", creators, senders), read(c, "select 'G' as b, '' as o, sender_id as w, anonymous, period, "
                        + "period_start, coins, gifts, 0::bigint as diamonds from gifter_total where sender_id = any (?)", senders), "gifters, trial " + trial);
                assertEquals(expected(gifts, "C", creators, senders), read(c, "select 'C' as b, '' as o, creator_id as w, false as anonymous, period, "
                        + "period_start, coins, gifts, diamonds from creator_total where creator_id = any (?)", creators), "creators, trial " + trial);
                // a creator's hours (V59: the newest on their 'C' row, the others in creator_hour_past), each hour in one place
                assertEquals(expectedHours(gifts), read(c, "select 'H' as b, '' as o, creator_id as w, false as anonymous, 'H' as period, "
                        + "to_char(hour at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24') as period_start, sum(coins) as coins, sum(gifts) as gifts, "
                        + "sum(diamonds) as diamonds from creator_hour_total where creator_id = any (?) group by creator_id, hour", creators), "hours, trial " + trial);
                assertEquals(0L, Db.rows(c, "select count(*) - count(distinct (creator_id, hour)) as n from creator_hour_total where creator_id = any (?)",
                        c.createArrayOf("text", creators.toArray())).get(0).get("n"), "an hour in one place, trial " + trial);
                c.rollback();
            }
        }
    }

    static void apply(Connection c, List<G> round) throws Exception {
        int n = round.size();
        Object[][] a = new Object[11][n];
        for (int i = 0; i < n; i++) {
            G g = round.get(i);
            Object[] v = { g.sign(), g.creator(), g.sender(), g.anonymous(), UUID.randomUUID(), UUID.randomUUID(), 1, g.coins(), g.diamonds(),
                    Timestamp.from(g.at()), (short) 0 };
            for (int k = 0; k < 11; k++) {
                a[k][i] = v[k];
            }
        }
        String[] types = { "int4", "text", "text", "bool", "uuid", "uuid", "int4", "int8", "int8", "timestamptz", "int2" };
        Object[] arrays = new Object[11];
        for (int k = 0; k < 11; k++) {
            arrays[k] = c.createArrayOf(types[k], a[k]);
        }
        Db.rows(c, "select apply_gift_rollups(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", arrays);
    }

    /** Every gift summed per board row and period, as "board owner who anonymous period start" to "coins gifts diamonds". */
    static Map<String, String> expected(List<G> gifts, String board, List<String> creators, List<String> senders) {
        Map<String, long[]> sums = new TreeMap<>();
        for (G g : gifts) {
            String who = board.equals("C") ? g.creator() : g.anonymous() ? "" : g.sender();
            String owner = board.equals("S") ? g.creator() : "";
            boolean anonymous = !board.equals("C") && g.anonymous();
            if (board.equals("G") && anonymous) {
                continue; // the platform's one anonymous row is shared with every other test's gifts
            }
            LocalDate day = LocalDate.ofInstant(g.at(), ZoneOffset.UTC);
            Map<String, LocalDate> starts = Map.of("D", day, "W", day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)),
                    "M", day.withDayOfMonth(1), "A", LocalDate.EPOCH);
            starts.forEach((period, start) -> {
                long[] s = sums.computeIfAbsent(String.join(" ", board, owner, who, String.valueOf(anonymous), period, start.toString()), k -> new long[3]);
                s[0] += g.sign() * g.coins();
                s[1] += g.sign();
                s[2] += board.equals("G") ? 0 : g.sign() * g.diamonds();
            });
        }
        Map<String, String> out = new TreeMap<>();
        sums.forEach((k, s) -> {
            if (s[0] != 0 || s[1] != 0 || s[2] != 0) {
                out.put(k, s[0] + " " + s[1] + " " + s[2]);
            }
        });
        return out;
    }

    /** Every gift summed per creator and UTC hour, as "H  creator false H yyyy-MM-ddTHH" to "coins gifts diamonds". */
    static Map<String, String> expectedHours(List<G> gifts) {
        Map<String, long[]> sums = new TreeMap<>();
        for (G g : gifts) {
            String hour = java.time.LocalDateTime.ofInstant(g.at(), ZoneOffset.UTC).truncatedTo(java.time.temporal.ChronoUnit.HOURS).toString().substring(0, 13);
            long[] s = sums.computeIfAbsent(String.join(" ", "H", "", g.creator(), "false", "H", hour), k -> new long[3]);
            s[0] += g.sign() * g.coins();
            s[1] += g.sign();
            s[2] += g.sign() * g.diamonds();
        }
        Map<String, String> out = new TreeMap<>();
        sums.forEach((k, s) -> {
            if (s[0] != 0 || s[1] != 0 || s[2] != 0) {
                out.put(k, s[0] + " " + s[1] + " " + s[2]);
            }
        });
        return out;
    }

    static Map<String, String> read(Connection c, String sql, List<String> ids) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (Map<String, Object> r : Db.rows(c, sql, c.createArrayOf("text", ids.toArray()))) {
            long coins = ((Number) r.get("coins")).longValue();
            long gifts = ((Number) r.get("gifts")).longValue();
            long diamonds = ((Number) r.get("diamonds")).longValue();
            if (coins != 0 || gifts != 0 || diamonds != 0) {
                out.put(String.join(" ", String.valueOf(r.get("b")), String.valueOf(r.get("o")), String.valueOf(r.get("w")),
                        String.valueOf(r.get("anonymous")), String.valueOf(r.get("period")), String.valueOf(r.get("period_start"))),
                        coins + " " + gifts + " " + diamonds);
            }
        }
        return out;
    }
}
