package com.coinstream.purchase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.coinstream.support.Flows;
import com.coinstream.support.Gql;
import com.coinstream.support.LedgerChecks;
import com.coinstream.support.Tokens;
import com.coinstream.support.Webhooks;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class PurchaseCoinsTest {

    @AfterEach
    void ledgerStaysBalanced() {
        LedgerChecks.assertClean();
    }

    @Test
    void coinPackagesArePublicAndPricedAsMoney() {
        var r = Gql.ok(null, "{ coinPackages(region: \"US\") { id coins price { amount currency } } }");
        List<Map<String, Object>> packages = r.getList("data.coinPackages");
        assertEquals(6, packages.size());
        assertEquals(70, ((Number) packages.get(0).get("coins")).intValue());
        assertEquals(Map.of("amount", "0.99", "currency", "USD"), packages.get(0).get("price"));
        assertEquals("99.99", r.getString("data.coinPackages[5].price.amount"));
    }

    @Test
    void buyingAPackageWithAGoodCardCreditsCoinsAndMoneyPaid() {
        String token = Tokens.viewer(Tokens.unique("buyer"));
        var r = Flows.buyPackage(token, Flows.PKG_350, "pm_card_ok", Flows.key());
        assertEquals(List.of(), r.getList("data.purchaseCoins.userErrors"));
        assertEquals("SUCCEEDED", r.getString("data.purchaseCoins.purchase.status"));
        assertEquals(350, r.getLong("data.purchaseCoins.purchase.coins"));
        assertEquals("4.99", r.getString("data.purchaseCoins.purchase.price.amount"));
        assertEquals(350, r.getLong("data.purchaseCoins.wallet.coins"));
        assertEquals("4.99", r.getString("data.purchaseCoins.wallet.moneyPaid.amount"));

        var history = Gql.ok(token, "{ transactions(first: 10) { nodes { kind asset amount account } pageInfo { hasNextPage } } }");
        List<Map<String, Object>> lines = history.getList("data.transactions.nodes");
        assertEquals(2, lines.size());
        assertTrue(lines.stream().allMatch(l -> "PURCHASE".equals(l.get("kind"))));
    }

    @Test
    void customAmountIsPricedAtTheBasePriceRoundedUp() {
        String token = Tokens.viewer(Tokens.unique("custom"));
        // US base price: 0.99 buys 70 coins; 100 coins = 141.43 cents -> 142 cents.
        var r = Flows.buyCoins(token, 100, "pm_card_ok", Flows.key());
        assertEquals("1.42", r.getString("data.purchaseCoins.purchase.price.amount"));
        assertEquals(100, Flows.coins(token));
        // 70 coins is exactly 0.99: no rounding.
        assertEquals("0.99", Flows.buyCoins(token, 70, "pm_card_ok", Flows.key()).getString("data.purchaseCoins.purchase.price.amount"));
    }

    @Test
    void declinedCardIsRefusedAndCreditsNothing() {
        String token = Tokens.viewer(Tokens.unique("declined"));
        var r = Flows.buyPackage(token, Flows.PKG_70, "pm_card_declined", Flows.key());
        assertEquals("PAYMENT_DECLINED", r.getString("data.purchaseCoins.userErrors[0].code"));
        assertEquals("FAILED", r.getString("data.purchaseCoins.purchase.status"));
        assertEquals(0, Flows.coins(token));
    }

    @Test
    void asyncPaymentCreditsOnlyWhenTheSignedWebhookConfirmsIt() {
        String token = Tokens.viewer(Tokens.unique("async"));
        var r = Flows.buyPackage(token, Flows.PKG_700, "pm_async", Flows.key());
        assertEquals("PENDING", r.getString("data.purchaseCoins.purchase.status"));
        String purchaseId = r.getString("data.purchaseCoins.purchase.id");
        assertEquals(0, Flows.coins(token));

        String event = Webhooks.succeeded("evt_" + purchaseId, purchaseId, 999, "USD");
        Webhooks.post(event, "sha256=" + "00".repeat(32)).then().statusCode(401);
        Webhooks.post(event, null).then().statusCode(401);
        assertEquals(0, Flows.coins(token));

        Webhooks.send(event).then().statusCode(200);
        assertEquals(700, Flows.coins(token));
        Webhooks.send(event).then().statusCode(200);
        Webhooks.send(Webhooks.succeeded("evt_other_" + purchaseId, purchaseId, 999, "USD")).then().statusCode(200);
        assertEquals(700, Flows.coins(token));
        var polled = Gql.ok(token, "query($id: ID!) { purchase(id: $id) { status } }", Gql.vars("id", purchaseId));
        assertEquals("SUCCEEDED", polled.getString("data.purchase.status"));
    }

    @Test
    void webhookWithAWrongAmountCreditsNothing() {
        String token = Tokens.viewer(Tokens.unique("amount"));
        String purchaseId = Flows.buyPackage(token, Flows.PKG_70, "pm_async", Flows.key()).getString("data.purchaseCoins.purchase.id");
        Webhooks.send(Webhooks.succeeded("evt_amt_" + purchaseId, purchaseId, 1, "USD")).then().statusCode(422);
        Webhooks.send(Webhooks.succeeded("evt_cur_" + purchaseId, purchaseId, 99, "EUR")).then().statusCode(422);
        // a fraction of a minor unit is no amount: 99.97 is not the 99 cents charged (it read as 99 once)
        Webhooks.send(Webhooks.succeeded("evt_frac_" + purchaseId, purchaseId, 99, "USD").replace("\"amountMinor\":99,", "\"amountMinor\":99.97,"))
                .then().statusCode(422);
        assertEquals(0, Flows.coins(token));
    }

    /**
     * A refund or dispute that names an amount other than the purchase's is a partial one: refused (422), since a reversal
     * takes back the whole purchase; the same event for the whole amount, or without one, reverses it. An admin who is
     * also a viewer cannot reverse their own purchase.
     */
    @Test
    void aPartialRefundIsNotTakenForAWholeOneAndNobodyReversesTheirOwnPurchase() {
        String id = Tokens.unique("partial");
        String token = Tokens.viewer(id);
        String purchaseId = Flows.buyPackage(token, Flows.PKG_70, "pm_card_ok", Flows.key()).getString("data.purchaseCoins.purchase.id");
        String partial = Webhooks.refunded("evt_part_" + purchaseId, purchaseId).replace("\"data\":{", "\"data\":{\"amountMinor\":1,\"currency\":\"USD\",");
        Webhooks.send(partial).then().statusCode(422);
        assertEquals(70, Flows.coins(token), "nothing reversed");
        String otherCurrency = Webhooks.refunded("evt_cur_" + purchaseId, purchaseId).replace("\"data\":{", "\"data\":{\"currency\":\"EUR\",");
        Webhooks.send(otherCurrency).then().statusCode(422);
        assertEquals(70, Flows.coins(token), "nothing reversed");
        // the whole amount without its currency (what is given matches), and a reason of the cardholder's own words over
        // lines: a dispute's words are not read, so they never stop it (they were refused with 400, retried for ever)
        String whole = Webhooks.refunded("evt_whole_" + purchaseId, purchaseId).replace("\"data\":{",
                "\"data\":{\"amountMinor\":99,\"reason\":\"" + "I never got it.\\nAsk my bank. ".repeat(60) + "\",");
        Webhooks.send(whole).then().statusCode(200);
        assertEquals(0, Flows.coins(token), "the whole purchase reversed");

        String adminId = Tokens.unique("selfrefund");
        String adminViewer = Tokens.builder(adminId, java.util.Set.of("admin", "viewer"), Tokens.ADULT, "US").sign(Tokens.key());
        String own = Flows.buyPackage(adminViewer, Flows.PKG_70, "pm_card_ok", Flows.key()).getString("data.purchaseCoins.purchase.id");
        var refused = Gql.ok(adminViewer, "mutation($input: ReversePurchaseInput!) { reversePurchase(input: $input) { userErrors { code } } }",
                Gql.input("purchaseId", own, "kind", "REFUND", "idempotencyKey", Flows.key()));
        assertEquals("FORBIDDEN", refused.getString("data.reversePurchase.userErrors[0].code"));
        assertEquals(70, Flows.coins(adminViewer));
        LedgerChecks.assertClean();
    }

    /**
     * A failure fails the pending purchase; a confirmed payment after it (the buyer paid again on the same payment, or the
     * provider's failure raced its success) captured the money, so the coins are credited, once (it was answered 200 and
     * dropped: money taken, no coins).
     */
    @Test
    void failedWebhookFailsThePendingPurchaseAndALaterSuccessCreditsIt() {
        String token = Tokens.viewer(Tokens.unique("asyncfail"));
        String purchaseId = Flows.buyPackage(token, Flows.PKG_70, "pm_async", Flows.key()).getString("data.purchaseCoins.purchase.id");
        Webhooks.send(Webhooks.failed("evt_f_" + purchaseId, purchaseId)).then().statusCode(200);
        assertEquals("FAILED", Gql.ok(token, "query($id: ID!) { purchase(id: $id) { status } }", Gql.vars("id", purchaseId)).getString("data.purchase.status"));
        assertEquals(0, Flows.coins(token));
        Webhooks.send(Webhooks.succeeded("evt_s_" + purchaseId, purchaseId, 99, "USD")).then().statusCode(200);
        Webhooks.send(Webhooks.succeeded("evt_s2_" + purchaseId, purchaseId, 99, "USD")).then().statusCode(200);
        assertEquals("SUCCEEDED", Gql.ok(token, "query($id: ID!) { purchase(id: $id) { status } }", Gql.vars("id", purchaseId)).getString("data.purchase.status"));
        assertEquals(70, Flows.coins(token), "credited once");

        // failed, then refunded, then a late success (providers promise no order): the refund closes it, nothing credited
        String second = Flows.buyPackage(token, Flows.PKG_70, "pm_async", Flows.key()).getString("data.purchaseCoins.purchase.id");
        Webhooks.send(Webhooks.failed("evt_f_" + second, second)).then().statusCode(200);
        Webhooks.send(Webhooks.refunded("evt_r_" + second, second)).then().statusCode(200);
        Webhooks.send(Webhooks.succeeded("evt_s_" + second, second, 99, "USD")).then().statusCode(200);
        assertEquals("REFUNDED", Gql.ok(token, "query($id: ID!) { purchase(id: $id) { status } }", Gql.vars("id", second)).getString("data.purchase.status"));
        assertEquals(70, Flows.coins(token), "nothing credited for money refunded");
        LedgerChecks.assertClean();
    }

    @Test
    void malformedOrUnknownWebhooksAreRefused() {
        Webhooks.send("{not json").then().statusCode(400);
        Webhooks.send("{\"id\":\"e\",\"type\":\"payment.succeeded\",\"data\":{\"purchaseId\":\"nope\"}}").then().statusCode(400);
        Webhooks.send(Webhooks.succeeded("evt_unknown", "00000000-0000-4000-8000-00000000dead", 99, "USD")).then().statusCode(404);
        // an event of a type not acted on is ignored before any purchase is asked for (a 400 was retried for ever)
        Webhooks.send("{\"id\":\"evt_payout_1\",\"type\":\"payout.paid\",\"data\":{\"payoutId\":\"po_1\"}}").then().statusCode(200);
        Webhooks.send("{\"pad\":\"" + "x".repeat(70_000) + "\"}").then().statusCode(413);
    }

    /** A payment event that declares more than 64 KiB is refused before anything of it is read: nothing buffered. */
    @Test
    void aPaymentEventDeclaringAHugeBodyIsRefusedBeforeItIsRead() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", io.restassured.RestAssured.port)) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("POST /webhooks/payments HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100000\r\n\r\n{").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
            assertTrue(status != null && status.contains(" 413 "), "answered at once, without the 100 KB (under the request limit, over the event's): " + status);
        }
    }

    /**
     * A payment event whose body stops arriving is cut off at the body deadline (408), as a GraphQL request's is: no
     * unauthenticated sender holds a worker thread (or the body budget) by trickling bytes.
     */
    @Test
    void aPaymentEventWhoseBodyStopsArrivingIsCutOffAtTheDeadline() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", io.restassured.RestAssured.port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("POST /webhooks/payments HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 60000\r\n\r\n{\"pad\":\"" + "x".repeat(12_000)).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            long started = System.nanoTime();
            String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
            long waited = (System.nanoTime() - started) / 1_000_000;
            assertTrue(status != null && status.contains(" 408 "), "cut off: " + status);
            assertTrue(waited < com.coinstream.graphql.RequestShape.BODY_DEADLINE.toMillis() + 5_000, "at the deadline, not a read timeout's: " + waited + " ms");
        }
    }

    @Test
    void sameIdempotencyKeyReplaysTheOriginalPurchase() {
        String token = Tokens.viewer(Tokens.unique("replay"));
        String key = Flows.key();
        var first = Flows.buyPackage(token, Flows.PKG_70, "pm_card_ok", key);
        var second = Flows.buyPackage(token, Flows.PKG_70, "pm_card_ok", key);
        assertEquals(first.getString("data.purchaseCoins.purchase.id"), second.getString("data.purchaseCoins.purchase.id"));
        assertEquals(70, Flows.coins(token));

        var reused = Flows.buyPackage(token, Flows.PKG_350, "pm_card_ok", key);
        assertEquals("IDEMPOTENCY_KEY_REUSED", reused.getString("data.purchaseCoins.userErrors[0].code"));
        assertNull(reused.get("data.purchaseCoins.purchase"));
        assertEquals(70, Flows.coins(token));
    }

    @Test
    void minorsAndUnverifiedAgesCannotBuy() {
        String minor = Tokens.token(Tokens.unique("minor"), Set.of("viewer"), "2015-05-05", "US");
        assertEquals("AGE_RESTRICTED", Flows.buyPackage(minor, Flows.PKG_70, "pm_card_ok", Flows.key())
                .getString("data.purchaseCoins.userErrors[0].code"));
        String unknownAge = Tokens.token(Tokens.unique("noage"), Set.of("viewer"), null, "US");
        assertEquals("AGE_RESTRICTED", Flows.buyPackage(unknownAge, Flows.PKG_70, "pm_card_ok", Flows.key())
                .getString("data.purchaseCoins.userErrors[0].code"));
        assertEquals(0, Flows.coins(minor));
        // OpenID Connect's year withheld ("0000-MM-DD") is no verified age, nor is a birthdate still to come
        for (String withheld : new String[] { "0000-05-10", java.time.LocalDate.now().plusDays(2).toString() }) {
            String token = Tokens.token(Tokens.unique("withheld"), Set.of("viewer"), withheld, "US");
            assertEquals("AGE_RESTRICTED", Flows.buyPackage(token, Flows.PKG_70, "pm_card_ok", Flows.key())
                    .getString("data.purchaseCoins.userErrors[0].code"), withheld);
        }
    }

    @Test
    void badAmountsAndUnknownPackagesAreRefused() {
        String token = Tokens.viewer(Tokens.unique("bad"));
        assertEquals("INVALID_AMOUNT", Flows.buyCoins(token, 0, "pm_card_ok", Flows.key()).getString("data.purchaseCoins.userErrors[0].code"));
        assertEquals("INVALID_AMOUNT", Flows.buyCoins(token, -5, "pm_card_ok", Flows.key()).getString("data.purchaseCoins.userErrors[0].code"));
        assertEquals("INVALID_AMOUNT", Flows.buyCoins(token, Long.MAX_VALUE, "pm_card_ok", Flows.key()).getString("data.purchaseCoins.userErrors[0].code"));
        assertEquals("NOT_FOUND", Flows.buyPackage(token, "00000000-0000-4000-8000-00000000beef", "pm_card_ok", Flows.key())
                .getString("data.purchaseCoins.userErrors[0].code"));
        assertEquals("NOT_FOUND", Flows.buyPackage(token, "not-a-uuid", "pm_card_ok", Flows.key())
                .getString("data.purchaseCoins.userErrors[0].code"));
        // A GB package is not on sale to a US caller.
        assertEquals("NOT_FOUND", Flows.buyPackage(token, "00000000-0000-4000-8001-000000000070", "pm_card_ok", Flows.key())
                .getString("data.purchaseCoins.userErrors[0].code"));
        var both = Gql.ok(token, Flows.PURCHASE, Gql.input("packageId", Flows.PKG_70, "coins", 5, "paymentMethodToken", "pm_card_ok",
                "idempotencyKey", Flows.key()));
        assertEquals("INVALID_INPUT", both.getString("data.purchaseCoins.userErrors[0].code"));
        assertEquals("INVALID_INPUT", Flows.buyCoins(token, 5, "x".repeat(5000), Flows.key()).getString("data.purchaseCoins.userErrors[0].code"));
        assertEquals("INVALID_INPUT", Flows.buyCoins(token, 5, "pm_card_ok", "k".repeat(300)).getString("data.purchaseCoins.userErrors[0].code"));
        var tooBig = Gql.post(token, Flows.PURCHASE, Gql.input("coins", new java.math.BigInteger("18446744073709551621"),
                "paymentMethodToken", "pm_card_ok", "idempotencyKey", Flows.key()));
        assertEquals("INVALID_AMOUNT", tooBig.jsonPath().getString("data.purchaseCoins.userErrors[0].code"));
        assertEquals(0, Flows.coins(token));
    }
}
