package com.coinstream.wallet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.coinstream.support.Flows;
import com.coinstream.support.Gql;
import com.coinstream.support.LedgerChecks;
import com.coinstream.support.Race;
import com.coinstream.support.Tokens;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class GrantCoinsTest {

    @AfterEach
    void ledgerStaysBalanced() {
        LedgerChecks.assertClean();
    }

    @Test
    void adminGrantIsBookedAgainstPromotionsAndShownInHistory() {
        String user = Tokens.unique("granted");
        String token = Tokens.viewer(user);
        Gql.ok(token, "{ me { id } }");
        var r = Gql.ok(Tokens.admin(), Flows.GRANT, Gql.input("userId", user, "coins", 250, "reason", "stream outage compensation",
                "idempotencyKey", Flows.key()));
        assertEquals(List.of(), r.getList("data.grantCoins.userErrors"));
        assertEquals(250, r.getLong("data.grantCoins.wallet.coins"));
        assertEquals("GRANT", r.getString("data.grantCoins.entry.kind"));
        assertEquals(250, Flows.coins(token));
        var line = Gql.ok(token, "{ transactions(first: 1) { nodes { kind amount memo asset } } }");
        assertEquals("GRANT", line.getString("data.transactions.nodes[0].kind"));
        assertEquals("stream outage compensation", line.getString("data.transactions.nodes[0].memo"));
    }

    @Test
    void grantRefusesUnknownUsersAndBadAmounts() {
        var unknown = Gql.ok(Tokens.admin(), Flows.GRANT, Gql.input("userId", "nobody-" + Flows.key(), "coins", 5, "reason", "x",
                "idempotencyKey", Flows.key()));
        assertEquals("NOT_FOUND", unknown.getString("data.grantCoins.userErrors[0].code"));
        String user = Tokens.unique("g");
        Gql.ok(Tokens.viewer(user), "{ me { id } }");
        for (Object bad : List.of(0, -1, new java.math.BigInteger("9223372036854775808"))) {
            var r = Gql.ok(Tokens.admin(), Flows.GRANT, Gql.input("userId", user, "coins", bad, "reason", "x", "idempotencyKey", Flows.key()));
            assertEquals("INVALID_AMOUNT", r.getString("data.grantCoins.userErrors[0].code"), "coins " + bad);
            assertNull(r.get("data.grantCoins.wallet"));
        }
        var noReason = Gql.ok(Tokens.admin(), Flows.GRANT, Gql.input("userId", user, "coins", 5, "reason", " ", "idempotencyKey", Flows.key()));
        assertEquals("INVALID_INPUT", noReason.getString("data.grantCoins.userErrors[0].code"));
        assertEquals(0, Flows.coins(Tokens.viewer(user)));
        // an admin who is a viewer too grants nothing to themselves: that is another admin's to do
        String self = Tokens.unique("selfgrant");
        String selfToken = Tokens.token(self, java.util.Set.of("admin", "viewer"), "1990-01-01", "US");
        var own = Gql.ok(selfToken, Flows.GRANT, Gql.input("userId", self, "coins", 5, "reason", "x", "idempotencyKey", Flows.key()));
        assertEquals("FORBIDDEN", own.getString("data.grantCoins.userErrors[0].code"));
        assertEquals(0, Flows.coins(selfToken));
    }

    @Test
    void racingGrantsWithOneKeyGrantOnce() {
        String user = Tokens.unique("grantrace");
        Gql.ok(Tokens.viewer(user), "{ me { id } }");
        String admin = Tokens.admin("ops-" + Flows.key());
        String key = Flows.key();
        List<String> entries = Race.run(100, i -> Gql.ok(admin, Flows.GRANT,
                Gql.input("userId", user, "coins", 10, "reason", "promo", "idempotencyKey", key)).getString("data.grantCoins.entry.id"));
        assertEquals(1, Set.copyOf(entries).size());
        assertEquals(10, Flows.coins(Tokens.viewer(user)));
    }
}
