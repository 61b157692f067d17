package com.coinstream.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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
import com.coinstream.support.TestClock;
import com.coinstream.support.Tokens;
import com.coinstream.support.Viewer;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** Every admin mutation leaves an audit record, done or refused, and the log cannot be changed. */
@QuarkusTest
class AdminAuditLogTest {
    static final String LOG = """
            query($f: AuditLogFilter, $first: Int, $after: String) { auditLog(filter: $f, first: $first, after: $after) {
              nodes { id at actorId actorRoles action targetType targetId reason input outcome errorCode before after } pageInfo { hasNextPage endCursor } } }
            """;

    @Inject
    TestClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    static List<Map<String, Object>> records(Map<String, Object> filter) {
        return Gql.ok(Tokens.admin(), LOG, Gql.vars("f", filter, "first", 100)).getList("data.auditLog.nodes");
    }

    static Map<String, Object> last(String actorId, String action) {
        List<Map<String, Object>> found = records(Map.of("actorId", actorId, "action", action));
        assertFalse(found.isEmpty(), "no audit record of " + action + " by " + actorId);
        return found.get(0);
    }

    static Map<String, Object> done(String actorId, String action, String targetType, String targetId) {
        Map<String, Object> r = last(actorId, action);
        assertEquals("DONE", r.get("outcome"), r.toString());
        assertEquals(targetType, r.get("targetType"), r.toString());
        if (targetId != null) {
            assertEquals(targetId, r.get("targetId"), r.toString());
        }
        assertEquals(List.of("admin"), r.get("actorRoles"));
        assertNotNull(r.get("at"));
        return r;
    }

    static JsonPath run(String token, String mutation, Object... input) {
        JsonPath r = Gql.ok(token, mutation, Gql.input(input));
        assertNull(r.get("errors"), r.prettify());
        return r;
    }

    /** A time range whose from is not before its to is refused with a code (it was a full scan with an empty answer). */
    @Test
    void aReversedTimeRangeIsRefused() {
        for (String to : List.of("2026-01-01T00:00:00Z", "2025-06-01T00:00:00Z")) {
            var r = Gql.post(Tokens.admin(), LOG, Gql.vars("f", Map.of("from", "2026-01-01T00:00:00Z", "to", to), "first", 10));
            assertEquals("BAD_USER_INPUT", Gql.errorCode(r), r.asString()); // (a query's refusal of its input)
        }
        assertTrue(records(Map.of("from", "2020-01-01T00:00:00Z", "to", "2020-01-02T00:00:00Z")).isEmpty());
    }

