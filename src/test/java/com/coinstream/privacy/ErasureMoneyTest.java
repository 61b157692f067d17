package com.coinstream.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.coinstream.support.Db;
import com.coinstream.support.Erasures;
import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LedgerChecks;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Payouts;
import com.coinstream.support.TestClock;
import com.coinstream.support.Tokens;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Money after erasure (README "Personal data"): coins repay a debt first, the rest are forfeited, a debt left over is
 * written off; a chargeback that arrives after the erasure retires the coins the person forfeited before it writes
 * anything off. Every amount sits in a named platform account, and ledgerAudit stays reconciled.
 */
@QuarkusTest
class ErasureMoneyTest {
    static final String REVERSE = """
            mutation($input: ReversePurchaseInput!) { reversePurchase(input: $input) {
              reversal { coinsClawedBack coinDebt forfeitRetired coinsWrittenOff coinsForfeited giftsReversed } userErrors { code message } } }
            """;

    @Inject
    TestClock clock;

    @AfterEach
    void clean() {
        clock.reset();
        LedgerChecks.assertClean();
    }

    static String buy350(String token) {
        JsonPath r = Flows.buyPackage(token, Flows.PKG_350, "pm_card_ok", Flows.key());
        assertEquals("SUCCEEDED", r.getString("data.purchaseCoins.purchase.status"), r.prettify());
        return r.getString("data.purchaseCoins.purchase.id");
    }

    static JsonPath reverse(String purchase, String kind) {
        JsonPath r = Gql.ok(Tokens.admin(), REVERSE, Gql.input("purchaseId", purchase, "kind", kind, "idempotencyKey", Flows.key()));
        assertEquals(List.of(), r.getList("data.reversePurchase.userErrors"), r.prettify());
        return r;
    }

    @Test
    void aDebtAtErasureIsRepaidFromTheCoinsFirstAndTheRestIsWrittenOff() {
        LiveCreator creator = Gifting.liveCreator("debtcreator");
        String id = Tokens.unique("debtor");
        String token = Tokens.viewer(id);
        String purchase = buy350(token);
        Gifting.send(token, creator.stream(), Gifting.HAND_HEARTS, 1, Flows.key()); // 100 coins
        clock.advance(Duration.ofDays(7).plusMinutes(1)); // the gift's diamonds mature (on the creator's next read): it stands
        assertEquals(50, Payouts.earnings(creator.token()).getLong("data.earnings.diamonds.available"));
        assertEquals(100, reverse(purchase, "REFUND").getLong("data.reversePurchase.reversal.coinDebt"));
        Flows.fund(id, token, 30); // a grant: coins, while the debt stays
        long writtenOffBefore = Erasures.platformCoins("DEBT_WRITTEN_OFF");
        long forfeitedBefore = Erasures.platformCoins("FORFEITED_COINS");

        JsonPath done = Erasures.erase(token);
        assertEquals(30, done.getLong("data.completeErasure.erasureRequest.debtSettled"), "the coins repay the debt first");
        assertEquals(0, done.getLong("data.completeErasure.erasureRequest.forfeitedCoins"));
        assertEquals(70, done.getLong("data.completeErasure.erasureRequest.debtWrittenOff"));
        assertEquals(70, Erasures.platformCoins("DEBT_WRITTEN_OFF") - writtenOffBefore);
        assertEquals(0, Erasures.platformCoins("FORFEITED_COINS") - forfeitedBefore);
        assertEquals(0, Db.number(Db.TEST_SCHEMA, "select coalesce(sum(b.balance), 0) from account_balance b join ledger_account a "
                + "on a.id = b.account_id where a.owner_id = ? and a.purpose in ('WALLET', 'COIN_DEBT')", id), "nothing left on the account");
    }

