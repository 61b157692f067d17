package com.coinstream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.coinstream.support.Db;
import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LedgerChecks;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Race;
import com.coinstream.support.Tokens;
import com.coinstream.support.WebhookReceiver;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;

/**
 * Every documented limit raced 25 ways over two instances of the packaged app on one database: each holds exactly,
 * the losers get a coded refusal (never INTERNAL), and what each limit counts is what the database holds after.
 */
@QuarkusIntegrationTest
@WithTestResource(WebhookInstances.class)
class LimitsAcrossInstancesIT {
    static final int SECOND = 8091;
    static final int THIRD = 8092;
    static final int N = 25;
    static SecondInstance second;

    @BeforeAll
    static void startSecond() throws Exception {
        second = WebhookInstances.sender(SECOND);
    }

    @AfterAll
    static void stopSecond() {
        if (second != null) {
            second.close();
        }
    }

    /** One invitation at a time from a stream to another: 25 raced over two instances make one. */
    @Test
    void oneWaitingInvitationPerPairOfStreams() {
        LiveCreator inviter = Gifting.liveCreator("pairinviter");
        LiveCreator invitee = Gifting.liveCreator("pairinvitee");
        List<String> codes = codes(Race.acrossInstances(N, ports(), inviter.token(), "mutation($i: InviteToMatchInput!) { "
                + "inviteToMatch(input: $i) { match { id } userErrors { code } } }",
                i -> Gql.vars("i", Map.of("streamId", inviter.stream(), "opponentStreamId", invitee.stream()))), "inviteToMatch");
        assertEquals(1, successes(codes), codes.toString());
        assertTrue(codes.stream().allMatch(c -> c == null || c.equals("MATCH_UNAVAILABLE")), codes.toString());
        assertEquals(1, Db.number(ProdApp.SCHEMA, "select count(*) from live_match where inviter_stream = ?::uuid and status = 'INVITED'",
                inviter.stream()));
    }

    /** At most 5 payout accounts waiting for verification per creator: 25 registrations raced over two instances make 5. */
    @Test
    void payoutAccountsAwaitingVerification() {
        String creatorId = Tokens.unique("accounts");
        String creator = Tokens.creator(creatorId);
        List<String> codes = codes(Race.acrossInstances(N, ports(), creator, "mutation($i: RegisterPayoutAccountInput!) { "
                + "registerPayoutAccount(input: $i) { payoutAccount { id } userErrors { code } } }",
                i -> Gql.vars("i", Map.of("kind", "PAYPAL", "externalToken", "pp_race_" + creatorId.hashCode() + "_" + i, "label", "Account " + i))),
                "registerPayoutAccount");
        assertEquals(5, successes(codes), codes.toString());
        assertTrue(codes.stream().allMatch(c -> c == null || c.equals("RATE_LIMITED")), codes.toString());
        assertEquals(5, Db.number(ProdApp.SCHEMA, "select count(*) from payout_account where owner_id = ?", creatorId));
    }

    static int[] ports() {
        return new int[] { RestAssured.port, SECOND };
    }

    /** The codes the racers got: each answer is a success (null) or a coded refusal, never INTERNAL or a 5xx. */
    static List<String> codes(List<Response> answers, String field) {
        List<String> codes = new ArrayList<>();
        for (Response r : answers) {
            assertTrue(r.statusCode() < 500, r.asString());
            assertTrue(!r.asString().contains("INTERNAL"), r.asString());
            String top = r.jsonPath().getString("errors[0].extensions.code");
            codes.add(top != null ? top : r.jsonPath().getString("data." + field + ".userErrors[0].code"));
        }
        return codes;
    }

    static long successes(List<String> codes) {
        return codes.stream().filter(c -> c == null).count();
    }

    @Test
    void webhookSubscriptionsPerOwner() {
        String creatorId = Tokens.unique("quota");
        String creator = Tokens.creator(creatorId);
        List<String> codes = codes(Race.acrossInstances(N, ports(), creator, "mutation($i: CreateWebhookSubscriptionInput!) { "
                + "createWebhookSubscription(input: $i) { subscription { id } userErrors { code } } }",
                i -> Gql.vars("i", Map.of("url", "http://127.0.0.1:9/race-" + i, "eventTypes", List.of("gift.sent")))), "createWebhookSubscription");
        assertEquals(10, successes(codes), codes.toString());
        assertTrue(codes.stream().allMatch(c -> c == null || c.equals("INVALID_STATE")), codes.toString());
        assertEquals(10, Db.number(ProdApp.SCHEMA, "select count(*) from webhook_subscription where owner_id = ?", creatorId));
    }

