package com.coinstream.payout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.coinstream.support.Db;
import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LedgerChecks;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Payouts;
import com.coinstream.support.Race;
import com.coinstream.support.TestClock;
import com.coinstream.support.Tokens;
import com.coinstream.support.Viewer;
import com.coinstream.support.Webhooks;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class PayoutTest {
    static final Duration PAST_HOLD = Duration.ofDays(7).plusMinutes(1);

    @Inject
    TestClock clock;

    @AfterEach
    void cleanLedgerAndClock() {
        clock.reset();
        LedgerChecks.assertClean();
    }

    /** A creator with `universes` x 22499 diamonds, past the hold. */
    /** An admin's payout move (approvePayout, rejectPayout, markPayoutFailed: the %s) and markPayoutPaid, with status and refusal. */
    static final String ACT = "mutation($input: PayoutActionInput!) { %s(input: $input) { payout { status } userErrors { code field } } }";
    static final String PAID = "mutation($input: MarkPayoutPaidInput!) { markPayoutPaid(input: $input) { payout { status } userErrors { code field } } }";

    /** A creator with diamonds available, their verified payout account, and an admin to decide on their payouts. */
    record Desk(LiveCreator creator, String account, String admin) {
    }

    Desk desk(String prefix) {
        LiveCreator creator = creatorWithAvailable(prefix, 1);
        return new Desk(creator, Payouts.verifiedAccount(creator.token()), Tokens.admin("ops-" + Flows.key()));
    }

    LiveCreator creatorWithAvailable(String prefix, int universes) {
        LiveCreator creator = Gifting.liveCreator(prefix);
        Viewer fan = Gifting.fundedViewer(prefix + "fan", 44999L * universes);
        for (int i = 0; i < universes; i++) {
            assertNull(Gifting.code(Gifting.send(fan.token(), creator.stream(), Payouts.UNIVERSE, 1, Flows.key())));
        }
        clock.advance(PAST_HOLD);
        clock.advanceToNext(DayOfWeek.TUESDAY, LocalTime.of(1, 0)); // a test's payouts stay inside one day, whatever the date
        return creator;
    }

    @Test
    void diamondsStayPendingThroughTheHoldThenMatureByTheClock() {
        LiveCreator creator = Gifting.liveCreator("hold");
        Viewer fan = Gifting.fundedViewer("holdfan", 1000);
        Gifting.send(fan.token(), creator.stream(), Gifting.GALAXY, 1, Flows.key());
        var before = Payouts.earnings(creator.token());
        assertEquals(500, before.getLong("data.earnings.diamonds.pending"));
        assertEquals(0, before.getLong("data.earnings.diamonds.available"));
        assertNotNull(before.getString("data.earnings.diamonds.maturesAt"));

        clock.advance(Duration.ofDays(6));
        assertEquals(500, Payouts.earnings(creator.token()).getLong("data.earnings.diamonds.pending"));
        clock.advance(Duration.ofDays(1).plusMinutes(1));
        var after = Payouts.earnings(creator.token());
        assertEquals(0, after.getLong("data.earnings.diamonds.pending"));
        assertEquals(500, after.getLong("data.earnings.diamonds.available"));
        assertNull(after.getString("data.earnings.diamonds.maturesAt"));
    }

    @Test
    void payoutRulesAreEachEnforced() {
        LiveCreator creator = creatorWithAvailable("rules", 2); // 44998 diamonds
        String account = Payouts.verifiedAccount(creator.token());
        assertEquals("BELOW_PAYOUT_THRESHOLD", Payouts.code(Payouts.request(creator.token(), 1999, account, Flows.key())));
        for (Object bad : List.of(0, -5, new java.math.BigInteger("18446744073709551621"))) {
            var r = Gql.ok(creator.token(), Payouts.REQUEST, Gql.input("diamonds", bad, "payoutAccountId", account, "idempotencyKey", Flows.key()));
            assertEquals("INVALID_AMOUNT", Payouts.code(r), "diamonds " + bad);
        }
        assertEquals("INSUFFICIENT_DIAMONDS", Payouts.code(Payouts.request(creator.token(), 50000, account, Flows.key())));

        String unverified = Gql.ok(creator.token(), "mutation { registerPayoutAccount(input: {kind: BANK, externalToken: \"ba_tok_99887766\", label: \"Bank\"}) { payoutAccount { id maskedToken verified } } }")
                .getString("data.registerPayoutAccount.payoutAccount.id");
        assertEquals("PAYOUT_ACCOUNT_UNVERIFIED", Payouts.code(Payouts.request(creator.token(), 2000, unverified, Flows.key())));
        LiveCreator other = Gifting.liveCreator("othercreator");
        String othersAccount = Payouts.verifiedAccount(other.token());
        assertEquals("NOT_FOUND", Payouts.code(Payouts.request(creator.token(), 2000, othersAccount, Flows.key())));

        var raw = Gql.ok(creator.token(), "mutation { registerPayoutAccount(input: {kind: BANK, externalToken: \"DE89370400440532013000\", label: \"IBAN\"}) { payoutAccount { id } userErrors { code } } }");
        assertEquals("INVALID_INPUT", raw.getString("data.registerPayoutAccount.userErrors[0].code"));
        // as people write them: with separators, in lower case
        for (String written : List.of("4111-1111-1111-1111", "4111_1111_1111_1111", "gb82west12345698765432", "de89-3704-0044-0532-0130-00",
                "card4111111111111111", "tok_4111-1111-1111-1111_x")) { // (and a card number inside a token)
            var seen = Gql.ok(creator.token(), "mutation($t: String!) { registerPayoutAccount(input: {kind: BANK, externalToken: $t, label: \"Raw\"}) { payoutAccount { id } userErrors { code } } }",
                    Gql.vars("t", written));
            assertEquals("INVALID_INPUT", seen.getString("data.registerPayoutAccount.userErrors[0].code"), written);
        }
        var accounts = Gql.ok(creator.token(), "{ payoutAccounts { id maskedToken verified } }");
        assertTrue(accounts.<String> getList("data.payoutAccounts.maskedToken").stream().allMatch(t -> t.startsWith("••••") && t.length() == 8));

        String minorId = Tokens.unique("minorcreator");
        String minor = Tokens.token(minorId, Set.of("viewer", "creator"), "2012-03-03", "US");
        assertEquals("AGE_RESTRICTED", Payouts.code(Payouts.request(minor, 2000, account, Flows.key())));

        Gql.ok(Tokens.admin(), "mutation($input: PlaceHoldInput!) { placeHold(input: $input) { onHold } }", Gql.input("userId", creator.id(), "reason", "fraud review"));
        assertEquals("ACCOUNT_ON_HOLD", Payouts.code(Payouts.request(creator.token(), 2000, account, Flows.key())));
        Gql.ok(Tokens.admin(), "mutation($input: ReleaseHoldInput!) { releaseHold(input: $input) { onHold } }", Gql.input("userId", creator.id()));

        var ok = Payouts.request(creator.token(), 20000, account, Flows.key());
        assertEquals("REQUESTED", ok.getString("data.requestPayout.payout.status"));
        assertEquals("100.00", ok.getString("data.requestPayout.payout.amount.amount")); // 20000 x 0.005
        var e = Payouts.earnings(creator.token());
        assertEquals(24998, e.getLong("data.earnings.diamonds.available"));
        assertEquals(20000, e.getLong("data.earnings.diamonds.inPayout"));
    }

    /**
     * A hold being placed while a payout request runs: the request waits for the owner's lock the hold holds, then sees
     * the hold and is refused. (Before, the request took only the diamonds' lock, read no hold, and cashed out after the
     * admin's placeHold had answered.)
     */
    @Test
    void aPayoutRequestRacingAHoldWaitsForItAndIsRefused() throws Exception {
        LiveCreator creator = creatorWithAvailable("holdrace", 1);
        String account = Payouts.verifiedAccount(creator.token());
        try (java.sql.Connection hold = com.coinstream.support.Db.connect(com.coinstream.support.Db.TEST_SCHEMA)) {
            hold.setAutoCommit(false);
            // as AccountHolds.place does it: the owner's lock, then the hold, committed a moment later
            com.coinstream.support.Db.rows(hold, "select pg_advisory_xact_lock(1, hashtext('" + creator.id() + "'))");
            com.coinstream.support.Db.rows(hold, "update app_user set hold_reason = 'review', hold_placed_at = now() where id = '"
                    + creator.id() + "' returning id");
            var request = java.util.concurrent.CompletableFuture.supplyAsync(() -> Payouts.request(creator.token(), 2000, account, Flows.key()));
            for (int i = 0; i < 100 && com.coinstream.support.Db.number(com.coinstream.support.Db.TEST_SCHEMA,
                    "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and query like '%pg_advisory_xact_lock%'") == 0; i++) {
                Thread.sleep(50);
            }
            assertTrue(!request.isDone(), "the request waits for the hold's transaction");
            hold.commit();
            assertEquals("ACCOUNT_ON_HOLD", Payouts.code(request.get(30, java.util.concurrent.TimeUnit.SECONDS)));
        }
        LedgerChecks.assertClean();
    }

    @Test
    void fiftyConcurrentRequestsNeverExceedTheDailyMaximum() {
        LiveCreator creator = creatorWithAvailable("daily", 10); // 224990 diamonds; USD 1000/day = 200000 diamonds
        String account = Payouts.verifiedAccount(creator.token());
        List<String> outcomes = Race.run(50, i -> {
            var r = Payouts.request(creator.token(), 10000, account, Flows.key());
            String code = Payouts.code(r);
            return code == null ? "REQUESTED" : code;
        });
        Map<String, Long> counts = outcomes.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertEquals(20L, counts.get("REQUESTED"), counts.toString());
        assertEquals(30L, counts.get("PAYOUT_LIMIT_EXCEEDED"), counts.toString());
        var e = Payouts.earnings(creator.token());
        assertEquals(200000, e.getLong("data.earnings.diamonds.inPayout"));
        assertEquals(24990, e.getLong("data.earnings.diamonds.available"));
        // the limit is per UTC day
        clock.advance(Duration.ofDays(1));
        assertEquals("REQUESTED", Payouts.request(creator.token(), 10000, account, Flows.key()).getString("data.requestPayout.payout.status"));
    }

    @Test
    void fiftyConcurrentRequestsNeverOverdraw() {
        LiveCreator creator = creatorWithAvailable("overdraw", 1); // 22499 diamonds
        String account = Payouts.verifiedAccount(creator.token());
        List<String> outcomes = Race.run(50, i -> {
            String code = Payouts.code(Payouts.request(creator.token(), 2000, account, Flows.key()));
            return code == null ? "REQUESTED" : code;
        });
        assertEquals(11, outcomes.stream().filter("REQUESTED"::equals).count());
        assertTrue(outcomes.stream().allMatch(o -> o.equals("REQUESTED") || o.equals("INSUFFICIENT_DIAMONDS")), outcomes.toString());
        assertEquals(499, Payouts.earnings(creator.token()).getLong("data.earnings.diamonds.available"));
    }

    /**
     * Decisions on a payout account: the same decision again by the same admin is a replay (one record), 25 opposite
     * decisions at once run one after another, and a payout request reads the one that committed last.
     */
    @Test
    void payoutAccountDecisionsRunOneAtATimeAndARequestReadsTheLastOne() {
        LiveCreator creator = creatorWithAvailable("decide", 1);
        String account = Payouts.verifiedAccount(creator.token());
        String verify = "mutation($input: VerifyPayoutAccountInput!) { verifyPayoutAccount(input: $input) { payoutAccount { verified } userErrors { code } } }";
        String adminId = "kyc-" + Flows.key();
        String admin = Tokens.admin(adminId);
        Gql.ok(admin, verify, Gql.input("payoutAccountId", account, "verified", true));
        Gql.ok(admin, verify, Gql.input("payoutAccountId", account, "verified", true));
        assertEquals(1, Db.number(Db.TEST_SCHEMA, "select count(*) from admin_audit where action = 'verifyPayoutAccount' and target_id = ? "
                + "and actor_id = ? and outcome = 'DONE'", account, adminId), "a replay is not recorded again");
        List<io.restassured.path.json.JsonPath> raced = Race.run(25, i -> Gql.ok(Tokens.admin("kyc-" + i + "-" + Flows.key()), verify,
                Gql.input("payoutAccountId", account, "verified", i % 2 == 0)));
        assertTrue(raced.stream().allMatch(r -> r.getList("data.verifyPayoutAccount.userErrors").isEmpty()), raced.get(0).prettify());
        boolean last = Db.number(Db.TEST_SCHEMA, "select case when verified then 1 else 0 end from payout_account where id = ?::uuid", account) == 1;
        String code = Payouts.code(Payouts.request(creator.token(), 2000, account, Flows.key()));
        assertEquals(last ? null : "PAYOUT_ACCOUNT_UNVERIFIED", code);
    }

    /**
     * A hold placed after a payout was requested stops it: it is not approved while the hold lasts (the cash would leave
     * an account on hold), and rejecting it, which gives the diamonds back, stays open. One approved before the hold may
     * have left the bank already: marking it paid records that fact.
     */
    @Test
    void aHoldStopsAPayoutAlreadyRequestedFromBeingApproved() {
        Desk desk = desk("heldpayout");
        LiveCreator creator = desk.creator();
        String account = desk.account();
        String admin = desk.admin();
        String hold = "mutation($i: PlaceHoldInput!) { placeHold(input: $i) { userErrors { code } } }";
        String release = "mutation($i: ReleaseHoldInput!) { releaseHold(input: $i) { userErrors { code } } }";
        String p1 = Payouts.request(creator.token(), 5000, account, Flows.key()).getString("data.requestPayout.payout.id");
        String p2 = Payouts.request(creator.token(), 3000, account, Flows.key()).getString("data.requestPayout.payout.id");
        Gql.ok(admin, hold, Gql.vars("i", Map.of("userId", creator.id(), "reason", "ring review")));
        var refused = Gql.ok(admin, ACT.formatted("approvePayout"), Gql.input("payoutId", p1));
        assertEquals("ACCOUNT_ON_HOLD", refused.getString("data.approvePayout.userErrors[0].code"), refused.prettify());
        assertEquals(List.of("input", "payoutId"), refused.getList("data.approvePayout.userErrors[0].field"));
        assertEquals("REJECTED", Gql.ok(admin, ACT.formatted("rejectPayout"), Gql.input("payoutId", p2, "reason", "ring confirmed"))
                .getString("data.rejectPayout.payout.status"), "rejecting gives the diamonds back: open on hold");
        Gql.ok(admin, release, Gql.vars("i", Map.of("userId", creator.id())));
        assertEquals("APPROVED", Gql.ok(admin, ACT.formatted("approvePayout"), Gql.input("payoutId", p1)).getString("data.approvePayout.payout.status"));
        Gql.ok(admin, hold, Gql.vars("i", Map.of("userId", creator.id(), "reason", "second review")));
        assertEquals("PAID", Gql.ok(admin, PAID, Gql.input("payoutId", p1, "externalReference", "pp_held"))
                .getString("data.markPayoutPaid.payout.status"), "approved before the hold: the transfer is a fact to record");
        assertEquals(0, Payouts.earnings(creator.token()).getLong("data.earnings.diamonds.inPayout"));
        LedgerChecks.assertClean();
    }

    @Test
    void theLifecycleIsDrivenByAdminsAndRejectOrFailReturnsDiamondsExactly() {
        LiveCreator creator = creatorWithAvailable("cycle", 1);
        String account = Payouts.verifiedAccount(creator.token());
        String admin = Tokens.admin("ops-" + Flows.key());
        String act = "mutation($input: PayoutActionInput!) { %s(input: $input) { payout { status reason } userErrors { code } } }";
        String paid = "mutation($input: MarkPayoutPaidInput!) { markPayoutPaid(input: $input) { payout { status externalReference } userErrors { code } } }";

        String p1 = Payouts.request(creator.token(), 5000, account, Flows.key()).getString("data.requestPayout.payout.id");
        assertEquals("INVALID_STATE", Gql.ok(admin, paid, Gql.input("payoutId", p1, "externalReference", "pp_1")).getString("data.markPayoutPaid.userErrors[0].code"));
        assertEquals("APPROVED", Gql.ok(admin, act.formatted("approvePayout"), Gql.input("payoutId", p1)).getString("data.approvePayout.payout.status"));
        assertEquals("PAID", Gql.ok(admin, paid, Gql.input("payoutId", p1, "externalReference", "pp_1")).getString("data.markPayoutPaid.payout.status"));
        long entries = Db.number(Db.TEST_SCHEMA, "select count(*) from journal_entry");
        // the same request again (its answer lost): a replay, nothing moved again; with another reference, refused
        assertEquals("PAID", Gql.ok(admin, paid, Gql.input("payoutId", p1, "externalReference", "pp_1")).getString("data.markPayoutPaid.payout.status"));
        assertEquals(entries, Db.number(Db.TEST_SCHEMA, "select count(*) from journal_entry"), "a replay posts nothing");
        assertEquals("INVALID_STATE", Gql.ok(admin, paid, Gql.input("payoutId", p1, "externalReference", "pp_2")).getString("data.markPayoutPaid.userErrors[0].code"));
        assertEquals("INVALID_STATE", Gql.ok(Tokens.admin("ops-other-" + Flows.key()), paid, Gql.input("payoutId", p1, "externalReference", "pp_1"))
                .getString("data.markPayoutPaid.userErrors[0].code"), "another admin did not make this move");
        // the admin's own approval again, once the payout has moved on: a replay, the payout as it is; another admin's, refused
        assertEquals("PAID", Gql.ok(admin, act.formatted("approvePayout"), Gql.input("payoutId", p1)).getString("data.approvePayout.payout.status"));
        assertEquals("INVALID_STATE", Gql.ok(Tokens.admin(), act.formatted("approvePayout"), Gql.input("payoutId", p1))
                .getString("data.approvePayout.userErrors[0].code"));

        String p2 = Payouts.request(creator.token(), 3000, account, Flows.key()).getString("data.requestPayout.payout.id");
        assertEquals("REJECTED", Gql.ok(admin, act.formatted("rejectPayout"), Gql.input("payoutId", p2, "reason", "KYC mismatch")).getString("data.rejectPayout.payout.status"));
        assertEquals("REJECTED", Gql.ok(admin, act.formatted("rejectPayout"), Gql.input("payoutId", p2, "reason", "KYC mismatch")).getString("data.rejectPayout.payout.status"), "a replay");
        assertEquals("INVALID_STATE", Gql.ok(admin, paid, Gql.input("payoutId", p2, "externalReference", "x")).getString("data.markPayoutPaid.userErrors[0].code"));

        String p3 = Payouts.request(creator.token(), 4000, account, Flows.key()).getString("data.requestPayout.payout.id");
        Gql.ok(admin, act.formatted("approvePayout"), Gql.input("payoutId", p3));
        // an approved payout is never rejected (its transfer may have left: a rejection from a queue read before the
        // approval would give diamonds back to be paid again); one not sent is closed as failed
        assertEquals("INVALID_STATE", Gql.ok(Tokens.admin("ops-stale-" + Flows.key()), act.formatted("rejectPayout"),
                Gql.input("payoutId", p3, "reason", "from an old queue")).getString("data.rejectPayout.userErrors[0].code"));
        assertEquals("FAILED", Gql.ok(admin, act.formatted("markPayoutFailed"), Gql.input("payoutId", p3, "reason", "bank bounced")).getString("data.markPayoutFailed.payout.status"));

        var e = Payouts.earnings(creator.token());
        assertEquals(22499 - 5000, e.getLong("data.earnings.diamonds.available"));
        assertEquals(0, e.getLong("data.earnings.diamonds.inPayout"));
        var mine = Gql.ok(creator.token(), "{ payouts(first: 10) { nodes { id status expectedBy transitions { from to actor at } payoutAccount { maskedToken } } } }");
        assertEquals(List.of("FAILED", "REJECTED", "PAID"), mine.getList("data.payouts.nodes.status"));
        assertEquals(3, mine.getList("data.payouts.nodes[2].transitions").size());
        assertEquals("FORBIDDEN", Gql.errorCode(Gql.post(creator.token(), act.formatted("approvePayout"), Gql.input("payoutId", p1))));
        var queue = Gql.ok(admin, "{ payoutQueue(status: PAID) { nodes { id } } }");
        assertTrue(queue.<String> getList("data.payoutQueue.nodes.id").contains(p1));
        var ofCreator = Gql.ok(admin, "query($c: String) { payoutQueue(status: PAID, creatorId: $c) { nodes { id payoutAccount { ownerId } } } }",
                Gql.vars("c", creator.id()));
        assertEquals(List.of(p1), ofCreator.getList("data.payoutQueue.nodes.id"));
        assertEquals(creator.id(), ofCreator.getString("data.payoutQueue.nodes[0].payoutAccount.ownerId"));
    }

    /** A birthdate the identity provider corrected after the request, to a minor's, stops the approval (the row holds the newest token's). */
    @Test
    void anAgeCorrectedSinceTheRequestStopsTheApproval() {
        Desk desk = desk("agefixed");
        LiveCreator creator = desk.creator();
        String p = Payouts.request(creator.token(), 2000, desk.account(), Flows.key()).getString("data.requestPayout.payout.id");
        String corrected = Tokens.builder(creator.id(), Set.of("viewer", "creator"), java.time.LocalDate.now().minusYears(15).toString(), "US")
                .issuedAt(java.time.Instant.now().plusSeconds(5)).sign(Tokens.key());
        Gql.ok(corrected, "{ wallet { coins } }"); // the newer token's claims are the row's from now on
        assertEquals("AGE_RESTRICTED", Gql.ok(desk.admin(), ACT.formatted("approvePayout"), Gql.input("payoutId", p))
                .getString("data.approvePayout.userErrors[0].code"));
        assertEquals("REQUESTED", Db.rows(Db.TEST_SCHEMA, "select status from payout where id = ?::uuid", p).get(0).get("status"));
    }

    /** One provider reference marks one payout paid: a second payout marked paid with it is refused, however the two race. */
    @Test
    void aProviderReferenceMarksOnePayoutPaid() {
        Desk desk = desk("oneref");
        List<String> payouts = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String p = Payouts.request(desk.creator().token(), 2000, desk.account(), Flows.key()).getString("data.requestPayout.payout.id");
            Gql.ok(desk.admin(), ACT.formatted("approvePayout"), Gql.input("payoutId", p));
            payouts.add(p);
        }
        String reference = "pp_shared_" + Flows.key();
        List<io.restassured.path.json.JsonPath> raced = Race.run(payouts.size(), i -> Gql.ok(desk.admin(), PAID, Gql.input("payoutId", payouts.get(i), "externalReference", reference)));
        assertEquals(1, raced.stream().filter(r -> "PAID".equals(r.getString("data.markPayoutPaid.payout.status"))).count(), raced.toString());
        for (io.restassured.path.json.JsonPath r : raced) {
            if (!"PAID".equals(r.getString("data.markPayoutPaid.payout.status"))) {
                assertEquals("INVALID_INPUT", r.getString("data.markPayoutPaid.userErrors[0].code"), r.prettify());
                assertEquals(List.of("input", "externalReference"), r.getList("data.markPayoutPaid.userErrors[0].field"));
            }
        }
        assertEquals(1, Db.number(Db.TEST_SCHEMA, "select count(*) from payout where external_reference = ?", reference));
    }

    @Test
    void accountsWaitForAnAdminsDecisionInTheVerificationList() {
        LiveCreator creator = Gifting.liveCreator("kyc");
        String account = Gql.ok(creator.token(), "mutation { registerPayoutAccount(input: {kind: BANK, externalToken: \"bank_tok_KYC12345\", label: \"Bank\"}) { payoutAccount { id } } }")
                .getString("data.registerPayoutAccount.payoutAccount.id");
        String admin = Tokens.admin();
        String list = "{ payoutAccountsToVerify(first: 100) { id ownerId maskedToken verified } }";
        var waiting = Gql.ok(admin, list);
        int at = waiting.<String> getList("data.payoutAccountsToVerify.id").indexOf(account);
        assertTrue(at >= 0, waiting.prettify());
        assertEquals(creator.id(), waiting.getString("data.payoutAccountsToVerify[" + at + "].ownerId"));
        assertEquals("••••2345", waiting.getString("data.payoutAccountsToVerify[" + at + "].maskedToken"));
        Gql.ok(admin, "mutation($input: VerifyPayoutAccountInput!) { verifyPayoutAccount(input: $input) { payoutAccount { verified } } }",
                Gql.input("payoutAccountId", account, "verified", false));
        assertTrue(!Gql.ok(admin, list).<String> getList("data.payoutAccountsToVerify.id").contains(account), "a refused account has had its decision");
        assertEquals("FORBIDDEN", Gql.errorCode(Gql.post(creator.token(), list, null)));
    }

    /**
     * An approval whose answer was lost, retried after another admin marked the payout paid, is a replay: the move it asked
     * for was made, by that admin, with that reason (it was refused with INVALID_STATE, "a PAID payout cannot become
     * APPROVED"). Another admin's approval then is still refused.
     */
    @Test
    void anApprovalRetriedAfterThePayoutMovedOnIsAReplay() {
        LiveCreator creator = creatorWithAvailable("approvemovedon", 1);
        String account = Payouts.verifiedAccount(creator.token());
        String p1 = Payouts.request(creator.token(), 5000, account, Flows.key()).getString("data.requestPayout.payout.id");
        String a = Tokens.admin(Tokens.unique("approver"));
        String b = Tokens.admin(Tokens.unique("payer"));
        String approve = "mutation($input: PayoutActionInput!) { approvePayout(input: $input) { payout { status } userErrors { code } } }";
        String paid = "mutation($input: MarkPayoutPaidInput!) { markPayoutPaid(input: $input) { payout { status } userErrors { code } } }";
        assertEquals("APPROVED", Gql.ok(a, approve, Gql.input("payoutId", p1, "reason", "checked")).getString("data.approvePayout.payout.status"));
        assertEquals("PAID", Gql.ok(b, paid, Gql.input("payoutId", p1, "externalReference", "bank-ref-1")).getString("data.markPayoutPaid.payout.status"));
        var retried = Gql.ok(a, approve, Gql.input("payoutId", p1, "reason", "checked"));
        assertEquals("PAID", retried.getString("data.approvePayout.payout.status"), retried.prettify());
        assertEquals("INVALID_STATE", Gql.ok(b, approve, Gql.input("payoutId", p1, "reason", "checked")).getString("data.approvePayout.userErrors[0].code"));
        // one failed since the approval: the approval retried is refused, not answered as a success
        String p2 = Payouts.request(creator.token(), 5000, account, Flows.key()).getString("data.requestPayout.payout.id");
        String failed = "mutation($input: PayoutActionInput!) { markPayoutFailed(input: $input) { payout { status } userErrors { code } } }";
        assertEquals("APPROVED", Gql.ok(a, approve, Gql.input("payoutId", p2, "reason", "checked")).getString("data.approvePayout.payout.status"));
        assertEquals("FAILED", Gql.ok(b, failed, Gql.input("payoutId", p2, "reason", "bounced")).getString("data.markPayoutFailed.payout.status"));
        assertEquals("INVALID_STATE", Gql.ok(a, approve, Gql.input("payoutId", p2, "reason", "checked")).getString("data.approvePayout.userErrors[0].code"));
        LedgerChecks.assertClean();
    }

    @Test
    void aRefundAfterGiftingReversesPendingGiftsAndLeavesAVisibleDebt() {
        LiveCreator creator = Gifting.liveCreator("refund");
        String viewerId = Tokens.unique("refunder");
        String viewer = Tokens.viewer(viewerId);
        String purchase = Flows.buyPackage(viewer, Flows.PKG_350, "pm_card_ok", Flows.key()).getString("data.purchaseCoins.purchase.id");
        Gifting.send(viewer, creator.stream(), Gifting.HAND_HEARTS, 1, Flows.key());       // 100 coins, matures below
        clock.advance(PAST_HOLD);
        assertEquals(50, Payouts.earnings(creator.token()).getLong("data.earnings.diamonds.available"));
        Gifting.send(viewer, creator.stream(), Gifting.HAND_HEARTS, 2, Flows.key());       // 200 coins, still pending
        assertEquals(50, Flows.coins(viewer));

        var r = Gql.ok(Tokens.admin(), "mutation($input: ReversePurchaseInput!) { reversePurchase(input: $input) { reversal { kind coinsClawedBack coinDebt giftsReversed diamondsReversed } userErrors { code } } }",
                Gql.input("purchaseId", purchase, "kind", "REFUND", "idempotencyKey", Flows.key()));
        assertEquals(1, r.getInt("data.reversePurchase.reversal.giftsReversed"));
        assertEquals(100, r.getLong("data.reversePurchase.reversal.diamondsReversed"));
        assertEquals(250, r.getLong("data.reversePurchase.reversal.coinsClawedBack"));
        assertEquals(100, r.getLong("data.reversePurchase.reversal.coinDebt"));

        var wallet = Gql.ok(viewer, "{ wallet { coins coinDebt coinPosition moneyPaid { amount } } }");
        assertEquals(0, wallet.getLong("data.wallet.coins"));
        assertEquals(100, wallet.getLong("data.wallet.coinDebt"));
        assertEquals(-100, wallet.getLong("data.wallet.coinPosition"));
        assertEquals("0.00", wallet.getString("data.wallet.moneyPaid.amount"));
        var e = Payouts.earnings(creator.token());
        assertEquals(0, e.getLong("data.earnings.diamonds.pending"));
        assertEquals(50, e.getLong("data.earnings.diamonds.available"));

        // the debt blocks gifting until a purchase repays it
        Flows.fund(viewerId, viewer, 500);
        assertEquals("COIN_DEBT_OUTSTANDING", Gifting.code(Gifting.send(viewer, creator.stream(), Gifting.ROSE, 1, Flows.key())));
        Flows.buyPackage(viewer, Flows.PKG_70, "pm_card_ok", Flows.key());
        var settled = Gql.ok(viewer, "{ wallet { coins coinDebt } }");
        assertEquals(0, settled.getLong("data.wallet.coinDebt"));
        assertEquals(500 + 70 - 100, settled.getLong("data.wallet.coins"));
        assertNull(Gifting.code(Gifting.send(viewer, creator.stream(), Gifting.ROSE, 1, Flows.key())));

        var again = Gql.ok(Tokens.admin(), "mutation($input: ReversePurchaseInput!) { reversePurchase(input: $input) { userErrors { code } } }",
                Gql.input("purchaseId", purchase, "kind", "CHARGEBACK", "idempotencyKey", Flows.key()));
        assertEquals("INVALID_STATE", again.getString("data.reversePurchase.userErrors[0].code"));
        var history = Gql.ok(viewer, "{ transactions(first: 50) { nodes { kind memo } } }");
        assertTrue(history.<String> getList("data.transactions.nodes.kind").contains("REVERSAL"));
    }

    @Test
    void theProvidersRefundWebhookReversesOnce() {
        String viewerId = Tokens.unique("hookrefund");
        String viewer = Tokens.viewer(viewerId);
        String purchase = Flows.buyPackage(viewer, Flows.PKG_70, "pm_card_ok", Flows.key()).getString("data.purchaseCoins.purchase.id");
        String body = "{\"id\":\"evt_refund_" + purchase + "\",\"type\":\"payment.refunded\",\"data\":{\"purchaseId\":\"" + purchase + "\"}}";
        Webhooks.send(body).then().statusCode(200);
        Webhooks.send(body).then().statusCode(200);
        String dispute = "{\"id\":\"evt_dispute_" + purchase + "\",\"type\":\"payment.disputed\",\"data\":{\"purchaseId\":\"" + purchase + "\"}}";
        Webhooks.send(dispute).then().statusCode(200);
        assertEquals(0, Flows.coins(viewer));
        assertEquals(0, Gql.ok(viewer, "{ wallet { coinDebt } }").getLong("data.wallet.coinDebt"));
    }

    @Test
    void anAdminWhoIsAlsoACreatorCannotVerifyTheirOwnPayoutAccount() {
        String id = Tokens.unique("selfverify");
        String token = Tokens.token(id, Set.of("admin", "creator", "viewer"), Tokens.ADULT, "US");
        String account = Gql.ok(token, "mutation { registerPayoutAccount(input: {kind: PAYPAL, externalToken: \"pp_payer_SELF123456\", label: \"Mine\"}) { payoutAccount { id } } }")
                .getString("data.registerPayoutAccount.payoutAccount.id");
        var r = Gql.ok(token, "mutation($input: VerifyPayoutAccountInput!) { verifyPayoutAccount(input: $input) { payoutAccount { verified } userErrors { code } } }",
                Gql.input("payoutAccountId", account, "verified", true));
        assertEquals("FORBIDDEN", r.getString("data.verifyPayoutAccount.userErrors[0].code"));
        assertEquals(false, Gql.ok(token, "{ payoutAccounts { verified } }").getBoolean("data.payoutAccounts[0].verified"));
    }

    @Test
    void aPayoutReplayedAfterItsAccountLostVerificationReturnsTheOriginalPayout() {
        LiveCreator creator = creatorWithAvailable("payoutreplay", 1); // 22499 diamonds
        String account = Payouts.verifiedAccount(creator.token());
        String key = Flows.key();
        var first = Payouts.request(creator.token(), 2000, account, key);
        assertNull(Payouts.code(first));
        Gql.ok(Tokens.admin(), "mutation($input: VerifyPayoutAccountInput!) { verifyPayoutAccount(input: $input) { payoutAccount { verified } } }",
                Gql.input("payoutAccountId", account, "verified", false));
        var replay = Payouts.request(creator.token(), 2000, account, key);
        assertNull(Payouts.code(replay), replay.prettify());
        assertEquals(first.getString("data.requestPayout.payout.id"), replay.getString("data.requestPayout.payout.id"));
        assertEquals("PAYOUT_ACCOUNT_UNVERIFIED", Payouts.code(Payouts.request(creator.token(), 2000, account, Flows.key())));
    }

    /**
     * Approval checks again what the request checked: a payout account an admin refused after the request stops it (the
     * payout stays REQUESTED, approved once verified again). The same admin approving again with another reason is
     * refused, not answered as a replay.
     */
    @Test
    void approvalChecksTheAccountAgainAndAnotherReasonIsNoReplay() {
        LiveCreator creator = creatorWithAvailable("approvecheck", 1);
        String account = Payouts.verifiedAccount(creator.token());
        String admin = Tokens.admin("ops-" + Flows.key());
        String verify = "mutation($input: VerifyPayoutAccountInput!) { verifyPayoutAccount(input: $input) { payoutAccount { verified } } }";
        String approve = "mutation($input: PayoutActionInput!) { approvePayout(input: $input) { payout { status } userErrors { code field } } }";
        String p1 = Payouts.request(creator.token(), 5000, account, Flows.key()).getString("data.requestPayout.payout.id");
        Gql.ok(Tokens.admin(), verify, Gql.input("payoutAccountId", account, "verified", false));
        var refused = Gql.ok(admin, approve, Gql.input("payoutId", p1, "reason", "checked"));
        assertEquals("PAYOUT_ACCOUNT_UNVERIFIED", refused.getString("data.approvePayout.userErrors[0].code"), refused.prettify());
        assertEquals(List.of("input", "payoutId"), refused.getList("data.approvePayout.userErrors[0].field"));
        Gql.ok(Tokens.admin(), verify, Gql.input("payoutAccountId", account, "verified", true));
        assertEquals("APPROVED", Gql.ok(admin, approve, Gql.input("payoutId", p1, "reason", "checked")).getString("data.approvePayout.payout.status"));
        assertEquals("APPROVED", Gql.ok(admin, approve, Gql.input("payoutId", p1, "reason", "checked")).getString("data.approvePayout.payout.status"),
                "the same approval again: a replay");
        assertEquals("INVALID_STATE", Gql.ok(admin, approve, Gql.input("payoutId", p1, "reason", "another reason"))
                .getString("data.approvePayout.userErrors[0].code"), "another reason: not the move that was made");
        assertEquals(1, Db.number(Db.TEST_SCHEMA, "select count(*) from payout_transition where payout_id = ?::uuid and to_status = 'APPROVED'", p1));
        LedgerChecks.assertClean();
    }

    @Test
    void anotherRegionsCurrencyDoesNotOpenANewDailyAllowance() {
        LiveCreator creator = creatorWithAvailable("twocurrencies", 12); // 269988 diamonds
        String account = Payouts.verifiedAccount(creator.token());
        assertNull(Payouts.code(Payouts.request(creator.token(), 200000, account, Flows.key()))); // USD 1000.00: the day's maximum
        String british = Tokens.token(creator.id(), Set.of("viewer", "creator"), Tokens.ADULT, "GB");
        // the maximum is in diamonds (what USD 1000 is worth: 200000), whatever currency pays them: nothing left today
        assertEquals("PAYOUT_LIMIT_EXCEEDED", Payouts.code(Payouts.request(british, 60000, account, Flows.key())));
        assertEquals("PAYOUT_LIMIT_EXCEEDED", Payouts.code(Payouts.request(british, 2000, account, Flows.key())));
        // and the policy shows it in GBP: 200000 diamonds at GBP 0.004
        assertEquals("800.00", Gql.ok(british, "{ payoutPolicy { dailyMaximum { amount currency } } }").getString("data.payoutPolicy.dailyMaximum.amount"));
    }

    /** Five payout accounts waiting for verification per creator: the admins' queue is not one creator's to fill. */
    @Test
    void atMostFivePayoutAccountsWaitForVerification() {
        String creator = Tokens.creator(Tokens.unique("manyaccounts"));
        String register = "mutation($i: RegisterPayoutAccountInput!) { registerPayoutAccount(input: $i) { payoutAccount { id } userErrors { code } } }";
        for (int i = 0; i < 5; i++) {
            assertEquals(java.util.List.of(), Gql.ok(creator, register, Gql.vars("i", java.util.Map.of("kind", "PAYPAL",
                    "externalToken", "pp_payer_MANY000" + i, "label", "PayPal " + i))).getList("data.registerPayoutAccount.userErrors"));
        }
        assertEquals("RATE_LIMITED", Gql.ok(creator, register, Gql.vars("i", java.util.Map.of("kind", "PAYPAL", "externalToken", "pp_payer_MANY0009",
                "label", "One more"))).getString("data.registerPayoutAccount.userErrors[0].code"));
    }
}
