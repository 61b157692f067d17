package com.coinstream.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import com.coinstream.ledger.Ledger;

import io.restassured.path.json.JsonPath;

/** Ledger invariants, checked through the admin ledgerAudit query as an operator would. */
public final class LedgerChecks {
    private LedgerChecks() {
    }

    public static JsonPath audit() {
        return Gql.ok(Tokens.admin(), """
                { ledgerAudit { balanced reconciled entries postings
                    assets { asset postingsSum balancesSum }
                    mismatches { kind accountId entryId asset expected actual subject detail } } }
                """);
    }

    public static void assertClean() {
        JsonPath audit = audit();
        List<Map<String, Object>> mismatches = audit.getList("data.ledgerAudit.mismatches");
        assertTrue(mismatches.isEmpty(), "ledger mismatches: " + mismatches);
        assertTrue(audit.getBoolean("data.ledgerAudit.balanced"), "ledger not balanced");
        assertTrue(audit.getBoolean("data.ledgerAudit.reconciled"), "records not reconciled with the ledger");
        for (Map<String, Object> asset : audit.<Map<String, Object>> getList("data.ledgerAudit.assets")) {
            assertEquals(0L, ((Number) asset.get("postingsSum")).longValue(), "postings of " + asset.get("asset"));
            assertEquals(0L, ((Number) asset.get("balancesSum")).longValue(), "balances of " + asset.get("asset"));
        }
    }
}
