package com.coinstream.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

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
import com.coinstream.support.WebhookReceiver;
import com.coinstream.support.WebhookReceiver.Received;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;

/** Outbound webhooks against a real HTTP receiver on loopback and the real database. */
@QuarkusTest
class WebhooksTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final String CREATE = """
            mutation($i: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $i) {
              subscription { id url eventTypes status creatorId consecutiveFailures } secret userErrors { code field message } } }
            """;
    static final String ROTATE = "mutation($i: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $i) { subscription { id previousSecretValidUntil } secret userErrors { code } } }";
    static final String DELETE = "mutation($i: DeleteWebhookSubscriptionInput!) { deleteWebhookSubscription(input: $i) { deletedSubscriptionId userErrors { code } } }";
    static final String LIST = "{ webhookSubscriptions { id url eventTypes status creatorId disabledReason consecutiveFailures } }";
    static final String DELIVERIES = """
            query($s: ID!, $first: Int, $after: String) { webhookDeliveries(subscriptionId: $s, first: $first, after: $after) {
              nodes { id eventId eventType status attempts lastStatusCode lastError deliveredAt data } pageInfo { hasNextPage endCursor } } }
            """;
    static final String REPLAY = "mutation($i: ReplayWebhookDeliveriesInput!) { replayWebhookDeliveries(input: $i) { replayed subscription { status consecutiveFailures } userErrors { code message } } }";
    static final String HOLD = "mutation($i: PlaceHoldInput!) { placeHold(input: $i) { onHold userErrors { code } } }";
    static final String RELEASE = "mutation($i: ReleaseHoldInput!) { releaseHold(input: $i) { onHold userErrors { code } } }";

    @Inject
    WebhookOutbox outbox;
    @Inject
    Pool pool;
    @Inject
    TestClock clock;

    @org.junit.jupiter.api.AfterEach
    void resetClock() {
        clock.reset();
    }

    record Sub(String id, String secret) {
    }

    static Sub subscribe(String token, String url, List<String> types, Object... more) {
        Map<String, Object> input = new java.util.HashMap<>(Map.of("url", url, "eventTypes", types));
        for (int i = 0; i < more.length; i += 2) {
            input.put((String) more[i], more[i + 1]);
        }
        JsonPath r = Gql.ok(token, CREATE, Gql.vars("i", input));
        assertEquals(List.of(), r.getList("data.createWebhookSubscription.userErrors"), r.prettify());
        return new Sub(r.getString("data.createWebhookSubscription.subscription.id"), r.getString("data.createWebhookSubscription.secret"));
    }

    static String refusal(String token, String url, List<String> types) {
        return Gql.ok(token, CREATE, Gql.vars("i", Map.of("url", url, "eventTypes", types)))
                .getString("data.createWebhookSubscription.userErrors[0].code");
    }

    static void delete(String token, Sub sub) {
        Gql.ok(token, DELETE, Gql.vars("i", Map.of("subscriptionId", sub.id())));
    }

    static List<Map<String, Object>> deliveries(String token, Sub sub) {
        return Gql.ok(token, DELIVERIES, Gql.vars("s", sub.id(), "first", 100)).getList("data.webhookDeliveries.nodes");
    }

    /** What a receiver does with each request: the signature verifies, with the message id and a fresh timestamp. */
    static void assertSigned(Received r, String secret) {
        assertTrue(WebhookSignature.verify(secret, r.id(), r.timestamp(), r.signature(), r.body(), Instant.now().getEpochSecond(), 300),
                "signature of " + r.body());
        assertEquals("msg_" + r.json().getString("id"), r.id());
        assertEquals(1, r.json().getInteger("version"));
        assertNotNull(Instant.parse(r.json().getString("createdAt")));
    }

    /**
     * The outbox gets a row only where someone listens: no row for a creator nobody subscribed to, and a subscription made
     * while gifts pour in gets every gift sent after it was created, each once, in order, and nothing twice.
     */
    @Test
    void aSubscriptionMadeMidLoadGetsEveryLaterGiftOnceAndAnUnsubscribedCreatorWritesNoOutboxRow() throws Exception {
        LiveCreator creator = Gifting.liveCreator("hookmid");
        LiveCreator quiet = Gifting.liveCreator("hookquiet");
        Viewer[] fans = new Viewer[8];
        for (int i = 0; i < fans.length; i++) {
            fans[i] = Gifting.fundedViewer("hookmidfan" + i, 3000);
        }
        String send = "mutation($input: SendGiftInput!) { sendGift(input: $input) { receipt { id } userErrors { code } } }";
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            java.util.concurrent.atomic.AtomicReference<Sub> sub = new java.util.concurrent.atomic.AtomicReference<>();
            java.util.concurrent.ConcurrentLinkedQueue<String> afterSubscribing = new java.util.concurrent.ConcurrentLinkedQueue<>();
            java.util.concurrent.CompletableFuture<Void> subscribing = java.util.concurrent.CompletableFuture.runAsync(() -> {
                sleep(150); // while the race below is under way
                sub.set(subscribe(creator.token(), receiver.url(), List.of("gift.sent")));
            });
            // 24 senders at once, each sending 10 gifts one after another: the subscription lands in the middle
            List<JsonPath> sent = Race.run(24, i -> {
                List<JsonPath> mine = new java.util.ArrayList<>();
                for (int k = 0; k < 10; k++) {
                    boolean quietOne = (i + k) % 4 == 3;
                    boolean subscribed = sub.get() != null; // read before the gift is sent: the gift comes after the subscription
                    JsonPath r = Gql.ok(fans[i % fans.length].token(), send, Gql.input("streamId", quietOne ? quiet.stream() : creator.stream(),
                            "giftId", Gifting.ROSE, "quantity", 1, "idempotencyKey", Flows.key()));
                    if (subscribed && !quietOne) {
                        afterSubscribing.add(r.getString("data.sendGift.receipt.id"));
                    }
                    mine.add(r);
                    sleep(10);
                }
                return mine;
            }).stream().flatMap(List::stream).toList();
            subscribing.get();
            assertTrue(sent.stream().allMatch(r -> r.getList("data.sendGift.userErrors").isEmpty()), "every gift accepted");
            // nobody listens to the quiet creator's gifts: no outbox row for them (platform-wide subscriptions aside)
            assertEquals(0, Db.number(Db.TEST_SCHEMA, "select count(*) from webhook_delivery d join webhook_subscription s on s.id = d.subscription_id "
                    + "join gift_event g on g.id = d.event_id where g.stream_id = ?::uuid and s.creator_id is not null", quiet.stream()));
            List<Map<String, Object>> rows = Db.rows(Db.TEST_SCHEMA, "select g.id::text as id, g.stream_seq from webhook_delivery d "
                    + "join gift_event g on g.id = d.event_id where d.subscription_id = ?::uuid order by g.stream_seq", sub.get().id());
            java.util.Set<String> outboxed = rows.stream().map(r -> (String) r.get("id")).collect(Collectors.toSet());
            assertEquals(rows.size(), outboxed.size(), "one row per gift");
            for (String receipt : afterSubscribing) {
                assertTrue(outboxed.contains(receipt), "a gift sent after the subscription was made is in the outbox: " + receipt);
            }
            WebhookReceiver.await(WAIT, () -> receiver.received().size() >= rows.size(), rows.size() + " deliveries");
            List<Received> got = receiver.received();
            assertEquals(rows.size(), got.size(), "each once");
            List<Long> order = got.stream().map(r -> r.data().getLong("streamSequence")).toList();
            assertEquals(rows.stream().map(r -> ((Number) r.get("stream_seq")).longValue()).toList(), order, "in stream order");
            assertTrue(!afterSubscribing.isEmpty(), "the race had gifts after the subscription");
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aCreatorReceivesEverySignedGiftOfTheirStreamOnceAndInStreamOrder() {
        LiveCreator creator = Gifting.liveCreator("hookgifts");
        LiveCreator other = Gifting.liveCreator("hookother");
        Viewer[] fans = new Viewer[10];
        for (int i = 0; i < fans.length; i++) {
            fans[i] = Gifting.fundedViewer("hookfan" + i, 2000);
        }
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            Sub sub = subscribe(creator.token(), receiver.url(), List.of("gift.sent"));
            String send = "mutation($input: SendGiftInput!) { sendGift(input: $input) { receipt { id } userErrors { code } } }";
            List<JsonPath> sent = Race.run(150, i -> Gql.ok(fans[i % fans.length].token(), send, Gql.input("streamId",
                    i % 15 == 14 ? other.stream() : creator.stream(), "giftId", Gifting.ROSE, "quantity", 1 + i % 3,
                    "idempotencyKey", Flows.key(), "anonymous", i % 7 == 6)));
            assertTrue(sent.stream().allMatch(r -> r.getList("data.sendGift.userErrors").isEmpty()), "every gift accepted");
            long mine = Db.number(Db.TEST_SCHEMA, "select count(*) from gift_event where stream_id = ?::uuid", creator.stream());
            assertEquals(140, mine);
            WebhookReceiver.await(WAIT, () -> receiver.received().size() >= mine, "140 gift.sent deliveries");

            List<Received> got = receiver.received();
            assertEquals(140, got.size(), "each gift once, none of the other creator's");
            assertEquals(140, got.stream().map(Received::id).collect(Collectors.toSet()).size());
            got.forEach(r -> assertSigned(r, sub.secret()));
            assertEquals(List.of(), got.stream().filter(r -> !"gift.sent".equals(r.type())).toList());
            List<Long> order = got.stream().map(r -> r.data().getLong("streamSequence")).toList();
            for (int i = 1; i < order.size(); i++) {
                assertTrue(order.get(i) > order.get(i - 1), "delivered in stream order: " + order);
            }
            // each payload is the gift the ledger recorded
            Map<String, Map<String, Object>> events = Db.rows(Db.TEST_SCHEMA, "select id::text as id, coins, diamonds, stream_seq, anonymous "
                    + "from gift_event where stream_id = ?::uuid", creator.stream()).stream()
                    .collect(Collectors.toMap(e -> (String) e.get("id"), e -> e));
            for (Received r : got) {
                JsonObject d = r.data();
                Map<String, Object> e = events.get(d.getString("giftEventId"));
                assertNotNull(e, "a committed gift");
                assertEquals(((Number) e.get("coins")).longValue(), d.getLong("coins"));
                assertEquals(((Number) e.get("diamonds")).longValue(), d.getLong("diamonds"));
                assertEquals(((Number) e.get("stream_seq")).longValue(), d.getLong("streamSequence"));
                assertEquals(creator.stream(), d.getString("streamId"));
                assertNull(d.getValue("senderId"), "a creator's payload has the room's sender name, no user id");
                if ((Boolean) e.get("anonymous")) {
                    assertEquals("Anonymous", d.getString("senderName"));
                }
            }
            List<Map<String, Object>> log = deliveries(creator.token(), sub);
            assertEquals(100, log.size());
            assertTrue(log.stream().allMatch(d -> "DELIVERED".equals(d.get("status")) && ((Number) d.get("attempts")).intValue() == 1
                    && ((Number) d.get("lastStatusCode")).intValue() == 204), log.toString());
            LedgerChecks.assertClean();
        }
    }

    @Test
    void failuresAreRetriedWithBackoffThenTheSubscriptionIsDisabledWithItsReasonAndAReplayRevivesIt() {
        String admin = Tokens.admin("hookops-" + Flows.key());
        try (WebhookReceiver receiver = new WebhookReceiver().respond(r -> 500)) {
            Sub sub = subscribe(admin, receiver.url(), List.of("account.hold_placed"));
            try {
                Viewer target = Gifting.fundedViewer("hookheld", 10);
                Gql.ok(admin, HOLD, Gql.vars("i", Map.of("userId", target.id(), "reason", "webhook retry test")));
                WebhookReceiver.await(WAIT, () -> "DISABLED".equals(status(admin, sub)), "the subscription disabled");
                List<Received> attempts = receiver.received();
                assertEquals(5, attempts.size(), "the test profile disables after 5 failures in a row");
                assertEquals(1, attempts.stream().map(Received::id).distinct().count(), "the same message each time");
                for (int i = 1; i < attempts.size(); i++) {
                    long gap = Duration.between(attempts.get(i - 1).at(), attempts.get(i).at()).toMillis();
                    assertTrue(gap >= 40, "backoff between attempts: " + gap + " ms");
                }
                Map<String, Object> s = subscription(admin, sub);
                assertTrue(((String) s.get("disabledReason")).contains("5 failed attempts in a row (last: HTTP 500)"), s.toString());
                Map<String, Object> d = deliveries(admin, sub).get(0);
                assertEquals(5, ((Number) d.get("attempts")).intValue());
                assertEquals(500, ((Number) d.get("lastStatusCode")).intValue());
                assertEquals("PENDING", d.get("status"));

                // the endpoint is fixed; replaying the time range enables the subscription again and the event arrives
                receiver.respond(r -> 200);
                JsonPath replay = Gql.ok(admin, REPLAY, Gql.vars("i", Map.of("subscriptionId", sub.id(),
                        "from", "2000-01-01T00:00:00Z", "to", "2100-01-01T00:00:00Z")));
                assertEquals("ACTIVE", replay.getString("data.replayWebhookDeliveries.subscription.status"));
                WebhookReceiver.await(WAIT, () -> "DELIVERED".equals(deliveries(admin, sub).get(0).get("status")), "delivered");
                assertEquals(6, receiver.received().size());
                assertEquals(0, ((Number) subscription(admin, sub).get("consecutiveFailures")).intValue());
            } finally {
                delete(admin, sub);
            }
        }
    }

    static Map<String, Object> subscription(String token, Sub sub) {
        List<Map<String, Object>> all = Gql.ok(token, LIST).getList("data.webhookSubscriptions");
        return all.stream().filter(s -> sub.id().equals(s.get("id"))).findFirst().orElseThrow();
    }

    static String status(String token, Sub sub) {
        return (String) subscription(token, sub).get("status");
    }

    static final String TEST_EVENT = "mutation($i: SendTestWebhookEventInput!) { sendTestWebhookEvent(input: $i) { "
            + "delivery { id eventType status } userErrors { code message } } }";
    static final String HEALTH = "{ webhookSubscriptions { id health { window delivered failed failing pending successRate lastDeliveredAt "
            + "lastFailureAt lastFailureStatusCode lastFailureError } deliveryDays(days: 7) { day delivered failed failing pending } } }";
    static final String BY_STATUS = "query($s: ID!, $status: WebhookDeliveryStatus) { webhookDeliveries(subscriptionId: $s, status: $status, first: 50) "
            + "{ nodes { id status eventType } } }";

    /**
     * A subscription's changes run one at a time: of 25 deletes at once one deletes it and the others find it gone, and a
     * test or a replay after it finds it gone too (never queueing on a deleted subscription).
     */
    @Test
    void aSubscriptionIsDeletedOnceByManyDeletesAtOnce() {
        LiveCreator creator = Gifting.liveCreator("hookdelete");
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            Sub sub = subscribe(creator.token(), receiver.url(), List.of("gift.sent"));
            String delete = "mutation($i: DeleteWebhookSubscriptionInput!) { deleteWebhookSubscription(input: $i) { deletedSubscriptionId userErrors { code } } }";
            List<JsonPath> raced = Race.run(25, i -> Gql.ok(creator.token(), delete, Gql.vars("i", Map.of("subscriptionId", sub.id()))));
            assertEquals(1, raced.stream().filter(r -> r.getList("data.deleteWebhookSubscription.userErrors").isEmpty()).count(),
                    raced.stream().map(JsonPath::prettify).toList().toString());
            assertTrue(raced.stream().filter(r -> !r.getList("data.deleteWebhookSubscription.userErrors").isEmpty())
                    .allMatch(r -> "NOT_FOUND".equals(r.getString("data.deleteWebhookSubscription.userErrors[0].code"))));
            assertEquals("NOT_FOUND", Gql.ok(creator.token(), TEST_EVENT, Gql.vars("i", Map.of("subscriptionId", sub.id())))
                    .getString("data.sendTestWebhookEvent.userErrors[0].code"));
            assertEquals(1, com.coinstream.support.Db.number(com.coinstream.support.Db.TEST_SCHEMA, "select count(*) from admin_audit "
                    + "where action = 'deleteWebhookSubscription' and target_id = ? and outcome = 'DONE'", sub.id()), "one delete done");
        }
    }

    /** 25 holds placed at once on one account: one hold, its first reason kept, one account.hold_placed event. */
    @Test
    void manyHoldsAtOnceAreOneHoldAndOneEvent() {
        String admin = Tokens.admin("hookholds-" + Flows.key());
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            Sub sub = subscribe(admin, receiver.url(), List.of("account.hold_placed"));
            try {
                Viewer target = Gifting.fundedViewer("manyholds", 10);
                List<JsonPath> raced = Race.run(25, i -> Gql.ok(admin, HOLD, Gql.vars("i", Map.of("userId", target.id(), "reason", "hold " + i))));
                assertTrue(raced.stream().allMatch(r -> r.getList("data.placeHold.userErrors").isEmpty()), raced.get(0).prettify());
                assertEquals(1, com.coinstream.support.Db.number(com.coinstream.support.Db.TEST_SCHEMA, "select count(*) from webhook_delivery "
                        + "where subscription_id = ?::uuid and data->>'userId' = ?", sub.id(), target.id()), "one hold_placed event");
                String reason = (String) com.coinstream.support.Db.rows(com.coinstream.support.Db.TEST_SCHEMA,
                        "select hold_reason from app_user where id = ?", target.id()).get(0).get("hold_reason");
                assertTrue(reason.matches("hold \\d+"), reason);
            } finally {
                Gql.ok(admin, "mutation($i: DeleteWebhookSubscriptionInput!) { deleteWebhookSubscription(input: $i) { userErrors { code } } }",
                        Gql.vars("i", Map.of("subscriptionId", sub.id())));
            }
        }
    }

    @Test
    void aTestEventIsSignedAndLoggedOneAtATimeAndHealthAndDaysCountTheDeliveries() {
        LiveCreator creator = Gifting.liveCreator("hooktest");
        String stranger = Gifting.liveCreator("hookstranger").token();
        // slow to answer at first: the first test event's attempt stays open (not yet failed) through the race
        try (WebhookReceiver receiver = new WebhookReceiver().respond(r -> 500).delay(Duration.ofSeconds(3))) {
            Sub sub = subscribe(creator.token(), receiver.url(), List.of("gift.sent"));
            // 25 at once, across the limit of one pending test event: exactly one is queued
            List<JsonPath> raced = Race.run(25, i -> Gql.ok(creator.token(), TEST_EVENT, Gql.vars("i", Map.of("subscriptionId", sub.id()))));
            assertEquals(1, raced.stream().filter(r -> r.getList("data.sendTestWebhookEvent.userErrors").isEmpty()).count());
            assertTrue(raced.stream().filter(r -> !r.getList("data.sendTestWebhookEvent.userErrors").isEmpty())
                    .allMatch(r -> "INVALID_STATE".equals(r.getString("data.sendTestWebhookEvent.userErrors[0].code"))));
            JsonPath first = raced.stream().filter(r -> r.getList("data.sendTestWebhookEvent.userErrors").isEmpty()).findFirst().orElseThrow();
            assertEquals("webhook.test", first.getString("data.sendTestWebhookEvent.delivery.eventType"));
            assertEquals("PENDING", first.getString("data.sendTestWebhookEvent.delivery.status"));
            // someone else's subscription is unknown to them
            assertEquals("NOT_FOUND", Gql.ok(stranger, TEST_EVENT, Gql.vars("i", Map.of("subscriptionId", sub.id())))
                    .getString("data.sendTestWebhookEvent.userErrors[0].code"));

            WebhookReceiver.await(WAIT, () -> receiver.received().size() >= 2, "the test event retried after HTTP 500");
            receiver.delay(Duration.ZERO).respond(r -> 204);
            WebhookReceiver.await(WAIT, () -> "DELIVERED".equals(Gql.ok(creator.token(), BY_STATUS, Gql.vars("s", sub.id(), "status", null))
                    .getString("data.webhookDeliveries.nodes[0].status")), "the test event delivered");
            Received test = receiver.ofType("webhook.test").get(0);
            assertSigned(test, sub.secret());
            assertEquals(sub.id(), test.data().getString("subscriptionId"));

            // a failed one and a pending one beside it, so every state is counted
            Gql.ok(creator.token(), TEST_EVENT, Gql.vars("i", Map.of("subscriptionId", sub.id())));
            WebhookReceiver.await(WAIT, () -> Gql.ok(creator.token(), BY_STATUS, Gql.vars("s", sub.id(), "status", "PENDING"))
                    .getList("data.webhookDeliveries.nodes").isEmpty(), "the second test event delivered");
            Db.rows(Db.TEST_SCHEMA, "update webhook_delivery set status = 'FAILED', last_error = 'HTTP 503', last_status_code = 503, "
                    + "last_attempt_at = now() where id = (select min(id) from webhook_delivery where subscription_id = ?::uuid) returning id", sub.id());
            Db.rows(Db.TEST_SCHEMA, "insert into webhook_delivery (subscription_id, event_id, event_type, occurred_at, data, next_attempt_at) "
                    + "values (?::uuid, gen_random_uuid(), 'webhook.test', now(), '{}', now() + interval '1 day') returning id", sub.id());

            List<Map<String, Object>> all = Gql.ok(creator.token(), HEALTH).getList("data.webhookSubscriptions");
            Map<String, Object> mine = all.stream().filter(x -> sub.id().equals(x.get("id"))).findFirst().orElseThrow();
            @SuppressWarnings("unchecked")
            Map<String, Object> health = (Map<String, Object>) mine.get("health");
            assertEquals(3, ((Number) health.get("window")).intValue(), health.toString());
            assertEquals(1, ((Number) health.get("delivered")).intValue(), health.toString());
            assertEquals(1, ((Number) health.get("failed")).intValue(), health.toString());
            assertEquals(1, ((Number) health.get("pending")).intValue(), health.toString());
            assertEquals(0, ((Number) health.get("failing")).intValue(), "the pending one has not been attempted: " + health);
            assertEquals(0.5, ((Number) health.get("successRate")).doubleValue(), 1e-9);
            assertEquals(503, ((Number) health.get("lastFailureStatusCode")).intValue());
            assertEquals("HTTP 503", health.get("lastFailureError"));
            assertNotNull(health.get("lastDeliveredAt"));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> days = (List<Map<String, Object>>) mine.get("deliveryDays");
            assertEquals(1, days.size(), days.toString());
            assertEquals(java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString(), days.get(0).get("day"));
            assertEquals(List.of(1, 1, 1), List.of(days.get(0).get("delivered"), days.get(0).get("failed"), days.get(0).get("pending")));
            for (String status : List.of("PENDING", "DELIVERED", "FAILED")) {
                List<Map<String, Object>> only = Gql.ok(creator.token(), BY_STATUS, Gql.vars("s", sub.id(), "status", status))
                        .getList("data.webhookDeliveries.nodes");
                assertEquals(1, only.size(), status + ": " + only);
                assertEquals(status, only.get(0).get("status"));
            }
            // at most 10 test events an hour per subscription (three so far, and eight more)
            Db.rows(Db.TEST_SCHEMA, "update webhook_delivery set status = 'FAILED' where subscription_id = ?::uuid and status = 'PENDING' returning id", sub.id());
            Db.rows(Db.TEST_SCHEMA, "insert into webhook_delivery (subscription_id, event_id, event_type, occurred_at, data, status) "
                    + "select ?::uuid, gen_random_uuid(), 'webhook.test', now(), '{}', 'DELIVERED' from generate_series(1, 8) returning id", sub.id());
            assertEquals("RATE_LIMITED", Gql.ok(creator.token(), TEST_EVENT, Gql.vars("i", Map.of("subscriptionId", sub.id())))
                    .getString("data.sendTestWebhookEvent.userErrors[0].code"));
            // a disabled subscription takes no test event (a replay is the way back)
            Db.rows(Db.TEST_SCHEMA, "update webhook_subscription set status = 'DISABLED' where id = ?::uuid returning id", sub.id());
            assertEquals("INVALID_STATE", Gql.ok(creator.token(), TEST_EVENT, Gql.vars("i", Map.of("subscriptionId", sub.id())))
                    .getString("data.sendTestWebhookEvent.userErrors[0].code"));
            delete(creator.token(), sub);
        }
    }

    /**
     * A redirect is never followed (it could name an address the policy refuses, checked only for the subscription's own):
     * each status the endpoint may answer with fails the attempt with that status, and the address it names gets nothing.
     */
    @Test
    void aRedirectIsNeverFollowed() {
        LiveCreator creator = Gifting.liveCreator("hookredirect");
        try (WebhookReceiver target = new WebhookReceiver()) {
            for (int status : List.of(301, 302, 303, 307, 308)) {
                try (WebhookReceiver redirecting = new WebhookReceiver().respond(r -> status).redirectTo(target.url())) {
                    Sub sub = subscribe(creator.token(), redirecting.url(), List.of("gift.sent"));
                    assertEquals(List.of(), Gql.ok(creator.token(), TEST_EVENT, Gql.vars("i", Map.of("subscriptionId", sub.id())))
                            .getList("data.sendTestWebhookEvent.userErrors"));
                    WebhookReceiver.await(WAIT, () -> {
                        List<Map<String, Object>> d = deliveries(creator.token(), sub);
                        return !d.isEmpty() && Integer.valueOf(status).equals(d.get(0).get("lastStatusCode"));
                    }, "the attempt failed with HTTP " + status);
                    Map<String, Object> delivery = deliveries(creator.token(), sub).get(0);
                    assertEquals("HTTP " + status, delivery.get("lastError"), delivery.toString());
                    assertTrue(List.of("PENDING", "FAILED").contains(delivery.get("status")), delivery.toString());
                    delete(creator.token(), sub);
                }
            }
            assertEquals(List.of(), target.received(), "the redirect's target got nothing");
        }
    }

    @Test
    void anEventOfAChangeThatRolledBackIsNeverWrittenNorSent() {
        String admin = Tokens.admin("hookrb-" + Flows.key());
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            Sub sub = subscribe(admin, receiver.url(), List.of("account.hold_released"));
            try {
                UUID rolledBack = UUID.randomUUID();
                UUID committed = UUID.randomUUID();
                WebhookOutbox.Event lost = new WebhookOutbox.Event(WebhookOutbox.HOLD_RELEASED, rolledBack, Instant.now(), null, null, null,
                        new JsonObject().put("userId", "nobody"));
                // the change's transaction writes the event, then fails: both roll back
                try {
                    pool.withTransaction(tx -> outbox.emit(tx, lost).flatMap(v -> Uni.createFrom().failure(new IllegalStateException("later step failed"))))
                            .await().indefinitely();
                } catch (IllegalStateException expected) {
                    // as a service's refusal would
                }
                pool.withTransaction(tx -> outbox.emit(tx, new WebhookOutbox.Event(WebhookOutbox.HOLD_RELEASED, committed, Instant.now(), null,
                        null, null, new JsonObject().put("userId", "somebody")))).await().indefinitely();
                WebhookReceiver.await(WAIT, () -> receiver.received().size() >= 1, "the committed event");
                assertEquals(0, Db.number(Db.TEST_SCHEMA, "select count(*) from webhook_delivery where event_id = ?::uuid", rolledBack.toString()));
                assertEquals(List.of("msg_" + committed), receiver.received().stream().map(Received::id).toList());

                // a refused admin action (no such user) writes no event either
                Gql.ok(admin, RELEASE, Gql.vars("i", Map.of("userId", "no-such-user-" + Flows.key())));
                assertEquals(1, Db.number(Db.TEST_SCHEMA, "select count(*) from webhook_delivery where subscription_id = ?::uuid", sub.id()));
            } finally {
                delete(admin, sub);
            }
        }
    }

    @Test
    void privateLinkLocalAndMetadataEndpointsAreRefusedAtRegistrationAndAtDelivery() {
        String admin = Tokens.admin("hookssrf-" + Flows.key());
        for (String url : List.of("https://10.0.0.8/hook", "https://192.168.1.20/hook", "https://169.254.169.254/latest/meta-data/",
                "https://[fd00::1]/hook", "https://[fe80::1]/hook", "https://100.64.0.1/hook", "http://93.184.216.34/hook",
                "https://metadata.google.internal/x", "https://user:pw@127.0.0.1/hook", "gopher://127.0.0.1/x", "not a url",
                "https://no-such-host.invalid/hook")) {
            assertEquals("ENDPOINT_NOT_ALLOWED", refusal(admin, url, List.of("purchase.succeeded")), url);
        }
        assertEquals(0, Db.number(Db.TEST_SCHEMA, "select count(*) from webhook_subscription where owner_id = ?",
                admin.isEmpty() ? "" : subject(admin)));

        // a subscription whose address is private by the time of delivery (DNS changed) is never connected to
        UUID id = UUID.randomUUID();
        Db.rows(Db.TEST_SCHEMA, "insert into webhook_subscription (id, owner_id, url, event_types, secret, status, created_at) "
                + "select ?::uuid, id, 'https://10.9.9.9/hook', '{account.hold_released}', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'ACTIVE', now() "
                + "from app_user limit 1", id.toString());
        try {
            pool.withTransaction(tx -> outbox.emit(tx, new WebhookOutbox.Event(WebhookOutbox.HOLD_RELEASED, UUID.randomUUID(), Instant.now(),
                    null, null, null, new JsonObject()))).await().indefinitely();
            WebhookReceiver.await(WAIT, () -> Db.number(Db.TEST_SCHEMA, "select count(*) from webhook_delivery where subscription_id = ?::uuid "
                    + "and last_error is not null", id.toString()) > 0, "an attempt");
            String error = (String) Db.rows(Db.TEST_SCHEMA, "select last_error from webhook_delivery where subscription_id = ?::uuid", id.toString())
                    .get(0).get("last_error");
            assertTrue(error.contains("endpoint not allowed") && error.contains("a private address"), error);
        } finally {
            Db.rows(Db.TEST_SCHEMA, "update webhook_subscription set status = 'DELETED' where id = ?::uuid", id.toString());
        }
    }

    static String subject(String token) {
        String payload = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        return new JsonObject(payload).getString("sub");
    }

    @Test
    void aRotatedSecretSignsBesideTheOldOneDuringTheOverlap() {
        LiveCreator creator = Gifting.liveCreator("hookrotate");
        Viewer fan = Gifting.fundedViewer("hookrotfan", 100);
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            Sub sub = subscribe(creator.token(), receiver.url(), List.of("gift.sent"));
            Gifting.send(fan.token(), creator.stream(), Gifting.ROSE, 1, Flows.key());
            WebhookReceiver.await(WAIT, () -> receiver.received().size() == 1, "first gift");
            JsonPath rotated = Gql.ok(creator.token(), ROTATE, Gql.vars("i", Map.of("subscriptionId", sub.id())));
            String fresh = rotated.getString("data.rotateWebhookSecret.secret");
            assertTrue(fresh.startsWith("whsec_") && !fresh.equals(sub.secret()));
            assertNotNull(rotated.getString("data.rotateWebhookSecret.subscription.previousSecretValidUntil"));
            Gifting.send(fan.token(), creator.stream(), Gifting.ROSE, 1, Flows.key());
            WebhookReceiver.await(WAIT, () -> receiver.received().size() == 2, "second gift");
            Received first = receiver.received().get(0);
            Received second = receiver.received().get(1);
            assertEquals(1, first.signature().split(" ").length);
            assertEquals(2, second.signature().split(" ").length);
            assertSigned(second, fresh);
            assertSigned(second, sub.secret());
            assertTrue(!WebhookSignature.verify(fresh, first.id(), first.timestamp(), first.signature(), first.body(),
                    Instant.now().getEpochSecond(), 300), "the new secret did not sign before the rotation");
            // the secret is never shown again
            assertTrue(!Gql.ok(creator.token(), LIST).prettify().contains("whsec_"));

            // rotated again within the overlap (a retry whose answer was lost): the receiver's original secret keeps
            // signing, with its overlap unchanged; the one in between, never put to use, stops
            JsonPath again = Gql.ok(creator.token(), ROTATE, Gql.vars("i", Map.of("subscriptionId", sub.id())));
            String third = again.getString("data.rotateWebhookSecret.secret");
            assertEquals(rotated.getString("data.rotateWebhookSecret.subscription.previousSecretValidUntil"),
                    again.getString("data.rotateWebhookSecret.subscription.previousSecretValidUntil"));
            Gifting.send(fan.token(), creator.stream(), Gifting.ROSE, 1, Flows.key());
            WebhookReceiver.await(WAIT, () -> receiver.received().size() == 3, "third gift");
            Received third0 = receiver.received().get(2);
            assertSigned(third0, third);
            assertSigned(third0, sub.secret());
            assertTrue(!WebhookSignature.verify(fresh, third0.id(), third0.timestamp(), third0.signature(), third0.body(),
                    Instant.now().getEpochSecond(), 300), "the secret in between signs no more");
        }
    }

    @Test
    void oneDeliveryOrATimeRangeCanBeReplayedWithTheSameMessageId() {
        LiveCreator creator = Gifting.liveCreator("hookreplay");
        Viewer fan = Gifting.fundedViewer("hookrepfan", 100);
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            Sub sub = subscribe(creator.token(), receiver.url(), List.of("gift.sent"));
            for (int i = 0; i < 3; i++) {
                Gifting.send(fan.token(), creator.stream(), Gifting.ROSE, 1, Flows.key());
            }
            WebhookReceiver.await(WAIT, () -> receiver.received().size() == 3, "three gifts");
            List<Map<String, Object>> log = deliveries(creator.token(), sub);
            String oldest = (String) log.get(2).get("id");
            assertTrue(!oldest.matches("\\d+") && !((String) log.get(1).get("id")).matches("\\d+"),
                    "ids tell nothing of how many deliveries were made between them: " + log);
            JsonPath one = Gql.ok(creator.token(), REPLAY, Gql.vars("i", Map.of("subscriptionId", sub.id(), "deliveryId", oldest)));
            assertEquals(1, one.getInt("data.replayWebhookDeliveries.replayed"));
            WebhookReceiver.await(WAIT, () -> receiver.received().size() == 4, "the replay");
            assertEquals(receiver.received().get(0).id(), receiver.received().get(3).id(), "a replay keeps the message id");
            assertSigned(receiver.received().get(3), sub.secret());

            // the range is in the events' own time (occurredAt: the service's clock)
            List<Instant> times = Gql.ok(creator.token(), "query($s: ID!) { webhookDeliveries(subscriptionId: $s) { nodes { occurredAt } } }",
                    Gql.vars("s", sub.id())).<String> getList("data.webhookDeliveries.nodes.occurredAt").stream().map(Instant::parse).sorted().toList();
            JsonPath range = Gql.ok(creator.token(), REPLAY, Gql.vars("i", Map.of("subscriptionId", sub.id(), "from", times.get(0).toString(),
                    "to", times.get(2).plusMillis(1).toString())));
            assertEquals(3, range.getInt("data.replayWebhookDeliveries.replayed"));
            WebhookReceiver.await(WAIT, () -> receiver.received().size() == 7, "the range");
            List<Long> replayedOrder = receiver.received().subList(4, 7).stream().map(r -> r.data().getLong("streamSequence")).toList();
            assertEquals(replayedOrder.stream().sorted().toList(), replayedOrder, "a replay keeps stream order");

            assertEquals("INVALID_INPUT", Gql.ok(creator.token(), REPLAY, Gql.vars("i", Map.of("subscriptionId", sub.id())))
                    .getString("data.replayWebhookDeliveries.userErrors[0].code"));
            // one delivery and a span at once: a contradiction, refused, nothing replayed
            JsonPath both = Gql.ok(creator.token(), REPLAY, Gql.vars("i", Map.of("subscriptionId", sub.id(), "deliveryId", oldest,
                    "from", times.get(0).toString(), "to", times.get(2).plusMillis(1).toString())));
            assertEquals("INVALID_INPUT", both.getString("data.replayWebhookDeliveries.userErrors[0].code"), both.prettify());
            assertTrue(both.get("data.replayWebhookDeliveries.replayed") == null, both.prettify());
            assertEquals("NOT_FOUND", Gql.ok(creator.token(), REPLAY, Gql.vars("i", Map.of("subscriptionId", sub.id(), "deliveryId", "999999999")))
                    .getString("data.replayWebhookDeliveries.userErrors[0].code"));
        }
    }

    /** Test events are limited per owner too: deleting a subscription and creating another starts no new hour. */
    /**
     * Subscriptions no one sends to any more never hold back one that is sent to: a deleted subscription's undelivered
     * events leave the queue with it (FAILED, with the reason), and the backlogs of more disabled subscriptions than a
     * claim round takes, older than anything else due, leave every round's places to the active ones.
     */
    @Test
    void deletedAndDisabledSubscriptionsBacklogsNeverHoldBackAnActiveOne() {
        LiveCreator creator = Gifting.liveCreator("hookbacklog");
        Sub dead = subscribe(creator.token(), "http://127.0.0.1:9/dead", List.of("gift.sent"));
        String marker = "backlog-" + java.util.UUID.randomUUID();
        Db.rows(Db.TEST_SCHEMA, "insert into webhook_subscription (id, owner_id, creator_id, url, event_types, secret, status, disabled_reason, "
                + "disabled_at, created_at) select gen_random_uuid(), owner_id, creator_id, url, event_types, secret, 'DISABLED', ?, now(), created_at "
                + "from webhook_subscription s, generate_series(1, ?) where s.id = ?::uuid returning id", marker, WebhookDispatcher.CLAIM_ROUND + 6, dead.id());
        Db.rows(Db.TEST_SCHEMA, "insert into webhook_delivery (subscription_id, event_id, event_type, occurred_at, data, next_attempt_at, first_due_at) "
                + "select s.id, gen_random_uuid(), 'webhook.test', now(), '{}'::jsonb, now() - interval '1 hour', now() - interval '1 hour' "
                + "from webhook_subscription s where s.disabled_reason = ? or s.id = ?::uuid returning id", marker, dead.id());
        delete(creator.token(), dead);
        assertEquals(List.of(Map.of("status", "FAILED", "last_error", "The subscription was deleted")),
                Db.rows(Db.TEST_SCHEMA, "select status, last_error from webhook_delivery where subscription_id = ?::uuid", dead.id()));
        // its signing secrets went with it
        assertEquals(List.of(Map.of("secret", "")), Db.rows(Db.TEST_SCHEMA, "select secret from webhook_subscription where id = ?::uuid "
                + "and previous_secret is null", dead.id()));
        try (WebhookReceiver receiver = new WebhookReceiver().respond(r -> 204)) {
            String other = Gifting.liveCreator("hookbacklogother").token();
            Sub live = subscribe(other, receiver.url(), List.of("gift.sent"));
            assertEquals(List.of(), Gql.ok(other, TEST_EVENT, Gql.vars("i", Map.of("subscriptionId", live.id())))
                    .getList("data.sendTestWebhookEvent.userErrors"));
            WebhookReceiver.await(WAIT, () -> !receiver.ofType("webhook.test").isEmpty(), "the active subscription's test event delivered");
            delete(other, live);
        } finally {
            Db.rows(Db.TEST_SCHEMA, "update webhook_subscription set status = 'DELETED' where disabled_reason = ? returning id", marker);
        }
        assertEquals(0, Db.number(Db.TEST_SCHEMA, "select count(*) from webhook_delivery d join webhook_subscription s on s.id = d.subscription_id "
                + "where s.disabled_reason = ? and d.status = 'PENDING'", marker));
    }

    /**
     * One owner never takes every attempt an instance has: ten subscriptions of one creator (room for 160 attempts at once) with a thousand events
     * due, older than anything else, to a receiver that answers slowly (every attempt a success, so nothing is
     * disabled), hold at most half of the instance's attempts, and another owner's event goes out while their
     * backlog is still there.
     */
    @Test
    void oneOwnersBacklogOnASlowReceiverLeavesTheOtherHalfOfTheAttemptsToEveryoneElse() {
        LiveCreator hog = Gifting.liveCreator("hookhog");
        try (WebhookReceiver slow = new WebhookReceiver().respond(r -> 204).delay(Duration.ofMillis(800));
                WebhookReceiver fast = new WebhookReceiver().respond(r -> 204)) {
            List<Sub> hogs = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                hogs.add(subscribe(hog.token(), slow.url() + "/" + i, List.of("gift.sent")));
            }
            for (Sub sub : hogs) {
                Db.rows(Db.TEST_SCHEMA, "insert into webhook_delivery (subscription_id, event_id, event_type, occurred_at, data, next_attempt_at, first_due_at) "
                        + "select ?::uuid, gen_random_uuid(), 'webhook.test', now(), '{}'::jsonb, now() - interval '1 hour', now() - interval '1 hour' "
                        + "from generate_series(1, 100) returning id", sub.id());
            }
            WebhookReceiver.await(WAIT, () -> slow.received().size() >= 32, "the backlog being sent");
            String other = Gifting.liveCreator("hookhogother").token();
            Sub mine = subscribe(other, fast.url(), List.of("gift.sent"));
            assertEquals(List.of(), Gql.ok(other, TEST_EVENT, Gql.vars("i", Map.of("subscriptionId", mine.id())))
                    .getList("data.sendTestWebhookEvent.userErrors"));
            WebhookReceiver.await(Duration.ofSeconds(5), () -> !fast.ofType("webhook.test").isEmpty(), "another owner's event sent beside the backlog");
            long left = Db.number(Db.TEST_SCHEMA, "select count(*) from webhook_delivery d join webhook_subscription s on s.id = d.subscription_id "
                    + "where s.owner_id = ? and d.status = 'PENDING'", hog.id());
            assertTrue(left > 0, "the backlog was still there: " + left);
            delete(other, mine);
            hogs.forEach(sub -> delete(hog.token(), sub));
        }
    }

    @Test
    void testEventsAreLimitedPerOwnerAcrossDeletedSubscriptions() {
        LiveCreator creator = Gifting.liveCreator("hooktestowner");
        Sub first = subscribe(creator.token(), "http://127.0.0.1:9/first", List.of("gift.sent"));
        // thirty test events of the last hour, delivered, on a subscription since deleted
        Db.rows(Db.TEST_SCHEMA, "insert into webhook_delivery (subscription_id, event_id, event_type, occurred_at, data, status) "
                + "select ?::uuid, gen_random_uuid(), 'webhook.test', now() - interval '10 minutes', '{}'::jsonb, 'DELIVERED' from generate_series(1, 30)", first.id());
        delete(creator.token(), first);
        Sub second = subscribe(creator.token(), "http://127.0.0.1:9/second", List.of("gift.sent"));
        assertEquals("RATE_LIMITED", Gql.ok(creator.token(), TEST_EVENT, Gql.vars("i", Map.of("subscriptionId", second.id())))
                .getString("data.sendTestWebhookEvent.userErrors[0].code"));
        assertEquals(0, Db.number(Db.TEST_SCHEMA, "select count(*) from webhook_delivery where subscription_id = ?::uuid", second.id()));
        delete(creator.token(), second);
    }

    @Test
    void replaysAreLimitedPerSubscriptionHoweverItsIdIsSpelledAndNeverResendATestEvent() {
        LiveCreator creator = Gifting.liveCreator("hookreplim");
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            Sub sub = subscribe(creator.token(), receiver.url(), List.of("gift.sent"));
            String test = Gql.ok(creator.token(), TEST_EVENT, Gql.vars("i", Map.of("subscriptionId", sub.id())))
                    .getString("data.sendTestWebhookEvent.delivery.id");
            WebhookReceiver.await(WAIT, () -> "DELIVERED".equals(Gql.ok(creator.token(), BY_STATUS, Gql.vars("s", sub.id(), "status", null))
                    .getString("data.webhookDeliveries.nodes[0].status")), "the test event delivered");
            // a test event is sent again by sending a new one (its own limits), never by a replay, alone or in a range
            assertEquals("NOT_FOUND", Gql.ok(creator.token(), REPLAY, Gql.vars("i", Map.of("subscriptionId", sub.id(), "deliveryId", test)))
                    .getString("data.replayWebhookDeliveries.userErrors[0].code"));
            Map<String, Object> everything = Map.of("subscriptionId", sub.id(), "from", "2001-01-01T00:00:00Z", "to", "2099-01-01T00:00:00Z");
            assertEquals(0, Gql.ok(creator.token(), REPLAY, Gql.vars("i", everything)).getInt("data.replayWebhookDeliveries.replayed"));
            sleep(500);
            assertEquals(1, receiver.received().size(), "the test event went once");

            // 20 replays an hour per subscription (one done above), raced 25 ways, half of them with the id in capitals
            List<JsonPath> raced = Race.run(25, i -> Gql.ok(creator.token(), REPLAY, Gql.vars("i", Map.of("subscriptionId",
                    i % 2 == 0 ? sub.id() : sub.id().toUpperCase(java.util.Locale.ROOT), "from", "2001-01-01T00:00:00Z", "to", "2099-01-01T00:00:00Z"))));
            assertEquals(19, raced.stream().filter(r -> r.getList("data.replayWebhookDeliveries.userErrors").isEmpty()).count());
            assertTrue(raced.stream().filter(r -> !r.getList("data.replayWebhookDeliveries.userErrors").isEmpty())
                    .allMatch(r -> "RATE_LIMITED".equals(r.getString("data.replayWebhookDeliveries.userErrors[0].code"))), raced.toString());
            // the audit log keeps one spelling of the target, and finds it in either
            String admin = Tokens.admin("hookreplim-" + Flows.key());
            for (String spelling : List.of(sub.id(), sub.id().toUpperCase(java.util.Locale.ROOT))) {
                List<String> outcomes = Gql.ok(admin, "query($f: AuditLogFilter) { auditLog(filter: $f, first: 100) { nodes { targetId outcome } } }",
                        Gql.vars("f", Map.of("targetId", spelling, "action", "replayWebhookDeliveries"))).getList("data.auditLog.nodes.outcome");
                assertEquals(20, outcomes.stream().filter("DONE"::equals).count(), spelling + ": " + outcomes);
                assertEquals(7, outcomes.stream().filter("REFUSED"::equals).count(), spelling + ": " + outcomes); // 6 over the limit, and the test event
            }
            delete(creator.token(), sub);
        }
    }

    @Test
    void creatorsSubscribeToTheirOwnEventsAndSeeOnlyTheirOwnSubscriptions() {
        LiveCreator a = Gifting.liveCreator("hookowna");
        LiveCreator b = Gifting.liveCreator("hookownb");
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            assertEquals("FORBIDDEN", refusal(a.token(), receiver.url(), List.of("purchase.succeeded")));
            assertEquals("INVALID_INPUT", refusal(a.token(), receiver.url(), List.of("gift.exploded")));
            assertEquals("INVALID_INPUT", refusal(a.token(), receiver.url(), List.of()));
            assertEquals("FORBIDDEN", Gql.ok(a.token(), CREATE, Gql.vars("i", Map.of("url", receiver.url(), "eventTypes", List.of("gift.sent"),
                    "creatorId", b.id()))).getString("data.createWebhookSubscription.userErrors[0].code"));
            Sub sub = subscribe(a.token(), receiver.url(), List.of("gift.sent", "payout.paid"));
            assertEquals(a.id(), Gql.ok(a.token(), LIST).getString("data.webhookSubscriptions[0].creatorId"));
            assertTrue(Gql.ok(b.token(), LIST).getList("data.webhookSubscriptions").isEmpty());
            assertEquals("NOT_FOUND", Gql.ok(b.token(), ROTATE, Gql.vars("i", Map.of("subscriptionId", sub.id())))
                    .getString("data.rotateWebhookSecret.userErrors[0].code"));
            assertEquals("NOT_FOUND", Gql.ok(b.token(), DELETE, Gql.vars("i", Map.of("subscriptionId", sub.id())))
                    .getString("data.deleteWebhookSubscription.userErrors[0].code"));
            assertEquals("NOT_FOUND", Gql.ok(b.token(), REPLAY, Gql.vars("i", Map.of("subscriptionId", sub.id(), "deliveryId", "1")))
                    .getString("data.replayWebhookDeliveries.userErrors[0].code"));
            assertEquals("NOT_FOUND", Gql.errorCode(Gql.post(b.token(), DELIVERIES, Gql.vars("s", sub.id()))));
            // viewers cannot subscribe at all
            assertEquals("FORBIDDEN", Gql.errorCode(Gql.post(Tokens.viewer(Tokens.unique("hookviewer")), CREATE,
                    Gql.vars("i", Map.of("url", receiver.url(), "eventTypes", List.of("gift.sent"))))));
            delete(a.token(), sub);
            assertTrue(Gql.ok(a.token(), LIST).getList("data.webhookSubscriptions").isEmpty());
        }
    }

    @Test
    void moneyAndEngagementEventsReachAnAdminSubscriptionInTheirTransactions() {
        String admin = Tokens.admin("hookmoney-" + Flows.key());
        LiveCreator creator = Gifting.liveCreator("hookmoneyc");
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            Sub sub = subscribe(admin, receiver.url(), List.of("purchase.succeeded", "purchase.reversed", "payout.requested", "payout.paid",
                    "payout.failed", "account.hold_placed", "account.hold_released", "goal.reached"), "creatorId", null);
            try {
                String buyer = Tokens.unique("hookbuyer");
                String token = Tokens.viewer(buyer);
                String purchase = Flows.buyPackage(token, Flows.PKG_70, "pm_card_ok", Flows.key()).getString("data.purchaseCoins.purchase.id");
                WebhookReceiver.await(WAIT, () -> receiver.ofType("purchase.succeeded").stream()
                        .anyMatch(r -> purchase.equals(r.data().getString("purchaseId"))), "purchase.succeeded");
                Received bought = receiver.ofType("purchase.succeeded").stream().filter(r -> purchase.equals(r.data().getString("purchaseId")))
                        .findFirst().orElseThrow();
                assertEquals(70, bought.data().getLong("coins"));
                assertEquals(buyer, bought.data().getString("userId"));
                assertSigned(bought, sub.secret());

                Gql.ok(Tokens.admin(), "mutation($input: ReversePurchaseInput!) { reversePurchase(input: $input) { userErrors { code } } }",
                        Gql.input("purchaseId", purchase, "kind", "REFUND", "idempotencyKey", Flows.key()));
                WebhookReceiver.await(WAIT, () -> receiver.ofType("purchase.reversed").stream()
                        .anyMatch(r -> purchase.equals(r.data().getString("purchaseId"))), "purchase.reversed");

                Gql.ok(admin, HOLD, Gql.vars("i", Map.of("userId", buyer, "reason", "chargeback review")));
                Gql.ok(admin, RELEASE, Gql.vars("i", Map.of("userId", buyer)));
                Gql.ok(admin, RELEASE, Gql.vars("i", Map.of("userId", buyer))); // not on hold: no second event
                WebhookReceiver.await(WAIT, () -> receiver.ofType("account.hold_released").stream()
                        .anyMatch(r -> buyer.equals(r.data().getString("userId"))), "account.hold_released");
                assertEquals("chargeback review", receiver.ofType("account.hold_placed").stream()
                        .filter(r -> buyer.equals(r.data().getString("userId"))).findFirst().orElseThrow().data().getString("reason"));

                // a goal reached by a gift batch
                Viewer fan = Gifting.fundedViewer("hookgoalfan", 1000);
                Gql.ok(creator.token(), "mutation($i: SetStreamGoalInput!) { setStreamGoal(input: $i) { goal { id } userErrors { code } } }",
                        Gql.vars("i", Map.of("streamId", creator.stream(), "title", "Ten roses", "kind", "GIFT", "giftId", Gifting.ROSE, "target", 10)));
                Gifting.send(fan.token(), creator.stream(), Gifting.ROSE, 4, Flows.key());
                Gifting.send(fan.token(), creator.stream(), Gifting.ROSE, 7, Flows.key());
                Gifting.send(fan.token(), creator.stream(), Gifting.ROSE, 1, Flows.key());
                WebhookReceiver.await(WAIT, () -> receiver.ofType("goal.reached").stream()
                        .anyMatch(r -> creator.stream().equals(r.data().getString("streamId"))), "goal.reached");
                List<Received> reached = receiver.ofType("goal.reached").stream().filter(r -> creator.stream().equals(r.data().getString("streamId"))).toList();
                assertEquals(1, reached.size(), "reached once");
                assertEquals(11, reached.get(0).data().getLong("progress"));

                // payouts: requested, then paid
                Viewer rich = Gifting.fundedViewer("hookrich", 44999);
                Gifting.send(rich.token(), creator.stream(), Payouts.UNIVERSE, 1, Flows.key());
                clock.advance(Duration.ofDays(7).plusMinutes(1));
                String account = Payouts.verifiedAccount(creator.token());
                String payout = Payouts.request(creator.token(), 5000, account, Flows.key()).getString("data.requestPayout.payout.id");
                String act = "mutation($input: PayoutActionInput!) { approvePayout(input: $input) { payout { status } } }";
                Gql.ok(admin, act, Gql.input("payoutId", payout));
                Gql.ok(admin, "mutation($input: MarkPayoutPaidInput!) { markPayoutPaid(input: $input) { payout { status } } }",
                        Gql.input("payoutId", payout, "externalReference", "pp_hook_1"));
                WebhookReceiver.await(WAIT, () -> receiver.ofType("payout.paid").stream()
                        .anyMatch(r -> payout.equals(r.data().getString("payoutId"))), "payout.paid");
                Received paid = receiver.ofType("payout.paid").stream().filter(r -> payout.equals(r.data().getString("payoutId"))).findFirst().orElseThrow();
                assertEquals("PAID", paid.data().getString("status"));
                assertEquals("pp_hook_1", paid.data().getString("externalReference"));
                assertEquals(5000, paid.data().getLong("diamonds"));
                assertTrue(receiver.ofType("payout.requested").stream().anyMatch(r -> payout.equals(r.data().getString("payoutId"))));
                assertEquals(new HashSet<>(receiver.received().stream().map(Received::id).toList()).size(), receiver.received().size(),
                        "no message twice");
                LedgerChecks.assertClean();
            } finally {
                delete(admin, sub);
            }
        }
    }
}