    @Test
    void aChargebackAfterErasureRetiresTheForfeitedCoinsThenWritesOffTheRest() {
        LiveCreator creator = Gifting.liveCreator("cbcreator");
        String id = Tokens.unique("cbgone");
        String token = Tokens.viewer(id);
        String first = buy350(token);
        String second = buy350(token);
        Gifting.send(token, creator.stream(), Gifting.HAND_HEARTS, 1, Flows.key()); // 100 coins, funded by the first purchase
        clock.advance(Duration.ofDays(7).plusMinutes(1));
        assertEquals(50, Payouts.earnings(creator.token()).getLong("data.earnings.diamonds.available"));
        long writtenOffBefore = Erasures.platformCoins("DEBT_WRITTEN_OFF");
        long forfeitedBefore = Erasures.platformCoins("FORFEITED_COINS");
        assertEquals(600, Erasures.erase(token).getLong("data.completeErasure.erasureRequest.forfeitedCoins"));
        assertEquals(600, Erasures.platformCoins("FORFEITED_COINS") - forfeitedBefore);

        // the platform's subscription to reversals hears of the chargeback under the person's pseudonymous id, not their user id
        String platformHook = java.util.UUID.randomUUID().toString();
        Db.rows(Db.TEST_SCHEMA, "insert into webhook_subscription (id, owner_id, url, event_types, secret, status, created_at) "
                + "select ?::uuid, id, 'https://10.9.9.9/hook', '{purchase.reversed}', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'ACTIVE', now() "
                + "from app_user where erased_at is null limit 1", platformHook);
        JsonPath one;
        try {
            one = reverse(first, "CHARGEBACK");
            List<java.util.Map<String, Object>> sent = Db.rows(Db.TEST_SCHEMA, "select data::text as data from webhook_delivery "
                    + "where subscription_id = ?::uuid", platformHook);
            assertEquals(1, sent.size(), sent.toString());
            String data = String.valueOf(sent.get(0).get("data"));
            assertTrue(!data.contains(id) && data.contains("\"userId\": \"erased-"), data);
        } finally {
            Db.rows(Db.TEST_SCHEMA, "update webhook_subscription set status = 'DELETED' where id = ?::uuid returning id", platformHook);
        }
        assertEquals(0, one.getLong("data.reversePurchase.reversal.coinDebt"), "nobody can owe coins any more");
        assertEquals(350, one.getLong("data.reversePurchase.reversal.forfeitRetired"));
        assertEquals(0, one.getLong("data.reversePurchase.reversal.coinsWrittenOff"));
        JsonPath two = reverse(second, "CHARGEBACK");
        assertEquals(250, two.getLong("data.reversePurchase.reversal.forfeitRetired"), "only what the person forfeited is retired");
        assertEquals(100, two.getLong("data.reversePurchase.reversal.coinsWrittenOff"), "the coins spent on gifts that stand");
        assertEquals(0, Erasures.platformCoins("FORFEITED_COINS") - forfeitedBefore);
        assertEquals(100, Erasures.platformCoins("DEBT_WRITTEN_OFF") - writtenOffBefore);
        assertEquals(0, Db.number(Db.TEST_SCHEMA, "select coalesce(sum(b.balance), 0) from account_balance b join ledger_account a "
                + "on a.id = b.account_id where a.owner_id = ? and a.purpose = 'COIN_DEBT'", id), "no debt on an account nobody can reach");
        // a finance person finds every such amount in one query: the entries that touched the two accounts
        List<java.util.Map<String, Object>> found = Db.rows(Db.TEST_SCHEMA, """
                select e.kind, a.purpose, sum(p.amount) as coins from posting p join ledger_account a on a.id = p.account_id
                join journal_entry e on e.id = p.entry_id
                where a.owner_id is null and a.purpose in ('FORFEITED_COINS', 'DEBT_WRITTEN_OFF')
                  and e.cause_id in (select id from erasure_request where user_id = ?
                                     union all select r.id from purchase_reversal r join purchase u on u.id = r.purchase_id where u.user_id = ?)
                group by 1, 2 order by 1, 2""", id, id);
        assertTrue(found.toString().contains("DEBT_WRITTEN_OFF"), found.toString());
    }

    @Test
    void anErasedPersonGetsNoGrantAndNoPurchase() {
        String id = Tokens.unique("nogrant");
        String token = Tokens.viewer(id);
        Flows.fund(id, token, 10);
        Erasures.erase(token);
        JsonPath grant = Gql.ok(Tokens.admin(), Flows.GRANT, Gql.input("userId", id, "coins", 5, "reason", "after erasure",
                "idempotencyKey", Flows.key()));
        assertEquals("INVALID_STATE", grant.getString("data.grantCoins.userErrors[0].code"), grant.prettify());
        assertEquals(0, Db.number(Db.TEST_SCHEMA, "select coalesce(sum(b.balance), 0) from account_balance b join ledger_account a "
                + "on a.id = b.account_id where a.owner_id = ? and a.purpose = 'WALLET'", id));
    }

