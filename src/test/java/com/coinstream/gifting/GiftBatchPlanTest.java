package com.coinstream.gifting;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.coinstream.db.DedicatedPools;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;

/**
 * The lanes keep one generic plan of the batch statement per connection, made whenever the connection
 * opens. Whatever the statistics say at that moment, the plan must find every row by an index probe per
 * gift: no sequential scan, no whole-index scan, nothing materialised and compared with every gift. (A
 * plan made while the statistics said "empty" once read the whole idempotency-key index per batch: 3-6 ms
 * of PostgreSQL CPU per gift.)
 */
@QuarkusTest
class GiftBatchPlanTest {
    private static final List<String> TABLES = List.of("idempotency_key", "live_stream", "app_user", "ledger_account",
            "account_balance", "spending_limit", "spend_day", "journal_entry", "posting", "purchase_stats", "gift_event",
            "stream_gift_seq", "webhook_subscription");

    @Inject
    DedicatedPools pools;

    @ConfigProperty(name = "coinstream.db.schema")
    String schema;

    @Test
    void theKeptPlanProbesByIndexOnTheTestSchema() {
        assertIndexProbesOnly(plan(""));
    }

    @Test
    void theKeptPlanProbesByIndexWhenStatisticsSayEveryTableIsEmpty() {
        // A fresh deployment: the same tables and indexes, analysed while empty.
        StringBuilder setup = new StringBuilder("drop schema if exists plan_probe cascade; create schema plan_probe; ");
        for (String table : TABLES) {
            setup.append("create table plan_probe.").append(table).append(" (like ").append(schema).append('.').append(table)
                    .append(" including all); analyze plan_probe.").append(table).append("; ");
        }
        // The tables of the probe schema first; functions (spending_limit_in_force, spent_since) from the real one.
        setup.append("set search_path = plan_probe, ").append(schema).append(";");
        try {
            assertIndexProbesOnly(plan(setup.toString()));
        } finally {
            Pool pool = pools.pool("plan-cleanup", 1, Map.of());
            pool.query("drop schema if exists plan_probe cascade").execute().await().indefinitely();
            pool.closeAndAwait();
        }
    }

    private List<String> plan(String setup) {
        Pool lane = pools.pool("plan-test", 1, GiftBatchStore.SESSION);
        try {
            int parameters = Pattern.compile("\\$(\\d+)").matcher(GiftBatchStore.SQL).results()
                    .mapToInt(m -> Integer.parseInt(m.group(1))).max().orElseThrow();
            String nulls = String.join(", ", Collections.nCopies(parameters, "null"));
            // EXPLAIN EXECUTE of a named statement shows the plan the lane reuses (the generic one, as forced).
            return lane.withConnection(c -> (setup.isEmpty() ? io.smallrye.mutiny.Uni.createFrom().voidItem()
                    : c.query(setup).execute().replaceWithVoid())
                    .flatMap(x -> c.query("prepare gift_batch as " + GiftBatchStore.SQL).execute())
                    .flatMap(x -> c.query("explain (costs off) execute gift_batch(" + nulls + ")").execute())
                    .map(rows -> {
                        List<String> lines = new ArrayList<>();
                        for (Row row : rows) {
                            lines.add(row.getString(0));
                        }
                        return lines;
                    })).await().indefinitely();
        } finally {
            lane.closeAndAwait();
        }
    }

    private static void assertIndexProbesOnly(List<String> plan) {
        String text = String.join("\n", plan);
        // the stream counter rows are raised in stream order, one index probe each: two instances' lanes of the same
        // streams must not lock two rows in opposite orders. Either the join's outer side is an index scan of
        // = any(array), which reads the keys in order, or it is the ordered CTE and each inner scan probes its one key.
        int bump = indexOf(plan, "Update on stream_gift_seq");
        int outer = bump + 4;
        while (outer < plan.size() && !plan.get(outer).contains("->")) {
            outer++;
        }
        int inner = outer + 1;
        while (inner < plan.size() && !plan.get(inner).contains("->")) {
            inner++;
        }
        boolean ordered = inner + 1 < plan.size()
                && (plan.get(outer).contains("Index Scan using stream_gift_seq_pkey") && plan.get(outer + 1).contains("= ANY")
                        || plan.get(outer).contains("CTE Scan on streams")
                                && plan.get(inner).contains("Index Scan using stream_gift_seq_pkey")
                                && plan.get(inner + 1).matches(".*Index Cond: \\(\\(stream_id = s\\w*\\.stream_id\\).*"));
        assertTrue(bump >= 0 && plan.get(bump + 3).contains("Nested Loop") && ordered,
                "stream counter rows not raised in stream order:\n" + text);
        assertFalse(text.contains("Seq Scan"), text);
        assertFalse(text.contains("Materialize"), text);
        for (int i = 0; i < plan.size(); i++) {
            String line = plan.get(i);
            if (line.contains("Index Scan using") || line.contains("Index Only Scan using") || line.contains("Bitmap Index Scan on")) {
                // An index scan without a condition reads the whole index.
                assertTrue(i + 1 < plan.size() && plan.get(i + 1).contains("Index Cond"), "unbounded index scan: " + line + "\n" + text);
            }
            if (line.contains("using spend_day_pkey")) {
                // the day's spend and the caps read a sender's days in range, never every day they ever spent
                assertTrue(plan.get(i + 1).contains("day"), "a sender's every day read: " + line + "\n" + plan.get(i + 1) + "\n" + text);
            }
        }
        for (String index : List.of("idempotency_key_pkey", "live_stream_pkey", "app_user_pkey", "purchase_stats_pkey",
                "account_balance_pkey", "stream_gift_seq_pkey")) {
            assertTrue(text.contains(index), index + " not used:\n" + text);
        }
        // Generic: not planned for one set of values (null parameters would have folded these lookups away).
        assertTrue(text.contains(" on spending_limit "), text);
    }

    private static int indexOf(List<String> plan, String node) {
        for (int i = 0; i < plan.size(); i++) {
            if (plan.get(i).contains(node)) {
                return i;
            }
        }
        return -1;
    }
}