    @Test
    void onePendingTestEventPerWebhookSubscription() {
        String creator = Tokens.creator(Tokens.unique("pinger"));
        // a receiver slow to answer: the one test event's attempt stays open (not failed) while the others race
        try (WebhookReceiver slow = new WebhookReceiver().delay(java.time.Duration.ofSeconds(4))) {
            String sub = Gql.ok(creator, "mutation($i: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $i) { subscription { id } } }",
                    Gql.vars("i", Map.of("url", slow.url(), "eventTypes", List.of("gift.sent"))))
                    .getString("data.createWebhookSubscription.subscription.id");
            raceTestEvents(creator, sub);
        }
    }

    private void raceTestEvents(String creator, String sub) {
        List<String> codes = codes(Race.acrossInstances(N, ports(), creator, "mutation($i: SendTestWebhookEventInput!) { "
                + "sendTestWebhookEvent(input: $i) { delivery { id } userErrors { code } } }",
                i -> Gql.vars("i", Map.of("subscriptionId", sub))), "sendTestWebhookEvent");
        assertEquals(1, successes(codes), codes.toString());
        assertTrue(codes.stream().allMatch(c -> c == null || c.equals("INVALID_STATE")), codes.toString());
        assertEquals(1, Db.number(ProdApp.SCHEMA, "select count(*) from webhook_delivery where subscription_id = ?::uuid", sub));
    }

