package com.coinstream.purchase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.coinstream.support.Flows;
import com.coinstream.support.Gql;
import com.coinstream.support.LedgerChecks;
import com.coinstream.support.Race;
import com.coinstream.support.Tokens;
import com.coinstream.support.Webhooks;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class PurchaseConcurrencyTest {
    private static final int N = 120;

    @Inject
    PurchaseService purchases;

    @AfterEach
    void ledgerStaysBalanced() {
        LedgerChecks.assertClean();
    }

    @Test
    void racingRequestsWithOneKeyCreditOnce() {
        String token = Tokens.viewer(Tokens.unique("samekey"));
        String key = Flows.key();
        List<String> answers = Race.run(N, i -> {
            var r = Flows.buyPackage(token, Flows.PKG_70, "pm_card_ok", key);
            return r.getString("data.purchaseCoins.purchase.id") + " " + r.getString("data.purchaseCoins.purchase.status");
        });
        assertEquals(1, Set.copyOf(answers).size(), "every replay answers as the original does, its outcome too: " + Set.copyOf(answers));
        assertTrue(answers.get(0).endsWith(" SUCCEEDED"), answers.get(0));
        assertEquals(70, Flows.coins(token));
        // and a declined card: one FAILED, told to every twin
        String declinedKey = Flows.key();
        List<String> declined = Race.run(N, i -> Flows.buyPackage(token, Flows.PKG_70, "pm_card_declined", declinedKey)
                .getString("data.purchaseCoins.purchase.status"));
        assertEquals(Set.of("FAILED"), Set.copyOf(declined));
    }

    @Test
    void racingRequestsWithDistinctKeysEachCreditOnce() {
        String token = Tokens.viewer(Tokens.unique("manykeys"));
        List<String> statuses = Race.run(N, i -> Flows.buyPackage(token, Flows.PKG_70, "pm_card_ok", Flows.key())
                .getString("data.purchaseCoins.purchase.status"));
        assertTrue(statuses.stream().allMatch("SUCCEEDED"::equals), statuses.toString());
        assertEquals(70L * N, Flows.coins(token));
        var paid = Gql.ok(token, Flows.WALLET).getString("data.wallet.moneyPaid.amount");
        assertEquals("118.80", paid);
    }

    @Test
    void webhookStormAndSynchronousConfirmationCreditOnce() {
        String token = Tokens.viewer(Tokens.unique("storm"));
        String purchaseId = Flows.buyPackage(token, Flows.PKG_350, "pm_async", Flows.key())
                .getString("data.purchaseCoins.purchase.id");
        String sameEvent = Webhooks.succeeded("evt_storm_" + purchaseId, purchaseId, 499, "USD");
        List<Integer> codes = Race.run(N, i -> {
            if (i % 6 == 0) {
                // the gateway's own confirmation path, racing the webhooks
                purchases.settleSucceeded(UUID.fromString(purchaseId), "sim_pi_" + purchaseId, null).await().indefinitely();
                return 200;
            }
            String body = i % 2 == 0 ? sameEvent : Webhooks.succeeded("evt_storm_" + i + "_" + purchaseId, purchaseId, 499, "USD");
            return Webhooks.send(body).statusCode();
        });
        assertEquals(Set.of(200), codes.stream().collect(Collectors.toSet()));
        assertEquals(350, Flows.coins(token));
        assertEquals("4.99", Gql.ok(token, Flows.WALLET).getString("data.wallet.moneyPaid.amount"));
    }
}
