package com.coinstream.purchase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LedgerChecks;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Tokens;
import com.coinstream.support.Viewer;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** A replay (same key, same input) returns the original result, whatever has changed since. */
@QuarkusTest
class ReplayTest {

    @AfterEach
    void clean() {
        LedgerChecks.assertClean();
    }

    static void hold(String userId, boolean on) {
        String mutation = on
                ? "mutation($input: PlaceHoldInput!) { placeHold(input: $input) { userErrors { code } } }"
                : "mutation($input: ReleaseHoldInput!) { releaseHold(input: $input) { userErrors { code } } }";
        Map<String, Object> input = on ? Gql.input("userId", userId, "reason", "review") : Gql.input("userId", userId);
        JsonPath r = Gql.ok(Tokens.admin(), mutation, input);
        assertTrue(r.getList("data." + (on ? "placeHold" : "releaseHold") + ".userErrors").isEmpty(), r.prettify());
    }

    /**
     * A purchase recorded (PENDING, its key claimed) whose charge was then cut off (the instance stopped, the settlement
     * lost) is taken up by a replay of the same request, once the original would have finished: charged again with the
     * same purchase id (the processor's idempotency key) and settled once. Before, every replay answered PENDING for
     * ever, and the person could never be erased (a pending purchase blocks it).
     */
    @Test
    void aPurchaseCutOffAfterItWasRecordedIsTakenUpByItsReplay() {
        cutOffPurchaseTakenUp(false);
    }

    /** The same, with the person put on hold since (a stolen card, say): the replay charges nothing and says why. */
    @Test
    void aCutOffPurchaseOfAPersonPutOnHoldSinceIsNotTakenUp() {
        cutOffPurchaseTakenUp(true);
    }

    private void cutOffPurchaseTakenUp(boolean heldSince) {
        String id = Tokens.unique("cutoff");
        String token = Tokens.viewer(id);
        Gql.ok(token, "{ me { id } }");
        String key = Flows.key();
        java.util.UUID purchase = java.util.UUID.randomUUID();
        // as the first request left it: the purchase and the key committed, then nothing (its instance was killed)
        com.coinstream.support.Db.rows(com.coinstream.support.Db.TEST_SCHEMA, "insert into purchase (id, user_id, package_id, coins, "
                + "price_minor, currency, status, provider, created_at, updated_at) values (?::uuid, ?, ?::uuid, 70, 99, 'USD', 'PENDING', "
                + "'simulated', now(), now()) returning id", purchase.toString(), id, Flows.PKG_70);
        com.coinstream.support.Db.rows(com.coinstream.support.Db.TEST_SCHEMA, "insert into idempotency_key (owner_id, key, operation, "
                + "request_hash, result_id, created_at) values (?, ?, 'purchaseCoins', ?, ?::uuid, now()) returning key", id, key,
                com.coinstream.ledger.Idempotency.fingerprint("purchaseCoins", java.util.UUID.fromString(Flows.PKG_70), null, "pm_card_ok"),
                purchase.toString());
        if (heldSince) {
            Gql.ok(Tokens.admin(), "mutation($input: PlaceHoldInput!) { placeHold(input: $input) { onHold } }", Gql.input("userId", id,
                    "reason", "card reported stolen"));
            JsonPath refused = Flows.buyPackage(token, Flows.PKG_70, "pm_card_ok", key);
            assertEquals("ACCOUNT_ON_HOLD", refused.getString("data.purchaseCoins.userErrors[0].code"), refused.prettify());
            assertEquals("PENDING", com.coinstream.support.Db.rows(com.coinstream.support.Db.TEST_SCHEMA, "select status from purchase where id = ?::uuid",
                    purchase.toString()).get(0).get("status"));
            assertEquals(0L, Flows.coins(token));
            LedgerChecks.assertClean();
            return;
        }
        JsonPath replayed = Flows.buyPackage(token, Flows.PKG_70, "pm_card_ok", key);
        assertEquals(purchase.toString(), replayed.getString("data.purchaseCoins.purchase.id"), replayed.prettify());
        assertEquals("SUCCEEDED", replayed.getString("data.purchaseCoins.purchase.status"), replayed.prettify());
        assertEquals(70L, Flows.coins(token));
        // and again: the same answer, nothing credited twice
        assertEquals("SUCCEEDED", Flows.buyPackage(token, Flows.PKG_70, "pm_card_ok", key).getString("data.purchaseCoins.purchase.status"));
        assertEquals(70L, Flows.coins(token));
        LedgerChecks.assertClean();
    }

