package com.coinstream.purchase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LedgerChecks;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Payouts;
import com.coinstream.support.TestClock;
import com.coinstream.support.Tokens;
import com.coinstream.support.Viewer;
import com.coinstream.support.Webhooks;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** Which gifts a refund reverses, and what the buyer owes after: the FIFO attribution rule (README "Refunds"). */
@QuarkusTest
class RefundAttributionTest {
    static final String REVERSE = """
            mutation($input: ReversePurchaseInput!) { reversePurchase(input: $input) {
              reversal { coinsClawedBack coinDebt giftsReversed diamondsReversed } userErrors { code message } } }
            """;
    static final String WALLET = "{ wallet { coins coinDebt } }";

    @Inject
    TestClock clock;

    @AfterEach
    void clean() {
        clock.reset();
        LedgerChecks.assertClean();
    }

    record Viewer(String id, String token) {
    }

    static Viewer viewer(String prefix) {
        String id = Tokens.unique(prefix);
        String token = Tokens.viewer(id);
        Gql.ok(token, "{ me { id } }");
        return new Viewer(id, token);
    }

    static String buy350(Viewer v) {
        JsonPath r = Flows.buyPackage(v.token(), Flows.PKG_350, "pm_card_ok", Flows.key());
        assertEquals("SUCCEEDED", r.getString("data.purchaseCoins.purchase.status"), r.prettify());
        return r.getString("data.purchaseCoins.purchase.id");
    }

    static JsonPath refund(String purchaseId) {
        JsonPath r = Gql.ok(Tokens.admin(), REVERSE, Gql.input("purchaseId", purchaseId, "kind", "REFUND", "idempotencyKey", Flows.key()));
        assertTrue(r.getList("data.reversePurchase.userErrors").isEmpty(), r.prettify());
        return r;
    }

    static void gift(Viewer v, String stream, String giftId) {
        JsonPath r = Gifting.send(v.token(), stream, giftId, 1, Flows.key());
        assertEquals(null, Gifting.code(r), r.prettify());
    }

    @Test
    void aSecondRefundAfterARepurchaseReversesTheGiftTheNewPurchaseFunded() {
        LiveCreator creator = Gifting.liveCreator("fifo");
        Viewer v = viewer("fifofan");
        String p1 = buy350(v);
        gift(v, creator.stream(), Gifting.HAND_HEARTS);
        JsonPath first = refund(p1);
        assertEquals(1, first.getInt("data.reversePurchase.reversal.giftsReversed"));
        assertEquals(0, first.getLong("data.reversePurchase.reversal.coinDebt"));

        String p2 = buy350(v);
        gift(v, creator.stream(), Gifting.HAND_HEARTS);
        JsonPath second = refund(p2);
        assertEquals(1, second.getInt("data.reversePurchase.reversal.giftsReversed"));
        assertEquals(50, second.getLong("data.reversePurchase.reversal.diamondsReversed"));
        assertEquals(350, second.getLong("data.reversePurchase.reversal.coinsClawedBack"));
        assertEquals(0, second.getLong("data.reversePurchase.reversal.coinDebt"));
        assertEquals(0, Gql.ok(v.token(), WALLET).getLong("data.wallet.coins"));
        assertEquals(0, Gql.ok(v.token(), WALLET).getLong("data.wallet.coinDebt"));
        assertEquals(0, Payouts.earnings(creator.token()).getLong("data.earnings.diamonds.pending"));
    }

    @Test
    void giftsAfterARefundAreFundedByThePurchaseStillStanding() {
        LiveCreator creator = Gifting.liveCreator("fifo2");
        Viewer v = viewer("fifo2fan");
        String p1 = buy350(v);
        String p2 = buy350(v);
        gift(v, creator.stream(), Gifting.HAND_HEARTS);
        JsonPath first = refund(p1);
        assertEquals(1, first.getInt("data.reversePurchase.reversal.giftsReversed"));
        assertEquals(350, first.getLong("data.reversePurchase.reversal.coinsClawedBack"));
        gift(v, creator.stream(), Gifting.HAND_HEARTS);
        JsonPath second = refund(p2);
        assertEquals(1, second.getInt("data.reversePurchase.reversal.giftsReversed"));
        assertEquals(0, second.getLong("data.reversePurchase.reversal.coinDebt"));
        assertEquals(0, Gql.ok(v.token(), WALLET).getLong("data.wallet.coins"));
        assertEquals(0, Payouts.earnings(creator.token()).getLong("data.earnings.diamonds.pending"));
    }

