package com.coinstream.gifting;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.coinstream.db.DedicatedPools;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;

/**
 * The lanes keep one generic plan of the batch statement per connection. Made on the test schema's tiny
 * tables (as on a fresh deployment), that plan must still find every row by index, so it stays right
 * when the tables hold millions of rows.
 */
@QuarkusTest
class GiftBatchPlanTest {
    @Inject
    DedicatedPools pools;

    @Test
    void theCachedPlanLooksEveryRowUpByIndexEvenOnTinyTables() {
        Pool lane = pools.pool("plan-test", 1, GiftBatchStore.SESSION);
        String nulls = String.join(", ", java.util.Collections.nCopies(32, "null"));
        // EXPLAIN EXECUTE of a named statement shows the plan the lane reuses (the generic one, as forced).
        List<String> plan = lane.withConnection(c -> c.query("prepare gift_batch as " + GiftBatchStore.SQL).execute()
                .flatMap(x -> c.query("explain (costs off) execute gift_batch(" + nulls + ")").execute())
                .map(rows -> {
                    List<String> lines = new ArrayList<>();
                    for (Row row : rows) {
                        lines.add(row.getString(0));
                    }
                    return lines;
                })).await().indefinitely();
        lane.closeAndAwait();
        String text = String.join("\n", plan);
        assertTrue(text.contains("Index Scan using idempotency_key_pkey") || text.contains("Index Only Scan using idempotency_key_pkey"), text);
        assertTrue(text.contains("live_stream_pkey"), text);
        assertTrue(text.contains("purchase_stats_pkey"), text);
        assertFalse(text.contains("Seq Scan"), text);
        // Generic: not planned for one set of values (null parameters would have folded these lookups away).
        assertTrue(text.contains("spending_limit_idx"), text);
    }
}