    @Test
    void everyAdminMutationWritesItsRecordWithWhoWhatTargetAndWhy() {
        String adminId = Tokens.unique("auditor");
        String admin = Tokens.admin(adminId);
        Viewer viewer = Gifting.fundedViewer("auditee", 10);
        LiveCreator creator = Gifting.liveCreator("auditcreator");

        run(admin, "mutation($input: GrantCoinsInput!) { grantCoins(input: $input) { userErrors { code } } }", "userId", viewer.id(), "coins", 5,
                "reason", "compensation for outage", "idempotencyKey", Flows.key());
        Map<String, Object> granted = done(adminId, "grantCoins", "user", viewer.id());
        assertEquals("compensation for outage", granted.get("reason"));
        // read under the owner lock the grant takes: the difference is the grant, whatever else the person does meanwhile
        assertEquals(10, JsonPath.from((String) granted.get("before")).getLong("coins"), granted.toString());
        assertEquals(15, JsonPath.from((String) granted.get("after")).getLong("coins"), granted.toString());

        run(admin, "mutation($input: PlaceHoldInput!) { placeHold(input: $input) { userErrors { code } } }", "userId", viewer.id(), "reason", "fraud review");
        Map<String, Object> held = done(adminId, "placeHold", "user", viewer.id());
        assertEquals("fraud review", held.get("reason"));
        // before and after: the target's state just before the action, and as its transaction left it
        JsonPath before = JsonPath.from((String) held.get("before"));
        JsonPath after = JsonPath.from((String) held.get("after"));
        assertNull(before.get("holdReason"), held.toString());
        assertEquals("fraud review", after.getString("holdReason"), held.toString());
        assertEquals(15, after.getLong("coins"), "the 10 funded and the 5 granted");
        assertEquals(before.getLong("coins"), after.getLong("coins"));
        run(admin, "mutation($input: ReleaseHoldInput!) { releaseHold(input: $input) { userErrors { code } } }", "userId", viewer.id());
        Map<String, Object> released = done(adminId, "releaseHold", "user", viewer.id());
        assertEquals("fraud review", JsonPath.from((String) released.get("before")).getString("holdReason"), released.toString());
        // a second release releases nothing: a replay, not a second record of a release done
        run(admin, "mutation($input: ReleaseHoldInput!) { releaseHold(input: $input) { userErrors { code } } }", "userId", viewer.id());
        assertEquals(1, records(Map.of("actorId", adminId, "action", "releaseHold")).size());

        String pkg = run(admin, "mutation($input: CreateCoinPackageInput!) { createCoinPackage(input: $input) { coinPackage { id } userErrors { code } } }",
                "region", "DE", "coins", 12, "price", Map.of("amount", "0.49", "currency", "EUR")).getString("data.createCoinPackage.coinPackage.id");
        String created = ((String) done(adminId, "createCoinPackage", "coinPackage", pkg).get("input")).replace(" ", "");
        assertTrue(created.contains("\"region\":\"DE\"") && created.contains("\"coins\":12"), created);
        run(admin, "mutation($input: RetireCoinPackageInput!) { retireCoinPackage(input: $input) { coinPackage { active } } }", "packageId", pkg);
        done(adminId, "retireCoinPackage", "coinPackage", pkg);

        String buyer = Tokens.viewer(Tokens.unique("auditbuyer"));
        String purchase = Flows.buyPackage(buyer, Flows.PKG_70, "pm_card_ok", Flows.key()).getString("data.purchaseCoins.purchase.id");
        run(admin, "mutation($input: ReversePurchaseInput!) { reversePurchase(input: $input) { userErrors { code } } }", "purchaseId", purchase,
                "kind", "REFUND", "idempotencyKey", Flows.key());
        String reversal = (String) done(adminId, "reversePurchase", "purchase", purchase).get("input");
        assertTrue(reversal.contains("REFUND"), reversal);

        String gift = run(admin, "mutation($input: GiftInput!) { createGift(input: $input) { gift { id } userErrors { code } } }", "name", "Audit Bell",
                "coins", 7, "tier", 1, "animationKey", "gifts/audit-bell", "regions", List.of("NZ")).getString("data.createGift.gift.id");
        Map<String, Object> createdGift = done(adminId, "createGift", "gift", gift);
        assertNull(createdGift.get("before"), "nothing before a creation");
        assertEquals(7, JsonPath.from((String) createdGift.get("after")).getInt("coins"));
        run(admin, "mutation($input: UpdateGiftInput!) { updateGift(input: $input) { gift { id } userErrors { code } } }", "giftId", gift, "coins", 8);
        Map<String, Object> updated = done(adminId, "updateGift", "gift", gift);
        assertEquals(7, JsonPath.from((String) updated.get("before")).getInt("coins"));
        assertEquals(8, JsonPath.from((String) updated.get("after")).getInt("coins"));

        String version = run(admin, "mutation($input: SetRatesInput!) { setRates(input: $input) { rates { version } userErrors { code } } }",
                "creatorShare", Map.of("numerator", 3, "denominator", 5), "effectiveFrom", "2099-01-01T00:00:00Z",
                "diamondValues", List.of(Map.of("amount", "0.0045", "currency", "USD"))).getString("data.setRates.rates.version");
        done(adminId, "setRates", "rateCard", version);

        // payouts: one paid, one rejected, one failed
        Viewer rich = Gifting.fundedViewer("auditrich", 44999);
        Gifting.send(rich.token(), creator.stream(), Payouts.UNIVERSE, 1, Flows.key());
        clock.advance(Duration.ofDays(7).plusMinutes(1));
        String account = Gql.ok(creator.token(), "mutation { registerPayoutAccount(input: {kind: PAYPAL, externalToken: \"pp_payer_AUDIT1234\", label: \"PayPal\"}) { payoutAccount { id } } }")
                .getString("data.registerPayoutAccount.payoutAccount.id");
        run(admin, "mutation($input: VerifyPayoutAccountInput!) { verifyPayoutAccount(input: $input) { payoutAccount { verified } } }",
                "payoutAccountId", account, "verified", true);
        done(adminId, "verifyPayoutAccount", "payoutAccount", account);
        String act = "mutation($input: PayoutActionInput!) { %s(input: $input) { payout { status } userErrors { code } } }";
        String paid = Payouts.request(creator.token(), 3000, account, Flows.key()).getString("data.requestPayout.payout.id");
        String rejected = Payouts.request(creator.token(), 3000, account, Flows.key()).getString("data.requestPayout.payout.id");
        String failed = Payouts.request(creator.token(), 3000, account, Flows.key()).getString("data.requestPayout.payout.id");
        run(admin, act.formatted("approvePayout"), "payoutId", paid);
        done(adminId, "approvePayout", "payout", paid);
        run(admin, "mutation($input: MarkPayoutPaidInput!) { markPayoutPaid(input: $input) { payout { status } } }", "payoutId", paid,
                "externalReference", "pp_ref_audit");
        done(adminId, "markPayoutPaid", "payout", paid);
        run(admin, act.formatted("rejectPayout"), "payoutId", rejected, "reason", "account mismatch");
        assertEquals("account mismatch", done(adminId, "rejectPayout", "payout", rejected).get("reason"));
        run(admin, act.formatted("approvePayout"), "payoutId", failed);
        run(admin, act.formatted("markPayoutFailed"), "payoutId", failed, "reason", "bank returned it");
        assertEquals("bank returned it", done(adminId, "markPayoutFailed", "payout", failed).get("reason"));

        // webhook subscriptions (the URL's query, where tokens hide, is not logged)
        String sub = run(admin, "mutation($input: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $input) { subscription { id } secret } }",
                "url", "http://127.0.0.1:9/hooks?token=s3cr3t", "eventTypes", List.of("payout.paid"))
                .getString("data.createWebhookSubscription.subscription.id");
        String input = ((String) done(adminId, "createWebhookSubscription", "webhookSubscription", sub).get("input")).replace(" ", "");
        assertTrue(input.contains("http://127.0.0.1:9/hooks\"") && !input.contains("s3cr3t"), input);
        run(admin, "mutation($input: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $input) { secret } }", "subscriptionId", sub);
        Map<String, Object> rotated = done(adminId, "rotateWebhookSecret", "webhookSubscription", sub);
        assertFalse(rotated.toString().contains("whsec_"), "the secret is never logged");
        run(admin, "mutation($input: ReplayWebhookDeliveriesInput!) { replayWebhookDeliveries(input: $input) { replayed } }", "subscriptionId", sub,
                "from", "2026-01-01T00:00:00Z", "to", "2026-01-02T00:00:00Z");
        done(adminId, "replayWebhookDeliveries", "webhookSubscription", sub);
        run(admin, "mutation($input: DeleteWebhookSubscriptionInput!) { deleteWebhookSubscription(input: $input) { deletedSubscriptionId } }",
                "subscriptionId", sub);
        done(adminId, "deleteWebhookSubscription", "webhookSubscription", sub);

        // a creator ending their own stream is not an admin action; an admin ending it is
        LiveCreator other = Gifting.liveCreator("auditown");
        run(other.token(), "mutation($input: EndLiveStreamInput!) { endLiveStream(input: $input) { liveStream { status } } }", "streamId", other.stream());
        assertTrue(records(Map.of("actorId", other.id())).isEmpty());
        run(admin, "mutation($input: EndLiveStreamInput!) { endLiveStream(input: $input) { liveStream { status } } }", "streamId", creator.stream());
        done(adminId, "endLiveStream", "stream", creator.stream());

        Set<String> actions = new TreeSet<>(records(Map.of("actorId", adminId)).stream().map(r -> (String) r.get("action")).toList());
        assertEquals(new TreeSet<>(List.of("grantCoins", "placeHold", "releaseHold", "createCoinPackage", "retireCoinPackage", "reversePurchase",
                "createGift", "updateGift", "setRates", "verifyPayoutAccount", "approvePayout", "markPayoutPaid", "rejectPayout", "markPayoutFailed",
                "createWebhookSubscription", "rotateWebhookSecret", "replayWebhookDeliveries", "deleteWebhookSubscription", "endLiveStream")), actions);
        assertEquals(20, records(Map.of("actorId", adminId, "outcome", "DONE")).size(), "one record per action (approvePayout twice)");
        LedgerChecks.assertClean();
    }

