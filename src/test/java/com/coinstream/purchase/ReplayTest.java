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
