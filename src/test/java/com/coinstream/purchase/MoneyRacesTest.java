package com.coinstream.purchase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.coinstream.domain.Money;
import com.coinstream.support.Db;
import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LedgerChecks;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Race;
import com.coinstream.support.Tokens;
import com.coinstream.support.Viewer;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * Money operations on one wallet racing each other: no deadlock reaches a client, and a hold or a stream's end
 * that has returned is final, even for a gift whose batch was already running.
 */
@QuarkusTest
class MoneyRacesTest {
    static final String REVERSE = "mutation($input: ReversePurchaseInput!) { reversePurchase(input: $input) { reversal { id } userErrors { code message } } }";

    @AfterEach
    void clean() {
        LedgerChecks.assertClean();
    }

    @Test
    void aRefundRacingGiftsAndAPurchaseOfTheSameWalletNeverDeadlocks() {
        LiveCreator creator = Gifting.liveCreator("deadlock");
        for (int round = 0; round < 50; round++) {
            String id = Tokens.unique("deadlockfan");
            String token = Tokens.viewer(id);
            String refunded = Flows.buyPackage(token, Flows.PKG_700, "pm_card_ok", Flows.key()).getString("data.purchaseCoins.purchase.id");
            String admin = Tokens.admin();
            List<Response> answers = Race.run(22, i -> i == 0
                    ? Gql.post(admin, REVERSE, Gql.input("purchaseId", refunded, "kind", "CHARGEBACK", "idempotencyKey", Flows.key()))
                    : i == 1 ? Gql.post(token, Flows.PURCHASE, Gql.input("packageId", Flows.PKG_70, "paymentMethodToken", "pm_card_ok",
                            "idempotencyKey", Flows.key()))
                    : Gql.post(token, Gifting.SEND, Gql.input("streamId", creator.stream(), "giftId", Gifting.FINGER_HEART, "quantity", 1,
                            "idempotencyKey", Flows.key())));
            for (Response r : answers) {
                assertEquals(200, r.statusCode(), r.asString());
                assertNull(r.jsonPath().getList("errors"), "round " + round + ": " + r.asString());
            }
            assertTrue(answers.get(0).jsonPath().getList("data.reversePurchase.userErrors").isEmpty(), answers.get(0).asString());
            assertEquals("SUCCEEDED", answers.get(1).jsonPath().getString("data.purchaseCoins.purchase.status"), answers.get(1).asString());
        }
    }

    @Test
    void aHoldWaitsForAGiftWhoseBatchIsAlreadyRunning() throws Exception {
        LiveCreator creator = Gifting.liveCreator("inflight");
        Viewer fan = Gifting.fundedViewer("inflightfan", 100);
        String admin = Tokens.admin();
        assertInFlightGiftCommitsBeforeTheChangeReturns(fan.id(), () -> Gifting.send(fan.token(), creator.stream(), Gifting.FINGER_HEART, 1, Flows.key()),
                () -> Gql.ok(admin, "mutation($input: PlaceHoldInput!) { placeHold(input: $input) { userErrors { code } } }",
                        Gql.input("userId", fan.id(), "reason", "fraud review")));
        JsonPath after = Gifting.send(fan.token(), creator.stream(), Gifting.FINGER_HEART, 1, Flows.key());
        assertEquals("ACCOUNT_ON_HOLD", Gifting.code(after));
    }

    @Test
    void anEndedStreamWaitsForAGiftWhoseBatchIsAlreadyRunning() throws Exception {
        LiveCreator creator = Gifting.liveCreator("inflightend");
        Viewer fan = Gifting.fundedViewer("inflightendfan", 100);
        assertInFlightGiftCommitsBeforeTheChangeReturns(fan.id(), () -> Gifting.send(fan.token(), creator.stream(), Gifting.FINGER_HEART, 1, Flows.key()),
                () -> Gql.ok(creator.token(), "mutation($input: EndLiveStreamInput!) { endLiveStream(input: $input) { liveStream { status } userErrors { code } } }",
                        Gql.input("streamId", creator.stream())));
        JsonPath after = Gifting.send(fan.token(), creator.stream(), Gifting.FINGER_HEART, 1, Flows.key());
        assertEquals("STREAM_NOT_LIVE", Gifting.code(after));
    }

    @Test
    void ofTwoSimultaneousEndsOnlyOneSucceeds() {
        LiveCreator creator = Gifting.liveCreator("twoends");
        List<JsonPath> answers = Race.run(10, i -> Gql.ok(creator.token(),
                "mutation($input: EndLiveStreamInput!) { endLiveStream(input: $input) { liveStream { status } userErrors { code } } }",
                Gql.input("streamId", creator.stream())));
        long ended = answers.stream().filter(a -> a.getList("data.endLiveStream.userErrors").isEmpty()).count();
        assertEquals(1, ended);
        assertTrue(answers.stream().filter(a -> !a.getList("data.endLiveStream.userErrors").isEmpty())
                .allMatch(a -> "INVALID_STATE".equals(a.getString("data.endLiveStream.userErrors[0].code"))));
    }

    /**
     * Stall a gift inside its batch (a test connection holds the sender's wallet row), make the change, and check that the
     * change does not return before the stalled gift has committed.
     */
    private static void assertInFlightGiftCommitsBeforeTheChangeReturns(String senderId, Supplier<JsonPath> gift, Supplier<JsonPath> change)
            throws Exception {
        try (Connection blocker = Db.connect(Db.TEST_SCHEMA)) {
            blocker.setAutoCommit(false);
            Db.rows(blocker, "select b.balance from account_balance b join ledger_account a on a.id = b.account_id "
                    + "where a.owner_id = ? and a.purpose = 'WALLET' and b.slot = 0 for update", senderId);
            CompletableFuture<JsonPath> sent = CompletableFuture.supplyAsync(gift);
            waitForLockWaiters(1);
            CompletableFuture<JsonPath> changed = CompletableFuture.supplyAsync(change);
            Thread.sleep(1500);
            assertFalse(changed.isDone(), "the change returned while a gift that had passed its checks was still uncommitted");
            blocker.rollback();
            JsonPath g = sent.get(30, TimeUnit.SECONDS);
            assertNull(Gifting.code(g), g.prettify());
            changed.get(30, TimeUnit.SECONDS);
        }
    }

    private static void waitForLockWaiters(int n) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (Db.number(Db.TEST_SCHEMA, "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and query like '%gift rules of the batch statement%'") >= n) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the gift never reached its batch statement");
    }
}