    /**
     * Test events of one owner: 30 an hour over all their subscriptions, however many instances answer. 25 are already on
     * record this hour (at most 3 per subscription, under each one's own 10), so of 25 racers spread over ten subscriptions
     * (one pending test each would let ten through) exactly five get in.
     */
    @Test
    void testEventsPerOwnerAndHour() {
        String creatorId = Tokens.unique("tester");
        String creator = Tokens.creator(creatorId);
        List<String> subs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            subs.add(Gql.ok(creator, "mutation($i: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $i) { subscription { id } } }",
                    Gql.vars("i", Map.of("url", "http://127.0.0.1:9/tests-" + i, "eventTypes", List.of("gift.sent"))))
                    .getString("data.createWebhookSubscription.subscription.id"));
            Db.rows(ProdApp.SCHEMA, "with sent as (insert into webhook_delivery (subscription_id, event_id, event_type, occurred_at, data, status) "
                    + "select ?::uuid, gen_random_uuid(), 'webhook.test', now() - interval '5 minutes', '{}', 'DELIVERED' "
                    + "from generate_series(1, ?) returning 1) select count(*) from sent", subs.get(i), i < 5 ? 3 : 2);
        }
        List<String> codes = codes(Race.acrossInstances(N, ports(), creator, "mutation($i: SendTestWebhookEventInput!) { "
                + "sendTestWebhookEvent(input: $i) { delivery { id } userErrors { code } } }",
                i -> Gql.vars("i", Map.of("subscriptionId", subs.get(i % subs.size())))), "sendTestWebhookEvent");
        assertEquals(5, successes(codes), codes.toString());
        assertTrue(codes.stream().allMatch(c -> c == null || c.equals("RATE_LIMITED") || c.equals("INVALID_STATE")), codes.toString());
        assertTrue(codes.contains("RATE_LIMITED"), codes.toString());
        assertEquals(30, Db.number(ProdApp.SCHEMA, "select count(*) from webhook_delivery d join webhook_subscription w on w.id = d.subscription_id "
                + "where w.owner_id = ? and d.event_type = 'webhook.test' and d.occurred_at > now() - interval '1 hour'", creatorId));
    }

    /** Replays of one subscription: 20 an hour, however many instances answer them. */
    @Test
    void replaysPerSubscriptionAndHour() {
        String creator = Tokens.creator(Tokens.unique("replays"));
        String sub = Gql.ok(creator, "mutation($i: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $i) { subscription { id } } }",
                Gql.vars("i", Map.of("url", "http://127.0.0.1:9/replays", "eventTypes", List.of("gift.sent"))))
                .getString("data.createWebhookSubscription.subscription.id");
        List<String> codes = codes(Race.acrossInstances(N, ports(), creator, "mutation($i: ReplayWebhookDeliveriesInput!) { "
                + "replayWebhookDeliveries(input: $i) { replayed userErrors { code } } }",
                i -> Gql.vars("i", Map.of("subscriptionId", sub, "from", "2001-01-01T00:00:00Z", "to", "2099-01-01T00:00:00Z"))),
                "replayWebhookDeliveries");
        assertEquals(20, successes(codes), codes.toString());
        assertTrue(codes.stream().allMatch(c -> c == null || c.equals("RATE_LIMITED")), codes.toString());
        assertEquals(20, Db.number(ProdApp.SCHEMA, "select count(*) from admin_audit where action = 'replayWebhookDeliveries' "
                + "and target_id = ? and outcome = 'DONE'", sub));
    }

    @Test
    void overlayKeysPerCreator() {
        String creatorId = Tokens.unique("keys");
        String creator = Tokens.creator(creatorId);
        List<String> codes = codes(Race.acrossInstances(N, ports(), creator, "mutation($i: CreateOverlayKeyInput!) { createOverlayKey(input: $i) "
                + "{ key userErrors { code } } }", i -> Gql.vars("i", Map.of("label", "key " + i))), "createOverlayKey");
        assertEquals(20, successes(codes), codes.toString());
        assertEquals(20, Db.number(ProdApp.SCHEMA, "select count(*) from overlay_key where creator_id = ? and revoked_at is null", creatorId));
    }

    /**
     * The keys a creator may make in a day (50, revoked ones counted), raced: after 40 made and revoked, 25 at once over
     * two instances make exactly 10; the others are RATE_LIMITED.
     */
    @Test
    void overlayKeysPerCreatorAndDay() {
        String creatorId = Tokens.unique("keysday");
        String creator = Tokens.creator(creatorId);
        for (int i = 0; i < 40; i++) {
            String id = Gql.ok(creator, "mutation($i: CreateOverlayKeyInput!) { createOverlayKey(input: $i) { overlayKey { id } } }",
                    Gql.vars("i", Map.of("label", "old " + i))).getString("data.createOverlayKey.overlayKey.id");
            Gql.ok(creator, "mutation($i: RevokeOverlayKeyInput!) { revokeOverlayKey(input: $i) { userErrors { code } } }",
                    Gql.vars("i", Map.of("overlayKeyId", id)));
        }
        List<String> codes = codes(Race.acrossInstances(N, ports(), creator, "mutation($i: CreateOverlayKeyInput!) { createOverlayKey(input: $i) "
                + "{ key userErrors { code } } }", i -> Gql.vars("i", Map.of("label", "raced " + i))), "createOverlayKey");
        assertEquals(10, successes(codes), codes.toString());
        assertEquals(N - 10, codes.stream().filter("RATE_LIMITED"::equals).count(), codes.toString());
        assertEquals(50, Db.number(ProdApp.SCHEMA, "select count(*) from overlay_key where creator_id = ?", creatorId));
    }

    /**
     * The gift rate is the database's, not each instance's: 25 gifts of one viewer raced over two instances at 5 a second
     * send a burst of 5 and what the race's length refills, as one instance would (each instance's memory let 5 through
     * before, 10 in all); the rest are RATE_LIMITED, and the wallet paid for exactly the gifts sent.
     */
    @Test
    void giftsPerSecondPerViewer() throws Exception {
        Map<String, String> fivePerSecond = Map.of("COINSTREAM_GIFT_RATE_PER_SECOND", "5");
        try (SecondInstance a = WebhookInstances.sender(THIRD, fivePerSecond); SecondInstance b = WebhookInstances.sender(THIRD + 1, fivePerSecond)) {
            LiveCreator creator = Gifting.liveCreator("paced");
            var viewer = Gifting.fundedViewer("pacedfan", 1000);
            var warm = Gifting.fundedViewer("pacedwarm", 100);
            for (int port : new int[] { THIRD, THIRD + 1 }) {
                // (each instance's gift path warmed first, by another viewer, so the race's length is the race's)
                Gql.postTo(port, warm.token(), Gifting.SEND, Gql.vars("input", Map.of("streamId", creator.stream(), "giftId", Gifting.ROSE,
                        "quantity", 1, "idempotencyKey", Flows.key())));
            }
            long started = System.nanoTime();
            List<String> codes = codes(Race.acrossInstances(N, new int[] { THIRD, THIRD + 1 }, viewer.token(), Gifting.SEND,
                    i -> Gql.vars("input", Map.of("streamId", creator.stream(), "giftId", Gifting.ROSE, "quantity", 1, "idempotencyKey", Flows.key()))),
                    "sendGift");
            double seconds = (System.nanoTime() - started) / 1e9;
            long sent = successes(codes);
            // (a bound the bucket keeps whatever the race's length: its burst, and whole gifts refilled while it lasted)
            assertTrue(sent >= 1 && sent <= 5 + (long) Math.floor(5 * seconds), "sent " + sent + " of " + N + " in " + seconds + " s: " + codes);
            assertTrue(codes.stream().allMatch(c -> c == null || c.equals("RATE_LIMITED")), codes.toString());
            assertEquals(1000 - sent, Flows.coins(viewer.token()));
            assertEquals(sent, Db.number(ProdApp.SCHEMA, "select count(*) from gift_event where sender_id = ?", viewer.id()));
        }
        LedgerChecks.assertClean();
    }

    @Test
    void activeGoalsPerStream() {
        LiveCreator creator = Gifting.liveCreator("goals");
        List<String> codes = codes(Race.acrossInstances(N, ports(), creator.token(), "mutation($i: SetStreamGoalInput!) { setStreamGoal(input: $i) "
                + "{ goal { id } userErrors { code } } }", i -> Gql.vars("i", Map.of("streamId", creator.stream(), "title", "Goal " + i, "kind", "COINS",
                        "target", 100))), "setStreamGoal");
        assertEquals(3, successes(codes), codes.toString());
        assertTrue(codes.stream().allMatch(c -> c == null || c.equals("GOAL_LIMIT_REACHED")), codes.toString());
        assertEquals(3, Db.number(ProdApp.SCHEMA, "select count(*) from stream_goal where stream_id = ?::uuid and ended_at is null", creator.stream()));
    }

    @Test
    void oneRunningMatchPerStream() {
        LiveCreator invitee = Gifting.liveCreator("matched");
        List<String> matches = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            LiveCreator inviter = Gifting.liveCreator("challenger");
            matches.add(Gql.ok(inviter.token(), "mutation($i: InviteToMatchInput!) { inviteToMatch(input: $i) { match { id } userErrors { code } } }",
                    Gql.vars("i", Map.of("streamId", inviter.stream(), "opponentStreamId", invitee.stream()))).getString("data.inviteToMatch.match.id"));
        }
        List<String> codes = codes(Race.acrossInstances(N, ports(), invitee.token(), "mutation($i: RespondToMatchInviteInput!) { "
                + "respondToMatchInvite(input: $i) { match { status } userErrors { code } } }",
                i -> Gql.vars("i", Map.of("matchId", matches.get(i), "accept", true))), "respondToMatchInvite");
        assertEquals(1, successes(codes), codes.toString());
        assertTrue(codes.stream().allMatch(c -> c == null || c.equals("MATCH_UNAVAILABLE")), codes.toString());
        assertEquals(1, Db.number(ProdApp.SCHEMA, "select count(*) from live_match where invitee_stream = ?::uuid and status = 'RUNNING'",
                invitee.stream()));
    }

    @Test
    void oneLiveStreamPerCreator() {
        String creatorId = Tokens.unique("golive");
        String creator = Tokens.creator(creatorId);
        List<String> codes = codes(Race.acrossInstances(N, ports(), creator, "mutation($i: StartLiveStreamInput!) { startLiveStream(input: $i) "
                + "{ liveStream { id } userErrors { code } } }", i -> Gql.vars("i", Map.of("title", "Live " + i))), "startLiveStream");
        assertEquals(1, successes(codes), codes.toString());
        assertTrue(codes.stream().allMatch(c -> c == null || c.equals("INVALID_STATE")), codes.toString());
        assertEquals(1, Db.number(ProdApp.SCHEMA, "select count(*) from live_stream where creator_id = ? and status = 'LIVE'", creatorId));
    }

    @Test
    void oneOpenErasureRequestPerPerson() {
        String id = Tokens.unique("leaving");
        String viewer = Tokens.viewer(id);
        List<String> codes = codes(Race.acrossInstances(N, ports(), viewer, "mutation($i: RequestErasureInput!) { requestErasure(input: $i) "
                + "{ erasureRequest { id } userErrors { code } } }", i -> Gql.vars("i", Map.of("reason", "race " + i))), "requestErasure");
        assertTrue(codes.stream().allMatch(c -> c == null || c.equals("CONFLICT")), codes.toString());
        assertEquals(1, Db.number(ProdApp.SCHEMA, "select count(*) from erasure_request where user_id = ? and status = 'REQUESTED'", id));
    }

    /**
     * A viewer's cap of 1000 lowered to 100 25 times on this instance while 900 is asked 25 times on the second: each change
     * is judged against the cap the previous one left, as if sent in turn, so once a 100 is in force every 900 is a raise
     * that waits out its cool-down, and no 900 judged on an older read undoes a lowering that answered "in force now".
     */
    @Test
    void aRaiseRacingLoweringsWaitsOutItsCoolDown() {
        String id = Tokens.unique("capper");
        String viewer = Tokens.viewer(id);
        String set = "mutation($i: SetSpendingLimitInput!) { setSpendingLimit(input: $i) { spendingLimit { coins pendingCoins } userErrors { code } } }";
        Gql.ok(viewer, set, Gql.vars("i", Map.of("period", "DAY", "coins", 1000)));
        List<Response> answers = Race.acrossInstances(2 * N, ports(), viewer, set,
                i -> Gql.vars("i", Map.of("period", "DAY", "coins", i % 2 == 0 ? 100 : 900)));
        assertEquals(2 * N, successes(codes(answers, "setSpendingLimit")));
        for (int i = 0; i < answers.size(); i += 2) {
            assertEquals(100, answers.get(i).jsonPath().getLong("data.setSpendingLimit.spendingLimit.coins"),
                    "a lowering is in force when it answers, and stays: " + answers.get(i).asString());
        }
        var day = Gql.ok(viewer, "{ spendingLimits { period coins pendingCoins } }").getMap("data.spendingLimits.find { it.period == 'DAY' }");
        assertEquals(100, ((Number) day.get("coins")).longValue(), day.toString());
        assertTrue(day.get("pendingCoins") == null || ((Number) day.get("pendingCoins")).longValue() == 900, day.toString());
        assertEquals(100, Db.number(ProdApp.SCHEMA, "select coins from spending_limit_in_force(?, 'DAY', now(), null)", id),
                "the gift batch's rule reads the same cap");
    }

    /** 25 different reports that share lines: each line's fee is booked once, and the ledger balances. */
    @Test
    void overlappingSettlementImports() {
        String admin = Tokens.admin();
        String shared = Tokens.unique("shared");
        List<Response> answers = Race.acrossInstances(N, ports(), admin, "mutation($i: ImportSettlementReportInput!) { "
                + "importSettlementReport(input: $i) { run { id } duplicate userErrors { code message } } }",
                i -> Gql.vars("i", Map.of("fileName", "race-" + i + ".csv", "csv", "transaction_id,type,amount,currency,fee,date\n"
                        + "fee_" + shared + ",fee,0,USD,1.00,2026-11-30\n" + "own_" + shared + "_" + i + ",charge,0.99,USD,0.10,2026-11-30\n")));
        List<String> codes = codes(answers, "importSettlementReport");
        assertEquals(N, successes(codes), codes.toString());
        assertEquals(1, Db.number(ProdApp.SCHEMA, "select count(*) from provider_fee where transaction_id = ?", "fee_" + shared),
                "the shared fee line is booked once");
        assertEquals(N + 1L, Db.number(ProdApp.SCHEMA, "select count(*) from provider_fee where transaction_id like ?", "%" + shared + "%"));
        LedgerChecks.assertClean();
    }

    /**
     * Purchases' events to one slow receiver, sent by two instances: never more than 16 attempts open at once. The
     * receiver answers well within the senders' response timeout (1 s): an attempt a sender gave up on stays open at the
     * receiver, unseen, while its place is taken by the next.
     */
    @Test
    void deliveriesInFlightPerSubscriptionAcrossInstances() throws Exception {
        try (WebhookReceiver slow = new WebhookReceiver().delay(Duration.ofMillis(300));
                SecondInstance third = WebhookInstances.sender(THIRD)) {
            String admin = Tokens.admin();
            String subscription = Gql.ok(admin, "mutation($i: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $i) "
                    + "{ subscription { id } } }", Gql.vars("i", Map.of("url", slow.url(), "eventTypes", List.of("purchase.succeeded"))))
                    .getString("data.createWebhookSubscription.subscription.id");
            Race.run(60, i -> Flows.buyPackage(Tokens.viewer(Tokens.unique("inflight")), Flows.PKG_70, "pm_card_ok", Flows.key()));
            WebhookReceiver.await(Duration.ofSeconds(60), () -> slow.received().size() >= 60, "60 deliveries");
            assertTrue(slow.mostOpenAtOnce() <= 16, "at most 16 open at once, saw " + slow.mostOpenAtOnce());
            assertTrue(slow.mostOpenAtOnce() > 1, "sent in parallel");
            // the receiver has answered the last requests before their senders mark them delivered: wait for that too
            WebhookReceiver.await(Duration.ofSeconds(30), () -> Db.number(ProdApp.SCHEMA, "select count(*) from webhook_delivery "
                    + "where subscription_id = ?::uuid and status = 'DELIVERED'", subscription) == 60, "60 deliveries marked delivered");
            assertEquals(60, slow.received().stream().map(WebhookReceiver.Received::id).collect(Collectors.toSet()).size());
        }
    }
}