    /** Payouts in every state: in flight or returned to available, they block erasure; paid out in full, the creator is erased. */
    @Test
    void payoutsInFlightOrReturnedBlockErasureAndACreatorPaidOutInFullIsErased() {
        LiveCreator creator = Gifting.liveCreator("paidgone");
        com.coinstream.support.Viewer fan = Gifting.fundedViewer("paidgonefan", 44999);
        assertEquals(null, Gifting.code(Gifting.send(fan.token(), creator.stream(), com.coinstream.support.Payouts.UNIVERSE, 1, Flows.key())));
        clock.advance(Duration.ofDays(7).plusMinutes(1));
        long available = Payouts.earnings(creator.token()).getLong("data.earnings.diamonds.available");
        String account = Payouts.verifiedAccount(creator.token());
        String admin = Tokens.admin("payeraser");
        String act = "mutation($input: PayoutActionInput!) { %s(input: $input) { payout { status } userErrors { code } } }";
        String paid = "mutation($input: MarkPayoutPaidInput!) { markPayoutPaid(input: $input) { payout { status } userErrors { code } } }";
        String request = Erasures.requestDue(creator.token());

        String first = Payouts.request(creator.token(), 2000, account, Flows.key()).getString("data.requestPayout.payout.id");
        assertEquals("APPROVED", Gql.ok(admin, act.formatted("approvePayout"), Gql.input("payoutId", first)).getString("data.approvePayout.payout.status"));
        assertEquals("ERASURE_BLOCKED", Erasures.complete(request).getString("data.completeErasure.userErrors[0].code"), "a payout in flight");
        assertEquals("PAID", Gql.ok(admin, paid, Gql.input("payoutId", first, "externalReference", "pp_gone_1")).getString("data.markPayoutPaid.payout.status"));

        String second = Payouts.request(creator.token(), available - 2000, account, Flows.key()).getString("data.requestPayout.payout.id");
        assertEquals("REJECTED", Gql.ok(admin, act.formatted("rejectPayout"), Gql.input("payoutId", second, "reason", "check"))
                .getString("data.rejectPayout.payout.status"));
        assertEquals("ERASURE_BLOCKED", Erasures.complete(request).getString("data.completeErasure.userErrors[0].code"), "diamonds back in available");

        String third = Payouts.request(creator.token(), available - 2000, account, Flows.key()).getString("data.requestPayout.payout.id");
        assertEquals("APPROVED", Gql.ok(admin, act.formatted("approvePayout"), Gql.input("payoutId", third)).getString("data.approvePayout.payout.status"));
        assertEquals("PAID", Gql.ok(admin, paid, Gql.input("payoutId", third, "externalReference", "pp_gone_2")).getString("data.markPayoutPaid.payout.status"));
        JsonPath done = Erasures.complete(request);
        assertEquals("COMPLETED", done.getString("data.completeErasure.erasureRequest.status"), done.prettify());
        assertEquals(0, done.getLong("data.completeErasure.erasureRequest.debtWrittenOff"));
    }

    /**
     * A creator holding fewer diamonds than the cash-out minimum can be erased (a payout of so few is refused, so they
     * blocked erasure for good): the available ones are forfeited to FORFEITED_DIAMONDS. Diamonds still maturing block
     * (a reversal may still take them back), and so do available ones that reach the minimum (cashed out first).
     */
    @Test
    void aCreatorWithFewerDiamondsThanTheCashOutMinimumIsErasedAndTheyAreForfeited() {
        LiveCreator creator = Gifting.liveCreator("smallcreator");
        com.coinstream.support.Viewer fan = Gifting.fundedViewer("smallfan", 100);
        assertEquals(null, Gifting.code(Gifting.send(fan.token(), creator.stream(), Gifting.HAND_HEARTS, 1, Flows.key())));
        String request = Erasures.requestDue(creator.token());
        JsonPath maturing = Erasures.complete(request);
        assertEquals("ERASURE_BLOCKED", maturing.getString("data.completeErasure.userErrors[0].code"), "diamonds still maturing");
        assertTrue(maturing.getString("data.completeErasure.userErrors[0].message").contains("maturing"), maturing.prettify());

        clock.advance(Duration.ofDays(7).plusMinutes(1));
        assertEquals(50, Payouts.earnings(creator.token()).getLong("data.earnings.diamonds.available"));
        long before = Erasures.forfeitedDiamonds();
        JsonPath done = Erasures.complete(request);
        assertEquals("COMPLETED", done.getString("data.completeErasure.erasureRequest.status"), done.prettify());
        assertEquals(50, done.getLong("data.completeErasure.erasureRequest.forfeitedDiamonds"));
        assertEquals(50, Erasures.forfeitedDiamonds() - before);
        // their streams' titles are their own words: the stream stays (its gifts and totals), under a title nobody wrote
        assertEquals("Stream", Gql.ok(null, "query($s: ID!) { liveStream(id: $s) { title } }", Gql.vars("s", creator.stream()))
                .getString("data.liveStream.title"));
        // the audit record names the person, with their state before and after, both read under the erasure's lock
        JsonPath audit = Gql.ok(Tokens.admin(), "query($t: ID) { auditLog(filter: {targetId: $t, action: \"completeErasure\"}) "
                + "{ nodes { before after } } }", Gql.vars("t", creator.id()));
        JsonPath was = JsonPath.from(audit.getString("data.auditLog.nodes[0].before"));
        JsonPath is = JsonPath.from(audit.getString("data.auditLog.nodes[0].after"));
        assertEquals(50, was.getLong("diamondsAvailable"));
        assertEquals(false, was.getBoolean("erased"));
        assertEquals(0, is.getLong("diamondsAvailable"));
        assertEquals(true, is.getBoolean("erased"));
        assertEquals(0, Db.number(Db.TEST_SCHEMA, "select coalesce(sum(b.balance), 0) from account_balance b join ledger_account a "
                + "on a.id = b.account_id where a.owner_id = (select user_id from erasure_request where id = ?::uuid) and a.asset = 'DIAMOND'",
                request), "nothing left on an account nobody can reach");
    }