    @Test
    void refusedAttemptsAreRecordedWithTheirCodeAndChangeNothing() {
        String adminId = Tokens.unique("auditrefuse");
        String admin = Tokens.admin(adminId);
        String viewerId = Tokens.unique("auditsneak");
        String viewer = Tokens.viewer(viewerId);
        Gql.ok(viewer, "{ me { id } }");
        long entries = Db.number(Db.TEST_SCHEMA, "select count(*) from journal_entry");

        assertEquals("FORBIDDEN", Gql.errorCode(Gql.post(viewer, "mutation { grantCoins(input: {userId: \"" + viewerId
                + "\", coins: 1000, reason: \"for me\", idempotencyKey: \"k-audit-1\"}) { userErrors { code } } }", null)));
        Map<String, Object> forbidden = last(viewerId, "grantCoins");
        assertEquals("REFUSED", forbidden.get("outcome"));
        assertEquals("FORBIDDEN", forbidden.get("errorCode"));
        assertEquals(viewerId, forbidden.get("targetId"));
        assertEquals("for me", forbidden.get("reason"));
        assertEquals(List.of("viewer"), forbidden.get("actorRoles"));

        assertEquals("UNAUTHENTICATED", Gql.errorCode(Gql.post(null, "mutation { placeHold(input: {userId: \"" + viewerId
                + "\", reason: \"anon\"}) { userErrors { code } } }", null)));
        Map<String, Object> anonymous = records(Map.of("action", "placeHold", "targetId", viewerId)).get(0);
        assertNull(anonymous.get("actorId"));
        assertEquals("UNAUTHENTICATED", anonymous.get("errorCode"));

        Gql.ok(admin, "mutation { grantCoins(input: {userId: \"" + viewerId + "\", coins: -5, reason: \"r\", idempotencyKey: \"k-audit-2\"}) { userErrors { code } } }");
        Map<String, Object> invalid = last(adminId, "grantCoins");
        assertEquals("REFUSED", invalid.get("outcome"));
        assertEquals("INVALID_AMOUNT", invalid.get("errorCode"));
        assertNotNull(invalid.get("before"), "what the target was when the attempt was refused");
        assertNull(invalid.get("after"), "a refused attempt changed nothing");
        Gql.ok(admin, "mutation { approvePayout(input: {payoutId: \"00000000-0000-4000-8000-00000000a0d1\"}) { userErrors { code } } }");
        assertEquals("NOT_FOUND", last(adminId, "approvePayout").get("errorCode"));
        assertEquals(entries, Db.number(Db.TEST_SCHEMA, "select count(*) from journal_entry"), "refusals moved no money");

        // filtered and paged, newest first
        List<Map<String, Object>> refused = records(Map.of("actorId", adminId, "outcome", "REFUSED"));
        assertEquals(List.of("approvePayout", "grantCoins"), refused.stream().map(r -> r.get("action")).toList());
        JsonPath page1 = Gql.ok(admin, LOG, Gql.vars("f", Map.of("actorId", adminId), "first", 1));
        assertTrue(page1.getBoolean("data.auditLog.pageInfo.hasNextPage"));
        JsonPath page2 = Gql.ok(admin, LOG, Gql.vars("f", Map.of("actorId", adminId), "first", 1, "after",
                page1.getString("data.auditLog.pageInfo.endCursor")));
        assertEquals("grantCoins", page2.getString("data.auditLog.nodes[0].action"));
        assertEquals("FORBIDDEN", Gql.errorCode(Gql.post(viewer, LOG, null)));
    }

