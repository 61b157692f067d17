package com.coinstream.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.coinstream.domain.Money;
import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LedgerChecks;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Tokens;
import com.coinstream.support.Webhooks;
import com.coinstream.support.Management;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * The core API against the packaged artifact in the prod profile (the jar here, the native binary where
 * one is built), configured as an operator would: no dev seed (demo users), no dev endpoints, no playground.
 */
@QuarkusIntegrationTest
@WithTestResource(ProdApp.class)
class CoreApiIT {

    @Test
    void theProdBuildHasNoDevEndpointsAndServesHealthMetricsAndTheSchema() throws Exception {
        given().get("/dev/token?sub=x").then().statusCode(404);
        given().get("/q/graphql-ui/").then().statusCode(404);
        Management.given().get("/q/health/live").then().statusCode(200);
        Management.given().get("/q/health/ready").then().statusCode(200);
        assertTrue(Management.given().get("/q/metrics").then().statusCode(200).extract().asString().contains("coinstream_gifts_total"));
        given().get("/q/metrics").then().statusCode(404);
        String served = given().get("/graphql/schema.graphql").then().statusCode(200).extract().asString();
        assertEquals(Files.readString(Path.of("src/main/graphql/schema.graphql")), served);
        assertEquals("UNAUTHENTICATED", Gql.errorCode(Gql.post(null, "{ wallet { coins } }", null)));
        var internal = Gql.post(Tokens.viewer("it-viewer"), "{ transactions(first: 1, after: \"nope\") { nodes { id } } }", null);
        assertEquals("BAD_USER_INPUT", Gql.errorCode(internal));
        assertTrue(!internal.asString().contains("Exception"));
    }

    @Test
    void theLaunchCatalogueIsOnSaleFromTheFirstStartWithoutDemoUsers() {
        List<String> packages = Gql.ok(null, "{ coinPackages(region: \"US\") { id coins price { amount currency } } }").getList("data.coinPackages.id");
        assertTrue(packages.containsAll(List.of(Flows.PKG_70, Flows.PKG_350, Flows.PKG_700)), packages.toString());
        List<String> gifts = Gql.ok(null, "{ giftCatalogue(region: \"US\") { id name coins tier } }").getList("data.giftCatalogue.name");
        assertTrue(gifts.containsAll(List.of("Rose", "Finger Heart", "Perfume", "Hand Hearts", "Sunglasses", "Money Gun", "Galaxy", "Lion", "Universe")),
                gifts.toString());

        String viewer = Tokens.viewer(Tokens.unique("itlaunch"));
        assertEquals("SUCCEEDED", Flows.buyPackage(viewer, Flows.PKG_70, "pm_card_ok", Flows.key()).getString("data.purchaseCoins.purchase.status"));
        LiveCreator creator = Gifting.liveCreator("itlaunchcreator");
        var sent = Gifting.send(viewer, creator.stream(), Gifting.PERFUME, 2, Flows.key());
        assertEquals(List.of(), sent.getList("data.sendGift.userErrors"));
        assertEquals(30, Flows.coins(viewer));
        LedgerChecks.assertClean();
    }

    @Test
    void aViewerBuysCoinsAndGiftsACreatorAndTheLedgerStaysBalanced() {
        String admin = Tokens.admin("it-admin");
        String gift = Gql.ok(admin, "mutation { createGift(input: {name: \"Perfume\", coins: 20, tier: 2, animationKey: \"gifts/perfume\"}) { gift { id } } }")
                .getString("data.createGift.gift.id");
        String pkg = Gql.ok(admin, "mutation { createCoinPackage(input: {region: \"US\", coins: 350, price: {amount: \"4.99\", currency: \"USD\"}}) { coinPackage { id } } }")
                .getString("data.createCoinPackage.coinPackage.id");
        assertTrue(Gql.ok(null, "{ coinPackages(region: \"US\") { id } }").<String> getList("data.coinPackages.id").contains(pkg));

        String viewer = Tokens.viewer(Tokens.unique("itbuyer"));
        var bought = Flows.buyPackage(viewer, pkg, "pm_card_ok", Flows.key());
        assertEquals("SUCCEEDED", bought.getString("data.purchaseCoins.purchase.status"));
        assertEquals("1.42", Flows.buyCoins(viewer, 100, "pm_card_ok", Flows.key()).getString("data.purchaseCoins.purchase.price.amount"));
        String pending = Flows.buyPackage(viewer, pkg, "pm_async", Flows.key()).getString("data.purchaseCoins.purchase.id");
        Webhooks.post(Webhooks.succeeded("evt_it_" + pending, pending, 499, "USD"), "sha256=00").then().statusCode(401);
        Webhooks.send(Webhooks.succeeded("evt_it_" + pending, pending, 499, "USD")).then().statusCode(200);
        assertEquals(800, Flows.coins(viewer));

        LiveCreator creator = Gifting.liveCreator("itcreator");
        String key = Flows.key();
        var sent = Gifting.send(viewer, creator.stream(), gift, 3, key);
        assertEquals(List.of(), sent.getList("data.sendGift.userErrors"));
        assertEquals(30, sent.getLong("data.sendGift.receipt.creatorDiamonds"));
        assertEquals(sent.getString("data.sendGift.receipt.id"), Gifting.send(viewer, creator.stream(), gift, 3, key).getString("data.sendGift.receipt.id"));
        assertEquals(740, Flows.coins(viewer));
        var earnings = Gql.ok(creator.token(), "{ earnings { diamonds { pending } } }");
        assertEquals(30, earnings.getLong("data.earnings.diamonds.pending"));
        assertEquals("INSUFFICIENT_COINS", Gifting.code(Gifting.send(viewer, creator.stream(), gift, 99, Flows.key())));
        LedgerChecks.assertClean();
        Map<String, Object> audit = LedgerChecks.audit().getMap("data.ledgerAudit");
        assertNotNull(audit.get("entries"));
        assertNull(Gql.post(Tokens.viewer("nobody"), "{ ledgerAudit { balanced } }", null).jsonPath().get("data"));
    }
}
