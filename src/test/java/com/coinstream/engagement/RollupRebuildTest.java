package com.coinstream.engagement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
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
    static final List<String> ROLLUPS = List.of("creator_supporter_total", "gifter_total", "creator_total", "creator_gift_total",
            "creator_stream_total", "creator_hour_total");

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
            String whose = table.equals("gifter_total") ? "sender_id = any (?)" : "creator_id = ?";
            Object arg = table.equals("gifter_total") ? ids : creator.id();
            Db.rows(Db.TEST_SCHEMA, "select t::text as row from " + table + " t where " + whose + " and (coins <> 0 or gifts <> 0) order by 1", arg)
                    .forEach(r -> all.append(r.get("row")).append('\n'));
        }
        return all.toString();
    }

    @Test
    void theRollupsAndTheirQueueWriteNoWalWhileTheLedgerAndGiftsDo() {
        for (String table : ROLLUPS) {
            assertEquals("u", persistence(table), table);
        }
        assertEquals("u", persistence("rollup_queue"));
        assertEquals("u", persistence("rollup_state"));
        for (String table : List.of("gift_event", "journal_entry", "posting", "account_balance", "stream_supporter_total", "idempotency_key")) {
            assertEquals("p", persistence(table), table + " stays logged");
        }
    }

    static String persistence(String table) {
        return (String) Db.rows(Db.TEST_SCHEMA, "select relpersistence::text as p from pg_class where oid = to_regclass(?)", table).get(0).get("p");
    }

    /** What PostgreSQL's crash recovery does to unlogged tables: every one of them emptied, the queue with them. */
    static void crash() {
        Db.rows(Db.TEST_SCHEMA, "truncate rollup_state, rollup_queue, " + String.join(", ", ROLLUPS));
        // (the service's applier may rebuild them the next moment: that is what it is for)
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
        assertEquals(1, Db.number(Db.TEST_SCHEMA, "select count(*) from rollup_state"), "whole again");
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
        assertEquals(80, Db.number(Db.TEST_SCHEMA, "select coalesce(sum(gifts), 0) from creator_stream_total where stream_id = ?::uuid",
                creator.stream()));
    }
}
