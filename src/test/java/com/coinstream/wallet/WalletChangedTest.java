package com.coinstream.wallet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.coinstream.support.FeedClient;
import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LedgerChecks;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Tokens;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class WalletChangedTest {
    static final String SUBSCRIPTION = "subscription { walletChanged { coins coinDebt moneyPaid { amount currency } } }";

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void theCallerSeesEachCommittedChangeToTheirOwnWalletAndNobodyElses() throws Exception {
        String viewerId = Tokens.unique("watchful");
        String viewer = Tokens.viewer(viewerId);
        String other = Tokens.viewer(Tokens.unique("neighbour"));
        LiveCreator creator = Gifting.liveCreator("walletfeed");
        String admin = Tokens.admin();
        Gql.ok(viewer, "{ me { id } }");
        try (FeedClient client = FeedClient.connect(port, viewer)) {
            assertNotNull(client.nextOf(10, "connection_ack"));
            client.subscribe("w", SUBSCRIPTION);
            // The subscription goes live asynchronously: buy until the first change arrives.
            JsonNode first = null;
            for (int attempt = 0; attempt < 10 && first == null; attempt++) {
                Flows.buyPackage(viewer, Flows.PKG_70, "pm_card_ok", Flows.key());
                first = client.nextOf(2, "next");
            }
            assertNotNull(first, "no walletChanged after a purchase");
            while (client.nextOf(1, "next") != null) {
                // drain the changes of purchases made before the subscription went live
            }
            long coins = Flows.coins(viewer);
            assertEquals(0, coins % 70);

            Gifting.send(viewer, creator.stream(), Gifting.PERFUME, 1, Flows.key());
            assertEquals(coins - 20, wallet(client.nextOf(5, "next")).path("coins").asLong());

            Gql.ok(admin, Flows.GRANT, Gql.input("userId", viewerId, "coins", 5, "reason", "thanks", "idempotencyKey", "grant-walletfeed"));
            assertEquals(coins - 15, wallet(client.nextOf(5, "next")).path("coins").asLong());

            // A replayed grant changes nothing, and someone else's purchase is not this caller's business.
            Gql.ok(admin, Flows.GRANT, Gql.input("userId", viewerId, "coins", 5, "reason", "thanks", "idempotencyKey", "grant-walletfeed"));
            Flows.buyPackage(other, Flows.PKG_70, "pm_card_ok", Flows.key());
            Gifting.send(viewer, creator.stream(), Gifting.GALAXY, 99, Flows.key()); // refused: nothing changes
            assertNull(client.nextOf(2, "next"));

            String purchase = Flows.buyPackage(viewer, Flows.PKG_70, "pm_card_ok", Flows.key()).getString("data.purchaseCoins.purchase.id");
            JsonNode bought = wallet(client.nextOf(5, "next"));
            assertEquals(coins - 15 + 70, bought.path("coins").asLong());
            assertTrue(bought.path("moneyPaid").path("amount").asText().matches("\\d+\\.\\d{2}"));

            Gql.ok(admin, "mutation($input: ReversePurchaseInput!) { reversePurchase(input: $input) { userErrors { code } } }",
                    Gql.input("purchaseId", purchase, "kind", "REFUND", "idempotencyKey", Flows.key()));
            assertEquals(coins - 15, wallet(client.nextOf(5, "next")).path("coins").asLong());
        }
        LedgerChecks.assertClean();
    }

    @Test
    void anAnonymousSubscriptionIsRefused() throws Exception {
        try (FeedClient client = FeedClient.connect(port, null)) {
            client.nextOf(5, "connection_ack");
            client.subscribe("w", SUBSCRIPTION);
            JsonNode reply = client.nextOf(10, "error", "next", "complete", "closed");
            assertNotNull(reply);
            assertTrue(reply.toString().contains("UNAUTHENTICATED") || "closed".equals(reply.path("type").asText()), reply.toString());
        }
    }

    private static JsonNode wallet(JsonNode next) {
        assertNotNull(next, "expected a walletChanged event");
        return next.path("payload").path("data").path("walletChanged");
    }
}