    /** The log is append-only and outlives an erasure: a subscription's state in it keeps no token a receiver's address held. */
    @Test
    void aWebhookSubscriptionsStateKeepsNoSecretOfItsAddress() {
        LiveCreator creator = Gifting.liveCreator("audithook");
        JsonPath made = Gql.ok(creator.token(), "mutation($i: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $i) "
                + "{ subscription { id } userErrors { code message } } }", Gql.vars("i", Map.of("url", "http://127.0.0.1:9/hook?key=s3cret",
                        "eventTypes", List.of("gift.sent"), "description", "Alice's bot")));
        String created = made.getString("data.createWebhookSubscription.subscription.id");
        assertNotNull(created, made.prettify());
        Map<String, Object> r = records(Map.of("targetId", created)).get(0);
        String after = (String) r.get("after");
        assertEquals("http://127.0.0.1:9/hook", JsonPath.from(after).getString("url"), after);
        assertFalse(after.contains("s3cret") || after.contains("Alice") || after.contains("whsec_"), after);
    }

    @Test
    void theLogIsAppendOnly() {
        Gql.ok(Tokens.admin(), "mutation { placeHold(input: {userId: \"nobody-appendonly\", reason: \"x\"}) { userErrors { code } } }");
        for (String change : List.of("update admin_audit set reason = 'edited'", "delete from admin_audit", "truncate admin_audit")) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> Db.rows(Db.TEST_SCHEMA, change), change);
            Throwable cause = e.getCause() instanceof SQLException ? e.getCause() : e;
            assertTrue(cause.getMessage().contains("append-only"), change + ": " + cause.getMessage());
        }
        assertTrue(Db.number(Db.TEST_SCHEMA, "select count(*) from admin_audit") > 0);
    }

    static long attempts(String action, String outcome, String code) {
        return Db.number(Db.TEST_SCHEMA, "select count(*) from admin_audit where action = ? and outcome = ? and error_code is not distinct from ?",
                action, outcome, code);
    }

    /** Bad input (a gate rule, a value not of its type as a variable or a literal), an unknown target, a forged token: all recorded. */
    /**
     * A creator's own endLiveStream is not an audited admin action, and writes no record: not even the draft an earlier
     * field of the same request left (a refused replay was then recorded twice, the second time as DONE, and spent the
     * subscription's replay budget).
     */
    @Test
    void aCreatorsStreamEndWritesNoRecordAnEarlierFieldLeft() {
        LiveCreator creator = Gifting.liveCreator("auditleftover");
        long mine = Db.number(Db.TEST_SCHEMA, "select count(*) from admin_audit where actor_id = ?", creator.id());
        JsonPath r = Gql.ok(creator.token(), "mutation($s: ID!, $h: ID!) { a: replayWebhookDeliveries(input: {subscriptionId: $h, deliveryId: \"x\"}) "
                + "{ userErrors { code } } b: endLiveStream(input: {streamId: $s}) { liveStream { status } userErrors { code } } }",
                Gql.vars("s", creator.stream(), "h", java.util.UUID.randomUUID().toString()));
        assertEquals("NOT_FOUND", r.getString("data.a.userErrors[0].code"), r.prettify());
        assertEquals("ENDED", r.getString("data.b.liveStream.status"), r.prettify());
        assertEquals(List.of(Map.of("action", "replayWebhookDeliveries", "outcome", "REFUSED")), Db.rows(Db.TEST_SCHEMA,
                "select action, outcome from admin_audit where actor_id = ? order by seq offset ?", creator.id(), mine));
    }

    @Test
    void everyRefusedAdminAttemptIsRecordedWhateverRefusedIt() {
        Viewer viewer = Gifting.fundedViewer("auditrefused", 1);
        String admin = Tokens.admin();
        String grant = "mutation($i: GrantCoinsInput!) { grantCoins(input: $i) { wallet { coins } userErrors { code } } }";
        long gate = attempts("grantCoins", "REFUSED", "INVALID_INPUT");
        long typed = attempts("grantCoins", "REFUSED", "BAD_USER_INPUT");
        long unknown = attempts("grantCoins", "REFUSED", "NOT_FOUND");
        long forged = attempts("grantCoins", "REFUSED", "UNAUTHENTICATED");

        assertEquals("INVALID_INPUT", Gql.ok(admin, grant, Gql.vars("i", Map.of("userId", viewer.id(), "coins", 5, "reason", "nul\u0000here",
                "idempotencyKey", Flows.key()))).getString("data.grantCoins.userErrors[0].code"));
        assertEquals(gate + 1, attempts("grantCoins", "REFUSED", "INVALID_INPUT"), "a gate refusal, its input kept readable");
        assertEquals("BAD_USER_INPUT", Gql.errorCode(Gql.post(admin, grant, Gql.vars("i", Map.of("userId", viewer.id(), "coins", 1.5, "reason", "r",
                "idempotencyKey", Flows.key())))));
        assertEquals("BAD_USER_INPUT", Gql.errorCode(Gql.post(admin, "mutation { grantCoins(input: {userId: \"" + viewer.id()
                + "\", coins: 1.5, reason: \"r\", idempotencyKey: \"k\"}) { userErrors { code } } }", null)));
        assertEquals(typed + 2, attempts("grantCoins", "REFUSED", "BAD_USER_INPUT"), "a variable and a literal not of their type");
        // the same, written inside an inline fragment and a named one
        assertEquals("BAD_USER_INPUT", Gql.errorCode(Gql.post(admin, "mutation($i: GrantCoinsInput!) { ... on Mutation { grantCoins(input: $i) "
                + "{ userErrors { code } } } }", Gql.vars("i", Map.of("userId", viewer.id(), "coins", 1.5, "reason", "r", "idempotencyKey", Flows.key())))));
        assertEquals("BAD_USER_INPUT", Gql.errorCode(Gql.post(admin, "mutation($i: GrantCoinsInput!) { ...G } fragment G on Mutation { grantCoins(input: $i) "
                + "{ userErrors { code } } }", Gql.vars("i", Map.of("userId", viewer.id(), "coins", 1.5, "reason", "r", "idempotencyKey", Flows.key())))));
        assertEquals(typed + 4, attempts("grantCoins", "REFUSED", "BAD_USER_INPUT"), "refused inside fragments, recorded all the same");
        assertEquals("NOT_FOUND", Gql.ok(admin, grant, Gql.vars("i", Map.of("userId", "nobody-" + Flows.key(), "coins", 5, "reason", "r",
                "idempotencyKey", Flows.key()))).getString("data.grantCoins.userErrors[0].code"));
        assertEquals(unknown + 1, attempts("grantCoins", "REFUSED", "NOT_FOUND"));
        String forgedToken = Tokens.admin().replaceAll("\\.[^.]*$", ".c2lnbmF0dXJl");
        var r = Gql.post(forgedToken, grant, Gql.vars("i", Map.of("userId", viewer.id(), "coins", 5, "reason", "r", "idempotencyKey", Flows.key())));
        assertEquals(401, r.statusCode());
        assertEquals(forged + 1, attempts("grantCoins", "REFUSED", "UNAUTHENTICATED"), "a forged token at an admin operation");
        LedgerChecks.assertClean();
    }

    /**
     * An admin mutation in a request refused for its shape before GraphQL runs it is recorded as refused too: variables
     * that are no object, an operation name that is no name, or the mutation sent over the WebSocket (answered
     * BAD_REQUEST, unrecorded before), with the admin who sent it.
     */
    @Test
    void anAdminMutationRefusedForTheRequestsShapeIsRecorded() throws Exception {
        String adminId = Tokens.unique("shapeadmin");
        String admin = Tokens.admin(adminId);
        String grant = "mutation { grantCoins(input: {userId: \"u-shape\", coins: 5, reason: \"r\", idempotencyKey: \"k-shape\"}) { userErrors { code } } }";
        long before = attempts("grantCoins", "REFUSED", "BAD_REQUEST");
        for (Map<String, Object> body : List.of(Map.<String, Object>of("query", grant, "variables", List.of()),
                Map.<String, Object>of("query", grant, "operationName", "1x"))) {
            var r = io.restassured.RestAssured.given().contentType("application/json").header("Authorization", "Bearer " + admin)
                    .body(body).post("/graphql");
            assertEquals(400, r.statusCode(), r.asString());
        }
        try (com.coinstream.support.FeedClient ws = com.coinstream.support.FeedClient.connect(port, admin)) {
            assertEquals("connection_ack", ws.nextOf(10, "connection_ack").path("type").asText());
            ws.subscribe("m1", grant);
            com.fasterxml.jackson.databind.JsonNode error = ws.nextOf(10, "error");
            assertNotNull(error, "the mutation over the WebSocket is refused");
            assertTrue(error.toString().contains("BAD_REQUEST"), error.toString());
        }
        // (the WebSocket's refusal is answered at once, and recorded beside it)
        for (int i = 0; i < 50 && attempts("grantCoins", "REFUSED", "BAD_REQUEST") < before + 3; i++) {
            Thread.sleep(100);
        }
        assertEquals(before + 3, attempts("grantCoins", "REFUSED", "BAD_REQUEST"));
        assertEquals(3, Db.number(Db.TEST_SCHEMA, "select count(*) from admin_audit where actor_id = ? and action = 'grantCoins' and outcome = 'REFUSED'",
                adminId), "recorded as the admin's attempts");
        assertEquals(0, Db.number(Db.TEST_SCHEMA, "select count(*) from idempotency_key where key = 'k-shape'"), "nothing ran");
    }

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.http.test-port")
    int port;

    /**
     * A forged token is audited however the attempt is sent: a body of no declared length (chunked), the document itself
     * as application/graphql, or the settlement report upload (each answered 401 unaudited before).
     */
    @Test
    void aForgedTokenIsAuditedHoweverTheAttemptIsSent() throws Exception {
        String forgedToken = Tokens.admin().replaceAll("\\.[^.]*$", ".c2lnbmF0dXJl");
        var http = java.net.http.HttpClient.newHttpClient();
        long grants = attempts("grantCoins", "REFUSED", "UNAUTHENTICATED");
        String chunked = "{\"query\":\"mutation { grantCoins(input: {userId: \\\"u-chunked\\\", coins: 5, reason: \\\"r\\\", "
                + "idempotencyKey: \\\"k-chunked\\\"}) { userErrors { code } } }\"}";
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + "/graphql"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + forgedToken)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(chunked.getBytes(java.nio.charset.StandardCharsets.UTF_8))))
                .build();
        assertEquals(401, http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(grants + 1, attempts("grantCoins", "REFUSED", "UNAUTHENTICATED"), "a chunked body");

        long holds = attempts("placeHold", "REFUSED", "UNAUTHENTICATED");
        var graphql = io.restassured.RestAssured.given().contentType("application/graphql").header("Authorization", "Bearer " + forgedToken)
                .body("mutation { placeHold(input: {userId: \"u-graphql\", reason: \"r\"}) { userErrors { code } } }"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)).post("/graphql");
        assertEquals(401, graphql.statusCode());
        assertEquals(holds + 1, attempts("placeHold", "REFUSED", "UNAUTHENTICATED"), "an application/graphql body");

        long imports = attempts("importSettlementReport", "REFUSED", "UNAUTHENTICATED");
        String file = Tokens.unique("forged") + ".csv";
        var upload = io.restassured.RestAssured.given().contentType("text/csv").header("Authorization", "Bearer " + forgedToken)
                .queryParam("fileName", file).body("transaction_id,type,amount,currency,fee,date\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)).post("/imports/settlement-reports");
        assertEquals(401, upload.statusCode());
        assertEquals("UNAUTHENTICATED", upload.jsonPath().getString("errors[0].extensions.code"));
        assertEquals(imports + 1, attempts("importSettlementReport", "REFUSED", "UNAUTHENTICATED"), "the settlement upload");
        assertEquals(1L, Db.number(Db.TEST_SCHEMA, "select count(*) from admin_audit where action = 'importSettlementReport' "
                + "and error_code = 'UNAUTHENTICATED' and input->>'fileName' = ?", file), "with the file name it gave");
    }

    @Test
    void anIdempotentReplayOfAnAdminActionAddsNoSecondRecord() {
        Viewer viewer = Gifting.fundedViewer("auditreplay", 1);
        String adminId = Tokens.unique("replayer");
        String admin = Tokens.admin(adminId);
        String grant = "mutation($i: GrantCoinsInput!) { grantCoins(input: $i) { wallet { coins } userErrors { code } } }";
        Map<String, Object> input = Map.of("userId", viewer.id(), "coins", 5, "reason", "replayed", "idempotencyKey", Flows.key());
        for (int i = 0; i < 3; i++) {
            assertEquals(List.of(), Gql.ok(admin, grant, Gql.vars("i", input)).getList("data.grantCoins.userErrors"));
        }
        assertEquals(1, records(Map.of("actorId", adminId, "action", "grantCoins")).size());
    }

    /**
     * Someone who is not an admin, refused at an admin operation with an input the schema takes but no input gate checked
     * yet (6,000 diamond values, about 200 KB), is recorded with the input cut to its field names and size: the log, kept
     * for good, does not grow by the body's size per request.
     */
    @Test
    void aNonAdminsRefusedAttemptKeepsABigInputCut() {
        List<Map<String, Object>> values = new java.util.ArrayList<>();
        for (int i = 0; i < 6_000; i++) {
            values.add(Map.of("currency", "USD", "amount", "0.5"));
        }
        String marker = Tokens.unique("bigrates");
        long before = Db.number(Db.TEST_SCHEMA, "select count(*) from admin_audit where action = 'setRates'");
        var r = Gql.post(Tokens.viewer(marker), "mutation($i: SetRatesInput!) { setRates(input: $i) { userErrors { code } } }",
                Gql.vars("i", Map.of("diamondValues", values)));
        assertEquals("FORBIDDEN", Gql.errorCode(r), r.asString().substring(0, Math.min(300, r.asString().length())));
        List<Map<String, Object>> rows = Db.rows(Db.TEST_SCHEMA, "select length(input::text) as size, input::text as input from admin_audit "
                + "where action = 'setRates' and actor_id = ?", marker);
        assertEquals(1, rows.size(), "recorded once: " + (Db.number(Db.TEST_SCHEMA, "select count(*) from admin_audit where action = 'setRates'") - before));
        assertTrue(((Number) rows.get(0).get("size")).intValue() < 9_000, String.valueOf(rows.get(0).get("size")));
        assertTrue(String.valueOf(rows.get(0).get("input")).contains("leftOut"), String.valueOf(rows.get(0).get("input")));
    }

    /**
     * A request refused before any resolver ran records each admin operation it names once, however many aliases repeat
     * it, at most 10 a request, and an input bigger than a record keeps as its field names and size: a refused request
     * cannot multiply itself into the log.
     */
    @Test
    void aRefusedRequestCannotMultiplyItselfIntoTheLog() {
        String marker = Tokens.unique("alias");
        StringBuilder query = new StringBuilder("mutation($i: GrantCoinsInput!) {");
        for (int a = 0; a < 60; a++) {
            query.append(" a").append(a).append(": grantCoins(input: $i) { userErrors { code } }");
        }
        query.append(" }");
        Map<String, Object> input = new java.util.LinkedHashMap<>();
        input.put("userId", marker);
        for (int k = 0; k < 20; k++) {
            input.put("made" + k, "x".repeat(1_000));
        }
        long before = Db.number(Db.TEST_SCHEMA, "select count(*) from admin_audit where action = 'grantCoins' and target_id = ?", marker);
        var r = Gql.post(null, query.toString(), Gql.vars("i", input));
        assertTrue(r.statusCode() < 500, r.asString());
        List<Map<String, Object>> rows = Db.rows(Db.TEST_SCHEMA, "select input::text as input from admin_audit where action = 'grantCoins' "
                + "and outcome = 'REFUSED' and input::text like ?", "%leftOut%");
        assertEquals(before + 1, Db.number(Db.TEST_SCHEMA, "select count(*) from admin_audit where action = 'grantCoins' and target_id = ?", marker),
                "60 aliases of one operation: one record");
        assertTrue(Db.number(Db.TEST_SCHEMA, "select count(*) from admin_audit where input::text like ?", "%" + "x".repeat(1_000) + "%") == 0,
                "no made-up value of 1,000 characters kept");
        assertFalse(rows.isEmpty(), "the attempt is recorded, cut");
        assertTrue(rows.stream().allMatch(x -> String.valueOf(x.get("input")).length() < 9_000), rows.toString());
        // the same operation with other arguments is another attempt: a decoy does not hide the real one
        String decoy = Tokens.unique("decoy");
        String victim = Tokens.unique("victim");
        var both = Gql.post(null, "mutation { a: grantCoins(input: {userId: \"" + decoy + "\", coins: \"x\", reason: \"r\", idempotencyKey: \"k\"}) "
                + "{ userErrors { code } } b: grantCoins(input: {userId: \"" + victim + "\", coins: \"x\", reason: \"r\", idempotencyKey: \"k\"}) "
                + "{ userErrors { code } } }", null);
        assertTrue(both.statusCode() < 500, both.asString());
        assertEquals(1, Db.number(Db.TEST_SCHEMA, "select count(*) from admin_audit where action = 'grantCoins' and target_id = ?", decoy));
        assertEquals(1, Db.number(Db.TEST_SCHEMA, "select count(*) from admin_audit where action = 'grantCoins' and target_id = ?", victim));
    }

    /** A webhook's description is a person's own words: the log keeps the attempt without it. */
    @Test
    void aWebhooksDescriptionIsNotKeptInTheLog() {
        String creatorId = Tokens.unique("described");
        String words = "Carol Smith's private bot " + Tokens.unique("w");
        Gql.ok(Tokens.creator(creatorId), "mutation($i: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $i) { userErrors { code } } }",
                Gql.vars("i", Map.of("url", "http://127.0.0.1:9/described", "eventTypes", List.of("gift.sent"), "description", words)));
        assertEquals(0, Db.number(Db.TEST_SCHEMA, "select count(*) from admin_audit where input::text like ?", "%" + words + "%"));
        assertEquals(1, Db.number(Db.TEST_SCHEMA, "select count(*) from admin_audit where actor_id = ? and action = 'createWebhookSubscription'",
                creatorId));
    }

    /**
     * An admin's attempt on a person already erased (refused: a hold, a grant) is recorded without the words written about
     * them: no reason, and its input as {}; who, what, when and how it ended stay.
     */
    @Test
    void anAttemptOnAnErasedPersonKeepsNoWordsAboutThem() {
        String adminId = Tokens.unique("audit-erased-admin");
        String admin = Tokens.admin(adminId);
        Viewer gone = Gifting.fundedViewer("audit-erased", 10);
        com.coinstream.support.Erasures.erase(gone.token());
        String words = "suspected " + Tokens.unique("words");
        run(admin, "mutation($input: PlaceHoldInput!) { placeHold(input: $input) { userErrors { code } } }", "userId", gone.id(), "reason", words);
        run(admin, "mutation($input: GrantCoinsInput!) { grantCoins(input: $input) { userErrors { code } } }", "userId", gone.id(), "coins", 5,
                "reason", words, "idempotencyKey", Flows.key());
        assertEquals(0, Db.number(Db.TEST_SCHEMA, "select count(*) from admin_audit where reason like ? or input::text like ?", "%" + words + "%",
                "%" + words + "%"), "nothing of the words stored, not only hidden when read");
        assertEquals(2, Db.number(Db.TEST_SCHEMA, "select count(*) from admin_audit where actor_id = ? and target_id = ? and outcome <> 'DONE' "
                + "and reason is null and input = '{}'::jsonb", adminId, gone.id()));
    }

    /** A done admin action by an erased actor is refused by the database (V39): the action rolls back. */
    @Test
    void anErasedAdminActsNoMore() {
        String adminId = Tokens.unique("gone-admin");
        Gql.ok(Tokens.admin(adminId), "{ me { id } }");
        Db.rows(Db.TEST_SCHEMA, "update app_user set display_name = 'Erased user 0ad0ad0a', erased_at = now() where id = ? returning id", adminId);
        RuntimeException e = assertThrows(RuntimeException.class, () -> Db.rows(Db.TEST_SCHEMA, "insert into admin_audit (id, at, actor_id, "
                + "actor_roles, action, outcome, input) values (gen_random_uuid(), now(), ?, '{admin}', 'grantCoins', 'DONE', '{}') returning id", adminId));
        Throwable cause = e.getCause() instanceof SQLException ? e.getCause() : e;
        assertTrue(String.valueOf(cause.getMessage()).contains("has been erased"), cause.toString());
        // a refused attempt is still recorded
        Db.rows(Db.TEST_SCHEMA, "insert into admin_audit (id, at, actor_id, actor_roles, action, outcome, input, error_code) values "
                + "(gen_random_uuid(), now(), ?, '{admin}', 'grantCoins', 'REFUSED', '{}', 'UNAUTHENTICATED') returning id", adminId);
    }
}