    @Test
    void aCreatorWhoCanCashOutIsNotErasedUntilTheyHave() {
        LiveCreator creator = Gifting.liveCreator("bigcreator");
        com.coinstream.support.Viewer fan = Gifting.fundedViewer("bigfan", 44999);
        assertEquals(null, Gifting.code(Gifting.send(fan.token(), creator.stream(), com.coinstream.support.Payouts.UNIVERSE, 1, Flows.key())));
        clock.advance(Duration.ofDays(7).plusMinutes(1));
        long available = Payouts.earnings(creator.token()).getLong("data.earnings.diamonds.available");
        JsonPath blocked = Erasures.complete(Erasures.requestDue(creator.token()));
        assertEquals("ERASURE_BLOCKED", blocked.getString("data.completeErasure.userErrors[0].code"), blocked.prettify());
        assertTrue(blocked.getString("data.completeErasure.userErrors[0].message").startsWith(available + " diamonds can be cashed out"),
                blocked.prettify());
    }

    /** A reversed gift funded partly by older coins returns more than the purchase's clawback takes: the rest is forfeited. */
    @Test
    void coinsAReversalReturnsToAnErasedWalletAreForfeitedNotStranded() {
        LiveCreator creator = Gifting.liveCreator("strandcreator");
        String id = Tokens.unique("stranded");
        String token = Tokens.viewer(id);
        Flows.fund(id, token, 30);
        JsonPath bought = Flows.buyCoins(token, 50, "pm_card_ok", Flows.key());
        String purchase = bought.getString("data.purchaseCoins.purchase.id");
        assertEquals(null, Gifting.code(Gifting.send(token, creator.stream(), Gifting.PERFUME, 3, Flows.key()))); // 60: 30 granted, 30 bought
        long forfeitedBefore = Erasures.platformCoins("FORFEITED_COINS");
        assertEquals(20, Erasures.erase(token).getLong("data.completeErasure.erasureRequest.forfeitedCoins"));

        JsonPath r = reverse(purchase, "CHARGEBACK");
        assertEquals(1, r.getInt("data.reversePurchase.reversal.giftsReversed"), "the gift was still pending: reversed");
        assertEquals(50, r.getLong("data.reversePurchase.reversal.coinsClawedBack"));
        assertEquals(10, r.getLong("data.reversePurchase.reversal.coinsForfeited"), "the granted half of the gift comes back, and is forfeited");
        assertEquals(0, r.getLong("data.reversePurchase.reversal.coinDebt"));
        assertEquals(0, Db.number(Db.TEST_SCHEMA, "select coalesce(sum(b.balance), 0) from account_balance b join ledger_account a "
                + "on a.id = b.account_id where a.owner_id = ? and a.purpose in ('WALLET', 'COIN_DEBT')", id), "nothing stranded on the account");
        assertEquals(30, Erasures.platformCoins("FORFEITED_COINS") - forfeitedBefore, "20 at erasure and 10 now");
    }
}
