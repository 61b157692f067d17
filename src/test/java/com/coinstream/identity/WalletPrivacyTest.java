package com.coinstream.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.junit.jupiter.api.Test;

import com.coinstream.support.Flows;
import com.coinstream.support.Gql;
import com.coinstream.support.Tokens;

import io.quarkus.test.junit.QuarkusTest;

/** A's token never reads or moves B's money; no token, no private data. */
@QuarkusTest
class WalletPrivacyTest {

    @Test
    void eachCallerSeesOnlyTheirOwnWalletHistoryAndPurchases() {
        String a = Tokens.viewer(Tokens.unique("a"));
        String b = Tokens.viewer(Tokens.unique("b"));
        String bPurchase = Flows.buyPackage(b, Flows.PKG_350, "pm_card_ok", Flows.key()).getString("data.purchaseCoins.purchase.id");
        Flows.buyPackage(a, Flows.PKG_70, "pm_card_ok", Flows.key());

        assertEquals(70, Flows.coins(a));
        assertEquals(350, Flows.coins(b));
        List<Map<String, Object>> aLines = Gql.ok(a, "{ transactions(first: 100) { nodes { causeId amount } } }")
                .getList("data.transactions.nodes");
        assertTrue(aLines.stream().noneMatch(l -> bPurchase.equals(l.get("causeId"))));
        assertNull(Gql.ok(a, "query($id: ID!) { purchase(id: $id) { id } }", Gql.vars("id", bPurchase)).get("data.purchase"));
        assertEquals(bPurchase, Gql.ok(b, "query($id: ID!) { purchase(id: $id) { id } }", Gql.vars("id", bPurchase))
                .getString("data.purchase.id"));
    }

    @Test
    void anonymousCallersGetNoPrivateData() {
        for (String q : List.of("{ wallet { coins } }", "{ transactions { nodes { id } } }", "{ me { id } }",
                "{ purchase(id: \"00000000-0000-4000-8000-000000000000\") { id } }")) {
            var r = Gql.post(null, q, null);
            assertEquals("UNAUTHENTICATED", Gql.errorCode(r), q);
            Map<String, Object> data = r.jsonPath().get("data");
            assertTrue(data == null || data.values().stream().allMatch(Objects::isNull), q);
        }
        var buy = Gql.post(null, Flows.PURCHASE, Gql.input("packageId", Flows.PKG_70, "paymentMethodToken", "pm_card_ok",
                "idempotencyKey", Flows.key()));
        assertEquals("UNAUTHENTICATED", Gql.errorCode(buy));
    }

    @Test
    void transactionsPageWithOpaqueCursors() {
        String token = Tokens.viewer(Tokens.unique("pager"));
        for (int i = 0; i < 3; i++) {
            Flows.buyPackage(token, Flows.PKG_70, "pm_card_ok", Flows.key());
        }
        var page1 = Gql.ok(token, "{ transactions(first: 4) { edges { cursor } pageInfo { hasNextPage endCursor } } }");
        assertTrue(page1.getBoolean("data.transactions.pageInfo.hasNextPage"));
        String after = page1.getString("data.transactions.pageInfo.endCursor");
        var page2 = Gql.ok(token, "query($a: String) { transactions(first: 4, after: $a) { nodes { id } pageInfo { hasNextPage hasPreviousPage } } }",
                Gql.vars("a", after));
        assertEquals(2, page2.getList("data.transactions.nodes").size());
        assertEquals(false, page2.getBoolean("data.transactions.pageInfo.hasNextPage"));
        var bad = Gql.post(token, "{ transactions(first: 4, after: \"garbage!\") { nodes { id } } }", null);
        assertEquals("BAD_USER_INPUT", Gql.errorCode(bad));
        var capped = Gql.ok(token, "{ transactions(first: 100000) { nodes { id } } }");
        assertEquals(6, capped.getList("data.transactions.nodes").size());
    }

    @Test
    void cursorsAndLineIdsDoNotRevealRowPositionsAndForgedCursorsAreRefused() {
        String token = Tokens.viewer(Tokens.unique("opaque"));
        Flows.buyPackage(token, Flows.PKG_70, "pm_card_ok", Flows.key());
        var page = Gql.ok(token, "{ transactions(first: 5) { edges { cursor node { id } } } }");
        List<String> opaque = new ArrayList<>(page.getList("data.transactions.edges.cursor"));
        opaque.addAll(page.getList("data.transactions.edges.node.id"));
        for (String value : opaque) {
            byte[] raw = Base64.getUrlDecoder().decode(value);
            String text = new String(raw, StandardCharsets.ISO_8859_1);
            assertTrue(raw.length == 16 && !text.startsWith("cs"), "not opaque: " + value + " = " + text);
        }
        // What cursors used to be (base64 of "cs1:<position>") and random blocks are not cursors any more.
        for (String forged : List.of("Y3MxOjU", "Y3MxOjk5OTk5OQ", "AAAAAAAAAAAAAAAAAAAAAA", opaque.get(0).substring(1) + "A")) {
            var r = Gql.post(token, "query($a: String) { transactions(first: 5, after: $a) { nodes { id } } }", Gql.vars("a", forged));
            assertEquals("BAD_USER_INPUT", Gql.errorCode(r), forged);
        }
    }
}
