package com.coinstream.ledger;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.coinstream.purchase.ReversalStore;
import com.coinstream.statements.Statements;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;

/**
 * The spend batch leaves the platform's own postings out of the index by account (V41), so that index is partial, and
 * PostgreSQL uses a partial index only for a query that says its condition. Every read of postings by account says
 * it: with sequential scans ruled out, each plan must still read posting through posting_account_idx.
 */
@QuarkusTest
class PostingReadsTest {
    @Inject
    Pool pool;

    static List<Arguments> reads() {
        return List.of(
                Arguments.of("a person's ledger history", LedgerHistory.LINES, new String[] {"'someone'", "9223372036854775807", "11"}),
                Arguments.of("a creator's statement", Statements.FIGURES,
                        new String[] {"'someone'", "'2026-11-01T00:00:00Z'::timestamptz", "'2026-12-01T00:00:00Z'::timestamptz"}),
                Arguments.of("a reversal's funding lots", ReversalStore.WALLET_ENTRIES, new String[] {"42"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reads")
    void everyReadByAccountUsesTheIndex(String read, String sql, String[] values) {
        String query = sql;
        for (int i = values.length; i >= 1; i--) {
            query = query.replace("$" + i, values[i - 1]);
        }
        String explain = "explain (costs off) " + query;
        List<String> plan = pool.withTransaction(c -> c.query("set local enable_seqscan = off").execute()
                .flatMap(x -> c.query(explain).execute()).map(rows -> {
                    List<String> lines = new ArrayList<>();
                    for (Row r : rows) {
                        lines.add(r.getString(0));
                    }
                    return lines;
                })).await().indefinitely();
        String text = String.join("\n", plan);
        assertTrue(text.contains("posting_account_idx"), read + " does not read posting by its index:\n" + text);
    }
}