    @Test
    void aPurchaseReplayedAfterAHoldReturnsTheChargedPurchase() {
        String id = Tokens.unique("charged");
        String token = Tokens.viewer(id);
        String key = Flows.key();
        JsonPath first = Flows.buyPackage(token, Flows.PKG_70, "pm_card_ok", key);
        hold(id, true);
        try {
            JsonPath replay = Flows.buyPackage(token, Flows.PKG_70, "pm_card_ok", key);
            assertTrue(replay.getList("data.purchaseCoins.userErrors").isEmpty(), replay.prettify());
            assertEquals(first.getString("data.purchaseCoins.purchase.id"), replay.getString("data.purchaseCoins.purchase.id"));
            assertEquals("SUCCEEDED", replay.getString("data.purchaseCoins.purchase.status"));
            // A new purchase is still refused.
            JsonPath fresh = Flows.buyPackage(token, Flows.PKG_70, "pm_card_ok", Flows.key());
            assertEquals("ACCOUNT_ON_HOLD", fresh.getString("data.purchaseCoins.userErrors[0].code"));
        } finally {
            hold(id, false);
        }
        assertEquals(70, Flows.coins(token));
    }

    @Test
    void aPurchaseReplayedAfterItsPackageWasRetiredReturnsTheOriginal() {
        String admin = Tokens.admin();
        String pkg = Gql.ok(admin, "mutation { createCoinPackage(input: {region: \"US\", coins: 140, price: {amount: \"1.99\", currency: \"USD\"}}) { coinPackage { id } } }")
                .getString("data.createCoinPackage.coinPackage.id");
        String token = Tokens.viewer(Tokens.unique("retired"));
        String key = Flows.key();
        JsonPath first = Flows.buyPackage(token, pkg, "pm_card_ok", key);
        Gql.ok(admin, "mutation($input: RetireCoinPackageInput!) { retireCoinPackage(input: $input) { userErrors { code } } }",
                Gql.input("packageId", pkg));
        JsonPath replay = Flows.buyPackage(token, pkg, "pm_card_ok", key);
        assertTrue(replay.getList("data.purchaseCoins.userErrors").isEmpty(), replay.prettify());
        assertEquals(first.getString("data.purchaseCoins.purchase.id"), replay.getString("data.purchaseCoins.purchase.id"));
        assertEquals(140, Flows.coins(token));
    }

    @Test
    void aGiftReplayReturnsTheWalletAsItWasRightAfterTheGift() {
        LiveCreator creator = Gifting.liveCreator("replaywallet");
        Viewer fan = Gifting.fundedViewer("replaywalletfan", 100);
        String key = Flows.key();
        JsonPath first = Gifting.send(fan.token(), creator.stream(), Gifting.FINGER_HEART, 1, key);
        assertEquals(95, first.getLong("data.sendGift.wallet.coins"));
        Gifting.send(fan.token(), creator.stream(), Gifting.FINGER_HEART, 2, Flows.key());
        hold(fan.id(), true);
        try {
            JsonPath replay = Gifting.send(fan.token(), creator.stream(), Gifting.FINGER_HEART, 1, key);
            assertEquals(null, Gifting.code(replay), replay.prettify());
            assertEquals(first.getString("data.sendGift.receipt.id"), replay.getString("data.sendGift.receipt.id"));
            assertEquals(95, replay.getLong("data.sendGift.wallet.coins"));
        } finally {
            hold(fan.id(), false);
        }
        assertEquals(85, Flows.coins(fan.token()));
    }
}