    @Test
    void coinsSpentOnMaturedGiftsBecomeDebtThatTheNextPurchaseRepays() {
        LiveCreator creator = Gifting.liveCreator("matured");
        Viewer v = viewer("maturedfan");
        String p1 = buy350(v);
        gift(v, creator.stream(), Gifting.HAND_HEARTS);
        clock.advance(Duration.ofDays(7).plusMinutes(1));
        assertEquals(50, Payouts.earnings(creator.token()).getLong("data.earnings.diamonds.available"));
        JsonPath r = refund(p1);
        assertEquals(0, r.getInt("data.reversePurchase.reversal.giftsReversed"));
        assertEquals(250, r.getLong("data.reversePurchase.reversal.coinsClawedBack"));
        assertEquals(100, r.getLong("data.reversePurchase.reversal.coinDebt"));
        buy350(v);
        JsonPath wallet = Gql.ok(v.token(), WALLET);
        assertEquals(250, wallet.getLong("data.wallet.coins"));
        assertEquals(0, wallet.getLong("data.wallet.coinDebt"));
    }

    @Test
    void aGiftThatCreditedNoDiamondsIsFinalOnceItsHoldIsOver() {
        LiveCreator creator = Gifting.liveCreator("rose");
        Viewer v = viewer("rosefan");
        String p1 = buy350(v);
        gift(v, creator.stream(), Gifting.ROSE); // 1 coin: 0 diamonds at a 1/2 share
        JsonPath within = refund(p1);
        assertEquals(1, within.getInt("data.reversePurchase.reversal.giftsReversed"));

        String p2 = buy350(v);
        gift(v, creator.stream(), Gifting.ROSE);
        clock.advance(Duration.ofDays(7).plusMinutes(1));
        JsonPath after = refund(p2);
        assertEquals(0, after.getInt("data.reversePurchase.reversal.giftsReversed"));
        assertEquals(349, after.getLong("data.reversePurchase.reversal.coinsClawedBack"));
        assertEquals(1, after.getLong("data.reversePurchase.reversal.coinDebt"));
    }

    @Test
    void aRefundReportedBeforeThePaymentSucceededMeansNoCoinsAreEverCredited() {
        Viewer v = viewer("early");
        JsonPath pending = Flows.buyPackage(v.token(), Flows.PKG_70, "pm_async", Flows.key());
        assertEquals("PENDING", pending.getString("data.purchaseCoins.purchase.status"));
        String purchase = pending.getString("data.purchaseCoins.purchase.id");

        var refunded = Webhooks.send(Webhooks.refunded("evt_early_refund_" + purchase, purchase));
        assertEquals(200, refunded.statusCode(), refunded.asString());
        var succeeded = Webhooks.send(Webhooks.succeeded("evt_late_success_" + purchase, purchase, 99, "USD"));
        assertEquals(200, succeeded.statusCode(), succeeded.asString());
        assertTrue(succeeded.asString().contains("no coins"), succeeded.asString());

        assertEquals(0, Gql.ok(v.token(), WALLET).getLong("data.wallet.coins"));
        JsonPath p = Gql.ok(v.token(), "query($id: ID!) { purchase(id: $id) { status } }", Gql.vars("id", purchase));
        assertEquals("REFUNDED", p.getString("data.purchase.status"));
        // An admin cannot refund it again.
        JsonPath again = Gql.ok(Tokens.admin(), REVERSE, Gql.input("purchaseId", purchase, "kind", "REFUND", "idempotencyKey", Flows.key()));
        assertEquals("INVALID_STATE", again.getString("data.reversePurchase.userErrors[0].code"));
    }
}
